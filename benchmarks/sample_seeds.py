"""The camera pipeline on many fresh sample sets at once, with 95% confidence intervals.

    python benchmarks/sample_seeds.py --seeds 2000-2099 [--jobs 2] [--keep DIR] [--model exports/digitedge_int8.onnx] [--digits validation] [--scale 2] [--still]

One set of 40 frames (`pipeline.py`'s figures) holds 400 digits: its share of frames read exactly is
known to about +-7 points, and ten sets' to about +-2.2, as wide as the gaps this project's changes
make. This script draws each seed's set with `camera_demo/generate_samples.py` (stills only, MNIST
test digits, or with --digits validation the validation digits, to choose a model on), reads it as `pipeline.py` does (accuracy only), and prints each seed's line and the
totals with Wilson score intervals. The frames go to a temporary folder, removed afterwards, unless
--keep names a folder to keep them in (DIR/sSEED). --jobs: seeds drawn and read at once, one
process each (each reads on one core). --scale: the same scenes drawn in frames that many times
640x480 (generate_samples.py --scale: 2 is 1280x960, a sharper webcam's). --still: read as `digitedge
predict` reads a photo (DigitReader.read(still=True): up to 1600 pixels, not 1280).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))  # pipeline.same_place

from pipeline import same_place  # noqa: E402

from digitedge.benchmark import digits_option  # noqa: E402


def seeds_of(text: str) -> list[int]:
    """'2000-2009' or '5,7,9' or '2000-2004,2010' -> the seeds."""
    seeds = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        seeds.extend(range(int(lo), int(hi or lo) + 1))
    return seeds


def one_set(seed: int, folder: str, model: str, digits: str = "test", scale: float = 1.0,
            still: bool = False) -> tuple[int, int, int, int]:
    """Draw seed's set (of these MNIST digits, at this scale) into folder/sSEED and read it: (digits
    right, digits, frames exact, frames)."""
    import cv2

    from digitedge.vision.reader import DigitReader

    cv2.setNumThreads(1)
    out = Path(folder) / f"s{seed}"
    subprocess.run([sys.executable, str(ROOT / "camera_demo" / "generate_samples.py"), "--seed", str(seed),
                    "--out", str(out), "--video-sheets", "0", "--digits", digits, "--scale", str(scale)],
                   check=True, stdout=subprocess.DEVNULL)
    labels = json.loads((out / "labels.json").read_text())
    reader = DigitReader(model, threads=1)
    right = digits = exact = 0
    for f in labels["frames"]:
        reading = reader.read(cv2.imread(str(out / f["file"])), still=still)
        for d in f["digits"]:
            digits += 1
            right += any(r.label == d["label"] and same_place(r.box, d["box"]) for r in reading.digits)
        exact += reading.text == f["text"]
    return right, digits, exact, len(labels["frames"])


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a share k/n."""
    p, d = k / n, 1 + z * z / n
    mid, half = (p + z * z / (2 * n)) / d, z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return mid - half, mid + half


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", required=True, help="e.g. 2000-2099 or 5,7,9")
    ap.add_argument("--model", default=str(ROOT / "exports" / "digitedge_int8.onnx"))
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--keep", help="keep the frames in this folder (DIR/sSEED)")
    ap.add_argument("--scale", type=float, default=1.0, help="frames this many times 640x480 (default: %(default)s)")
    ap.add_argument("--still", action="store_true", help="read each frame as predict reads a photo")
    digits_option(ap)
    args = ap.parse_args()
    seeds = seeds_of(args.seeds)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or tmp
        totals = [0, 0, 0, 0]
        with ProcessPoolExecutor(args.jobs) as pool:
            read = partial(one_set, folder=folder, model=args.model, digits=args.digits, scale=args.scale, still=args.still)
            for seed, counts in zip(seeds, pool.map(read, seeds)):
                right, digits, exact, frames = counts
                print(f"seed {seed}: digits {right}/{digits}, frames read exactly {exact}/{frames}", flush=True)
                totals = [t + c for t, c in zip(totals, counts)]
    right, digits, exact, frames = totals
    (dlo, dhi), (flo, fhi) = wilson(right, digits), wilson(exact, frames)
    print(f"{len(seeds)} sets: digits read correctly {right}/{digits} = {right / digits:.2%} (95% CI {dlo:.2%}-{dhi:.2%}); "
          f"frames read exactly {exact}/{frames} = {exact / frames:.2%} (95% CI {flo:.2%}-{fhi:.2%})")


if __name__ == "__main__":
    main()
