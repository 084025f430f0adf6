"""A sheet photographed at an angle: its far side narrower than its near side (keystone).

    python benchmarks/angles.py [--model exports/digitedge_int8.onnx] [--seed 0] [--frames 20]

Each frame is drawn as the sample generator draws one (camera_demo/generate_samples.py: plain,
ruled or squared paper, a ballpoint, pencil or marker, two or three lines of MNIST test digits, a
desk around the sheet, lighting, blur, noise, JPEG), but the sheet's far side is narrower than its
near side, and nearer to it than head-on (a tilted sheet is foreshortened). The far side is the
top, the bottom, the left or the right, in turn. Prints, for each width of the far side against the
near side, the frames read exactly and the digits matched in order.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: camera_demo's generator

from camera_demo.generate_samples import H, W, _frame_boxes, _lighting, _text, photograph, sheet  # noqa: E402
from digitedge.benchmark import digit_source, digits_matched, script_parser  # noqa: E402
from digitedge.vision.reader import DigitReader  # noqa: E402

RATIOS = (1.0, 0.85, 0.7, 0.55, 0.4)  # the far side's width, against the near side's
SIDES = ("top", "bottom", "left", "right")  # the far side


def corners(ratio: float, side: str, rng) -> np.ndarray:
    """The sheet's corners in the frame (top-left, top-right, bottom-right, bottom-left of the
    sheet), its far side `ratio` as wide as its near side and the sheet foreshortened as much."""
    m = rng.uniform(0.03, 0.07)
    if side in ("top", "bottom"):
        long, short, across = W, H, "x"
    else:
        long, short, across = H, W, "y"
    near = (1 - 2 * m) * long  # the near side's length
    far = ratio * near
    depth = (1 - 2 * m) * short * (0.55 + 0.45 * ratio)  # foreshortened: the sheet's extent from near to far side
    start = m * short + (1 - 2 * m) * short - depth  # the far side's distance from the frame's edge
    c = long / 2 + rng.uniform(-0.03, 0.03) * long
    if across == "x":  # far side at the top (y = start) or bottom
        y_far, y_near = (start, (1 - m) * H) if side == "top" else (H - start, m * H)
        pts = [[c - far / 2, y_far], [c + far / 2, y_far], [c + near / 2, y_near], [c - near / 2, y_near]]
        order = [0, 1, 2, 3] if side == "top" else [3, 2, 1, 0]
    else:  # far side at the left (x = start) or right
        x_far, x_near = (start, (1 - m) * W) if side == "left" else (W - start, m * W)
        pts = [[x_far, c - far / 2], [x_near, c - near / 2], [x_near, c + near / 2], [x_far, c + far / 2]]
        order = [0, 1, 2, 3] if side == "left" else [1, 0, 3, 2]
    return np.float32([pts[k] for k in order]) + rng.uniform(-6, 6, (4, 2)).astype(np.float32)


def main() -> None:
    args = script_parser(__doc__).parse_args()
    mnist = digit_source(args.digits)
    reader = DigitReader(args.model, threads=1)
    rng = np.random.default_rng(args.seed)
    order = rng.permutation(len(mnist.x_test))
    used = 0
    for ratio in RATIOS:
        exact = matched = total = 0
        for n in range(args.frames):
            rows = [5, 5] if rng.random() < 0.7 else [4, 3, 3]
            idx = order[used : used + sum(rows)] if used + sum(rows) <= len(order) else rng.choice(len(order), sum(rows))
            used += sum(rows)
            canvas, boxes, _ = sheet(rng, mnist.x_test[idx], mnist.y_test[idx], rows)
            desk = np.array([rng.uniform(40, 160), rng.uniform(40, 140), rng.uniform(30, 120)])
            frame, M, _ = photograph(rng, canvas, base=(corners(ratio, SIDES[n % 4], rng), desk, _lighting(rng)))
            text = _text(_frame_boxes(boxes, M))
            read = reader.read(frame).text
            exact += read == text
            matched += digits_matched(text, read)
            total += len(text.replace(" ", ""))
        print(f"far side {ratio:.0%} as wide: frames read exactly {exact}/{args.frames}; digits matched {matched}/{total}")


if __name__ == "__main__":
    main()
