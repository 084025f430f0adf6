"""Digits written in coloured ink: black, a blue ballpoint, red and green pens, and light markers
(orange, pink, light green, yellow) that are faint in grey.

    python benchmarks/inks.py [--model exports/digitedge_int8.onnx] [--seed 0] [--frames 10]

Each 640x480 colour frame holds five MNIST test digits in a row, 60 pixels tall, in MNIST's own
strokes, laid in the ink's colour (90% of the way from the paper's) on slightly warm paper, lit from
one side, lightly blurred, with sensor noise. Prints, per ink, its grey (OpenCV's BGR to grey) and
the frames read exactly.
"""

from __future__ import annotations

import cv2
import numpy as np

from digitedge import data
from digitedge.benchmark import script_parser
from digitedge.vision.reader import DigitReader

INKS = {  # BGR
    "black": (30, 30, 30),
    "blue ballpoint": (150, 60, 20),
    "red": (40, 40, 200),
    "green": (60, 140, 20),
    "orange marker": (0, 140, 255),
    "pink marker": (180, 105, 255),
    "light green marker": (120, 220, 120),
    "yellow marker": (0, 220, 240),
}
PAPER = (215, 220, 225)


def written_in(mnist, digits, ink: tuple[int, int, int], rng) -> np.ndarray:
    page = np.full((480, 640, 3), PAPER, np.float32)
    for k, i in enumerate(digits):
        cover = cv2.resize(mnist.x_test[i], (60, 60), interpolation=cv2.INTER_CUBIC).astype(np.float32)[..., None] / 255
        cover = 0.9 * np.clip(cover, 0, 1)
        x, y = 120 + 80 * k, 200
        page[y : y + 60, x : x + 60] = page[y : y + 60, x : x + 60] * (1 - cover) + np.float32(ink) * cover
    page *= 0.8 + 0.2 * np.arange(640, dtype=np.float32)[None, :, None] / 640  # light from one side
    page = cv2.GaussianBlur(page, (0, 0), 1.2) + rng.normal(0, 4, page.shape)
    return np.clip(page, 0, 255).astype(np.uint8)


def main() -> None:
    args = script_parser(__doc__, frames=10).parse_args()
    mnist, reader = data.load(), DigitReader(args.model, threads=1)
    for name, ink in INKS.items():
        rng = np.random.default_rng(args.seed)
        exact = 0
        for _ in range(args.frames):
            digits = rng.integers(0, len(mnist.x_test), 5)
            text = "".join(str(mnist.y_test[i]) for i in digits)
            exact += reader.read(written_in(mnist, digits, ink, rng)).text == text
        grey = int(cv2.cvtColor(np.uint8([[ink]]), cv2.COLOR_BGR2GRAY)[0, 0])
        print(f"{name:<19} grey {grey:3d}: frames read exactly {exact}/{args.frames}")


if __name__ == "__main__":
    main()
