"""What the camera pipeline's checks for hard conditions cost: the sample frames read with them
switched off one after another, one core.

    python benchmarks/pipeline_lean.py [--model exports/digitedge_int8.onnx] [--samples camera_demo/samples] [--repeat 3]

Each line switches one more check off (the ones above it stay off) and prints the median time a
frame and the frames read exactly: a hand over the page, a sheet held up, glare, rings and boxes
drawn round numbers, printed grids, the close-up check, light coloured ink, black-and-white
images, a sheet seen at an angle, and the follow level that finds a faint digit whole. The sample
frames need none of them; the last line is what the rest of the pipeline costs (the paper and
its lighting, the sheet, paper lines, thresholding, cutting touching digits, normalising, the
model). A probe for the speed target, not a way to run: the checks are switched off by replacing
the functions segment() calls, in this process only.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import cv2
import numpy as np

from digitedge.vision import segment as S
from digitedge.vision.reader import DigitReader


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="exports/digitedge_int8.onnx")
    ap.add_argument("--samples", default="camera_demo/samples")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    cv2.setNumThreads(1)
    reader = DigitReader(args.model, threads=1)
    samples = Path(args.samples)
    labels = {f["file"]: f["text"] for f in json.loads((samples / "labels.json").read_text())["frames"]}
    frames = [(cv2.imread(str(samples / name)), text) for name, text in sorted(labels.items())]

    def timed(name: str) -> None:
        for image, _ in frames:  # (warm)
            reader.read(image)
        times, exact = [], 0
        for _ in range(args.repeat):
            exact = 0
            for image, text in frames:
                start = time.perf_counter()
                exact += reader.read(image).text == text
                times.append(time.perf_counter() - start)
        print(f"{name:44s} median {np.median(times) * 1e3:5.2f} ms a frame; frames read exactly {exact}/{len(frames)}", flush=True)

    timed("as shipped")
    grey, levels = S.to_gray, S._three_levels
    off = [("a hand over the page", "hands", lambda frame, sheet: None),
           ("a sheet held up", "held_up", lambda *a: None),
           ("glare", "glare_gain", lambda *a: None),
           ("rings and boxes drawn round numbers", "drawn_frames", lambda *a, **k: None),
           ("printed grids", "grid_corners", lambda *a, **k: None),
           ("", "may_span", lambda *a, **k: False),
           ("the close-up check", "stroke_scale", lambda *a, **k: 1.0),
           ("light coloured ink", "to_gray", lambda frame, coloured=True: grey(frame, coloured=False)),
           ("black-and-white images", "softened", lambda gray: gray),
           ("a sheet seen at an angle", "keystone", lambda *a: None),
           ("the follow level", "_three_levels", lambda ink, least: (lambda t: (t[1], t[1], t[2]))(levels(ink, least)))]
    for name, function, replacement in off:
        setattr(S, function, replacement)
        if name:
            timed(f"  and not {name}")


if __name__ == "__main__":
    main()
