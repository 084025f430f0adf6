"""The sample frames as a camera exposes them badly: washed out (over-exposed, the paper clipped at
white), brightened, hazy (a flat, low-contrast picture), under-exposed, or with a colour cast (a
white balance left for daylight under a warm indoor lamp, or the other way).

    python benchmarks/exposure.py [--model exports/digitedge_int8.onnx] [--samples camera_demo/samples]

Each of the set's 40 frames (camera_demo/generate_samples.py) is changed as a camera's exposure or
a cheap lens changes a picture, and read. Prints, for each exposure, the frames read exactly and the
digits matched (benchmarks/pipeline.py's rule: the right label at the labelled place).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np

from digitedge.vision.reader import DigitReader
from pipeline import same_place  # (this script's folder is on the path)

EXPOSURES = {  # on float BGR pixels, 0-255; the result is clipped to 0-255
    "as generated": lambda f: f,
    "1.3 times the light": lambda f: 1.3 * f,
    "1.6 times the light (paper clipped at white)": lambda f: 1.6 * f,
    "twice the light": lambda f: 2.0 * f,
    "brightened (gamma 0.5)": lambda f: 255 * (f / 255) ** 0.5,
    "hazy (0.4 of the contrast, around 170)": lambda f: 170 + 0.4 * (f - 170),
    "hazy (0.25 of the contrast, around 190)": lambda f: 190 + 0.25 * (f - 190),
    "30% of the light": lambda f: 0.3 * f,
    "15% of the light": lambda f: 0.15 * f,
    "warm cast (blue 0.55, green 0.8: a lamp's light)": lambda f: f * np.float32([0.55, 0.8, 1.0]),
    "strongly warm cast (blue 0.4, green 0.7)": lambda f: f * np.float32([0.4, 0.7, 1.0]),
    "cool cast (green 0.9, red 0.7)": lambda f: f * np.float32([1.0, 0.9, 0.7]),
}


def sample_set(doc: str):
    """The arguments every script that changes a sample set's frames takes (--model, --samples), the
    set's labelled frames (labels.json's), the frames themselves (float BGR) and a reader."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--model", default="exports/digitedge_int8.onnx")
    ap.add_argument("--samples", default="camera_demo/samples")
    args = ap.parse_args()
    folder = Path(args.samples)
    labels = json.loads((folder / "labels.json").read_text())["frames"]
    frames = [cv2.imread(str(folder / f["file"])).astype(np.float32) for f in labels]
    return labels, frames, DigitReader(args.model, threads=1)


def scored(reading, label: dict) -> np.ndarray:
    """(read exactly, digits matched, digits labelled, digits read where none is labelled) for one frame."""
    elsewhere = sum(d.label is not None and not any(same_place(d.box, want["box"]) for want in label["digits"])
                    for d in reading.digits)
    matched = sum(any(d.label == want["label"] and same_place(d.box, want["box"]) for d in reading.digits)
                  for want in label["digits"])
    return np.array([reading.text == label["text"], matched, len(label["digits"]), elsewhere])


def main() -> None:
    labels, frames, reader = sample_set(__doc__)
    for name, exposed in EXPOSURES.items():
        exact, matched, total, _ = sum(scored(reader.read(np.clip(exposed(frame), 0, 255).astype(np.uint8)), label)
                                       for frame, label in zip(frames, labels))
        print(f"{name:<46} frames read exactly {exact}/{len(labels)}; digits matched {matched}/{total}")


if __name__ == "__main__":
    main()
