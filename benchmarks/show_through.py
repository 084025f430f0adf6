"""Writing on the back of the sheet showing through it: faint, mirrored, blurred digits among the real ones.

    python benchmarks/show_through.py [--model exports/digitedge_int8.onnx] [--samples camera_demo/samples]

Each of the set's 40 frames (camera_demo/generate_samples.py) gets another frame's writing (the
frame 7 after it), mirrored left to right as the back of the sheet shows it and blurred by the
paper (a Gaussian, sigma 1.5 pixels), darkening the paper by `strength` times that ink's own
darkness: ordinary paper shows a ballpoint on its back at about 0.1-0.15, thin notebook paper or a
felt tip bleeding through more. Prints, for each strength, the frames read exactly, the digits
matched (benchmarks/pipeline.py's rule) and the digits read where no digit is written (the ghosts
read as digits).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np

from digitedge.vision.reader import DigitReader
from pipeline import same_place  # (this script's folder is on the path)

STRENGTHS = (0.0, 0.1, 0.15, 0.2, 0.25, 0.35)


def shown_through(frame: np.ndarray, back: np.ndarray, strength: float) -> np.ndarray:
    """`frame` (float BGR) darkened where `back`'s ink (float BGR, the same size) lies, mirrored."""
    gray = cv2.cvtColor(np.clip(back[:, ::-1], 0, 255).astype(np.uint8), cv2.COLOR_BGR2GRAY)
    paper = cv2.medianBlur(gray, 31).astype(np.float32) + 1
    ink = cv2.GaussianBlur(np.clip(1 - gray.astype(np.float32) / paper, 0, 1), (0, 0), 1.5)
    return np.clip(frame * (1 - strength * ink[..., None]), 0, 255).astype(np.uint8)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="exports/digitedge_int8.onnx")
    ap.add_argument("--samples", default="camera_demo/samples")
    args = ap.parse_args()
    folder = Path(args.samples)
    labels = json.loads((folder / "labels.json").read_text())["frames"]
    frames = [cv2.imread(str(folder / f["file"])).astype(np.float32) for f in labels]
    reader = DigitReader(args.model, threads=1)
    for strength in STRENGTHS:
        exact = matched = total = ghosts = 0
        for k, (frame, label) in enumerate(zip(frames, labels)):
            reading = reader.read(shown_through(frame, frames[(k + 7) % len(frames)], strength))
            exact += reading.text == label["text"]
            total += len(label["digits"])
            matched += sum(any(d.label == want["label"] and same_place(d.box, want["box"]) for d in reading.digits)
                           for want in label["digits"])
            ghosts += sum(d.label is not None and not any(same_place(d.box, want["box"]) for want in label["digits"])
                          for d in reading.digits)
        print(f"show-through {strength:.2f}: frames read exactly {exact}/{len(labels)}; digits matched {matched}/{total}; "
              f"digits read where none is written {ghosts}")


if __name__ == "__main__":
    main()
