"""A sheet that was folded or crumpled, or a glossy one with glare on it: is the handwriting read?

    python benchmarks/folds.py [--model exports/digitedge_int8.onnx] [--seed 0] [--frames 20]

Each 640x480 frame is a page of two rows of five MNIST test digits, about 50 pixels tall,
photographed (benchmark.photographed: lit from one side, slightly blurred, with sensor noise), after:
- a fold: a letter folded in three, or a sheet in half, and flattened again: one crease (two for the
  letter) across the page at a random place, near level or upright, often through the digits; the
  crease a dark valley 1-2 pixels wide with a lit ridge beside it, and the facets either side of it
  lit 3-12% differently;
- crumpled: eight creases at random places and slants, shallower, with facets lit up to 6% apart
  each, and a smooth random shading over the page;
- glare: a lamp's or a window's reflection on glossy paper, a bright patch 60-150 pixels across
  somewhere on the page, washing the ink out by 40-60% (mild) or 70-85% (strong) at its centre;
  strong again on ruled paper (a line every 32 pixels), and with the page a sheet lying on a desk.
Prints, per condition, the frames read exactly and the digits matched (benchmark.digits_matched)
of the 200. Real sheets are often folded (a letter, a form carried in a pocket) or crumpled, and
photographed under a lamp; the generator's are flat and matte.
"""

from __future__ import annotations

import cv2
import numpy as np

from digitedge.benchmark import cells, digit_source, frames_scored, photographed, script_parser, two_rows
from digitedge.vision.reader import DigitReader

CELL = 70  # the digit's 28x28 square drawn this big: its ink about 50 pixels tall
_YY, _XX = np.mgrid[0:480, 0:640].astype(np.float32)


def crease(rng, at: tuple[float, float], angle: float, depth: float, step: float) -> np.ndarray:
    """The light a crease through `at` at `angle` (radians) leaves on the page, as a factor: a dark
    valley `depth` deep (1-2 pixels wide), a lit ridge beside it, and the facet on one side lit `step`
    (a share, either way) differently from the other's (half of it each way, so the page's light
    stays about the same overall), the change spread over a few pixels."""
    d = (_XX - at[0]) * np.sin(angle) - (_YY - at[1]) * np.cos(angle)  # signed distance from the crease
    width = rng.uniform(0.7, 1.2)
    valley = depth * np.exp(-0.5 * (d / width) ** 2)
    ridge = 0.5 * depth * np.exp(-0.5 * ((d - 2.5 * width) / width) ** 2)
    facet = step * (1 / (1 + np.exp(-d / rng.uniform(1, 3))) - 0.5)  # -step/2 on one side, +step/2 on the other
    return (1 - valley) * (1 + ridge) * (1 + facet)


def folded(page: np.ndarray, rng) -> np.ndarray:
    """A letter folded in three (two level creases a third apart) or a sheet folded in half (one
    crease, level or upright), each within 3 degrees of it and 30 pixels of its place."""
    light = np.ones_like(page)
    if rng.random() < 0.5:
        for third in (1, 2):
            at = (320 + rng.uniform(-30, 30), 160 * third + rng.uniform(-30, 30))
            light *= crease(rng, at, np.radians(rng.uniform(-3, 3)), rng.uniform(0.15, 0.35),
                            rng.choice([-1, 1]) * rng.uniform(0.03, 0.12))
    else:
        upright = rng.random() < 0.5
        at = (320 + rng.uniform(-30, 30), 240 + rng.uniform(-30, 30))
        angle = np.radians(rng.uniform(-3, 3) + (90 if upright else 0))
        light *= crease(rng, at, angle, rng.uniform(0.15, 0.35), rng.choice([-1, 1]) * rng.uniform(0.03, 0.12))
    return page * light


def crumpled(page: np.ndarray, rng) -> np.ndarray:
    """Eight shallower creases at random places and slants, facets up to 6% apart, and a smooth
    random shading (up to about 8% either way)."""
    light = np.ones_like(page)
    for _ in range(8):
        at = (rng.uniform(0, 640), rng.uniform(0, 480))
        light *= crease(rng, at, rng.uniform(0, np.pi), rng.uniform(0.05, 0.2), rng.uniform(-0.06, 0.06))
    shading = cv2.GaussianBlur(rng.normal(0, 1, (480, 640)).astype(np.float32), (0, 0), 40)
    light *= 1 + 0.08 * shading / max(float(np.abs(shading).max()), 1e-6)
    return page * light


def glare(photo: np.ndarray, rng, strength: tuple[float, float]) -> np.ndarray:
    """A bright patch 60-150 pixels across (an ellipse, at a random place on the page) where light
    reflected off the sheet washes the ink out: each pixel of the photo moved towards white by
    `strength` at the patch's centre, less further out. (The reflection adds to the page's light
    wherever that falls off, up to the camera's white, whose highlights it compresses.)"""
    cx, cy = rng.uniform(60, 580), rng.uniform(60, 420)
    sx, sy = rng.uniform(30, 75, 2)
    patch = np.exp(-0.5 * (((_XX - cx) / sx) ** 2 + ((_YY - cy) / sy) ** 2))
    photo = photo.astype(np.float32)
    return np.clip(photo + (255 - photo) * rng.uniform(*strength) * patch, 0, 255).astype(np.uint8)


def ruled(page: np.ndarray, rng) -> np.ndarray:
    """A ruled sheet: a line (2 pixels, 20% darker) every 32 pixels, through the digits too."""
    page = page.copy()
    for y in range(int(rng.integers(8, 40)), 480, 32):
        page[y : y + 2] *= 0.8
    return page


def on_a_desk(photo: np.ndarray, rng) -> np.ndarray:
    """The photo's page as a sheet lying on a wooden desk: its edges 10-40 pixels inside the view."""
    sheet = np.zeros((480, 640), np.uint8)
    corners = np.array([(25, 25), (615, 25), (615, 455), (25, 455)]) + rng.integers(-15, 16, (4, 2))
    cv2.fillConvexPoly(sheet, corners.astype(np.int32), 1)
    wood = 110 + 15 * np.sin(_YY / 9.0 + 0.3 * np.sin(_XX / 40.0)) + rng.normal(0, 3, (480, 640))
    return cv2.GaussianBlur(np.clip(np.where(sheet > 0, photo, wood), 0, 255).astype(np.uint8), (3, 3), 0)


# (page, rng) -> page, for what the paper shows; (photo, rng) -> photo, for what the light does
CONDITIONS = {
    "flat (for comparison)": (lambda page, rng: page, None),
    "folded": (folded, None),
    "crumpled": (crumpled, None),
    "glare, mild": (None, lambda photo, rng: glare(photo, rng, (0.4, 0.6))),
    "glare, strong": (None, lambda photo, rng: glare(photo, rng, (0.7, 0.85))),
    "glare, strong, ruled": (ruled, lambda photo, rng: glare(photo, rng, (0.7, 0.85))),
    "glare, strong, on a desk": (None, lambda photo, rng: on_a_desk(glare(photo, rng, (0.7, 0.85)), rng)),
}


def frame(mnist, digits, condition, rng) -> np.ndarray:
    on_page, in_light = condition
    page = two_rows(cells(mnist, digits, CELL), CELL)
    photo = photographed(on_page(page, rng) if on_page else page, rng)
    return cv2.cvtColor(in_light(photo, rng) if in_light else photo, cv2.COLOR_GRAY2BGR)


def main() -> None:
    args = script_parser(__doc__).parse_args()
    mnist, reader = digit_source(args.digits), DigitReader(args.model, threads=1)
    for name, condition in CONDITIONS.items():
        exact, matched = frames_scored(reader, mnist, args.frames, args.seed, 10, 5,
                                       lambda digits, rng: frame(mnist, digits, condition, rng))
        print(f"{name:<24} frames read exactly {exact}/{args.frames}; digits matched {matched}/{10 * args.frames}")


if __name__ == "__main__":
    main()
