"""Digits written in coloured ink: black, a blue ballpoint, red and green pens, and light markers
(orange, pink, light green, yellow) that are faint in grey; then on coloured paper (sticky notes,
kraft paper) in black, a blue ballpoint, red, pencil and three of the markers; then each paper as a
sheet lying on a white desk (grey 235) and on a grey one (160), in black.

    python benchmarks/inks.py [--model exports/digitedge_int8.onnx] [--seed 0] [--frames 10]

Each 640x480 colour frame holds five MNIST test digits in a row, 60 pixels tall, in MNIST's own
strokes, laid in the ink's colour (90% of the way from the paper's) on slightly warm paper, lit from
one side, lightly blurred, with sensor noise. On coloured paper, pencil and the markers let the
paper's colour through (their colour times the paper's). Prints, per ink, its grey (OpenCV's BGR to
grey) and the frames read exactly; then, per paper, its grey and the frames read exactly in each ink;
then, per paper, the frames read exactly on each desk (the sheet 480x240 in the middle of the view).
"""

from __future__ import annotations

import cv2
import numpy as np

from digitedge.benchmark import digit_source, script_parser, written
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
PAPERS = {  # BGR
    "yellow sticky note": (140, 240, 250),
    "orange sticky note": (90, 180, 255),
    "pink sticky note": (200, 180, 255),
    "blue sticky note": (250, 220, 170),
    "green sticky note": (170, 250, 200),
    "kraft paper": (130, 170, 200),
}
PENCIL = (110, 110, 115)  # on white paper
ON_PAPERS = {  # ink, and whether it lets the paper's colour through (graphite, a marker's dye)
    "black": (INKS["black"], False),
    "blue ballpoint": (INKS["blue ballpoint"], False),
    "red": (INKS["red"], False),
    "pencil": (PENCIL, True),
    "orange marker": (INKS["orange marker"], True),
    "pink marker": (INKS["pink marker"], True),
    "light green marker": (INKS["light green marker"], True),
}


def written_in(mnist, digits, ink: tuple[int, int, int], rng, paper: tuple[int, int, int] = PAPER,
               translucent: bool = False, desk: float | None = None) -> np.ndarray:
    """A frame of these five digits in this ink on this paper; a translucent ink's colour is its
    colour times the paper's. `desk`: the paper is a sheet, 480x240 in the middle of the view, lying
    on a desk of this grey."""
    page = np.full((480, 640, 3), paper, np.float32)
    colour = np.float32(ink) * np.float32(paper) / 255 if translucent else np.float32(ink)
    for k, i in enumerate(digits):
        cover = cv2.resize(mnist.x_test[i], (60, 60), interpolation=cv2.INTER_CUBIC).astype(np.float32)[..., None] / 255
        cover = 0.9 * np.clip(cover, 0, 1)
        x, y = 120 + 80 * k, 200
        page[y : y + 60, x : x + 60] = page[y : y + 60, x : x + 60] * (1 - cover) + colour * cover
    page *= 0.8 + 0.2 * np.arange(640, dtype=np.float32)[None, :, None] / 640  # light from one side
    if desk is not None:
        sheet = np.zeros((480, 640), np.float32)
        cv2.rectangle(sheet, (80, 120), (560, 360), 1, -1)
        sheet = cv2.GaussianBlur(sheet, (0, 0), 1.5)[..., None]
        page = page * sheet + desk * (1 - sheet)
    page = cv2.GaussianBlur(page, (0, 0), 1.2) + rng.normal(0, 4, page.shape)
    return np.clip(page, 0, 255).astype(np.uint8)


def frames_read(reader, mnist, ink: tuple[int, int, int], rng, frames: int, paper: tuple[int, int, int] = PAPER,
                translucent: bool = False, desk: float | None = None) -> int:
    """How many of `frames` frames of five random MNIST test digits in this ink on this paper (on
    this desk) are read exactly."""
    exact = 0
    for _ in range(frames):
        digits = rng.integers(0, len(mnist.x_test), 5)
        exact += reader.read(written_in(mnist, digits, ink, rng, paper, translucent, desk)).text == written(mnist, digits)
    return exact


def main() -> None:
    args = script_parser(__doc__, frames=10).parse_args()
    mnist, reader = digit_source(args.digits), DigitReader(args.model, threads=1)
    for name, ink in INKS.items():
        exact = frames_read(reader, mnist, ink, np.random.default_rng(args.seed), args.frames)
        grey = int(cv2.cvtColor(np.uint8([[ink]]), cv2.COLOR_BGR2GRAY)[0, 0])
        print(f"{name:<19} grey {grey:3d}: frames read exactly {exact}/{args.frames}")
    for name, paper in PAPERS.items():
        read = [f"{ink_name} {frames_read(reader, mnist, ink, np.random.default_rng(args.seed), args.frames, paper, translucent)}"
                for ink_name, (ink, translucent) in ON_PAPERS.items()]
        grey = int(cv2.cvtColor(np.uint8([[paper]]), cv2.COLOR_BGR2GRAY)[0, 0])
        print(f"{name:<19} grey {grey:3d}: frames read exactly, of {args.frames}: " + ", ".join(read))
    for name, paper in PAPERS.items():
        read = [f"on a desk at {desk} {frames_read(reader, mnist, INKS['black'], np.random.default_rng(args.seed), args.frames, paper, desk=desk)}"
                for desk in (235, 160)]
        print(f"{name:<19} as a sheet, in black: frames read exactly, of {args.frames}: " + ", ".join(read))


if __name__ == "__main__":
    main()
