"""A number circled, boxed or underlined by hand (an answer marked on a worksheet): is the frame read as digits?

    python benchmarks/circled.py [--model exports/digitedge_int8.onnx] [--seed 0] [--frames 40] [--photos [--desk]]
    python benchmarks/circled.py --photos --frames 20 --seed 1

Each frame holds a number of 2-5 MNIST test digits (50-90 pixels tall, written 0.72 of their height
apart) on paper lit unevenly, with noise and blur, 640x480. The same number is drawn plain, then
underlined (clear of it, or touching its foot, or twice), ringed (an ellipse 0.15-0.45 of a digit's
height clear of the number's box at its widest, so the digits at its narrow ends often touch it, left
open by up to 30 degrees or overlapping itself by up to 15), and boxed (a rectangle 0.12-0.35 of a
digit's height clear of it), in a pen 2-3 pixels wide. Prints the frames read exactly, per kind.

--photos: a phone's photos instead (4032x3024, read as `predict` reads a photo), of 1-4 digits 250-500
pixels tall in an 8-19 pixel pen, plain, ringed by hand (a wobbly loop, its ends 18 degrees apart to
overlapping by 29) and boxed by hand (four lines running on past the corners by a twentieth of a
digit, the corners moved a little); --desk lays the sheet on a desk in the phone's shadow. Prints the
photos read exactly, per kind, and for one-digit photos `--single`'s digits.
"""

from __future__ import annotations

import cv2
import numpy as np

from digitedge.benchmark import digit_source, photographed, script_parser, written
from digitedge.vision.reader import DigitReader

KINDS = ("plain", "underlined", "underline touching", "underlined twice", "ringed", "boxed")


def number(mnist, digits, tall: int) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """The digits' ink (0-1) on a 640x480 frame, and the box of their ink (x, y, w, h)."""
    ink = np.zeros((480, 640), np.float32)
    x, y = 120, 180
    for i in digits:
        glyph = cv2.resize(mnist.x_test[i], (tall, tall), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
        ink[y : y + tall, x : x + tall] = np.maximum(ink[y : y + tall, x : x + tall], glyph)
        x += int(tall * 0.72)
    ys, xs = np.nonzero(ink > 0.3)
    return ink, (int(xs.min()), int(ys.min()), int(xs.max() - xs.min()), int(ys.max() - ys.min()))


def mark(kind: str, box: tuple[int, int, int, int], tall: int, pen: int, rng: np.random.Generator) -> np.ndarray:
    """The frame (or underline) drawn round the number's box, as ink (0-1)."""
    x, y, w, h = box
    out = np.zeros((480, 640), np.float32)
    if kind in ("underlined", "underlined twice"):
        for k in range(1 if kind == "underlined" else 2):
            at = int(y + h + tall * (0.15 + 0.15 * k))
            cv2.line(out, (x - 10, at), (x + w + 10, at + int(rng.integers(-6, 7))), 1, pen, cv2.LINE_AA)
    elif kind == "underline touching":
        cv2.line(out, (x - 10, y + h - 2), (x + w + 10, y + h - 2 + int(rng.integers(-4, 5))), 1, pen, cv2.LINE_AA)
    elif kind == "ringed":
        axes = (int(w / 2 + tall * rng.uniform(0.2, 0.45)), int(h / 2 + tall * rng.uniform(0.15, 0.35)))
        start = float(rng.uniform(0, 360))
        cv2.ellipse(out, (x + w // 2, y + h // 2), axes, float(rng.normal(0, 4)), start, start + float(rng.uniform(330, 375)),
                    1, pen, cv2.LINE_AA)
    elif kind == "boxed":
        clear = tall * rng.uniform(0.12, 0.35, 4)
        cv2.rectangle(out, (int(x - clear[0]), int(y - clear[1])), (int(x + w + clear[2]), int(y + h + clear[3])), 1, pen, cv2.LINE_AA)
    return out


def photo(ink: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Ink on paper lit from one side, with noise and a slight blur, as a BGR frame."""
    yy, xx = np.mgrid[0:480, 0:640]
    paper = 200 + 30 * xx / 640 - 15 * yy / 480
    frame = paper * (1 - 0.8 * ink) + rng.normal(0, 3, ink.shape)
    frame = cv2.GaussianBlur(np.clip(frame, 0, 255).astype(np.uint8), (3, 3), 0)
    return cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)


def frames(mnist, rng: np.random.Generator, count: int):
    """`count` numbers, each drawn as every kind in turn: yields (its digits, the kind, the frame)."""
    for _ in range(count):
        digits = rng.choice(len(mnist.x_test), int(rng.integers(2, 6)), replace=False)
        tall = int(rng.integers(50, 90))
        ink, box = number(mnist, digits, tall)
        for kind in KINDS:
            yield digits, kind, photo(np.maximum(ink, mark(kind, box, tall, int(rng.integers(2, 4)), rng)), rng)


def by_hand(kind: str, page: np.ndarray, box: tuple[int, int, int, int], tall: int, pen: int, rng: np.random.Generator) -> None:
    """A ring or a box drawn by hand round the number's box on a page (float32, the ink dark on it)."""
    x, y, w, h = box
    if kind == "ringed by hand":  # a loop whose radius wanders, its ends apart or overlapping
        a, b = w / 2 + tall * rng.uniform(0.25, 0.45), h / 2 + tall * rng.uniform(0.2, 0.35)
        start = rng.uniform(0, 2 * np.pi)
        t = np.linspace(start, start + 2 * np.pi * rng.uniform(0.95, 1.08), 200)
        r = 1 + 0.04 * np.sin(3 * t + rng.uniform(0, 6)) + 0.03 * np.sin(5 * t + rng.uniform(0, 6))
        points = np.stack([x + w / 2 + a * r * np.cos(t), y + h / 2 + b * r * np.sin(t)], 1)
        cv2.polylines(page, [points.astype(np.int32)], False, 60, pen, cv2.LINE_AA)
    elif kind == "boxed by hand":  # four lines, each running on past its corners
        clear = tall * rng.uniform(0.15, 0.35, 4)
        corners = np.array([(x - clear[0], y - clear[1]), (x + w + clear[2], y - clear[1]),
                            (x + w + clear[2], y + h + clear[3]), (x - clear[0], y + h + clear[3])])
        corners += rng.normal(0, tall * 0.03, (4, 2))
        for k in range(4):
            a, b = corners[k], corners[(k + 1) % 4]
            on = (b - a) / np.linalg.norm(b - a) * tall * 0.05
            cv2.line(page, tuple((a - on).astype(int)), tuple((b + on).astype(int)), 60, pen, cv2.LINE_AA)


def phone_photo(mnist, digits, tall: int, pen: int, kind: str, rng: np.random.Generator, desk=None) -> np.ndarray:
    """A phone's photo (4032x3024, BGR) of these digits written as a number, `kind` drawn round it by
    hand in the same pen; `desk`: a function laying the sheet on a desk (phone_pages.on_a_desk)."""
    page = np.full((3024, 4032), 225, np.float32)
    x0, y0 = 2016 - int(tall * 0.72 * len(digits) / 2), 1512 - tall // 2
    for k, i in enumerate(digits):
        glyph = cv2.resize(mnist.x_test[i], (tall, tall), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
        x = x0 + int(k * tall * 0.72)
        page[y0 : y0 + tall, x : x + tall] *= 1 - 0.85 * glyph
    ys, xs = np.nonzero(page < 150)
    by_hand(kind, page, (int(xs.min()), int(ys.min()), int(xs.max() - xs.min()), int(ys.max() - ys.min())), tall, pen, rng)
    photo = photographed(page, rng)
    return cv2.cvtColor(desk(photo, rng) if desk else photo, cv2.COLOR_GRAY2BGR)


def photos(mnist, reader, rng: np.random.Generator, count: int, desk: bool) -> None:
    from phone_pages import on_a_desk  # (run as a script, benchmarks/ is on the path; tests import the rest)

    kinds = ("plain", "ringed by hand", "boxed by hand")
    exact, single = dict.fromkeys(kinds, 0), dict.fromkeys(kinds, 0)
    ones = 0
    for _ in range(count):
        digits = rng.choice(len(mnist.x_test), int(rng.integers(1, 5)), replace=False)
        tall, pen = int(rng.integers(250, 500)), int(rng.integers(8, 20))
        ones += len(digits) == 1
        for kind in kinds:
            photo = phone_photo(mnist, digits, tall, pen, kind, rng, on_a_desk if desk else None)
            exact[kind] += reader.read(photo, still=True).text == written(mnist, digits)
            if len(digits) == 1:
                single[kind] += reader.read_single(photo).label == int(mnist.y_test[digits[0]])
    for kind in kinds:
        print(f"{kind:<16} photos read exactly: {exact[kind]}/{count}; one digit, --single: {single[kind]}/{ones}")


def main() -> None:
    ap = script_parser(__doc__, frames=40)
    ap.add_argument("--photos", action="store_true", help="a phone's photos of rings and boxes drawn by hand")
    ap.add_argument("--desk", action="store_true", help="with --photos: the sheet on a desk in the phone's shadow")
    args = ap.parse_args()
    mnist, reader = digit_source(args.digits), DigitReader(args.model, threads=1)
    if args.photos:
        photos(mnist, reader, np.random.default_rng(args.seed), args.frames, args.desk)
        return
    exact = dict.fromkeys(KINDS, 0)
    for digits, kind, frame in frames(mnist, np.random.default_rng(args.seed), args.frames):
        exact[kind] += reader.read(frame).text == written(mnist, digits)
    for kind, n in exact.items():
        print(f"{kind:<20} frames read exactly: {n}/{args.frames}")


if __name__ == "__main__":
    main()
