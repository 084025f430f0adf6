"""The smallest use of the pipeline from your own code: read the digits in an image or a webcam frame.

    python camera_demo/read_digits.py camera_demo/samples/frame_000.jpg
    python camera_demo/read_digits.py 0          # one frame from the first webcam
"""

import sys
from pathlib import Path

import cv2

from digitedge.vision.camera import read_image
from digitedge.vision.reader import DigitReader

source = sys.argv[1] if len(sys.argv) > 1 else "camera_demo/samples/frame_000.jpg"
if source.isdigit():
    ok, frame = cv2.VideoCapture(int(source)).read()
    if not ok:
        sys.exit(f"no frame from camera {source}")
else:  # cv2.imread would do for a JPEG; read_image also reads HEIC (with pi-heif) and flattens transparency
    image = read_image(Path(source))
    if image.image is None:
        sys.exit(image.error.removesuffix("; skipped"))
    frame = image.image

reader = DigitReader("exports/digitedge_int8.onnx")  # or a .tflite file; threads=1 for a small device
# (continental handwriting, 7s crossed and 1s flagged: "exports/continental/digitedge_int8.onnx")
# segment, normalise like MNIST, classify all crops in one batch; still=True for a photo (its small
# handwriting is looked at in more detail, in more time), False for a camera's frames
reading = reader.read(frame, still=not source.isdigit())
print(f"text: {reading.text!r} ({reading.ms:.1f} ms)")
for d in reading.digits:  # d.label is None where the pipeline refused to guess
    print(f"  line {d.line}  box {d.box}  label {d.label}  confidence {d.confidence:.2f}")
