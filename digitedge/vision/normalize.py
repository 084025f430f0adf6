"""Crop -> 28x28 the way MNIST was made: tight box, fit in 20x20, centre of mass at the centre."""

from __future__ import annotations

import cv2
import numpy as np

from digitedge.contract import BOX, SIZE

SQUARE = np.ones((3, 3), np.uint8)  # the 3x3 neighbourhood, for eroding or dilating a mask by a pixel
STROKE = 2.4  # typical MNIST stroke width in pixels once the digit fits 20x20; thin pen lines are thickened to it


def stroke_width(mask: np.ndarray) -> float:
    """Mean stroke width of a binary shape: twice its area over its perimeter (a long thin stroke),
    the perimeter counted as the pixels that an erosion removes."""
    area = cv2.countNonZero(mask)
    if area == 0:
        return 0.0
    boundary = area - cv2.countNonZero(cv2.erode(mask, SQUARE, borderValue=0))
    return 2.0 * area / max(boundary, 1)


def to_mnist(ink: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """ink: uint8 (h, w), ink bright on 0; mask: its binary support. Returns uint8 (28, 28), white on black."""
    if mask is None:
        mask = ink > 0
    if mask.dtype != np.uint8:
        mask = mask.astype(bool).view(np.uint8)  # 0/1: what cv2.boundingRect and bitwise_and take
    x0, y0, w, h = cv2.boundingRect(mask)  # the tight box of the support (OpenCV: faster than np.nonzero)
    if w == 0:
        return np.zeros((SIZE, SIZE), np.uint8)
    ink, mask = ink[y0 : y0 + h, x0 : x0 + w], mask[y0 : y0 + h, x0 : x0 + w]
    scale = BOX / max(h, w)
    ink = cv2.bitwise_and(ink, ink, mask=mask)
    ink = cv2.convertScaleAbs(ink, alpha=255.0 / max(_peak(ink, mask), 1.0))  # strokes peak at 255 in MNIST, whatever the pen
    ink = _match_stroke(ink, mask, scale)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    small = cv2.resize(ink, (nw, nh), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    m = cv2.moments(small)
    if m["m00"] <= 0:
        return np.zeros((SIZE, SIZE), np.uint8)
    cx, cy = m["m10"] / m["m00"], m["m01"] / m["m00"]
    # shift so the centre of mass lands on (14, 14), keeping the whole box inside the 28x28 frame
    ox = min(max(round(SIZE / 2 - cx), 0), SIZE - nw)
    oy = min(max(round(SIZE / 2 - cy), 0), SIZE - nh)
    out = np.zeros((SIZE, SIZE), np.uint8)
    out[oy : oy + nh, ox : ox + nw] = small
    return out


def turned(ink: np.ndarray, mask: np.ndarray, degrees: float, shear: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """A crop and its support turned `degrees` counter-clockwise (as cv2.getRotationMatrix2D turns),
    then sheared: each row moved left by `shear` times its height above the centre (rows below it
    move right), so a positive shear takes that much lean (lean_of) out of writing that leans right;
    on a canvas big enough to hold all of it: a digit of a line seen askew, or of a hand that slants
    its writing further than MNIST's writers did, stood upright."""
    h, w = ink.shape
    side = int(np.ceil(np.hypot(h, w))) + 2  # (turned, it fits a square this big; sheared, rows move shear * side / 2 either way)
    width = side + int(np.ceil(abs(shear) * side))
    m = np.vstack([cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0), [0, 0, 1]])
    m = (np.array([[1, shear, -shear * h / 2], [0, 1, 0], [0, 0, 1]]) @ m)[:2]  # (about the centre: it stays put)
    m[:, 2] += ((width - w) / 2, (side - h) / 2)  # centred on the bigger canvas
    return (cv2.warpAffine(ink, m, (width, side), flags=cv2.INTER_LINEAR),
            cv2.warpAffine(mask, m, (width, side), flags=cv2.INTER_NEAREST))


def lean_of(ink: np.ndarray, degrees: float = 0.0) -> float | None:
    """How far a crop's ink leans, once turned `degrees` counter-clockwise: the shift to the right
    of its principal axis per pixel up it (its second moments' mu11 / mu02, negated: MNIST's digits
    lean 0.12 to the right, half of them between -0.06 and 0.31); None for no ink."""
    m = cv2.moments(ink)
    if m["mu02"] <= 0:
        return None
    if not degrees:
        return -m["mu11"] / m["mu02"]
    r = cv2.getRotationMatrix2D((0, 0), degrees, 1.0)[:, :2]  # (turned as turned() turns it)
    c = r @ np.array([[m["mu20"], m["mu11"]], [m["mu11"], m["mu02"]]]) @ r.T
    return float(-c[0, 1] / c[1, 1]) if c[1, 1] > 0 else None


def _peak(ink: np.ndarray, mask: np.ndarray) -> int:
    """The 90th percentile of the ink on its support (mask: uint8, nonzero on it), as NumPy's
    partition gives it (the k-th smallest value), from a histogram: several times faster."""
    k = int(0.9 * (cv2.countNonZero(mask) - 1))
    return int(np.searchsorted(np.cumsum(cv2.calcHist([ink], [0], mask, [256], [0, 256]).ravel()), k + 1))


def _match_stroke(ink: np.ndarray, mask: np.ndarray, scale: float) -> np.ndarray:
    """Thicken thin pen strokes (or thin thick marker strokes) towards MNIST's width after scaling."""
    width = stroke_width(mask) * scale
    if width <= 0:
        return ink
    if width < STROKE * 0.7:
        k = int(round((STROKE - width) / scale))
        if k >= 1:
            return cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k + 1, k + 1)))
    elif width > STROKE * 2.0:
        k = int(round((width - STROKE * 1.5) / scale))
        if k >= 2:
            thinner = cv2.erode(ink, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
            if np.count_nonzero(thinner) > 0.3 * np.count_nonzero(ink):  # never erase a digit
                return thinner
    return ink
