"""A pen that skips: digits whose strokes break, or run faint, where a ballpoint lost contact or ran dry.

    python benchmarks/pen_skips.py [--model exports/digitedge_int8.onnx] [--seed 0] [--frames 20]

Each 640x480 frame is a page of two rows of five MNIST test digits, about 50 pixels tall, photographed
(benchmark.photographed: lit from one side, slightly blurred, with sensor noise). Each digit's ink
is then broken by skips (a band 2-4 pixels wide across it at a random place and slant, where no ink
was laid), or runs faint along a stretch (a band 8-16 pixels wide across it, where the ink is 0.3-0.5
of its strength), or both. Prints, per kind of fault, the frames read exactly and the digits
matched (benchmark.digits_matched) of the 200. The generator's sample sheets hold few such strokes;
handwriting in a cheap ballpoint holds many.
"""

from __future__ import annotations

import cv2
import numpy as np

from digitedge.benchmark import digit_source, frames_scored, photographed, script_parser, two_rows
from digitedge.vision.reader import DigitReader

CELL = 70  # the digit's 28x28 square drawn this big: its ink about 50 pixels tall
FAULTS = {"none": (0, False), "one skip": (1, False), "two skips": (2, False), "a faint stretch": (0, True),
          "a skip and a faint stretch": (1, True)}


def band(rng, width: float) -> np.ndarray:
    """A straight band `width` pixels wide across a CELL x CELL square, through a random point of its
    middle half, at a random slant: 1 inside, 0 outside."""
    yy, xx = np.mgrid[0:CELL, 0:CELL].astype(np.float32)
    cx, cy = rng.uniform(0.25, 0.75, 2) * CELL
    angle = rng.uniform(0, np.pi)
    distance = np.abs((xx - cx) * np.sin(angle) - (yy - cy) * np.cos(angle))
    return (distance <= width / 2).astype(np.float32)


def skipped(digit: np.ndarray, skips: int, faint: bool, rng) -> np.ndarray:
    """The digit's ink (0-1, CELL square) with `skips` bands left bare and, if `faint`, one band faded."""
    ink = cv2.resize(digit, (CELL, CELL), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
    for _ in range(skips):
        ink *= 1 - band(rng, rng.uniform(2, 4))
    if faint:
        ink *= 1 - (1 - rng.uniform(0.3, 0.5)) * band(rng, rng.uniform(8, 16))
    return np.clip(ink, 0, 1)


def page(mnist, digits, skips: int, faint: bool, rng) -> np.ndarray:
    frame = two_rows([skipped(mnist.x_test[i], skips, faint, rng) for i in digits], CELL)
    return cv2.cvtColor(photographed(frame, rng), cv2.COLOR_GRAY2BGR)


def main() -> None:
    args = script_parser(__doc__).parse_args()
    mnist, reader = digit_source(args.digits), DigitReader(args.model, threads=1)
    for name, (skips, faint) in FAULTS.items():
        exact, matched = frames_scored(reader, mnist, args.frames, args.seed, 10, 5,
                                       lambda digits, rng: page(mnist, digits, skips, faint, rng))
        print(f"{name:<28} frames read exactly {exact}/{args.frames}; digits matched {matched}/{10 * args.frames}")


if __name__ == "__main__":
    main()
