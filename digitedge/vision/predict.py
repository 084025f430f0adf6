"""Read the digits in image files: every digit on the page, or the whole image as one digit."""

from __future__ import annotations

import json
from pathlib import Path

from digitedge.vision.camera import images_in, no_images, read_image
from digitedge.vision.reader import DigitReader


def predict(paths: list[str], model: str | None = None, single: bool = False, as_json: bool = False,
            min_confidence: float | None = None, min_margin: float | None = None, log=None) -> tuple[int, int]:
    """Prints one line (or JSON object) per image; a folder stands for its images. Returns how many
    files could not be read, and how many were tried."""
    reader = DigitReader(model, min_confidence=min_confidence, min_margin=min_margin)
    failed = tried = 0
    for path in _expand(paths):
        tried += 1
        frame = read_image(Path(path)) if Path(path).is_file() else None
        if frame is None or frame.image is None:
            failed += 1
            why = no_images(Path(path)) if Path(path).is_dir() else f"{path}: no such file"
            log(frame.error if frame else f"{why}; skipped", err=True)
            continue
        if single:
            digit = reader.read_single(frame.image)
            digits, text = [digit], "" if digit.label is None else str(digit.label)
        else:
            reading = reader.read(frame.image, still=True)
            digits, text = reading.digits, reading.text
        if as_json:
            log(json.dumps({"path": path, "frame": 0, "text": text, "digits": [d.as_json() for d in digits]}))
        else:
            detail = ", ".join(f"{d.label if d.label is not None else '?'} ({d.confidence:.0%})" for d in digits)
            # nothing found at all: a close-up of one digit is too big to be read as a page
            none = "(no digits)" if digits or single else "(no digits; if the image is one digit filling the frame, add --single)"
            log(f"{path}: {text or none}" + (f"   [{detail}]" if detail else ""))
    return failed, tried


def _expand(paths: list[str]) -> list[str]:
    """Each folder replaced by its images, in name order (a folder with none stays, to be reported)."""
    out = []
    for path in paths:
        images = [str(p) for p in images_in(Path(path))] if Path(path).is_dir() else []
        out.extend(images or [path])
    return out
