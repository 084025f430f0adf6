"""A phone's photo of one handwritten digit, or of a four-digit number: `digitedge predict` and
`digitedge predict --single`.

    python benchmarks/number_photos.py [--model exports/digitedge_int8.onnx] [--seed 0] [--frames 10] [--long-side 4032]

The photo most people take to try a digit reader: one digit, or a number, written on a sheet and
photographed whole, 3024x4032 pixels (or --long-side, 3:4). One digit is 10%, 30% or 60% of the photo's width; the
digits of a number 8%, 15% or 22% each, in a row. Each is an MNIST test digit drawn three ways:
with MNIST's own strokes scaled up (a broad marker, about 12% of the digit's height), and along
its centre line (a connected thinning) in pens 10 and 30 pixels wide (a ballpoint and a felt tip
seen from a phone's distance). The sheet is lit from one side, slightly blurred, with sensor
noise; then again lying on a wooden desk that shows around it, in the phone's shadow; then with
the sheet running out of the view at its bottom, the shadow reaching the view's edge. Each photo
is read as `digitedge predict` reads it (exact when the text is the number alone) and, one digit,
as `digitedge predict --single` reads it (its label). A digit whose thick strokes close its loops
(a blotted 8 or 3) loses them when thinned: some misreadings and rejections are the drawing's.
"""

from __future__ import annotations

import cv2
import numpy as np

from digitedge.benchmark import digit_source, photographed, script_parser, thinned, written
from digitedge.vision.reader import DigitReader


def drawn(digit: np.ndarray, size: int, pen: int) -> np.ndarray:
    """How much ink (0-1) covers each pixel of the digit drawn `size` pixels square: MNIST's own
    strokes (pen 0), or its centre line `pen` pixels wide."""
    if not pen:
        return cv2.resize(digit, (size, size), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
    line = thinned(cv2.resize(digit, (112, 112), interpolation=cv2.INTER_CUBIC) > 100).astype(np.float32)
    line = cv2.resize(cv2.GaussianBlur(line, (0, 0), 1.0), (size, size), interpolation=cv2.INTER_LINEAR)
    line = cv2.dilate((line > 0.5 * line.max()).astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (pen, pen)))
    return np.clip(1.5 * cv2.GaussianBlur(line.astype(np.float32), (0, 0), 1.0), 0, 1)  # the pen's soft edge


def photo(digits: list[np.ndarray], width: float, pen: int, rng, size: tuple[int, int] = (4032, 3024)) -> np.ndarray:
    """These digits in a row near the middle of a sheet filling the photo, each `width` of its width
    across (each one 0.8 of that after the last: MNIST's ink fills about 0.7 of its square)."""
    h, w = size
    page = np.full((h, w), 225, np.float32)
    d = int(width * w)
    span = d + int(0.8 * d) * (len(digits) - 1)
    cx, cy = int(w * rng.uniform(0.4, 0.6)), int(h * rng.uniform(0.35, 0.65))
    x0, y = min(max(0, cx - span // 2), w - span), min(max(0, cy - d // 2), h - d)
    for k, digit in enumerate(digits):
        x = x0 + int(0.8 * d) * k
        page[y : y + d, x : x + d] *= 1 - 0.85 * drawn(digit, d, pen)
    return photographed(page, rng)


def main() -> None:
    from phone_pages import IN_VIEW, OFF_THE_BOTTOM, on_a_desk  # (run as a script, benchmarks/ is on the path;
    # tests import photo alone)

    ap = script_parser(__doc__, frames=10)
    ap.add_argument("--long-side", type=int, default=4032,
                    help="the photo's long side in pixels, 4:3 portrait (1600: a photo sent through a chat app; "
                         "pens and the shadow's softness keep their pixels)")
    args = ap.parse_args()
    size = (args.long_side, args.long_side * 3 // 4)  # (height, width)
    cv2.setNumThreads(1)
    mnist, reader = digit_source(args.digits), DigitReader(args.model, threads=1)
    for count, widths in ((1, (0.1, 0.3, 0.6)), (4, (0.08, 0.15, 0.22))):
        exact = single = tried = 0
        for staging, corners in (("", None), ("on a desk, in the phone's shadow, ", IN_VIEW),
                                 ("on a desk, the sheet running out of the view, in the phone's shadow, ", OFF_THE_BOTTOM)):
            for pen in (0, 10, 30):
                for width in widths:
                    rng = np.random.default_rng(args.seed)
                    page = alone = 0
                    for _ in range(args.frames):
                        digits = rng.choice(len(mnist.x_test), count, replace=False)
                        image = photo([mnist.x_test[i] for i in digits], width, pen, rng, size=size)
                        if corners:
                            image = on_a_desk(image, rng, corners=corners)
                        page += reader.read(image, still=True).text == written(mnist, digits)  # as `digitedge predict` reads a photo
                        if count == 1:  # and as `digitedge predict --single` does
                            alone += reader.read_single(image).label == int(mnist.y_test[digits[0]])
                    exact, single, tried = exact + page, single + alone, tried + args.frames
                    print(f"{'one digit' if count == 1 else f'{count} digits'}, "
                          f"{staging}"
                          f"{'MNIST strokes' if not pen else f'pen {pen} px'}, {width:.0%} of the width each: "
                          f"predict {page}/{args.frames}" + (f", --single {alone}/{args.frames}" if count == 1 else ""))
        print(f"{'one digit' if count == 1 else f'{count} digits'}, all photos: predict {exact}/{tried}"
              + (f", --single {single}/{tried}" if count == 1 else ""))


if __name__ == "__main__":
    main()
