"""Latency and throughput of exported files, in their edge runtimes, side by side."""

from __future__ import annotations

import argparse
import difflib
import os
import re
import time
from pathlib import Path

import cv2
import numpy as np

from digitedge import data
from digitedge.errors import ModelError, RuntimeMissing
from digitedge.runtime import Classifier


def script_parser(doc: str, frames: int | None = 20) -> argparse.ArgumentParser:
    """The arguments every camera-pipeline script in benchmarks/ takes: --model, --seed, --digits
    (digit_source's) and, unless None, --frames (this default); a script adds its own."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--model", default="exports/digitedge_int8.onnx")
    ap.add_argument("--seed", type=int, default=0)
    digits_option(ap)
    if frames is not None:
        ap.add_argument("--frames", type=int, default=frames)
    return ap


def digits_option(ap: argparse.ArgumentParser) -> None:
    """--digits: the MNIST digits a script draws (digit_source), for every script that draws them."""
    ap.add_argument("--digits", choices=["test", "validation"], default="test",
                    help="draw MNIST's test digits, or the training images digitedge train holds out for validation, "
                         "to choose between models without the test set (default: %(default)s)")


def digit_source(which: str = "test") -> data.Mnist:
    """MNIST as the benchmark scripts draw their digits from it (x_test, y_test): as it is ("test"),
    or ("validation") with the 5,000 training images digitedge train holds out for validation (its
    default split, --split-seed 0, whatever its --seed) in place of the test set. The model never
    trained on either; the second lets a change to the model be chosen on these scripts without
    looking at the test digits, which only report (as generate_samples.py --digits validation does
    for the sample sets)."""
    import dataclasses

    from digitedge.train import TrainConfig  # (a plain dataclass: no TensorFlow)

    mnist = data.load()
    if which == "test":
        return mnist
    _, _, images, labels = data.split_validation(mnist, TrainConfig.val_size, TrainConfig.split_seed)
    return dataclasses.replace(mnist, x_test=images, y_test=labels)


def written(mnist, digits, per_line: int | None = None) -> str:
    """The text of these MNIST test digits written `per_line` to a line (None: all on one line),
    lines separated by a space, as the reader gives it."""
    text = "".join(str(mnist.y_test[i]) for i in digits)
    step = per_line or max(len(text), 1)
    return " ".join(text[j : j + step] for j in range(0, len(text), step))


def thinned(mask: np.ndarray) -> np.ndarray:
    """A shape's centre line, one pixel wide and connected (Zhang and Suen's thinning), 0/1: the line
    a pen would draw along a thick MNIST stroke."""
    img = np.pad(mask.astype(np.uint8), 1)
    while True:
        changed = False
        for step in (0, 1):
            # the eight neighbours, clockwise from the one above
            p2, p3, p4, p5, p6, p7, p8, p9 = (np.roll(img, (dy, dx), (0, 1)) for dy, dx in
                                              ((1, 0), (1, -1), (0, -1), (-1, -1), (-1, 0), (-1, 1), (0, 1), (1, 1)))
            ring = [p2, p3, p4, p5, p6, p7, p8, p9, p2]
            count = sum(p.astype(np.int32) for p in ring[:8])
            turns = sum(((a == 0) & (b == 1)).astype(np.int32) for a, b in zip(ring, ring[1:]))
            if step == 0:
                side = (p2 * p4 * p6 == 0) & (p4 * p6 * p8 == 0)
            else:
                side = (p2 * p4 * p8 == 0) & (p2 * p6 * p8 == 0)
            removed = (img == 1) & (count >= 2) & (count <= 6) & (turns == 1) & side
            if removed.any():
                img = np.where(removed, 0, img).astype(np.uint8)
                changed = True
        if not changed:
            return img[1:-1, 1:-1]


def photographed(page: np.ndarray, rng) -> np.ndarray:
    """A page (float32, paper at 225, the ink multiplied in) as a phone's photo shows it: lit from one
    side, slightly blurred, with sensor noise; uint8."""
    h, w = page.shape
    page = page * (0.8 + 0.2 * np.arange(w, dtype=np.float32)[None, :] / w)  # light from one side
    page = cv2.GaussianBlur(page, (0, 0), 1.5) + rng.normal(0, 4, (h, w))
    return np.clip(page, 0, 255).astype(np.uint8)


def as_jpeg(image: np.ndarray, quality: int = 75) -> np.ndarray:
    """The image (uint8, grey or BGR) saved as a JPEG at this quality and read back, as a camera, a
    phone or a scanner app sends it: grey stays grey, colour colour."""
    return cv2.imdecode(cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])[1], cv2.IMREAD_UNCHANGED)


def cells(mnist, digits, side: int = 70) -> list[np.ndarray]:
    """These MNIST test digits' inks (0-1, float32), each enlarged (cubic) to a `side` square."""
    return [cv2.resize(mnist.x_test[i], (side, side), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255 for i in digits]


def two_rows(inks: list[np.ndarray], side: int = 70) -> np.ndarray:
    """A page (float32, paper at 225) with these inks (0-1, each `side` square: a digit drawn in its
    square) multiplied in, in two rows of five, 115 pixels apart across and 160 down."""
    page = np.full((480, 640), 225, np.float32)
    for k, ink in enumerate(inks):
        x, y = 40 + 115 * (k % 5), 110 + 160 * (k // 5)
        page[y : y + side, x : x + side] *= 1 - 0.85 * ink
    return page


def digits_matched(text: str, read: str) -> int:
    """The digits of `text` that a reading has, matched in order (the spaces between lines aside):
    a missing or an extra digit costs only itself."""
    a, b = text.replace(" ", ""), read.replace(" ", "")
    return sum(m.size for m in difflib.SequenceMatcher(None, a, b).get_matching_blocks())


def frames_scored(reader, mnist, frames: int, seed: int, count: int, per_line: int, draw) -> tuple[int, int]:
    """`frames` frames of `count` MNIST test digits, `per_line` to a line, each drawn by
    draw(digits, rng) with one generator seeded `seed`: how many the reader reads exactly, and the
    digits it matches (digits_matched) over them all."""
    rng = np.random.default_rng(seed)
    exact = matched = 0
    for _ in range(frames):
        digits = rng.choice(len(mnist.x_test), count, replace=False)
        text = written(mnist, digits, per_line)
        read = reader.read(draw(digits, rng)).text
        exact += read == text
        matched += digits_matched(text, read)
    return exact, matched


_EXACT = re.compile(r"(?:frames|rows) read exactly:? (\d+)/(\d+)")
_DIGITS = re.compile(r"digits(?: matched| read(?: correctly)?)?:? (\d+)/(\d+)")


def scored_ways(reader, frames: int, page, ways: dict) -> tuple[dict[str, list[int]], int]:
    """`frames` pages, each page() -> (image, text), read each of `ways` (name -> (a function of the
    image giving what is read, still)): per way, the frames read exactly and the digits matched
    (digits_matched); and the digits written."""
    scores, total = {how: [0, 0] for how in ways}, 0
    for _ in range(frames):
        image, text = page()
        total += len(text.replace(" ", ""))
        for how, (made, still) in ways.items():
            read = reader.read(made(image), still=still).text
            scores[how][0] += read == text
            scores[how][1] += digits_matched(text, read)
    return scores, total


def ways_line(name: str, width: int, scores: dict[str, list[int]], frames: int, total: int) -> str:
    """scored_ways' counts as one printed line."""
    return f"{name:<{width}} " + "; ".join(f"{how}: frames read exactly {e}/{frames}, digits matched {m}/{total}"
                                          for how, (e, m) in scores.items())


def tally(output: str) -> tuple[int, int, int, int]:
    """The totals of a benchmark script's lines (frames or rows read exactly, digits matched or read):
    (frames exact, frames, digits right, digits); a count the lines do not give stays 0."""
    totals = [0, 0, 0, 0]
    for line in output.splitlines():
        for at, pattern in ((0, _EXACT), (2, _DIGITS)):
            if found := pattern.search(line):
                totals[at] += int(found[1])
                totals[at + 1] += int(found[2])
    return tuple(totals)


def model_files(paths: list[str | Path]) -> list[Path]:
    """Expand folders into their .onnx and .tflite files; keep files as given."""
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.suffix in (".onnx", ".tflite"))
            if not found:
                raise ModelError(f"no .onnx or .tflite files in {p}/; run 'digitedge export' first")
            out.extend(found)
        elif p.is_file():
            out.append(p)
        else:
            raise ModelError(f"no model at {p}; run 'digitedge export' first")
    return out


def measure(path: Path, images: np.ndarray, threads: int, runs: int = 300, batches: int = 10) -> dict:
    """Median and p99 latency at batch 1, throughput at batch 256."""
    clf = Classifier(path, threads=threads)
    one = images[:1]
    for _ in range(20):
        clf.predict(one)
    lat = []
    for i in range(runs):
        t = time.perf_counter()
        clf.predict(images[i % len(images)][None])
        lat.append(time.perf_counter() - t)
    big = images[:256]
    clf.predict(big)
    t = time.perf_counter()
    for _ in range(batches):
        clf.predict(big, batch=256)
    per_s = batches * len(big) / (time.perf_counter() - t)
    lat_ms = np.array(lat) * 1e3
    return {
        "file": str(path), "runtime": clf.info["runtime"], "dtype": clf.info["dtype"], "threads": threads,
        "bytes": path.stat().st_size,
        "latency_ms_median": float(np.median(lat_ms)), "latency_ms_p99": float(np.percentile(lat_ms, 99)),
        "throughput_per_s": float(per_s),
    }


def run(paths: list[str | Path], threads: list[int] | None = None, runs: int = 300, log=print) -> list[dict]:
    files = model_files(paths)
    named = {Path(p) for p in paths if Path(p).is_file()}  # (a .tflite found in a folder is skipped without LiteRT)
    mnist = data.load()
    threads = threads or sorted({1, os.cpu_count() or 1})
    rows = []
    log(HEADER)
    for path in files:
        try:
            classifier = Classifier(path)
        except RuntimeMissing:
            if path in named:
                raise
            log(f"{_short(str(path)):<40} skipped: its runtime (LiteRT) is not installed here")
            continue
        predicted = classifier.predict(mnist.x_test).argmax(1)  # accuracy: once a file, not per thread count
        accuracy = float((predicted == mnist.y_test).mean())
        for n in threads:
            rows.append(dict(measure(path, mnist.x_test, n, runs), accuracy=accuracy))
            log(format_row(rows[-1]))
    return rows


HEADER = f"{'file':<40} {'threads':>7} {'size':>9} {'accuracy':>9} {'b1 median':>10} {'b1 p99':>9} {'b256 img/s':>11}"


def format_row(r: dict) -> str:
    return (f"{_short(r['file']):<40} {r['threads']:>7} {r['bytes'] / 1024:>7.1f}KB {r['accuracy']:>9.2%} "
            f"{r['latency_ms_median']:>8.3f}ms {r['latency_ms_p99']:>7.3f}ms {r['throughput_per_s']:>11,.0f}")


def _short(path: str) -> str:
    parts = Path(path).parts
    return str(Path(*parts[-2:])) if len(parts) > 1 else path
