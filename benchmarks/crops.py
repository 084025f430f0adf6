"""A photo cropped to its handwriting: one digit, or a three-digit number, with the ink reaching the
crop's edges or not: `digitedge predict` and `digitedge predict --single`.

    python benchmarks/crops.py [--model exports/digitedge_int8.onnx] [--seed 0] [--frames 10] [--negative]

People who try a digit reader often crop their photo to the digit first, or keep images that
someone else cropped, and a crop drawn by hand or by a script follows the ink closely: the strokes
reach two or four of its edges. Each image here starts as a photo of a sheet (number_photos.photo,
2016x1512: MNIST test digits in MNIST's own strokes, or along their centre line in pens 5 and 15
pixels wide, a ballpoint and a felt tip; lit from one side, blurred, with sensor noise), and is
cropped to the ink's box: with no margin (the ink touches all four edges), with none above and
below but some beside (a number cropped along its line), or with a margin all round (5% of the
box's height on each side, or 25%: a crop that leaves room); on plain paper, and for the second
and third on ruled paper too (a line every 0.4 of the digits' height). Each crop is scaled to
80-400 pixels high (a crop saved at any size), saved as a JPEG, and read as `digitedge predict`
reads it (exact when the text is the number alone) and, one digit, as `digitedge predict
--single` reads it (its label). Last, one digit cut out of a three-digit number (the middle half of
the number's box, 5% above and below), taking in pieces of its neighbours at the crop's sides,
which must not be read; and a four-digit number cut into four equal cells (as a meter's digits are
read one by one), each cell 60-200 pixels high. With --negative, every crop is inverted: light
ink on a dark ground, as chalk on a board.
"""

from __future__ import annotations

import cv2
import numpy as np

from digitedge.benchmark import as_jpeg, digit_source, script_parser, written
from digitedge.vision.reader import DigitReader

MARGINS = {"touching all four edges": (0.0, 0.0), "touching top and bottom": (0.0, 0.15),
           "a 5% margin all round": (0.05, 0.05), "a 25% margin all round": (0.25, 0.25)}


def cropped(image: np.ndarray, box: tuple[int, int, int, int], margin: tuple[float, float], height: int) -> np.ndarray:
    """The image cropped to `box` (x, y, w, h) with `margin` (above and below, beside) as fractions of the
    box's height, scaled to `height` pixels high, through a JPEG at quality 90."""
    x, y, w, h = box
    my, mx = int(margin[0] * h), int(margin[1] * h)
    crop = image[max(0, y - my) : y + h + my, max(0, x - mx) : x + w + mx]
    s = height / crop.shape[0]
    crop = cv2.resize(crop, (max(1, round(crop.shape[1] * s)), height),
                      interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC)
    return as_jpeg(crop, 90)


def ink_box(image: np.ndarray) -> tuple[int, int, int, int]:
    """The box (x, y, w, h) of the ink on a photo of a sheet, its soft edges included."""
    return cv2.boundingRect((cv2.GaussianBlur(image, (0, 0), 2) < 150).astype(np.uint8))


def ruled(image: np.ndarray, spacing: int, rng) -> np.ndarray:
    """The photo with a ruled sheet's lines across it, `spacing` pixels apart, 3 pixels wide and a
    third as dark as the ink, slightly blurred."""
    lines = np.zeros(image.shape, np.float32)
    for y in range(int(rng.integers(0, spacing)), image.shape[0], spacing):
        lines[y : y + 3] = 1
    return (image * (1 - 0.3 * cv2.GaussianBlur(lines, (0, 0), 1.0))).astype(np.uint8)


def main() -> None:
    from number_photos import photo  # (run as a script, benchmarks/ is on the path; tests import cropped alone)

    ap = script_parser(__doc__, frames=10)
    ap.add_argument("--negative", action="store_true", help="light ink on a dark ground: every crop inverted (chalk on a board)")
    args = ap.parse_args()
    ink = (lambda crop: 255 - crop) if args.negative else (lambda crop: crop)
    cv2.setNumThreads(1)
    mnist, reader = digit_source(args.digits), DigitReader(args.model, threads=1)
    for count, width in ((1, 0.3), (3, 0.12)):
        exact = single = tried = 0
        for (name, margin), lines in [(m, False) for m in MARGINS.items()] + [(m, True) for m in list(MARGINS.items())[1:3]]:
            for pen in (0, 5, 15):
                rng = np.random.default_rng(args.seed)
                page = alone = 0
                for _ in range(args.frames):
                    digits = rng.choice(len(mnist.x_test), count, replace=False)
                    image = photo([mnist.x_test[i] for i in digits], width, pen, rng, size=(1512, 2016))
                    box = ink_box(image)
                    if lines:  # a line every 0.4 of the digits' height: one or two cross each digit
                        image = ruled(image, max(8, int(0.4 * box[3])), rng)
                    crop = ink(cropped(image, box, margin, int(rng.integers(80, 401))))
                    page += reader.read(crop, still=True).text == written(mnist, digits)
                    if count == 1:
                        alone += reader.read_single(crop).label == int(mnist.y_test[digits[0]])
                exact, single, tried = exact + page, single + alone, tried + args.frames
                print(f"{'one digit' if count == 1 else f'{count} digits'}, {name}, {'ruled paper, ' if lines else ''}"
                      f"{'MNIST strokes' if not pen else f'pen {pen} px'}: predict {page}/{args.frames}"
                      + (f", --single {alone}/{args.frames}" if count == 1 else ""))
        print(f"{'one digit' if count == 1 else f'{count} digits'}, all crops: predict {exact}/{tried}"
              + (f", --single {single}/{tried}" if count == 1 else ""))
    cut_outs = (  # one digit cut out of a number, with pieces of its neighbours at the crop's sides; a
        # number cut into four equal cells, as a meter's digits are read one by one: (box, which digit)
        ("the middle digit of three, pieces of its neighbours at the sides", 3, 0.15, (80, 401),
         lambda x, y, w, h: [((x + w // 4, y, w // 2, h), 1)]),
        ("a four-digit number cut into four equal cells", 4, 0.12, (60, 201),
         lambda x, y, w, h: [((x + k * w // 4, y, w // 4, h), k) for k in range(4)]),
    )
    for name, count, width, heights, cut in cut_outs:
        for pen in (0, 5, 15):
            rng = np.random.default_rng(args.seed)
            page = alone = tried = 0
            for _ in range(args.frames):
                digits = rng.choice(len(mnist.x_test), count, replace=False)
                image = photo([mnist.x_test[i] for i in digits], width, pen, rng, size=(1512, 2016))
                for box, k in cut(*ink_box(image)):
                    crop = ink(cropped(image, box, (0.05, 0.0), int(rng.integers(*heights))))
                    label = int(mnist.y_test[digits[k]])
                    page += reader.read(crop, still=True).text == str(label)
                    alone += reader.read_single(crop).label == label
                    tried += 1
            print(f"{name}, {'MNIST strokes' if not pen else f'pen {pen} px'}: predict {page}/{tried}, --single {alone}/{tried}")

if __name__ == "__main__":
    main()
