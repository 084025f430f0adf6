"""Digits written close enough to touch: does the camera pipeline cut them into the right digits?

    python benchmarks/touching.py [--model exports/digitedge_int8.onnx] [--seed 0] [--frames 40] [--advance 0.6] [--slant 0]

Each frame holds a row of five MNIST test digits in 60-80 pixel cells on plain paper, each cell
`--advance` of a cell after the last (MNIST's ink fills about 0.7 of its cell: at 0.7 neighbours
just meet, at 0.6 they overlap by a few pixels, as in quick handwriting); `--slant D` leans every
digit D degrees further to the right (styles.slanted: a fast hand). Prints the rows read exactly,
and the digits read, matched in order (a missing or extra digit costs only itself).
"""

from __future__ import annotations


import cv2
import numpy as np

from digitedge.benchmark import digit_source, digits_matched, script_parser, written
from digitedge.styles import slanted
from digitedge.vision.reader import DigitReader


def row(mnist, digits, size: int, advance: float, slant: float = 0.0) -> np.ndarray:
    canvas = np.full((480, 640), 235, np.float32)
    x = 60.0
    for i in digits:
        cell = cv2.resize(mnist.x_test[i], (size, size), interpolation=cv2.INTER_CUBIC)
        cell = (slanted(cell, slant) if slant else cell).astype(np.float32) / 255
        region = canvas[200 : 200 + size, int(x) : int(x) + size]
        region *= 1 - 0.9 * np.clip(cell, 0, 1)
        x += size * advance
    return cv2.GaussianBlur(canvas.astype(np.uint8), (3, 3), 0)


def main() -> None:
    ap = script_parser(__doc__, frames=40)
    ap.add_argument("--advance", type=float, default=0.6)
    ap.add_argument("--slant", type=float, default=0.0, help="degrees every digit leans further to the right")
    args = ap.parse_args()
    mnist, reader, rng = digit_source(args.digits), DigitReader(args.model, threads=1), np.random.default_rng(args.seed)
    exact = matched = 0
    for _ in range(args.frames):
        digits = rng.choice(len(mnist.x_test), 5, replace=False)
        text = written(mnist, digits)
        read = reader.read(row(mnist, digits, int(rng.uniform(60, 80)), args.advance, args.slant)).text
        exact += read == text
        matched += digits_matched(text, read)
    slant = f", slant {args.slant:g}" if args.slant else ""
    print(f"advance {args.advance}{slant}: rows read exactly {exact}/{args.frames}; digits read {matched}/{5 * args.frames}")


if __name__ == "__main__":
    main()
