"""The least camera pipeline, as a floor for the speed target: what a 640x480 frame costs with nothing
but grey, the paper's level, long lines taken out, one threshold, labelling, crops and the model.

    python benchmarks/pipeline_skeleton.py [--model exports/digitedge_int8.onnx] [--repeat 5] [--gate 0.8] [LABELLED_FOLDER ...]

A probe, not a way to run: none of segment()'s checks (the sheet and its desk, a hand, glare,
close-ups, faint strokes followed, rings, grids, touching digits cut, pieces joined, lean) and
none of the reader's. Each step is timed on its own (medians over --repeat passes of the frames,
one core), and the frames are read with it: every digit-sized mark is a digit. With --gate, the
skeleton is also tried as a first look in front of the full pipeline: a frame is taken from it
only when its marks are all of one height, none is much wider than tall, no mark of a third of
their height or more is left over, and every digit is read at --gate or more; it prints how many
frames pass, and how many of those are read wrong (the rest would go on to the full pipeline).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import cv2
import numpy as np

from digitedge.runtime import Classifier
from digitedge.vision.images import labelled
from digitedge.vision.normalize import SQUARE, to_mnist
from digitedge.vision.reader import group_lines, skew_of

LOW, HIGH = 48, 96  # relative ink (share of the paper's level, of 255): a mark's pixels, and what it must reach
ACROSS = 41  # half-size pixels: a run of ink this long level or upright is a paper line (a digit is about 22 tall there)


def skeleton(frame: np.ndarray, clf: Classifier, times: dict, gate: float | None = None):
    """-> the text read, or (with gate) None where the frame would go on to the full pipeline."""
    clock = [time.perf_counter()]

    def lap(name: str) -> None:
        now = time.perf_counter()
        times.setdefault(name, []).append(now - clock[0])
        clock[0] = now

    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    half = cv2.resize(gray, (320, 240), interpolation=cv2.INTER_AREA)
    lap("grey, half size")
    paper = cv2.resize(cv2.dilate(cv2.resize(half, (40, 30), interpolation=cv2.INTER_AREA), SQUARE), (320, 240),
                       interpolation=cv2.INTER_LINEAR)  # the brightest of 16x16 blocks' means, spread
    ink = cv2.divide(cv2.subtract(paper, half), paper, scale=255)
    lap("paper's level, ink")
    mask = cv2.threshold(ink, LOW, 1, cv2.THRESH_BINARY)[1]
    lines = cv2.bitwise_or(cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((1, ACROSS), np.uint8)),
                           cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((ACROSS, 1), np.uint8)))
    mask = cv2.subtract(mask, lines)
    lap("threshold, lines out")
    n, labels, stats = labelled(mask)
    strong = np.bincount(labels[ink >= HIGH], minlength=n)
    x, y, w, h = stats[:, :4].T
    marks = np.flatnonzero((np.arange(n) > 0) & (h >= 8) & (h <= 80) & (strong >= 4) & (x > 0) & (y > 0)
                           & (x + w < 320) & (y + h < 240))
    lap("labelling")
    if len(marks) == 0:
        return "" if gate is None else None
    typical = np.median(h[marks])
    digits, left = marks[h[marks] >= 0.55 * typical], marks[h[marks] < 0.55 * typical]
    if gate is not None and ((h[left] >= typical / 3).any() or (h[digits] > 1.5 * typical).any()
                             or (w[digits] > 1.6 * h[digits]).any()):
        return None
    crops, boxes = [], []
    for i in digits:  # cut at full size: the paper's level there enlarged from half size
        X0, Y0 = max(2 * x[i] - 1, 0), max(2 * y[i] - 1, 0)
        X1, Y1 = min(2 * (x[i] + w[i]) + 1, 640), min(2 * (y[i] + h[i]) + 1, 480)
        level = cv2.resize(paper[y[i] : y[i] + h[i], x[i] : x[i] + w[i]], (X1 - X0, Y1 - Y0), interpolation=cv2.INTER_LINEAR)
        region = cv2.divide(cv2.subtract(level, gray[Y0:Y1, X0:X1]), level, scale=255)
        own = cv2.resize((labels[y[i] : y[i] + h[i], x[i] : x[i] + w[i]] == i).view(np.uint8), (X1 - X0, Y1 - Y0),
                         interpolation=cv2.INTER_NEAREST)
        support = cv2.bitwise_and(cv2.threshold(region, LOW, 1, cv2.THRESH_BINARY)[1], cv2.dilate(own, SQUARE))
        crops.append(to_mnist(region, support))
        boxes.append((int(X0), int(Y0), int(X1 - X0), int(Y1 - Y0)))
    lap("crops at full size, normalised")
    probs = clf.predict(np.stack(crops))
    lap("model, one batch")
    if gate is not None and (probs.max(axis=1) < gate).any():
        return None
    line = group_lines(boxes, skew_of(boxes)[0])
    order = sorted(range(len(boxes)), key=lambda k: (line[k], boxes[k][0]))
    text = ""
    for k, before in zip(order, [None] + order[:-1]):
        text += (" " if before is not None and line[k] != line[before] else "") + str(int(probs[k].argmax()))
    lap("lines")
    return text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="*", default=["camera_demo/samples"], help="folders of frames with a labels.json")
    ap.add_argument("--model", default="exports/digitedge_int8.onnx")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--gate", type=float, default=None, help="try it as a first look: the least confidence it takes")
    args = ap.parse_args()
    cv2.setNumThreads(1)
    clf = Classifier(args.model, threads=1)
    frames = []
    for folder in map(Path, args.folders):
        for f in json.loads((folder / "labels.json").read_text())["frames"]:
            image = cv2.imread(str(folder / f["file"]))
            if image is not None and image.shape[:2] == (480, 640):
                frames.append((image, f["text"]))
    times: dict[str, list[float]] = {}
    for image, _ in frames[:20]:  # (warm)
        skeleton(image, clf, {})
    whole = []
    for _ in range(args.repeat):
        for image, _ in frames:
            start = time.perf_counter()
            skeleton(image, clf, times)
            whole.append(time.perf_counter() - start)
    for name, t in times.items():
        print(f"{name:32s} median {np.median(t) * 1e3:6.3f} ms")
    print(f"{'a frame':32s} median {np.median(whole) * 1e3:6.3f} ms ({len(frames)} frames, 640x480, one core)")
    texts = [(skeleton(image, clf, {}), text) for image, text in frames]
    right = sum(got == text for got, text in texts)
    digits = sum(sum(a == b for a, b in zip(got, text)) for got, text in texts if len(got) == len(text))
    total = sum(len(text.replace(" ", "")) for _, text in texts)
    print(f"read exactly: {right}/{len(frames)} frames; digits right where the count of characters is right: "
          f"{digits - sum(t.count(' ') for g, t in texts if len(g) == len(t))}/{total}")
    if args.gate is not None:
        taken = [(skeleton(image, clf, {}, args.gate), text) for image, text in frames]
        passed = [(got, text) for got, text in taken if got is not None]
        wrong = sum(got != text for got, text in passed)
        print(f"as a first look (gate {args.gate}): {len(passed)}/{len(frames)} frames taken from it, "
              f"{wrong} of them read wrong; {len(frames) - len(passed)} go on to the full pipeline")


if __name__ == "__main__":
    main()
