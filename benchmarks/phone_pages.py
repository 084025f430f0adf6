"""A phone's photo of a whole page of handwriting: 3024x4032 pixels, digits 1-2% of its height.

    python benchmarks/phone_pages.py [--model exports/digitedge_int8.onnx] [--seed 0] [--pages 6]

A page photographed whole holds handwriting of ordinary size (5-10 mm on a 297 mm page) at 1.2-2.3%
of the photo's height. Each page holds three lines of eight MNIST test digits in 70, 90 or 130 pixel
cells (the ink about 0.7 of that), lit from one side, slightly blurred, with sensor noise; then again
with the page lying on a wooden desk that shows around it, and the phone's shadow over part of it.
Each is read as `digitedge predict` reads a photo: shrunk to 1600 pixels on its long side (a
camera's or a video's frames go to 1280, for speed). Prints, for each, the pages read exactly, the
digits read (matched in order) and the median time per page on one core.
"""

from __future__ import annotations

import time

import cv2
import numpy as np

from digitedge.benchmark import digit_source, digits_matched, photographed, script_parser, written
from digitedge.vision.reader import DigitReader


def photo(mnist, digits, cell: int, rng, size: tuple[int, int] = (4032, 3024)) -> np.ndarray:
    h, w = size
    page = np.full((h, w), 225, np.float32)
    for k, i in enumerate(digits):
        ink = cv2.resize(mnist.x_test[i], (cell, cell), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
        x, y = w // 10 + int(cell * 1.1) * (k % 8), h // 5 + h // 7 * (k // 8)
        page[y : y + cell, x : x + cell] *= 1 - 0.85 * ink
    return photographed(page, rng)


IN_VIEW = ((0.06, 0.08), (0.95, 0.05), (0.97, 0.93), (0.04, 0.95))  # the sheet's corners, as fractions of the view
OFF_THE_BOTTOM = ((0.06, 0.08), (0.95, 0.05), (0.97, 1.2), (0.04, 1.2))  # running out of the view at its bottom


def on_a_desk(image: np.ndarray, rng, softness: float = 20, corners=IN_VIEW) -> np.ndarray:
    """The page lying on a wooden desk that shows around it, under the phone's shadow (40% darker,
    blurred `softness` pixels) over its lower right; `corners`: where the sheet lies in the view."""
    h, w = image.shape
    sheet = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(sheet, (np.array(corners) * [w, h]).astype(np.int32), 1)
    desk = 110 + 30 * np.sin(np.arange(h, dtype=np.float32)[:, None] / 37.0) + rng.normal(0, 6, (h, w)).astype(np.float32)
    shadow = np.zeros((h, w), np.float32)
    cv2.ellipse(shadow, (int(w * 0.7), int(h * 0.75)), (int(w * 0.35), int(h * 0.3)), 20, 0, 360, 1.0, -1)
    shadow = cv2.GaussianBlur(shadow, (0, 0), softness)
    return np.clip(np.where(sheet > 0, image, desk) * (1 - 0.4 * shadow), 0, 255).astype(np.uint8)


def main() -> None:
    ap = script_parser(__doc__, frames=None)
    ap.add_argument("--pages", type=int, default=6)
    args = ap.parse_args()
    cv2.setNumThreads(1)
    mnist, reader = digit_source(args.digits), DigitReader(args.model, threads=1)
    for staged in (False, True):
        for cell in (70, 90, 130):
            rng = np.random.default_rng(args.seed)
            exact = matched = 0
            times = []
            for _ in range(args.pages):
                digits = rng.choice(len(mnist.x_test), 24, replace=False)
                image, text = photo(mnist, digits, cell, rng), written(mnist, digits, 8)
                if staged:
                    image = on_a_desk(image, rng)
                start = time.perf_counter()
                read = reader.read(image, still=True).text  # a photo, as `digitedge predict` reads it
                times.append(time.perf_counter() - start)
                exact += read == text
                matched += digits_matched(text, read)
            print(f"{'on a desk, in the phone' + chr(39) + 's shadow, ' if staged else ''}{cell} px cells (ink {0.7 * cell / 4032:.1%} "
                  f"of the height): pages read exactly {exact}/{args.pages}; digits read {matched}/{24 * args.pages}; "
                  f"{np.median(times) * 1e3:.0f} ms a page")


if __name__ == "__main__":
    main()
