"""A big number above small writing on one page: is each big digit read as one?

    python benchmarks/mixed_sizes.py [--model exports/digitedge_int8.onnx] [--seed 0] [--frames 20]

Each 640x480 frame is a page (benchmark.photographed: lit from one side, blurred, sensor noise)
with a line of two or three big MNIST test digits, drawn in 120-160 pixel squares (ink about 0.7
of that tall), and below it a line of five to eight small ones in 40-50 pixel squares: a heading
and the figures under it, a price above its small print. The reader measures a blob's width
against the frame's typical digit width, which the small digits set; a big digit is three times as
wide as that, and was cut into two or three. Prints, for each pair of sizes, the frames read
exactly.
"""

from __future__ import annotations

import cv2
import numpy as np

from digitedge.benchmark import cells, digit_source, photographed, script_parser, written
from digitedge.vision.reader import DigitReader

SIZES = ((140, 50, 3, 6), (140, 40, 3, 8), (120, 45, 2, 8), (160, 45, 3, 5))  # big square, small square, how many of each


def page(mnist, digits, big: int, small: int, count: int, rng) -> np.ndarray:
    """The photo (grey) of these digits: the first `count` in `big` squares on one line, the rest in
    `small` squares on a line below, each line's squares overlapping by a fifth (the ink does not)."""
    paper = np.full((480, 640), 225, np.float32)
    for line, (side, top, ids) in enumerate(((big, 60, digits[:count]), (small, 300, digits[count:]))):
        x = 40
        for ink in cells(mnist, ids, side):
            paper[top : top + side, x : x + side] *= 1 - 0.85 * ink
            x += int(side * (0.8 if line == 0 else 0.85))
    return photographed(paper, rng)


def main() -> None:
    args = script_parser(__doc__).parse_args()
    cv2.setNumThreads(1)
    mnist, reader = digit_source(args.digits), DigitReader(args.model, threads=1)
    for big, small, n_big, n_small in SIZES:
        rng = np.random.default_rng(args.seed)
        exact = 0
        for _ in range(args.frames):
            digits = rng.choice(len(mnist.x_test), n_big + n_small, replace=False)
            text = written(mnist, digits[:n_big]) + " " + written(mnist, digits[n_big:])
            exact += reader.read(page(mnist, digits, big, small, n_big, rng)).text == text
        print(f"{n_big} digits of {big} px above {n_small} of {small} px: frames read exactly {exact}/{args.frames}")


if __name__ == "__main__":
    main()
