"""The preprocessing contract: the one place that says what a digit model eats."""

from __future__ import annotations

import json

import numpy as np

from digitedge.errors import ModelError

# (N, 28, 28, 1) float32, NHWC; ink is white (255) on black (0), as in the MNIST files;
# pixels are scaled by 1/255 into [0, 1]; the output is 10 softmax probabilities.
CONTRACT = {
    "version": 1,
    "input_name": "image",
    "output_name": "probs",
    "shape": [None, 28, 28, 1],
    "layout": "NHWC",
    "dtype": "float32",
    "polarity": "white-ink-on-black",
    "scale": 1.0 / 255.0,
    "offset": 0.0,
    "range": [0.0, 1.0],
    "labels": list("0123456789"),
    "output": "softmax",
}

SIZE = 28  # MNIST side, pixels
BOX = 20  # MNIST fits each digit's bounding box into 20x20 before centring by mass


def to_input(images: np.ndarray) -> np.ndarray:
    """uint8 images (N, 28, 28) or (N, 28, 28, 1), white ink on black -> float32 (N, 28, 28, 1)."""
    x = np.asarray(images)
    if x.ndim == 3:
        x = x[..., None]
    if x.shape[1:] != (SIZE, SIZE, 1):
        raise ValueError(f"expected (N, 28, 28[, 1]) images, got {x.shape}")
    return (x.astype(np.float32) * np.float32(CONTRACT["scale"])) + np.float32(CONTRACT["offset"])


def dumps() -> str:
    """The contract as compact JSON, for model metadata."""
    return json.dumps(CONTRACT, sort_keys=True)


def check(found: dict | str | None, where: str) -> None:
    """Raise ModelError if a model's stored contract differs from this one's."""
    if found is None:
        return  # a model without metadata is trusted; its shape is still checked by the runtime
    if isinstance(found, str):
        try:
            found = json.loads(found)
        except json.JSONDecodeError:
            raise ModelError(f"{where}: unreadable preprocessing contract in its metadata") from None
    keys = ("shape", "layout", "polarity", "scale", "offset", "labels")
    diff = [k for k in keys if found.get(k) != CONTRACT[k]]
    if diff:
        k = diff[0]
        raise ModelError(
            f"{where}: its input contract differs ({k}: {found.get(k)!r}, expected "
            f"{CONTRACT[k]!r}); re-export it with this version of digitedge"
        )
