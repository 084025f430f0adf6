"""Marks -> digit-sized groups: the pieces of one digit joined (a broken stroke, a flag written apart,
two halves), specks, lines, dashes and commas dropped."""

from __future__ import annotations

from statistics import median
from typing import TYPE_CHECKING

import cv2
import numpy as np

if TYPE_CHECKING:
    from digitedge.vision.segment import SegmentConfig


EDGE = 0.03  # a thin bar this near the frame's border (a fraction of its width or height) is a sheet's edge
BIG = 0.3  # a view whose only marks this share of its tallest's height or more are two may hold one digit in two pieces (_two_halves)
HALF = 0.7  # marks shorter than this share of the typical digit height may be halves of one digit (_halves)
FLAG_GAP = 0.4  # a bar written apart (a 5's flag) may float this share of the taller piece's height above it (_same_digit)
SOLID = 0.85  # a mark filling more of its box than this is a solid blob, not a pen stroke (solid)


def solid(shape: np.ndarray) -> bool:
    """A solid blob, not a pen stroke: filling more than SOLID of its box, and not a bar as narrow as a
    stroke (a 1). A mark found solid at half size is looked at again at full size: there a small bold
    digit's loops and gaps open again (a sudoku's printed 8, 29 pixels tall, filled 0.86-0.92 of its
    box at half size, 0.77-0.84 at full size), where a filled square or a dark sticker fills its box
    at any size."""
    h, w = shape.shape
    return _filling(cv2.countNonZero(shape), w, h)


def _filling(area: int, w: int, h: int) -> bool:
    """solid's test on a mark's pixel count and box (w, h)."""
    return w > 0.35 * h and area > SOLID * w * h


def components(keep: np.ndarray, stats: np.ndarray, shape: tuple[int, int], cfg: SegmentConfig, px: float = 1.0,
                tallest: np.ndarray | None = None):
    """Kept components, merged where a stroke broke, filtered to digit-like sizes: (x, y, w, h, ids).
    `px`: the size of shape's pixels, in the processing scale's. `tallest`: for components followed
    down below the low level (segment._three_levels), the height of each one's tallest piece above it (None:
    each is one piece). A mark none of whose pieces is of a digit's least height there was found
    only by following faint strokes: it is a digit beside others found without that (a light digit
    beside dark ones), never alone (a thin scratch on blank paper, joined up, reads as a 1)."""
    H, W = shape
    min_h = max(cfg.min_pixels * px, cfg.min_height * H)
    ids = np.flatnonzero(keep)
    x, y, w, h, area = stats[ids].T
    ids = ids[(area >= 6 * px * px) & (np.maximum(w, h) >= min_h * 0.5)]  # not specks and noise
    areas = dict(zip(ids.tolist(), stats[ids, cv2.CC_STAT_AREA].tolist()))
    groups = [[x, y, x + w, y + h, [i]] for i, (x, y, w, h, _) in zip(ids.tolist(), stats[ids].tolist())]  # [x0, y0, x1, y1, [ids]]
    groups = _faint_pieces(_merge_fragments(groups), keep, stats, min_h, px, areas)
    kept = []
    for x0, y0, x1, y1, ids in groups:
        w, h = x1 - x0, y1 - y0
        if h < min_h or h > cfg.max_height * H or w > 0.9 * W:
            continue
        if x0 == 0 or y0 == 0 or x1 == W or y1 == H:
            continue  # cut by the frame edge: not a whole digit
        if (w <= 0.25 * h and min(x0, W - x1) < EDGE * W) or (h <= 0.25 * w and min(y0, H - y1) < EDGE * H):
            continue  # a thin bar along the frame's border: a sheet's edge (the shadow line beside it), not a 1
        area = sum(areas[i] for i in ids)
        if px == 1 and _filling(area, w, h):
            continue  # a solid blob, not a pen stroke (found at half size: looked at again at full size, solid)
        if w > 2.5 * h and area < 0.12 * w * h:
            continue  # a long thin line (a tilted rule, a table edge), not a row of touching digits
        kept.append((x0, y0, w, h, ids))
    least = BIG * max((k[3] for k in kept), default=0)
    big = [k for k in kept if k[3] >= least]  # (specks, dots beside them left out)
    if len(big) == 2 and len(one := _two_halves(big)) == 1:
        kept = [k for k in kept if k[3] < least] + one
    whole = kept if tallest is None else [k for k in kept if max(tallest[i] for i in k[4]) >= min_h]
    if not whole:
        return []
    median_h = float(median([k[3] for k in whole]))  # (statistics: NumPy's costs 50 times more for a few numbers)
    # two halves of a digit are joined before short marks are dropped: a half may be as short as a comma
    return [k for k in _halves([k for k in kept if not (k[2] > 3 * k[3] and k[3] < 0.6 * median_h)], median_h)  # dashes, underlines
            if k[3] >= cfg.min_relative_height * median_h]  # dots, commas


def _two_halves(kept: list) -> list:
    """The only two marks of a view (of at least BIG of the tallest's height: specks and dots aside),
    one above the other, as one digit in two pieces: an 8 drawn as two rings that do not meet, a 3 in
    two strokes (a 5 px pen's 8 read "6 0"). Neither is flat (an underline, a dash: each at least
    half as tall as wide), the shorter is at least half as tall as the taller, the narrower lies
    within 0.6 of its width under or over the wider, the lower reaches below the upper by half its
    height or more (not a piece within a bigger mark: a hand's outline, a digit under it), they are
    at most a quarter of the taller's height apart, and together they are no wider than tall; else
    they stay two. (With digits beside them, the frame's typical digit height tells halves from
    digits: _halves. A view of two digits, one above the other, is rare.)"""
    (ax, ay, aw, ah, a), (bx, by, bw, bh, b) = sorted(kept, key=lambda k: k[1])
    overlap = min(ax + aw, bx + bw) - max(ax, bx)
    x0, x1, y1 = min(ax, bx), max(ax + aw, bx + bw), max(ay + ah, by + bh)
    if (min(ah / aw, bh / bw) >= 0.5 and min(ah, bh) >= 0.5 * max(ah, bh) and overlap >= 0.6 * min(aw, bw)
            and by - (ay + ah) <= 0.25 * max(ah, bh) and (by + bh) - (ay + ah) >= 0.5 * bh and x1 - x0 <= y1 - ay):
        return [(x0, ay, x1 - x0, y1 - ay, a + b)]
    return kept


def _faint_pieces(groups: list, keep: np.ndarray, stats: np.ndarray, min_h: float, px: float, areas: dict) -> list:
    """Each group joined by the faint pieces (below the threshold's high level, not kept) that are
    pieces of one digit with it (_same_digit): a stroke that faded where the pen skipped (the top of
    a 9's loop, the side of a 0) is followed down to the low level across a hairline gap, as the
    hysteresis follows it within one piece. A faint piece joins the first group it fits, and never
    stands alone (a faint mark by itself is paper, a shadow, the back of the sheet)."""
    if not groups or len(groups) > 256:
        return groups
    faint = np.flatnonzero(~keep)[1:]
    _, _, w, h, area = stats[faint].T
    stroke = (area >= 24 * px * px) & (np.maximum(w, h) >= min_h)  # a stroke's length, not a speck of noise
    faint, area = faint[stroke], area[stroke]
    if not len(faint) or len(faint) > 1024:  # (a frame of noise: no piece is worth the look)
        return groups
    boxes = np.array([g[:4] for g in groups], np.int64)
    pieces = stats[faint, :4].astype(np.int64)
    pieces[:, 2:] += pieces[:, :2]  # (x0, y0, x1, y1)
    fits = _same_digit(boxes, pieces, lifted=False)  # (a faint bar joins only where it touches: one lifted off is
    # as likely a shadow's or a sheet's edge, faint beside the view's border, as a flag)
    for j in np.flatnonzero(fits.any(axis=0)):
        i = int(np.argmax(fits[:, j]))
        groups[i] = _joined(groups[i], [*pieces[j].tolist(), [int(faint[j])]])
        areas[int(faint[j])] = int(area[j])
    return groups


def _halves(kept: list, median_h: float) -> list:
    """Join the pieces of a digit broken into short marks: the two halves of a digit whose middle is
    too faint to hold (a 3 drawn in two strokes, a pencil 8), and the bits of one whose pen skipped
    or whose stroke broke up (a 6 in three pieces, a 3 in dashes). Short marks (under HALF of the
    typical digit height) that lie within a fifth of that height of each other, all together, or
    two of them one above the other, that make one mark of a typical digit's size together (no
    wider than tall) are one digit. _same_digit cannot tell them from digits side by side, or one
    above the other, without the frame's typical digit height: the pieces may be of one height, as
    two digits are."""
    short = [k for k in kept if k[3] < HALF * median_h]
    if len(short) < 2:
        return kept
    x, y, w, h = np.array([k[:4] for k in short], np.float64).T
    joined, out = set(), []

    def digit_sized(ids) -> bool:
        tall = max(y[i] + h[i] for i in ids) - min(y[i] for i in ids)
        wide = max(x[i] + w[i] for i in ids) - min(x[i] for i in ids)
        return HALF * median_h <= tall <= 1.25 * median_h and wide <= tall

    def join(ids) -> None:
        joined.update(ids)
        x0, y0 = min(x[i] for i in ids), min(y[i] for i in ids)
        x1, y1 = max(x[i] + w[i] for i in ids), max(y[i] + h[i] for i in ids)
        out.append((int(x0), int(y0), int(x1 - x0), int(y1 - y0), [p for i in ids for p in short[i][4]]))

    # the bits of one digit: short marks near each other, joined where all of them together make a digit
    reach = 0.2 * median_h
    apart = np.maximum(np.maximum.outer(x, x) - np.minimum.outer(x + w, x + w),
                       np.maximum.outer(y, y) - np.minimum.outer(y + h, y + h))  # the gap between two boxes
    for ids in connected_components(apart <= reach):
        if len(ids) >= 2 and digit_sized(ids):
            join(ids)
    # else two of them one above the other (their group also holds a speck beside them, say)
    overlap = np.minimum.outer(x + w, x + w) - np.maximum.outer(x, x)
    gap = y[None, :] - (y + h)[:, None]  # from mark i's bottom down to mark j's top
    pairs = (y[:, None] <= y[None, :]) & (overlap >= 0.6 * np.minimum.outer(w, w)) & (gap <= reach)
    np.fill_diagonal(pairs, False)
    for i, j in np.argwhere(pairs).tolist():
        if i not in joined and j not in joined and digit_sized([i, j]):
            join([i, j])
    if not out:
        return kept
    gone = {id(short[i]) for i in joined}
    return [k for k in kept if id(k) not in gone] + out


def connected_components(linked: np.ndarray) -> list[list[int]]:
    """The groups of items that a symmetric (n, n) bool relation links, directly or through others."""
    group = [-1] * len(linked)
    groups: list[list[int]] = []
    for start in range(len(linked)):
        if group[start] >= 0:
            continue
        group[start], members, todo = len(groups), [start], [start]
        while todo:
            for j in np.flatnonzero(linked[todo.pop()]).tolist():
                if group[j] < 0:
                    group[j] = group[start]
                    members.append(j)
                    todo.append(j)
        groups.append(members)
    return groups


def _merge_fragments(groups: list) -> list:
    """Join pieces of one digit: boxes that overlap, or sit one above the other with a small gap.
    Biggest boxes first, each box takes in the first later box it can join, then is looked at again;
    when it has grown, an earlier box that can now join it takes it in. One box against all at a
    time: a frame of noise holds thousands of pieces."""
    groups = sorted(groups, key=lambda g: -(g[2] - g[0]) * (g[3] - g[1]))
    boxes = np.array([g[:4] for g in groups], np.int64).reshape(-1, 4)
    if len(groups) <= 256:  # the usual frame: nothing to join, seen in one look at every pair that could be
        i, j = _near(boxes)
        if not len(i) or not _same_digit(boxes[i], boxes[j], pairs=True).any():
            return groups
    i = 0
    while i < len(groups):
        later = np.flatnonzero(_same_digit(boxes[i : i + 1], boxes[i + 1 :])[0])
        if not len(later):
            i += 1
            continue
        j = i + 1 + int(later[0])
        groups[i] = _joined(groups[i], groups.pop(j))
        boxes = np.delete(boxes, j, axis=0)
        boxes[i] = groups[i][:4]
        earlier = np.flatnonzero(_same_digit(boxes[:i], boxes[i : i + 1])[:, 0])
        if len(earlier):  # the grown box now joins an earlier one: that one takes it in
            k = int(earlier[0])
            groups[k] = _joined(groups[k], groups.pop(i))
            boxes = np.delete(boxes, i, axis=0)
            boxes[k] = groups[k][:4]
            i = k
    return groups


def _joined(a: list, b: list) -> list:
    """One group of two: [x0, y0, x1, y1, ids] around both."""
    return [min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]), a[4] + b[4]]


def _near(boxes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (i < j: two arrays) of these boxes (x0, y0, x1, y1 rows) that could be pieces of one digit
    (_same_digit): at most a quarter of the taller one's height (or 2 pixels) apart across, and
    FLAG_GAP of it up and down. A cheap first look: most pairs of a frame are far apart."""
    x0, y0, x1, y1 = boxes.T
    x_overlap = np.minimum.outer(x1, x1) - np.maximum.outer(x0, x0)
    y_gap = np.maximum.outer(y0, y0) - np.minimum.outer(y1, y1)
    h = y1 - y0
    tall = np.maximum(np.maximum.outer(h, h), 8)
    near = (4 * x_overlap >= -tall) & (y_gap <= FLAG_GAP * tall)
    i, j = np.nonzero(near)
    return i[i < j], j[i < j]


def _same_digit(first: np.ndarray, second: np.ndarray, pairs: bool = False, lifted: bool = True) -> np.ndarray:
    """(m, k) bool: whether box i of `first` and box j of `second` (x0, y0, x1, y1 rows) are pieces of one
    digit; with pairs=True, (m,): whether box i of `first` and box i of `second` are. (Every test is
    symmetric: it takes the taller box's height and the shorter's, and the narrower and wider
    widths, whichever box each comes from.) lifted=False: a bar on top joins only where it touches."""
    (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = first.T, second.T
    if not pairs:  # every box of first against every box of second, broadcast
        ax0, ay0, ax1, ay1 = ax0[:, None], ay0[:, None], ax1[:, None], ay1[:, None]
    x_overlap = np.minimum(ax1, bx1) - np.maximum(ax0, bx0)
    y_gap = np.maximum(ay0, by0) - np.minimum(ay1, by1)
    merged_h = np.maximum(ay1, by1) - np.minimum(ay0, by0)
    merged_w = np.maximum(ax1, bx1) - np.minimum(ax0, bx0)
    aw, bw, ah, bh = ax1 - ax0, bx1 - bx0, ay1 - ay0, by1 - by0
    tall, short = np.maximum(ah, bh), np.minimum(ah, bh)
    # one above the other: of two heights (two digits in two lines are of one), or of one but reaching
    # into each other's rows by a tenth of the taller (a 5's loop under its stem and flag, drawn apart:
    # a line of digits does not reach into the next)
    stacked = (x_overlap >= 0.6 * np.minimum(aw, bw)) & (y_gap <= 0.25 * tall) & ((short < 0.8 * tall) | (y_gap < -0.1 * tall))
    # a broken stroke, one above the other: together at most 1.5 times the taller's height, or 1.75
    # where they touch or nearly (within 0.05 of it: a digit broken near its middle, 60 and 40% of it,
    # as a 7's stem under its bar)
    broken = (merged_h <= np.where(y_gap <= 0.05 * tall, 1.75, 1.5) * tall) & (np.maximum(aw, bw) <= 1.2 * merged_h)
    # a loop or tail that came off (a slanted 8's lower loop): small, touching, and the whole still digit-shaped
    loop = ((x_overlap >= -2) & (y_gap <= 2) & (short < 0.6 * tall) & (merged_h <= 1.2 * tall)
            & (merged_w <= 1.2 * merged_h))
    # a bar written apart on top (a 5's flag, a 7's top): flat (at most half as tall as it is wide, and
    # as the other piece is tall: a flag rising steeply to the right, or over a small body), touching
    # the top of a taller piece that it overlaps, or floating above it (FLAG_GAP: a flag written as a
    # stroke of its own, lifted off), or, beginning within a quarter of that piece's height to its
    # right, running on to the right (a 5's flag, drawn from the top of its upright: never one ending
    # left of the piece, which is the flag of the digit before); the whole no wider than a wide digit
    bar = (y_gap <= (np.maximum(2, FLAG_GAP * tall) if lifted else 2)) & (short <= 0.5 * tall)
    if bar.any():  # (rarely: most pairs are two digits side by side, of a height)
        a_bar = ah <= bh  # (the bar is the shorter)
        thin = np.where(a_bar, ah <= 0.5 * aw, bh <= 0.5 * bw)
        on_top = np.where(a_bar, ay0 <= by0, by0 <= ay0)
        rightwards = np.where(a_bar, ax0 >= bx0, bx0 >= ax0)
        beside = (x_overlap >= 0.25 * np.minimum(aw, bw)) | ((x_overlap >= -0.25 * tall) & rightwards)
        bar &= beside & thin & on_top & (merged_w <= 1.6 * merged_h)
    return np.where(stacked, broken, loop | bar)
