"""Frame -> digit candidates: threshold the ink (paper.py flattens the lighting), drop marks that are not
digits, cut the blobs that hold several."""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median
from functools import cached_property, partial
from typing import Callable

import cv2
import numpy as np

from digitedge.vision.normalize import SQUARE, stroke_width, to_mnist, turned
from digitedge.vision.paper import (CROSSES, MIN_SIDE, SPAN, STROKE, TIGHT, crop_margin, every, find_sheet, glare_gain, halved, hands, ink_over, inked, keystone, labelled,
                                    on_sheet, paper_estimate, pen_width, polarity_of, rectified, remove_lines, search_copy,
                                    stroke_scale, to_gray, within_sheet)


EDGE = 0.03  # a thin bar this near the frame's border (a fraction of its width or height) is a sheet's edge
BIG = 0.3  # a view whose only marks this share of its tallest's height or more are two may hold one digit in two pieces (_two_halves)
HALF = 0.7  # marks shorter than this share of the typical digit height may be halves of one digit (_halves)
FAINT = 4  # a frame whose ink (its 99.7th percentile) is this many times its grain or more, if faint, is written faintly (_three_levels)
SPECK = 1.5  # a mark under this many times SegmentConfig.min_pixels tall may be a speck (_speck)
FLAG_GAP = 0.4  # a bar written apart (a 5's flag) may float this share of the taller piece's height above it (_same_digit)
FRAME_SPAN = 0.5  # lines taken out reaching across this share of the view's width (or height) are a paper's ruling or a form's (_frames)
ROUND = 0.85  # a frame runs along this share of its hull's border, or more (_outline)
OUTLINE = 1.0  # a frame's outline: the band this many of its strokes wide along its hull's border (_outline)
FRAMED = (0.3, 0.83)  # a mark inside another's box, this share of its height (least, most), may be framed by it (_framing)
GRID = 0.4  # a printed grid seen askew spans at least this share of the view, each way (_grid_corners)
SOLID = 0.85  # a mark filling more of its box than this is a solid blob, not a pen stroke (_solid)


@dataclass(frozen=True)
class SegmentConfig:
    max_side: int = 1280  # larger frames (4K) are shrunk to this for segmentation; boxes map back
    photo_side: int = 1600  # the same for a still photo (predict, an image source), where time matters less
    # than the detail of small handwriting in a phone's 12-megapixel photo of a page
    polarity: str = "auto"  # ink vs paper: auto, dark-on-light, light-on-dark
    min_contrast: int = 40  # ink must be this much darker than the local paper, out of 255 (relative)
    min_height: float = 0.01  # digits are at least this fraction of the frame height
    min_pixels: int = 10  # and this many pixels tall once the frame is at processing size (at most max_side)
    max_height: float = 0.95  # and at most this fraction (bigger: the desk, a hand, the sheet's edge)
    min_relative_height: float = 0.45  # drop marks shorter than this times the median digit (dots, commas)
    split_ratio: float = 1.15  # a candidate wider than this times its height is split into touching digits
    crop_margin: bool = False  # a still image cropped close to its handwriting gets a margin of paper (paper.crop_margin)
    rectify: bool = True  # a sheet photographed at an angle, all of it in view, is read as seen head-on (paper.keystone)


@dataclass
class Candidate:
    box: tuple[int, int, int, int]  # x, y, w, h in the original frame's pixels
    ink: np.ndarray = field(repr=False)  # (h, w) uint8 at processing scale: this digit's ink alone
    support: np.ndarray = field(repr=False)  # (h, w) uint8 0/255: the pixels that are its ink
    images: dict[tuple[float, float], np.ndarray] = field(default_factory=dict, repr=False)  # (turn, shear) -> its 28x28
    flat: tuple[int, int, int, int] | None = None  # its box on the page seen head-on (Placement.flat), if not `box`

    @property
    def page_box(self) -> tuple[int, int, int, int]:
        """Its box on the page as read: where it lies among the others, for lines and sizes."""
        return self.flat or self.box

    @property
    def image(self) -> np.ndarray:
        """(28, 28) uint8, white ink on black, MNIST-style; made when first asked for (the reader
        skips readings that cannot win)."""
        return self.upright(0.0)

    def upright(self, degrees: float, shear: float = 0.0) -> np.ndarray:
        """The 28x28 of this digit turned `degrees` counter-clockwise first (its line is seen askew),
        and sheared by `shear` (normalize.turned: the hand slants further than MNIST's writers did)."""
        if (degrees, shear) not in self.images:
            ink, support = turned(self.ink, self.support, degrees, shear) if degrees or shear else (self.ink, self.support)
            self.images[degrees, shear] = to_mnist(ink, support)
        return self.images[degrees, shear]


@dataclass
class Blob:
    """One connected piece of ink and the ways to cut it into digits; the first is the shape's guess."""

    box: tuple[int, int, int, int]  # x, y, w, h in the original frame's pixels
    counts: list[int]  # digits in each way of reading it: the shape's guess, then one fewer and/or one more
    cut: Callable[[int, float], tuple[list[Candidate], int]] = field(repr=False)  # (digit count, shear) -> (digits, touches)
    made: dict[int, tuple[list[Candidate], int]] = field(default_factory=dict, repr=False)
    flat: tuple[int, int, int, int] | None = None  # its box on the page seen head-on, if not `box`
    washed: bool = False  # found only by looking again under glare (_washed_out): read only where sure
    shear: float = 0.0  # its cuts run along the handwriting's lean: the shear that stands it up (lean)

    @property
    def page_box(self) -> tuple[int, int, int, int]:
        """Its box on the page as read (Candidate.page_box)."""
        return self.flat or self.box

    def reading(self, j: int) -> tuple[list[Candidate], int]:
        """Reading j's digits, and the places where its cuts go through ink (a touching pair: one per
        cut); cut when first asked for, since the reader skips readings whose count cannot win."""
        if j not in self.made:
            self.made[j] = self.cut(self.counts[j], self.shear)
        return self.made[j]

    def lean(self, shear: float) -> None:
        """Cut it along the handwriting's lean from now on: between digits that lean far, the gap runs
        as slanted as they do (normalize.turned's shear that stands them up; 0: straight down). Its
        readings of more than one digit (cut, even where a piece came out empty) are cut again when
        next asked for."""
        if shear != self.shear:
            self.shear = shear
            self.made = {j: made for j, made in self.made.items() if self.counts[j] == 1}

    def offer(self, count: int) -> None:
        """One more way to read it, if it is new: `count` digits (the reader's guess from the frame's
        typical digit width, which a short wide digit's own shape gets wrong)."""
        if count >= 1 and count not in self.counts:
            self.counts.append(count)

    @classmethod
    def whole(cls, candidate: Candidate) -> "Blob":
        """A blob read only as the one digit it is (other counts come out empty and are never chosen)."""
        return cls(candidate.box, [1], lambda k, shear=0.0: ([candidate] if k == 1 else [], 0), flat=candidate.flat)


@dataclass(frozen=True)
class Placement:
    """Where processing pixels lie in the frame as given: its scale, the margin of paper added around
    a crop (paper.crop_margin; in the frame's pixels), the frame's size (w, h), and, for a sheet
    seen at an angle and read as seen head-on (paper.rectified), the homography taking processing
    pixels to the frame's (`warp`)."""

    scale: float
    margin: float
    size: tuple[int, int]
    warp: np.ndarray | None = None

    def box(self, box: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
        """A box at processing scale, in the frame's pixels (within it): a rectified box's corners
        taken back, and the box around them."""
        if self.warp is not None:
            x, y, w, h = box
            corners = cv2.perspectiveTransform(np.float32([[[x, y], [x + w, y], [x + w, y + h], [x, y + h]]]), self.warp)[0]
            (x, y), (x1, y1) = np.rint(corners.min(0)).astype(int).tolist(), np.rint(corners.max(0)).astype(int).tolist()
            x1, y1 = min(x1, self.size[0]), min(y1, self.size[1])
            x, y = max(x, 0), max(y, 0)
            return x, y, max(x1 - x, 0), max(y1 - y, 0)
        s, m = self.scale, self.margin
        x, y, w, h = int(round(box[0] / s - m)), int(round(box[1] / s - m)), int(round(box[2] / s)), int(round(box[3] / s))
        x1, y1 = min(x + w, self.size[0]), min(y + h, self.size[1])
        x, y = max(x, 0), max(y, 0)
        return x, y, x1 - x, y1 - y

    def flat(self, box: tuple[float, float, float, float]) -> tuple[int, int, int, int] | None:
        """A box at processing scale on the page seen head-on, in the frame's units: None where the
        frame was not rectified (the page as seen is the page)."""
        if self.warp is None:
            return None
        return tuple(int(round(v / self.scale)) for v in box)


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
    tallest piece (_components)."""
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
    `_grid`: for a frame made by squaring a printed grid seen askew (_grid_corners), the homography
    from its pixels to the frame's as given, and that frame's size (w, h)."""
    frame = np.asarray(frame)
    big = frame.ndim == 3 and frame.dtype == np.uint8 and max(frame.shape[:2]) > cfg.max_side
    gray = to_gray(frame, coloured=not big)
    size = gray.shape[::-1]
    if gray.size == 0 or min(gray.shape) < 8:
        return _nothing()
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
        if margin:
            h, w = gray.shape
            gray = cv2.copyMakeBorder(gray, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=level)
            extent = (w / (w + 2 * margin), h / (h + 2 * margin))  # the image's own share of each side
            margin /= scale  # in the frame's pixels
    half = halved(gray)
    small = halved(half)
    window, shortest, stroke, span = 5, 15, STROKE, (0.0, 0.0)
    polarity = polarity_of(every(half, 2), polarity)  # (every other pixel at half size: thin chalk lines keep their brightness)
    seen = half  # (the frame as given, at half size: what a line along its border is measured on, _thin_rim)
    sheet = find_sheet(halved(small), polarity, seen)  # (found before any shrinking, in the frame's proportions)
    held = None if margin or _grid else hands(frame, sheet[0])  # a hand over the page, and the pen in it: not handwriting
    back = None  # for a rectified frame: the homography from its pixels to the frame's, at `rectified_at`
    # a sheet photographed at an angle: read as seen head-on (but not one a hard shadow crosses: then the
    # sheet found may be its lit part alone, whose outline is the shadow's, not the sheet's)
    corners = None if margin or not cfg.rectify or sheet[1] else keystone(sheet[0])
    if corners is not None:
        eighth = sheet[0].shape
        gray, back = rectified(gray, corners * (gray.shape[1] / eighth[1], gray.shape[0] / eighth[0]) - 0.5)
        rectified_at = scale
        half = halved(gray)
        small = halved(half)
        sheet = find_sheet(halved(small), polarity, seen)
    wanted = stroke_scale(small, 4, polarity, sheet[0])
    if wanted < 1:  # big, thick handwriting (a close-up): bring its strokes to the width this pipeline is built for
        # but keep MIN_SIDE pixels across: the paper and the sheet's edges are estimated at a quarter of that
        shrink = min(1.0, max(wanted, MIN_SIDE / min(gray.shape)))
        stroke = STROKE * shrink / wanted  # the strokes' width once shrunk
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
    ink, horizontal, vertical = remove_lines(raw, max(1, shortest // f), span, 1 / f)
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
        # warped so the grid's outline is upright (as a sheet's is, paper.rectified)
        if removal.across >= GRID * labels.shape[1] and removal.down >= GRID * labels.shape[0]:
            # lines taken out both ways (a grid at an angle, where its lines ran nearly level or upright,
            # what is left of it marks apart, read as 1s; or squared paper): the grid is looked for with
            # the lines taken out joined to the marks again
            together = (keep[labels] | removal.ink.view(bool)).view(np.uint8)
            corners = None
            if _may_span(together, GRID):  # (half the cost of labelling it: most frames stop here)
                n, joined, boxes = labelled(together)
                corners = _grid_corners(np.arange(n) > 0, joined, boxes)
        else:
            corners = _grid_corners(keep, labels, stats)
        if corners is not None:
            squared, outer = rectified(frame, corners * (f / scale) - margin)  # (in the frame's pixels)
            return segment(squared, cfg, (outer, size))
    # a ring or a box drawn round a number (an answer circled) is no digit: its outline is taken out of
    # the ink, and the marks are found again, the digits touching it parted from it
    frames = _frames(keep, labels, stats, removal,
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
        lifted = cv2.subtract(remove_lines(lifted, max(1, shortest // f), span, 1 / f)[0], edges)
        keep, labels, stats, levels = _washed_out(lifted, gain, keep, labels, stats, (low, high))
        if tallest is not None:  # (a mark added is one piece)
            tallest = np.concatenate([tallest, stats[len(tallest) :, cv2.CC_STAT_HEIGHT]])
    if f > 1:  # the same ink at full size, for the crops (made where a blob needs it)
        wiped = cv2.add(removal.lines, edges if frames is None else cv2.add(edges, frames))
        full = _full_ink(gray, paper, wiped, polarity)
        full_lit = _full_ink(gray, lit, wiped, polarity) if levels else full  # a washed-out mark's, over the paper under the glare
    warp = None  # processing pixels -> rectified ones at the scale rectified at -> the frame's
    if back is not None:
        warp = np.diag([1 / rectified_at, 1 / rectified_at, 1.0]) @ back @ np.diag([rectified_at / scale, rectified_at / scale, 1.0])
    if _grid is not None:  # processing pixels -> the squared frame's -> the frame's as given
        outer, size = _grid
        warp = outer @ (warp if warp is not None else np.array([[1 / scale, 0, -margin], [0, 1 / scale, -margin], [0, 0, 1.0]]))
    out, at = [], Placement(scale, margin, size, warp)
    found = _components(keep, stats, labels.shape, cfg, 1 / f, tallest)
    keep[[i for g in found for i in g[4]]] = True  # (the mask shows the faint pieces joined, _faint_pieces)
    boxes = np.array([g[:4] for g in found], np.float64).reshape(-1, 4)
    on = on_sheet(sheet, boxes[:, 0] + boxes[:, 2] / 2, boxes[:, 1] + boxes[:, 3] / 2, labels.shape).tolist()
    if not any(on):  # nothing on the bright sheet: the writing is on what looked like desk (a dark note on a white table)
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
        if max(w, h) > 2.5 * typical and _is_bar(shape):
            continue  # a pen lying on the page, a ruler's shadow: a long straight solid bar
        washed_out = [levels[i] for i in ids if i in levels] if levels else None
        if f == 1 and follow < low and not washed_out:  # (searched at full size: its crop is what low finds of it)
            shape, x, y = _tight(cv2.bitwise_and(shape, weak[y : y + h, x : x + w]), x, y)
            if shape is None:
                continue
            h, w = shape.shape
        if f > 1:
            solid = _solid(shape)  # (at half size: looked at again at full size)
            shape, x, y, region = _at_full(shape, x, y, f, full_lit if washed_out else full, (H, W),
                                           min(washed_out) if washed_out else low)
            if shape is None or (solid and _solid(shape)):
                continue
            h, w = shape.shape
        else:
            region = ink[y : y + h, x : x + w]
        if held is not None and _over(held, at.box((x, y, w, h)), size):
            continue  # a hand's outline, its fingers' gaps, the pen's tip held in it
        if h < SPECK * cfg.min_pixels and _speck(shape):
            continue  # a crumb, a blot, a dot of ink: cut in two, its halves read as a confident 11
        first = _cut(_split(shape, cfg.split_ratio), shape, region, x, y, at)
        n = len(first[0])
        # the shape alone cannot tell one wide digit from two touching ones, or two from three:
        # offer one digit fewer and one more, and let the classifier choose (reader.classify)
        counts = [n] + [n - 1] * (n > 1) + [n + 1] * (n > 1 or w > 0.8 * h)
        out.append(Blob(at.box((x, y, w, h)), counts, partial(_cut_into, shape, region, x, y, at), {0: first},
                        at.flat((x, y, w, h)), washed=bool(washed_out)))
    if warp is not None:  # the mask drawn back onto the frame as seen (search pixels -> processing ones -> the frame's)
        return out, Mask(keep, labels, warp @ np.diag([W / labels.shape[1], H / labels.shape[0], 1.0]), size)
    return out, Mask(keep, labels[m : labels.shape[0] - m, m : labels.shape[1] - m])


def _nothing() -> tuple[list[Blob], "Mask"]:
    """segment's answer for a frame holding no digit: no blobs, an empty mask."""
    return [], Mask(np.zeros(2, bool), np.zeros((8, 8), np.int32))


def _frames(keep: np.ndarray, labels: np.ndarray, stats: np.ndarray, removal: Removal, min_h: float) -> np.ndarray | None:
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
    for, and once: the turned-grid look (segment) and _frames both ask for them."""

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
        ring's flat top (_frames), a grid seen askew (segment)."""
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
    alone was joined to it as a piece of one digit (_same_digit)."""
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


def _may_span(mask: np.ndarray, share: float, k: int = 4) -> bool:
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


def _grid_corners(keep: np.ndarray, labels: np.ndarray, stats: np.ndarray) -> np.ndarray | None:
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


def _solid(shape: np.ndarray) -> bool:
    """A solid blob, not a pen stroke: filling more than SOLID of its box, and not a bar as narrow as a
    stroke (a 1). A mark found solid at half size is looked at again at full size: there a small bold
    digit's loops and gaps open again (a sudoku's printed 8, 29 pixels tall, filled 0.86-0.92 of its
    box at half size, 0.77-0.84 at full size), where a filled square or a dark sticker fills its box
    at any size."""
    h, w = shape.shape
    return _filling(cv2.countNonZero(shape), w, h)


def _filling(area: int, w: int, h: int) -> bool:
    """_solid's test on a mark's pixel count and box (w, h)."""
    return w > 0.35 * h and area > SOLID * w * h


def _speck(shape: np.ndarray) -> bool:
    """A small solid mark: a speck, a crumb, a dot of ink, not a digit. Its strokes' width
    (normalize.stroke_width) is at least 0.34 of its size: a filled disc 8 or 9 pixels across
    measures 0.36-0.44, the digits of 800 sample frames and 120 close-ups at most 0.33 (bold
    close-ups 40 pixels tall), a median 0.12."""
    return stroke_width(shape) >= 0.34 * max(shape.shape)


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


def _at_full(shape: np.ndarray, x: int, y: int, f: int, full, size: tuple[int, int], low: float):
    """A blob found at 1/f of the size, cut at full size: the full-size ink (`full`, a function of a
    window; the frame `size` (H, W)) above `low` within a pixel of the blob's pixels (so none of a
    neighbour's). Returns (shape, x, y, ink) of its tight box, or Nones."""
    H, W = size
    h, w = shape.shape
    x0, y0 = max(0, x * f - 1), max(0, y * f - 1)
    x1, y1 = min(W, (x + w) * f + 1), min(H, (y + h) * f + 1)
    near = np.zeros((y1 - y0, x1 - x0), np.uint8)
    big = cv2.resize(shape, (w * f, h * f), interpolation=cv2.INTER_NEAREST)
    near[y * f - y0 : y * f - y0 + h * f, x * f - x0 : x * f - x0 + w * f] = big[: y1 - y * f, : x1 - x * f]
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


class Mask:
    """The threshold mask, drawn only when someone looks at it (the camera's 'm' key): at search scale,
    or, for a frame read rectified, drawn back onto the frame as seen (`back`: the homography from
    the mask's pixels to the frame's, of this `size`)."""

    def __init__(self, keep: np.ndarray, labels: np.ndarray, back: np.ndarray | None = None, size: tuple[int, int] | None = None):
        self.keep, self.labels, self.back, self.size = keep, labels, back, size

    @property
    def image(self) -> np.ndarray:
        image = self.keep[self.labels].astype(np.uint8) * 255
        if self.back is None:
            return image
        return cv2.warpPerspective(image, self.back, self.size, flags=cv2.INTER_NEAREST)


def _cut(pieces: list[np.ndarray], shape: np.ndarray, region: np.ndarray, x: int, y: int, at: Placement):
    """(digits, touches) of one way of cutting a blob into pieces."""
    digits = [c for c in (_candidate(p, shape, region, x, y, at) for p in pieces) if c]
    return digits, sum(_touches(a, b) for a, b in zip(pieces, pieces[1:]))


def _cut_into(shape: np.ndarray, region: np.ndarray, x: int, y: int, at: Placement, k: int, shear: float = 0.0):
    """A blob's shape cut into k digits along the least-ink paths (along the handwriting's lean where
    `shear` says it leans: _leaning_paths)."""
    return _cut([shape] if k == 1 else _split(shape, 0.0, parts=k, shear=shear), shape, region, x, y, at)


def _candidate(piece: np.ndarray, shape: np.ndarray, region: np.ndarray, x: int, y: int, at: Placement) -> Candidate | None:
    """One digit's crop: its pixels of the blob, with their soft edges but none of its neighbours'."""
    bx, by, bw, bh = cv2.boundingRect(piece)
    if bw == 0:
        return None
    support = cv2.dilate(piece, SQUARE)
    if piece is not shape:
        support = cv2.bitwise_and(support, cv2.bitwise_not(cv2.subtract(shape, piece)))
    crop = cv2.bitwise_and(region, support)
    return Candidate(at.box((x + bx, y + by, bw, bh)), crop, support, flat=at.flat((x + bx, y + by, bw, bh)))


def _components(keep: np.ndarray, stats: np.ndarray, shape: tuple[int, int], cfg: SegmentConfig, px: float = 1.0,
                tallest: np.ndarray | None = None):
    """Kept components, merged where a stroke broke, filtered to digit-like sizes: (x, y, w, h, ids).
    `px`: the size of shape's pixels, in the processing scale's. `tallest`: for components followed
    down below the low level (_three_levels), the height of each one's tallest piece above it (None:
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
            continue  # a solid blob, not a pen stroke (found at half size: looked at again at full size, _solid)
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


def _touches(left: np.ndarray, right: np.ndarray) -> int:
    """Separate places where two neighbouring pieces touch: one for two digits written into each
    other, two for a 0 cut in half, three for an 8."""
    contact = cv2.bitwise_and(cv2.dilate(left, SQUARE), right)
    return cv2.connectedComponents(contact, connectivity=8)[0] - 1


def _split(shape: np.ndarray, ratio: float, parts: int | None = None, shear: float = 0.0) -> list[np.ndarray]:
    """The digits in a blob, as masks: the blob itself, or pieces where it is too wide for one digit.

    Each cut is the path from top to bottom that crosses the least ink near an even division,
    so digits that overlap in x (a leaning 0 against the next) still come apart."""
    h, w = shape.shape
    if parts is None:
        if w <= ratio * h:
            return [shape]
        parts = int(np.clip(round(w / (0.75 * h)), 2, 8))
    return _pieces(shape, _leaning_paths(shape, parts, shear) if shear else _paths(shape, parts))


def _leaning_paths(shape: np.ndarray, parts: int, shear: float) -> list[np.ndarray]:
    """_paths along the handwriting's lean: found in the shape sheared by `shear` (normalize.turned's:
    rows above the middle moved left by shear per pixel), where digits leaning that far stand up
    and the gaps between them run down, and taken back (each path a column per row, in fractions)."""
    h, w = shape.shape
    pad = int(np.ceil(abs(shear) * h / 2)) + 1
    m = np.float32([[1, shear, pad - shear * h / 2], [0, 1, 0]])
    upright = cv2.warpAffine(shape, m, (w + 2 * pad, h), flags=cv2.INTER_NEAREST)
    x0, _, width, _ = cv2.boundingRect(upright)  # (divided evenly across its ink, as it stands, not the canvas)
    if width == 0:
        return []
    back = pad - x0 + shear * (np.arange(h) - h / 2)  # (a column in the sheared shape, less this, is the shape's)
    return [path - back for path in _paths(upright[:, x0 : x0 + width], parts)]


def _paths(shape: np.ndarray, parts: int) -> list[np.ndarray]:
    """The least-ink paths from top to bottom that cut a blob's shape into `parts`, each near an even
    division. A path through a loop (a 0's hole, taking its far side with the neighbour: two 0s
    touching side by side) crosses its ring twice: that cut is made again with the loops filled,
    where the narrowest neck between them is the cheapest, and taken where it crosses the ink fewer
    times."""
    w = shape.shape[1]
    ink, filled = (shape > 0).astype(np.float32), None
    paths, start = [], 0
    for k in range(1, parts):
        centre, reach = k * w // parts, max(2, int(0.3 * w / parts))
        lo, hi = max(start + 1, centre - reach), min(w - 1, centre + reach)
        if hi - lo < 2:
            continue
        path = lo + _cheapest_path(ink[:, lo:hi], centre - lo)
        crossed = _touches(*_pieces(shape, [path]))
        if crossed > 1:
            filled = _filled(shape) if filled is None else filled
            necked = lo + _cheapest_path(filled[:, lo:hi], centre - lo)
            if _touches(*_pieces(shape, [necked])) < crossed:
                path = necked
        paths.append(path)
        start = int(path.max())
    return paths


def _pieces(shape: np.ndarray, paths: list[np.ndarray]) -> list[np.ndarray]:
    """A blob's shape cut along these paths (one column per row each), left to right."""
    if not paths:
        return [shape]
    side = sum((np.arange(shape.shape[1])[None, :] >= p[:, None]).astype(np.int32) for p in paths)  # piece index per pixel
    return [np.where(side == i, shape, 0).astype(np.uint8) for i in range(len(paths) + 1)]


def _filled(shape: np.ndarray) -> np.ndarray:
    """A blob's ink with its loops' holes filled (as cost: 1 on ink or in a hole, 0 outside)."""
    h, w = shape.shape
    outside = np.zeros((h + 2, w + 2), np.uint8)
    outside[1:-1, 1:-1] = shape > 0
    cv2.floodFill(outside, None, (0, 0), 2)  # the paper reached from around the blob (4-connected)
    return (outside[1:-1, 1:-1] != 2).astype(np.float32)


def _cheapest_path(cost: np.ndarray, centre: int) -> np.ndarray:
    """Column per row of the top-to-bottom path through `cost` (moves: down, down-left, down-right).

    Dynamic programming over the rows; on a tie the leftmost move wins, then straight down.
    Plain Python: the band is a few columns wide, where NumPy's per-call overhead dominates."""
    h, w = cost.shape
    rows = (cost + 0.02 * np.abs(np.arange(w) - centre)[None, :]).tolist()  # prefer the middle on a tie
    inf = float("inf")
    total = rows[0]
    steps = [[0] * w]
    for r in range(1, h):
        row, step, nxt = rows[r], [0] * w, [0.0] * w
        for c in range(w):
            best, move = total[c], 0
            if c > 0 and total[c - 1] + 0.1 <= best:  # slanting costs a little
                best, move = total[c - 1] + 0.1, -1
            right = total[c + 1] + 0.1 if c + 1 < w else inf
            if right < best:
                best, move = right, 1
            nxt[c], step[c] = row[c] + best, move
        total = nxt
        steps.append(step)
    path = np.empty(h, np.int64)
    c = min(range(w), key=total.__getitem__)
    path[-1] = c
    for r in range(h - 1, 0, -1):
        c += steps[r][c]
        path[r - 1] = c
    return path
