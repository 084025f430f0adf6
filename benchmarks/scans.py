"""A scanner app's black-and-white page: the photo thresholded to pure black and white. Is it read?

    python benchmarks/scans.py [--model exports/digitedge_int8.onnx] [--seed 0] [--frames 20]

Phone apps that "scan" a document (and some scanners) offer a black-and-white filter: each pixel
becomes black or white by its brightness against its neighbourhood's (an adaptive threshold, here
OpenCV's Gaussian one over 31 pixels, 15 levels below the mean). Handwriting survives it; a ruled
or squared sheet's faint lines come out broken into dashes and crosses, of every length. Each page
is two rows of five MNIST test digits (benchmark.two_rows) on plain, ruled (2-pixel lines 12-25%
darker than the paper every 32 pixels) or squared paper (2-pixel lines 10-20% darker every 32
pixels both ways), photographed (benchmark.photographed), then read as `digitedge predict` reads a photo:
as photographed, and in black and white. Prints the frames read exactly and the digits matched
(benchmark.digits_matched) for each.
"""

from __future__ import annotations

import cv2
import numpy as np

from digitedge.benchmark import cells, digit_source, digits_matched, photographed, script_parser, two_rows, written
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
        scores = {"photo": [0, 0], "black and white": [0, 0]}
        for _ in range(args.frames):
            digits = rng.choice(len(mnist.x_test), 10, replace=False)
            text = written(mnist, digits, 5)
            photo = photographed(paper(two_rows(cells(mnist, digits)), rng), rng)
            for how, image in (("photo", photo), ("black and white", black_and_white(photo))):
                read = reader.read(image, still=True).text
                scores[how][0] += read == text
                scores[how][1] += digits_matched(text, read)
        print(f"{name:<8} " + "; ".join(f"{how}: frames read exactly {e}/{args.frames}, digits matched {m}/{10 * args.frames}"
                                       for how, (e, m) in scores.items()))


if __name__ == "__main__":
    main()
