"""The page under the handwriting: grayscale, the paper's brightness and the lighting divided out,
the steps in it that are the sheet's edges (sheet.py finds the sheet between them), shadows, ruled
lines, and the size to work at."""

from __future__ import annotations

import cv2
import numpy as np

from digitedge.errors import SourceError
from digitedge.vision.images import every, halved, labelled, percentiles, rim
from digitedge.vision.sheet import RIM, find_sheet, on_sheet, step_floor, within_sheet

STROKE = 4.0  # stroke width, in processing pixels, that segmentation's windows are sized for
THICKEST = 10.0  # strokes up to this wide, in frame pixels, are left as they are (the close-up check can't measure them)
SPAN = 0.35  # in a close-up, a paper line spans at least this fraction of the frame
CROSSES = 0.97  # in a crop made around handwriting, a paper line crosses at least this fraction of it
MIN_SIDE = 240  # a close-up is shrunk no smaller than this, its short side in pixels
TIGHT = 0.5  # a still image is cropped close to its handwriting when ink reaching its edge spans this share of it
LINE_SHARE = 0.6  # a mark with this share of its pixels in one straight row or column is a ruled line (_printed)
LATTICE = 3  # lines each way, running across a whole mark: a grid (a sudoku, a table), not handwriting
NEAR = 0.08  # ... or whose ink comes this near its edge, as a fraction of its width or height
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


# A black-and-white image (a scanner app's filter, a fax, a drawing made with a pencil tool) holds
# two levels only. Its threshold broke a ruled or squared sheet's faint lines into dashes and dots of
# every length, which line removal, made for a camera's grey lines, left as marks; and it took the
# soft edges the ink levels are set from. Softened as a lens would (a Gaussian blur of SOFTEN
# pixels), the dots fade towards the paper and the lines read as a photo's do.
TWO_LEVEL = 0.995  # an image with this share of its pixels at two levels, 100 or more apart, is black and white
# ... and so is a black-and-white filter's pure black and white saved as a JPEG, whose ringing
# spreads each level into grey around every edge: JPEG_LEVEL of its pixels lie within NEAR_LEVEL of
# black and of white (of the 960 sample and check frames: 0.89 at most, none at black and white),
# and INK_LEVEL of those away from the paper's level lie near the ink's (of a clean render's, or of
# a black-and-white image blurred, whose edges are grey ramps: 0.55 at most; at quality 75: 0.74 or more)
JPEG_LEVEL, NEAR_LEVEL, INK_LEVEL = 0.97, 16, 0.6
SOFTEN = 1.0  # sigma, in the image's pixels


def softened(gray: np.ndarray) -> np.ndarray:
    """A black-and-white grey image (two levels, or black and white saved as a JPEG) softened
    (SOFTEN); any other image as it is (a drawing's or a clean render's anti-aliased edges are grey:
    it is not black and white)."""
    sample = every(gray, 4) if min(gray.shape) >= 64 else gray  # (every fourth pixel each way: 16 times cheaper)
    hist = cv2.calcHist([sample], [0], None, [256], [0, 256]).ravel()
    first = int(hist.argmax())
    far = hist.copy()
    far[max(0, first - 99) : first + 100] = 0
    second = int(far.argmax())  # the commonest level 100 or more from the commonest
    two = hist[first] + hist[second] >= TWO_LEVEL * sample.size and hist[second] > 0
    if not two and min(first, second) <= NEAR_LEVEL and max(first, second) >= 255 - NEAR_LEVEL:
        paper, ink = (hist[max(0, level - NEAR_LEVEL) : level + NEAR_LEVEL + 1].sum() for level in (first, second))
        two = paper + ink >= JPEG_LEVEL * sample.size and 0 < ink >= INK_LEVEL * (sample.size - paper)
    return cv2.GaussianBlur(gray, (0, 0), SOFTEN) if two else gray


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


def two_tone(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool, float]:
    """An image of handwriting and paper alone (a crop): its ink (0-255, bright on 0), the ink's mask
    (0/1), whether the paper is the light class, and the paper's gray level. Paper and ink are the
    two classes Otsu's threshold parts, the paper the one holding most of the image's rim (a crop of
    a bold digit can be mostly ink, which fools a frame's polarity test)."""
    _, classes = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    border = rim(classes)
    light = 2 * np.count_nonzero(border) >= border.size
    paper = float(np.median(rim(gray)[(border > 0) == light]))  # (the majority class: never empty)
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
    border = rim(ink)
    if np.count_nonzero(border) > 0.3 * border.size or not ink.any() or np.median(contrast[ink > 0]) < 40:
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
    peak = percentiles(contrast, (99.5,))[0]
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
    mid, top = percentiles(small, (50, 99.5))
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
    mid, top = percentiles(small, (50, 99.5))
    return mid < DARK * top


def remove_lines(ink: np.ndarray, shortest: int = 15, span: tuple[float, float] = (0.0, 0.0),
                 px: float = 1.0, gaps: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Subtract ruled and squared paper lines: straight runs far longer than a stroke (a sixth of
    the frame's width, a quarter of its height, where a big digit's upright can reach a fifth, and
    at least `shortest` pixels), and spanning at least `span` of the frame's width (a line lying
    down) or height (standing up): in a close-up, or a crop, a digit's own stroke is that long.
    `px`: the size of ink's pixels, in the processing scale's; `gaps`: how many times the usual
    gaps along a line are bridged (a black-and-white image's lines are broken more). Returns the
    ink without them, and the horizontal and the vertical lines."""
    h, w = ink.shape
    # thicken across the line, so a line tilted by perspective still makes one long straight run, and
    # bridge small gaps along it where noise broke it; but bridge only ink thin across the line (a
    # top-hat takes out the strokes crossing its direction), so the strokes of a row of digits
    # written close together (the waists of 8s, the bars of 5s) are not joined into one long run
    across, gap = int(5 * px) | 1, int(9 * gaps * px) | 1
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
    (paper, averaged), (inkiest,) = percentiles(every(half, 2), (50, q)), percentiles(every(pooled, 4), (q,))
    if abs(paper - inkiest) <= THIN * max(1.0, abs(paper - averaged)):
        return half
    return cv2.addWeighted(half, 0.5, cv2.resize(pooled, (w, h), interpolation=cv2.INTER_NEAREST), 0.5, 0)
