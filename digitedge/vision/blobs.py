"""What segmentation hands the reader: blobs of ink, the ways to cut each into digit candidates, and
where their pixels lie in the frame as given."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import cv2
import numpy as np

from digitedge.vision.normalize import to_mnist, turned


@dataclass
class Candidate:
    box: tuple[int, int, int, int]  # x, y, w, h in the original frame's pixels
    ink: np.ndarray = field(repr=False)  # (h, w) uint8 at processing scale: this digit's ink alone
    support: np.ndarray = field(repr=False)  # (h, w) uint8 0/255: the pixels that are its ink
    images: dict[tuple[float, float], np.ndarray] = field(default_factory=dict, repr=False)  # (turn, shear) -> its 28x28
    flat: tuple[int, int, int, int] | None = None  # its box on the page seen head-on (Placement.flat), if not `box`
    scale: float | None = None  # its ink's pixels per frame pixel (Placement.scale), where known: a small mark of a
    # frame shrunk for its thick strokes is cut from the frame as it was (segment), at another scale than its neighbours
    offset: tuple[int, int] = (0, 0)  # (left, top) of its box on its ink's canvas, in the canvas's pixels: a piece cut
    # from a blob of several digits keeps the whole blob's canvas (cuts._candidate)

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
    washed: bool = False  # found only by looking again under glare (segment._washed_out): read only where sure
    shear: float = 0.0  # its cuts run along the handwriting's lean: the shear that stands it up (lean)
    over: int | None = None  # the reading that holds two digits one above the other (stack), if offered

    @property
    def page_box(self) -> tuple[int, int, int, int]:
        """Its box on the page as read (Candidate.page_box)."""
        return self.flat or self.box

    def reading(self, j: int) -> tuple[list[Candidate], int]:
        """Reading j's digits, and the places where its cuts go through ink (a touching pair: one per
        cut); cut when first asked for, since the reader skips readings whose count cannot win."""
        if j not in self.made:
            self.made[j] = self.cut(2, 0.0, True) if j == self.over else self.cut(self.counts[j], self.shear)
        return self.made[j]

    def lean(self, shear: float) -> None:
        """Cut it along the handwriting's lean from now on: between digits that lean far, the gap runs
        as slanted as they do (normalize.turned's shear that stands them up; 0: straight down). Its
        readings of more than one digit (cut, even where a piece came out empty) are cut again when
        next asked for."""
        if shear != self.shear:
            self.shear = shear
            self.made = {j: made for j, made in self.made.items() if self.counts[j] == 1 or j == self.over}

    def offer(self, count: int) -> None:
        """One more way to read it, if it is new: `count` digits (the reader's guess from the frame's
        typical digit width, which a short wide digit's own shape gets wrong)."""
        if count >= 1 and count not in self.counts:
            self.counts.append(count)

    def stack(self) -> None:
        """One more way to read it: two digits, one above the other (cuts.stacked), if not offered yet."""
        if self.over is None:
            self.over = len(self.counts)
            self.counts.append(2)

    @classmethod
    def whole(cls, candidate: Candidate) -> "Blob":
        """A blob read only as the one digit it is (other counts come out empty and are never chosen)."""
        return cls(candidate.box, [1], lambda k, shear=0.0, over=False: ([candidate] if k == 1 and not over else [], 0), flat=candidate.flat)


@dataclass(frozen=True)
class Placement:
    """Where processing pixels lie in the frame as given: its scale, the margin of paper added around
    a crop (paper.crop_margin; in the frame's pixels), the frame's size (w, h), and, for a sheet
    seen at an angle and read as seen head-on (sheet.rectified), the homography taking processing
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
