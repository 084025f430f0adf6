"""A printed word before a number ("Room 4821"): how many of its letters are read as digits?

    python benchmarks/words.py [--model exports/digitedge_int8.onnx] [--seed 0] [--frames 16]

The model knows ten classes, digits, and no letters: a letter is read as the digit it looks most
like, unless its reading is unsure enough to be rejected. Each 640x480 frame holds one short word
and a four-digit number on one line, in four of OpenCV's Hershey fonts (one a script), about 40
pixels tall, on paper as a phone shows it (benchmark.photographed). Prints, per font, the marks
found where the word is and how many were read as digits, and the numbers read whole at the end of
the text. A limit to know, not a score to raise by tuning: a reader of digits alone cannot tell a
letter from a digit it resembles.
"""

from __future__ import annotations

import cv2
import numpy as np

from digitedge.benchmark import photographed, script_parser
from digitedge.vision.reader import DigitReader

WORDS = ("Name", "Total", "Tel", "No", "Date", "Room", "Box", "Page", "Ward", "Gate", "Seat", "Flat", "Row",
         "Bus", "Lane", "Card")
FONTS = {"simplex": cv2.FONT_HERSHEY_SIMPLEX, "duplex": cv2.FONT_HERSHEY_DUPLEX,
         "complex": cv2.FONT_HERSHEY_COMPLEX, "script": cv2.FONT_HERSHEY_SCRIPT_SIMPLEX}
LEFT, BASE, SCALE, THICKNESS = 60, 260, 1.6, 3


def labelled_line(word: str, number: str, font: int, rng) -> tuple[np.ndarray, int]:
    """The frame, and the x where the number begins (the word's marks lie left of it)."""
    ink = np.zeros((480, 640), np.uint8)
    cv2.putText(ink, f"{word} {number}", (LEFT, BASE), font, SCALE, 255, THICKNESS, cv2.LINE_AA)
    page = np.full((480, 640), 225, np.float32) * (1 - 0.85 * ink.astype(np.float32) / 255)
    (width, _), _ = cv2.getTextSize(word + " ", font, SCALE, THICKNESS)
    return photographed(page, rng), LEFT + width


def main() -> None:
    args = script_parser(__doc__, frames=len(WORDS)).parse_args()
    reader = DigitReader(args.model, threads=1)
    rng = np.random.default_rng(args.seed)
    totals = [0, 0, 0, 0]
    for name, font in FONTS.items():
        marks = read = whole = 0
        for k in range(args.frames):
            number = "".join(str(d) for d in rng.integers(0, 10, 4))
            frame, start = labelled_line(WORDS[k % len(WORDS)], number, font, rng)
            digits = reader.read(frame).digits
            in_word = [d.box[0] + d.box[2] / 2 < start for d in digits]
            marks += sum(in_word)
            read += sum(d.label is not None for d, w in zip(digits, in_word) if w)
            whole += "".join(str(d.label) for d, w in zip(digits, in_word) if not w and d.label is not None) == number
        print(f"{name:<8} letters found {marks}, read as digits {read}; numbers read whole {whole}/{args.frames}")
        for i, v in enumerate((marks, read, whole, args.frames)):
            totals[i] += v
    print(f"all      letters found {totals[0]}, read as digits {totals[1]} ({totals[1] / max(totals[0], 1):.0%}); "
          f"numbers read whole {totals[2]}/{totals[3]}")


if __name__ == "__main__":
    main()
