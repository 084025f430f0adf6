"""Frame -> digit candidates: threshold the ink (paper.py flattens the lighting), drop marks that are not
digits, cut the blobs that hold several."""

from __future__ import annotations

from dataclasses import dataclass, replace
from math import ceil
from statistics import median
from functools import partial

import cv2
import numpy as np

from digitedge.contract import BOX
from digitedge.vision.blobs import Blob, Mask, Placement
from digitedge.vision.cuts import cut, cut_into, split
from digitedge.vision.glare import glare_gain
from digitedge.vision.hands import hands
from digitedge.vision.images import every, halved, labelled
from digitedge.vision.marks import components, solid
from digitedge.vision.normalize import SQUARE, stroke_width
from digitedge.vision.outlines import GRID, Removal, drawn_frames, grid_corners, may_span
from digitedge.vision.paper import (CROSSES, MIN_SIDE, SPAN, STROKE, TIGHT, crop_margin, ink_over, inked, paper_estimate, pen_width,
                                    polarity_of, remove_lines, search_copy, softened, stroke_scale, to_gray)
from digitedge.vision.sheet import find_sheet, held_up, keystone, on_sheet, rectified, within_sheet


BROKEN = 3.0  # line removal bridges gaps this many times as long in a black-and-white image's paper lines (paper.softened)
FAINT = 4  # a frame whose ink (its 99.7th percentile) is this many times its grain or more, if faint, is written faintly (_three_levels)
SPECK = 1.5  # a mark under this many times SegmentConfig.min_pixels tall may be a speck (_speck)


@dataclass(frozen=True)
class SegmentConfig:
    max_side: int = 1280  # larger frames (4K) are shrunk to this for segmentation; boxes map back
    photo_side: int = 1600  # the same for a still photo (predict, an image source), where time matters less
    # than the detail of small handwriting in a phone's 12-megapixel photo of a page
    polarity: str = "auto"  # ink vs paper: auto, dark-on-light, light-on-dark
    min_contrast: int = 40  # ink must be this much darker than the local paper, out of 255 (relative)
    min_height: float = 0.01  # digits are at least this fraction of the frame height
    min_pixels: int = 10  # and this many pixels tall at processing size (at most max_side; a close-up's before it is shrunk)
    max_height: float = 0.95  # and at most this fraction (bigger: the desk, a hand, the sheet's edge)
    min_relative_height: float = 0.45  # drop marks shorter than this times the median digit (dots, commas)
    split_ratio: float = 1.15  # a candidate wider than this times its height is split into touching digits
    crop_margin: bool = False  # a still image cropped close to its handwriting gets a margin of paper (paper.crop_margin)
    rectify: bool = True  # a sheet photographed at an angle, all of it in view, is read as seen head-on (sheet.keystone)


def threshold(ink: np.ndarray, min_contrast: int, levels: tuple[float, float] | None = None):
    """Hysteresis: strokes must reach a high level somewhere and are followed down to a low one.
    `levels`: (low, high), if the caller has them (_levels of this ink), else found here.

    Returns (keep, labels, stats, low): the connected components of the low mask, which reach high,
    and the low level."""
    low, high = levels or _levels(ink, min_contrast)
    n, labels, stats = labelled(_above(ink, low))
    keep = np.zeros(n, bool)
    keep[labels[ink > high]] = True
    keep[0] = False
    return keep, labels, stats, low


def _above(ink: np.ndarray, level: float) -> np.ndarray:
    """The mask of the ink above `level` (0/255), hairline breaks mended."""
    _, weak = cv2.threshold(ink, level, 255, cv2.THRESH_BINARY)
    return cv2.morphologyEx(weak, cv2.MORPH_CLOSE, np.ones((2, 2), np.uint8))


def _followed(ink: np.ndarray, keep: np.ndarray, labels: np.ndarray, stats: np.ndarray, weak: np.ndarray, high: float):
    """The marks found by following strokes below the low level (threshold's keep, labels, stats at the
    follow level: _three_levels), measured by their ink above it (`weak`: _above(ink, low)), where
    their crops are cut: each mark's box and area are its pieces' there (the grey halo followed
    around a bold 8 fills its loops, but it is no solid blob; the halo around a speck, a comma's dot,
    does not make it big enough to keep). Pieces joined only by faint ink into a mark over 1.5 times
    the median kept mark's height or width are not one digit (a pen's tip and the hand's outline
    under a line of digits; two digits side by side): they stay the pieces low finds, each kept where
    it reaches `high`. Returns (keep, labels, stats, tallest): `tallest`, the height of each mark's
    tallest piece (components)."""
    n = len(stats)
    count, pieces, box = labelled(weak)
    on = pieces > 0
    of = np.zeros(count, np.intp)
    of[pieces[on]] = labels[on]  # (every pixel of a piece has the same label)
    of, box = of[1:], box[1:].astype(np.int64)
    x0, y0 = np.full(n, 1 << 30, np.int64), np.full(n, 1 << 30, np.int64)
    x1, y1, tallest = np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n, np.int64)
    np.minimum.at(x0, of, box[:, 0])
    np.minimum.at(y0, of, box[:, 1])
    np.maximum.at(x1, of, box[:, 0] + box[:, 2])
    np.maximum.at(y1, of, box[:, 1] + box[:, 3])
    np.maximum.at(tallest, of, box[:, 3])
    area = np.bincount(of, weights=box[:, 4], minlength=n).astype(np.int64)
    joined = np.bincount(of, minlength=n) > 1
    empty = area == 0
    x0[empty] = y0[empty] = x1[empty] = y1[empty] = 0
    w, h = x1 - x0, y1 - y0
    stats = np.stack([x0, y0, w, h, area], axis=1).astype(np.int32)
    marks = np.flatnonzero(keep & (area >= 6))
    if not joined[marks].any():
        return keep, labels, stats, tallest
    too_big = joined & keep & ((h > 1.5 * np.median(h[marks])) | (w > 1.5 * np.median(w[marks])))
    if not too_big.any():
        return keep, labels, stats, tallest
    apart = too_big[labels]  # those marks' pixels: relabelled as their pieces (n + piece - 1), the rest paper
    labels = labels.astype(np.int32)
    labels[apart] = np.where(on[apart], pieces[apart].astype(np.int32) + n - 1, 0)
    mine = too_big[of]
    kept = np.zeros(count - 1, bool)
    reach = pieces[ink > high].astype(np.intp)
    kept[reach[reach > 0] - 1] = True  # (the pieces reaching high)
    keep = np.concatenate([keep & ~too_big, kept & mine])
    stats = np.vstack([stats, np.where(mine[:, None], box, 0).astype(np.int32)])
    return keep, labels, stats, np.concatenate([tallest, np.where(mine, box[:, 3], 0)])


def _levels(ink: np.ndarray, min_contrast: int) -> tuple[float, float]:
    """threshold's low and high levels for this ink."""
    return _three_levels(ink, min_contrast)[1:]


def _three_levels(ink: np.ndarray, min_contrast: int) -> tuple[float, float, float]:
    """(follow, low, high): marks are found by following their strokes down to `follow` from `high`, and
    their crops are cut at `low` (_levels). A thin or lightly written digit beside dark ones fades
    under `low` in places (at the search's half size a pen's 1-2 pixel line is diluted by the paper
    around it): followed down to `follow`, it is found whole, where at `low` it fell apart into pieces
    too small to keep. Its crop is still cut at `low` within what was found (a pixel of the found
    pixels around it: _at_full), so a digit found whole is not read with the grey halo around it.
    `follow` is `low` lowered to 0.2 of the peak (from 0.25), to 3/4 of min_contrast and no lower than
    four times the grain (paper's texture)."""
    hist = cv2.calcHist([every(ink, 2)], [0], None, [256], [0, 256]).ravel()
    cdf = np.cumsum(hist)
    # the level a tenth of the frame reaches (the paper's grain, what a shadow leaves), the darkest ink in
    # the frame, if there is any, and its darkest few pixels
    grain, peak, top = np.searchsorted(cdf, [0.9 * cdf[-1], 0.997 * cdf[-1], 0.9997 * cdf[-1]]).astype(float).tolist()
    floor = min_contrast
    if max(0.5 * min_contrast, FAINT * grain) <= peak and top < 3 * min_contrast:  # a faint frame (a hazy
        # photo, a cheap webcam's flat picture, light pencil, an over-exposed page): ink enough to set the
        # peak, and even its darkest few pixels faint. The floor follows its ink down, to half of
        # min_contrast, or 0.6 of the peak where that is lower (ink whose peak is under min_contrast: its
        # strokes must still reach 1.5 times the floor), but stays well above the grain (not on blank
        # paper, whose peak is its grain: a faint floor there grows specks into digit-sized marks)
        floor = min(min_contrast, max(min(0.5 * min_contrast, 0.6 * peak), 3 * grain))
    low = max(floor, 0.25 * peak)
    return min(low, max(0.75 * min_contrast, 0.2 * peak, 4 * grain)), low, max(1.5 * floor, 0.5 * peak)


RULED = 8  # ink levels: lines this strong within the sheet make it ruled or squared (plain paper's noise there: 2-7)
WASHED = 1.5  # a mark glare washed out lies where its contrast was cut by at least this much, on average
GLARE_REACH = 16  # search pixels: a mark glare washed out is looked for this far beyond the glare (a digit's half)


def _ruled(horizontal: np.ndarray, vertical: np.ndarray, sheet: np.ndarray | None) -> bool:
    """Whether the paper lines remove_lines found (`horizontal`, `vertical`) make it ruled or squared
    paper: RULED levels or more within the sheet (a sheet's own edges are not its lines)."""
    lines = cv2.max(horizontal, vertical)
    return cv2.minMaxLoc(lines if sheet is None else within_sheet(lines, sheet))[1] >= RULED


def _washed_out(lifted: np.ndarray, gain: np.ndarray, keep: np.ndarray, labels: np.ndarray, stats: np.ndarray,
                levels: tuple[float, float]):
    """threshold's components, and the marks glare washed out (glare_gain): their ink's contrast over
    the paper under the glare brought back by the gain (`lifted`, its lines taken out), thresholded
    at the levels (low, high) the frame's own ink set, gives marks that are added only where they hold no kept component's
    pixel (a mark found already, or grown from one, stays as found: the gain is no help there, and
    may be the page's own light). Looked at within the box around the glare, GLARE_REACH beyond it.
    Returns (keep, labels, stats, levels): `levels`, for each mark added (its label), the level its
    ink over that paper is cut at at full size, the low level over the gain on it."""
    low = levels[0]
    x, y, w, h = cv2.boundingRect((gain > 1).view(np.uint8))
    H, W = lifted.shape
    x0, y0 = max(0, x - GLARE_REACH), max(0, y - GLARE_REACH)
    x1, y1 = min(W, x + w + GLARE_REACH), min(H, y + h + GLARE_REACH)
    box = (slice(y0, y1), slice(x0, x1))
    new, more, more_stats, _ = threshold(lifted[box], 0, levels)  # (the first look's hysteresis, at its levels)
    n = len(new)
    new[more[keep[labels[box]]]] = False
    if not new.any():
        return keep, labels, stats, {}
    # a mark under the glare (its gain, on average, at least WASHED): not one reaching into it from
    # paper the glare spares (a sheet's outline where no sheet was found)
    mean_gain = np.bincount(more.ravel(), weights=gain[box].ravel(), minlength=n) / np.maximum(more_stats[:, cv2.CC_STAT_AREA], 1)
    more_stats[:, 0] += x0
    more_stats[:, 1] += y0
    mx, my, mw, mh = more_stats[:, :4].T
    inside = (mx > 0) & (my > 0) & (mx + mw < W) & (my + mh < H)  # (at the view's border: the band a
    # shadow's edge leaves on its lit side, not a whole digit; joined to a digit, it took the digit with it)
    ids = np.flatnonzero(new & (mean_gain >= WASHED) & inside)
    if not len(ids):
        return keep, labels, stats, {}
    first = len(keep)
    relabel = np.zeros(n, np.int32)
    relabel[ids] = np.arange(first, first + len(ids))
    at = relabel[more]
    labels = labels.astype(np.int32)  # (a copy: the added labels may not fit 16 bits)
    labels[box] = np.where(at > 0, at, labels[box])
    levels = {first + k: low / float(mean_gain[i]) for k, i in enumerate(ids)}
    return np.concatenate([keep, np.ones(len(ids), bool)]), labels, np.vstack([stats, more_stats[ids]]), levels


def segment(frame: np.ndarray, cfg: SegmentConfig = SegmentConfig(), _grid=None) -> tuple[list[Blob], "Mask"]:
    """Returns the blobs of ink that may be digits, in no order, and the threshold mask (search scale).
    `_grid`: for a frame made by squaring a printed grid seen askew (grid_corners), the homography
    from its pixels to the frame's as given, and that frame's size (w, h)."""
    frame = np.asarray(frame)
    big = frame.ndim == 3 and frame.dtype == np.uint8 and max(frame.shape[:2]) > cfg.max_side
    gray = to_gray(frame, coloured=not big)
    size = gray.shape[::-1]
    if gray.size == 0 or min(gray.shape) < 8:
        return _nothing()
    grey = gray
    gray = softened(gray)  # (a black-and-white image: its broken paper lines fade, as a photo's lines read)
    gaps = 1.0 if gray is grey else BROKEN  # (and the gaps in what is left of them are wider than a photo's)
    scale = 1.0
    if max(gray.shape) > cfg.max_side:
        scale = cfg.max_side / max(gray.shape)
        if min(gray.shape) * scale < 1:  # a strip (20x65000) whose short side would shrink to nothing: no digit
            return _nothing()
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        if big:  # a big colour frame (4K, a phone's photo): light coloured ink is looked for in its colours
            # sampled at the shrunk size (at full size the grey's step for it costs more than the shrinking)
            colours = cv2.resize(frame[..., :3], gray.shape[::-1], interpolation=cv2.INTER_LINEAR)
            gray = inked(colours, gray)
    elif min(gray.shape) < MIN_SIDE and max(gray.shape) < cfg.max_side:
        # a small image (an MNIST digit itself, a cropped number) is enlarged: this pipeline's
        # windows need a few pixels of paper around strokes a few pixels wide
        scale = min(MIN_SIDE / min(gray.shape), cfg.max_side / max(gray.shape))
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    margin, polarity, extent = 0, cfg.polarity, (1.0, 1.0)
    if cfg.crop_margin:  # a crop whose strokes reach its edges: give it paper around them (and its own polarity)
        margin, level, polarity = crop_margin(gray, polarity)
        if margin and _held_up_view(gray, cfg.polarity):  # a whole view after all: a webcam's snapshot of
            # a sheet held up, the arms and the shirt reaching its edges as a crop's strokes do
            margin, polarity = 0, cfg.polarity
        if margin:
            h, w = gray.shape
            gray = cv2.copyMakeBorder(gray, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=level)
            extent = (w / (w + 2 * margin), h / (h + 2 * margin))  # the image's own share of each side
            margin /= scale  # in the frame's pixels
    half = halved(gray)
    small = halved(half)
    window, shortest, stroke, span = 5, 15, STROKE, (0.0, 0.0)
    before = None  # a frame shrunk for its thick strokes: (the frame as it was, its scale)
    polarity = polarity_of(every(half, 2), polarity)  # (every other pixel at half size: thin chalk lines keep their brightness)
    seen = half  # (the frame as given, at half size: what a line along its border is measured on, _thin_rim)
    eighth = halved(small)
    sheet = find_sheet(eighth, polarity, seen)  # (found before any shrinking, in the frame's proportions)
    # none lying on a desk: one held up to a webcam, in front of its user? (it tells only which marks are read)
    shown = None if sheet[0] is not None or margin or _grid else held_up(eighth, polarity)
    held = None if margin or _grid else hands(frame, sheet[0])  # a hand over the page, and the pen in it: not handwriting
    back = None  # for a rectified frame: the homography from its pixels to the frame's, at `rectified_at`
    # a sheet photographed at an angle: read as seen head-on (but not one a hard shadow crosses: then the
    # sheet found may be its lit part alone, whose outline is the shadow's, not the sheet's)
    corners = None if margin or not cfg.rectify or sheet[1] else keystone(sheet[0])
    if corners is not None:
        sh, sw = sheet[0].shape
        gray, back = rectified(gray, corners * (gray.shape[1] / sw, gray.shape[0] / sh) - 0.5)
        rectified_at = scale
        half = halved(gray)
        small = halved(half)
        sheet = find_sheet(halved(small), polarity, seen)
    wanted = stroke_scale(small, 4, polarity, sheet[0])
    if wanted < 1:  # big, thick handwriting (a close-up): bring its strokes to the width this pipeline is built for
        # but keep MIN_SIDE pixels across: the paper and the sheet's edges are estimated at a quarter of that
        shrink = min(1.0, max(wanted, MIN_SIDE / min(gray.shape)))
        stroke = STROKE * shrink / wanted  # the strokes' width once shrunk
        before = gray, scale
        scale *= shrink
        gray = cv2.resize(gray, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
        half = halved(gray)
        small = halved(half)
        # the frame is now small for its digits: the paper window (about 17 strokes across, as in a
        # 640x480 frame of digits a tenth of its height) and the shortest line go by the strokes
        # (but at most a third of the frame: a median over most of it takes the desk around the sheet for paper)
        window, shortest = min(int(17 * stroke / 4), min(small.shape) // 3) | 1, int(16 * stroke)
        span = (max(span[0], SPAN), max(span[1], SPAN))
    elif min(gray.shape) < 2 * MIN_SIDE:  # searched at full size: its strokes can be measured at half size,
        # where 6-10 pixel strokes (a small image enlarged, a crop of one digit) are not lost; wider
        # than the windows are sized for, but not worth shrinking the frame for: widen them instead
        width = pen_width(half, 2, polarity, sheet[0])
        up = min(2 * MIN_SIDE / min(gray.shape), cfg.max_side / max(gray.shape))
        if width > 1.5 * STROKE:
            stroke = width
            window, shortest = min(int(17 * stroke / 4), min(small.shape) // 3) | 1, int(16 * stroke)
        elif up > 1:  # ordinary handwriting in a small frame (a low-resolution webcam's 320x240): read as
            # a 640x480 frame is, enlarged; searched at its own size, a pale pen's strokes, a pixel or
            # two wide, fell under the threshold, and the paper was estimated at 80x60
            scale *= up
            gray = cv2.resize(gray, None, fx=up, fy=up, interpolation=cv2.INTER_CUBIC)
            half = halved(gray)
            small = halved(half)
            sheet = find_sheet(halved(small), polarity, seen)
    # a frame at least twice MIN_SIDE across is searched for ink at half its size, a quarter of the
    # cost; each blob found is then cut from the full-size ink, so its crop loses no detail
    f = 2 if min(gray.shape) >= 2 * MIN_SIDE else 1
    if margin or (cfg.crop_margin and f == 1 and sheet[0] is None):  # a crop, or a small still image of paper
        # alone: a paper line crosses nearly all of it, where the long strokes of its handwriting (a 7's
        # bar, a 9's tail in a thin pen) do not (a desk's stripes beside a sheet are taken out as lines)
        span = (max(span[0], CROSSES * extent[0]), max(span[1], CROSSES * extent[1]))
    H, W = gray.shape
    find = search_copy(gray, half, polarity) if f > 1 else gray
    shadowed = sheet[1]  # (find_sheet's: a hard shadow's edge crosses the view)
    paper, edges, sheet, _ = paper_estimate(find, polarity, small, window, stroke, 1 / f, sheet)
    raw = ink_over(find, paper, polarity)
    ink, horizontal, vertical = remove_lines(raw, max(1, shortest // f), span, 1 / f, gaps)
    ink = cv2.subtract(ink, edges)  # nothing counts as ink on the sheet's edges
    follow, low, high = _three_levels(ink, cfg.min_contrast)

    def marks(ink: np.ndarray):  # -> keep, labels, stats, tallest, weak
        keep, labels, stats, _ = threshold(ink, cfg.min_contrast, (follow, high))
        if follow >= low:
            return keep, labels, stats, None, None
        # marks measured by their ink above low, as their crops are cut (_followed)
        weak = _above(ink, low)  # (the marks as low finds them)
        return *_followed(ink, keep, labels, stats, weak, high), weak

    keep, labels, stats, tallest, weak = marks(ink)
    removal = Removal(raw, horizontal, vertical, low)
    if _grid is None and back is None and cfg.rectify:
        # a printed grid seen askew (a sudoku turned a few degrees, or at an angle): its lines, not level,
        # are not taken out as paper lines, and the whole grid is one mark. Read it squared: the frame
        # warped so the grid's outline is upright (as a sheet's is, sheet.rectified)
        if removal.across >= GRID * labels.shape[1] and removal.down >= GRID * labels.shape[0]:
            # lines taken out both ways (a grid at an angle, where its lines ran nearly level or upright,
            # what is left of it marks apart, read as 1s; or squared paper): the grid is looked for with
            # the lines taken out joined to the marks again
            together = (keep[labels] | removal.ink.view(bool)).view(np.uint8)
            corners = None
            if may_span(together, GRID):  # (half the cost of labelling it: most frames stop here)
                n, joined, boxes = labelled(together)
                corners = grid_corners(np.arange(n) > 0, joined, boxes)
        else:
            corners = grid_corners(keep, labels, stats)
        if corners is not None:
            squared, outer = rectified(frame, corners * (f / scale) - margin)  # (in the frame's pixels)
            return segment(squared, cfg, (outer, size))
    # a ring or a box drawn round a number (an answer circled) is no digit: its outline is taken out of
    # the ink, and the marks are found again, the digits touching it parted from it
    frames = drawn_frames(keep, labels, stats, removal,
                     max(cfg.min_pixels / f, cfg.min_height * labels.shape[0]))
    if frames is not None:
        ink = cv2.subtract(ink, frames)
        keep, labels, stats, tallest, weak = marks(ink)
    # glare washing out ink: looked for on a page of dark ink, but not on ruled or squared paper (where
    # the page's own light passes for glare, what is left of its lines, brought back by the gain, makes
    # marks of a square's size), nor where a hard shadow crosses the view (the band of its lit side
    # beside the edge passes for a reflection, and its edge for a mark), nor in a crop around
    # handwriting (its paper is a margin between strokes)
    look = polarity == "dark-on-light" and not (shadowed or margin) and not _ruled(horizontal, vertical, sheet)
    glare = glare_gain(paper, small, sheet, ink, high) if look else None
    levels = {}  # the level a mark glare washed out is cut at, at full size (its label's)
    if glare is not None:
        gain, lit = glare
        lifted = cv2.multiply(ink_over(find, lit, polarity), gain, dtype=cv2.CV_8U)
        # paper lines too faint to count as ruling taken out, as the first look takes them out
        lifted = cv2.subtract(remove_lines(lifted, max(1, shortest // f), span, 1 / f, gaps)[0], edges)
        keep, labels, stats, levels = _washed_out(lifted, gain, keep, labels, stats, (low, high))
        if tallest is not None:  # (a mark added is one piece)
            tallest = np.concatenate([tallest, stats[len(tallest) :, cv2.CC_STAT_HEIGHT]])
    if f > 1:  # the same ink at full size, for the crops (made where a blob needs it)
        wiped = _wiped(removal, edges, frames)
        full = _full_ink(gray, paper, wiped, polarity)
        full_lit = _full_ink(gray, lit, wiped, polarity) if levels else full  # a washed-out mark's, over the paper under the glare
    warp = None  # processing pixels -> rectified ones at the scale rectified at -> the frame's
    if back is not None:
        warp = np.diag([1 / rectified_at, 1 / rectified_at, 1.0]) @ back @ np.diag([rectified_at / scale, rectified_at / scale, 1.0])
    if _grid is not None:  # processing pixels -> the squared frame's -> the frame's as given
        outer, size = _grid
        warp = outer @ (warp if warp is not None else np.array([[1 / scale, 0, -margin], [0, 1 / scale, -margin], [0, 0, 1.0]]))
    out, at = [], Placement(scale, margin, size, warp)
    # a shrunk frame's small marks, thin strokes beside thick ones (a heading's big digits above small writing):
    # cut from the frame as it was, where the shrinking would blur them (its ink, made for the first, and Placement)
    fine_at = Placement(before[1], margin, size) if before is not None and f == 1 and warp is None else None
    fine = None
    near_hand = None  # (a rectified frame's labels are not in the frame's proportions: its blobs are
    # looked at by their boxes, against the hand grown by another of its pixels, as before)
    if held is not None and warp is None:  # (held: the frame's proportions, as the labels are unless rectified)
        # the hand's own marks (its outline, the pen in it and the pen's tip) are left out before marks
        # are joined into digits: a pen's tip below a digit, joined to it as its broken stroke, took
        # the digits beside it along. A digit written beside the hand, not touching it, is read
        keep &= ~_on_hand(held, labels, keep)
    elif held is not None:
        near_hand = cv2.dilate(held.view(np.uint8), SQUARE).view(bool)
    # the least height a digit may have is the frame's as it was: a frame shrunk for a few big digits' thick
    # strokes may hold small writing (a small 5 beside them, 16 pixels tall, 8 once shrunk)
    least = cfg if before is None else replace(cfg, min_pixels=cfg.min_pixels * scale / before[1])
    found = components(keep, stats, labels.shape, least, 1 / f, tallest)
    keep[[i for g in found for i in g[4]]] = True  # (the mask shows the faint pieces joined, marks._faint_pieces)
    boxes = np.array([g[:4] for g in found], np.float64).reshape(-1, 4)
    on = on_sheet(sheet if shown is None else shown, boxes[:, 0] + boxes[:, 2] / 2, boxes[:, 1] + boxes[:, 3] / 2,
                  labels.shape).tolist()
    if not any(on) or (shown is not None and 2 * sum(on) <= len(on)):  # nothing on the bright sheet: the writing is
        # on what looked like desk (a dark note on a white table); or no more than half of the marks on a
        # sheet held up: it was the lit part of a page, its writing in the shadow (a sheet held up holds the writing)
        on = [True] * len(found)
    typical = _typical([g[3] for g, o in zip(found, on) if o], cfg.min_relative_height)  # the digits' height
    m = int(round(margin * scale / f))  # the margin added, at the search scale
    crop = (m + 1, m + 1, labels.shape[1] - m - 1, labels.shape[0] - m - 1)  # the crop's own edges (left, top, right, bottom)
    for (x, y, w, h, ids), on_it in zip(found, on):
        if not on_it:
            continue  # on the desk around the sheet: its pattern is not handwriting
        if margin and (x <= crop[0] or y <= crop[1] or x + w >= crop[2] or y + h >= crop[3]) and \
                h < TIGHT * (crop[3] - crop[1]) and w < TIGHT * (crop[2] - crop[0]):
            continue  # a small piece at the crop's edge: a neighbour cut by it (the crop's own digits span half of it)
        sub = labels[y : y + h, x : x + w]
        shape = (np.isin(sub, ids) if len(ids) > 1 else sub == ids[0]).astype(np.uint8) * 255
        if not any(span) and _is_rule(shape, horizontal, vertical, x, y, 1 / f):  # (a close-up's lines are as thick as a pen's)
            continue  # the side of a printed box, or a table's rule, not a 1
        if max(w, h) > 2.5 * typical and _is_bar(shape) and not (h > w and _in_a_line((x, y, w, h), found)):
            continue  # a pen lying on the page, a ruler's shadow: a long straight solid bar (but a big 1
            # standing among big digits, in a frame whose writing is mostly small, is a digit)
        washed_out = [levels[i] for i in ids if i in levels] if levels else None
        if f == 1 and follow < low and not washed_out:  # (searched at full size: its crop is what low finds of it)
            shape, x, y = _tight(cv2.bitwise_and(shape, weak[y : y + h, x : x + w]), x, y)
            if shape is None:
                continue
            h, w = shape.shape
        if f > 1:
            was_solid = solid(shape)  # (at half size: looked at again at full size)
            shape, x, y, region = _at_full(shape, x, y, f, full_lit if washed_out else full, (H, W),
                                           min(washed_out) if washed_out else low)
            if shape is None or (was_solid and solid(shape)):
                continue
            h, w = shape.shape
        else:
            region = ink[y : y + h, x : x + w]
        if near_hand is not None and _over(near_hand, at.box((x, y, w, h)), size):
            continue  # a hand's outline, the pen's tip held in it
        if h < SPECK * cfg.min_pixels and _speck(shape):
            continue  # a crumb, a blot, a dot of ink: cut in two, its halves read as a confident 11
        place = at
        if fine_at is not None and max(h, w) < BOX and not washed_out:  # (smaller than normalize's box: it would be enlarged)
            if fine is None:
                fine = _full_ink(before[0], paper, _wiped(removal, edges, frames), polarity)
            cut_fine = _at_full(shape, x, y, before[0].shape[0] / H, fine, before[0].shape, low)
            if cut_fine[0] is not None:
                (shape, x, y, region), place = cut_fine, fine_at
                h, w = shape.shape
        first = cut(split(shape, cfg.split_ratio), shape, region, x, y, place)
        n = len(first[0])
        # the shape alone cannot tell one wide digit from two touching ones, or two from three:
        # offer one digit fewer and one more, and let the classifier choose (reader.classify)
        counts = [n] + [n - 1] * (n > 1) + [n + 1] * (n > 1 or w > 0.8 * h)
        out.append(Blob(place.box((x, y, w, h)), counts, partial(cut_into, shape, region, x, y, place), {0: first},
                        place.flat((x, y, w, h)), washed=bool(washed_out)))
    if warp is not None:  # the mask drawn back onto the frame as seen (search pixels -> processing ones -> the frame's)
        return out, Mask(keep, labels, warp @ np.diag([W / labels.shape[1], H / labels.shape[0], 1.0]), size)
    return out, Mask(keep, labels[m : labels.shape[0] - m, m : labels.shape[1] - m])


def _held_up_view(gray: np.ndarray, polarity: str) -> bool:
    """Whether a still image is a whole view holding a sheet, as segment finds one in a camera's
    frame: find_sheet's, or one held up (sheet.held_up) that stays a twentieth of the view clear of
    its top and sides (a crop of big digits on ruled paper holds a bright strip between two lines
    that passes for one, reaching the crop's top)."""
    half = halved(gray)
    eighth = halved(halved(half))
    polarity = polarity_of(every(half, 2), polarity)
    if find_sheet(eighth, polarity, half)[0] is not None:
        return True
    shown = held_up(eighth, polarity)
    if shown is None:
        return False
    x, y, w, _ = cv2.boundingRect(shown.view(np.uint8))
    h, W = eighth.shape
    return min(x, W - x - w) >= W / 20 and y >= h / 20


def _nothing() -> tuple[list[Blob], "Mask"]:
    """segment's answer for a frame holding no digit: no blobs, an empty mask."""
    return [], Mask(np.zeros(2, bool), np.zeros((8, 8), np.int32))


def _typical(heights: list[int], least: float) -> float:
    """The digits' height among marks of these heights: the median of those at least `least` of the
    tallest quarter's (its shortest), not of all. Small marks that are no digits can outnumber the
    digits: a spiral-bound page's punched holes down its edge (19 of them beside 10 digits) made the
    median a hole's height, and every straight 1, more than 2.5 times as tall, a pen lying on the page.
    (A pen beside three digits or more is above the quarter's shortest: it still stands out.)"""
    if not heights:
        return 0.0
    ordered = sorted(heights)
    floor = least * ordered[3 * (len(ordered) - 1) // 4]
    return float(median([h for h in ordered if h >= floor]))


def _speck(shape: np.ndarray) -> bool:
    """A small solid mark: a speck, a crumb, a dot of ink, not a digit. Its strokes' width
    (normalize.stroke_width) is at least 0.34 of its size: a filled disc 8 or 9 pixels across
    measures 0.36-0.44, the digits of 800 sample frames and 120 close-ups at most 0.33 (bold
    close-ups 40 pixels tall), a median 0.12."""
    return stroke_width(shape) >= 0.34 * max(shape.shape)


def _on_hand(held: np.ndarray, labels: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """(n,) bool: the kept marks with a pixel on the hand (`held`: hands' mask, in the frame's
    proportions), and those touching them, to three steps away: the pen held, its tip beyond it."""
    zone = cv2.resize(held.view(np.uint8), labels.shape[::-1], interpolation=cv2.INTER_NEAREST)
    on = np.zeros(len(keep), bool)
    for _ in range(3):  # and the marks touching those (the pen's tip beyond its body), and so on
        on[labels[zone > 0]] = True
        on[0] = False
        on &= keep
        zone = cv2.dilate(on[labels].view(np.uint8), np.ones((5, 5), np.uint8))
    return on


def _over(zone: np.ndarray, box: tuple[int, int, int, int], size: tuple[int, int]) -> bool:
    """Whether a box in the frame's pixels (x, y, w, h) reaches a zone (bool, the frame's proportions) of a frame `size` (w, h)."""
    fx, fy = zone.shape[1] / size[0], zone.shape[0] / size[1]
    x, y, w, h = box
    return bool(zone[int(y * fy) : int(np.ceil((y + h) * fy)), int(x * fx) : int(np.ceil((x + w) * fx))].any())


def _is_bar(shape: np.ndarray) -> bool:
    """A straight solid bar: its smallest enclosing rectangle, at any angle, at least four times as long
    as it is wide and at least 85% filled (a pen fills 98% of it; a row of touching handwritten digits
    about a third, a row of bold printed ones 70-80%, their holes and the gaps between them left)."""
    (_, _), (a, b), _ = cv2.minAreaRect(cv2.findNonZero(shape))
    long, short = max(a, b), max(min(a, b), 1.0)
    return long >= 4 * short and cv2.countNonZero(shape) >= 0.85 * long * short


def _in_a_line(box: tuple[int, int, int, int], found: list) -> bool:
    """Whether a mark stands in a line of marks as tall as it: another of `found` (components' (x, y,
    w, h, ids)) 0.6-1.5 times its height, level with it (overlapping it by half the shorter's height),
    its centre within three of its heights across. A big 1 among big digits has such neighbours; a
    pen lying on the page, longer than any digit, has none."""
    x, y, w, h = box
    for fx, fy, fw, fh, _ in found:
        if (fx, fy, fw, fh) != box and 0.6 * h <= fh <= 1.5 * h and min(y + h, fy + fh) - max(y, fy) >= 0.5 * min(h, fh) \
                and abs(fx + fw / 2 - x - w / 2) <= 3 * h:
            return True
    return False


def _wiped(removal: Removal, edges: np.ndarray, frames: np.ndarray | None) -> np.ndarray:
    """What is no ink in a crop: the paper lines taken out, the sheet's edges, and the rings and boxes drawn round numbers."""
    return cv2.add(removal.lines, edges if frames is None else cv2.add(edges, frames))


def _full_ink(gray: np.ndarray, paper: np.ndarray, wiped: np.ndarray, polarity: str):
    """The ink at full size, for the crops, as a function of a window (x0, y0, x1, y1): the frame's
    contrast over the paper estimate, less the lines and edges wiped (`paper`, `wiped`: at half
    size). For a frame exactly twice their size, each window is made from its own part of them, a
    pixel of margin around it (a linear or nearest resize by exactly 2 gives the same pixels from a
    part as from the whole): the few blobs' windows cost less than the whole frame."""
    H, W = gray.shape
    h, w = paper.shape
    if (H, W) != (2 * h, 2 * w):
        paper = cv2.resize(paper, (W, H), interpolation=cv2.INTER_LINEAR)
        full = cv2.subtract(ink_over(gray, paper, polarity), cv2.resize(wiped, (W, H), interpolation=cv2.INTER_NEAREST))
        return lambda x0, y0, x1, y1: full[y0:y1, x0:x1]

    def window(x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
        sx0, sy0, sx1, sy1 = max(0, x0 // 2 - 1), max(0, y0 // 2 - 1), min(w, (x1 + 1) // 2 + 1), min(h, (y1 + 1) // 2 + 1)
        size = (2 * (sx1 - sx0), 2 * (sy1 - sy0))
        part = (slice(y0 - 2 * sy0, y1 - 2 * sy0), slice(x0 - 2 * sx0, x1 - 2 * sx0))
        near = cv2.resize(paper[sy0:sy1, sx0:sx1], size, interpolation=cv2.INTER_LINEAR)[part]
        lines = cv2.resize(wiped[sy0:sy1, sx0:sx1], size, interpolation=cv2.INTER_NEAREST)[part]
        return cv2.subtract(ink_over(gray[y0:y1, x0:x1], near, polarity), lines)

    return window


def _at_full(shape: np.ndarray, x: int, y: int, f: float, full, size: tuple[int, int], low: float):
    """A blob found at 1/f of the size, cut at full size: the full-size ink (`full`, a function of a
    window; the frame `size` (H, W)) above `low` within a pixel of the blob's pixels (so none of a
    neighbour's). Returns (shape, x, y, ink) of its tight box, or Nones."""
    H, W = size
    h, w = shape.shape
    x0, y0 = max(0, int(x * f) - 1), max(0, int(y * f) - 1)
    x1, y1 = min(W, ceil((x + w) * f) + 1), min(H, ceil((y + h) * f) + 1)
    bx, by = round(x * f), round(y * f)  # (the blob's box at full size: f times its own, for a whole f)
    big = cv2.resize(shape, (max(1, round((x + w) * f) - bx), max(1, round((y + h) * f) - by)), interpolation=cv2.INTER_NEAREST)
    near = np.zeros((y1 - y0, x1 - x0), np.uint8)
    part = big[: y1 - by, : x1 - bx]
    near[by - y0 : by - y0 + part.shape[0], bx - x0 : bx - x0 + part.shape[1]] = part
    near = cv2.dilate(near, SQUARE)
    window = full(x0, y0, x1, y1)
    _, ink = cv2.threshold(window, low, 255, cv2.THRESH_BINARY)
    shape = cv2.bitwise_and(ink, near)
    bx, by, bw, bh = cv2.boundingRect(shape)
    if bw == 0:
        return None, x, y, None
    return shape[by : by + bh, bx : bx + bw], x0 + bx, y0 + by, window[by : by + bh, bx : bx + bw]


def _tight(shape: np.ndarray, x: int, y: int):
    """A shape cut to its tight box: (shape, x, y), or (None, x, y) where it is empty."""
    bx, by, bw, bh = cv2.boundingRect(shape)
    if bw == 0:
        return None, x, y
    return shape[by : by + bh, bx : bx + bw], x + bx, y + by


def _is_rule(shape: np.ndarray, horizontal: np.ndarray, vertical: np.ndarray, x: int, y: int, px: float = 1.0) -> bool:
    """A ruler-straight bar no thicker than the paper lines it runs between: the side of a printed
    box (a form's digit boxes) or a table's rule. A handwritten 1 is a pen stroke, thicker than a
    printed line, or bent, or not ending on lines. Both are measured at one scale, the lines' (as
    remove_lines made them with this `px`): a line one pixel thick is as thick as the bar only there."""
    h, w = shape.shape
    bar, lines = shape, horizontal  # a bar standing up runs between lines lying down
    if h < w:  # lying down: look at it standing up
        bar, lines, x, y, h, w = shape.T, vertical.T, y, x, w, h
    if w > max(6 * px, h // 5):
        return False
    col = x + w // 2
    # a line touching each end (a box's side was cut from its lines as they were taken out: within a
    # pixel at half size), and how thick it is (less what remove_lines thickened it by). A 1 written in a
    # cell of a grid (a sudoku's), as straight and thin as its lines, stops short of them.
    reach, overlap = int(12 * px), int(6 * px)
    near = overlap + max(1, int(2 * px))
    above = lines[max(0, y - reach) : y + overlap, col] > 10
    below = lines[y + h - overlap : y + h + reach, col] > 10
    if not (above[-near:].any() and below[:near].any()):
        return False
    thickened = (int(5 * px) | 1) - 1
    top, bottom = np.count_nonzero(above) - thickened, np.count_nonzero(below) - thickened
    weight = bar.sum(1, dtype=np.float64)
    rows = np.flatnonzero(weight)
    rows = rows[len(rows) // 10 : len(rows) - len(rows) // 10]  # not the ends, where what is left of a corner may cling
    if len(rows) < 3:
        return False
    width = np.count_nonzero(bar[rows], axis=1).mean()
    centre = (bar[rows] * np.arange(w)).sum(1) / weight[rows]
    bend = centre - np.polyval(np.polyfit(rows, centre, 1), rows)  # straight, at any slant
    return width <= 1.5 * min(top, bottom) + 1 and float(np.abs(bend).max()) <= 0.7 * px


