"""Digits that are not MNIST's: six digits in a row, in OpenCV's Hershey fonts (two of them script).

    python benchmarks/fonts.py [--model exports/digitedge_int8.onnx] [--seed 0] [--frames 10]

Each 640x480 frame holds six random digits written with cv2.putText at three sizes (letters about
25, 45 and 75 pixels tall; strokes 3, 6 and 12 pixels), slightly blurred. Printed digits sit close
together, often touch, and are drawn by other hands than MNIST's writers: a check on segmentation
and on the classifier beyond the generator's MNIST digits. Prints the frames read exactly.
"""

from __future__ import annotations


import cv2
import numpy as np

from digitedge.benchmark import script_parser
from digitedge.vision.reader import DigitReader

FONTS = {
    "simplex": cv2.FONT_HERSHEY_SIMPLEX,
    "duplex": cv2.FONT_HERSHEY_DUPLEX,
    "complex": cv2.FONT_HERSHEY_COMPLEX,
    "plain": cv2.FONT_HERSHEY_PLAIN,
    "script": cv2.FONT_HERSHEY_SCRIPT_SIMPLEX,
    "script complex": cv2.FONT_HERSHEY_SCRIPT_COMPLEX,
}
SIZES = ((2.0, 3), (3.0, 6), (5.0, 12))  # cv2.putText's scale and thickness


def printed(text: str, font: int, scale: float, thickness: int) -> np.ndarray:
    frame = np.full((480, 640), 230, np.uint8)
    cv2.putText(frame, text, (40, 260), font, scale, 40, thickness, cv2.LINE_AA)
    return cv2.GaussianBlur(frame, (0, 0), 1.0)


def main() -> None:
    args = script_parser(__doc__, frames=10).parse_args()
    reader = DigitReader(args.model, threads=1)
    rng = np.random.default_rng(args.seed)
    for name, font in FONTS.items():
        row = []
        for scale, thickness in SIZES:
            texts = ["".join(str(d) for d in rng.permutation(10)[:6]) for _ in range(args.frames)]
            exact = sum(reader.read(printed(t, font, scale, thickness)).text == t for t in texts)
            row.append(f"scale {scale:g}: {exact}/{args.frames}")
        print(f"{name:<15} frames read exactly: " + ", ".join(row))


if __name__ == "__main__":
    main()
