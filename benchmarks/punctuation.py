"""Numbers written with punctuation (1,000; 3.14; 10:30; 12-05): is the mark read as a digit?

    python benchmarks/punctuation.py [--model exports/digitedge_int8.onnx] [--seed 0] [--frames 40] [--marks ".,:-"]

Each 640x480 frame holds one number of three to five MNIST test digits (55-80 pixel cells, each
digit 0.72 of a cell after the last, on plain paper, lightly blurred, with sensor noise) with a mark
drawn in a pen as wide as the digits' strokes after its first one or two digits: a full stop, a
comma (a short curved stroke from the line down), a colon or a hyphen, in turn. A frame is read
exactly when the text is the digits alone. Prints the frames read exactly for each mark.
`--marks "/+="`: a date's or a fraction's slash (a straight stroke from below the line to the top
of its cell, leaning a third of a cell), a plus and an equals sign (a sum's) instead, in turn.
"""

from __future__ import annotations

import cv2
import numpy as np

from digitedge.benchmark import digit_source, script_parser
from digitedge.vision.reader import DigitReader

MARKS = ".,:-"
NAMES = {".": "full stop", ",": "comma", ":": "colon", "-": "hyphen", "/": "slash", "+": "plus", "=": "equals"}
INK = 60  # the mark's grey, on paper at 225 (the digits: 85% of the way to black)


def mark(frame: np.ndarray, kind: str, x: int, base: int, size: int, width: int) -> int:
    """Draw a punctuation mark whose left side is at x and whose line is `base` (the digits' bottom
    less a little); returns the room it takes along the line."""
    if kind == ".":
        cv2.circle(frame, (x + 4, base - 4), max(2, width // 2 + 1), INK, -1, cv2.LINE_AA)
        return 12
    if kind == ",":
        cv2.ellipse(frame, (x + 2, base - 2), (4, 12), 20, -40, 110, INK, width, cv2.LINE_AA)
        cv2.circle(frame, (x + 6, base - 3), width // 2 + 1, INK, -1, cv2.LINE_AA)
        return 14
    if kind == ":":
        for y in (base - 6, base - int(0.45 * size)):
            cv2.circle(frame, (x + 4, y), width // 2 + 1, INK, -1, cv2.LINE_AA)
        return 12
    if kind == "/":
        lean = int(0.35 * size)
        cv2.line(frame, (x, base + int(0.05 * size)), (x + lean, base - size), INK, width, cv2.LINE_AA)
        return lean + 8
    if kind == "+":
        y, arm = base - int(0.45 * size), int(0.2 * size)
        cv2.line(frame, (x, y), (x + 2 * arm, y), INK, width, cv2.LINE_AA)
        cv2.line(frame, (x + arm, y - arm), (x + arm, y + arm), INK, width, cv2.LINE_AA)
        return 2 * arm + 8
    if kind == "=":
        for y in (base - int(0.3 * size), base - int(0.6 * size)):
            cv2.line(frame, (x, y), (x + int(0.35 * size), y), INK, width, cv2.LINE_AA)
        return int(0.35 * size) + 8
    y = base - int(0.45 * size)  # "-"
    cv2.line(frame, (x, y), (x + int(0.3 * size), y), INK, width, cv2.LINE_AA)
    return int(0.3 * size) + 8


def number(mnist, rng, kind: str) -> tuple[np.ndarray, str]:
    """A frame with one number written with the mark `kind` in it, and the number's digits."""
    size = int(rng.uniform(55, 80))
    width = max(3, int(size * 0.08))  # MNIST's strokes, scaled to the cell
    frame = np.full((480, 640), 225, np.float32)
    before, after = int(rng.integers(1, 3)), int(rng.integers(2, 4))
    text, x, base = "", 60.0, 240 + size // 2
    for k in range(before + after):
        if k == before:
            x += mark(frame, kind, int(x + 4), int(base - 0.15 * size), size, width) + 6
        i = int(rng.integers(len(mnist.x_test)))
        text += str(mnist.y_test[i])
        cell = cv2.resize(mnist.x_test[i], (size, size), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
        frame[base - size : base, int(x) : int(x) + size] *= 1 - 0.85 * np.clip(cell, 0, 1)
        x += size * 0.72
    frame = cv2.GaussianBlur(frame, (3, 3), 0) + rng.normal(0, 3, frame.shape)
    return np.clip(frame, 0, 255).astype(np.uint8), text


def main() -> None:
    ap = script_parser(__doc__, frames=40)
    ap.add_argument("--marks", default=MARKS, help="the marks written, in turn, of .,:-/+= (default: %(default)s)")
    args = ap.parse_args()
    marks = "".join(dict.fromkeys(args.marks))
    if not marks or set(marks) - set(NAMES):
        ap.error(f"--marks takes some of {''.join(NAMES)}, got {args.marks!r}")
    cv2.setNumThreads(1)
    mnist, reader, rng = digit_source(args.digits), DigitReader(args.model, threads=1), np.random.default_rng(args.seed)
    exact = dict.fromkeys(marks, 0)
    for f in range(args.frames):
        kind = marks[f % len(marks)]
        frame, text = number(mnist, rng, kind)
        exact[kind] += reader.read(frame).text == text
    print("frames read exactly: " + ", ".join(f"{NAMES[k]} {exact[k]}/{len(range(i, args.frames, len(marks)))}"
                                             for i, k in enumerate(marks)))


if __name__ == "__main__":
    main()
