"""Every reading benchmark, for one version of the code or several side by side, and what differs.

    python benchmarks/suite.py --out DIR [--roots new=.,old=../old-checkout] [--jobs 2] [--digits validation]
                               [--only crops,grids] [--skip number_photos]
    python benchmarks/suite.py --out DIR --against HEAD~1 [...]      # this checkout against a commit of it
    python benchmarks/suite.py --compare DIR/old.txt DIR/new.txt

Runs the scripts below (one process and one core each, --jobs at a time) for each root, a checkout
of this repository whose own digitedge/ and benchmarks/ are run, and writes DIR/LABEL.txt for
each: every script's output under a "== name" heading, timing lines left out (they differ from run
to run). The sample sets are read in jobs of ten seeds (sample_seeds.py: 3000-3099, the report
sets). With --digits validation every script draws the 5,000 validation digits instead of the
test digits, the scripts that change a sample set's frames read a validation set (generated into
DIR/v100 first), and the sample sets are 100-139: a change is chosen on these, and the test digits
only report. --against REV checks that commit out into DIR/old (a git worktree, removed after)
and runs it as "old" beside this checkout as "new", then compares them. --compare prints the lines
that differ between two such files and, for each script that changed, its frames read exactly (and
numbers read whole) summed over its lines.

The whole suite takes about 20 minutes of one core per root, 8 of them number_photos.py's (540
photos of 4032x3024): 12 minutes with --jobs 2 (--skip number_photos: 6).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
TIMING = (" ms", "fps", "seconds")  # lines holding these are timings: left out
SAMPLE_SET = ("exposure", "hands", "show_through", "still_view")  # scripts that change a sample set's frames (--samples)


def scripts(validation: bool) -> list[tuple[str, str]]:
    """(name, command line) of every job, for the test digits or the validation digits."""
    jobs = [(f"conditions {s}", f"conditions.py --seed {s}") for s in range(4)]
    jobs += [(f"{name} {s}", f"{name}.py --seed {s}") for name in ("desks", "shadows", "fonts", "circled", "grids") for s in (0, 1)]
    jobs += [(f"{name} 0", f"{name}.py --seed 0") for name in ("thin_pens", "small_writing", "angles", "punctuation", "inks",
                                                                "pen_skips", "phone_pages", "notebooks", "number_photos", "mixed_sizes")]
    jobs += [("touching 0", "touching.py --seed 0 --advance 0.6"), ("forms", "forms.py"), ("words", "words.py"), ("folds", "folds.py"),
             ("crops 0", "crops.py --seed 0"), ("crops 1", "crops.py --seed 1"), ("crops negative 0", "crops.py --seed 0 --negative"),
             ("circled photos 0", "circled.py --seed 0 --photos")]
    jobs += [(f"{name} {s}", f"{name}.py --seed {s}") for name in ("held_up", "scans", "styles") for s in range(3)]
    jobs += [(f"held_up still {s}", f"held_up.py --seed {s} --still") for s in range(3)]
    if validation:
        jobs = [(name, f"{line} --digits validation") for name, line in jobs]
        jobs += [(name, f"{name}.py --samples {{v100}}") for name in SAMPLE_SET]
        jobs += [(f"sample sets {s}", f"sample_seeds.py --seeds {s}-{s + 9} --jobs 1 --digits validation") for s in range(100, 140, 10)]
    else:
        jobs += [(name, f"{name}.py") for name in SAMPLE_SET]
        jobs += [(f"sample sets {s}", f"sample_seeds.py --seeds {s}-{s + 9} --jobs 1") for s in range(3000, 3100, 10)]
    return jobs


def run(root: Path, name: str, line: str, model: str, v100: Path) -> tuple[str, int, float, list[str]]:
    """One script in one root: (name, exit status, seconds, its lines less timings)."""
    env = dict(os.environ, PYTHONPATH=str(root), OMP_NUM_THREADS="1")
    start = time.time()
    args = [sys.executable, *f"benchmarks/{line.format(v100=v100)} --model {model}".split()]
    done = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True)
    lines = [x for x in (done.stdout + done.stderr).splitlines() if x.strip() and not any(t in x for t in TIMING)]
    return name, done.returncode, time.time() - start, lines


def sections(path: Path) -> dict[str, list[str]]:
    """A suite file's scripts: name -> its lines."""
    out, name = {}, None
    for line in path.read_text().splitlines():
        if line.startswith("== "):
            name = line[3:].split(" (exit")[0]
            out[name] = []
        elif name is not None:
            out[name].append(line)
    return out


def frames(lines: list[str]) -> int:
    """Frames read exactly (and numbers read whole), summed over a script's lines, totals left out."""
    return sum(int(n) for line in lines if not re.match(r"\d+ sets:", line)
               for n in re.findall(r"(?:exactly:?|read whole) (\d+)/", line))


def compare(old: Path, new: Path) -> None:
    a, b = sections(old), sections(new)
    changed = total = 0
    for name in sorted(set(a) | set(b)):
        x, y = a.get(name, []), b.get(name, [])
        if x == y:
            continue
        changed += 1
        total += frames(y) - frames(x)
        print(f"## {name}: frames read exactly {frames(x)} -> {frames(y)}")
        for p, q in zip(x, y):
            if p != q:
                print(f"  - {p}\n  + {q}")
        for extra in x[len(y):]:
            print(f"  - {extra}")
        for extra in y[len(x):]:
            print(f"  + {extra}")
    print(f"{changed} of {len(set(a) | set(b))} scripts differ; frames read exactly, summed: {total:+d}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, help="folder for LABEL.txt per root")
    ap.add_argument("--roots", default="new=.", help="label=checkout pairs, comma-separated (default: new=.)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--model", default="exports/digitedge_int8.onnx", help="relative to each root")
    ap.add_argument("--digits", choices=("test", "validation"), default="test")
    ap.add_argument("--only", default="", help="scripts whose names start so, comma-separated")
    ap.add_argument("--skip", default="", help="scripts whose names start so, comma-separated")
    ap.add_argument("--against", metavar="REV", help="a commit of this repository, run as old beside this checkout as new")
    ap.add_argument("--compare", nargs=2, type=Path, metavar=("OLD", "NEW"))
    args = ap.parse_args()
    if args.compare:
        return compare(*args.compare)
    if args.out is None:
        ap.error("--out is needed to run the suite (or --compare OLD NEW)")
    args.out.mkdir(parents=True, exist_ok=True)
    if args.against:
        old = (args.out / "old").resolve()
        subprocess.run(["git", "worktree", "add", "--detach", "--force", str(old), args.against], cwd=HERE.parent, check=True)
        try:
            run_suite(args, {"new": HERE.parent, "old": old})
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=HERE.parent, check=True)
        return compare(args.out / "old.txt", args.out / "new.txt")
    run_suite(args, {label: Path(path).resolve() for label, path in (pair.split("=", 1) for pair in args.roots.split(","))})


def run_suite(args, roots: dict[str, Path]) -> None:
    """Every script of the suite for each root, --jobs at a time; DIR/LABEL.txt for each."""
    validation = args.digits == "validation"
    v100 = (args.out / "v100").resolve()
    if validation and not (v100 / "labels.json").exists():
        subprocess.run([sys.executable, "camera_demo/generate_samples.py", "--digits", "validation", "--seed", "100",
                        "--video-sheets", "0", "--out", str(v100)], cwd=next(iter(roots.values())), check=True)
    only, skip = [p for p in args.only.split(",") if p], [p for p in args.skip.split(",") if p]
    jobs = [(label, name, line) for name, line in scripts(validation) for label in roots
            if (not only or name.startswith(tuple(only))) and not (skip and name.startswith(tuple(skip)))]
    jobs.sort(key=lambda job: not job[1].startswith(("sample sets", "number_photos", "crops", "hands", "circled photos")))  # the longest first
    with ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda job: run(roots[job[0]], job[1], job[2], args.model, v100), jobs))
    order = {name: k for k, (name, _) in enumerate(scripts(validation))}
    for label in roots:
        mine = sorted((r for (lab, _, _), r in zip(jobs, results) if lab == label), key=lambda r: order[r[0]])
        text = "".join(f"== {name} (exit {code}, {secs:.0f} s)\n" + "".join(f"{x}\n" for x in lines) for name, code, secs, lines in mine)
        (args.out / f"{label}.txt").write_text(text)
        failed = [name for name, code, _, _ in mine if code]
        print(f"{label}: {len(mine)} scripts -> {args.out / f'{label}.txt'}" + (f"; failed: {', '.join(failed)}" if failed else ""))


if __name__ == "__main__":
    main()
