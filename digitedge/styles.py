"""Ways of writing a digit that MNIST (American writers, 1990) rarely holds, drawn onto its digits:
the continental 7, with a bar across its stem, and the continental 1, with a long lead-in stroke
(a flag) from its top down to the left, as most of Europe writes them; and a hand that slants all
its digits far to the right. `digitedge train --styles` draws the first two onto a share of the
training 7s and 1s; benchmarks/styles.py reads all three. NumPy and OpenCV only (the edge side's
benchmarks draw them too)."""

from __future__ import annotations

import cv2
import numpy as np

from digitedge.vision.normalize import stroke_width

INK = 100  # of 255: a pixel at least this bright is the digit's ink (its support)
BAR_AT = (0.4, 0.6)  # a 7's bar crosses its stem this far down its height
BAR_HALF = (0.12, 0.25)  # ... reaching this share of its height either side of the stem
BAR_TILT = 0.05  # ... rising or falling by up to this share of its height from end to end, each way
FLAG_ANGLE = (30.0, 55.0)  # a 1's flag leaves its top this many degrees from its stem, down to the left
FLAG_FLATTEST = 70.0  # ... but at most this many degrees from the vertical (flatter, it is a 7's top)
FLAG_LENGTH = (0.2, 0.35)  # ... this share of its height long


def _support(ink: np.ndarray) -> tuple[np.ndarray, int]:
    """The rows of a digit's ink, and its stroke width in pixels (at least 2)."""
    mask = (ink >= INK).astype(np.uint8)
    return np.nonzero(mask)[0], max(2, int(round(stroke_width(mask))))


def crossed_seven(ink: np.ndarray, rng) -> np.ndarray:
    """A 7 (uint8, white ink on black, any size) with a bar across its stem: a new image; the digit
    as it is if no ink crosses the height the bar is drawn at."""
    rows, width = _support(ink)
    if rows.size == 0:
        return ink.copy()
    top, h = rows.min(), rows.max() - rows.min() + 1
    y = int(top + h * rng.uniform(*BAR_AT))
    stem = np.nonzero(ink[y] >= INK)[0]
    if stem.size == 0:
        return ink.copy()
    x, half, tilt = stem.mean(), h * rng.uniform(*BAR_HALF), h * rng.uniform(-BAR_TILT, BAR_TILT) / 2
    out = ink.copy()
    cv2.line(out, (round(x - half), round(y + tilt)), (round(x + half), round(y - tilt)), 255, width, cv2.LINE_AA)
    return out


def flagged_one(ink: np.ndarray, rng) -> np.ndarray:
    """A 1 (uint8, white ink on black, any size) with a flag: a stroke from its top down to the left,
    at FLAG_ANGLE from its stem (a slanted 1's flag slants with it), never flatter than FLAG_FLATTEST."""
    rows, width = _support(ink)
    if rows.size == 0:
        return ink.copy()
    top, bottom = rows.min(), rows.max()
    h = bottom - top + 1
    x = np.nonzero(ink[top : top + width] >= INK)[1].mean()
    foot = np.nonzero(ink[max(bottom - width + 1, 0) : bottom + 1] >= INK)[1].mean()
    stem = np.arctan2(foot - x, h)  # the stem's slant from the vertical: positive with its foot to the right
    angle = max(stem - np.deg2rad(rng.uniform(*FLAG_ANGLE)), -np.deg2rad(FLAG_FLATTEST))
    y, length = top + width / 2, h * rng.uniform(*FLAG_LENGTH)
    out = ink.copy()
    cv2.line(out, (round(x), round(y)), (round(x + length * np.sin(angle)), round(y + length * np.cos(angle))),
             255, width, cv2.LINE_AA)
    return out


def slanted(ink: np.ndarray, degrees: float) -> np.ndarray:
    """A digit (white ink on black, any size) sheared so it leans `degrees` further to the right (its
    top moved right, its bottom left, about its middle row), on the same canvas."""
    h, w = ink.shape
    k = np.tan(np.deg2rad(degrees))
    return cv2.warpAffine(ink, np.float32([[1, -k, k * h / 2], [0, 1, 0]]), (w, h), flags=cv2.INTER_LINEAR)


STYLES = {7: crossed_seven, 1: flagged_one}  # label -> how its continental form is drawn


def styled(image: np.ndarray, label: int, rng, scale: int = 4) -> np.ndarray:
    """An MNIST image (28x28 uint8) of this label in its continental form (unchanged if it has none),
    drawn `scale` times as big and brought back to 28x28, so its strokes are as smooth as MNIST's."""
    draw = STYLES.get(int(label))
    if draw is None:
        return image.copy()
    side = image.shape[1] * scale, image.shape[0] * scale
    big = draw(cv2.resize(image, side, interpolation=cv2.INTER_CUBIC), rng)
    return cv2.resize(big, image.shape[::-1], interpolation=cv2.INTER_AREA)


def restyle(images: np.ndarray, labels: np.ndarray, share: float, seed: int) -> tuple[np.ndarray, int]:
    """A copy of the images with `share` of the 7s and of the 1s (each drawn at random) in their
    continental form, and how many were changed. The same seed restyles the same images the same way."""
    rng = np.random.default_rng(seed)
    out = images.copy()
    chosen = np.nonzero(np.isin(labels, list(STYLES)) & (rng.random(len(labels)) < share))[0]
    for i in chosen:
        out[i] = styled(images[i], labels[i], rng)
    return out, len(chosen)
