"""The page under the handwriting: grayscale, the paper's brightness and the lighting divided out,
the sheet's edges and the desk around it, shadows, ruled lines, and the size to work at."""

from __future__ import annotations

import cv2
import numpy as np

from digitedge.errors import SourceError

STROKE = 4.0  # stroke width, in processing pixels, that segmentation's windows are sized for
THICKEST = 10.0  # strokes up to this wide, in frame pixels, are left as they are (the close-up check can't measure them)
SPAN = 0.35  # in a close-up, a paper line spans at least this fraction of the frame
CROSSES = 0.97  # in a crop made around handwriting, a paper line crosses at least this fraction of it
MIN_SIDE = 240  # a close-up is shrunk no smaller than this, its short side in pixels
RIM = 0.1  # a short step in the paper estimate this near the view's border (a fraction of its side) is a sheet's edge
SHADE = 0.4  # the shadowed part of a sheet lying in view is at least this bright, relative to its lit part
TIGHT = 0.5  # a still image is cropped close to its handwriting when ink reaching its edge spans this share of it
RIM_LINE = 3  # half-size pixels: dark along the view's border no deeper than this is a line, not a desk (_thin_rim)
LINE_SHARE = 0.6  # a mark with this share of its pixels in one straight row or column is a ruled line (_printed)
LATTICE = 3  # lines each way, running across a whole mark: a grid (a sudoku, a table), not handwriting
NEAR = 0.08  # ... or whose ink comes this near its edge, as a fraction of its width or height
KEYSTONE = 0.8  # a sheet whose far side is under this share of its near side's width is read as seen head-on
DARK = 0.4  # a view whose median is under this share of its brightest part is dark (a board, a negative)
THIN = 1.3  # a pen is thin where pooling brings out a frame's darkest ink (its darkest 0.3%) this many times more than averaging


def to_gray(frame: np.ndarray, coloured: bool = True) -> np.ndarray:
    """Any frame (BGR, BGRA, gray; uint8 or not) -> uint8 gray; an empty frame stays empty.
    `coloured`: light coloured marks darkened (inked); False, OpenCV's grey alone."""
    frame = np.asarray(frame)
    if frame.size == 0:
        return np.zeros((0, 0), np.uint8)
    if frame.dtype.kind not in "biuf" or frame.ndim not in (2, 3) or (frame.ndim == 3 and frame.shape[2] not in (1, 3, 4)):
        got = repr(frame.item()) if frame.ndim == 0 else f"an array of shape {frame.shape} and type {frame.dtype}"
        raise SourceError(f"not an image: got {got}; pass a grey (h, w) or colour (h, w, 3 or 4) array of numbers, "
                          "an image file read first (cv2.imread returns None for a file it cannot read)")
    if frame.dtype != np.uint8:
        frame = frame.astype(np.float32)
        finite = np.isfinite(frame)
        if not finite.all():  # NaN and infinities (a broken float image) take its median value
            frame = np.where(finite, frame, np.median(frame[finite]) if finite.any() else 0).astype(np.float32)
        frame = cv2.normalize(frame, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    if frame.ndim == 3 and frame.shape[2] == 1:
        return frame[..., 0]
    if frame.ndim == 3 and frame.shape[2] == 4:
        frame = cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR)
    if frame.ndim == 3:
        gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        return inked(frame, gray) if coloured else gray
    return frame


# A light, coloured mark (an orange, pink, light green or yellow marker: grey 150-200 on paper at 220,
# too faint to read) is dark in one of its channels. A bright pixel (_BRIGHT, from 110 to 150 of grey)
# whose darkest channel lies well below its grey, further below than the paper's around it does
# (_LEAD: from 5 to 33 levels further), is darkened towards that channel; white paper and light desks are near grey,
# coloured paper (a yellow sticky note, kraft paper) is as coloured as the paper around it, pencil on
# it too, and dark ink (black, blue, red) is already dark.
_LEAD = np.uint8(np.clip((np.arange(256) - 5) / 28, 0, 1) * 255)  # how much of its lead, out of 255, by its lead beyond the paper's
_BRIGHT = np.uint8(np.clip((np.arange(256) - 110) / 40, 0, 1) * 255)  # how much of it, out of 255
_ROW3 = np.ones((1, 3), np.uint8)
SLIGHT = 10  # levels: a frame whose samples (inked) this step darkens by less is left as OpenCV's grey


def inked(bgr: np.ndarray, gray: np.ndarray) -> np.ndarray:
    """The grey (of the BGR frame, the same size), with light coloured marks darkened towards their
    darkest channel (_LEAD, _BRIGHT), by how far that lies below their grey beyond the paper's own:
    the paper's is the median of samples 16 pixels apart, seven samples (112 pixels) across (a
    marker's strokes are a minority of any window, as paper_estimate's median has it), or where
    greater their opening five samples across, which keeps a coloured sheet lying on a desk (a sticky
    note) whole to its edges and corners, where the median's window is mostly desk, and takes out
    any stroke narrower than 80 pixels.

    Every fourth pixel of every fourth row is looked at first: where none of them would be darkened
    by SLIGHT levels or more (ink of any colour on white or coloured paper, pencil: most frames),
    the grey is returned as it is, and the full-size step (0.6 ms at 640x480) is skipped. A
    marker's stroke, several pixels wide, always crosses a few of them."""
    h, w = gray.shape
    if min(h, w) < 64:  # (a smaller image is a crop: its marks may be half of it, and a median of its lead means nothing)
        lead = cv2.subtract(gray, _darkest(bgr))
        return cv2.subtract(gray, _darkening(gray, lead, lead))
    grid = every(gray, 4)
    lead = cv2.subtract(grid, _darkest(every(bgr, 4)))
    samples = np.ascontiguousarray(lead[2::4, 2::4])  # (samples, not averages: each is paper or a mark)
    paper = cv2.max(cv2.medianBlur(samples, 7), cv2.morphologyEx(samples, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8)))
    if cv2.minMaxLoc(_darkening(grid, lead, cv2.subtract(lead, _spread(paper, lead.shape))))[1] < SLIGHT:
        return gray
    lead = cv2.subtract(gray, _darkest(bgr))
    return cv2.subtract(gray, _darkening(gray, lead, cv2.subtract(lead, _spread(paper, (h, w)))))


def _darkest(bgr: np.ndarray) -> np.ndarray:
    """Each pixel's darkest channel. (A pixel's three values are neighbours in a row: the minimum from
    its first value over the next two is theirs.)"""
    h, w = bgr.shape[:2]
    return cv2.extractChannel(cv2.erode(bgr.reshape(h, w * 3), _ROW3, anchor=(0, 0)).reshape(h, w, 3), 0)


def _spread(paper: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """The paper's lead, sampled a sixteenth of the frame apart, at this (h, w): a linear enlargement."""
    return cv2.resize(paper, shape[::-1], interpolation=cv2.INTER_LINEAR)


def _darkening(gray: np.ndarray, lead: np.ndarray, beyond: np.ndarray) -> np.ndarray:
    """How much inked darkens each pixel: by its `lead` (grey less darkest channel), as much of it as
    its lead `beyond` the paper's and its brightness say (_LEAD, _BRIGHT), but at most twice that
    excess (on a strongly coloured paper, whose own lead is large, a little noise in the excess
    would otherwise darken its pixels by much)."""
    much = cv2.multiply(cv2.LUT(beyond, _LEAD), cv2.LUT(gray, _BRIGHT), scale=1 / 255)
    return cv2.multiply(cv2.min(lead, cv2.add(beyond, beyond)), much, scale=1 / 255)


# A hand over the page (writing under a webcam, holding the sheet up to it) is skin: lit as the paper
# is, its colour relative to the paper's has red above green above blue (green 0.6-0.9 of red, blue
# 0.4-0.88 of it: light to dark skin), where paper, pencil, black and blue ink, shadows (neutral or
# bluish) and a red pen, an orange, pink or yellow marker (green or blue under 0.6 or 0.4 of red) do
# not; and it is solid over a width no handwriting's stroke has (HAND_CORE pixels at HAND_SIDE).
HAND_SIDE = 80  # the view is looked at for hands this many pixels on its long side (an eighth of 640)
HAND_DEPTH = 0.1  # where no sheet is found, a hand reaches this share of the view's long side in from its border
HAND_INK = 0.5  # within a skin-coloured region's outline, a sample under this share of its grey is ink (or a pen)
HAND_CORE = 3  # a hand's core: skin over a square this many of those pixels across (24 at 640x480)
_HAND_GREEN = (0.6, 0.9)  # green over red, relative to the paper's
_HAND_BLUE = (0.4, 0.88)  # blue over red


def hands(frame: np.ndarray, sheet: np.ndarray | None = None) -> np.ndarray | None:
    """Where a hand (anything skin-coloured and solid) lies over the page in a colour frame: a bool
    mask HAND_SIDE pixels on its long side, each skin region holding a core HAND_CORE pixels across,
    grown by two of those pixels (the fingers' shaded outline, the pen's tip standing out of them), but not a
    wooden desk around a sheet, nor a skin-coloured sheet holding writing; None where there is none,
    or no colour. `sheet`: find_sheet's mask for the frame (any size, its proportions), or None.

    Colours are taken relative to the paper's (the mean colour of the brightest tenth of the view),
    so a lamp's warm cast on white paper, or a coloured sheet, is not skin."""
    frame = np.asarray(frame)
    if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] < 3 or min(frame.shape[:2]) < 8 * HAND_CORE:
        return None
    k = max(1, max(frame.shape[:2]) // HAND_SIDE)
    small = every(frame[..., :3], k)  # (samples, not averages: a hand is big, and a pen's stroke stays its own colour)
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    bright = (grey >= _percentiles(grey, (90,))[0]).view(np.uint8)
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
    # sheet's outline (a pixel or more: the sheet found stops where a hand begins), where the desk
    # stops at it. Where none is found, a hand reaches into the view from its border a tenth of its
    # long side or more (HAND_DEPTH), where the desk framing a sheet, or a strip of it along a side,
    # is narrower, and meets the border along at most ten times that reach
    if sheet is not None:
        edge, _ = cv2.findContours(cv2.resize(sheet.view(np.uint8), grey.shape[::-1], interpolation=cv2.INTER_NEAREST),
                                   cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        hull = np.zeros_like(skin)
        if edge:
            cv2.fillConvexPoly(hull, cv2.convexHull(np.concatenate(edge)), 1)
        held &= np.bincount(labels[cv2.bitwise_and(core, cv2.erode(hull, np.ones((3, 3), np.uint8))) > 0], minlength=n) > 0
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
    return cv2.dilate(hand, np.ones((5, 5), np.uint8)).view(bool)


def every(image: np.ndarray, k: int) -> np.ndarray:
    """image[::k, ::k], contiguous. A nearest resize picks the same pixels, several times faster than
    NumPy's copy of a strided view, where the sides are multiples of k."""
    h, w = image.shape[:2]
    if h % k or w % k:
        return np.ascontiguousarray(image[::k, ::k])
    return cv2.resize(image, (w // k, h // k), interpolation=cv2.INTER_NEAREST)


def labelled(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """cv2.connectedComponentsWithStats, 8-connected: (count, labels, stats). 16-bit labels are several
    times faster; a frame of noise can overflow them, and then it takes 32-bit ones."""
    try:
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8, ltype=cv2.CV_16U)
    except cv2.error:
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8, ltype=cv2.CV_32S)
    return n, labels, stats


def _rim(image: np.ndarray) -> np.ndarray:
    """The pixels along an image's border, each once."""
    return np.concatenate([image[0], image[-1], image[1:-1, 0], image[1:-1, -1]])


def two_tone(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool, float]:
    """An image of handwriting and paper alone (a crop): its ink (0-255, bright on 0), the ink's mask
    (0/1), whether the paper is the light class, and the paper's gray level. Paper and ink are the
    two classes Otsu's threshold parts, the paper the one holding most of the image's rim (a crop of
    a bold digit can be mostly ink, which fools a frame's polarity test)."""
    _, classes = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    rim = _rim(classes)
    light = 2 * np.count_nonzero(rim) >= rim.size
    paper = float(np.median(_rim(gray)[(rim > 0) == light]))  # (the majority class: never empty)
    level = int(round(paper))
    ink = cv2.subtract(np.full_like(gray, level), gray) if light else cv2.subtract(gray, np.full_like(gray, level))
    return ink, (classes == 0 if light else classes > 0).view(np.uint8), light, paper


def crop_margin(gray: np.ndarray, polarity: str = "auto") -> tuple[int, int, str]:
    """For a still image cropped close to its handwriting, the paper to add around it: (pixels on
    each side, the paper's gray level, the polarity); (0, 0, polarity) for any other image.

    Segmentation drops a mark touching the view's edge, as cut by it: in a camera's frame, or a
    photo of a page, it is. A crop made around a digit or a number is different: its strokes reach
    the crop's edges by design. Such a crop is told by a stroke-like mark (two_tone's ink, at 128
    pixels across) coming within NEAR of the crop's size of its edge (a stroke's soft edge, or the
    blur of a close-up, reaches the rim where its core stops short of it) and spanning at least
    TIGHT of its height or width, with paper along most of its rim, the ink 40 levels from the
    paper. A desk around a sheet, or a shadow, is a solid region, not a stroke; a ruled line is too
    thin for its length."""
    h, w = gray.shape
    s = min(1.0, 128 / max(h, w))
    if min(h, w) * s < 1:  # a strip (100x65000) shrunk to nothing: no crop around handwriting
        return 0, 0, polarity
    small = cv2.resize(gray, None, fx=s, fy=s, interpolation=cv2.INTER_AREA) if s < 1 else gray
    sh, sw = small.shape
    if min(sh, sw) < 8:
        return 0, 0, polarity
    contrast, ink, light, paper = two_tone(small)
    if polarity != "auto" and light != (polarity == "dark-on-light"):
        return 0, 0, polarity
    if not light and not _dark(small):
        return 0, 0, polarity  # light ink on a dark ground only where the whole image is dark (a sheet on a desk is not)
    rim = _rim(ink)
    if np.count_nonzero(rim) > 0.3 * rim.size or not ink.any() or np.median(contrast[ink > 0]) < 40:
        return 0, 0, polarity  # no paper all along the rim, or no ink standing out
    _, labels, stats = labelled(ink)
    x, y, bw, bh, area = stats[1:].T
    ex, ey = NEAR * sw, NEAR * sh
    edge = (x <= ex) | (y <= ey) | (x + bw >= sw - ex) | (y + bh >= sh - ey)
    spans = (bh >= TIGHT * sh) | (bw >= TIGHT * sw)
    stroke = (np.minimum(bw, bh) >= 0.08 * np.maximum(bw, bh)) & (area <= 0.6 * bw * bh) & (area >= 0.08 * bw * bh)
    if not any(not _printed(labels[y[i] : y[i] + bh[i], x[i] : x[i] + bw[i]] == i + 1)
               for i in np.flatnonzero(edge & spans & stroke).tolist()):
        return 0, 0, polarity
    return int(0.2 * max(h, w)) + 2, int(round(paper)), "dark-on-light" if light else "light-on-dark"


def _printed(mark: np.ndarray) -> bool:
    """Whether a mark (bool) is printed ruling, not handwriting: a grid or a table (_lattice), or one
    straight line of it holding most of the mark's pixels (LINE_SHARE: a row or column of the mark
    running across 0.9 of it), what a table's faint border keeps of the table at the size looked at
    (a vertical line with a stub of the line across: 0.68 of its pixels in one column). A handwritten
    stroke reaching a crop's edges is wider than one row or column, or bent, or slanted."""
    h, w = mark.shape
    columns, rows = np.count_nonzero(mark, axis=0), np.count_nonzero(mark, axis=1)
    line = max(int(columns.max()) if columns.max() >= 0.9 * h else 0, int(rows.max()) if rows.max() >= 0.9 * w else 0)
    return line >= LINE_SHARE * np.count_nonzero(mark) or _lattice(mark)


def _lattice(mark: np.ndarray) -> bool:
    """Whether a mark (bool) is a printed grid or table: LATTICE lines or more running across all of
    it (0.9 of its width, or height) each way, a sudoku's or a table's ruling, where handwriting
    crosses its own box once or twice (a 4's bar and stem, a box drawn round a number: two each way)."""
    def lines(full: np.ndarray) -> int:  # runs of full rows (columns): one line each
        return int(np.count_nonzero(np.diff(full.view(np.int8), prepend=0) == 1))
    return lines(mark.mean(axis=1) >= 0.9) >= LATTICE and lines(mark.mean(axis=0) >= 0.9) >= LATTICE


def ink_map(gray: np.ndarray, polarity: str = "auto") -> np.ndarray:
    """The ink alone, 0-255, with the lighting divided out (see flatten)."""
    return flatten(gray, polarity)[0]


def _quarter(gray: np.ndarray) -> np.ndarray:
    return halved(halved(gray))  # (two halvings are several times faster than one quartering)


def halved(image: np.ndarray) -> np.ndarray:
    """An image (grey or colour) averaged down to half its size."""
    h, w = image.shape[:2]
    return cv2.resize(image, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)


def stroke_scale(small: np.ndarray, factor: int, polarity: str = "auto", sheet: np.ndarray | None = None) -> float:
    """How much to shrink a frame so its handwriting's strokes are about STROKE pixels wide (at most 1),
    from pen_width. Strokes at most THICKEST pixels wide in the frame (2.5 at a quarter of its size)
    tell nothing and change nothing: only thick handwriting shrinks the frame."""
    width = pen_width(small, factor, polarity, sheet)
    return 1.0 if width <= THICKEST else min(1.0, STROKE / width)


def pen_width(small: np.ndarray, factor: int, polarity: str = "auto", sheet: np.ndarray | None = None) -> float:
    """The handwriting's stroke width in the frame's pixels (0 when no ink stands out).

    `small` is the frame shrunk `factor` times. Its ink is found against a closing (dark ink) or
    opening (light ink) a quarter of its size across, which lighting cannot fool, and a stroke's
    width is twice its area over its perimeter. The desk, the sheet's edges, anything touching the
    border and anything off the `sheet` (find_sheet's, if given) are left out (see below for which
    width counts). A stroke one or two pixels wide in `small` measures about 2 whatever it is."""
    h, w = small.shape
    if min(h, w) < 16:
        return 0.0
    polarity = polarity_of(small, polarity)
    if polarity == "light-on-dark":
        small = 255 - small
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (max(h, w) // 4 | 1,) * 2)
    contrast = cv2.subtract(cv2.morphologyEx(small, cv2.MORPH_CLOSE, k), small)
    peak = _percentiles(contrast, (99.5,))[0]
    if peak < 40:
        return 0.0
    _, mask = cv2.threshold(contrast, 0.5 * peak, 255, cv2.THRESH_BINARY)
    n, labels, stats, strokes = _digit_marks(mask, sheet)
    opened = not strokes.any()
    if opened:  # none shaped like a digit: a digit on a hard shadow's edge can run on into the thin rim
        # the closing leaves along the edge (a 2 whose bar lies on it: one mark more than twice as wide
        # as it is tall); an opening three pixels across parts them, keeping only strokes at least
        # that wide (12 of the frame's pixels at a quarter: thick enough to matter)
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
        n, labels, stats, strokes = _digit_marks(mask, sheet)
    area = stats[:, cv2.CC_STAT_AREA]
    # each mark's own width (as normalize.stroke_width); the width of the mark holding the median
    # pixel of ink, so two thick digits count for more than five thin ticks; but never more than the
    # second-widest mark's, so one soft shadow that the closing picks up as a fat blob cannot shrink
    # a frame of thin handwriting by itself
    boundary = np.bincount(labels[cv2.subtract(mask, cv2.erode(mask, np.ones((3, 3), np.uint8))) > 0], minlength=n)
    own = 2.0 * area / np.maximum(boundary, 1)
    if opened:  # what is left of a small mark by the opening is its solid core, not a stroke (a row of
        # small printed digits, merged at a quarter of the size, measured as 10 pixels wide): a
        # stroke is at most a quarter of its digit's height
        strokes &= 4 * own <= stats[:, cv2.CC_STAT_HEIGHT]
    if not strokes.any():
        return 0.0
    widths, areas = own[strokes], area[strokes]
    order = np.argsort(widths)
    width = float(widths[order][np.searchsorted(np.cumsum(areas[order]), areas.sum() / 2)])
    sized = np.sort(widths[areas >= 16])  # (of marks of a speck's size or more: a crumb 3x4 pixels
    # beside one broad stroke measured 2, and capped a close-up at a thin pen's width)
    if len(sized) > 1:
        width = min(width, float(sized[-2]))
    return width * factor


def _digit_marks(mask: np.ndarray, sheet: np.ndarray | None):
    """pen_width's marks: (n, labels, stats) of the mask, and which marks are shaped like a digit (from
    a 1 to a wide 0): not a band along the sheet's edge, the rim of a shadow, or a pen lying on the
    page, which would pass for one very thick stroke; and on the sheet (find_sheet's, if given: a
    desk's grain is no handwriting)."""
    h, w = mask.shape
    n, labels, stats = labelled(mask)
    x, y, bw, bh, area = stats.T
    strokes = (x > 0) & (y > 0) & (x + bw < w) & (y + bh < h) & (bh < 0.95 * h) & (area >= 4) & (bw >= 0.15 * bh) & (bw <= 2 * bh)
    strokes[0] = False
    if sheet is not None:
        strokes &= on_sheet(sheet, x + bw / 2, y + bh / 2, (h, w))
    return n, labels, stats, strokes


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
    paper, edges, sheet, polarity = paper_estimate(gray, polarity, small, window, stroke, px)
    return ink_over(gray, paper, polarity), edges, sheet


def ink_over(gray: np.ndarray, paper: np.ndarray, polarity: str) -> np.ndarray:
    """The ink's contrast against the paper estimate (same size), 0-255."""
    if polarity == "light-on-dark":
        gray = 255 - gray
    return 255 - cv2.divide(gray, cv2.max(paper, 1), scale=255)  # paper -> 0, ink brighter


def paper_estimate(gray: np.ndarray, polarity: str, small: np.ndarray | None, window: int, stroke: float, px: float,
                   sheet: tuple[np.ndarray | None, bool] | None = None):
    """flatten's paper estimate at gray's size (inverted for light ink), the edges, the sheet, the polarity.
    `sheet`: find_sheet's answer for this frame, if the caller has it (else found from `small`)."""
    h, w = gray.shape
    small = _quarter(gray) if small is None else small  # the caller's, if it already shrank the frame
    sh, sw = small.shape
    median = max(window, (max(sw, sh) // 10) | 1)  # the median's window, a tenth of the frame or `window`
    paper = cv2.medianBlur(small, median)
    polarity = polarity_of(small, polarity)
    if stroke > 1.5 * STROKE:  # strokes too thick for the median's window, where ink can be the majority:
        # a closing (an opening for light ink) two strokes wide erases them, whatever their share
        wipe = cv2.morphologyEx(small, cv2.MORPH_CLOSE if polarity == "dark-on-light" else cv2.MORPH_OPEN,
                                np.ones((int(stroke / 2 + 3) | 1,) * 2, np.uint8))
        paper = cv2.max(paper, wipe) if polarity == "dark-on-light" else cv2.min(paper, wipe)
    # hard steps in the paper estimate are the sheet's edges, where no handwriting is, or a shadow's (below)
    step = cv2.morphologyEx(paper, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    bright = paper if polarity == "dark-on-light" else 255 - paper  # the paper's own level: a dark board's is 255 - it
    edges = cv2.dilate((step > np.maximum(bright >> 2, step_floor(bright))).view(np.uint8) * 255, np.ones((3, 3), np.uint8))  # (> a quarter:
    # an integer step exceeds b / 4 exactly when it exceeds b // 4, and uint8 arithmetic is many times faster)
    if sheet is None:
        sheet = find_sheet(halved(small), polarity)
    sheet, shadowed = sheet
    # but only long steps, reaching a fifth of the way across the view (as find_sheet's), or short ones
    # near its border (a striped desk breaks a sheet's outline there into short steps): a short step
    # within the view is handwriting the median left (a blot, a junction of strokes, a bold digit's loop)
    n, labels, stats = labelled(edges)
    x, y, bw, bh = stats[:, :4].T
    keep = ((bw >= sw / 5) | (bh >= sh / 5) | (x < RIM * sw) | (y < RIM * sh)
            | (x + bw > (1 - RIM) * sw) | (y + bh > (1 - RIM) * sh))
    for i in np.flatnonzero(~keep[1:]) + 1:  # (few: one look at each box)
        box = (slice(y[i], y[i] + bh[i]), slice(x[i], x[i] + bw[i]))
        edges[box][labels[box] == i] = 0
    zone = None
    shadow = edges if shadowed or sheet is None else within_sheet(edges, sheet)
    if shadow.any():  # the steps are a hard shadow's across the page, or no sheet was
        # found whose edges they could be, or they lie within the sheet found, away from its outline (a
        # soft shadow across a sheet on a desk can break the sheet's outline at an eighth of the size,
        # and then it lay across the digits as an "edge"): there the median blurs the step over its
        # window, so a band of shadowed paper beside it would read as ink; a closing follows the step
        # (the handwriting crossing it stays), and it is not subtracted
        zone = cv2.resize(cv2.dilate(shadow, np.ones((median, median), np.uint8)), (w, h), interpolation=cv2.INTER_NEAREST) > 0
        edges = cv2.subtract(edges, shadow)
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


def step_floor(bright: np.ndarray) -> int:
    """The least step in the paper estimate that can be an edge: 20 levels, or an eighth of the
    brightest paper's level (its 99.5th percentile) in a dark frame (an under-exposed photo, where
    the sheet is grey 35 on a desk at 15, and its edges' steps are under 20)."""
    return min(20, int(_percentiles(bright, (99.5,))[0]) >> 3)


def within_sheet(edges: np.ndarray, sheet: np.ndarray) -> np.ndarray:
    """The steps (`edges`, 0/255) lying within the sheet (find_sheet's mask): their pixels more than
    two of the mask's pixels inside its outline. Pixel by pixel, not step by step: at a quarter of a
    shrunk photo's size, a shadow's step across the sheet can run into the sheet's outline and be
    one piece with it, and only the outline's part of that piece is the sheet's edge."""
    sh, sw = edges.shape
    inner = cv2.resize(cv2.erode(sheet.view(np.uint8), np.ones((5, 5), np.uint8)), (sw, sh), interpolation=cv2.INTER_NEAREST)
    return cv2.bitwise_and(edges, inner * 255)


def find_sheet(eighth: np.ndarray, polarity: str, half: np.ndarray | None = None) -> tuple[np.ndarray | None, bool]:
    """_sheet's answer (where the sheet lies, and whether a hard shadow crosses it) for a frame shrunk
    to an eighth of the processing size; (None, False) for light ink on a dark board. `half`: the
    frame as given at half its size, if the caller has it, to tell a desk round a sheet from a line
    (_thin_rim; measured before any enlarging or shrinking, which widens or narrows the line).

    At an eighth of the size a sheet is still big, handwriting is a faint smudge that a median five
    pixels wide erases, and a strip of desk along the view's border, narrower than the paper
    estimate's median, still shows: the sheet's outline is found whole. Only steps reaching a fifth
    of the way across the view count: not the rims of smudges, nor the desk's grain."""
    h, w = eighth.shape
    if polarity != "dark-on-light" or min(h, w) < 10:
        return None, False
    flat = cv2.medianBlur(eighth, 5)
    step = cv2.morphologyEx(flat, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    mask = (step > np.maximum(flat >> 2, step_floor(flat))).view(np.uint8)  # (a quarter: as paper_estimate's)
    n, labels, stats = labelled(mask)
    long = (stats[:, cv2.CC_STAT_WIDTH] >= w / 5) | (stats[:, cv2.CC_STAT_HEIGHT] >= h / 5)
    # and thin, or running on to the view's border: a dark smudge within the view (a row of bold digits
    # written close, a pen lying on the page) is a thick blob, mostly left by an erosion; a step is a
    # line two or three pixels wide, or a soft shadow's wider band across the view
    core = np.bincount(labels[cv2.erode(mask, np.ones((3, 3), np.uint8)) > 0], minlength=n)
    x, y, bw, bh = stats[:, :4].T
    border = (x == 0) | (y == 0) | (x + bw == w) | (y + bh == h)
    steps = long & ((core <= 0.2 * stats[:, cv2.CC_STAT_AREA]) | border)
    steps[0] = False
    sheet = _sheet(flat, cv2.dilate(steps[labels].view(np.uint8) * 255, np.ones((3, 3), np.uint8)))  # (closing pinholes)
    if sheet[0] is not None and half is not None and _thin_rim(half):
        return None, sheet[1]
    return sheet


def _thin_rim(half: np.ndarray) -> bool:
    """Whether what looks like a desk round a sheet at an eighth of the size is a line along the view's
    border: a printed grid's or box's outer line where the image was cropped to it (a scan, a
    screenshot of a puzzle), which the eighth's median keeps as a strip of desk, and the band along
    the sheet's edges, wiped, took the outer cells' digits. Along the middle half of every side of the
    view at half size, at least one and at most RIM_LINE of the 2 * RIM_LINE pixels nearest the
    border are dark (under 0.75 of the paper's level; a median over the side's rows or columns): the
    line, cropped through or a pixel or two inside. A desk beside a sheet shows wider (5 or
    more at half size in the benchmarks' frames, a sheet's edge 10 pixels inside a 640x480 view), and
    a side with nothing dark along it (a sheet running out of the view there) is no such line."""
    h, w = half.shape
    if min(h, w) < 4 * RIM_LINE:
        return False
    level = 0.75 * float(np.median(every(half, 4)))
    sides = (half[h // 4 : 3 * h // 4, : 2 * RIM_LINE], half[h // 4 : 3 * h // 4, : -2 * RIM_LINE - 1 : -1],
             half[: 2 * RIM_LINE, w // 4 : 3 * w // 4].T, half[: -2 * RIM_LINE - 1 : -1, w // 4 : 3 * w // 4].T)
    # (a line a pixel or two in from the border too; only the sides' pixels are compared, and the first
    # side without such a line ends the look)
    return all(1 <= np.median(np.count_nonzero(side < level, axis=1)) <= RIM_LINE for side in sides)


def _sheet(paper: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray | None, bool]:
    """Where the sheet of paper lies, when the view shows one on a darker desk: the regions between
    the steps (`edges`) whose paper is nearly as bright as the brightest region's, and darker ones
    that the desk does not reach, or that lie within the bright part's convex outline (a shadow
    across a sheet is still sheet). None, and nothing is ruled out, when no such sheet stands out
    (a view of paper alone, a white desk).
    `paper` is the frame shrunk, its handwriting erased. And whether steps are a hard shadow's
    across the page: a page that fills the view (its bright part reaching three of the view's
    sides), or a sheet made of parts."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(cv2.bitwise_not(edges), connectivity=4, ltype=cv2.CV_16U)
    if n < 3:  # steps that part nothing: a soft shadow's across the page (broken where the handwriting
        # crosses it) if they lie within it, away from the view's border (where a sheet's edge shows),
        # and run a third of the way across it
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
    # a region the desk does not reach: it touches the view's border along at most a twentieth of its
    # box's perimeter (through a gap in the sheet's outline where a shadow crosses it)
    rim = _rim(labels)
    touching = np.bincount(rim, minlength=n)
    enclosed = touching <= 0.05 * 2 * (stats[:, cv2.CC_STAT_WIDTH] + stats[:, cv2.CC_STAT_HEIGHT])
    brightest = mean[big].max(initial=0)
    lit = big & (mean >= 0.8 * brightest)
    shaded = big & ~lit & (mean >= SHADE * brightest)
    if (shaded & ~enclosed).any():
        # a region at least a quarter within the lit part's convex outline: a shadow bites a notch out
        # of a sheet, where a desk lies around it (and a sheet running out of the view has its
        # shadowed part at the view's border, where the desk is too)
        hull = np.zeros_like(edges)
        contours, _ = cv2.findContours(lit[labels].view(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        cv2.fillConvexPoly(hull, cv2.convexHull(np.concatenate(contours)), 1)
        enclosed |= np.bincount(labels[hull > 0], minlength=n) >= 0.25 * area
    # the sheet: the regions nearly as bright as the brightest; and darker ones the edges enclose or
    # the lit part's outline holds (a shadow across a sheet: the desk reaches the view's border, and
    # lies outside the sheet)
    inside = lit | (shaded & enclosed)
    parts = bool(np.count_nonzero(inside) > 1)  # steps between parts of the sheet are a shadow's across it
    outside = ~inside
    outside[0] = False
    share = area[inside].sum() / paper.size
    if not 0.1 <= share <= 0.9 or not outside.any():
        return None, parts  # no desk to rule out: paper fills the view
    if total[outside].sum() / area[outside].sum() > 0.8 * total[inside].sum() / area[inside].sum():
        return None, parts  # the rest is nearly as bright: no desk to rule out
    sheet = inside[labels]
    if sum(bool(side.any()) for side in (sheet[0], sheet[-1], sheet[:, 0], sheet[:, -1])) >= 3:
        return None, True  # the bright part spans the view: a page filling it with a hard shadow across, not a sheet on a desk
    return cv2.dilate(sheet.view(np.uint8), np.ones((3, 3), np.uint8)).view(bool), parts  # and the edges around it


def keystone(sheet: np.ndarray | None) -> np.ndarray | None:
    """The corners of a sheet photographed at an angle, where find_sheet's mask (`sheet`) shows all of
    it: (4, 2) float32, top-left, top-right, bottom-right, bottom-left, in the mask's pixels (their
    centres). None for a sheet seen nearly head-on (each side at least KEYSTONE of the one opposite),
    one running out of the view (its corners unseen), or an outline that is not four-sided.

    Seen at an angle, a sheet's far side is narrower than its near side: its paper lines converge,
    which the line removal (straight runs across the view) misses, and its far digits are sheared
    and squeezed."""
    if sheet is None:
        return None
    h, w = sheet.shape
    contours, _ = cv2.findContours(sheet.view(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    hull = cv2.convexHull(max(contours, key=cv2.contourArea))
    if cv2.contourArea(hull) < 0.15 * h * w:
        return None
    quad = cv2.approxPolyDP(hull, 0.04 * cv2.arcLength(hull, True), True).reshape(-1, 2).astype(np.float32)
    if len(quad) != 4 or (quad.min(0) <= 0).any() or (quad >= (w - 1, h - 1)).any():
        return None  # not four-sided, or its outline reaches the view's border
    total, diff = quad.sum(1), quad[:, 1] - quad[:, 0]
    corners = quad[[np.argmin(total), np.argmin(diff), np.argmax(total), np.argmax(diff)]]
    if len({tuple(c) for c in corners.tolist()}) < 4:
        return None
    top, right, bottom, left = (float(np.hypot(*(corners[(k + 1) % 4] - corners[k]))) for k in range(4))
    if min(top, bottom) >= KEYSTONE * max(top, bottom) and min(left, right) >= KEYSTONE * max(left, right):
        return None
    return corners + 0.5


def rectified(gray: np.ndarray, corners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The frame warped so the sheet whose corners these are (keystone's, in the frame's pixels) is
    seen head-on, as a rectangle as wide as its longer side and as tall as its longer end, scaled to
    the sheet's area in the frame, within a twentieth of desk around it. Returns the
    warped frame and the homography taking its pixels back to the frame's. (The sheet's true
    proportions are unknown without the camera's: a sheet tilted away is still a little squeezed.)"""
    tl, tr, br, bl = corners
    width = max(np.hypot(*(tr - tl)), np.hypot(*(br - bl)))
    height = max(np.hypot(*(bl - tl)), np.hypot(*(br - tr)))
    pad = 0.05 * max(width, height)
    # as many pixels for the sheet as the frame gives it: its near side shrinks as its far side grows (its
    # far side's paper lines, a pixel wide or less, break into dashes when magnified much)
    k = np.sqrt(cv2.contourArea(corners.astype(np.float32)) / (width * height))
    x0, y0, x1, y1 = pad * k, pad * k, (pad + width) * k, (pad + height) * k
    size = (int(round((width + 2 * pad) * k)), int(round((height + 2 * pad) * k)))
    back = cv2.getPerspectiveTransform(np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]]), corners.astype(np.float32))
    warped = cv2.warpPerspective(gray, back, size, flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REPLICATE)
    return warped, back


def on_sheet(sheet: np.ndarray | None, x, y, shape: tuple[int, int]) -> np.ndarray:
    """Whether points (x, y: arrays) of a frame of this shape lie on the sheet, or between two parts of
    it on their row (a thick 0 can ring its own middle with edges, which then looks like a hole in
    the sheet). Bool array; all True without a sheet."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    if sheet is None:
        return np.ones(x.shape, bool)
    rows = np.minimum((y * sheet.shape[0] / shape[0]).astype(np.int64), sheet.shape[0] - 1)
    cols = np.minimum((x * sheet.shape[1] / shape[1]).astype(np.int64), sheet.shape[1] - 1)
    left = np.logical_or.accumulate(sheet, axis=1)  # sheet at or left of each point, on its row
    right = np.logical_or.accumulate(sheet[:, ::-1], axis=1)[:, ::-1]
    return left[rows, cols] & right[rows, cols]


def polarity_of(small: np.ndarray, polarity: str) -> str:
    """"auto" decided: a frame whose median is far darker than its brightest part is a dark board
    with light ink (chalk, a negative); anything else, shadows included, is dark ink on light paper.
    Except where its bright part is a sheet of paper on a dark desk, filling less than half of the
    view (a sheet photographed at an angle, a small note), in a view at least 100 pixels across
    (a frame's quarter: 400 pixels): a broad region (at least 4% of the view, left
    by an opening a fifth of the view across, which erases any stroke, however bold, once its paper
    lines are bridged and the holes its handwriting makes are filled), and solid (four fifths of
    it bright, where a chalk 0's outline holds a dark middle)."""
    if polarity != "auto":
        return polarity
    mid, top = _percentiles(small, (50, 99.5))
    if mid >= DARK * top:
        return "dark-on-light"
    if min(small.shape) < 100:
        return "light-on-dark"  # too small a view for a sheet with a desk around it (a crop of a negative's digit)
    bright = (small > (mid + top) / 2).view(np.uint8)
    gap = max(3, min(small.shape) // 24) | 1  # (a closing first: ruled lines would cut a sheet into strips)
    contours, _ = cv2.findContours(cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((gap, gap), np.uint8)),
                                   cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    filled = cv2.drawContours(np.zeros_like(bright), contours, -1, 1, -1)
    k = max(3, min(small.shape) // 5) | 1
    broad = cv2.morphologyEx(filled, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    area = cv2.countNonZero(broad)
    if area >= 0.04 * small.size and cv2.countNonZero(cv2.bitwise_and(bright, broad)) >= 0.8 * area:
        return "dark-on-light"
    return "light-on-dark"


def _dark(small: np.ndarray) -> bool:
    """Whether a view's median is far darker than its brightest part (a board, a negative, or a sheet
    on a dark desk filling less than half of it)."""
    mid, top = _percentiles(small, (50, 99.5))
    return mid < DARK * top


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


def remove_lines(ink: np.ndarray, shortest: int = 15, span: tuple[float, float] = (0.0, 0.0),
                 px: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Subtract ruled and squared paper lines: straight runs far longer than a stroke (a sixth of
    the frame's width, a quarter of its height, where a big digit's upright can reach a fifth, and
    at least `shortest` pixels), and spanning at least `span` of the frame's width (a line lying
    down) or height (standing up): in a close-up, or a crop, a digit's own stroke is that long.
    `px`: the size of ink's pixels, in the processing scale's. Returns the ink without them, and
    the horizontal and the vertical lines."""
    h, w = ink.shape
    # thicken across the line, so a line tilted by perspective still makes one long straight run, and
    # bridge small gaps along it where noise broke it; but bridge only ink thin across the line (a
    # top-hat takes out the strokes crossing its direction), so the strokes of a row of digits
    # written close together (the waists of 8s, the bars of 5s) are not joined into one long run
    across, gap = int(5 * px) | 1, int(9 * px) | 1
    thin = across + 2
    horizontal = _bridged(ink, (across, 1), (1, gap), (thin, 1))
    horizontal = cv2.morphologyEx(horizontal, cv2.MORPH_OPEN, np.ones((1, max(shortest, w // 6)), np.uint8))
    vertical = _bridged(ink, (1, across), (gap, 1), (1, thin))
    vertical = cv2.morphologyEx(vertical, cv2.MORPH_OPEN, np.ones((max(shortest, h // 4), 1), np.uint8))
    if span[0]:  # a close-up's 1 also passes the opening; a paper line runs on across the sheet
        horizontal = _spanning(horizontal, 0, span[0] * w)
    if span[1]:
        vertical = _spanning(vertical, 1, span[1] * h)
    lines = cv2.add(horizontal, vertical)  # add: crossings are darker
    return cv2.subtract(ink, lines), horizontal, vertical


def _bridged(ink: np.ndarray, across: tuple[int, int], gap: tuple[int, int], thin: tuple[int, int]) -> np.ndarray:
    """The ink thickened `across` a line's direction, with gaps of `gap` bridged in the parts of it
    thinner than `thin` across that direction (kernel shapes, as numpy shapes)."""
    thick = cv2.dilate(ink, np.ones(across, np.uint8))
    lines = cv2.dilate(cv2.morphologyEx(ink, cv2.MORPH_TOPHAT, np.ones(thin, np.uint8)), np.ones(across, np.uint8))
    return cv2.max(thick, cv2.morphologyEx(lines, cv2.MORPH_CLOSE, np.ones(gap, np.uint8)))


def _spanning(lines: np.ndarray, axis: int, length: float) -> np.ndarray:
    """The runs in `lines` whose extent along `axis` (0: x, 1: y) is at least `length`."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats((lines > 10).astype(np.uint8), connectivity=8)
    keep = stats[:, cv2.CC_STAT_WIDTH if axis == 0 else cv2.CC_STAT_HEIGHT] >= length
    keep[0] = False
    return cv2.bitwise_and(lines, lines, mask=keep[labels].astype(np.uint8))


def search_copy(gray: np.ndarray, half: np.ndarray, polarity: str) -> np.ndarray:
    """The half-size copy to search for ink in: `half` (averaged), unless the handwriting is drawn
    in a pen thinner than two pixels (a ballpoint or a pencil seen by a webcam), which averaging
    fades to half its contrast or less. Then each 2x2 block's inkiest pixel counts half: as
    faint pencil lines come back, thick strokes are hardly thickened."""
    h, w = half.shape
    pooled = (cv2.erode if polarity == "dark-on-light" else cv2.dilate)(gray, np.ones((2, 2), np.uint8), anchor=(0, 0))
    q = 0.3 if polarity == "dark-on-light" else 99.7
    # (from every other pixel of each: a quarter of the counting)
    (paper, averaged), (inkiest,) = _percentiles(every(half, 2), (50, q)), _percentiles(every(pooled, 4), (q,))
    if abs(paper - inkiest) <= THIN * max(1.0, abs(paper - averaged)):
        return half
    return cv2.addWeighted(half, 0.5, cv2.resize(pooled, (w, h), interpolation=cv2.INTER_NEAREST), 0.5, 0)
