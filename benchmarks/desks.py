"""Textured desks around the sheet: does the camera pipeline read the desk's pattern as digits?

    python benchmarks/desks.py [--model exports/digitedge_int8.onnx] [--seed 0] [--frames 20]

Each frame is a plain sheet with four MNIST test digits on a desk of one of four kinds, in turn:
wood grain, dark and light slats, speckled granite, and a print of rings (each ring a perfect 0).
Prints the frames read exactly and the digits read on the desk (outside the sheet).
"""

from __future__ import annotations


import cv2
import numpy as np

from digitedge.benchmark import digit_source, script_parser, written
from digitedge.vision.reader import DigitReader

H, W = 480, 640
SHEET = (140, 110, 500, 370)  # x0, y0, x1, y1
KINDS = ("wood grain", "slats", "granite", "rings")


def desk(kind: str, rng) -> np.ndarray:
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    if kind == "wood grain":
        return 120 + 50 * np.sin(rng.uniform(0.05, 0.15) * (yy + 8 * np.sin(xx / 40))) + rng.normal(0, 8, (H, W))
    if kind == "slats":
        return np.where((xx // rng.integers(12, 30)) % 2 == 0, 60, 150).astype(np.float32)
    if kind == "granite":
        return cv2.GaussianBlur(rng.normal(110, 60, (H, W)).astype(np.float32), (0, 0), 1.2)
    out = np.full((H, W), 170, np.float32)
    for _ in range(80):
        cv2.circle(out, (int(rng.integers(0, W)), int(rng.integers(0, H))), int(rng.integers(3, 12)), 40, 2)
    return out


def sheet_on_desk(surface: np.ndarray, digits, mnist) -> np.ndarray:
    """(480, 640) uint8: a plain sheet holding these MNIST test digits in a row, on this desk."""
    x0, y0, x1, y1 = SHEET
    frame = np.clip(surface, 0, 255)
    frame[y0:y1, x0:x1] = 235
    for k, i in enumerate(digits):
        cell = cv2.resize(mnist.x_test[i], (70, 70), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
        frame[y0 + 90 : y0 + 160, x0 + 30 + 75 * k : x0 + 100 + 75 * k] *= 1 - 0.85 * cell
    return cv2.GaussianBlur(np.clip(frame, 0, 255).astype(np.uint8), (3, 3), 0)


def main() -> None:
    args = script_parser(__doc__).parse_args()
    mnist, reader, rng = digit_source(args.digits), DigitReader(args.model, threads=1), np.random.default_rng(args.seed)
    x0, y0, x1, y1 = SHEET
    exact, on_desk = 0, {k: 0 for k in KINDS}
    for n in range(args.frames):
        kind = KINDS[n % len(KINDS)]
        surface = desk(kind, rng)
        digits = rng.choice(len(mnist.x_test), 4, replace=False)
        reading = reader.read(sheet_on_desk(surface, digits, mnist))
        exact += reading.text == written(mnist, digits)
        on_desk[kind] += sum(1 for d in reading.digits if d.label is not None and not (
            x0 <= d.box[0] and d.box[0] + d.box[2] <= x1 and y0 <= d.box[1] and d.box[1] + d.box[3] <= y1))
    print(f"frames read exactly: {exact}/{args.frames}; digits read on the desk: {sum(on_desk.values())} "
          f"({', '.join(f'{k} {v}' for k, v in on_desk.items())})")


if __name__ == "__main__":
    main()
