"""Accuracy and speed of the camera pipeline on the sample footage (camera_demo/samples).

    python benchmarks/pipeline.py [--model exports/digitedge_int8.onnx] [--samples camera_demo/samples] [--scale 0.5]

Digits: a labelled digit counts as read when a digit read has the right label and each box holds
the other's centre (IoU is too strict for a thin 1, where two pixels of width halve it).
Frames: read exactly when the text equals the labels' text. Speed: processing only (segment,
normalise, classify), on one core, on the frames as they are (the samples' are 640x480); then frames
per second end to end on the video.
--scale shrinks every frame and the video's first (0.5: 320x240, a low-resolution webcam's; INTER_AREA,
as a camera's own downscaling averages), and the labelled boxes with it; above 1 it enlarges them
(bicubic: a small frame blown up, not a sharper camera's, for which see generate_samples.py --scale).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import cv2
import numpy as np

from digitedge.vision.camera import Stabilizer, open_source
from digitedge.vision.reader import DigitReader


def same_place(a, b) -> bool:
    """Each box holds the other's centre."""
    def holds(box, other):
        x, y, w, h = box
        cx, cy = other[0] + other[2] / 2, other[1] + other[3] / 2
        return x <= cx <= x + w and y <= cy <= y + h
    return holds(a, b) and holds(b, a)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="exports/digitedge_int8.onnx")
    ap.add_argument("--samples", default="camera_demo/samples")
    ap.add_argument("--repeat", type=int, default=5, help="timing passes over the frames (0: accuracy only)")
    ap.add_argument("--show-errors", action="store_true")
    ap.add_argument("--scale", type=float, default=1.0, help="shrink the frames by this factor first (0.5: 320x240)")
    args = ap.parse_args()
    cv2.setNumThreads(1)  # one core for OpenCV and for the runtime
    folder = Path(args.samples)
    labels = json.loads((folder / "labels.json").read_text())
    reader = DigitReader(args.model, threads=1)

    digits = correct = exact = extra = 0
    times = []
    sizes = set()  # (the frames' sizes as read: generate_samples.py --scale draws them bigger than 640x480)
    for f in labels["frames"]:
        frame = shrunk(cv2.imread(str(folder / f["file"])), args.scale)
        sizes.add(f"{frame.shape[1]}x{frame.shape[0]}")
        reading = reader.read(frame)
        for _ in range(args.repeat):
            t = time.perf_counter()
            reader.read(frame)
            times.append(time.perf_counter() - t)
        truth = [dict(d, box=[round(v * args.scale) for v in d["box"]]) for d in f["digits"]]  # boxes at the frame's scale
        for d in truth:
            digits += 1
            hits = [r for r in reading.digits if same_place(r.box, d["box"])]
            correct += any(r.label == d["label"] for r in hits)
            if args.show_errors and not any(r.label == d["label"] for r in hits):
                print(f"  {f['file']}: digit {d['label']} at {d['box']} read as {[(r.label, r.box) for r in hits]}", file=sys.stderr)
        extra += sum(1 for r in reading.digits if r.label is not None and not any(same_place(r.box, d["box"]) for d in truth))
        exact += reading.text == f["text"]
        if args.show_errors and reading.text != f["text"]:
            print(f"  {f['file']}: read {reading.text!r}, expected {f['text']!r}", file=sys.stderr)
    ms = np.array(times) * 1e3
    n = len(labels["frames"])
    size = ", ".join(sorted(sizes))
    print(f"frames: {n} ({size}, {digits} digits); digits read correctly: {correct}/{digits} = {correct / digits:.2%}; "
          f"frames read exactly: {exact}/{n} = {exact / n:.2%}; extra accepted marks: {extra}")
    if len(ms):
        print(f"processing per frame, 1 core: median {np.median(ms):.2f} ms, p90 {np.percentile(ms, 90):.2f} ms, "
              f"mean {ms.mean():.2f} ms ({reader.classifier.path.name})")

    video = labels["video"]
    if video is None:  # generate_samples.py --video-sheets 0
        return
    stab, texts, start, count = Stabilizer(), [], time.perf_counter(), 0
    for frame in open_source(str(folder / video["file"])):
        texts.append(stab.update(reader.read(shrunk(frame.image, args.scale))).text)
        count += 1
    seconds = time.perf_counter() - start
    right = 0
    for sheet in video["sheets"]:
        span = texts[sheet["first_frame"] : sheet["first_frame"] + sheet["frames"]]
        right += sum(t == sheet["text"] for t in span)
    print(f"video: {count} frames end to end (decode + process) in {seconds:.2f} s = {count / seconds:.0f} fps; "
          f"frames read exactly (steady): {right}/{count} = {right / count:.2%}")


def shrunk(frame: np.ndarray, scale: float) -> np.ndarray:
    if scale == 1:
        return frame
    return cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)


if __name__ == "__main__":
    main()
