"""The camera pipeline under conditions the sample generator does not vary much: a page seen
askew, sensor noise, motion blur, dim light, chalk on a board, a pen lying on the page, and
blank paper with specks (read exactly: nothing read).

    python benchmarks/conditions.py [--model exports/digitedge_int8.onnx] [--seed 0] [--frames 20]

Each frame holds two rows of five MNIST test digits (60-pixel cells, 95 pixels apart) on plain
paper at 225, then one condition is applied. Prints the frames read exactly for each.
"""

from __future__ import annotations


import cv2
import numpy as np

from digitedge.benchmark import as_jpeg, digit_source, script_parser, written
from digitedge.vision.reader import DigitReader


def page(mnist, digits, ink: float = 0.85) -> np.ndarray:
    frame = np.full((480, 640), 225, np.float32)
    for k, i in enumerate(digits):
        cell = cv2.resize(mnist.x_test[i], (60, 60), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
        x, y = 90 + 95 * (k % 5), 140 + 130 * (k // 5)
        frame[y : y + 60, x : x + 60] *= 1 - ink * cell
    return frame


def turned(frame, degrees):
    return cv2.warpAffine(frame, cv2.getRotationMatrix2D((320, 240), degrees, 1.0), (640, 480), borderValue=225)


def smeared(frame, length):
    kernel = np.zeros((length, length), np.float32)
    kernel[length // 2, :] = 1 / length  # the camera moving sideways during the exposure
    return cv2.filter2D(frame, -1, kernel)


def pen(frame, rng):
    """A pen lying on the page below the digits: a straight bar 350 pixels long, 8-16 wide, slanted."""
    x, y, slope = int(rng.uniform(60, 200)), int(rng.uniform(400, 440)), rng.uniform(-0.3, 0.3)
    cv2.line(frame, (x, y), (x + 350, int(y + 350 * slope)), 40, int(rng.uniform(8, 16)))
    return frame + rng.normal(0, 3, frame.shape)


def specks(rng):
    """Blank paper, lit from one side, with specks, crumbs and short scratches, saved as a JPEG: nothing to read."""
    xx = np.arange(640, dtype=np.float32)[None, :]
    frame = 200 + 30 * xx / 640 + cv2.GaussianBlur(rng.normal(0, 8, (480, 640)).astype(np.float32), (0, 0), 1.2)
    for _ in range(int(rng.integers(0, 12))):
        cv2.circle(frame, (int(rng.integers(20, 620)), int(rng.integers(20, 460))), int(rng.integers(1, 5)),
                   float(rng.uniform(60, 160)), -1)
    for _ in range(int(rng.integers(0, 4))):
        x, y = int(rng.integers(20, 600)), int(rng.integers(20, 440))
        cv2.line(frame, (x, y), (x + int(rng.integers(-15, 15)), y + int(rng.integers(-15, 15))), float(rng.uniform(80, 160)), 1)
    return as_jpeg(np.clip(frame, 0, 255).astype(np.uint8), 80)


def chalk(mnist, digits, rng):
    """Light strokes on a dark board lit from one side."""
    yy, xx = np.mgrid[0:480, 0:640].astype(np.float32)
    board = 35 + 45 * (xx / 640) + 20 * (yy / 480) + rng.normal(0, 4, (480, 640))
    cells = 1 - page(mnist, digits, 0.8) / 225  # 0 on the paper, up to 0.8 in a stroke
    return board * (1 - cells) + 210 * cells


CONDITIONS = {
    "turned 5 degrees": lambda m, d, rng, n: turned(page(m, d), 5 if n % 2 else -5),
    "turned 10 degrees": lambda m, d, rng, n: turned(page(m, d), 10 if n % 2 else -10),
    "turned 15 degrees": lambda m, d, rng, n: turned(page(m, d), 15 if n % 2 else -15),
    "turned 20 degrees": lambda m, d, rng, n: turned(page(m, d), 20 if n % 2 else -20),
    "turned 30 degrees": lambda m, d, rng, n: turned(page(m, d), 30 if n % 2 else -30),
    "noise, sigma 12": lambda m, d, rng, n: page(m, d) + rng.normal(0, 12, (480, 640)),
    "noise, sigma 25": lambda m, d, rng, n: page(m, d) + rng.normal(0, 25, (480, 640)),
    "motion blur, 7 px": lambda m, d, rng, n: smeared(page(m, d), 7),
    "motion blur, 13 px": lambda m, d, rng, n: smeared(page(m, d), 13),
    "dim, 30% of the light": lambda m, d, rng, n: 0.3 * page(m, d) + rng.normal(0, 3, (480, 640)),
    "chalk on a board": lambda m, d, rng, n: chalk(m, d, rng),
    "a pen on the page": lambda m, d, rng, n: pen(page(m, d), rng),
    "blank paper, specks and scratches": lambda m, d, rng, n: specks(rng),  # read exactly: nothing read
}


def main() -> None:
    args = script_parser(__doc__).parse_args()
    mnist, reader = digit_source(args.digits), DigitReader(args.model, threads=1)
    for name, make in CONDITIONS.items():
        rng = np.random.default_rng(args.seed)
        exact = 0
        for n in range(args.frames):
            digits = rng.choice(len(mnist.x_test), 10, replace=False)
            text = written(mnist, digits, 5)
            frame = np.clip(make(mnist, digits, rng, n), 0, 255).astype(np.uint8)
            exact += reader.read(frame).text == ("" if name.startswith("blank") else text)
        print(f"{name}: frames read exactly {exact}/{args.frames}")


if __name__ == "__main__":
    main()
