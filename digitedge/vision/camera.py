"""Sources (webcam, video, image, folder), the live loop, drawing, and steady readings."""

from __future__ import annotations

import importlib
import json
import os
import re
import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

import cv2
import numpy as np

from digitedge.errors import SourceError
from digitedge.vision.images import halved
from digitedge.vision.reader import Digit, DigitReader, Reading, text_of

IMAGE_TYPES = {".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".bmp", ".tif", ".tiff", ".webp", ".avif", ".heic", ".heif",
               ".gif", ".pbm", ".pgm", ".ppm", ".pnm"}  # (a GIF in a folder, or to predict: its first frame)
VIDEO_TYPES = {".mp4", ".m4v", ".mov", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv", ".3gp"}  # (to name one given as an image)
STREAM = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")  # a URL: rtsp://, http://, https://, udp://...
# the ISO base media file's brands of a HEIF still image (an iPhone's photos: "heic"); OpenCV cannot
# decode HEVC-coded HEIF (it reads AVIF, the AV1-coded kind, itself)
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"mif1"}


@dataclass
class Frame:
    path: str  # the source: file, or camera index
    index: int  # frame number within the source
    image: np.ndarray | None  # None: this file could not be read (error says why)
    error: str | None = None
    fps: float | None = None  # a video's or camera's frame rate, where it reports one; None for images
    live: bool = False  # from a camera, not a file
    still: bool = False  # an image file (a photo), not a video's or a camera's frame


def open_source(source: str, capture_factory=cv2.VideoCapture) -> Iterator[Frame]:
    """Frames from a camera index ("0"), a network camera's stream (rtsp://, http://: an IP camera, a
    phone's webcam app), a video file, an image file or a folder of images."""
    if source.isdigit():
        return _capture(_quietly(capture_factory, int(source)), source, live=True)
    if STREAM.match(source):
        return _capture(_quietly(capture_factory, source), source, live=True)
    path = Path(source)
    if path.is_dir():
        files = images_in(path)
        if not files:
            raise SourceError(no_images(path))
        return (read_image(p) for p in files)
    if not path.is_file():
        raise SourceError(f"{path}: no such file or folder; pass a camera index, a video, an image or a folder")
    if path.suffix.lower() in IMAGE_TYPES - {".gif"}:  # (a GIF may be animated: read as a video, each of its frames)
        return iter([read_image(path)])
    return _capture(_quietly(capture_factory, str(path)), str(path), live=False)


def images_in(folder: Path, recursive: bool = False) -> list[Path]:
    """The image files in a folder (`recursive`: and in its subfolders, at any depth), in name order
    (by their paths: a folder's images, then its subfolders' in turn)."""
    if not recursive:
        return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_TYPES)
    return sorted((p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_TYPES and p.is_file()),
                  key=lambda p: p.relative_to(folder).parts)


def no_images(folder: Path) -> str:
    return f"{folder}/: no images ({', '.join(sorted(IMAGE_TYPES))}) in this folder"


def _quietly(factory, source):
    """Open a capture without OpenCV's own warnings: a missing camera gets our one-line error instead."""
    try:
        from cv2.utils import logging as cv_logging
    except ImportError:
        return factory(source)
    level = cv_logging.getLogLevel()
    cv_logging.setLogLevel(cv_logging.LOG_LEVEL_SILENT)
    try:
        return factory(source)
    finally:
        cv_logging.setLogLevel(level)


def read_image(path: Path) -> Frame:
    image = _quietly(cv2.imread, str(path))  # (colour, 8 bits; applies EXIF orientation, as phones expect)
    if image is None and _is_heif(path):  # (by its content: a photo renamed .jpg is one too)
        return _read_heif(path)
    if image is None:  # a 32-bit float TIFF (a scanner's or an editor's HDR file) opens only as it is
        image = _as_8bit(_quietly(lambda name: cv2.imread(name, cv2.IMREAD_UNCHANGED), str(path)))
        if image is None:
            if _head(path, 5) == b"%PDF-":  # a scanner's usual output: nothing here renders PDF pages
                return Frame(str(path), 0, None, f"{path}: a PDF, not an image; save its pages as images first "
                                                 f"(pdftoppm -png -r 200 {path} page); skipped")
            if path.suffix.lower() in VIDEO_TYPES:
                return Frame(str(path), 0, None, f"{path}: a video, not an image; read it with "
                                                 f"'digitedge camera --source {path}'; skipped")
            return Frame(str(path), 0, None, f"{path}: not a readable image; skipped")
        return Frame(str(path), 0, image, still=True)
    if path.suffix.lower() in ALPHA_FORMATS:
        image = _flattened(cv2.imread(str(path), cv2.IMREAD_UNCHANGED), image)
    return Frame(str(path), 0, image, still=True)


def _as_8bit(raw: np.ndarray | None) -> np.ndarray | None:
    """A floating-point image (0-1, as such files hold light; or 0-255) as 8-bit BGR, a transparent
    background flattened as for a PNG; None for anything else (what the colour read refused)."""
    if raw is None or raw.dtype.kind != "f" or raw.ndim not in (2, 3) or raw.size == 0:
        return None
    raw = np.nan_to_num(raw.astype(np.float32), nan=0.0, posinf=0.0, neginf=0.0)
    scale = 255.0 if float(raw.max()) <= 1.0 else 1.0
    raw = np.clip(raw * scale, 0, 255).astype(np.uint8)
    if raw.ndim == 2 or raw.shape[2] == 1:
        return cv2.cvtColor(raw, cv2.COLOR_GRAY2BGR)
    return _opaque(raw)


def _head(path: Path, size: int) -> bytes:
    """A file's first `size` bytes (fewer in a shorter file; none where it cannot be read)."""
    try:
        with open(path, "rb") as f:
            return f.read(size)
    except OSError:
        return b""


def _is_heif(path: Path) -> bool:
    """Whether a file is a HEIF image by its first bytes (an ISO base media file's ftyp box)."""
    head = _head(path, 12)
    return head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS


def _read_heif(path: Path) -> Frame:
    """A HEIC/HEIF photo, decoded by libheif where pi-heif (decoding only) or pillow-heif is installed:
    turned and mirrored as the file says (libheif applies its irot and imir boxes, which an iPhone
    writes for the EXIF orientation), 8 bits a channel, a transparent background flattened as for a PNG."""
    for module in ("pi_heif", "pillow_heif"):
        try:
            heif = importlib.import_module(module)
        except ImportError:
            continue
        try:
            decoded = heif.open_heif(str(path), convert_hdr_to_8bit=True, bgr_mode=True)
            raw = np.array(decoded, copy=True)  # (a view of its buffer would outlive the file object that owns it)
        except Exception as e:  # libheif's own errors: a broken or unsupported file is the user's
            reason = (str(e).strip().splitlines() or [type(e).__name__])[0]
            return Frame(str(path), 0, None, f"{path}: not a readable HEIC/HEIF image ({reason}); skipped")
        return Frame(str(path), 0, _opaque(raw), still=True)
    return Frame(str(path), 0, None, f"{path}: a HEIC/HEIF photo (an iPhone's format), which OpenCV cannot read; "
                                      "pip install pi-heif to read it, or convert it to JPEG; skipped")


ALPHA_FORMATS = {".png", ".webp", ".tif", ".tiff"}  # can carry transparency (a photo, a JPEG, cannot)


def _opaque(raw: np.ndarray) -> np.ndarray:
    """An 8-bit image as read whole: with an alpha channel, its colours with the transparent background
    flattened (_flattened); else as it is."""
    if raw.ndim == 3 and raw.shape[2] == 4:
        return _flattened(raw, np.ascontiguousarray(raw[..., :3]))
    return raw


def _flattened(raw: np.ndarray | None, image: np.ndarray) -> np.ndarray:
    """A drawing with a transparent background (a PNG from a drawing app) laid on a plain ground of
    the opposite brightness to its ink: OpenCV's colour read keeps the colour of transparent pixels,
    often black, so black ink on them would vanish. Anything else is returned as read."""
    if raw is None or raw.ndim != 3 or raw.shape[2] != 4 or raw.shape[:2] != image.shape[:2]:
        return image
    alpha = raw[..., 3:].astype(np.float32) / (65535.0 if raw.dtype == np.uint16 else 255.0)
    if alpha.min() >= 1.0:
        return image
    opaque = alpha[..., 0] > 0.5
    ink = float(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)[opaque].mean()) if opaque.any() else 0.0
    ground = 255.0 if ink < 128 else 0.0
    return np.clip(image.astype(np.float32) * alpha + ground * (1 - alpha), 0, 255).astype(np.uint8)


def _capture(cap, name: str, live: bool) -> Iterator[Frame]:
    if not cap.isOpened():
        if STREAM.match(name):
            what = (f"{name}: no stream there; check the address (an IP camera's or a phone webcam app's video URL) "
                    "and that this device can reach it")
        elif live:
            what = f"no camera at index {name}; check it is connected, or pass --source VIDEO|IMAGE|FOLDER"
        else:
            what = f"{name}: not a readable video; pass a video OpenCV can decode, an image or a folder"
        raise SourceError(what)
    if live:  # hold one frame, not a queue: on a device slower than the camera, a queue of several
        # frames (V4L2's default is 4) puts the reading that far behind the page (a backend without
        # the setting ignores it)
        try:
            cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        except (AttributeError, cv2.error):  # a stand-in capture without it
            pass

    try:
        fps = float(cap.get(cv2.CAP_PROP_FPS)) or None
    except (AttributeError, cv2.error, TypeError, ValueError):  # a stand-in capture without it
        fps = None
    fps = fps if fps and 1 <= fps <= 240 else None  # some backends report 0 or nonsense

    def frames():
        index = 0
        try:
            while True:
                ok, image = cap.read()
                if not ok or image is None:
                    if live:
                        print(f"camera {name} stopped sending frames (disconnected?); stopping", file=sys.stderr)
                    return
                yield Frame(name, index, image, fps=fps, live=live)
                index += 1
        finally:
            cap.release()

    return frames()


# A digit's 28x28 (what the model saw) differs from its last frame's by a mean of 0.7 levels on a
# still sheet (99% under 16), 7 under a hand-held camera's shake (1.5% over LIKE); two digits of
# different labels by 39 (0.9% under LIKE; the sample frames). A sure reading (SURE) in a track's
# place that looks this different is another digit (a sheet put in the last one's place, a digit
# rewritten): its track starts afresh, so the last one's votes do not outvote it for the next three
# frames; an unsure one joins the track, whatever it looks like (a digit flickering between two
# segmentations). On the 8 sample sets LIKE and SURE were chosen on (seeds 40-47): hand-held videos
# 933 -> 960 of 960 frames read exactly; 10 sheets held 30 frames each 2,091 -> 2,173 of 2,400; changes
# of text within a held sheet 22 -> 23 (voting on nothing: 959, 2,170 and 55). On 8 others (50-57):
# 942 -> 960; 2,226 -> 2,307; 0 -> 0 (951, 2,305, 15).
LIKE = 20
SURE = 0.8


class Stabilizer:
    """Steady readings on a still sheet: follow each digit's box (and look) across frames and vote on its label."""

    def __init__(self, history: int = 7, forget: int = 5):
        self.history, self.forget = history, forget
        self.tracks: list[dict] = []

    def update(self, reading: Reading) -> Reading:
        for t in self.tracks:
            t["missed"] += 1
        steady = []
        for d in reading.digits:
            track = max(self.tracks, key=lambda t: _iou(t["box"], d.box), default=None)
            if track is None or _iou(track["box"], d.box) < 0.5 or track["missed"] == 0 or \
                    (d.confidence >= SURE and not _alike(track["image"], d.image)):
                track = {"box": d.box, "votes": deque(maxlen=self.history), "missed": 0}
                self.tracks.append(track)
            track["box"], track["image"], track["missed"] = d.box, d.image, 0
            track["votes"].append((d.label, d.confidence))
            label, _ = Counter(v[0] for v in track["votes"]).most_common(1)[0]
            confs = [c for lab, c in track["votes"] if lab == label]
            steady.append(Digit(label, float(np.mean(confs)), d.box, d.line, d.image))
        self.tracks = [t for t in self.tracks if t["missed"] <= self.forget]
        return Reading(steady, text_of(steady), reading.mask, reading.ms, reading.kept)


# A camera on a stand over a still sheet sends the same view frame after frame: reading each costs
# the whole pipeline for the reading it already has. A frame is compared with the last one read, both
# shrunk to VIEW_SIDE pixels on their long side (a quarter of 640x480: averaging 4x4 pixels takes a
# sensor's noise down to a quarter): where no pixel of it differs from that one's by more than
# UNCHANGED levels, the view has not changed, and the reading stands. There noise moves a pixel by
# 6-10 levels at most (sigma 2-6 a pixel, JPEG at 80), 14-16 at sigma 10; a new stroke 2 pixels wide
# moves it by 21-40 at a contrast of 40-80, the sheet moved by a pixel by 51, the light by 3% by 13,
# a hand-held camera's shake by 57 or more, a median of 101 (benchmarks/still_view.py). A change too
# faint to pass UNCHANGED (a pale stroke, the light creeping) is read all the same within REREAD
# frames: a still view is read every REREAD-th frame, so the Stabilizer's votes stay fresh.
VIEW_SIDE = 160
UNCHANGED = 16
REREAD = 5


class StillView:
    """Whether a camera's or video's frame shows what the last frame read showed (see UNCHANGED)."""

    def __init__(self, tolerance: int = UNCHANGED, every: int = REREAD):
        self.tolerance, self.every = tolerance, every
        self.seen: np.ndarray | None = None  # the last frame read, shrunk
        self.since = 0  # frames since it, each found unchanged

    def unchanged(self, image: np.ndarray) -> bool:
        """Whether this frame may keep the last reading; if not, it is the one to read (and remembered)."""
        view = _shrunk_view(image)
        same = (view is not None and self.seen is not None and view.shape == self.seen.shape
                and self.since < self.every - 1 and cv2.norm(view, self.seen, cv2.NORM_INF) <= self.tolerance)
        if same:
            self.since += 1
        else:
            self.seen, self.since = view, 0
        return same


def _shrunk_view(image: np.ndarray) -> np.ndarray | None:
    """An 8-bit frame averaged down to about VIEW_SIDE pixels on its long side (None for any other
    frame: always read). Halved while twice that or more (OpenCV's averaging by exactly 2 is several
    times faster than by 4: 0.13 ms against 0.5 at 640x480), then brought to VIEW_SIDE."""
    if image.dtype != np.uint8 or image.ndim not in (2, 3) or min(image.shape[:2]) < 4:
        return None
    while max(image.shape[:2]) >= 2 * VIEW_SIDE and min(image.shape[:2]) >= 2:
        image = halved(image)
    h, w = image.shape[:2]
    f = VIEW_SIDE / max(h, w)
    return image if f >= 1 else cv2.resize(image, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)


def _alike(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two digits' 28x28s are one digit's in two frames (LIKE)."""
    return a.shape == b.shape and cv2.norm(a, b, cv2.NORM_L1) <= LIKE * a.size


def _iou(a, b) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    iw = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    ih = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = iw * ih
    return inter / float(aw * ah + bw * bh - inter or 1)


def draw(frame: np.ndarray, reading: Reading, fps: float | None = None, show_mask: bool = False) -> np.ndarray:
    """Boxes, labels and confidences, the text read, speed, and the 28x28 crops the model saw."""
    if show_mask:
        mask = cv2.resize(reading.mask.image, (frame.shape[1], frame.shape[0]), interpolation=cv2.INTER_NEAREST)
        canvas = cv2.cvtColor(mask, cv2.COLOR_GRAY2BGR)
    else:
        canvas = frame.copy() if frame.ndim == 3 else cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    h, w = canvas.shape[:2]
    thick = max(1, round(max(h, w) / 640))
    small = min(1.0, max(max(h, w) / 640, 0.7))  # a frame under 640 pixels (a 320x240 webcam's): smaller text
    font = 0.5 * thick * small
    for d in reading.digits:
        x, y, bw, bh = d.box
        colour = (40, 200, 40) if d.label is not None else (40, 40, 220)
        cv2.rectangle(canvas, (x, y), (x + bw, y + bh), colour, thick)
        tag = f"{d.label} {d.confidence:.0%}" if d.label is not None else f"? {d.confidence:.0%}"
        cv2.putText(canvas, tag, (x, max(12, y - 4)), cv2.FONT_HERSHEY_SIMPLEX, font, colour, thick, cv2.LINE_AA)
    banner = (f"read: {reading.text or '-'}   {reading.ms:.1f} ms" + (" (view unchanged)" if reading.kept else "")
              + (f"   {fps:.1f} fps" if fps else ""))
    cv2.rectangle(canvas, (0, 0), (w, int(26 * thick * small)), (0, 0, 0), -1)
    cv2.putText(canvas, banner, (6, int(19 * thick * small)), cv2.FONT_HERSHEY_SIMPLEX, font * 1.2, (255, 255, 255), thick, cv2.LINE_AA)
    side = max(28, min(56, round(56 * max(h, w) / 640)))  # the crops: twice the model's 28x28, or as they are
    crops = [cv2.resize(d.image, (side, side), interpolation=cv2.INTER_NEAREST) for d in reading.digits[: max(1, w // (side + 2))]]
    if crops:
        strip = np.hstack([cv2.copyMakeBorder(c, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=128) for c in crops])
        sh, sw = strip.shape
        if sh < h and sw <= w:
            canvas[h - sh :, :sw] = cv2.cvtColor(strip, cv2.COLOR_GRAY2BGR)
    return canvas


def _log(message: str, err: bool = False) -> None:
    print(message, file=sys.stderr if err else sys.stdout, flush=True)


def has_display() -> bool:
    """cv2.imshow without a display aborts the process, so look before opening a window."""
    try:
        framework = cv2.currentUIFramework()
    except AttributeError:
        framework = ""
    if not framework or framework == "NONE":
        return False
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def _show(window: str, image: np.ndarray, wait: int) -> int:
    """Show a frame; the key pressed within `wait` ms (0: until one is), or 255 for none."""
    cv2.imshow(window, image)
    return cv2.waitKey(wait) & 0xFF


def open_writer(path: str, size: tuple[int, int], fps: float):
    fourcc = "MJPG" if path.lower().endswith(".avi") else "mp4v"  # avc1/H264 never opens on many builds
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*fourcc), fps, size)
    if not writer.isOpened():
        raise SourceError(f"{path}: cannot write a video there; use a .mp4 or .avi path in a writable folder")
    return writer


def run(source: str, model: str | None = None, record: str | None = None, display: bool | None = None, as_json: bool = False,
        max_frames: int | None = None, steady: bool = True, threads: int | None = None,
        min_confidence: float | None = None, min_margin: float | None = None, skip_unchanged: bool = True,
        capture_factory=cv2.VideoCapture, log=None) -> dict:
    """The camera loop; returns a summary (frames, frames read, errors, mean ms over all frames and over
    those read). Ends cleanly on q, Ctrl-C or end of input. `skip_unchanged`: a camera's or video's frame
    whose view has not changed since the last frame read keeps that reading (StillView)."""
    log = log or _log
    reader = DigitReader(model, threads=threads, min_confidence=min_confidence, min_margin=min_margin)
    frames = open_source(source, capture_factory)
    wanted = display is not False
    display = wanted and has_display()
    if wanted and not display:
        log("no display found; running headless (the text read is printed as it changes)", err=True)
    stabilizer = Stabilizer() if steady and not Path(source).is_dir() else None
    writer, size, show_mask, window = None, None, False, "digitedge"
    still_view = StillView() if skip_unchanged else None
    done, read, errors, total_ms, read_ms, last, fps = 0, 0, 0, 0.0, 0.0, time.perf_counter(), None
    raw = None  # the last frame's reading as read, before the Stabilizer
    snapshots, last_text, hinted = 0, None, False
    try:
        for frame in frames:
            shown = time.perf_counter()
            if frame.image is None:
                errors += 1
                log(frame.error, err=True)
                continue
            if frame.image.size == 0:
                continue
            start = time.perf_counter()
            if still_view and not frame.still and still_view.unchanged(frame.image) and raw is not None:
                reading = replace(raw, ms=(time.perf_counter() - start) * 1e3, kept=True)  # the view as last read
            else:
                looked = (time.perf_counter() - start) * 1e3
                raw = reading = reader.read(frame.image, still=frame.still)
                reading.ms += looked
                read += 1
                read_ms += reading.ms
            if stabilizer:  # (a kept reading votes again: a change of sheet outvotes the last as fast as when every frame is read)
                reading = stabilizer.update(reading)
            done += 1
            total_ms += reading.ms
            now = time.perf_counter()
            fps, last = 1.0 / max(now - last, 1e-6), now
            if as_json:
                log(json.dumps({"path": frame.path, "frame": frame.index, "text": reading.text,
                                "digits": [d.as_json() for d in reading.digits]}))
            elif not display and (reading.text != last_text or frame.index == 0):
                log(f"{frame.path} frame {frame.index}: {reading.text or '(no digits)'}")
                last_text = reading.text
            if record or display:
                annotated = draw(frame.image, reading, fps, show_mask)
            if record:
                if writer is None:
                    size = (annotated.shape[1], annotated.shape[0])  # a folder's images may differ: fit them
                    writer = open_writer(record, size, frame.fps or (15.0 if frame.live else 10.0))
                if (annotated.shape[1], annotated.shape[0]) != size:
                    annotated = cv2.resize(annotated, size)
                writer.write(annotated)
            if display:
                if frame.live:
                    wait = 1
                elif frame.fps:  # a video plays at its own speed, not as fast as it can be read
                    wait = max(1, round(1000 / frame.fps - (time.perf_counter() - shown) * 1000))
                else:  # an image stays up until a key; m and s act on it without moving on
                    wait = 0
                    if not hinted:
                        log("showing each image until a key is pressed (q quits, m mask, s snapshot)", err=True)
                        hinted = True
                key = _show(window, annotated, wait)
                while key in (ord("m"), ord("s")):
                    if key == ord("m"):
                        show_mask = not show_mask
                        annotated = draw(frame.image, reading, fps, show_mask)
                    else:
                        snapshots += 1
                        name = f"snapshot_{time.strftime('%Y%m%d-%H%M%S')}_{snapshots}.png"
                        cv2.imwrite(name, annotated)
                        log(f"saved {name}")
                    key = _show(window, annotated, wait) if wait == 0 else None
                if key in (ord("q"), 27):
                    break
            if max_frames and done >= max_frames:
                break
    except KeyboardInterrupt:
        log("interrupted; stopping", err=True)
    finally:
        if writer is not None:
            writer.release()  # whatever was recorded stays playable
        if display:
            cv2.destroyAllWindows()
    return {"frames": done, "read": read, "unreadable": errors, "mean_ms": total_ms / done if done else 0.0,
            "read_ms": read_ms / read if read else 0.0}
