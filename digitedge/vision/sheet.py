"""Where the sheet lies in the view: its outline against a desk (and a hard shadow across it), a
sheet photographed at an angle squared, and which marks lie on it."""

from __future__ import annotations

import cv2
import numpy as np

from digitedge.vision.images import every, labelled, percentiles, rim


RIM = 0.1  # a short step in the paper estimate this near the view's border (a fraction of its side) is a sheet's edge
HELD, HELD_OUTLINE = 0.85, 0.6  # a sheet held up (held_up): its paper's least level, of the brightest; its border's share on steps
SHADE = 0.4  # the shadowed part of a sheet lying in view is at least this bright, relative to its lit part
RIM_LINE = 3  # half-size pixels: dark along the view's border no deeper than this is a line, not a desk (_thin_rim)
KEYSTONE = 0.8  # a sheet whose far side is under this share of its near side's width is read as seen head-on


def step_floor(bright: np.ndarray) -> int:
    """The least step in the paper estimate that can be an edge: 20 levels, or an eighth of the
    brightest paper's level (its 99.5th percentile) in a dark frame (an under-exposed photo, where
    the sheet is grey 35 on a desk at 15, and its edges' steps are under 20)."""
    return min(20, int(percentiles(bright, (99.5,))[0]) >> 3)


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
    sheet = _sheet(flat, _outline(flat))
    if sheet[0] is not None and half is not None and _thin_rim(half):
        return None, sheet[1]
    return sheet


def _outline(flat: np.ndarray) -> np.ndarray:
    """The steps in a view at an eighth of the size, handwriting erased (find_sheet's `flat`) that may
    be a sheet's outline (0/255): long, reaching a fifth of the way across the view, and thin, or
    running on to its border."""
    h, w = flat.shape
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
    return cv2.dilate(steps[labels].view(np.uint8) * 255, np.ones((3, 3), np.uint8))  # (closing pinholes)


def held_up(eighth: np.ndarray, polarity: str) -> np.ndarray | None:
    """A sheet held up in front of a lighter background (a wall behind the person holding it up to a
    webcam), all of it in view, where find_sheet finds none: the hands holding it break its outline
    along its foot, and the head above it, or a light shirt, joins its outline to theirs, so the
    steps part it from nothing. The brightest part of the view (within HELD of its brightest level;
    `eighth` as find_sheet's), a tenth to two thirds of it, touching none of its sides but its foot
    (a light shirt below the sheet joins it there), most of its border (HELD_OUTLINE) on the steps,
    and the rest of the view darker (under 0.8 of it): its convex outline (as find_sheet's mask), or
    None. (The lit part of a page whose shadowed part holds the writing can pass too: segment reads
    the marks off it where it holds no more than half of them.)"""
    h, w = eighth.shape
    if polarity != "dark-on-light" or min(h, w) < 10:
        return None
    flat = cv2.medianBlur(eighth, 5)
    bright = (flat >= HELD * percentiles(flat, (99.5,))[0]).view(np.uint8)
    n, labels, stats = labelled(bright)
    if n < 2:
        return None
    i = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, bw, bh, area = stats[i]
    if not 0.1 * h * w <= area <= 0.67 * h * w or x == 0 or y == 0 or x + bw == w:
        return None
    part = (labels == i).view(np.uint8)
    border = cv2.subtract(cv2.dilate(part, np.ones((3, 3), np.uint8)), part)
    if cv2.countNonZero(cv2.bitwise_and(border, _outline(flat))) < HELD_OUTLINE * cv2.countNonZero(border):
        return None
    if cv2.mean(flat, mask=1 - part)[0] >= 0.8 * cv2.mean(flat, mask=part)[0]:
        return None
    contours, _ = cv2.findContours(part, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    hull = np.zeros_like(part)
    cv2.fillConvexPoly(hull, cv2.convexHull(contours[0]), 1)
    return cv2.dilate(hull, np.ones((3, 3), np.uint8)).view(bool)


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
    touching = np.bincount(rim(labels), minlength=n)
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
