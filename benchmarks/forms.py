"""Digits written in a form's printed boxes: does the camera pipeline read the boxes' sides as 1s?

    python benchmarks/forms.py [--model exports/digitedge_int8.onnx] [--seed 0] [--frames 20] [--line 2]

Each frame holds a row of five boxes sharing their sides (70-95 pixels, printed lines `--line`
pixels thick), one MNIST test digit in each. Prints the frames read exactly.
"""

from __future__ import annotations


import cv2
import numpy as np

from digitedge.benchmark import digit_source, script_parser, written
from digitedge.vision.reader import DigitReader


def form(mnist, digits, size: int, line: int) -> np.ndarray:
    frame = np.full((480, 640), 235, np.float32)
    x0, y0 = 60, 180
    for k, i in enumerate(digits):
        x = x0 + k * size
        cv2.rectangle(frame, (x, y0), (x + size, y0 + size), 90, line)
        cell = cv2.resize(mnist.x_test[i], (size - 14, size - 14), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
        frame[y0 + 7 : y0 + size - 7, x + 7 : x + size - 7] *= 1 - 0.85 * cell
    return cv2.GaussianBlur(np.clip(frame, 0, 255).astype(np.uint8), (3, 3), 0)


def main() -> None:
    ap = script_parser(__doc__)
    ap.add_argument("--line", type=int, default=2, help="printed line thickness, pixels")
    args = ap.parse_args()
    mnist, reader, rng = digit_source(args.digits), DigitReader(args.model, threads=1), np.random.default_rng(args.seed)
    exact = 0
    for _ in range(args.frames):
        digits = rng.choice(len(mnist.x_test), 5, replace=False)
        frame = form(mnist, digits, int(rng.integers(70, 95)), args.line)
        exact += reader.read(frame).text == written(mnist, digits)
    print(f"frames read exactly: {exact}/{args.frames} (lines {args.line} px)")


if __name__ == "__main__":
    main()
