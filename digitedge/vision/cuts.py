"""A blob cut into digits: the least-ink paths between touching digits, straight down or along the
handwriting's lean, and each piece's crop."""

from __future__ import annotations

import cv2
import numpy as np

from digitedge.vision.blobs import Candidate, Placement
from digitedge.vision.normalize import SQUARE


def cut(pieces: list[np.ndarray], shape: np.ndarray, region: np.ndarray, x: int, y: int, at: Placement):
    """(digits, touches) of one way of cutting a blob into pieces."""
    digits = [c for c in (_candidate(p, shape, region, x, y, at) for p in pieces) if c]
    return digits, sum(_touches(a, b) for a, b in zip(pieces, pieces[1:]))


def cut_into(shape: np.ndarray, region: np.ndarray, x: int, y: int, at: Placement, k: int, shear: float = 0.0,
             over: bool = False):
    """A blob's shape cut into k digits along the least-ink paths (along the handwriting's lean where
    `shear` says it leans: _leaning_paths); over=True: into two, one above the other (stacked)."""
    if over:
        return cut(stacked(shape), shape, region, x, y, at)
    return cut([shape] if k == 1 else split(shape, 0.0, parts=k, shear=shear), shape, region, x, y, at)


def stacked(shape: np.ndarray) -> list[np.ndarray]:
    """A blob's shape cut into a top digit and a bottom one along the least-ink path from side to side
    near its middle (two digits of two lines whose strokes meet: a sudoku's 7 whose tail reaches the
    6 in the cell below, across the grid line taken out between them)."""
    return [piece.T.copy() for piece in _pieces(shape.T, _paths(shape.T, 2))]


def _candidate(piece: np.ndarray, shape: np.ndarray, region: np.ndarray, x: int, y: int, at: Placement) -> Candidate | None:
    """One digit's crop: its pixels of the blob, with their soft edges but none of its neighbours'."""
    bx, by, bw, bh = cv2.boundingRect(piece)
    if bw == 0:
        return None
    support = cv2.dilate(piece, SQUARE)
    if piece is not shape:
        support = cv2.bitwise_and(support, cv2.bitwise_not(cv2.subtract(shape, piece)))
    crop = cv2.bitwise_and(region, support)
    return Candidate(at.box((x + bx, y + by, bw, bh)), crop, support, flat=at.flat((x + bx, y + by, bw, bh)),
                     scale=at.scale, offset=(bx, by))


def _touches(left: np.ndarray, right: np.ndarray) -> int:
    """Separate places where two neighbouring pieces touch: one for two digits written into each
    other, two for a 0 cut in half, three for an 8."""
    contact = cv2.bitwise_and(cv2.dilate(left, SQUARE), right)
    return cv2.connectedComponents(contact, connectivity=8)[0] - 1


def split(shape: np.ndarray, ratio: float, parts: int | None = None, shear: float = 0.0) -> list[np.ndarray]:
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
