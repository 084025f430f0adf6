"""Marks that are not digits, for teaching a model to say so: letters and symbols drawn from the
fonts matplotlib ships, normalised as the camera pipeline normalises its crops. `digitedge train
--negatives` adds them to the training images with a uniform target (outlier exposure: Hendrycks
et al., 2019): the model learns to spread its probability over the ten digits for such a mark,
so the reader's existing rule (a reading under its confidence is no digit) leaves it out of the
text, and the exported model keeps the contract's ten outputs. As many digits are drawn in the
same fonts, the same way, with their labels (printed_digits): taught only printed marks as no
digit and only handwritten ones as digits, a model learns that print is no digit, and reads
printed digits (a sudoku's givens, a form's numbers) worse.

Only letters and symbols unlike any digit are drawn: O, o, D, Q (0), I, l, i, j, J, T, / and
brackets, f and t (1 or a crossed 7), Z, z (2), S, s (5), b, G (6), B, β (8), g, q (9) stay out, since a digit written so
is still a digit. OpenCV's Hershey fonts are never drawn here: benchmarks/words.py reads them."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

LETTERS = "ACEFHKMNPRUVWXYacehkmnpruvwxy"
SYMBOLS = "+=#@&%*<>~€£¥§¶×÷±αγλμπφψωΔΛΠΣΦΨΩ"
GLYPHS = LETTERS + SYMBOLS
DIGITS = "0123456789"
FONTS = (  # matplotlib's own (mpl-data/fonts/ttf): the same files on every machine with the train extra
    "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSans-BoldOblique",
    "DejaVuSansMono", "DejaVuSansMono-Bold", "DejaVuSansMono-Oblique", "DejaVuSansMono-BoldOblique",
    "DejaVuSerif", "DejaVuSerif-Bold", "DejaVuSerif-Italic", "DejaVuSerif-BoldItalic",
    "STIXGeneral", "STIXGeneralBol", "STIXGeneralItalic", "STIXGeneralBolIta",
)  # (not its Computer Modern files: TeX's encoding puts ligatures and other glyphs at ASCII's places)
SIZE = 64  # pixels: each glyph is drawn this big, then brought to MNIST's 20x20 box
SLANT = 0.35  # each glyph is sheared by up to this much either way (a hand's slant)
TURN = 12.0  # ... and turned by up to this many degrees either way
PEN = (0.6, 2.0)  # its strokes made this many times as thick as the font's (thinner or bolder than it)
PAIRS = 0.15  # this share of the marks are two glyphs touching (joined letters a segmenter keeps as one)


def _path(name: str) -> str:
    """A font of matplotlib's own, by its file's name."""
    import matplotlib

    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / f"{name}.ttf")


@cache
def _font(name: str, size: int = SIZE):
    from PIL import ImageFont

    return ImageFont.truetype(_path(name), size)


@cache
def _faces(name: str):
    from matplotlib.ft2font import FT2Font

    return FT2Font(_path(name))


@cache
def _has(name: str, glyph: str) -> bool:
    """Whether the font draws this glyph itself (not its 'missing' box)."""
    return _faces(name).get_char_index(ord(glyph)) != 0


def glyph(text: str, font: str, rng) -> np.ndarray:
    """`text` (one glyph or two) in `font`, white on black, as a hand might draw it: turned, slanted,
    its strokes thinned or thickened; uint8, any size (empty if the font draws nothing)."""
    import cv2
    from PIL import Image, ImageDraw

    from digitedge.vision.normalize import stroke_width

    f = _font(font)
    canvas = Image.new("L", (3 * SIZE * len(text), 3 * SIZE), 0)
    ImageDraw.Draw(canvas).text((SIZE, SIZE), text, fill=255, font=f)
    ink = np.asarray(canvas).copy()
    if not ink.any():
        return ink
    pen = rng.uniform(*PEN)
    mask = (ink > 127).astype(np.uint8)
    k = int(round(abs(pen - 1) * stroke_width(mask) / 2))
    if k:
        shape = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * k + 1, 2 * k + 1))
        thinner = cv2.erode(ink, shape)
        ink = cv2.dilate(ink, shape) if pen > 1 or cv2.countNonZero(thinner) < 0.3 * cv2.countNonZero(ink) else thinner
    h, w = ink.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-TURN, TURN), 1.0)
    shear = rng.uniform(-SLANT, SLANT)
    m = np.array([[1, -shear, shear * h / 2], [0, 1, 0]]) @ np.vstack([m, [0, 0, 1]])
    return cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_LINEAR)


def negatives(count: int, seed: int) -> np.ndarray:
    """`count` marks that are not digits (uint8 (count, 28, 28), white on black, MNIST's box and
    centring: normalize.to_mnist), PAIRS of them two glyphs; the same seed draws the same marks."""
    return _drawn(count, seed, GLYPHS, PAIRS)[0]


def printed_digits(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`count` digits drawn in the same fonts and the same way as the negatives, and their labels
    (uint8 (count, 28, 28), uint8 (count,))."""
    images, texts = _drawn(count, seed, DIGITS, 0.0)
    return images, np.array([DIGITS.index(t) for t in texts], np.uint8)


def _drawn(count: int, seed: int, glyphs: str, pairs: float) -> tuple[np.ndarray, list[str]]:
    from digitedge.vision.normalize import to_mnist

    rng = np.random.default_rng(seed)
    out, texts = np.zeros((count, 28, 28), np.uint8), []
    while len(texts) < count:
        font = FONTS[rng.integers(len(FONTS))]
        text = "".join(glyphs[i] for i in rng.integers(len(glyphs), size=2 if rng.random() < pairs else 1))
        if not all(_has(font, c) for c in text):
            continue
        ink = glyph(text, font, rng)
        if ink.any():
            out[len(texts)] = to_mnist(ink)
            texts.append(text)
    return out, texts
