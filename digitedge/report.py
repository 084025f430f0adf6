"""Test-set metrics of a trained model, and the pictures of a run folder."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np


def metrics(probs: np.ndarray, labels: np.ndarray) -> dict:
    """Accuracy, per-class accuracy and the confusion matrix (rows: true, columns: predicted)."""
    pred = probs.argmax(1)
    confusion = np.zeros((10, 10), np.int64)
    np.add.at(confusion, (labels.astype(np.int64), pred), 1)
    per_class = confusion.diagonal() / np.maximum(confusion.sum(1), 1)
    return {
        "test_accuracy": float((pred == labels).mean()),
        "test_errors": int((pred != labels).sum()),
        "per_class_accuracy": {str(d): round(float(a), 5) for d, a in enumerate(per_class)},
        "confusion_matrix": confusion.tolist(),
    }


def pictures(run: Path, probs: np.ndarray, images: np.ndarray, labels: np.ndarray, m: dict) -> None:
    """curves.png (loss and accuracy), confusion.png, worst_errors.png."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _curves(plt, run)
    _confusion(plt, run, np.array(m["confusion_matrix"]), m["test_accuracy"])
    _worst(plt, run, probs, images, labels)


def _save(plt, fig, path: Path) -> None:
    fig.tight_layout()
    tmp = path.with_name(f".tmp-{path.name}")
    fig.savefig(tmp, dpi=100, format="png")
    plt.close(fig)
    tmp.replace(path)


def _curves(plt, run: Path) -> None:
    with open(run / "history.csv") as f:
        rows = list(csv.DictReader(f))
    epochs = [int(r["epoch"]) + 1 for r in rows]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, key in zip(axes, ("loss", "accuracy")):
        ax.plot(epochs, [float(r[key]) for r in rows], label=f"training {key}")
        ax.plot(epochs, [float(r["val_" + key]) for r in rows], label=f"validation {key}")
        ax.set_xlabel("epoch")
        ax.set_title(key)
        ax.grid(alpha=0.3)
        ax.legend()
    if rows and "accuracy" in rows[0]:
        axes[1].set_ylim(max(0.9, min(float(r["val_accuracy"]) for r in rows) - 0.005), 1.0)
    _save(plt, fig, run / "curves.png")


def _confusion(plt, run: Path, confusion: np.ndarray, accuracy: float) -> None:
    fig, ax = plt.subplots(figsize=(6, 5.5))
    ax.imshow(np.log1p(confusion), cmap="Blues")
    for t in range(10):
        for p in range(10):
            if confusion[t, p]:
                ax.text(p, t, str(confusion[t, p]), ha="center", va="center", fontsize=7,
                        color="white" if t == p else "black")
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.set_xlabel("predicted label")
    ax.set_ylabel("true label")
    ax.set_title(f"MNIST test confusion matrix (accuracy {accuracy:.2%})")
    _save(plt, fig, run / "confusion.png")


def _worst(plt, run: Path, probs: np.ndarray, images: np.ndarray, labels: np.ndarray, count: int = 24) -> None:
    pred = probs.argmax(1)
    wrong = np.flatnonzero(pred != labels)
    wrong = wrong[np.argsort(-probs[wrong, pred[wrong]])][:count]
    cols = 8
    rows = max(1, -(-len(wrong) // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.4, rows * 1.7), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, i in zip(axes.flat, wrong):
        ax.imshow(images[i], cmap="gray")
        ax.set_title(f"#{i} true {labels[i]}\npred {pred[i]} {probs[i, pred[i]]:.0%}", fontsize=7)
    fig.suptitle("worst test errors: true label, predicted label, confidence", fontsize=9)
    _save(plt, fig, run / "worst_errors.png")
