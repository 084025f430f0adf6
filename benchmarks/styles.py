"""Handwriting MNIST rarely holds: continental 7s and 1s (a bar across the 7, a flag on the 1), and a hand that slants.

    python benchmarks/styles.py [--model exports/digitedge_int8.onnx] [--seed 0] [--frames 40] [--digits test]

MNIST's writers were American: few of its 7s are crossed and few of its 1s have a flag, so a model
trained on it can read a flagged 1 as a 7 and a crossed 7 as a 4 or a 9. digitedge.styles draws
them onto MNIST's own digits (the bar or flag at the digit's stroke width, at random heights, slants
and lengths): the same drawing `digitedge train --styles` puts into a share of its training images,
so a model trained with it is judged partly in its own distribution.

Prints, for every 7 and every 1 of the digits (each drawn 70 pixels square and normalised as the
pipeline's crops are: `normalize.to_mnist`), how many the model reads as it is and in its
continental form, and what the misses are read as; then pages (benchmark.two_rows: two rows of
five digits, photographed) written by a continental hand, every 7 crossed and every 1 flagged, and
the same pages written plainly: frames read exactly and digits matched. Last, pages whose every
digit leans further to the right by 15, 25 and 35 degrees (styles.slanted; MNIST's digits lean
about 7 degrees, and differ from one another by more than that): a fast hand's slant.
"""

from __future__ import annotations

import cv2
import numpy as np

from digitedge.benchmark import digit_source, frames_scored, photographed, script_parser, two_rows
from digitedge.styles import STYLES, slanted
from digitedge.vision.normalize import to_mnist
from digitedge.vision.reader import DigitReader

CELL = 70  # the digit's 28x28 square drawn this big: its ink about 50 pixels tall
NAMES = {7: "7 crossed", 1: "1 flagged"}
SLANTS = (15, 25, 35)  # degrees further to the right


def drawn(image: np.ndarray) -> np.ndarray:
    """An MNIST digit (28x28 uint8) enlarged to a CELL square (cubic), as the benchmark pages draw it."""
    return cv2.resize(image, (CELL, CELL), interpolation=cv2.INTER_CUBIC)


def continental(image: np.ndarray, label: int, rng) -> np.ndarray:
    """The digit enlarged to a CELL square, in its continental form if it has one."""
    draw = STYLES.get(int(label))
    return draw(drawn(image), rng) if draw else drawn(image)


def crops(reader, mnist, label: int, rng) -> tuple[int, int, int, dict[int, int]]:
    """Every digit of this label, as it is and in its continental form, normalised as a crop:
    (read as it is, read in its continental form, how many, what the continental misses read as)."""
    images = mnist.x_test[mnist.y_test == label]
    plain = reader.classifier.predict(np.stack([to_mnist(drawn(x)) for x in images])).argmax(1)
    styled = reader.classifier.predict(np.stack([to_mnist(continental(x, label, rng)) for x in images])).argmax(1)
    misses = np.bincount(styled[styled != label], minlength=10)
    return int((plain == label).sum()), int((styled == label).sum()), len(images), {d: int(n) for d, n in enumerate(misses) if n}


def page(mnist, digits, rng, styled: bool = False, slant: float = 0.0) -> np.ndarray:
    inks = [(continental(mnist.x_test[i], mnist.y_test[i], rng) if styled else drawn(mnist.x_test[i])) for i in digits]
    inks = [(slanted(ink, slant) if slant else ink).astype(np.float32) / 255 for ink in inks]
    return cv2.cvtColor(photographed(two_rows(inks, CELL), rng), cv2.COLOR_GRAY2BGR)


def main() -> None:
    args = script_parser(__doc__, frames=40).parse_args()
    mnist, reader = digit_source(args.digits), DigitReader(args.model, threads=1)
    rng = np.random.default_rng(args.seed)
    for label, name in NAMES.items():
        plain, styled, count, misses = crops(reader, mnist, label, rng)
        read_as = ", ".join(f"{n} as {d}" for d, n in sorted(misses.items(), key=lambda m: -m[1])) or "none"
        print(f"crops, {name:<10} digits read {styled}/{count} (as written plainly: {plain}/{count}); misread: {read_as}")
    pages = [("written plainly", False, 0), ("continental", True, 0)] + [(f"slanted {d} degrees", False, d) for d in SLANTS]
    for name, styled, slant in pages:
        exact, matched = frames_scored(reader, mnist, args.frames, args.seed, 10, 5,
                                       lambda digits, r: page(mnist, digits, r, styled, slant))
        print(f"pages, {name:<18} frames read exactly {exact}/{args.frames}; digits matched {matched}/{10 * args.frames}")


if __name__ == "__main__":
    main()
