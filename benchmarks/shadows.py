"""A shadow across the page (a phone's or a hand's under a lamp): is the handwriting in it read?

    python benchmarks/shadows.py [--model exports/digitedge_int8.onnx] [--seed 0] [--frames 20]

Each frame is a page filling the view with two rows of five MNIST test digits and a straight
shadow edge across it at a random place and slant, darkening one side by `depth` (0.3, 0.5),
hard (blurred 1 pixel) or soft (9 pixels); then the same with the page a sheet lying on a darker
desk that shows around it, the shadow falling across both. Prints the frames read exactly for each.
"""

from __future__ import annotations


import cv2
import numpy as np

from digitedge.benchmark import cells, digit_source, script_parser, two_rows, written
from digitedge.vision.reader import DigitReader


def shaded_page(mnist, digits, depth: float, softness: float, rng, desk: bool = False) -> np.ndarray:
    frame = two_rows(cells(mnist, digits))
    yy, xx = np.mgrid[0:480, 0:640]
    if desk:  # the sheet's edges 10-25 pixels inside the view, a grey desk with a grain around it
        sheet = np.zeros((480, 640), np.uint8)
        corners = [(25, 40), (620, 30), (630, 450), (15, 455)]
        jitter = rng.integers(-8, 9, (4, 2))
        cv2.fillConvexPoly(sheet, (np.array(corners) + jitter).astype(np.int32), 1)
        wood = 120 + 15 * np.sin(yy / 9.0 + 0.3 * np.sin(xx / 40.0))
        frame = np.where(sheet > 0, frame, wood).astype(np.float32)
    slant, at = rng.uniform(-0.5, 0.5), rng.uniform(200, 440)
    shade = ((xx - at) + slant * (yy - 240) > 0).astype(np.float32)
    if softness > 1:
        shade = cv2.GaussianBlur(shade, (0, 0), softness)
    frame *= 1 - depth * shade
    frame += rng.normal(0, 3, frame.shape)
    return cv2.GaussianBlur(np.clip(frame, 0, 255).astype(np.uint8), (3, 3), 0)


def main() -> None:
    args = script_parser(__doc__).parse_args()
    mnist, reader = digit_source(args.digits), DigitReader(args.model, threads=1)
    for desk in (False, True):
        for depth in (0.3, 0.5):
            for softness in (1, 9):
                rng = np.random.default_rng(args.seed)
                exact = 0
                for _ in range(args.frames):
                    digits = rng.choice(len(mnist.x_test), 10, replace=False)
                    text = written(mnist, digits, 5)
                    exact += reader.read(shaded_page(mnist, digits, depth, softness, rng, desk)).text == text
                print(f"{'a sheet on a desk, ' if desk else ''}shadow {depth:.0%} darker, {'hard' if softness <= 1 else 'soft'}: "
                      f"frames read exactly {exact}/{args.frames}")


if __name__ == "__main__":
    main()
