#!/usr/bin/env bash
# Train each preset as the README quotes it and print the figures recorded in BENCHMARKS.md:
# test accuracy, time per epoch, total time, peak memory, parameters and multiply-adds.
# Run on an otherwise idle machine: bash benchmarks/train_presets.sh [OUT]
set -euo pipefail
out=${1:-runs/bench}
export TF_CPP_MIN_LOG_LEVEL=3
digitedge train --preset quick --out "$out"
digitedge train --preset edge --epochs 10 --out "$out"   # the five-minute budget on the Intel Xeon machine
digitedge train --preset edge --epochs 5 --lr 0.006 --out "$out"   # the same budget on the AMD EPYC machine
digitedge train --preset edge --out "$out"
digitedge train --preset seed --out "$out"
python - "$out" <<'PY'
import json, sys, pathlib
for m in sorted(pathlib.Path(sys.argv[1]).glob("*/metrics.json")):
    d = json.loads(m.read_text())
    print(f"{m.parent.name:<28} {d['test_accuracy']:.2%}  {d['epochs_run']:>2} epochs  {d['seconds_per_epoch']:>6.1f} s/epoch  "
          f"{d['train_seconds']:>7.1f} s  peak {d['peak_rss_mb']} MB  {d['parameters']:,} params  {d['macs']:,} MACs")
PY
