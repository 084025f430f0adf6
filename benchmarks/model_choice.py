"""Models side by side on the validation digits: what a change of model is chosen on, never the test set.

    python benchmarks/model_choice.py MODEL [MODEL ...] [--seeds 0-2] [--sets 100-109] [--jobs 2]

For each model (an exported .onnx or .tflite), the condition scripts that draw MNIST digits are run
with --digits validation on each seed (pen_skips.py, touching.py --advance 0.6, thin_pens.py,
conditions.py), and fresh sample sets are drawn from the validation digits and read
(sample_seeds.py --digits validation). Prints per script the frames (touching.py: rows) read
exactly and the digits read, summed over the seeds. One seed of one script moves by 2-4 frames
between two models trained alike (BENCHMARKS.md, twenty-fourth session): count several. Every
model sees the same frames. --jobs: scripts run at once, one process each (each on one core).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))  # sample_seeds.seeds_of

from sample_seeds import seeds_of  # noqa: E402

from digitedge.benchmark import tally  # noqa: E402

SCRIPTS = {"pen_skips.py": [], "touching.py": ["--advance", "0.6"], "thin_pens.py": [], "conditions.py": []}


def counts(model: str, script: str, seed: int) -> tuple[int, int, int, int]:
    """(frames exact, frames, digits right, digits) of one script's run on one seed."""
    if script == "sample_seeds.py":
        args = ["--seeds", str(seed), "--digits", "validation", "--model", model]
    else:
        args = [*SCRIPTS[script], "--seed", str(seed), "--digits", "validation", "--model", model]
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    lines = done.stdout.splitlines()
    if script == "sample_seeds.py":  # (its last line repeats the seed's figures as totals)
        lines = [line for line in lines if line.startswith("seed ")]
    return tally("\n".join(lines))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("models", nargs="+", help="exported model files to compare")
    ap.add_argument("--seeds", default="0-2", help="seeds of each condition script, e.g. 0-2 or 0,5")
    ap.add_argument("--sets", default="100-109", help="seeds of the sample sets of validation digits")
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args()
    for model in args.models:
        if not Path(model).is_file():
            sys.exit(f"error: no model at {model}; pass exported .onnx or .tflite files")
    runs = [(script, seed) for script in SCRIPTS for seed in seeds_of(args.seeds)]
    runs += [("sample_seeds.py", seed) for seed in seeds_of(args.sets)]
    tasks = [(model, script, seed) for model in args.models for script, seed in runs]
    with ThreadPoolExecutor(args.jobs) as pool:  # (each task is a process of its own)
        results = dict(zip(tasks, pool.map(lambda task: counts(*task), tasks)))
    names = [Path(m).parent.name + "/" + Path(m).name for m in args.models]
    print(f"{'validation digits':34}" + "".join(f"{name:>30}" for name in names))
    for script in [*SCRIPTS, "sample_seeds.py"]:
        seeds = args.sets if script == "sample_seeds.py" else args.seeds
        row = f"{script + ' ' + seeds:34}"
        for model in args.models:
            total = [sum(v) for v in zip(*(results[model, s, seed] for s, seed in runs if s == script))]
            exact, frames, right, digits = total
            row += f"{f'{exact}/{frames}, {right}/{digits}' if digits else f'{exact}/{frames}':>30}"
        print(row)
    print("(frames or rows read exactly, then digits read; conditions.py counts frames only)")


if __name__ == "__main__":
    main()
