"""DigitReader: one frame in, digits out (segment, normalise, classify in one batch, reject, read lines)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from math import log
from pathlib import Path
from statistics import median

import cv2
import numpy as np

from digitedge.runtime import Classifier
from digitedge.vision import IN_LINE_CONFIDENCE, MIN_CONFIDENCE, MIN_MARGIN, WASHED_CONFIDENCE, WRITINGS
from digitedge.vision.blobs import Blob, Candidate, Mask
from digitedge.vision.marks import connected_components
from digitedge.vision.normalize import lean_of
from digitedge.vision.segment import SegmentConfig, segment

SHIPPED = "digitedge_int8.onnx"  # the file camera and predict read, in the folder of the writing expected (WRITINGS)
UPRIGHT = 8.0  # lines slanting at least this many degrees have their digits stood upright before classifying
AGREE = 3.0  # degrees: pairs of neighbours whose slant is this close to the median agree on it
MNIST_LEAN = 0.12  # MNIST's digits lean this much to the right (normalize.lean_of: the median of its training digits)
SLANTED = 0.2  # a frame's digits whose median lean is further than this from MNIST_LEAN are sheared to it (_shear)
SLANT_NOISE = 0.87  # ... and further than this over the root of their count (2.5 standard errors of the median
# of that many of MNIST's digits, whose leans spread with a standard deviation of about 0.28)
CROP = 64  # predict --single reads an image under this many pixels across whole: it is a digit's crop
IN_LINE = 3  # a line of at least this many marks is a line of digits (_in_line)
FIT = (0.75, 1.33)  # a mark in it as tall as its others' median height times these stands in it as a digit
COUNT = 1.0  # a reading's prior loses this much per digit its count is off the count its width says (_count_of)
JOIN_GAIN = 0.7  # two pieces read as one digit this much likelier (log-probability) than apart are one (_rejoined)
BREAK = 0.2  # pieces of one digit lie within this share of the frame's typical mark height of each other (_broken_pairs)
JOINED_TALL = 1.3  # and together are at most this many times as tall as it
JOINED_WIDE = 1.1  # and at most this many times as wide as they are tall together
BLANK = 10  # levels: an image (predict --single) whose darkest and lightest pixels differ by less holds no digit
STACKED = (1.6, 2.4)  # a blob this many times the frame's typical mark height may be two digits, one above the other
STACK = 0.5  # ... and is read so only where that reading is this much likelier (log-probability) than one digit
MIN_STACK = 5  # ... in a frame of at least this many marks (fewer do not tell a typical height)
BIG_STRAY = 2.0  # a mark standing in no line of digits, this many times the others' median height (a face
BIG_SURE = 0.7  # behind a sheet held up to a webcam, its head's outline a 0), is read only this surely
TALLER = 1.5  # a blob this many times the frame's typical mark height has its own digit width (_count_of)
SPAN = 1.4  # n digits touching span about 1 + SPAN * (n - 1) of a frame's typical digit widths (_count_of)


def default_model(writing: str = "mnist") -> Path:
    """The shipped model for this writing (WRITINGS): exports/digitedge_int8.onnx (continental:
    exports/continental/...) in the current folder, else in the checkout digitedge runs from (a source
    checkout, an editable install), else the copy a wheel installs with the package (digitedge/shipped/:
    pyproject.toml). The first path where none is."""
    folder = WRITINGS[writing]
    here = Path("exports") / folder / SHIPPED
    package = Path(__file__).resolve().parents[1]
    places = (here, package.parent / here, package / "shipped" / folder / SHIPPED)
    return next((path for path in places if path.is_file()), here)


@dataclass
class Digit:
    label: int | None  # None: rejected (low confidence or margin), not part of the text
    confidence: float
    box: tuple[int, int, int, int]  # x, y, w, h
    line: int
    image: np.ndarray = field(repr=False)  # the 28x28 the model saw

    def as_json(self) -> dict:
        return {"label": self.label, "confidence": round(self.confidence, 4), "box": list(self.box), "line": self.line}


@dataclass
class Reading:
    digits: list[Digit]
    text: str
    mask: Mask = field(repr=False)  # the threshold mask; .image draws it
    ms: float = 0.0  # processing time of this frame, milliseconds
    kept: bool = False  # the last frame's reading, kept: the view had not changed (camera.StillView)


class DigitReader:
    """Reads the handwritten digits in frames with an exported model (.onnx or .tflite)."""

    def __init__(self, model: str | Path | None = None, threads: int | None = None,
                 segment_cfg: SegmentConfig = SegmentConfig(), min_confidence: float | None = None,
                 min_margin: float | None = None):
        """min_confidence, min_margin: how sure and how clear a crop's reading must be to be read (else
        it is "?"); left out, MIN_CONFIDENCE and MIN_MARGIN, and a crop standing in a line of digits
        needs only IN_LINE_CONFIDENCE; given, every crop must meet them."""
        self.classifier = Classifier(model or default_model(), threads=threads)
        self.segment_cfg = segment_cfg
        self.min_confidence = MIN_CONFIDENCE if min_confidence is None else min_confidence
        self.min_margin = MIN_MARGIN if min_margin is None else min_margin
        self.in_line = (IN_LINE_CONFIDENCE, 0.0) if min_confidence is None and min_margin is None else None

    def read(self, frame: np.ndarray, still: bool = False) -> Reading:
        """The digits in one frame; `still`: a photo, segmented at up to photo_side pixels instead of max_side."""
        start = time.perf_counter()
        blobs, mask = segment(frame, self._config(still))
        digits = self.classify(blobs)
        return Reading(digits, text_of(digits), mask, (time.perf_counter() - start) * 1e3)

    def _config(self, still: bool) -> SegmentConfig:
        """The segmentation settings for a camera's or video's frame, or for a still photo (photo_side,
        and a margin of paper around a crop whose strokes reach its edges)."""
        return replace(self.segment_cfg, max_side=self.segment_cfg.photo_side, crop_margin=True) if still else self.segment_cfg

    def classify(self, blobs: list[Blob]) -> list[Digit]:
        """Classify the readings of every blob; keep each blob's most plausible reading.

        A batch of every blob's own reading first, then batches of alternatives, each blob's likeliest
        count first, while they could still beat its best reading so far. A reading's plausibility is
        its log-probabilities (never above 0) plus a prior from its digit count and cuts, so an
        alternative whose prior alone is no better than a reading's whole plausibility can never win,
        and is neither cut nor classified (a wide 0 cut in two and read whole with confidence is not
        cut in three)."""
        if not blobs:
            return []
        skew, agreeing, pairs = skew_of([b.page_box for b in blobs])  # (on the page as read: a rectified sheet's own lines)
        # lines seen askew (several digits agreeing; handwriting's own slant and wobble differ from one
        # digit to the next): each digit is stood upright first
        turn = skew if abs(skew) >= UPRIGHT and agreeing >= 3 else 0.0
        pose = (turn, _shear(blobs, turn))  # (how each crop is turned, then sheared, before it is read)
        for blob in blobs:
            blob.lean(pose[1])  # (touching digits that lean are cut along their lean)
        unit = digit_width(blobs)
        tall = float(median(b.page_box[3] for b in blobs))  # the frame's typical mark height (without a unit)
        for blob in blobs if unit else ():
            blob.offer(max(1, round(_count_of(blob, unit, tall))))  # a short, wide digit's shape says 3
        for blob in blobs if unit and len(blobs) >= MIN_STACK else ():
            # two digits of two lines whose strokes meet (a sudoku's, across the grid line taken out
            # between them) are one blob, twice as tall as the others, as wide as one of them, and
            # level with marks of both lines (a big digit standing above a line of small ones is not)
            if (blob.counts[0] == 1 and STACKED[0] * tall <= blob.page_box[3] <= STACKED[1] * tall
                    and _straddles(blob.page_box, [b.page_box for b in blobs], tall)):
                blob.stack()

        def prior(blob: Blob, j: int, cut: bool = True) -> float:
            return _prior(blob, j, unit, cut, tall)

        probs: dict[tuple[int, int], list[np.ndarray]] = {}  # (blob, reading) -> one row per digit
        self._predict([(i, 0) for i in range(len(blobs))], blobs, probs, pose)
        best = [_plausibility(probs[i, 0], prior(blob, 0)) for i, blob in enumerate(blobs)]
        waiting = [sorted(range(1, len(blob.counts)), key=lambda j: -prior(blob, j, cut=False)) for blob in blobs]
        while keys := [(i, order.pop(0)) for i, order in enumerate(waiting)
                       if order and prior(blobs[i], order[0], cut=False) > best[i]]:
            self._predict(keys, blobs, probs, pose)
            for i, j in keys:
                if probs.get((i, j)):
                    best[i] = max(best[i], _plausibility(probs[i, j], prior(blobs[i], j)))
        chosen: list[tuple[Candidate, np.ndarray, bool]] = []  # (crop, its reading, found only under glare)
        for i, blob in enumerate(blobs):
            tried = [j for j in range(len(blob.counts)) if probs.get((i, j))]
            best = max(tried, key=lambda j: _plausibility(probs[i, j], prior(blob, j)))
            chosen.extend((c, p, blob.washed) for c, p in zip(blob.reading(best)[0], probs[i, best]))
        chosen = self._rejoined(chosen, pose, tall)
        boxes = [c.page_box for c, _, _ in chosen]
        # lines run along the slant where the digits are stood upright by it, or where half the pairs of
        # neighbours agree with it; else level (a sudoku's sparse rows: many a digit's nearest neighbour
        # lies in the next row, and their median slant is no line's)
        along, across = _along_across(boxes, skew if turn or 2 * agreeing >= pairs else 0.0)
        array = np.array(boxes, np.float64).reshape(-1, 4)
        lines = _lines(array, along, across)
        marks = _punctuation(array, across, lines)
        fits = _in_line(array, lines)
        big = _big_strays(array[:, 3], fits, lines) if self.in_line else [False] * len(chosen)
        read = []  # (digit, its place along its line)
        for (c, p, glare), line, mark, fit, place, huge in zip(chosen, lines, marks, fits, along, big):
            top2 = np.sort(p)[-2:]
            # a mark standing in a line of digits as one of them is a digit: its likeliest reading is
            # taken, unless the model has no guess at all; a stray mark must be a sure and clear reading
            sure, lead = self.in_line if fit and self.in_line else (self.min_confidence, self.min_margin)
            if huge:  # far bigger than the frame's digits, in no line of them: a sure reading, or no digit
                sure = max(sure, BIG_SURE)
            if glare:  # brought back from under glare: a sure reading, or writing showing through
                sure, lead = max(sure, WASHED_CONFIDENCE), max(lead, self.min_margin)
            label = int(p.argmax()) if top2[1] >= sure and top2[1] - top2[0] >= lead else None
            if mark and label in (1, None):  # a comma or a stop reads as a 1, or as nothing sure
                continue  # (a small digit written low, a flat 5, reads as itself and stays)
            read.append((Digit(label, float(top2[1]), c.box, line, c.upright(*pose)), place))
        return [d for d, _ in sorted(read, key=lambda r: (r[0].line, r[1]))]

    def _rejoined(self, chosen: list[tuple[Candidate, np.ndarray, bool]], pose: tuple[float, float], tall: float) -> list:
        """The digits chosen, with pieces of one digit that came apart (a pen that skipped, a stroke too
        faint to hold: a 0 as two arcs, a 6's loop apart from its stem) read as one. Nearby pieces that
        together are the size of one digit (_broken_pairs) are read as one, and joined where that
        reading is likelier than theirs apart by JOIN_GAIN in log-probability: two pieces each read
        with confidence stay apart (two at 0.71 or more never join), as do two digits written close."""
        sure = [log(max(float(p.max()), 1e-6)) for _, p, _ in chosen]  # each piece's reading, alone
        # (a pair read together gains at most what its readings apart lose: where that is under
        # JOIN_GAIN, it cannot join, and is neither joined nor classified; most frames, their
        # digits all read at 0.71 or more, stop here)
        if len(sure) < 2 or -sum(sorted(sure)[:2]) < JOIN_GAIN:
            return chosen
        boxes = np.array([c.page_box for c, _, _ in chosen], np.float64).reshape(-1, 4)
        pairs = [(i, j) for i, j in _broken_pairs(boxes, tall) if -sure[i] - sure[j] >= JOIN_GAIN]
        if not pairs:
            return chosen
        joined = [_together([chosen[i][0], chosen[j][0]]) for i, j in pairs]
        rows = self.classifier.predict(np.stack([c.upright(*pose) for c in joined]))
        gains = [log(max(float(row.max()), 1e-6)) - sure[i] - sure[j] for (i, j), row in zip(pairs, rows)]
        used, merged = set(), {}
        for k in sorted(range(len(pairs)), key=lambda k: -gains[k]):
            (i, j), row = pairs[k], rows[k]
            if gains[k] < JOIN_GAIN or row.max() < self.min_confidence or i in used or j in used:
                continue
            used |= {i, j}
            merged[i] = (joined[k], row, chosen[i][2] or chosen[j][2])
        return [merged.get(i, c) for i, c in enumerate(chosen) if i in merged or i not in used]

    def _predict(self, keys: list[tuple[int, int]], blobs: list[Blob], probs: dict, pose: tuple[float, float]) -> None:
        """Classify the crops of these readings in one batch (each turned and sheared by `pose` first,
        Candidate.upright); store their rows in probs."""
        crops = [c for i, j in keys for c in blobs[i].reading(j)[0]]
        if not crops:
            return
        rows = iter(self.classifier.predict(np.stack([c.upright(*pose) for c in crops])))
        for i, j in keys:
            probs[i, j] = [next(rows) for _ in blobs[i].reading(j)[0]]

    def read_single(self, image: np.ndarray) -> Digit:
        """The image holds one digit (the original notebooks' way of classifying new images). In a photo,
        the digit is the biggest mark that the page's segmentation finds, with the marks within 0.3
        of its size of its box (a 5's bar written apart), read whole as one digit: the desk, a
        shadow and specks elsewhere stay out of it. Where segmentation finds nothing (a digit
        filling the image edge to edge), and in an image under CROP pixels across (a digit's crop
        already, as MNIST's own 28x28), the whole image is the digit."""
        from digitedge.vision.paper import ink_map, to_gray

        crop = max(np.shape(image)[:2], default=0) < CROP
        blobs = [] if crop else segment(image, self._config(still=True))[0]
        pieces = [whole[0] for whole in (b.cut(1)[0] for b in blobs) if whole]  # each blob as one digit
        if pieces:
            return self.classify([Blob.whole(_joined(pieces))])[0]
        gray = to_gray(image)
        nothing = Digit(None, 0.0, (0, 0, 0, 0), 0, np.zeros((28, 28), np.uint8))
        if gray.size == 0 or int(gray.max()) - int(gray.min()) < BLANK:
            return nothing  # an empty or a blank image (the model reads a blank 28x28 as a 1 at 0.78)
        h, w = gray.shape
        scale = min(1.0, 256 / max(h, w))  # a close-up's strokes must stay thinner than the paper window
        if scale >= 1:
            small = gray
        elif min(h, w) * scale >= 1:
            small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        else:  # a strip (3x5000) whose short side would shrink to nothing keeps a pixel of it
            small = cv2.resize(gray, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
        ink = ink_map(small, self.segment_cfg.polarity)
        mask = (ink > max(self.segment_cfg.min_contrast, int(ink.max()) // 3)).astype(np.uint8) * 255
        if not mask.any():
            return nothing  # no ink standing out from the paper anywhere
        return self.classify([Blob.whole(Candidate((0, 0, w, h), ink, mask))])[0]


def _joined(pieces: list[Candidate]) -> Candidate:
    """The biggest of these crops and those within 0.3 of its size of its box, as one digit: their
    ink laid on one canvas at the processing scale (by their boxes on the page as read)."""
    biggest = max(pieces, key=_area)
    bx, by, bw, bh = biggest.page_box
    reach = 0.3 * max(bw, bh)
    near = [c for c in pieces if c.page_box[0] < bx + bw + reach and c.page_box[0] + c.page_box[2] > bx - reach
            and c.page_box[1] < by + bh + reach and c.page_box[1] + c.page_box[3] > by - reach]
    return biggest if len(near) == 1 else _together(near)


def _together(near: list[Candidate]) -> Candidate:
    """These crops as one digit: their ink laid on one canvas at the processing scale (the biggest's),
    by their boxes on the page as read (a piece cut from a blob of several digits: its box where it
    lies on the blob's canvas, Candidate.offset)."""
    biggest = max(near, key=_area)
    # processing pixels per frame pixel (a crop without a scale, predict --single's whole image: its ink spans its box)
    s = biggest.scale or biggest.ink.shape[1] / max(biggest.page_box[2], 1)
    x0, y0, _, _ = page = _around([c.page_box for c in near])
    pieces = [_rescaled(c, biggest.scale) for c in near]
    at = [(round((c.page_box[1] - y0) * s - c.offset[1] * i.shape[0] / c.ink.shape[0]),
           round((c.page_box[0] - x0) * s - c.offset[0] * i.shape[1] / c.ink.shape[1])) for c, (i, _) in zip(near, pieces)]
    dy, dx = min(t for t, _ in at), min(l for _, l in at)  # (a canvas reaching above or left of its box: the blob's)
    at = [(t - dy, l - dx) for t, l in at]
    # the canvas holds every piece whole (a box rounded to the frame's pixels can be a pixel short of its ink)
    shape = (max(t + i.shape[0] for (t, _), (i, _) in zip(at, pieces)), max(l + i.shape[1] for (_, l), (i, _) in zip(at, pieces)))
    ink, support = np.zeros(shape, np.uint8), np.zeros(shape, np.uint8)
    for (top, left), (piece, held) in zip(at, pieces):
        h, w = piece.shape
        np.maximum(ink[top : top + h, left : left + w], piece, out=ink[top : top + h, left : left + w])
        np.maximum(support[top : top + h, left : left + w], held, out=support[top : top + h, left : left + w])
    return Candidate(_around([c.box for c in near]), ink, support, flat=page if biggest.flat else None, scale=biggest.scale,
                     offset=(-dx, -dy))


def _rescaled(c: Candidate, scale: float | None) -> tuple[np.ndarray, np.ndarray]:
    """A crop's ink and support at `scale` (pixels per frame pixel), if it was cut at another."""
    if scale is None or c.scale is None or c.scale == scale:
        return c.ink, c.support
    h, w = c.ink.shape
    size = (max(1, round(w * scale / c.scale)), max(1, round(h * scale / c.scale)))
    return cv2.resize(c.ink, size, interpolation=cv2.INTER_AREA), cv2.resize(c.support, size, interpolation=cv2.INTER_NEAREST)


def _area(c: Candidate) -> int:
    """Its box's area on the page as read."""
    return c.page_box[2] * c.page_box[3]


def _broken_pairs(boxes: np.ndarray, tall: float) -> list[tuple[int, int]]:
    """Pairs of marks (x, y, w, h rows, on the page as read) that may be one digit in two pieces: within
    BREAK of the frame's typical mark height `tall` of each other both ways, and together no taller
    than JOINED_TALL of it and no wider than JOINED_WIDE of their own height (a digit's shape: two
    digits side by side are wider)."""
    x, y, w, h = boxes.T
    x1, y1 = x + w, y + h
    gap_x = np.maximum(x[:, None], x[None, :]) - np.minimum(x1[:, None], x1[None, :])
    gap_y = np.maximum(y[:, None], y[None, :]) - np.minimum(y1[:, None], y1[None, :])
    uw = np.maximum(x1[:, None], x1[None, :]) - np.minimum(x[:, None], x[None, :])
    uh = np.maximum(y1[:, None], y1[None, :]) - np.minimum(y[:, None], y[None, :])
    ok = (gap_x <= BREAK * tall) & (gap_y <= BREAK * tall) & (uh <= JOINED_TALL * tall) & (uw <= JOINED_WIDE * uh)
    i, j = np.nonzero(np.triu(ok, 1))
    return list(zip(i.tolist(), j.tolist()))


def _around(boxes: list[tuple[int, int, int, int]]) -> tuple[int, int, int, int]:
    """The box (x, y, w, h) around these boxes."""
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[0] + b[2] for b in boxes), max(b[1] + b[3] for b in boxes)
    return x0, y0, x1 - x0, y1 - y0


def digit_width(blobs: list[Blob]) -> float | None:
    """The frame's typical digit width, from blobs whose shape says one digit, neither a narrow 1 nor
    too few to tell (in a row of touching pairs, the pairs would make the typical digit a pair)."""
    widths = [b.page_box[2] for b in blobs if b.counts[0] == 1 and b.page_box[2] > 0.4 * b.page_box[3]]
    return float(median(widths)) if len(widths) >= 3 else None


def _prior(blob: Blob, j: int, unit: float | None, cut: bool = True, tall: float | None = None) -> float:
    """What reading j's shape says before the classifier does (at most 0): how far its digit count
    is from the count the blob's width says (_count_of: a touching 28 is confidently one 8 to the
    classifier), cuts through ink more often than once each (a wide 0 cut in half is a confident
    6 and 7 to the classifier, but its cut crosses two strokes), and pieces under half the height
    of the reading's tallest (a 7's crossbar cut off reads as a 2, but digits written side by side
    are of a height). With cut=False, from the count asked for alone, without cutting: the rest can
    only lower it (and a cut yields that count unless one of its pieces comes out empty, which the
    test on the samples would catch). `tall`: the frame's typical mark height (_count_of)."""
    over = j == blob.over  # two digits, one above the other: its width is a line's (not scaled by its height)
    expected = _count_of(blob, unit, None if over else tall)
    # a blob offered that reading (stack) is as far off as its height is from one typical mark's, or
    # from two; less STACK for two (a tall digit's halves read as digits too: an 8's loops as 0s)
    lines = 0.0 if blob.over is None else -COUNT * abs((2 if over else 1) - blob.page_box[3] / tall) - STACK * over
    if not cut:
        return -COUNT * abs((1 if over else blob.counts[j]) - expected) + lines
    digits, touches = blob.reading(j)
    n = len(digits)
    tallest = max((d.page_box[3] for d in digits), default=0)
    stubs = sum(d.page_box[3] < 0.5 * tallest for d in digits)
    count = -COUNT * (abs(1 - expected) + 2 - n) if over else -COUNT * abs(n - expected)
    return count + lines - 1.0 * max(0, touches - (n - 1)) - 1.0 * stubs


def _straddles(box: tuple[int, int, int, int], boxes: list[tuple[int, int, int, int]], tall: float) -> bool:
    """Whether a box's top half and its bottom half each hold the middle of another mark of a line's
    height (at most FIT[1] times the typical mark height `tall`): it lies across two lines of digits."""
    x, y, w, h = box
    middles = [by + bh / 2 for bx, by, bw, bh in boxes if bh <= FIT[1] * tall]
    return any(y <= m < y + h / 2 for m in middles) and any(y + h / 2 <= m < y + h for m in middles)


def _count_of(blob: Blob, unit: float | None, tall: float | None = None) -> float:
    """How many digits a blob's width says it holds: its width over the frame's typical digit width,
    where a blob wider than one counts SPAN typical widths for each digit past the first (digits that
    touch are wider than those standing alone: a wide 0 or 4 reaches its neighbour; the development
    sets' touching pairs span a median 2.4-2.6 typical widths, where a lone digit is up to 1.6,
    rarely 2.1); without a typical width, its width over 0.75 of the frame's typical mark height
    `tall` (the median of its marks', else its own): a wide digit shorter than its neighbours (a 2
    with a curl at its foot, 128x90 pixels beside digits 113-119 tall) is one by the line's height,
    where by its own it was two, and was cut in two. A blob over TALLER times the typical mark height
    (a big number written above small ones) is measured against the typical width scaled by its own
    height: a big 4 three times as tall as the small digits beside it is one digit, not three."""
    _, _, w, h = blob.page_box
    if not unit:
        return w / (0.75 * (tall or h))
    if tall and h > TALLER * tall:
        unit *= h / tall
    r = w / unit
    return r if r <= 1 else 1 + (r - 1) / SPAN


def _plausibility(probs: list[np.ndarray], prior: float) -> float:
    """How likely one way of cutting a blob is: the classifier's log-probabilities plus the prior."""
    return sum(float(np.log(max(p.max(), 1e-6))) for p in probs) + prior


def skew_of(boxes: list[tuple[int, int, int, int]]) -> tuple[float, int, int]:
    """The slant of the lines of writing, in degrees (positive: running down to the right, as the
    frame's rows are numbered): the median slant from each box to its nearest neighbour, of those
    lying more beside it than above or below it and less than three digits' heights away (a line's
    digits are closer to each other than to the next line's); how many pairs agree with it, within
    AGREE degrees; and how many pairs there are. (0, 0, pairs) with fewer than two such pairs."""
    if len(boxes) < 3:
        return 0.0, 0, 0
    x, y, w, h = np.array(boxes, np.float64).reshape(-1, 4).T
    tall = h >= 0.6 * median(h.tolist())  # a comma's or a stop's centre, low beside a digit, is not the line's slant
    x, y, w, h = x[tall], y[tall], w[tall], h[tall]
    cx, cy = x + w / 2, y + h / 2
    dx, dy = cx[None, :] - cx[:, None], cy[None, :] - cy[:, None]
    dist = np.hypot(dx, dy)
    beside = (np.abs(dy) < np.abs(dx)) & (dist < 3 * np.maximum(h[:, None], h[None, :]))
    first = np.flatnonzero(beside.any(1))
    nearest = np.argmin(np.where(beside[first], dist[first], np.inf), axis=1)
    pairs = sorted({(min(a, b), max(a, b)) for a, b in zip(first.tolist(), nearest.tolist())})  # each pair once
    if len(pairs) < 2:
        return 0.0, 0, len(pairs)
    i, j = np.array(pairs).T
    angles = np.degrees(np.arctan(dy[i, j] / dx[i, j]))
    skew = float(median(angles.tolist()))
    return skew, int(np.count_nonzero(np.abs(angles - skew) <= AGREE)), len(pairs)


def _shear(blobs: list[Blob], turn: float) -> float:
    """How far to shear the frame's crops (normalize.turned) so its handwriting leans as MNIST's does:
    writing slanted well beyond it (a fast hand's 25-35 degrees) is read far worse, and a writer's
    slant is the same from one digit to the next, where MNIST's writers' each differed. The median
    lean (normalize.lean_of, once turned `turn` degrees) of the digits the shapes guess, of those at
    least 0.6 of the frame's median height (not a comma's); where it lies more than SLANTED from
    MNIST_LEAN, and further than a median of as many of MNIST's own digits would by chance
    (SLANT_NOISE: half of them lean from -0.06 to 0.31), the shear that takes it there, else 0
    (most frames). Fewer than three such digits say nothing (a single digit leans as its writer
    chose)."""
    crops = [c for blob in blobs for c in blob.reading(0)[0]]
    if len(crops) < 3:
        return 0.0
    tall = 0.6 * median(c.page_box[3] for c in crops)
    leans = [lean for c in crops if c.page_box[3] >= tall and (lean := lean_of(c.ink, turn)) is not None]
    if len(leans) < 3:
        return 0.0
    lean = float(median(leans))
    return round(lean - MNIST_LEAN, 2) if abs(lean - MNIST_LEAN) > max(SLANTED, SLANT_NOISE / len(leans) ** 0.5) else 0.0


def _along_across(boxes: list[tuple[int, int, int, int]], skew: float) -> tuple[np.ndarray, np.ndarray]:
    """The boxes' centres in a frame turned so lines slanting `skew` degrees run level: (along the
    line, across it)."""
    x, y, w, h = np.array(boxes, np.float64).reshape(-1, 4).T
    cx, cy = x + w / 2, y + h / 2
    t = np.radians(skew)
    return cx * np.cos(t) + cy * np.sin(t), cy * np.cos(t) - cx * np.sin(t)


def _punctuation(boxes: np.ndarray, across: np.ndarray, lines: list[int]) -> list[bool]:
    """Which marks may be punctuation within a line of digits (1,000; 3.14; 10:30): under 0.6 of the
    line's tallest digit every way, and lying wholly below or above its middle, as a comma, a full stop
    or a colon's dot does (a comma's short stroke reads as a confident 1). A digit mostly sits across
    the line's middle, but one written small and low can pass this test: the reader drops only those
    read as 1 or not read. `across`: the boxes' centres across the line (_along_across)."""
    h, size = boxes[:, 3], np.maximum(boxes[:, 2], boxes[:, 3])
    marks = [False] * len(boxes)
    for ids in _by_line(lines):
        if len(ids) < 2:
            continue
        tallest, runner_up = sorted(ids, key=lambda j: -h[j])[:2]
        for k in ids:
            t = runner_up if k == tallest else tallest  # the line's tallest other digit, and its middle
            marks[k] = bool(size[k] < 0.6 * h[t] and (across[k] - h[k] / 2 > across[t] or across[k] + h[k] / 2 < across[t]))
    return marks


def _in_line(boxes: np.ndarray, lines: list[int]) -> list[bool]:
    """Which marks stand in a line of digits as one of them: a line of at least IN_LINE marks, and a
    height within FIT of the median height of the line's other marks."""
    h = boxes[:, 3].tolist()
    fits = [False] * len(boxes)
    for ids in _by_line(lines):
        if len(ids) < IN_LINE:
            continue
        for k in ids:
            typical = median(h[j] for j in ids if j != k)  # (statistics: NumPy's costs far more for a few numbers)
            fits[k] = FIT[0] * typical <= h[k] <= FIT[1] * typical
    return fits


def _big_strays(heights: np.ndarray, fits: list[bool], lines: list[int]) -> list[bool]:
    """Which marks stand alone: in no line of digits (_in_line), with no mark of their height (FIT)
    in their line (a big number's two digits stand together), and at least BIG_STRAY times the
    median height of the frame's other marks, of which there are at least IN_LINE."""
    h = heights.tolist()
    if len(h) <= IN_LINE:
        return [False] * len(h)
    return [not fit and h[k] >= BIG_STRAY * median(h[:k] + h[k + 1 :])
            and not any(FIT[0] * h[k] <= h[j] <= FIT[1] * h[k] for j in range(len(h)) if j != k and lines[j] == lines[k])
            for k, fit in enumerate(fits)]


def _by_line(lines: list[int]) -> list[list[int]]:
    """The indices of the marks in each line, given each mark's line."""
    members: dict[int, list[int]] = {}
    for k, line in enumerate(lines):
        members.setdefault(line, []).append(k)
    return list(members.values())


def group_lines(boxes: list[tuple[int, int, int, int]], skew: float = 0.0) -> list[int]:
    """Line number of each box, lines numbered top to bottom, in a frame turned so lines slanting
    `skew` degrees (skew_of) run level. Two boxes are in one line when their vertical extents
    overlap by half the shorter one's height, or when one is the other's nearest neighbour to the
    right (less than two digits' heights away) and they overlap by a quarter: so a line whose slant
    the skew does not take out (one line of several written uphill) still holds together, each
    digit overlapping the next, though not the line's first."""
    if not boxes:
        return []
    return _lines(np.array(boxes, np.float64).reshape(-1, 4), *_along_across(boxes, skew))


def _lines(boxes: np.ndarray, along: np.ndarray, across: np.ndarray) -> list[int]:
    """group_lines, given the boxes (x, y, w, h rows) and their centres turned (_along_across)."""
    n = len(boxes)
    if n == 0:
        return []
    w, h = boxes[:, 2], boxes[:, 3]
    x, y = along - w / 2, across - h / 2
    overlap = np.minimum((y + h)[:, None], (y + h)[None, :]) - np.maximum(y[:, None], y[None, :])
    shorter = np.minimum(h[:, None], h[None, :])
    linked = overlap >= 0.5 * shorter
    gap = x[None, :] - (x + w)[:, None]  # from box i's right side to box j's left side
    right = (x + w / 2)[None, :] > (x + w / 2)[:, None]
    near = right & (overlap >= 0.25 * shorter) & (gap < 2 * np.maximum(h[:, None], h[None, :]))
    for i in np.flatnonzero(near.any(1)):
        j = int(np.argmin(np.where(near[i], gap[i], np.inf)))
        linked[i, j] = linked[j, i] = True
    line_of = [0] * n
    for rank, ids in enumerate(sorted(connected_components(linked), key=lambda ids: min(y[i] for i in ids))):
        for i in ids:
            line_of[i] = rank
    return line_of


def text_of(digits: list[Digit]) -> str:
    """Accepted digits, lines separated by one space; `digits` in reading order, as read() gives them."""
    lines: dict[int, str] = {}
    for d in digits:
        if d.label is not None:
            lines[d.line] = lines.get(d.line, "") + str(d.label)
    return " ".join(lines[k] for k in sorted(lines))
