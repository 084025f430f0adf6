"""A scanner app's black-and-white page: the photo thresholded to pure black and white. Is it read?

    python benchmarks/scans.py [--model exports/digitedge_int8.onnx] [--seed 0] [--frames 20]

Phone apps that "scan" a document (and some scanners) offer a black-and-white filter: each pixel
becomes black or white by its brightness against its neighbourhood's (an adaptive threshold, here
OpenCV's Gaussian one over 31 pixels, 15 levels below the mean). Handwriting survives it; a ruled
or squared sheet's faint lines come out broken into dashes and crosses, of every length. The app
then saves the page, often as a JPEG (here at quality 75), whose ringing puts grey round every
edge. Each page is two rows of five MNIST test digits (benchmark.two_rows) on plain, ruled (2-pixel
lines 12-25% darker than the paper every 32 pixels) or squared paper (2-pixel lines 10-20% darker
every 32 pixels both ways), photographed (benchmark.photographed), then read as `digitedge predict`
reads a photo: as photographed, in black and white, and in black and white saved as a JPEG. Prints
the frames read exactly and the digits matched (benchmark.digits_matched) for each.
"""

from __future__ import annotations

import cv2
import numpy as np

from digitedge.benchmark import as_jpeg, cells, digit_source, photographed, script_parser, scored_ways, two_rows, ways_line, written
from digitedge.vision.reader import DigitReader

SPACING = 32  # pixels between paper lines


def ruled(page: np.ndarray, rng) -> np.ndarray:
    """Lines 2 pixels wide, 12-25% darker than the paper, every SPACING pixels down."""
    page, dark = page.copy(), rng.uniform(0.75, 0.88)
    for y in range(int(rng.integers(8, 40)), page.shape[0], SPACING):
        page[y : y + 2] *= dark
    return page


def squared(page: np.ndarray, rng) -> np.ndarray:
    """Lines 2 pixels wide, 10-20% darker than the paper, every SPACING pixels both ways."""
    page, dark = page.copy(), rng.uniform(0.8, 0.9)
    for y in range(int(rng.integers(0, SPACING)), page.shape[0], SPACING):
        page[y : y + 2] *= dark
    for x in range(int(rng.integers(0, SPACING)), page.shape[1], SPACING):
        page[:, x : x + 2] *= dark
    return page


PAPERS = {"plain": lambda page, rng: page, "ruled": ruled, "squared": squared}


def black_and_white(photo: np.ndarray) -> np.ndarray:
    """A scanner app's black-and-white filter: an adaptive (Gaussian) threshold."""
    return cv2.adaptiveThreshold(photo, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, 31, 15)


def main() -> None:
    args = script_parser(__doc__).parse_args()
    cv2.setNumThreads(1)
    mnist, reader = digit_source(args.digits), DigitReader(args.model, threads=1)
    for name, paper in PAPERS.items():
        rng = np.random.default_rng(args.seed)

        def page():
            digits = rng.choice(len(mnist.x_test), 10, replace=False)
            return photographed(paper(two_rows(cells(mnist, digits)), rng), rng), written(mnist, digits, 5)

        ways = {"photo": (lambda image: image, True), "black and white": (black_and_white, True),
                "as a JPEG": (lambda image: as_jpeg(black_and_white(image)), True)}
        scores, total = scored_ways(reader, args.frames, page, ways)
        print(ways_line(name, 8, scores, args.frames, total))


if __name__ == "__main__":
    main()
