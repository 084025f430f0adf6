"""Shared fixtures: a click runner, small MNIST files written by the tests, a no-TensorFlow runner, a
reader of the shipped model and a page of known digits for the vision tests."""

from __future__ import annotations

import gzip
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# The training side's tests need the train extra; on an edge device, installed with the test extra
# alone (no TensorFlow), they are skipped and the edge side's run.
TRAINING = all(importlib.util.find_spec(m) for m in ("tensorflow", "tf2onnx", "onnx"))
needs_training = pytest.mark.skipif(not TRAINING, reason="needs the train extra: pip install '.[train]'")
# LiteRT: left out of the install on Intel Macs (PyPI has no wheel there); the .tflite files' tests skip
needs_litert = pytest.mark.skipif(not importlib.util.find_spec("ai_edge_litert"), reason="LiteRT is not installed here")


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


MODEL = ROOT / "exports" / "digitedge_int8.onnx"
SAMPLES = ROOT / "camera_demo" / "samples"


@pytest.fixture(scope="module")
def reader():
    from digitedge.vision.reader import DigitReader

    return DigitReader(MODEL, threads=1)


def paper_with_digits(indices, size=(480, 640), cell=84, seed=0, top=150):
    """Dark MNIST test digits on light paper with a lighting gradient; returns frame, labels, boxes."""
    from digitedge import data

    m = data.load()
    rng = np.random.default_rng(seed)
    h, w = size
    frame = np.full((h, w), 235.0) * np.linspace(0.75, 1.0, w)[None, :] + rng.normal(0, 3, (h, w))
    labels, boxes, x = [], [], 40
    for i in indices:
        digit = cv2.resize(m.x_test[i], (cell, cell), interpolation=cv2.INTER_CUBIC).astype(float) / 255
        y = top
        frame[y : y + cell, x : x + cell] *= 1 - 0.85 * digit
        ys, xs = np.nonzero(digit > 0.25)
        boxes.append((x + xs.min(), y + ys.min(), xs.max() - xs.min() + 1, ys.max() - ys.min() + 1))
        labels.append(int(m.y_test[i]))
        x += int(cell * 0.95)
    return cv2.cvtColor(np.clip(frame, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR), labels, boxes


def iou(a, b):
    from digitedge.vision import camera

    return camera._iou(a, b)


def segment_scale(frame) -> float:
    """The close-up check's scale for a frame, as segment() measures it (below 1: shrunk)."""
    from digitedge.vision.paper import _quarter, stroke_scale, to_gray

    return stroke_scale(_quarter(to_gray(frame)), 4)
