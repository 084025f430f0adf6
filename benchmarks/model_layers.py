"""Where an ONNX model's time goes in onnxruntime, node by node, and its latency at a camera frame's batch sizes.

    python benchmarks/model_layers.py [exports/digitedge_int8.onnx ...] [--batch 12] [--runs 300]

One thread, as the camera pipeline runs it. For each file: the median time of one call at batch
sizes 1, 10, 12 and 24 (a frame holds 10-12 crops), then onnxruntime's own profile of `--runs`
calls at `--batch`: each node's mean time per call, the largest first (the profiler's overhead
inflates every node's time; compare the shares, not the sum, with the latencies above). With two
files, the latencies are measured alternately, three rounds.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import tempfile
import time

import numpy as np
import onnxruntime as ort


def session(path: str, profile: str | None = None) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    if profile:
        opts.enable_profiling = True
        opts.profile_file_prefix = profile
    return ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])


def latency(s: ort.InferenceSession, batch: int, runs: int = 200) -> float:
    """Median milliseconds of one call at this batch size."""
    name = s.get_inputs()[0].name
    x = np.random.default_rng(0).random((batch, 28, 28, 1), dtype=np.float32)
    for _ in range(20):
        s.run(None, {name: x})
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        s.run(None, {name: x})
        times.append(time.perf_counter() - start)
    return float(np.median(times)) * 1e3


def nodes(path: str, batch: int, runs: int) -> list[tuple[float, str, str]]:
    """(mean microseconds a call, op type, node name) for every node, from onnxruntime's profiler."""
    with tempfile.TemporaryDirectory() as tmp:
        s = session(path, os.path.join(tmp, "profile"))
        name = s.get_inputs()[0].name
        x = np.random.default_rng(0).random((batch, 28, 28, 1), dtype=np.float32)
        for _ in range(runs):
            s.run(None, {name: x})
        events = json.load(open(s.end_profiling()))
    total = collections.Counter()
    for e in events:
        if e.get("cat") == "Node" and e["name"].endswith("_kernel_time"):
            total[(e["args"].get("op_name", "?"), e["name"][: -len("_kernel_time")])] += e["dur"]
    return sorted(((us / runs, op, node) for (op, node), us in total.items()), reverse=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("models", nargs="*", default=["exports/digitedge_int8.onnx"])
    ap.add_argument("--batch", type=int, default=12)
    ap.add_argument("--runs", type=int, default=300)
    args = ap.parse_args()
    sessions = {path: session(path) for path in args.models}
    sizes = (1, 10, 12, 24)
    for _ in range(3 if len(sessions) > 1 else 1):
        for path, s in sessions.items():
            print(f"{path}: " + ", ".join(f"batch {b} {latency(s, b):.3f} ms" for b in sizes))
    for path in args.models:
        rows = nodes(path, args.batch, args.runs)
        total = sum(us for us, _, _ in rows)
        print(f"\n{path}, batch {args.batch}, onnxruntime's profile: {total:.0f} µs a call in all")
        for us, op, node in rows[:12]:
            print(f"{us:8.1f} µs  {100 * us / total:4.1f}%  {op:<16} {node}")


if __name__ == "__main__":
    main()
