"""A hand over the page, holding the pen: is the hand, or the pen's tip, read as digits?

    python benchmarks/hands.py [--model exports/digitedge_int8.onnx] [--samples camera_demo/samples]

Writing under a webcam puts the writer's hand in the view. Each of the set's 40 frames
(camera_demo/generate_samples.py) gets a right hand holding a pen: four fingers and a palm, a
wrist running out of the view, the pen's tip and body, and the hand's soft shadow on the page; the
skin shaded darker towards its outline, with a little texture, lit as the paper around it is. The
pen's tip stands just after the last digit of the last line (about to write the next one), or
below the middle of that line (the hand resting), in light, medium and dark skin, and again under
a lamp's warm cast (exposure.py's); then two hands holding the sheet up to the camera, a thumb from
each side over the page between two lines, 35 pixels short of the nearest digit; then the writing
hand in a sleeve from the wrist on (navy, black, striped white, striped red). Prints, for each,
the frames read exactly, the digits matched (benchmarks/pipeline.py's rule) and the digits read
where none is labelled (the hand, the pen).
"""

from __future__ import annotations

import cv2
import numpy as np

SKINS = {"light": (150, 175, 225), "medium": (105, 140, 195), "dark": (55, 78, 118)}  # BGR, as a phone shows skin
WARM = np.float32([0.55, 0.8, 1.0])  # exposure.py's lamp: blue 0.55, green 0.8
SLEEVES = {"navy": ((120, 60, 30), False), "black": ((40, 40, 40), False), "white, striped": ((200, 200, 200), True),
           "red, striped": ((60, 60, 160), True)}  # BGR, and whether it has stripes (at 0.45 of its colour)


def _capsule(mask: np.ndarray, a, b, width: float) -> None:
    cv2.line(mask, tuple(int(round(v)) for v in a), tuple(int(round(v)) for v in b), 255, max(1, int(width)))


def _lighting(frame: np.ndarray) -> np.ndarray:
    """The page's lighting, 0.3-1 (h, w, 1): it falls on a hand over the page too."""
    light = cv2.GaussianBlur(frame.mean(axis=2), (0, 0), 25)
    return np.clip(light / np.percentile(light, 95), 0.3, 1.0)[..., None]


def _shadowed(frame: np.ndarray, casting: np.ndarray, shift: tuple[int, int]) -> np.ndarray:
    """The frame (BGR float) with the soft shadow of `casting` (0/255), moved by `shift` (x, y), darkening it by 0.3."""
    h, w = frame.shape[:2]
    shadow = cv2.GaussianBlur(casting.astype(np.float32) / 255, (0, 0), 10)
    return frame * (1 - 0.3 * cv2.warpAffine(shadow, np.float32([[1, 0, shift[0]], [0, 1, shift[1]]]), (w, h)))[..., None]


def _skin_laid(out: np.ndarray, hand: np.ndarray, skin, light: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray]:
    """`out` (BGR float) with skin of this colour where `hand` (0/255) is: lit by `light`, shaded darker
    towards its outline, with a little texture and a soft edge; and that texture (h, w, 1)."""
    h, w = hand.shape
    rounded = 0.65 + 0.35 * np.clip(cv2.distanceTransform((hand > 0).astype(np.uint8), cv2.DIST_L2, 5) / 12, 0, 1)
    texture = cv2.GaussianBlur(rng.normal(0, 6, (h, w)).astype(np.float32), (0, 0), 1.5)[..., None]
    skin_image = np.float32(skin) * (rounded[..., None] * light * rng.uniform(0.9, 1.1)) + texture
    edge = cv2.GaussianBlur((hand > 0).astype(np.float32), (0, 0), 1.0)[..., None]
    return out * (1 - edge) + skin_image * edge, texture


def with_hand(frame: np.ndarray, tip: tuple[float, float], angle: float, skin, rng, sleeve=None) -> np.ndarray:
    """The frame (BGR float) with a right hand whose pen's tip is at `tip`, the pen running from it
    at `angle` degrees (below the horizontal, towards the lower right) into the hand; `sleeve` (a
    SLEEVES value): the forearm in a sleeve from the wrist on."""
    h, w = frame.shape[:2]
    d = np.array([np.cos(np.radians(angle)), np.sin(np.radians(angle))])  # from the tip into the hand
    p = np.array([-d[1], d[0]])
    t = np.array(tip, float)
    hand = np.zeros((h, w), np.uint8)
    _capsule(hand, t + 50 * d - 4 * p, t + 170 * d - 8 * p, 24)  # index finger, along the pen
    _capsule(hand, t + 58 * d + 16 * p, t + 150 * d + 34 * p, 26)  # thumb
    _capsule(hand, t + 70 * d - 22 * p, t + 175 * d - 38 * p, 26)  # middle finger
    _capsule(hand, t + 95 * d - 42 * p, t + 185 * d - 60 * p, 26)  # ring finger, curled
    palm = t + 230 * d - 15 * p
    cv2.ellipse(hand, (int(palm[0]), int(palm[1])), (110, 85), float(angle), 0, 360, 255, -1)
    _capsule(hand, palm, palm + 400 * d, 150)  # the wrist and forearm, out of the view
    pen, nib = np.zeros((h, w), np.uint8), np.zeros((h, w), np.uint8)
    _capsule(pen, t + 16 * d, t + 320 * d, 9)
    _capsule(nib, t, t + 16 * d, 4)
    light = _lighting(frame)
    out = _shadowed(frame, np.maximum(hand, pen), (-25, 20))
    out[nib > 0] = (140, 140, 145)
    out[pen > 0] = (75, 50, 35)
    out, texture = _skin_laid(out, hand, skin, light, rng)
    if sleeve is not None:
        colour, striped = sleeve
        cloth = np.zeros((h, w), np.uint8)
        _capsule(cloth, palm + 90 * d, palm + 500 * d, 170)
        yy, xx = np.mgrid[0:h, 0:w]
        shade = np.where(((xx * d[0] + yy * d[1]) // 14 % 2 == 0) & striped, 0.45, 1.0)[..., None]
        cover = cv2.GaussianBlur((cloth > 0).astype(np.float32), (0, 0), 1.0)[..., None]
        out = out * (1 - cover) + (np.float32(colour) * shade * light + texture) * cover
    return cv2.GaussianBlur(out, (3, 3), 0)


def holding(frame: np.ndarray, label: dict, skin, rng) -> np.ndarray:
    """The frame (BGR float) with two hands holding the sheet up to the camera: from the view's left
    and right borders, each thumb over the page up to 35 pixels from the nearest digit, between two
    lines of digits (or above or below them), where it covers none."""
    h, w = frame.shape[:2]
    boxes = [d["box"] for d in label["digits"]]
    extents: dict[int, tuple[int, int]] = {}  # each line's top and bottom
    for d in label["digits"]:
        top, bottom = extents.get(d["line"], (h, 0))
        extents[d["line"]] = (min(top, d["box"][1]), max(bottom, d["box"][1] + d["box"][3]))
    bands = sorted(set(extents.values()))
    edges = [0] + [v for band in bands for v in band] + [h]
    gaps = [(a + b) / 2 for a, b in zip(edges[::2], edges[1::2]) if b - a >= 60]  # between lines, 60 px or more
    hand = np.zeros((h, w), np.uint8)
    for side in (-1, 1):
        y = float(rng.choice(gaps)) + rng.uniform(-5, 5)
        x = min(b[0] for b in boxes) - 35 if side < 0 else max(b[0] + b[2] for b in boxes) + 35  # the thumb's tip
        base = x + side * rng.uniform(80, 110)
        _capsule(hand, (x, y), (base, y + rng.uniform(5, 15)), 30)  # the thumb
        outer = 0 if side < 0 else w - 1
        _capsule(hand, (base + side * 40, y + 40), (outer, y + 60), 110)  # the rest of the hand, to the border
    out, _ = _skin_laid(_shadowed(frame, hand, (-15, 15)), hand, skin, _lighting(frame), rng)
    return cv2.GaussianBlur(out, (3, 3), 0)


def tip_of(label: dict, staging: str) -> tuple[float, float]:
    """Where the pen's tip stands: after the last digit of the last line, or below that line's middle."""
    line = [d["box"] for d in label["digits"] if d["line"] == max(d["line"] for d in label["digits"])]
    x, y, w, h = max(line, key=lambda b: b[0])
    if staging == "writing":
        return x + w + 45, y + 0.8 * h
    left = min(b[0] for b in line)
    return (left + x + w) / 2, y + 1.6 * h


def main() -> None:
    from exposure import sample_set, scored  # (this script's folder is on the path)

    labels, frames, reader = sample_set(__doc__)
    rng = np.random.default_rng(0)

    def report(title: str, images) -> None:
        """Reads each frame's image (BGR float) and prints the counts."""
        exact, matched, total, stray = sum(scored(reader.read(np.clip(image, 0, 255).astype(np.uint8)), label)
                                           for image, label in zip(images, labels))
        print(f"{title:<40} frames read exactly {exact}/{len(labels)}; digits matched {matched}/{total}; read elsewhere {stray}")

    report("no hand", frames)
    for staging in ("writing", "resting"):
        for cast in (False, True):
            for name, skin in SKINS.items():
                images = (with_hand(frame, tip_of(label, staging), rng.uniform(35, 65), skin, rng) for frame, label in zip(frames, labels))
                report(f"{staging}, {name} skin" + (", warm lamp" if cast else ""), (image * WARM if cast else image for image in images))
    for name, skin in SKINS.items():
        report(f"holding the sheet, {name} skin", (holding(frame, label, skin, rng) for frame, label in zip(frames, labels)))
    for name, sleeve in SLEEVES.items():
        report(f"writing, medium skin, {name} sleeve", (with_hand(frame, tip_of(label, "writing"), rng.uniform(35, 65), SKINS["medium"], rng, sleeve)
                                                        for frame, label in zip(frames, labels)))


if __name__ == "__main__":
    main()
