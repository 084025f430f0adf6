"""Shared fixtures: a click runner, small MNIST files written by the tests, a no-TensorFlow runner."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture
def runner():
    return CliRunner()


def idx_bytes(array: np.ndarray) -> bytes:
    magic = 0x0803 if array.ndim == 3 else 0x0801
    header = magic.to_bytes(4, "big") + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_idx_folder(folder: Path, n_train=60, n_test=20, gz=True, dotted=False, seed=0) -> dict:
    """A tiny MNIST-shaped IDX folder; returns the arrays written."""
    rng = np.random.default_rng(seed)
    arrays = {
        "train-images": rng.integers(0, 256, (n_train, 28, 28)), "train-labels": rng.integers(0, 10, n_train),
        "t10k-images": rng.integers(0, 256, (n_test, 28, 28)), "t10k-labels": rng.integers(0, 10, n_test),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for part, a in arrays.items():
        kind = "idx3" if a.ndim == 3 else "idx1"
        name = f"{part}.{kind}-ubyte" if dotted else f"{part}-{kind}-ubyte"
        raw = idx_bytes(a)
        if gz:
            (folder / (name + ".gz")).write_bytes(gzip.compress(raw))
        else:
            (folder / name).write_bytes(raw)
    return arrays


NO_TF = "import sys; sys.modules['tensorflow'] = None; sys.modules['keras'] = None; sys.modules['tf2onnx'] = None; "


def run_without_tensorflow(*args: str, cwd: Path = ROOT, code: str = "from digitedge.cli import cli; cli(prog_name='digitedge')",
                           ) -> subprocess.CompletedProcess:
    """Run the digitedge CLI (or `code`, with these as its sys.argv[1:]) in a fresh Python where
    importing TensorFlow, Keras or tf2onnx fails."""
    return subprocess.run([sys.executable, "-c", NO_TF + code, *args], cwd=cwd, capture_output=True, text=True, timeout=300)
