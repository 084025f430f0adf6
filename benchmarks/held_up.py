"""A sheet held up to a laptop's webcam: is the person or the room behind it read as digits?

    python benchmarks/held_up.py [--model exports/digitedge_int8.onnx] [--seed 0] [--frames 40] [--still]

A laptop's webcam faces its user: a sheet shown to it is held up in both hands in front of the
chest, the face above it and the room around. Each 640x480 colour frame holds a wall (grey, beige or
blue-grey, lit from above) with a shelf of books or a framed picture on it, the person (hair, a
face with eyes, brows and a mouth, a neck, a shirt: plain, striped or with a dark print), and the
sheet (white, lit up to 15% less on one side, 300-360 pixels wide or wide enough, turned up to 8
degrees) with a row of four or five MNIST test digits written in a pen or a marker, a hand over
each of its lower corners; then a webcam's blur, noise and JPEG. Prints the frames read exactly, the frames whose sheet's digits are read
right as one of its lines, and the digits read off the sheet. With --still, each frame is read as
`digitedge predict` reads a photo (a webcam's snapshot saved and read).
"""

from __future__ import annotations

import cv2
import numpy as np

from digitedge.benchmark import as_jpeg, cells, digit_source, script_parser, written
from digitedge.vision.reader import DigitReader
from hands import SKINS, _capsule, _skin_laid  # (this script's folder is on the path)

H, W = 480, 640
WALLS = ((175, 185, 190), (150, 175, 195), (185, 170, 150))  # BGR: grey, beige, blue-grey
SHIRTS = ((140, 80, 40), (50, 50, 50), (60, 60, 170), (200, 200, 200), (70, 120, 60))


def room(rng) -> np.ndarray:
    """The wall (lit from above) and a shelf of books or a framed picture on it (BGR float)."""
    yy = np.arange(H, dtype=np.float32)[:, None, None]
    out = np.float32(WALLS[rng.integers(len(WALLS))]) * (1.05 - 0.35 * yy / H) * np.ones((1, W, 1), np.float32)
    left = bool(rng.integers(2))
    x0 = int(rng.uniform(10, 60)) if left else int(rng.uniform(440, 500))
    if rng.random() < 0.5:  # books on a shelf: spines of many colours, a dark board under them
        x = x0
        while x < x0 + 140:
            w = int(rng.uniform(10, 26))
            top = int(rng.uniform(40, 80))
            out[top:200, x : x + w] = rng.uniform(30, 220, 3)
            cv2.rectangle(out, (x, top), (x + w - 1, 199), (20, 20, 20), 1)
            x += w
        out[200:212, x0 - 10 : x + 10] = (40, 60, 80)
    else:  # a framed picture: a dark frame round a landscape's bands
        w, h = int(rng.uniform(100, 140)), int(rng.uniform(80, 110))
        y0 = int(rng.uniform(40, 90))
        for k, colour in enumerate(((200, 160, 90), (90, 150, 90), (60, 110, 60))):  # sky, hills, field
            out[y0 + k * h // 3 : y0 + (k + 1) * h // 3, x0 : x0 + w] = colour
        cv2.rectangle(out, (x0, y0), (x0 + w, y0 + h), (30, 30, 35), 8)
    return out


def person(out: np.ndarray, rng) -> tuple[np.ndarray, tuple[int, int, int]]:
    """The user behind the sheet: hair, face, neck and shirt, centred near the view's middle; and the skin's colour."""
    cx, cy = int(W / 2 + rng.uniform(-40, 40)), int(rng.uniform(140, 170))
    skin = list(SKINS.values())[rng.integers(len(SKINS))]
    shirt = np.zeros((H, W), np.uint8)
    cv2.ellipse(shirt, (cx, H + 60), (230, 200), 0, 180, 360, 255, -1)
    colour = np.float32(SHIRTS[rng.integers(len(SHIRTS))])
    kind = rng.integers(3)
    cloth = np.ones((H, W, 1), np.float32)
    if kind == 1:  # striped
        cloth[(np.arange(H) // 12 % 2 == 0)] = 0.5
    elif kind == 2:  # a dark print on the chest: a ring and a bar, a logo's shapes
        cv2.circle(cloth, (cx, 380), 22, 0.3, 6)
        cv2.rectangle(cloth, (cx + 40, 360), (cx + 90, 372), 0.3, -1)
    out = np.where(shirt[..., None] > 0, colour * cloth, out)
    body = np.zeros((H, W), np.uint8)
    cv2.rectangle(body, (cx - 28, cy + 60), (cx + 28, cy + 130), 255, -1)  # the neck
    cv2.ellipse(body, (cx, cy), (62, 80), 0, 0, 360, 255, -1)  # the face
    hair = np.float32((30, 35, 45)) * rng.uniform(0.7, 2.0)
    cv2.ellipse(out, (cx, cy - 18), (72, 76), 0, 0, 360, hair.tolist(), -1)
    out, _ = _skin_laid(out, body, skin, np.ones((H, W, 1), np.float32), rng)
    for side in (-1, 1):  # eyes (white, iris), brows
        ex, ey = cx + side * 25, cy - 8
        cv2.ellipse(out, (ex, ey), (12, 6), 0, 0, 360, (220, 220, 225), -1)
        cv2.circle(out, (ex, ey), 5, (40, 50, 60), -1)
        cv2.ellipse(out, (ex, ey - 14), (15, 5), 0, 200, 340, hair.tolist(), 4)
    cv2.ellipse(out, (cx, cy + 38), (20, 8), 0, 20, 160, (70, 70, 140), 4)  # the mouth
    cv2.line(out, (cx, cy + 2), (cx - 4, cy + 22), (np.float32(skin) * 0.7).tolist(), 3)  # the nose's shadow
    return out, skin


def sheet(out: np.ndarray, mnist, digits, skin, rng):
    """The sheet held up, a hand over each lower corner; returns the frame and the sheet's outline."""
    size, pen = int(rng.uniform(44, 60)), bool(rng.integers(2))
    w, h = max(int(rng.uniform(300, 360)), int(len(digits) * size * 1.15) + 40), int(rng.uniform(170, 210))
    page = np.full((h, w), rng.uniform(215, 245), np.float32)
    page *= np.linspace(1.0, rng.uniform(0.85, 1.0), w, dtype=np.float32)[None, ::int(rng.choice([-1, 1]))]  # lit unevenly
    x = (w - len(digits) * size * 1.15) / 2
    for cell in cells(mnist, digits, size):
        if not pen:  # a marker: the strokes thickened
            cell = cv2.dilate(cell, np.ones((3, 3), np.uint8))
        region = page[(h - size) // 2 : (h + size) // 2, int(x) : int(x) + size]
        region *= 1 - 0.85 * np.clip(cell, 0, 1)
        x += size * 1.15
    centre = (W / 2 + rng.uniform(-30, 30), rng.uniform(320, 350))
    m = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-8, 8), 1.0)
    m[:, 2] += np.array(centre) - (w / 2, h / 2)
    inside = cv2.warpAffine(np.full((h, w), 255, np.uint8), m, (W, H))
    seen = cv2.warpAffine(page, m, (W, H), flags=cv2.INTER_LINEAR)
    edge = cv2.GaussianBlur(inside.astype(np.float32) / 255, (0, 0), 0.8)[..., None]
    out = out * (1 - edge) + seen[..., None] * edge * np.float32((1.0, 1.0, 0.98))
    hands = np.zeros((H, W), np.uint8)
    for cx, cy in (m @ np.float32([[0, h, 1], [w, h, 1]]).T).T:  # the lower corners
        side = -1 if cx < W / 2 else 1
        _capsule(hands, (cx - side * 22, cy - 30), (cx - side * 5, cy + 10), 26)  # a thumb over the page
        _capsule(hands, (cx + side * 10, cy - 10), (cx + side * 60, cy + 140), 80)  # the hand below and beside it
    out, _ = _skin_laid(out, hands, skin, np.ones((H, W, 1), np.float32), rng)
    return out, inside > 0


def webcam(out: np.ndarray, rng) -> np.ndarray:
    """A webcam's blur, noise and JPEG (quality 70-90)."""
    out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.6, 1.2)) + rng.normal(0, 4, out.shape)
    return as_jpeg(np.clip(out, 0, 255).astype(np.uint8), int(rng.uniform(70, 90)))


def frame(mnist, rng) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One frame (BGR uint8), the digits written on its sheet, and where the sheet lies (bool)."""
    digits = rng.choice(len(mnist.x_test), int(rng.integers(4, 6)), replace=False)
    out, skin = person(room(rng), rng)
    out, on_sheet = sheet(out, mnist, digits, skin, rng)
    return webcam(out, rng), digits, on_sheet


def main() -> None:
    ap = script_parser(__doc__, frames=40)
    ap.add_argument("--still", action="store_true", help="read each frame as digitedge predict reads a photo")
    args = ap.parse_args()
    cv2.setNumThreads(1)
    mnist, reader, rng = digit_source(args.digits), DigitReader(args.model, threads=1), np.random.default_rng(args.seed)
    exact = line = stray = 0
    for _ in range(args.frames):
        image, digits, on_sheet = frame(mnist, rng)
        reading = reader.read(image, still=args.still)
        exact += reading.text == written(mnist, digits)
        line += written(mnist, digits) in reading.text.split()
        stray += sum(1 for d in reading.digits if d.label is not None
                     and not on_sheet[d.box[1] + d.box[3] // 2, d.box[0] + d.box[2] // 2])
    print(f"frames read exactly {exact}/{args.frames}; the sheet's line read right {line}/{args.frames}; "
          f"digits read off the sheet {stray}")


if __name__ == "__main__":
    main()
