"""Small handwriting written close together: is a row of digits taken for a ruled line?

    python benchmarks/small_writing.py [--model exports/digitedge_int8.onnx] [--seed 0] [--frames 20]

Each 640x480 frame holds three lines of eight MNIST test digits in 30 or 40 pixel cells (the ink
about 21 or 28 pixels tall: a page seen whole by a webcam), each digit `advance` of a cell after
the last (at 0.7 neighbours nearly meet), lightly blurred, with sensor noise. Prints, for each
cell size and advance, the frames read exactly and the digits read (matched in order).
"""

from __future__ import annotations


import cv2
import numpy as np

from digitedge.benchmark import digit_source, frames_scored, script_parser
from digitedge.vision.reader import DigitReader


def page(mnist, digits, cell: int, advance: float, rng) -> np.ndarray:
    frame = np.full((480, 640), 225, np.float32)
    for k, i in enumerate(digits):
        ink = cv2.resize(mnist.x_test[i], (cell, cell), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
        x, y = 40 + int(advance * cell) * (k % 8), 100 + int(2.2 * cell) * (k // 8)
        frame[y : y + cell, x : x + cell] *= 1 - 0.85 * ink
    frame = cv2.GaussianBlur(frame, (0, 0), 0.8) + rng.normal(0, 3, frame.shape)
    return np.clip(frame, 0, 255).astype(np.uint8)


def main() -> None:
    args = script_parser(__doc__).parse_args()
    mnist, reader = digit_source(args.digits), DigitReader(args.model, threads=1)
    for cell in (30, 40):
        for advance in (0.7, 0.8, 1.0):
            exact, matched = frames_scored(reader, mnist, args.frames, args.seed, 24, 8,
                                           lambda digits, rng: page(mnist, digits, cell, advance, rng))
            print(f"{cell} px cells, advance {advance}: frames read exactly {exact}/{args.frames}; digits read {matched}/{24 * args.frames}")


if __name__ == "__main__":
    main()
