"""Lines drawn round or across the writing: a ring or a box round a number (taken out of the ink),
and a printed grid seen askew (read squared)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import cv2
import numpy as np

from digitedge.vision.images import every, labelled
from digitedge.vision.normalize import SQUARE, stroke_width


FRAME_SPAN = 0.5  # lines taken out reaching across this share of the view's width (or height) are a paper's ruling or a form's (drawn_frames)
ROUND = 0.85  # a frame runs along this share of its hull's border, or more (_outline)
OUTLINE = 1.0  # a frame's outline: the band this many of its strokes wide along its hull's border (_outline)
FRAMED = (0.3, 0.83)  # a mark inside another's box, this share of its height (least, most), may be framed by it (_framing)
GRID = 0.4  # a printed grid seen askew spans at least this share of the view, each way (grid_corners)


def drawn_frames(keep: np.ndarray, labels: np.ndarray, stats: np.ndarray, removal: Removal, min_h: float) -> np.ndarray | None:
    """The outlines of the frames drawn round marks (_framing), to take out of the ink (255 on them,
    labels' shape), or None where there are none. A frame is a kept mark, or marks joined by the paper
    lines taken out: a ring round a long number has its flat top and bottom taken out as paper lines
    (remove_lines), its sides left as two marks (read as 1s, or a 0). `removal`: what line removal
    took out of the ink, at a mark's level (Removal). Not on ruled or
    squared paper, nor in a printed form (lines taken out reaching across FRAME_SPAN of the view:
    joined with the digits written on them, the lines would frame the digits between)."""
    found = [(labels, i, stats[i, :4].tolist(), 0, 0) for i in _framing(keep, labels, stats, min_h)]  # (labelling, label, box, offset)
    H, W = labels.shape
    if cv2.minMaxLoc(removal.lines)[1] >= removal.level and removal.across < FRAME_SPAN * W and removal.down < FRAME_SPAN * H:
        removed = removal.ink
        x, y, w, h = cv2.boundingRect(removed)  # (all 0 where no ink was taken out with them)
        if w:  # looked at around the lines taken out: a ring's sides reach out beyond its flat top and bottom
            reach = max(w, h)  # (a ring's flat top alone may be all of it that was taken out)
            x0, y0 = max(0, x - reach), max(0, y - reach)
            window = (slice(y0, min(H, y + h + reach)), slice(x0, min(W, x + w + reach)))
            removed = cv2.dilate(removed[window], SQUARE)  # (touching what line removal left of the marks)
            n, joined, boxes = labelled((keep[labels[window]] | removed.view(bool)).view(np.uint8))
            found += [(joined, j, boxes[j, :4].tolist(), x0, y0) for j in _framing(np.arange(n) > 0, joined, boxes, min_h)]
    if not found:
        return None
    outlines = np.zeros(labels.shape, np.uint8)
    for labelling, i, (x, y, w, h), x0, y0 in found:
        outline = _outline((labelling[y : y + h, x : x + w] == i).view(np.uint8))
        if outline is not None:
            outlines[y0 + y : y0 + y + h, x0 + x : x0 + x + w] |= outline
    if not outlines.any():
        return None
    return cv2.dilate(outlines, SQUARE) * 255  # (with the pixels beside it, the pen's soft edge)


@dataclass
class Removal:
    """What line removal took out of a frame's ink, looked at at a mark's `level`: the ink before removal
    (`raw`), the horizontal and vertical lines taken out. Each part is worked out when first asked
    for, and once: the turned-grid look (segment) and drawn_frames both ask for them."""

    raw: np.ndarray
    horizontal: np.ndarray
    vertical: np.ndarray
    level: float

    @cached_property
    def lines(self) -> np.ndarray:
        """Both ways' lines."""
        return cv2.add(self.horizontal, self.vertical)

    @cached_property
    def ink(self) -> np.ndarray:
        """The ink of a mark's level taken out with the lines (0/1, uint8): where both the ink before
        removal and the lines reach `level`. Joined to the marks again, it mends what removal cut: a
        ring's flat top (drawn_frames), a grid seen askew (segment)."""
        return (cv2.min(self.raw, self.lines) >= self.level).view(np.uint8)

    @cached_property
    def across(self) -> int:
        """How many columns the horizontal lines reach (_extent)."""
        return _extent(self.horizontal, 0, self.level)

    @cached_property
    def down(self) -> int:
        """How many rows the vertical lines reach (_extent)."""
        return _extent(self.vertical, 1, self.level)


def _extent(lines: np.ndarray, axis: int, level: float) -> int:
    """How many columns (axis 0) or rows (1) these lines' ink at `level` or more reaches. (Looked at in
    every other row and column: remove_lines thickens its lines across, to five pixels.)"""
    return 2 * cv2.countNonZero((cv2.reduce(every(lines, 2), axis, cv2.REDUCE_MAX) >= level).view(np.uint8))


def _outline(shape: np.ndarray) -> np.ndarray | None:
    """A frame's own pixels (1) in its mark (0/1: a ring, and the digits touching it from inside): those
    within a band along its convex hull's border, OUTLINE strokes of its pen wide. The pen's stroke is
    measured on the mark's ink near that border (within a band as wide as all of its ink's strokes: the
    digits touching it, in a thicker pen, would widen it and lose more than their tips). A digit
    touching the ring loses only its tip; a ring left open still fills its hull's border. A box drawn
    by hand, its lines running on past its corners, lies inside its hull (by the overshoot): the band
    starts that far in (the median distance from the hull's border to the ink). None where the mark
    runs along less than ROUND of its hull's border (within two pixels of it, or 1.5 of that inset):
    not a ring but digits standing on a line that touches them (an underline), whose hull's top runs
    from the top of one digit to the next (0.73 of it; a ring 0.95-1, boxes 0.89-1)."""
    corners = cv2.convexHull(cv2.findNonZero(shape))
    border = cv2.polylines(np.zeros_like(shape), [corners], True, 1)
    gaps = cv2.distanceTransform(1 - shape, cv2.DIST_L2, 3)[border > 0]  # (each border pixel's distance to the ink)
    inset = float(np.median(gaps))  # (a box's sides lie inside its hull where its lines overshoot its corners)
    if np.count_nonzero(gaps <= max(2.0, inset + 1.5)) < ROUND * len(gaps):
        return None
    inset = int(inset)
    hull = cv2.fillConvexPoly(np.zeros_like(shape), corners, 1)
    band = inset + int(np.ceil(OUTLINE * stroke_width(shape)))
    near = cv2.dilate(border, np.ones((2 * band + 1, 2 * band + 1), np.uint8))
    band = inset + int(np.ceil(OUTLINE * stroke_width(cv2.bitwise_and(shape, near))))
    square = np.ones((2 * band + 1, 2 * band + 1), np.uint8)
    return cv2.bitwise_and(shape, cv2.subtract(hull, cv2.erode(hull, square, borderValue=0)))


def _framing(keep: np.ndarray, labels: np.ndarray, stats: np.ndarray, min_h: float) -> list[int]:
    """The kept marks that frame others: a ring or a box drawn round a number (an answer circled, a
    total boxed), a printed box round a digit that line removal left whole. Such a mark holds, strictly
    inside its box, marks of FRAMED of its height (digits, not a speck in a 0's loop, nor a digit's own
    piece), and has ink to the left and right of all of them (in their rows) and above and below them (in
    their columns). Read, a ring was a 0, or a row of digits once cut for its width; a circled digit
    alone was joined to it as a piece of one digit (same_digit)."""
    ids = np.flatnonzero(keep)
    x0, y0, w, h = stats[ids, :4].T
    x1, y1 = x0 + w, y0 + h
    tall = ids[h >= min_h]  # (a frame holds a digit: it is taller than the least digit)
    if len(ids) < 2 or not len(tall) or len(tall) > 256:  # (a frame of noise: nothing framed in it is read anyway)
        return []
    fx, fy, fw, fh = (v[:, None] for v in stats[tall, :4].T)
    inside = (x0 > fx) & (y0 > fy) & (x1 < fx + fw) & (y1 < fy + fh) & (h >= FRAMED[0] * fh) & (h <= FRAMED[1] * fh)
    framing = []
    for k in np.flatnonzero(inside.any(axis=1)).tolist():
        i, held = int(tall[k]), inside[k]
        fx, fy, fw, fh = stats[i, :4].tolist()
        l, t = int(x0[held].min()) - fx, int(y0[held].min()) - fy
        r, b = int(x1[held].max()) - fx, int(y1[held].max()) - fy
        mine = labels[fy : fy + fh, fx : fx + fw] == i
        rows, columns = mine[t:b], mine[:, l:r]
        if rows[:, :l].any() and rows[:, r:].any() and columns[:t].any() and columns[b:].any():
            framing.append(i)
    return framing


def may_span(mask: np.ndarray, share: float, k: int = 4) -> bool:
    """Whether a piece of this mask (0 and not 0) may span `share` of it each way, as its pieces look at
    1/k of its size, each k x k block holding any of it counted whole: a piece's every path is kept
    there, so a piece spanning `share` at full size spans it there too, within a block each way.
    (Shrinking and labelling the blocks: about half the cost of labelling the mask, 0.11 ms against
    0.23 at 320x240. True where its sides are not multiples of k.)"""
    H, W = mask.shape
    if H % k or W % k:
        return True
    blocks = cv2.resize(cv2.compare(mask, 0, cv2.CMP_GT), (W // k, H // k), interpolation=cv2.INTER_AREA)  # (0/255: one pixel's 255 / k² stays above 0)
    _, _, stats = labelled(blocks)
    w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    return bool(np.any((k * (w + 1) >= share * W) & (k * (h + 1) >= share * H)))


def grid_corners(keep: np.ndarray, labels: np.ndarray, stats: np.ndarray) -> np.ndarray | None:
    """The corners of a printed grid seen askew (top-left, top-right, bottom-right, bottom-left; in
    these labels' pixels), or None. A grid is a kept mark spanning GRID of the view each way, inside
    it, made of lines (filling at most 0.3 of its box), whose outline is four-sided (its convex hull,
    simplified) and drawn (ink along 0.8 of it, within a pixel), and with a fifth or more of its
    pixels well inside that outline (its inner lines: a box drawn round a number has none). None where its outline is already upright (each corner
    within 1.5% of its size of its box's): such a grid's lines are level and are taken out as they are."""
    H, W = labels.shape
    ids = np.flatnonzero(keep)
    x, y, w, h, area = stats[ids].T
    big = ids[(w >= GRID * W) & (h >= GRID * H) & (area <= 0.3 * w * h) & (x > 0) & (y > 0) & (x + w < W) & (y + h < H)]
    for i in big.tolist():
        bx, by, bw, bh = stats[i, :4].tolist()
        mark = (labels[by : by + bh, bx : bx + bw] == i).view(np.uint8)
        hull = cv2.convexHull(cv2.findNonZero(mark))
        for tolerance in (0.02, 0.04, 0.06):  # (a digit in a corner cell, a line's end, can round a corner off)
            quad = cv2.approxPolyDP(hull, tolerance * cv2.arcLength(hull, True), True).reshape(-1, 2).astype(np.float64)
            if len(quad) <= 4:
                break
        if len(quad) != 4:
            continue
        outline = cv2.fillConvexPoly(np.zeros((bh + 2, bw + 2), np.uint8), hull + 1, 1)  # (a pixel outside it all round)
        inside = cv2.distanceTransform(outline, cv2.DIST_L2, 3)[1:-1, 1:-1]  # (each pixel's distance from the outline)
        if np.count_nonzero(inside[mark > 0] > 0.1 * min(bw, bh)) < 0.2 * np.count_nonzero(mark):
            continue
        s, d = quad.sum(1), quad[:, 0] - quad[:, 1]
        corners = quad[[np.argmin(s), np.argmax(d), np.argmax(s), np.argmin(d)]]
        if len({tuple(c) for c in corners.tolist()}) < 4 or cv2.contourArea(corners.astype(np.float32)) < 0.5 * bw * bh:
            continue
        # its outline is its outer line: ink along 0.8 of each side (a big handwritten 0 or 8 filling a
        # crop touches its outline at a few places)
        sides = cv2.polylines(np.zeros_like(mark), [corners.astype(np.int32).reshape(-1, 1, 2)], True, 1)
        if np.count_nonzero(cv2.dilate(mark, SQUARE)[sides > 0]) < 0.8 * np.count_nonzero(sides):
            continue
        square = np.array([[0, 0], [bw - 1, 0], [bw - 1, bh - 1], [0, bh - 1]], np.float64)
        if np.abs(corners - square).max() <= max(1.5, 0.015 * max(bw, bh)):
            return None
        return corners + (bx, by)
    return None
