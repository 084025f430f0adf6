"""A notebook's page: ruled with a red margin line, punched for a spiral or a ring binder, dotted.

    python benchmarks/notebooks.py [--model exports/digitedge_int8.onnx] [--seed 0] [--frames 20]

Each 640x480 frame is a page of two rows of five MNIST test digits, about 50 pixels tall
(benchmark.two_rows), photographed (benchmark.photographed, each colour channel), on:
- ruled paper: a line every 30 pixels, 15% darker;
- the same with a red margin line down its left side, as exercise books have;
- the same, spiral-bound: a row of small punched holes (9x11 pixels, one every 19) down its left
  edge, the dark desk showing through them;
- the same, punched for a ring binder: three holes 18 pixels across;
- dot-grid paper: a grey dot every 20 pixels;
- ruled every 60 pixels, the digits written on its lines, as a hand writes in an exercise book:
  each digit's ink resting on a line (give or take 2 pixels), the line above just clear of its top.
Prints the frames read exactly and the digits matched (benchmark.digits_matched), of each.
"""

from __future__ import annotations

import cv2
import numpy as np

from digitedge.benchmark import cells, digit_source, frames_scored, photographed, script_parser, two_rows
from digitedge.vision.reader import DigitReader

CELL = 70  # the digit's 28x28 square drawn this big: its ink about 50 pixels tall
RED = np.array([0.75, 0.7, 1.0], np.float32)  # a red line multiplies the page's blue, green and red by these
HOLE = (60, 55, 50)  # the desk seen through a punched hole (BGR)
ON_LINES = "ruled, written on its lines"
PITCH = 60  # that page's lines this far apart


def page(mnist, digits, kind: str, rng) -> np.ndarray:
    """The photo (BGR) of these digits on a page of this kind."""
    if kind == ON_LINES:
        paper = on_lines(cells(mnist, digits, CELL), rng)
    else:
        paper = two_rows(cells(mnist, digits, CELL), CELL)
    if kind == "dot grid":
        for y in range(8, 480, 20):
            for x in range(8, 640, 20):
                cv2.circle(paper, (x, y), 1, 150, -1)
    elif kind != ON_LINES:
        for y in range(int(rng.integers(8, 30)), 480, 30):
            paper[y : y + 2] *= 0.85
    bgr = np.repeat(paper[..., None], 3, axis=2)
    if "red margin" in kind:
        bgr[:, 28:30] *= RED
    if kind.endswith("spiral-bound"):
        for y in range(10, 480, 19):  # (a spiral's pitch, 4 holes an inch, on a page 640 pixels wide)
            cv2.ellipse(bgr, (12, y), (4, 5), 0, 0, 360, HOLE, -1)
    if kind.endswith("ring binder"):
        for y in (80, 240, 400):
            cv2.circle(bgr, (14, y), 9, HOLE, -1)
    photo = [photographed(np.ascontiguousarray(bgr[..., c]), np.random.default_rng(rng.integers(1 << 31)))
             for c in range(3)]  # (each channel with its own noise)
    return np.stack(photo, axis=2)


def on_lines(inks: list[np.ndarray], rng) -> np.ndarray:
    """A page (float32, paper at 225) ruled every PITCH pixels, with these inks (0-1, CELL squares) in
    two rows of five resting on its third and sixth lines: each ink's lowest row on the line, give
    or take 2 pixels."""
    paper = np.full((480, 640), 225, np.float32)
    lines = range(int(rng.integers(8, 30)), 480, PITCH)
    for y in lines:
        paper[y : y + 2] *= 0.85
    for k, ink in enumerate(inks):
        bottom = int(np.flatnonzero(ink.max(1) > 0.2).max(initial=CELL - 1))
        y = min(max(lines[2 if k < 5 else 5] - bottom + int(rng.integers(-2, 3)), 0), 480 - CELL)
        x = 40 + 115 * (k % 5)
        paper[y : y + CELL, x : x + CELL] *= 1 - 0.85 * ink
    return paper


KINDS = ("ruled", "ruled, a red margin line", "ruled, a red margin line, spiral-bound",
         "ruled, a red margin line, punched for a ring binder", "dot grid", ON_LINES)


def main() -> None:
    args = script_parser(__doc__).parse_args()
    cv2.setNumThreads(1)
    mnist, reader = digit_source(args.digits), DigitReader(args.model, threads=1)
    for kind in KINDS:
        exact, matched = frames_scored(reader, mnist, args.frames, args.seed, 10, 5,
                                       lambda digits, rng: page(mnist, digits, kind, rng))
        print(f"{kind:<52} frames read exactly {exact}/{args.frames}; digits matched {matched}/{10 * args.frames}")


if __name__ == "__main__":
    main()
