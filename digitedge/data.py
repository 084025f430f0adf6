"""MNIST loading: the embedded copy, IDX folders and Keras mnist.npz files, all checked."""

from __future__ import annotations

import gzip
import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitedge.errors import DataError

EMBEDDED = Path(__file__).parent / "datasets" / "mnist"
IMAGE_MAGIC, LABEL_MAGIC = 0x00000803, 0x00000801
PARTS = {  # part -> (split, kind); both naming conventions are accepted on load
    "train-images": ("train", "images"),
    "train-labels": ("train", "labels"),
    "t10k-images": ("test", "images"),
    "t10k-labels": ("test", "labels"),
}


@dataclass(frozen=True)
class Mnist:
    """uint8 images (N, 28, 28), white ink on black, and uint8 labels (N,)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str


def load(path: str | Path | None = None) -> Mnist:
    """Load MNIST from the embedded copy (None), an IDX folder, or a Keras mnist.npz file."""
    if path is None:
        return _load_idx_folder(EMBEDDED, require_sums=True)
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: no such file or folder; pass an IDX folder or a mnist.npz")
    if path.is_dir():
        return _load_idx_folder(path, require_sums=False)
    return _load_npz(path)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _find(folder: Path, part: str) -> Path:
    kind = "idx3" if part.endswith("images") else "idx1"
    for name in (f"{part}-{kind}-ubyte", f"{part}.{kind}-ubyte"):
        for suffix in (".gz", ""):
            candidate = folder / (name + suffix)
            if candidate.is_file():
                return candidate
    raise DataError(f"{folder / (part + '-' + kind + '-ubyte.gz')}: missing (raw or .gz, '-' or '.' before {kind})")


def _read_sums(folder: Path) -> dict[str, str]:
    sums = {}
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        if line.strip():
            digest, name = line.split()
            sums[name.lstrip("*")] = digest
    return sums


def _load_idx_folder(folder: Path, require_sums: bool) -> Mnist:
    files = {part: _find(folder, part) for part in PARTS}
    has_sums = (folder / "SHA256SUMS").is_file()
    if require_sums and not has_sums:
        raise DataError(f"{folder / 'SHA256SUMS'}: missing; reinstall digitedge")
    if has_sums:
        sums = _read_sums(folder)
        for f in files.values():
            if f.name in sums and sha256(f) != sums[f.name]:
                raise DataError(f"{f}: checksum mismatch with {folder / 'SHA256SUMS'}; the file is corrupt, replace it")
    arrays = {part: read_idx(f) for part, f in files.items()}
    for split, prefix in (("train", "train"), ("test", "t10k")):
        x, y = arrays[f"{prefix}-images"], arrays[f"{prefix}-labels"]
        _check_pair(x, y, f"{files[prefix + '-images']} and {files[prefix + '-labels'].name}")
    return Mnist(arrays["train-images"], arrays["train-labels"], arrays["t10k-images"], arrays["t10k-labels"], str(folder))


def read_idx(path: Path) -> np.ndarray:
    """Read one IDX file (gzip or raw) into a uint8 array, checking magic and length."""
    try:
        opener = gzip.open if path.read_bytes()[:2] == b"\x1f\x8b" else open
        with opener(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise DataError(f"{path}: unreadable ({e}); replace the file") from None
    if len(data) < 8:
        raise DataError(f"{path}: truncated ({len(data)} bytes, no IDX header)")
    magic = int.from_bytes(data[:4], "big")
    if magic not in (IMAGE_MAGIC, LABEL_MAGIC):
        raise DataError(f"{path}: wrong magic number 0x{magic:08x} (expected 0x{IMAGE_MAGIC:08x} or 0x{LABEL_MAGIC:08x}); not an MNIST IDX file")
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DataError(f"{path}: truncated header")
    dims = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected = int(np.prod(dims))
    if len(data) - header != expected:
        raise DataError(f"{path}: truncated or padded: {len(data) - header} data bytes, header says {expected} for shape {dims}")
    if magic == IMAGE_MAGIC and dims[1:] != (28, 28):
        raise DataError(f"{path}: images are {dims[1:]}, expected 28x28")
    return np.frombuffer(data, np.uint8, offset=header).reshape(dims)


def _check_pair(x: np.ndarray, y: np.ndarray, where: str) -> None:
    if x.ndim != 3 or x.shape[1:] != (28, 28):
        raise DataError(f"{where}: images have shape {x.shape}, expected (N, 28, 28)")
    if y.ndim != 1:
        raise DataError(f"{where}: labels have shape {y.shape}, expected (N,)")
    if len(x) != len(y):
        raise DataError(f"{where}: {len(x)} images but {len(y)} labels")
    if len(y) and int(y.max()) > 9:
        raise DataError(f"{where}: label {int(y.max())} is not a digit 0-9")


def _load_npz(path: Path) -> Mnist:
    try:
        with np.load(path, allow_pickle=False) as z:
            missing = {"x_train", "y_train", "x_test", "y_test"} - set(z.files)
            if missing:
                raise DataError(f"{path}: missing arrays {sorted(missing)}; expected a Keras mnist.npz")
            arrays = {k: z[k] for k in ("x_train", "y_train", "x_test", "y_test")}
    except DataError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as e:
        raise DataError(f"{path}: not a readable .npz file ({e})") from None
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        _check_pair(x, y, f"{path} ({split})")
        if x.dtype != np.uint8:
            raise DataError(f"{path}: x_{split} is {x.dtype}, expected uint8 pixels 0-255")
    return Mnist(arrays["x_train"], arrays["y_train"].astype(np.uint8), arrays["x_test"], arrays["y_test"].astype(np.uint8), str(path))


def split_validation(m: Mnist, count: int, seed: int):
    """Hold out `count` random training images for validation; returns x_fit, y_fit, x_val, y_val."""
    if not 0 < count < len(m.y_train):
        raise DataError(f"validation size {count} must be between 1 and {len(m.y_train) - 1}")
    order = np.random.default_rng(seed).permutation(len(m.y_train))
    fit, val = np.sort(order[count:]), np.sort(order[:count])
    return m.x_train[fit], m.y_train[fit], m.x_train[val], m.y_train[val]
