"""A probe: any benchmark script run with a second model's opinion on the crops the first is unsure of.

    python benchmarks/second_opinion.py SECOND.onnx [--gate 0.8] [--labels 1479] -- styles.py --digits validation --seed 0
    python benchmarks/second_opinion.py SECOND.onnx --time            # the shipped samples, alone and with it, alternating

Every DigitReader the script makes gets a second classifier: where its own model reads a crop under
--gate (or as one of --labels, whatever its confidence), the crop is read by SECOND too, and the two
models' probabilities are averaged. The thirty-first session's question: would a model trained
on what MNIST rarely holds (`digitedge train --styles 0.3 --pen-faults 0.5`), asked only about
such crops, fix continental 7s and 1s at little cost? (BENCHMARKS.md, thirty-first session: not
adopted.) A probe, not a way to run: nothing in digitedge reads a second model.
"""

from __future__ import annotations

import argparse
import runpy
import sys
import time
from pathlib import Path

import cv2
import numpy as np

from digitedge.runtime import Classifier
from digitedge.vision import reader as R

HERE = Path(__file__).resolve().parent


class SecondOpinion:
    """The first classifier's rows, averaged with the second's where the first is unsure."""

    def __init__(self, first: Classifier, second: Classifier, gate: float, labels: list[int]):
        self.first, self.second, self.gate, self.labels = first, second, gate, labels
        self.path, self.info = first.path, first.info
        self.crops = self.asked = 0

    def predict(self, images: np.ndarray, batch: int = 1024) -> np.ndarray:
        images = np.asarray(images)
        images = images[None] if images.ndim == 2 else images
        rows = self.first.predict(images, batch)
        ask = (rows.max(axis=1) < self.gate) | np.isin(rows.argmax(axis=1), self.labels)
        self.crops, self.asked = self.crops + len(rows), self.asked + int(ask.sum())
        if ask.any():
            rows = rows.copy()
            rows[ask] = (rows[ask] + self.second.predict(images[ask], batch)) / 2
        return rows


def main() -> None:
    argv = sys.argv[1:]
    script = argv[argv.index("--") + 1 :] if "--" in argv else []
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("second", help="the second model (.onnx or .tflite)")
    ap.add_argument("--gate", type=float, default=0.8)
    ap.add_argument("--labels", default="", help="digits whose crops are always asked about, e.g. 1479")
    ap.add_argument("--time", action="store_true", help="time the shipped samples alone and with the second opinion")
    args = ap.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    labels = [int(c) for c in args.labels]
    made = R.DigitReader.__init__

    def with_second(self, *a, **k):
        made(self, *a, **k)
        self.classifier = SecondOpinion(self.classifier, Classifier(args.second, threads=k.get("threads")), args.gate, labels)

    if args.time:
        cv2.setNumThreads(1)
        frames = [cv2.imread(str(p)) for p in sorted((HERE.parent / "camera_demo" / "samples").glob("frame_*.jpg"))]
        alone = R.DigitReader(R.default_model(), threads=1)
        R.DigitReader.__init__ = with_second
        both = R.DigitReader(R.default_model(), threads=1)
        times: dict[str, list[float]] = {"alone": [], "with the second opinion": []}
        for f in frames:  # (warm-up)
            alone.read(f), both.read(f)
        both.classifier.crops = both.classifier.asked = 0
        for _ in range(5):
            for f in frames:
                for name, reader in zip(times, (alone, both)):
                    start = time.perf_counter()
                    reader.read(f)
                    times[name].append(time.perf_counter() - start)
        for name, t in times.items():
            print(f"{name:<24} mean {np.mean(t) * 1e3:.2f} ms, median {np.median(t) * 1e3:.2f} ms a frame")
        print(f"crops asked about: {both.classifier.asked} of {both.classifier.crops} "
              f"({both.classifier.asked / (5 * len(frames)):.2f} a frame)")
        return
    if not script:
        ap.error("name a benchmark script after --, or pass --time")
    R.DigitReader.__init__ = with_second
    sys.argv = [str(HERE / script[0]), *script[1:]]
    sys.path.insert(0, str(HERE))
    runpy.run_path(str(HERE / script[0]), run_name="__main__")


if __name__ == "__main__":
    main()
