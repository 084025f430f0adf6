"""Handwritten digits in a printed grid: a sudoku, a table of numbers. Is the grid read as one mark?

    python benchmarks/grids.py [--model exports/digitedge_int8.onnx] [--seed 0] [--frames 20]

Each 640x480 frame is a phone's photo (benchmark.photographed: lit from one side, slightly blurred,
with sensor noise) of a printed grid filling most of it:
- a sudoku: 9x9 cells 40 or 48 pixels across, every third line 3 pixels thick, the others 1; two
  cells in five hold an MNIST test digit, drawn as big as its cell (its ink about 0.75 of it, so a
  wide one touches the lines);
- the 48-pixel one's photo cropped to the grid's outer line, as a scan or a screenshot of a puzzle is;
- a sudoku of 44-pixel cells photographed turned 2-8 degrees and at an angle (its far side up to a
  quarter narrower than its near side);
- a sudoku of 48-pixel cells with a third of its filled cells printed (cv2.putText), as a puzzle's givens are;
- a table: 6 rows of 4 columns, 1-pixel lines, each cell a number of 1-3 MNIST test digits.
Each is read as `digitedge predict` reads a photo (still) and as `digitedge camera` reads a frame.
A frame is read exactly when its text is the grid's rows of digits, top to bottom, a space between
rows (a table's row of numbers reads as one run of digits: the reader parts lines, not cells).
Prints frames read exactly and digits matched (benchmark.digits_matched), per kind and reading.
"""

from __future__ import annotations

import cv2
import numpy as np

from digitedge.benchmark import digit_source, photographed, script_parser, scored_ways, ways_line
from digitedge.vision.reader import DigitReader

INK = 60  # the grid's printed lines, on paper at 225


def handwritten(page: np.ndarray, digit: np.ndarray, x: int, y: int, size: int) -> None:
    """An MNIST digit drawn `size` pixels square with its top left at (x, y), multiplied in."""
    ink = cv2.resize(digit, (size, size), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
    page[y : y + size, x : x + size] *= 1 - 0.85 * ink


def ruling(page: np.ndarray, x0: int, y0: int, columns: list[int], rows: list[int], thick) -> None:
    """The grid's lines at these offsets from (x0, y0); `thick(k)`: the k-th line's thickness."""
    for k, c in enumerate(columns):
        cv2.line(page, (x0 + c, y0), (x0 + c, y0 + rows[-1]), INK, thick(k))
    for k, r in enumerate(rows):
        cv2.line(page, (x0, y0 + r), (x0 + columns[-1], y0 + r), INK, thick(k))


def sudoku(mnist, rng, cell: int, printed: bool) -> tuple[np.ndarray, str]:
    page = np.full((480, 640), 225, np.float32)
    side = 9 * cell
    x0 = (640 - side) // 2 + int(rng.integers(-20, 21))
    y0 = min(max(4, (480 - side) // 2 + int(rng.integers(-10, 11))), 476 - side)
    lines = []
    for r in range(9):
        line = ""
        for c in range(9):
            if rng.random() >= 0.4:
                continue
            label = int(rng.integers(1, 10)) if printed and rng.random() < 1 / 3 else None
            if label is not None:  # a given: printed, centred in its cell, 0.6 of its height
                scale = 0.6 * cell / cv2.getTextSize("8", cv2.FONT_HERSHEY_SIMPLEX, 1.0, 3)[0][1]
                (w, h), _ = cv2.getTextSize(str(label), cv2.FONT_HERSHEY_SIMPLEX, scale, 3)
                ink = np.zeros((480, 640), np.uint8)
                cv2.putText(ink, str(label), (x0 + c * cell + (cell - w) // 2, y0 + r * cell + (cell + h) // 2),
                            cv2.FONT_HERSHEY_SIMPLEX, scale, 255, 3, cv2.LINE_AA)
                page *= 1 - 0.85 * ink.astype(np.float32) / 255
            else:
                i = int(rng.integers(len(mnist.x_test)))
                size = int(1.05 * cell)  # (MNIST's ink fills about 0.7 of its square)
                handwritten(page, mnist.x_test[i], x0 + c * cell + (cell - size) // 2, y0 + r * cell + (cell - size) // 2, size)
                label = int(mnist.y_test[i])
            line += str(label)
        lines.append(line)
    steps = [k * cell for k in range(10)]
    ruling(page, x0, y0, steps, steps, lambda k: 3 if k % 3 == 0 else 1)
    return photographed(page, rng), " ".join(line for line in lines if line)


def table(mnist, rng) -> tuple[np.ndarray, str]:
    page = np.full((480, 640), 225, np.float32)
    width, height = 130, 62  # a cell's
    x0, y0 = 320 - 2 * width + int(rng.integers(-20, 21)), 240 - 3 * height + int(rng.integers(-15, 16))
    lines = []
    for r in range(6):
        line = ""
        for c in range(4):
            count = int(rng.integers(1, 4))
            size = 42  # (ink about 30 pixels tall)
            x = x0 + c * width + (width - count * int(0.75 * size)) // 2 - 4
            for _ in range(count):
                i = int(rng.integers(len(mnist.x_test)))
                handwritten(page, mnist.x_test[i], x, y0 + r * height + (height - size) // 2, size)
                line += str(int(mnist.y_test[i]))
                x += int(0.75 * size)
        lines.append(line)
    ruling(page, x0, y0, [k * width for k in range(5)], [k * height for k in range(7)], lambda k: 1)
    return photographed(page, rng), " ".join(lines)


def to_grid(image: np.ndarray, text: str) -> tuple[np.ndarray, str]:
    """The photo cropped to the grid's outer line, a pixel beyond its darkest pixels, as a scan or a
    screenshot of a puzzle is."""
    ys, xs = np.nonzero(image < 120)
    return image[max(0, ys.min() - 1) : ys.max() + 2, max(0, xs.min() - 1) : xs.max() + 2], text


def askew(image: np.ndarray, text: str, rng) -> tuple[np.ndarray, str]:
    """The photo taken turned 2-8 degrees either way and at an angle (the grid's far side 0-24%
    narrower than its near side), the paper beyond it filled in."""
    d = rng.uniform(0, 0.12) * 640
    tilt = cv2.getPerspectiveTransform(np.float32([[0, 0], [640, 0], [640, 480], [0, 480]]),
                                       np.float32([[d, 0], [640 - d, 0], [640, 480], [0, 480]]))
    turn = np.vstack([cv2.getRotationMatrix2D((320, 240), rng.choice([-1, 1]) * rng.uniform(2, 8), 1.0), [0, 0, 1]])
    return cv2.warpPerspective(image, turn @ tilt, (640, 480), borderMode=cv2.BORDER_REPLICATE), text


KINDS = {
    "sudoku, cells 48 px": lambda mnist, rng: sudoku(mnist, rng, 48, False),
    "sudoku, cells 48 px, cropped to the grid": lambda mnist, rng: to_grid(*sudoku(mnist, rng, 48, False)),
    "sudoku, cells 40 px": lambda mnist, rng: sudoku(mnist, rng, 40, False),
    "sudoku, cells 44 px, turned, at an angle": lambda mnist, rng: askew(*sudoku(mnist, rng, 44, False), rng),
    "sudoku, cells 48 px, a third printed": lambda mnist, rng: sudoku(mnist, rng, 48, True),
    "table, 6 rows of 4 numbers": table,
}


def main() -> None:
    args = script_parser(__doc__).parse_args()
    cv2.setNumThreads(1)
    mnist, reader = digit_source(args.digits), DigitReader(args.model, threads=1)
    for name, make in KINDS.items():
        rng = np.random.default_rng(args.seed)
        scores, total = scored_ways(reader, args.frames, lambda: make(mnist, rng),
                                    {"predict": (lambda image: image, True), "camera": (lambda image: image, False)})
        print(ways_line(name, 42, scores, args.frames, total))


if __name__ == "__main__":
    main()
