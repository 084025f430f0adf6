"""Frame -> digit candidates: flatten the lighting, threshold, drop marks that are not digits, split pairs."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Callable

import cv2
import numpy as np

from digitedge.vision.normalize import to_mnist


@dataclass(frozen=True)
class SegmentConfig:
    max_side: int = 1280  # larger frames (4K) are shrunk to this for segmentation; boxes map back
    polarity: str = "auto"  # ink vs paper: auto, dark-on-light, light-on-dark
    min_contrast: int = 40  # ink must be this much darker than the local paper, out of 255 (relative)
    min_height: float = 0.02  # digits are at least this fraction of the frame height
    max_height: float = 0.95  # and at most this fraction (bigger: the desk, a hand, the sheet's edge)
    min_relative_height: float = 0.45  # drop marks shorter than this times the median digit (dots, commas)
    split_ratio: float = 1.15  # a candidate wider than this times its height is split into touching digits


@dataclass
class Candidate:
    box: tuple[int, int, int, int]  # x, y, w, h in the original frame's pixels
    ink: np.ndarray = field(repr=False)  # (h, w) uint8 at processing scale: this digit's ink alone
    support: np.ndarray = field(repr=False)  # (h, w) uint8 0/255: the pixels that are its ink

    @cached_property
    def image(self) -> np.ndarray:
        """(28, 28) uint8, white ink on black, MNIST-style; made when first asked for (the reader
        skips readings that cannot win)."""
        return to_mnist(self.ink, self.support)


@dataclass
class Blob:
    """One connected piece of ink and the ways to cut it into digits; the first is the shape's guess."""

    box: tuple[int, int, int, int]  # x, y, w, h in the original frame's pixels
    counts: list[int]  # digits in each way of reading it: the shape's guess, then one fewer and/or one more
    cut: Callable[[int], tuple[list[Candidate], int]] = field(repr=False)  # digit count -> (digits, touches)
    made: dict[int, tuple[list[Candidate], int]] = field(default_factory=dict, repr=False)

    def reading(self, j: int) -> tuple[list[Candidate], int]:
        """Reading j's digits, and the places where its cuts go through ink (a touching pair: one per
        cut); cut when first asked for, since the reader skips readings whose count cannot win."""
        if j not in self.made:
            self.made[j] = self.cut(self.counts[j])
        return self.made[j]

    def offer(self, count: int) -> None:
        """One more way to read it, if it is new: `count` digits (the reader's guess from the frame's
        typical digit width, which a short wide digit's own shape gets wrong)."""
        if count >= 1 and count not in self.counts:
            self.counts.append(count)

    @classmethod
    def whole(cls, candidate: Candidate) -> "Blob":
        """A blob read only as the one digit it is (other counts come out empty and are never chosen)."""
        return cls(candidate.box, [1], lambda k: ([candidate] if k == 1 else [], 0))


def to_gray(frame: np.ndarray) -> np.ndarray:
    """Any frame (BGR, BGRA, gray; uint8 or not) -> uint8 gray; an empty frame stays empty."""
    frame = np.asarray(frame)
    if frame.size == 0:
        return np.zeros((0, 0), np.uint8)
    if frame.dtype != np.uint8:
        frame = cv2.normalize(frame.astype(np.float32), None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    if frame.ndim == 3 and frame.shape[2] == 1:
        return frame[..., 0]
    if frame.ndim == 3 and frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2GRAY)
    if frame.ndim == 3:
        return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    return frame


def ink_map(gray: np.ndarray, polarity: str = "auto") -> np.ndarray:
    """The ink alone, 0-255, with the lighting divided out (see flatten)."""
    return flatten(gray, polarity)[0]


def _quarter(gray: np.ndarray) -> np.ndarray:
    return _half(_half(gray))  # (two halvings are several times faster than one quartering)


def _half(gray: np.ndarray) -> np.ndarray:
    h, w = gray.shape
    return cv2.resize(gray, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)


STROKE = 4.0  # stroke width, in processing pixels, that segmentation's windows are sized for
THICKEST = 10.0  # strokes up to this wide, in frame pixels, are left as they are (the close-up check can't measure them)
SPAN = 0.35  # in a close-up, a paper line spans at least this fraction of the frame
MIN_SIDE = 240  # a close-up is shrunk no smaller than this, its short side in pixels


def stroke_scale(small: np.ndarray, factor: int, polarity: str = "auto") -> float:
    """How much to shrink a frame so its handwriting's strokes are about STROKE pixels wide (at most 1).

    `small` is the frame shrunk `factor` times. Its ink is found against a closing (dark ink) or
    opening (light ink) a quarter of its size across, which lighting cannot fool, and a stroke's
    width is twice its area over its perimeter. The desk, the sheet's edges and anything touching
    the border are left out (see below for which width counts). Strokes at most THICKEST pixels
    wide in the frame (2.5 at a quarter of its size) tell nothing and change nothing: only thick
    handwriting shrinks the frame."""
    h, w = small.shape
    if min(h, w) < 16:
        return 1.0
    polarity = _polarity(small, polarity)
    if polarity == "light-on-dark":
        small = 255 - small
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (max(h, w) // 4 | 1,) * 2)
    contrast = cv2.subtract(cv2.morphologyEx(small, cv2.MORPH_CLOSE, k), small)
    peak = _percentiles(contrast, (99.5,))[0]
    if peak < 40:
        return 1.0
    _, mask = cv2.threshold(contrast, 0.5 * peak, 255, cv2.THRESH_BINARY)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    x, y, bw, bh, area = stats.T
    strokes = (x > 0) & (y > 0) & (x + bw < w) & (y + bh < h) & (bh < 0.95 * h) & (area >= 4)
    strokes[0] = False
    if not strokes.any():
        return 1.0
    # each mark's own width (as normalize.stroke_width); the width of the mark holding the median
    # pixel of ink, so two thick digits count for more than five thin ticks; but never more than the
    # second-widest mark's, so one soft shadow that the closing picks up as a fat blob cannot shrink
    # a frame of thin handwriting by itself
    boundary = np.bincount(labels[cv2.subtract(mask, cv2.erode(mask, np.ones((3, 3), np.uint8))) > 0], minlength=n)
    widths, areas = 2.0 * area[strokes] / np.maximum(boundary[strokes], 1), area[strokes]
    order = np.argsort(widths)
    width = float(widths[order][np.searchsorted(np.cumsum(areas[order]), areas.sum() / 2)])
    if len(widths) > 1:
        width = min(width, float(widths[order][-2]))
    return 1.0 if width * factor <= THICKEST else min(1.0, STROKE / (width * factor))


def flatten(gray: np.ndarray, polarity: str = "auto", small: np.ndarray | None = None,
            window: int = 5, stroke: float = STROKE, px: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """How much the ink stands out from the local paper at each pixel, 0-255, relative to the paper;
    the sheet's edges (0/255, same size) and where the sheet lies (bool, an eighth of the size, or None).

    The paper is estimated by a median at quarter resolution (ink is a minority of any window),
    so lighting gradients, shadows and vignetting divide out. With polarity "auto", a frame whose
    median is far darker than its brightest part is a dark board with light ink (chalk, a
    negative); anything else, shadows included, is dark ink on light paper. `small` is the frame
    at a quarter of the processing scale; `gray` may be smaller than the processing scale by `px`.
    """
    paper, edges, sheet, polarity = _paper(gray, polarity, small, window, stroke, px)
    return _ink(gray, paper, polarity), edges, sheet


def _ink(gray: np.ndarray, paper: np.ndarray, polarity: str) -> np.ndarray:
    """The ink's contrast against the paper estimate (same size), 0-255."""
    if polarity == "light-on-dark":
        gray = 255 - gray
    return 255 - cv2.divide(gray, cv2.max(paper, 1), scale=255)  # paper -> 0, ink brighter


def _paper(gray: np.ndarray, polarity: str, small: np.ndarray | None, window: int, stroke: float, px: float):
    """flatten's paper estimate at gray's size (inverted for light ink), the edges, the sheet, the polarity."""
    h, w = gray.shape
    small = _quarter(gray) if small is None else small  # the caller's, if it already shrank the frame
    sh, sw = small.shape
    paper = cv2.medianBlur(small, max(window, (max(sw, sh) // 10) | 1))
    polarity = _polarity(small, polarity)
    if stroke > 1.5 * STROKE:  # strokes too thick for the median's window, where ink can be the majority:
        # a closing (an opening for light ink) two strokes wide erases them, whatever their share
        wipe = cv2.morphologyEx(small, cv2.MORPH_CLOSE if polarity == "dark-on-light" else cv2.MORPH_OPEN,
                                np.ones((int(stroke / 2 + 3) | 1,) * 2, np.uint8))
        paper = cv2.max(paper, wipe) if polarity == "dark-on-light" else cv2.min(paper, wipe)
    # hard steps in the paper estimate are the sheet's edges (or hard shadows): no handwriting there
    step = cv2.morphologyEx(paper, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    bright = paper if polarity == "dark-on-light" else 255 - paper  # the paper's own level: a dark board's is 255 - it
    edges = cv2.dilate((step > np.maximum(0.25 * bright, 20)).astype(np.uint8) * 255, np.ones((3, 3), np.uint8))
    sheet, shadowed = None, False
    if polarity == "dark-on-light":  # at an eighth of the size: a sheet is big, and it costs a quarter as much
        eighth = (max(1, sw // 2), max(1, sh // 2))
        sheet, shadowed = _sheet(cv2.resize(paper, eighth, interpolation=cv2.INTER_AREA),
                                 (cv2.resize(edges, eighth, interpolation=cv2.INTER_AREA) > 0).view(np.uint8) * 255)
    zone = None
    if shadowed:  # the steps are a hard shadow's across the page: there the median blurs the step over its
        # window, so a band of shadowed paper beside it would read as ink; a closing follows the step
        # (the handwriting crossing it stays), and nothing is subtracted
        zone = cv2.resize(cv2.dilate(edges, np.ones((max(window, (max(sw, sh) // 10) | 1),) * 2, np.uint8)), (w, h),
                          interpolation=cv2.INTER_NEAREST) > 0
        edges = np.zeros_like(edges)
    edges = cv2.resize(edges, (w, h), interpolation=cv2.INTER_NEAREST)
    paper = cv2.resize(cv2.blur(paper, (5, 5)), (w, h), interpolation=cv2.INTER_LINEAR)
    if polarity == "light-on-dark":
        gray, paper = 255 - gray, 255 - paper
    if zone is not None:
        closing = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, np.ones((int((2 * stroke + 3) * px) | 1,) * 2, np.uint8))
        paper = np.where(zone, closing, paper)
    # the paper is never brighter than the brightest pixel near it: this keeps the blurred estimate
    # from spilling over the sheet's edge onto the desk (a false "ink" band), while strokes
    # narrower than the window still see the paper beside them
    # wider than two strokes, or a thick stroke's middle reads as paper (a hollow marker stroke):
    # a frame that is not shrunk may hold strokes up to THICKEST pixels wide
    reach = max(int(2 * THICKEST * px) + 1, int((2 * stroke + 3) * px) | 1)
    paper = cv2.min(paper, cv2.dilate(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (reach, reach))))
    return paper, edges, sheet, polarity


def _sheet(paper: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray | None, bool]:
    """Where the sheet of paper lies, when the view shows one on a darker desk: the regions between
    the hard edges whose paper is nearly as bright as the brightest region's (a soft or hard shadow
    on the sheet is still sheet). None, and nothing is ruled out, when no such sheet stands out
    (a view of paper alone, a white desk). `paper` is the paper estimate, shrunk. And whether the
    edges are a hard shadow's across a page that fills the view (its bright part reaching three of
    the view's sides)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(cv2.bitwise_not(edges), connectivity=4, ltype=cv2.CV_16U)
    if n < 3:  # steps that part nothing: a soft shadow's across the page (broken where the handwriting
        # crosses it) if they lie within it, away from the view's border (where a sheet's edge shows),
        # and run a third of the way across it (not the dip of the paper estimate under dense ink)
        h, w = edges.shape
        inner = cv2.countNonZero(edges[h // 10 : h - h // 10, w // 10 : w - w // 10])
        if inner == 0 or inner < 0.8 * cv2.countNonZero(edges):
            return None, False
        _, _, steps, _ = cv2.connectedComponentsWithStats(edges, connectivity=8)
        return None, bool((steps[1:, cv2.CC_STAT_HEIGHT] >= h / 3).any() or (steps[1:, cv2.CC_STAT_WIDTH] >= w / 3).any())
    area = stats[:, cv2.CC_STAT_AREA].astype(np.float64)
    total = np.bincount(labels.ravel(), weights=paper.ravel(), minlength=n)
    mean = total / np.maximum(area, 1)
    big = area >= 0.02 * paper.size  # a region of its own, not a sliver between edges
    big[0] = False  # the edges themselves
    inside = big & (mean >= 0.8 * mean[big].max(initial=0))
    outside = ~inside
    outside[0] = False
    share = area[inside].sum() / paper.size
    if not 0.1 <= share <= 0.9 or not outside.any():
        return None, False
    if total[outside].sum() / area[outside].sum() > 0.8 * total[inside].sum() / area[inside].sum():
        return None, False  # the rest is nearly as bright: no desk to rule out
    sheet = inside[labels]
    if sum(bool(side.any()) for side in (sheet[0], sheet[-1], sheet[:, 0], sheet[:, -1])) >= 3:
        return None, True  # the bright part spans the view: a page filling it with a hard shadow across, not a sheet on a desk
    return cv2.dilate(sheet.view(np.uint8), np.ones((3, 3), np.uint8)).view(bool), False  # and the edges around it


def _on_sheet(sheet: np.ndarray | None, x: float, y: float, shape: tuple[int, int]) -> bool:
    """Whether a point of a frame of this shape lies on the sheet, or between two parts of it on its row
    (a thick 0 can ring its own middle with edges, which then looks like a hole in the sheet)."""
    if sheet is None:
        return True
    row = sheet[min(int(y * sheet.shape[0] / shape[0]), sheet.shape[0] - 1)]
    x = min(int(x * sheet.shape[1] / shape[1]), len(row) - 1)
    return bool(row[x] or (row[:x].any() and row[x + 1 :].any()))


def _polarity(small: np.ndarray, polarity: str) -> str:
    """"auto" decided: a frame whose median is far darker than its brightest part is a dark board
    with light ink (chalk, a negative); anything else, shadows included, is dark ink on light paper."""
    if polarity != "auto":
        return polarity
    mid, top = _percentiles(small, (50, 99.5))
    return "light-on-dark" if mid < 0.4 * top else "dark-on-light"


def _percentiles(image: np.ndarray, qs: tuple[float, ...]) -> list[float]:
    """np.percentile's (linear) percentiles of a uint8 image, from its histogram: 5x faster."""
    cdf = np.cumsum(cv2.calcHist([np.ascontiguousarray(image)], [0], None, [256], [0, 256]).ravel().astype(np.int64))
    n = int(cdf[-1])
    out = []
    for q in qs:
        k = q / 100 * (n - 1)
        lo = int(k)
        below, above = np.searchsorted(cdf, [lo + 1, min(lo + 1, n - 1) + 1])  # order statistics lo, lo+1
        out.append(float(below + (k - lo) * (above - below)))
    return out


def remove_lines(ink: np.ndarray, shortest: int = 15, span: float = 0.0,
                 px: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Subtract ruled and squared paper lines and the sheet's edges: straight runs far longer than a stroke
    (a sixth of the frame's width, a fifth of its height, and at least `shortest` pixels), and
    spanning at least `span` of the frame (a close-up, where a digit's own stroke is that long).
    `px`: the size of ink's pixels, in the processing scale's. Returns the ink without them, and the
    horizontal and the vertical lines."""
    h, w = ink.shape
    # thicken across the line and bridge small gaps along it, so a line tilted by perspective or
    # broken by noise still makes one long straight run
    across, gap = int(5 * px) | 1, int(9 * px) | 1
    horizontal = cv2.dilate(ink, np.ones((across, 1), np.uint8))
    horizontal = cv2.morphologyEx(horizontal, cv2.MORPH_CLOSE, np.ones((1, gap), np.uint8))
    horizontal = cv2.morphologyEx(horizontal, cv2.MORPH_OPEN, np.ones((1, max(shortest, w // 6)), np.uint8))
    vertical = cv2.dilate(ink, np.ones((1, across), np.uint8))
    vertical = cv2.morphologyEx(vertical, cv2.MORPH_CLOSE, np.ones((gap, 1), np.uint8))
    vertical = cv2.morphologyEx(vertical, cv2.MORPH_OPEN, np.ones((max(shortest, h // 5), 1), np.uint8))
    if span:  # a close-up's 1 also passes the opening; a paper line runs on across the sheet
        horizontal = _spanning(horizontal, 0, span * w)
        vertical = _spanning(vertical, 1, span * h)
    lines = cv2.add(horizontal, vertical)  # add: crossings are darker
    return cv2.subtract(ink, lines), horizontal, vertical


def _spanning(lines: np.ndarray, axis: int, length: float) -> np.ndarray:
    """The runs in `lines` whose extent along `axis` (0: x, 1: y) is at least `length`."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats((lines > 10).astype(np.uint8), connectivity=8)
    keep = stats[:, cv2.CC_STAT_WIDTH if axis == 0 else cv2.CC_STAT_HEIGHT] >= length
    keep[0] = False
    return cv2.bitwise_and(lines, lines, mask=keep[labels].astype(np.uint8))


def threshold(ink: np.ndarray, min_contrast: int):
    """Hysteresis: strokes must reach a high level somewhere and are followed down to a low one.

    Returns (keep, labels, stats, low): the connected components of the low mask, which reach high,
    and the low level."""
    hist = cv2.calcHist([np.ascontiguousarray(ink[::2, ::2])], [0], None, [256], [0, 256]).ravel()
    peak = float(np.searchsorted(np.cumsum(hist), 0.997 * hist.sum()))  # the darkest ink in the frame, if there is any
    high = max(1.5 * min_contrast, 0.5 * peak)
    low = max(min_contrast, 0.25 * peak)
    _, weak = cv2.threshold(ink, low, 255, cv2.THRESH_BINARY)
    weak = cv2.morphologyEx(weak, cv2.MORPH_CLOSE, np.ones((2, 2), np.uint8))  # mend hairline breaks
    try:  # 16-bit labels are several times faster; a frame of noise can overflow them
        n, labels, stats, _ = cv2.connectedComponentsWithStats(weak, connectivity=8, ltype=cv2.CV_16U)
    except cv2.error:
        n, labels, stats, _ = cv2.connectedComponentsWithStats(weak, connectivity=8, ltype=cv2.CV_32S)
    keep = np.zeros(n, bool)
    keep[labels[ink > high]] = True
    keep[0] = False
    return keep, labels, stats, low


def segment(frame: np.ndarray, cfg: SegmentConfig = SegmentConfig()) -> tuple[list[Blob], "Mask"]:
    """Returns the blobs of ink that may be digits, in no order, and the threshold mask (search scale)."""
    gray = to_gray(frame)
    if gray.size == 0 or min(gray.shape) < 8:
        return [], Mask(np.zeros(2, bool), np.zeros((8, 8), np.int32))
    scale = 1.0
    if max(gray.shape) > cfg.max_side:
        scale = cfg.max_side / max(gray.shape)
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    elif min(gray.shape) < MIN_SIDE and max(gray.shape) < cfg.max_side:
        # a small image (an MNIST digit itself, a cropped number) is enlarged: this pipeline's
        # windows need a few pixels of paper around strokes a few pixels wide
        scale = min(MIN_SIDE / min(gray.shape), cfg.max_side / max(gray.shape))
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    half = _half(gray)
    small = _half(half)
    window, shortest, stroke, span = 5, 15, STROKE, 0.0
    polarity = _polarity(half[::2, ::2], cfg.polarity)  # (every other pixel at half size: thin chalk lines keep their brightness)
    wanted = stroke_scale(small, 4, polarity)
    if wanted < 1:  # big, thick handwriting (a close-up): bring its strokes to the width this pipeline is built for
        # but keep MIN_SIDE pixels across: the paper and the sheet's edges are estimated at a quarter of that
        shrink = min(1.0, max(wanted, MIN_SIDE / min(gray.shape)))
        stroke = STROKE * shrink / wanted  # the strokes' width once shrunk
        scale *= shrink
        gray = cv2.resize(gray, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
        half = _half(gray)
        small = _half(half)
        # the frame is now small for its digits: the paper window (about 17 strokes across, as in a
        # 640x480 frame of digits a tenth of its height) and the shortest line go by the strokes
        # (but at most a third of the frame: a median over most of it takes the desk around the sheet for paper)
        window, shortest, span = min(int(17 * stroke / 4), min(small.shape) // 3) | 1, int(16 * stroke), SPAN
    # a frame at least twice MIN_SIDE across is searched for ink at half its size, a quarter of the
    # cost; each blob found is then cut from the full-size ink, so its crop loses no detail
    f = 2 if min(gray.shape) >= 2 * MIN_SIDE else 1
    H, W = gray.shape
    find = _thin_pen(gray, half, polarity) if f > 1 else gray
    paper, edges, sheet, _ = _paper(find, polarity, small, window, stroke, 1 / f)
    ink, horizontal, vertical = remove_lines(_ink(find, paper, polarity), max(1, shortest // f), span, 1 / f)
    ink = cv2.subtract(ink, edges)  # nothing counts as ink on the sheet's edges
    keep, labels, stats, low = threshold(ink, cfg.min_contrast)
    if f > 1:  # the same ink at full size, for the crops
        full = _ink(gray, cv2.resize(paper, (W, H), interpolation=cv2.INTER_LINEAR), polarity)
        wiped = cv2.add(cv2.add(horizontal, vertical), edges)
        full = cv2.subtract(full, cv2.resize(wiped, (W, H), interpolation=cv2.INTER_NEAREST))
    out = []
    found = _components(keep, stats, labels.shape, cfg, 1 / f)
    on = [_on_sheet(sheet, x + w / 2, y + h / 2, labels.shape) for x, y, w, h, _ in found]
    if not any(on):  # nothing on the bright sheet: the writing is on what looked like desk (a dark note on a white table)
        on = [True] * len(found)
    typical = float(np.median([g[3] for g, o in zip(found, on) if o])) if found else 0.0  # the digits' height
    for (x, y, w, h, ids), on_sheet in zip(found, on):
        if not on_sheet:
            continue  # on the desk around the sheet: its pattern is not handwriting
        sub = labels[y : y + h, x : x + w]
        shape = (np.isin(sub, ids) if len(ids) > 1 else sub == ids[0]).astype(np.uint8) * 255
        if not span and _is_rule(shape, horizontal, vertical, x, y, 1 / f):  # (a close-up's lines are as thick as a pen's)
            continue  # the side of a printed box, or a table's rule, not a 1
        if max(w, h) > 2.5 * typical and _is_bar(shape):
            continue  # a pen lying on the page, a ruler's shadow: a long straight solid bar
        if f > 1:
            shape, x, y = _at_full(shape, x, y, f, full, low)
            if shape is None:
                continue
            h, w = shape.shape
            region = full[y : y + h, x : x + w]
        else:
            region = ink[y : y + h, x : x + w]
        first = _cut(_split(shape, cfg.split_ratio), shape, region, x, y, scale)
        n = len(first[0])
        # the shape alone cannot tell one wide digit from two touching ones, or two from three:
        # offer one digit fewer and one more, and let the classifier choose (reader.classify)
        counts = [n] + [n - 1] * (n > 1) + [n + 1] * (n > 1 or w > 0.8 * h)
        box = tuple(int(round(v / scale)) for v in (x, y, w, h))
        out.append(Blob(box, counts, partial(_cut_into, shape, region, x, y, scale), {0: first}))
    return out, Mask(keep, labels)


THIN = 1.3  # a pen is thin where pooling brings out a frame's darkest ink (its darkest 0.3%) this many times more than averaging


def _thin_pen(gray: np.ndarray, half: np.ndarray, polarity: str) -> np.ndarray:
    """The half-size copy to search for ink in: `half` (averaged), unless the handwriting is drawn
    in a pen thinner than two pixels (a ballpoint or a pencil seen by a webcam), which averaging
    fades to half its contrast or less. Then each 2x2 block's inkiest pixel counts half: as
    faint pencil lines come back, thick strokes are hardly thickened."""
    h, w = half.shape
    pooled = (cv2.erode if polarity == "dark-on-light" else cv2.dilate)(gray, np.ones((2, 2), np.uint8), anchor=(0, 0))
    q = 0.3 if polarity == "dark-on-light" else 99.7
    # (from every other pixel of each: a quarter of the counting)
    (paper, averaged), (inkiest,) = _percentiles(half[::2, ::2], (50, q)), _percentiles(pooled[::4, ::4], (q,))
    if abs(paper - inkiest) <= THIN * max(1.0, abs(paper - averaged)):
        return half
    return cv2.addWeighted(half, 0.5, cv2.resize(pooled, (w, h), interpolation=cv2.INTER_NEAREST), 0.5, 0)


def _is_bar(shape: np.ndarray) -> bool:
    """A straight solid bar: its smallest enclosing rectangle, at any angle, at least four times as long
    as it is wide and at least two-thirds filled (a row of touching digits fills a third of it)."""
    (_, _), (a, b), _ = cv2.minAreaRect(cv2.findNonZero(shape))
    long, short = max(a, b), max(min(a, b), 1.0)
    return long >= 4 * short and cv2.countNonZero(shape) >= 0.67 * long * short


def _at_full(shape: np.ndarray, x: int, y: int, f: int, full: np.ndarray, low: float):
    """A blob found at 1/f of the size, cut at full size: the full-size ink above `low` within a pixel
    of the blob's pixels (so none of a neighbour's). Returns (shape, x, y) of its tight box, or None."""
    H, W = full.shape
    h, w = shape.shape
    x0, y0 = max(0, x * f - 1), max(0, y * f - 1)
    x1, y1 = min(W, (x + w) * f + 1), min(H, (y + h) * f + 1)
    near = np.zeros((y1 - y0, x1 - x0), np.uint8)
    big = cv2.resize(shape, (w * f, h * f), interpolation=cv2.INTER_NEAREST)
    near[y * f - y0 : y * f - y0 + h * f, x * f - x0 : x * f - x0 + w * f] = big[: y1 - y * f, : x1 - x * f]
    near = cv2.dilate(near, np.ones((3, 3), np.uint8))
    _, ink = cv2.threshold(full[y0:y1, x0:x1], low, 255, cv2.THRESH_BINARY)
    shape = cv2.bitwise_and(ink, near)
    bx, by, bw, bh = cv2.boundingRect(shape)
    if bw == 0:
        return None, x, y
    return shape[by : by + bh, bx : bx + bw], x0 + bx, y0 + by


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
    # a line within 4 pixels of each end, and how thick it is (less what remove_lines thickened it by)
    reach, overlap, near = int(12 * px), int(6 * px), int(10 * px)
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
    """The threshold mask, drawn only when someone looks at it (the camera's 'm' key)."""

    def __init__(self, keep: np.ndarray, labels: np.ndarray):
        self.keep, self.labels = keep, labels

    @property
    def image(self) -> np.ndarray:
        return self.keep[self.labels].astype(np.uint8) * 255


def _cut(pieces: list[np.ndarray], shape: np.ndarray, region: np.ndarray, x: int, y: int, scale: float):
    """(digits, touches) of one way of cutting a blob into pieces."""
    digits = [c for c in (_candidate(p, shape, region, x, y, scale) for p in pieces) if c]
    return digits, sum(_touches(a, b) for a, b in zip(pieces, pieces[1:]))


def _cut_into(shape: np.ndarray, region: np.ndarray, x: int, y: int, scale: float, k: int):
    """A blob's shape cut into k digits along the least-ink paths."""
    return _cut([shape] if k == 1 else _split(shape, 0.0, parts=k), shape, region, x, y, scale)


def _candidate(piece: np.ndarray, shape: np.ndarray, region: np.ndarray, x: int, y: int, scale: float) -> Candidate | None:
    """One digit's crop: its pixels of the blob, with their soft edges but none of its neighbours'."""
    bx, by, bw, bh = cv2.boundingRect(piece)
    if bw == 0:
        return None
    support = cv2.dilate(piece, np.ones((3, 3), np.uint8))
    if piece is not shape:
        support = cv2.bitwise_and(support, cv2.bitwise_not(cv2.subtract(shape, piece)))
    crop = cv2.bitwise_and(region, support)
    box = (x + bx, y + by, bw, bh)
    return Candidate(tuple(int(round(v / scale)) for v in box), crop, support)


def _components(keep: np.ndarray, stats: np.ndarray, shape: tuple[int, int], cfg: SegmentConfig, px: float = 1.0):
    """Kept components, merged where a stroke broke, filtered to digit-like sizes: (x, y, w, h, ids).
    `px`: the size of shape's pixels, in the processing scale's."""
    H, W = shape
    min_h = max(6 * px, cfg.min_height * H)
    ids = np.flatnonzero(keep)
    x, y, w, h, area = stats[ids].T
    ids = ids[(area >= 6 * px * px) & (np.maximum(w, h) >= min_h * 0.5)]  # not specks and noise
    areas = dict(zip(ids.tolist(), stats[ids, cv2.CC_STAT_AREA].tolist()))
    groups = [[x, y, x + w, y + h, [i]] for i, (x, y, w, h, _) in zip(ids.tolist(), stats[ids].tolist())]  # [x0, y0, x1, y1, [ids]]
    groups = _merge_fragments(groups)
    kept = []
    for x0, y0, x1, y1, ids in groups:
        w, h = x1 - x0, y1 - y0
        if h < min_h or h > cfg.max_height * H or w > 0.9 * W:
            continue
        if x0 == 0 or y0 == 0 or x1 == W or y1 == H:
            continue  # cut by the frame edge: not a whole digit
        area = sum(areas[i] for i in ids)
        if area > 0.85 * w * h and w > 0.35 * h:
            continue  # a solid blob, not a pen stroke
        if w > 2.5 * h and area < 0.12 * w * h:
            continue  # a long thin line (a tilted rule, a table edge), not a row of touching digits
        kept.append((x0, y0, w, h, ids))
    if not kept:
        return []
    median_h = float(np.median([k[3] for k in kept]))
    return [k for k in kept
            if k[3] >= cfg.min_relative_height * median_h  # dots, commas
            and not (k[2] > 3 * k[3] and k[3] < 0.6 * median_h)]  # dashes, underlines


def _merge_fragments(groups: list) -> list:
    """Join pieces of one digit: boxes that overlap, or sit one above the other with a small gap.
    Biggest boxes first, each box takes in the first later box it can join, then is looked at again;
    when it has grown, an earlier box that can now join it takes it in. One box against all at a
    time: a frame of noise holds thousands of pieces."""
    groups = sorted(groups, key=lambda g: -(g[2] - g[0]) * (g[3] - g[1]))
    boxes = np.array([g[:4] for g in groups], np.int64).reshape(-1, 4)
    if len(groups) <= 256 and not np.triu(_same_digit(boxes, boxes), 1).any():
        return groups  # the usual frame: nothing to join, seen in one look at every pair
    i = 0
    while i < len(groups):
        later = np.flatnonzero(_same_digit(boxes[i : i + 1], boxes[i + 1 :])[0])
        if not len(later):
            i += 1
            continue
        j = i + 1 + int(later[0])
        gi, gj = groups[i], groups.pop(j)
        groups[i] = [min(gi[0], gj[0]), min(gi[1], gj[1]), max(gi[2], gj[2]), max(gi[3], gj[3]), gi[4] + gj[4]]
        boxes = np.delete(boxes, j, axis=0)
        boxes[i] = groups[i][:4]
        earlier = np.flatnonzero(_same_digit(boxes[:i], boxes[i : i + 1])[:, 0])
        if len(earlier):  # the grown box now joins an earlier one: that one takes it in
            k = int(earlier[0])
            gk, gi = groups[k], groups.pop(i)
            groups[k] = [min(gk[0], gi[0]), min(gk[1], gi[1]), max(gk[2], gi[2]), max(gk[3], gi[3]), gk[4] + gi[4]]
            boxes = np.delete(boxes, i, axis=0)
            boxes[k] = groups[k][:4]
            i = k
    return groups


def _same_digit(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """(m, k) bool: whether box i of `first` and box j of `second` (x0, y0, x1, y1 rows) are pieces of one digit."""
    one, other = first[:, None, :], second[None, :, :]
    first_bigger = ((first[:, 3] - first[:, 1])[:, None] >= (second[:, 3] - second[:, 1])[None, :])[..., None]
    big, small = np.where(first_bigger, one, other), np.where(first_bigger, other, one)
    bw, sw = big[..., 2] - big[..., 0], small[..., 2] - small[..., 0]
    bh, sh = big[..., 3] - big[..., 1], small[..., 3] - small[..., 1]
    x_overlap = np.minimum(big[..., 2], small[..., 2]) - np.maximum(big[..., 0], small[..., 0])
    y_gap = np.maximum(big[..., 1], small[..., 1]) - np.minimum(big[..., 3], small[..., 3])
    merged_h = np.maximum(big[..., 3], small[..., 3]) - np.minimum(big[..., 1], small[..., 1])
    merged_w = np.maximum(big[..., 2], small[..., 2]) - np.minimum(big[..., 0], small[..., 0])
    stacked = (x_overlap >= 0.6 * np.minimum(bw, sw)) & (y_gap <= 0.25 * bh) & (sh < 0.8 * bh)
    # a broken stroke, one above the other
    broken = (merged_h <= 1.5 * bh) & (np.maximum(bw, sw) <= 1.2 * merged_h)
    # a loop or tail that came off (a slanted 8's lower loop): small, touching, and the whole still digit-shaped
    loop = ((x_overlap >= -2) & (y_gap <= 2) & (sh < 0.6 * bh) & (merged_h <= 1.2 * bh)
            & (merged_w <= 1.2 * merged_h))
    return np.where(stacked, broken, loop)


def _touches(left: np.ndarray, right: np.ndarray) -> int:
    """Separate places where two neighbouring pieces touch: one for two digits written into each
    other, two for a 0 cut in half, three for an 8."""
    contact = cv2.bitwise_and(cv2.dilate(left, np.ones((3, 3), np.uint8)), right)
    return cv2.connectedComponents(contact, connectivity=8)[0] - 1


def _split(shape: np.ndarray, ratio: float, parts: int | None = None) -> list[np.ndarray]:
    """The digits in a blob, as masks: the blob itself, or pieces where it is too wide for one digit.

    Each cut is the path from top to bottom that crosses the least ink near an even division,
    so digits that overlap in x (a leaning 0 against the next) still come apart."""
    h, w = shape.shape
    if parts is None:
        if w <= ratio * h:
            return [shape]
        parts = int(np.clip(round(w / (0.75 * h)), 2, 8))
    ink = (shape > 0).astype(np.float32)
    paths, start = [], 0
    for k in range(1, parts):
        centre, reach = k * w // parts, max(2, int(0.3 * w / parts))
        lo, hi = max(start + 1, centre - reach), min(w - 1, centre + reach)
        if hi - lo < 2:
            continue
        path = lo + _cheapest_path(ink[:, lo:hi], centre - lo)
        paths.append(path)
        start = int(path.max())
    if not paths:
        return [shape]
    side = sum((np.arange(w)[None, :] >= p[:, None]).astype(np.int32) for p in paths)  # piece index per pixel
    return [np.where(side == i, shape, 0).astype(np.uint8) for i in range(len(paths) + 1)]


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
