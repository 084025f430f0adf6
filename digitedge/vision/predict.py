"""Read the digits in image files: every digit on the page, or the whole image as one digit."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import cv2

from digitedge.errors import SourceError
from digitedge.vision.camera import draw, images_in, no_images, read_image
from digitedge.vision.reader import DigitReader, Reading

SUFFIX = ".digits.jpg"  # an annotated copy's name: the image's own name, less its type, and this


def predict(paths: list[str], model: str | None = None, single: bool = False, as_json: bool = False,
            min_confidence: float | None = None, min_margin: float | None = None, log=None,
            annotate: str | Path | None = None, recursive: bool = False) -> tuple[int, int]:
    """Prints one line (or JSON object) per image; a folder stands for its images (`recursive`: and
    its subfolders', as a dataset kept in a folder per label). Where every image read lies in a folder
    named with digits (digits/7/a.jpg, numbers/1234/b.jpg), says on stderr how many read as that name.
    Returns how many files could not be read, and how many were tried. `annotate`: a folder to write a
    copy of each image read into, with the boxes, labels, confidences and text drawn as the camera
    draws them (NAME.digits.jpg; a second image of the same name gets NAME-2.digits.jpg)."""
    folder = _annotation_folder(annotate, paths, recursive) if annotate is not None else None
    reader = DigitReader(model, min_confidence=min_confidence, min_margin=min_margin)
    failed = tried = 0
    written: set[str] = set()
    named = []  # (an image in a folder named for what it holds: digits/7/...) whether it read as that
    for path in _expand(paths, recursive):
        tried += 1
        frame = read_image(Path(path)) if Path(path).is_file() else None
        if frame is None or frame.image is None:
            failed += 1
            why = _no_images(Path(path)) if Path(path).is_dir() else _missing(path)
            log(frame.error if frame else f"{why}; skipped", err=True)
            continue
        if single:
            start = time.perf_counter()
            digit = reader.read_single(frame.image)
            digits, text = [digit], "" if digit.label is None else str(digit.label)
            reading = Reading(digits, text, None, (time.perf_counter() - start) * 1e3)
        else:
            reading = reader.read(frame.image, still=True)
            digits, text = reading.digits, reading.text
        if folder is not None:
            _write_annotated(folder, Path(path), draw(frame.image, reading), written)
        label = Path(path).parent.name
        named.append(text == label if label.isdigit() else None)
        if as_json:
            log(json.dumps({"path": path, "frame": 0, "text": text, "digits": [d.as_json() for d in digits]}))
        else:
            detail = ", ".join(f"{d.label if d.label is not None else '?'} ({d.confidence:.0%})" for d in digits)
            # nothing found at all: a close-up of one digit is too big to be read as a page
            none = "(no digits)" if digits or single else "(no digits; if the image is one digit filling the frame, add --single)"
            log(f"{path}: {text or none}" + (f"   [{detail}]" if detail else ""))
    if named and None not in named:  # every image in a folder named for its digits: how many read as that
        log(f"{sum(named)} of {len(named)} images read as their folder's name ({sum(named) / len(named):.1%})", err=True)
    return failed, tried


def _missing(path: str) -> str:
    """Why a path that is neither a file nor a folder gave nothing: a web address is not fetched."""
    if "://" in path:
        return (f"{path}: a web address; predict reads files: download it first, or read a camera's "
                f"stream with 'digitedge camera --source {path}'")
    return f"{path}: no such file"


def _no_images(folder: Path) -> str:
    """Why a folder gave no images: none in it, and where its subfolders hold some, what to add."""
    if any(images_in(sub, recursive=True) for sub in folder.iterdir() if sub.is_dir()):
        return no_images(folder) + "; its subfolders hold images: add --recursive to read them"
    return no_images(folder)


def _annotation_folder(annotate: str | Path, paths: list[str], recursive: bool = False) -> Path:
    """The folder for annotated copies, made if missing; never a file, nor a folder being read (its
    annotated copies would be read as images next time), nor, `recursive`, one within it."""
    folder = Path(annotate)
    if folder.exists() and not folder.is_dir():
        raise SourceError(f"--annotate {folder}: a file is there; pass a folder for the annotated images")
    read = [Path(p).resolve() for p in paths if Path(p).is_dir()]
    if any(r == folder.resolve() or (recursive and r in folder.resolve().parents) for r in read):
        raise SourceError(f"--annotate {folder}: it is a folder being read; pass another folder for the annotated images")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise SourceError(f"--annotate {folder}: cannot make this folder ({e.strerror}); pass a writable one") from None
    return folder


def _write_annotated(folder: Path, path: Path, image, written: set[str]) -> None:
    """Write one annotated copy, whole or not at all (a temporary name, then renamed)."""
    name, k = path.stem + SUFFIX, 1
    while name in written:  # two images of one name, from two folders
        k += 1
        name = f"{path.stem}-{k}{SUFFIX}"
    written.add(name)
    target = folder / name
    partial = folder / f".{name}.partial.jpg"
    if not cv2.imwrite(str(partial), image):
        partial.unlink(missing_ok=True)
        raise SourceError(f"--annotate {folder}: cannot write {name} there; pass a writable folder")
    os.replace(partial, target)


def _expand(paths: list[str], recursive: bool = False) -> list[str]:
    """Each folder replaced by its images, in name order (a folder with none stays, to be reported)."""
    out = []
    for path in paths:
        images = [str(p) for p in images_in(Path(path), recursive)] if Path(path).is_dir() else []
        out.extend(images or [path])
    return out
