"""Generate the sample footage: MNIST *test* digits drawn as ink on photographed-looking paper.

Each frame is a sheet (plain, ruled or squared paper) on a desk, seen with slight perspective,
a lighting gradient, a soft shadow, vignetting, blur, sensor noise and JPEG compression. The
labels and boxes of every digit are written to labels.json beside the frames.

    python camera_demo/generate_samples.py --out camera_demo/samples

With --digits validation the sheets hold the 5,000 training images that `digitedge train` holds out
for validation (its default split, seed 0) instead: frames for choosing between models, or tuning
the pipeline, without looking at test digits. The shipped model never trained on either.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np

from digitedge.benchmark import digit_source, digits_option
from digitedge.train import TrainConfig

W, H = 640, 480  # frame size
SHEET = (900, 640)  # sheet canvas before perspective, pixels


def sheet(rng, digits: np.ndarray, labels: np.ndarray, rows: list[int], sizes: tuple[int, int] = (70, 100), scale: float = 1.0):
    """A paper canvas with the digits drawn on it; returns (canvas BGR float, ink boxes on canvas).
    `scale`: the same sheet at that many times the pixels (its paper lines stay a pixel wide, as printed
    lines seen by a sharper camera)."""
    sw, sh = round(SHEET[0] * scale), round(SHEET[1] * scale)
    tint = np.array([rng.uniform(225, 250), rng.uniform(232, 252), rng.uniform(238, 255)])
    canvas = np.ones((sh, sw, 3)) * tint
    canvas += _field(rng, 6, 1.5, SHEET[::-1], (sh, sw))[..., None]  # paper grain
    style = rng.choice(["plain", "ruled", "squared"])
    line_col = np.array([rng.uniform(170, 220), rng.uniform(140, 190), rng.uniform(90, 150)])  # light blue-grey
    if style in ("ruled", "squared"):
        step = int(scale * int(rng.integers(36, 56)))
        for y in range(step, sh, step):
            cv2.line(canvas, (0, y), (sw, y), line_col.tolist(), 1)
        if style == "squared":
            for x in range(step, sw, step):
                cv2.line(canvas, (x, 0), (x, sh), line_col.tolist(), 1)
    pen = rng.choice(["ballpoint", "pencil", "marker"])
    colour = {"ballpoint": [110, 40, 20], "pencil": [80, 80, 80], "marker": [25, 25, 25]}[pen]
    strength = {"ballpoint": 0.95, "pencil": 0.75, "marker": 1.0}[pen]
    boxes, k = [], 0
    line_h = sh / (len(rows) + 1)
    for r, count in enumerate(rows):
        size = int(scale * int(rng.uniform(*sizes)))  # the 28x28 cell; the ink is about 20/28 of it
        x = scale * rng.uniform(40, 120)
        y0 = line_h * (r + 1) - size / 2
        for _ in range(count):
            cell = cv2.resize(digits[k], (size, size), interpolation=cv2.INTER_CUBIC).astype(np.float64) / 255
            cell = np.clip(cell * strength, 0, 1)
            if pen == "marker":
                cell = cv2.dilate(cell, np.ones((int(2 * scale) + 1,) * 2))
            yy = int(y0 + scale * rng.uniform(-6, 6))
            xx = int(x)
            if xx + size >= sw - 10 * scale:
                break
            region = canvas[yy : yy + size, xx : xx + size]
            region[:] = region * (1 - cell[..., None]) + np.array(colour) * cell[..., None]
            ys, xs = np.nonzero(cell > 0.25)
            boxes.append((int(labels[k]), r, [xx + xs.min(), yy + ys.min(), xx + xs.max() + 1, yy + ys.max() + 1]))
            x += size * rng.uniform(0.7, 0.9)
            k += 1
    return canvas, boxes, k


def frame_size(scale: float = 1.0) -> tuple[int, int]:
    """(w, h) of a frame drawn at `scale` times W x H (the video writer's size must be the frames')."""
    return round(W * scale), round(H * scale)


def photograph(rng, canvas: np.ndarray, homography_jitter: float = 0.0, base=None, scale: float = 1.0):
    """Place the sheet on a desk with perspective and light it like a phone photo (`scale`: in a frame
    that many times W x H, the same scene in more pixels: the sheet made at the same scale)."""
    sh, sw = canvas.shape[:2]
    w, h = frame_size(scale)
    if base is None:
        margin = rng.uniform(0.02, 0.08)
        corners = np.float32([[w * margin, h * margin], [w * (1 - margin), h * margin],
                              [w * (1 - margin), h * (1 - margin)], [w * margin, h * (1 - margin)]])
        corners += (scale * rng.uniform(-18, 18, corners.shape)).astype(np.float32)  # slight perspective
        desk = np.array([rng.uniform(40, 160), rng.uniform(40, 140), rng.uniform(30, 120)])
        light = _lighting(rng, (w, h), scale)
        base = (corners, desk, light)
    corners, desk, light = base
    corners = corners + rng.normal(0, homography_jitter * scale, corners.shape).astype(np.float32)
    M = cv2.getPerspectiveTransform(np.float32([[0, 0], [sw, 0], [sw, sh], [0, sh]]), corners)
    frame = np.ones((h, w, 3)) * desk + _field(rng, 12, 3, (H, W), (h, w))[..., None]
    paper = cv2.warpPerspective(canvas, M, (w, h), flags=cv2.INTER_LINEAR)
    inside = cv2.warpPerspective(np.ones((sh, sw)), M, (w, h))[..., None]
    frame = frame * (1 - inside) + paper * inside
    frame *= light[..., None]
    frame = cv2.GaussianBlur(frame, (0, 0), scale * rng.uniform(0.4, 1.1))
    frame += _field(rng, rng.uniform(2, 6), 0, (H, W, 3), (h, w))  # (sensor noise: no less than at W x H, once averaged)
    ok, jpg = cv2.imencode(".jpg", np.clip(frame, 0, 255).astype(np.uint8),
                           [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(60, 92))])
    return cv2.imdecode(jpg, cv2.IMREAD_COLOR), M, base


def _field(rng, sd: float, sigma: float, shape: tuple, size: tuple[int, int]) -> np.ndarray:
    """Normal noise of this sd, blurred by sigma (0: not), drawn at `shape` and enlarged to `size`
    (h, w) if that is bigger: a frame drawn at another scale holds the same draws, the same scene
    (the grain of its paper, its desk, its sensor's noise, each in bigger pixels)."""
    noise = rng.normal(0, sd, shape)
    if sigma:
        noise = cv2.GaussianBlur(noise, (0, 0), sigma)
    if noise.shape[:2] != tuple(size):
        noise = cv2.resize(noise, size[::-1], interpolation=cv2.INTER_LINEAR if sigma else cv2.INTER_NEAREST)
    return noise


def _lighting(rng, size: tuple[int, int] = (W, H), scale: float = 1.0) -> np.ndarray:
    """A brightness field of `size` (w, h): a linear gradient, a soft shadow, and vignetting."""
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w] / np.array([h, w])[:, None, None]
    angle = rng.uniform(0, 2 * np.pi)
    field = 1 - rng.uniform(0.1, 0.35) * (np.cos(angle) * xx + np.sin(angle) * yy)
    shadow = np.zeros((h, w), np.float32)
    pts = (rng.uniform(0, 1, (4, 2)) * [w, h]).astype(np.int32)
    pts[:2] = [[0, pts[0, 1]], [pts[1, 0], 0]]  # a shadow from a corner, like a hand or a phone
    cv2.fillConvexPoly(shadow, cv2.convexHull(pts), 1.0)
    shadow = cv2.GaussianBlur(shadow, (0, 0), 25 * scale)
    field *= 1 - rng.uniform(0.15, 0.4) * shadow
    field *= 1 - 0.35 * ((xx - 0.5) ** 2 + (yy - 0.5) ** 2)  # vignetting
    return field


def _frame_boxes(boxes, M) -> list[dict]:
    out = []
    for label, line, (x0, y0, x1, y1) in boxes:
        pts = cv2.perspectiveTransform(np.float32([[[x0, y0], [x1, y0], [x1, y1], [x0, y1]]]), M)[0]
        bx0, by0 = pts.min(0)
        bx1, by1 = pts.max(0)
        out.append({"label": label, "line": line, "box": [int(bx0), int(by0), int(bx1 - bx0), int(by1 - by0)]})
    return out


def _text(digits: list[dict]) -> str:
    lines: dict[int, str] = {}
    for d in digits:
        lines[d["line"]] = lines.get(d["line"], "") + str(d["label"])
    return " ".join(lines[k] for k in sorted(lines))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="camera_demo/samples", help="output folder (default: %(default)s)")
    ap.add_argument("--frames", type=int, default=40, help="still frames (default: %(default)s)")
    ap.add_argument("--video-sheets", type=int, default=3, help="sheets in the video (default: %(default)s)")
    ap.add_argument("--video-seconds", type=float, default=4.0, help="seconds per sheet (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    digits_option(ap)
    ap.add_argument("--big", action="store_true",
                    help="close-ups: 3 or 4 digits a sheet, written 3x as large (thick strokes, digits up to half the frame)")
    ap.add_argument("--scale", type=float, default=1.0,
                    help="the same scenes in frames this many times 640x480 (2: 1280x960, a sharper webcam's or a phone's; "
                         "paper lines stay a pixel wide; default: %(default)s)")
    args = ap.parse_args()
    if not 0.25 <= args.scale <= 8:
        ap.error(f"--scale {args.scale:g}: draw frames from a quarter to 8 times 640x480 (e.g. --scale 2 for 1280x960)")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    # test digits, or the validation split in their place: the model never trained on either, and
    # with the second the test set stays unseen
    drawn = digit_source(args.digits)
    images, labels = drawn.x_test, drawn.y_test
    if args.digits == "test":
        source, key = "MNIST test set", "test_indices"
    else:
        source = (f"MNIST training set: the {TrainConfig.val_size} images digitedge train holds out for validation "
                  f"(seed {TrainConfig.split_seed})")
        key = "validation_indices"
    order = rng.permutation(len(images))
    used = 0
    record = {"source": source, "seed": args.seed, "frames": [], "video": None}

    def next_sheet():
        nonlocal used
        if args.big:
            rows, sizes = ([3], (200, 280)) if rng.random() < 0.5 else ([2, 2], (170, 220))
        else:
            rows, sizes = [5, 5] if rng.random() < 0.7 else [4, 3, 3], (70, 100)
        idx = order[used : used + sum(rows)]
        canvas, boxes, n = sheet(rng, images[idx], labels[idx], rows, sizes, args.scale)
        ids = idx[:n].tolist()
        used += n
        return canvas, boxes, ids

    for f in range(args.frames):
        canvas, boxes, ids = next_sheet()
        frame, M, _ = photograph(rng, canvas, scale=args.scale)
        name = f"frame_{f:03d}.jpg"
        cv2.imwrite(str(out / name), frame, [cv2.IMWRITE_JPEG_QUALITY, 90])
        digits = _frame_boxes(boxes, M)
        record["frames"].append({"file": name, "text": _text(digits), key: ids, "digits": digits})

    if args.video_sheets > 0:  # none: no video (labels' "video" is null)
        record["video"] = _video(out, rng, args.video_sheets, args.video_seconds, next_sheet, key, args.scale)
    (out / "labels.json").write_text(json.dumps(record, indent=1) + "\n")
    count = sum(s["frames"] for s in record["video"]["sheets"]) if record["video"] else 0
    print(f"wrote {args.frames} frames" + (f" and a {count}-frame video" if count else "") + f" to {out}/")


def _video(out: Path, rng, sheets: int, seconds: float, next_sheet, key: str, scale: float = 1.0) -> dict:
    """sample_video.mp4: `sheets` sheets, each held `seconds` before a hand-held camera that shakes a
    little from frame to frame; returns its labels."""
    fps = 10
    writer = cv2.VideoWriter(str(out / "sample_video.mp4"), cv2.VideoWriter_fourcc(*"mp4v"), fps, frame_size(scale))
    if not writer.isOpened():
        raise SystemExit("cannot open an mp4v video writer")
    video = {"file": "sample_video.mp4", "fps": fps, "sheets": []}
    frame_no = 0
    for _ in range(sheets):
        canvas, boxes, ids = next_sheet()
        base = None
        count = int(seconds * fps)
        for _ in range(count):
            frame, M, base = photograph(rng, canvas, homography_jitter=1.5, base=base, scale=scale)
            writer.write(frame)
        digits = _frame_boxes(boxes, M)
        video["sheets"].append({"first_frame": frame_no, "frames": count, "text": _text(digits), key: ids})
        frame_no += count
    writer.release()
    return video


if __name__ == "__main__":
    main()
