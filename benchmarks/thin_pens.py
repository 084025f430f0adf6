"""Handwriting in a thin pen at webcam resolution: strokes one or two pixels wide, dark or pale.

    python benchmarks/thin_pens.py [--model exports/digitedge_int8.onnx] [--seed 0] [--frames 20]

MNIST's strokes, scaled to a 45-60 pixel digit, are 4-6 pixels wide: a marker. A ballpoint or a
pencil seen by a 640x480 webcam from a desk's height draws 1-2 pixel lines. Each frame holds two
rows of five MNIST test digits reduced to their skeletons and drawn `pen` pixels wide, `darkness`
of the way from the paper to black (0.5: a pencil), on paper with sensor noise. For each pen
(1 and 2 pixels) and darkness (0.85 and 0.5) prints the frames read exactly and the digits read,
matched in order.
"""

from __future__ import annotations


import cv2
import numpy as np

from digitedge.benchmark import digit_source, digits_matched, script_parser, written
from digitedge.vision.reader import DigitReader


def skeleton(mask: np.ndarray) -> np.ndarray:
    """A binary shape's morphological skeleton (0/1): what a thin pen would draw."""
    cross = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
    out = np.zeros_like(mask)
    while mask.any():
        eroded = cv2.erode(mask, cross)
        out |= mask - cv2.dilate(eroded, cross)
        mask = eroded
    return out


def page(mnist, digits, size: int, pen: int, darkness: float, rng) -> np.ndarray:
    frame = np.full((480, 640), 225, np.float32) + rng.normal(0, 3, (480, 640))
    for k, i in enumerate(digits):
        big = cv2.resize(mnist.x_test[i], (size, size), interpolation=cv2.INTER_CUBIC)
        line = skeleton((big > 100).astype(np.uint8)).astype(np.float32)
        if pen > 1:
            line = cv2.dilate(line, np.ones((pen, pen), np.uint8))
        ink = np.clip(1.5 * cv2.GaussianBlur(line, (3, 3), 0.7), 0, 1)  # the pen's soft edge
        x, y = 40 + 110 * (k % 5), 120 + 160 * (k // 5)
        frame[y : y + size, x : x + size] *= 1 - darkness * ink
    return np.clip(frame, 0, 255).astype(np.uint8)


def main() -> None:
    args = script_parser(__doc__).parse_args()
    mnist, reader = digit_source(args.digits), DigitReader(args.model, threads=1)
    for pen, darkness in ((1, 0.85), (1, 0.5), (2, 0.85), (2, 0.5)):
        rng = np.random.default_rng(args.seed)
        exact = matched = 0
        for _ in range(args.frames):
            digits = rng.choice(len(mnist.x_test), 10, replace=False)
            text = written(mnist, digits, 5)
            read = reader.read(page(mnist, digits, int(rng.uniform(45, 60)), pen, darkness, rng)).text
            exact += read == text
            matched += digits_matched(text, read)
        print(f"pen {pen} px, darkness {darkness}: frames read exactly {exact}/{args.frames}; digits read {matched}/{10 * args.frames}")


if __name__ == "__main__":
    main()
