"""Writing on the back of the sheet showing through it: faint, mirrored, blurred digits among the real ones.

    python benchmarks/show_through.py [--model exports/digitedge_int8.onnx] [--samples camera_demo/samples]

Each of the set's 40 frames (camera_demo/generate_samples.py) gets another frame's writing (the
frame 7 after it), mirrored left to right as the back of the sheet shows it and blurred by the
paper (a Gaussian, sigma 1.5 pixels), darkening the paper by `strength` times that ink's own
darkness: ordinary paper shows a ballpoint on its back at about 0.1-0.15, thin notebook paper or a
felt tip bleeding through more. Prints, for each strength, the frames read exactly, the digits
matched (benchmarks/pipeline.py's rule) and the digits read where no digit is written (the ghosts
read as digits).
"""

from __future__ import annotations

import cv2
import numpy as np

from exposure import sample_set, scored  # (this script's folder is on the path)

STRENGTHS = (0.0, 0.1, 0.15, 0.2, 0.25, 0.35)


def shown_through(frame: np.ndarray, back: np.ndarray, strength: float) -> np.ndarray:
    """`frame` (float BGR) darkened where `back`'s ink (float BGR, the same size) lies, mirrored."""
    gray = cv2.cvtColor(np.clip(back[:, ::-1], 0, 255).astype(np.uint8), cv2.COLOR_BGR2GRAY)
    paper = cv2.medianBlur(gray, 31).astype(np.float32) + 1
    ink = cv2.GaussianBlur(np.clip(1 - gray.astype(np.float32) / paper, 0, 1), (0, 0), 1.5)
    return np.clip(frame * (1 - strength * ink[..., None]), 0, 255).astype(np.uint8)


def main() -> None:
    labels, frames, reader = sample_set(__doc__)
    for strength in STRENGTHS:
        exact, matched, total, ghosts = sum(scored(reader.read(shown_through(frame, frames[(k + 7) % len(frames)], strength)), label)
                                            for k, (frame, label) in enumerate(zip(frames, labels)))
        print(f"show-through {strength:.2f}: frames read exactly {exact}/{len(labels)}; digits matched {matched}/{total}; "
              f"digits read where none is written {ghosts}")


if __name__ == "__main__":
    main()
