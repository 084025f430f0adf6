"""Where the camera pipeline's time goes: each step of segment() and of classification, one core.

    python benchmarks/pipeline_stages.py [--model exports/digitedge_int8.onnx] [--samples camera_demo/samples]

Medians over 5 passes of the sample frames. The steps are called as segment() calls them, on an
ordinary frame (no close-up shrinking; the whole-frame steps at half size); "segment()" and
"read()" time the real calls for comparison.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import cv2
import numpy as np

from digitedge.vision import paper as P
from digitedge.vision import segment as S
from digitedge.vision.glare import glare_gain
from digitedge.vision.hands import hands
from digitedge.vision.images import halved
from digitedge.vision.marks import components
from digitedge.vision.sheet import find_sheet
from digitedge.vision.normalize import to_mnist
from digitedge.vision.reader import DigitReader


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="exports/digitedge_int8.onnx")
    ap.add_argument("--samples", default="camera_demo/samples")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    cv2.setNumThreads(1)
    frames = [cv2.imread(str(p)) for p in sorted(Path(args.samples).glob("frame_*.jpg"))]
    reader = DigitReader(args.model, threads=1)
    cfg = S.SegmentConfig()
    times: dict[str, list[float]] = {}

    def timed(name, f, *a, **k):
        start = time.perf_counter()
        out = f(*a, **k)
        times.setdefault(name, []).append(time.perf_counter() - start)
        return out

    for _ in range(args.repeat):
        for frame in frames:
            gray = timed("gray", P.to_gray, frame)
            small = timed("quarter size", P._quarter, gray)
            sheet = timed("sheet and desk", find_sheet, halved(small), P.polarity_of(small, cfg.polarity))
            timed("a hand over the page", hands, frame, sheet[0])
            timed("close-up check", P.stroke_scale, small, 4, cfg.polarity, sheet[0])
            h, w = gray.shape
            find = timed("half size", cv2.resize, gray, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
            paper, edges, on_page, polarity = timed("paper and lighting", P.paper_estimate, find, cfg.polarity, small, 5, P.STROKE, 0.5, sheet)
            ink, horizontal, vertical = timed("line removal", lambda: P.remove_lines(P.ink_over(find, paper, polarity), 7, (0.0, 0.0), 0.5))
            keep, labels, stats, low = timed("threshold, labelling", S.threshold, cv2.subtract(ink, edges), cfg.min_contrast)
            timed("glare check", lambda: glare_gain(paper, small, on_page, ink, S._levels(ink, cfg.min_contrast)[1]))  # (segment: not on ruled paper)
            found = timed("merging, filtering", components, keep, stats, labels.shape, cfg, 0.5)

            def at_full_size():  # each blob cut from the full-size ink, made in its window
                full = S._full_ink(gray, paper, cv2.add(cv2.add(horizontal, vertical), edges), polarity)
                for x, y, bw, bh, ids in found:
                    S._at_full(np.isin(labels[y : y + bh, x : x + bw], ids).astype(np.uint8) * 255, x, y, 2, full, (h, w), low)

            timed("blobs at full size", at_full_size)
            blobs, _ = timed("segment()", S.segment, frame)
            crops = [c for b in blobs for c in b.reading(0)[0]]
            images = timed("normalise crops", lambda: np.stack([to_mnist(c.ink, c.support) for c in crops]))
            timed("model, one batch", reader.classifier.predict, images)
            timed("read()", reader.read, frame)
    for name, values in times.items():
        print(f"{name:<22} median {np.median(values) * 1e3:6.3f} ms   mean {np.mean(values) * 1e3:6.3f} ms")


if __name__ == "__main__":
    main()
