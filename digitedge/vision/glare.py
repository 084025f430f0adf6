"""Glare on glossy paper: a lamp's reflection washing the ink out, found in the paper estimate and
brought back."""

from __future__ import annotations

import cv2
import numpy as np

from digitedge.vision.images import halved, labelled
from digitedge.vision.sheet import within_sheet


# Glare: light reflected off a glossy sheet (a lamp's, a window's) washes out the ink under it, as a
# camera's highlights do: each pixel is moved towards white by the same share g, so the paper there is
# brighter than the page's light around it, and the ink's contrast over it shrinks to 1 - g of what
# it was, a quarter or less in strong glare: under the threshold set by the frame's ink elsewhere.
GLARE = 12  # levels: paper this much brighter than the page's light around it is glare (not vignetting, not grain)
GLARE_SPAN = 0.75  # the page's light: the paper's darkest over this share of the view's short side (a patch is narrower)
GLARE_AREA = 0.2  # a reflection covers at most this share of the view (more: the page's own light)
DARKER = 1.5  # a patch whose ink, brought back, is this many times as dark as the frame's darkest (4 pixels or more) is not glare
GLARE_STEP = 40  # levels: the paper rises less than this across 3 pixels at an eighth of the frame in glare (a hard shadow's step: more)
GLARE_GAIN = 4.0  # glare's ink contrast is brought back at most this many times (g = 0.75: beyond, little is left to bring back)


def glare_gain(paper: np.ndarray, small: np.ndarray, sheet: np.ndarray | None, ink: np.ndarray,
               high: float) -> tuple[np.ndarray, np.ndarray] | None:
    """Where glare may have washed out the ink (dark-on-light): how many times its contrast shrank,
    per pixel (float32), and the paper under it, both at the size of `paper` (paper_estimate's); or
    None where no paper is GLARE levels brighter than the page's light around it, or where no ink
    under it, brought back, would reach `high` (the threshold's high level, half the frame's darkest
    ink's). `small`: the frame at a quarter of its size; `ink`: the ink over `paper` (its size).

    Looked for at an eighth of the frame. The page's light, b, is the paper estimate's opening over
    a window GLARE_SPAN of the view across (within the sheet found: not the desk); the paper, p, the
    greater of the estimate and the frame's median over 3 pixels (24 at full size, wider than a
    stroke: it keeps a reflection's peak, which the estimate's wider window flattens). A pixel lifted
    by glare from b to p was moved g = (p - b) / (255 - b) of the way to white, and its contrast
    shrank by 1 - g = (255 - p) / (255 - b).
    The paper alone does not tell a reflection from the page's own light (the lit side of a
    shadow; a sheet on a desk, where no sheet was found), but the ink under it can: glare leaves no
    ink darker than 1 - g of the frame's darkest, and a patch holding ink that, brought back, is
    DARKER times as dark as that is lit, not washed out. What passes may still be the page's light:
    segment looks again with this gain only for marks it found nowhere else."""
    shape = paper.shape
    small = halved(small)  # (an eighth of the frame: a reflection is tens of its pixels across)
    estimate = cv2.resize(paper, small.shape[::-1], interpolation=cv2.INTER_NEAREST)  # (smooth: any pixel of it tells it)
    page = estimate
    if sheet is not None:  # off the sheet is desk, not the page's light (white there leaves the opening to the
        # sheet; the mask's rim, which may hold desk, too)
        inside = cv2.resize(cv2.erode(sheet.view(np.uint8), np.ones((5, 5), np.uint8)), small.shape[::-1], interpolation=cv2.INTER_NEAREST)
        page = np.where(inside > 0, estimate, np.uint8(255))
    span = np.ones((int(GLARE_SPAN * min(small.shape)) | 1,) * 2, np.uint8)
    light = cv2.dilate(cv2.erode(page, span), span)
    if cv2.minMaxLoc(cv2.subtract(estimate, light))[1] < GLARE:  # (the estimate alone first: most frames stop here)
        return None
    bright = cv2.max(estimate, cv2.medianBlur(small, 3))
    lifted = cv2.subtract(bright, light)
    # a reflection is a patch: not a sliver (where the median spills past a sheet's edge onto the desk,
    # 5 pixels wide at most), and a bright region over a fifth of the view is the page's light (a
    # sheet on a desk where no sheet was found, the lit side of a shadow across it)
    patch = cv2.morphologyEx(((lifted >= GLARE) * 255).astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    n, labels, stats = labelled(patch)
    small_enough = stats[:, cv2.CC_STAT_AREA] <= GLARE_AREA * small.size
    # and a reflection's light rises gently: a patch beside a step in the paper is the lit side of a
    # hard shadow's edge (the estimate follows a hard shadow's step, the opening's window does not)
    steep = (cv2.morphologyEx(estimate, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8)) > GLARE_STEP).view(np.uint8)
    if sheet is not None:  # (not the sheet's own edges)
        steep = within_sheet(steep, sheet)
    if cv2.countNonZero(steep):
        small_enough &= np.bincount(labels[cv2.dilate(steep, np.ones((3, 3), np.uint8)) > 0], minlength=n) == 0
    if not small_enough[1:].any():
        return None
    gain = np.clip((255.0 - light.astype(np.float32)) / np.maximum(255.0 - bright.astype(np.float32), 1.0), 1.0, GLARE_GAIN)
    # ink too dark to have been washed out there (the digits in the lit side of a shadow), 4 pixels or
    # more; looked at within the box around the patches (at the ink's size)
    patches = np.flatnonzero(small_enough[1:]) + 1
    x0, y0 = stats[patches, 0].min(), stats[patches, 1].min()
    x1, y1 = (stats[patches, 0] + stats[patches, 2]).max(), (stats[patches, 1] + stats[patches, 3]).max()
    fx, fy = shape[1] / small.shape[1], shape[0] / small.shape[0]
    X0, Y0 = int(x0 * fx), int(y0 * fy)
    X1, Y1 = min(shape[1], max(X0 + 1, int(np.ceil(x1 * fx)))), min(shape[0], max(Y0 + 1, int(np.ceil(y1 * fy))))
    at = cv2.resize(labels[y0:y1, x0:x1].astype(np.uint16), (X1 - X0, Y1 - Y0), interpolation=cv2.INTER_NEAREST)
    most = cv2.resize(gain[y0:y1, x0:x1], (X1 - X0, Y1 - Y0), interpolation=cv2.INTER_LINEAR)
    back = ink[Y0:Y1, X0:X1].astype(np.float32) * most
    lit = np.bincount(at[back > DARKER * 2 * high], minlength=n) >= 4
    chosen = np.zeros(n, np.uint8)
    chosen[patches[~lit[patches]]] = 1
    if not chosen.any() or cv2.minMaxLoc(back, mask=chosen[at])[1] <= high:
        return None
    near = cv2.dilate(chosen[labels], np.ones((3, 3), np.uint8))
    gain = np.where(near > 0, gain, 1.0).astype(np.float32)
    return (cv2.resize(gain, shape[::-1], interpolation=cv2.INTER_LINEAR),
            cv2.resize(bright, shape[::-1], interpolation=cv2.INTER_LINEAR))
