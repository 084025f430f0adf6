"""A camera on a stand over still sheets: what keeping the reading of an unchanged view saves and costs.

    python benchmarks/still_view.py [--samples camera_demo/samples] [--sheets 10] [--hold 30] [--noise 4]

Each of the first `--sheets` sample frames is held before the camera for `--hold` frames, each with
fresh sensor noise (sigma `--noise` levels a pixel) and JPEG compression at 80, as a webcam on a stand
sends them; `digitedge camera`'s loop (camera.run, headless, steady) reads the stream twice, keeping
the reading of an unchanged view (the default) and reading every frame (--read-every-frame).
Printed: frames read, processing per frame, frames read exactly, and what the comparison of views
(camera.StillView) sees: how far noise, a new stroke, a shift, a change of light and a hand-held
camera's shake (the sample video) move the shrunk view.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import cv2
import numpy as np

from digitedge.benchmark import as_jpeg
from digitedge.vision import camera


class HeldSheets:
    """A stand-in capture sending these frames (made before: the time to make them is not the loop's)."""

    def __init__(self, frames: list[np.ndarray]):
        self.frames = iter(frames)

    def isOpened(self) -> bool:
        return True

    def set(self, *_):
        return True

    def get(self, _):
        return 30.0

    def read(self):
        frame = next(self.frames, None)
        return frame is not None, frame

    def release(self):
        pass


def sensor(frame: np.ndarray, sigma: float, rng) -> np.ndarray:
    """The frame as a camera sends it again: fresh noise, then JPEG at 80."""
    noisy = np.clip(frame + rng.normal(0, sigma, frame.shape), 0, 255).astype(np.uint8)
    return as_jpeg(noisy, 80)


def view_changes(frames: list[np.ndarray], video: Path | None, rng) -> None:
    """How far each kind of change moves the shrunk view (the largest pixel difference, in levels)."""
    def diff(a, b):
        return cv2.norm(camera._shrunk_view(a), camera._shrunk_view(b), cv2.NORM_INF)

    clean = cv2.GaussianBlur(frames[0].astype(np.float32), (0, 0), 0.7)
    for sigma in (2, 4, 6, 10):
        ref = sensor(clean, sigma, rng)
        d = [diff(ref, sensor(clean, sigma, rng)) for _ in range(30)]
        print(f"  noise sigma {sigma:>2}: median {np.median(d):.0f}, largest {max(d):.0f} levels")
    ref = sensor(clean, 4, rng)
    for contrast in (20, 40, 80):
        mark = np.zeros(clean.shape[:2], np.float32)
        cv2.line(mark, (300, 200), (300, 220), 1.0, 2)
        d = [diff(ref, sensor(clean - contrast * mark[..., None], 4, rng)) for _ in range(10)]
        print(f"  a new stroke, 2 pixels by 20, {contrast} levels darker: median {np.median(d):.0f}")
    shifted = cv2.warpAffine(clean, np.float32([[1, 0, 1], [0, 1, 0]]), clean.shape[1::-1], borderMode=cv2.BORDER_REPLICATE)
    print(f"  the sheet moved a pixel: {diff(ref, sensor(shifted, 4, rng)):.0f}; the light up 3%: "
          f"{diff(ref, sensor(clean * 1.03, 4, rng)):.0f}, 6%: {diff(ref, sensor(clean * 1.06, 4, rng)):.0f}")
    if video and video.is_file():
        shots = [f.image for f in camera.open_source(str(video))]
        d = [diff(a, b) for a, b in zip(shots, shots[1:])]
        print(f"  a hand-held camera's shake ({video.name}, frame to frame): "
              f"10th percentile {np.percentile(d, 10):.0f}, median {np.median(d):.0f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="exports/digitedge_int8.onnx")
    ap.add_argument("--samples", default="camera_demo/samples")
    ap.add_argument("--sheets", type=int, default=10)
    ap.add_argument("--hold", type=int, default=30, help="frames each sheet is held (default: %(default)s, a second at 30 fps)")
    ap.add_argument("--noise", type=float, default=4.0)
    args = ap.parse_args()
    cv2.setNumThreads(1)
    folder = Path(args.samples)
    labels = json.loads((folder / "labels.json").read_text())["frames"][: args.sheets]
    frames = [cv2.imread(str(folder / f["file"])) for f in labels]
    truth = [f["text"] for f in labels for _ in range(args.hold)]
    rng = np.random.default_rng(0)
    stream = [sensor(frame, args.noise, rng) for frame in frames for _ in range(args.hold)]
    print(f"{len(frames)} sheets held {args.hold} frames each, noise sigma {args.noise}, JPEG 80; 1 core")
    for skip in (False, True):
        lines: list[str] = []
        start = time.perf_counter()
        summary = camera.run("0", args.model, display=False, as_json=True, threads=1, skip_unchanged=skip,
                             capture_factory=lambda _: HeldSheets(stream),
                             log=lambda message, err=False: None if err else lines.append(message))
        seconds = time.perf_counter() - start
        texts = [json.loads(line)["text"] for line in lines]
        exact = sum(t == want for t, want in zip(texts, truth))
        print(f"{'keeping an unchanged view' if skip else 'reading every frame':<26}: {summary['read']}/{summary['frames']} "
              f"frames read; {summary['mean_ms']:.2f} ms of processing per frame ({summary['read_ms']:.2f} per frame read); "
              f"{exact}/{len(truth)} frames read exactly; {summary['frames'] / seconds:.0f} fps end to end")
    print("what moves the view (the largest difference of a pixel at 160 pixels across; UNCHANGED is "
          f"{camera.UNCHANGED}):")
    view_changes(frames, folder / "sample_video.mp4", np.random.default_rng(1))


if __name__ == "__main__":
    main()
