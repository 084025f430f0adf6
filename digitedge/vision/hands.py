"""A hand over the page (writing under a webcam, holding the sheet up to it): found by its skin's
colour, so that its outline and the pen in it are not read as digits."""

from __future__ import annotations

import cv2
import numpy as np

from digitedge.vision.images import every, labelled, percentiles


# A hand over the page (writing under a webcam, holding the sheet up to it) is skin: lit as the paper
# is, its colour relative to the paper's has red above green above blue (green 0.6-0.9 of red, blue
# 0.4-0.88 of it: light to dark skin), where paper, pencil, black and blue ink, shadows (neutral or
# bluish) and a red pen, an orange, pink or yellow marker (green or blue under 0.6 or 0.4 of red) do
# not; and it is solid over a width no handwriting's stroke has (HAND_CORE pixels at HAND_SIDE).
HAND_SIDE = 80  # the view is looked at for hands this many pixels on its long side (an eighth of 640)
HAND_DEPTH = 0.07  # where no sheet is found, a hand reaches this share of the view's long side in from its border
HAND_INK = 0.5  # within a skin-coloured region's outline, a sample under this share of its grey is ink (or a pen)
HAND_CORE = 3  # a hand's core: skin over a square this many of those pixels across (24 at 640x480)
_HAND_GREEN = (0.6, 0.9)  # green over red, relative to the paper's
_HAND_BLUE = (0.4, 0.88)  # blue over red


def hands(frame: np.ndarray, sheet: np.ndarray | None = None) -> np.ndarray | None:
    """Where a hand (anything skin-coloured and solid) lies over the page in a colour frame: a bool
    mask HAND_SIDE pixels on its long side, each skin region holding a core HAND_CORE pixels across,
    grown by one of those pixels (the fingers' shaded outline), but not a wooden desk around a sheet,
    nor a skin-coloured sheet holding writing; None where there is none, or no colour. `sheet`:
    find_sheet's mask for the frame (any size, its proportions), or None.

    Colours are taken relative to the paper's (the mean colour of the brightest tenth of the view),
    so a lamp's warm cast on white paper, or a coloured sheet, is not skin."""
    frame = np.asarray(frame)
    if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] < 3 or min(frame.shape[:2]) < 8 * HAND_CORE:
        return None
    k = max(1, max(frame.shape[:2]) // HAND_SIDE)
    small = every(frame[..., :3], k)  # (samples, not averages: a hand is big, and a pen's stroke stays its own colour)
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    bright = (grey >= percentiles(grey, (90,))[0]).view(np.uint8)
    pb, pg, pr = (v + 1.0 for v in cv2.mean(small, mask=bright)[:3])
    b, g, r = (c.astype(np.float32) for c in cv2.split(small))
    red = r * (1 / pr)
    green, blue = g * (pr / pg) / (r + 1e-3), b * (pr / pb) / (r + 1e-3)  # relative to the paper's
    skin = ((red >= 0.2) & (red <= 1.1) & (green >= _HAND_GREEN[0]) & (green <= _HAND_GREEN[1])
            & (blue >= _HAND_BLUE[0]) & (blue <= _HAND_BLUE[1]) & (green >= blue + 0.03)).view(np.uint8)
    core = cv2.erode(skin, np.ones((HAND_CORE, HAND_CORE), np.uint8))
    if not core.any():
        return None
    h, w = skin.shape
    n, labels, _ = labelled(skin)
    held = np.zeros(n, bool)
    held[labels[core > 0]] = True
    held[0] = False
    # a wooden desk is skin-coloured too. Where a sheet is found lying on it, a hand reaches into the
    # sheet's outline (two of these pixels or more, a pixel in from it: the sheet found stops where a
    # hand begins, and a hand resting at the sheet's edge reaches in only with its fingers, narrower
    # than its core), where the desk stops at it. Where none is found, a hand reaches into the view
    # from its border 7% of its long side or more (HAND_DEPTH: 45 pixels at 640x480; a hand resting at
    # the view's foot, only its fingers and the pen over the page, reaches 56), where the desk framing
    # a sheet, or a strip of it along a side, is narrower, and meets the border along at most ten
    # times that reach
    if sheet is not None:
        edge, _ = cv2.findContours(cv2.resize(sheet.view(np.uint8), grey.shape[::-1], interpolation=cv2.INTER_NEAREST),
                                   cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        hull = np.zeros_like(skin)
        if edge:
            cv2.fillConvexPoly(hull, cv2.convexHull(np.concatenate(edge)), 1)
        held &= np.bincount(labels[cv2.bitwise_and(skin, cv2.erode(hull, np.ones((3, 3), np.uint8))) > 0], minlength=n) >= 2
    elif held.any():
        inward = np.minimum(np.minimum(np.arange(h), np.arange(h)[::-1])[:, None],
                            np.minimum(np.arange(w), np.arange(w)[::-1])[None, :])  # each pixel's distance from the border
        reach = np.zeros(n, np.int64)
        np.maximum.at(reach, labels.ravel(), inward.ravel())
        rim = np.bincount(labels[inward == 0], minlength=n)
        held &= (reach >= HAND_DEPTH * max(h, w)) & (rim <= 10 * reach)
    if not held.any():
        return None
    # a skin-coloured sheet (kraft paper, cardboard, on a white desk) holds writing: three holes or
    # more in its skin, away from its outline, with a sample under HAND_INK of its grey (the pen a
    # hand holds shows as one or two)
    hand = np.zeros_like(skin)
    for outline in cv2.findContours(held[labels].view(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0]:
        whole = cv2.drawContours(np.zeros_like(skin), [outline], 0, 1, -1)
        count, holes, _ = labelled(cv2.subtract(whole, skin))
        inner = np.ones(count, bool)
        inner[holes[(whole > 0) & (cv2.erode(whole, np.ones((3, 3), np.uint8)) == 0)]] = False  # (not on the outline)
        dark = np.zeros(count, bool)
        dark[holes[grey < HAND_INK * np.median(grey[(whole & skin) > 0])]] = True
        if np.count_nonzero(inner[1:] & dark[1:]) < 3:
            hand |= whole & skin
    if not hand.any():
        return None
    return cv2.dilate(hand, np.ones((3, 3), np.uint8)).view(bool)
