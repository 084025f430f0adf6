"""Accuracy and agreement of exported files against the Keras reference, without TensorFlow."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from digitedge import data
from digitedge.errors import ModelError, RuntimeMissing, VerificationError
from digitedge.runtime import Classifier

MANIFEST = "manifest.json"
REFERENCE = "reference.npz"  # Keras probabilities (10000, 10) on the MNIST test set, and the labels
FLOAT_TIE = 1e-5  # a float32 disagreement is tolerated only where Keras's top two are this close
INT8_MAX_DROP_PP = 0.1  # int8: at most this many percentage points of accuracy lost
INT8_MIN_AGREEMENT = 0.998  # int8: at least this share of test images with Keras's top-1


def load_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file():
        raise ModelError(f"no {MANIFEST} in {folder}/; run 'digitedge export' first")
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise ModelError(f"{path}: not valid JSON ({e}); re-run 'digitedge export'") from None


def _check_hash(path: Path, expected: str) -> None:
    if not path.is_file():
        raise ModelError(f"{path}: missing (listed in {MANIFEST}); re-run 'digitedge export'")
    if data.sha256(path) != expected:
        raise ModelError(f"{path}: sha256 differs from {MANIFEST}: not the model that was exported and "
                         "verified; re-run 'digitedge export'")


def verify(folder: str | Path = "exports", mnist=None, log=print, skip_missing: bool = False) -> dict:
    """Check every file in a manifest; returns per-file results, raises VerificationError on a failed gate.
    With skip_missing (the verify command on a device), a file whose runtime is not installed here (a
    .tflite without LiteRT) is skipped, and says so; else (export) that is an error."""
    folder = Path(folder)
    manifest = load_manifest(folder)
    _check_hash(folder / REFERENCE, manifest["reference"]["sha256"])
    with np.load(folder / REFERENCE) as z:
        ref, labels = z["probs"], z["labels"]
    mnist = mnist or data.load()
    if not np.array_equal(labels, mnist.y_test):
        raise ModelError(f"{folder / REFERENCE}: its labels are not this MNIST test set's; verify with the same data")
    keras_pred = ref.argmax(1)
    keras_acc = float((keras_pred == labels).mean())
    results = {"keras": {"accuracy": keras_acc, "errors": int((keras_pred != labels).sum())}}
    for name, entry in manifest["files"].items():
        path = folder / name
        _check_hash(path, entry["sha256"])
        try:
            classifier = Classifier(path)
        except RuntimeMissing as e:
            if not skip_missing:
                raise
            results[name] = {"dtype": entry["dtype"], "bytes": path.stat().st_size, "passed": None, "skipped": str(e)}
            continue
        probs = classifier.predict(mnist.x_test)
        results[name] = compare(probs, ref, labels, entry["dtype"], path.stat().st_size)
        if results[name]["disagreements"]:
            gallery(folder / f"disagreements_{path.stem}_{path.suffix[1:]}.png", mnist.x_test,
                    results[name]["disagreeing_images"], keras_pred, probs.argmax(1), labels)
    log(table(results))
    failed = [n for n, r in results.items() if n != "keras" and r["passed"] is False]
    if failed:
        raise VerificationError(
            f"{len(failed)} exported file(s) do not match the Keras model: "
            + "; ".join(f"{n}: {results[n]['failure']}" for n in failed))
    return results


def compare(probs: np.ndarray, ref: np.ndarray, labels: np.ndarray, dtype: str, size: int) -> dict:
    """The per-file numbers and its gate (float32: same top-1 everywhere; int8: accuracy and agreement)."""
    pred, keras_pred = probs.argmax(1), ref.argmax(1)
    acc, keras_acc = float((pred == labels).mean()), float((keras_pred == labels).mean())
    differ = np.flatnonzero(pred != keras_pred)
    top2 = np.sort(ref, axis=1)[:, -2:]
    r = {
        "dtype": dtype, "bytes": int(size), "accuracy": acc, "delta_pp": round((acc - keras_acc) * 100, 4),
        "agreement": float(1 - len(differ) / len(labels)), "max_prob_diff": float(np.abs(probs - ref).max()),
        "disagreements": int(len(differ)), "disagreeing_images": differ.tolist(),
    }
    if dtype == "float32":
        ties = len(differ) == 1 and float(top2[differ[0], 1] - top2[differ[0], 0]) <= FLOAT_TIE
        r["passed"] = len(differ) == 0 or ties
        r["failure"] = None if r["passed"] else f"top-1 differs from Keras on {len(differ)} images (float32 allows 0)"
    else:
        drop = -r["delta_pp"]
        problems = []
        if drop > INT8_MAX_DROP_PP:
            problems.append(f"loses {drop:.2f} pp of accuracy (int8 allows {INT8_MAX_DROP_PP})")
        if r["agreement"] < INT8_MIN_AGREEMENT:
            problems.append(f"agrees with Keras on {r['agreement']:.2%} (int8 needs {INT8_MIN_AGREEMENT:.1%})")
        r["passed"] = not problems
        r["failure"] = " and ".join(problems) or None
    return r


def table(results: dict) -> str:
    lines = [f"{'file':<24} {'size':>9} {'accuracy':>9} {'vs Keras':>9} {'agree':>8} {'max |dp|':>9} {'differ':>6}  gate"]
    k = results["keras"]
    lines.append(f"{'keras (reference)':<24} {'':>9} {k['accuracy']:>9.2%} {'':>9} {'':>8} {'':>9} {'':>6}")
    for name, r in results.items():
        if name == "keras":
            continue
        if r["passed"] is None:
            lines.append(f"{name:<24} {r['bytes'] / 1024:>7.1f}KB  skipped: its runtime is not installed here")
            continue
        gate = "ok" if r["passed"] else "FAILED: " + r["failure"]
        lines.append(f"{name:<24} {r['bytes'] / 1024:>7.1f}KB {r['accuracy']:>9.2%} {r['delta_pp']:>+8.2f}pp "
                     f"{r['agreement']:>8.2%} {r['max_prob_diff']:>9.2e} {r['disagreements']:>6}  {gate}")
    return "\n".join(lines)


def gallery(path: Path, images: np.ndarray, idx: list[int], keras_pred, pred, labels, limit: int = 64) -> None:
    """A picture of the images where a file and Keras disagree: index, true, Keras, file."""
    import cv2

    tiles = []
    for i in idx[:limit]:
        tile = cv2.resize(255 - images[i], (84, 84), interpolation=cv2.INTER_NEAREST)
        tile = cv2.copyMakeBorder(tile, 0, 30, 2, 2, cv2.BORDER_CONSTANT, value=255)
        cv2.putText(tile, f"#{i} t{labels[i]}", (2, 97), cv2.FONT_HERSHEY_SIMPLEX, 0.35, 0, 1)
        cv2.putText(tile, f"k{keras_pred[i]} f{pred[i]}", (2, 110), cv2.FONT_HERSHEY_SIMPLEX, 0.35, 0, 1)
        tiles.append(tile)
    cols = 8
    while len(tiles) % cols:
        tiles.append(np.full_like(tiles[0], 255))
    grid = np.vstack([np.hstack(tiles[r : r + cols]) for r in range(0, len(tiles), cols)])
    cv2.imwrite(str(path), grid)
