"""The smallest use of the pipeline from your own code: read the digits in an image or a webcam frame.

    python camera_demo/read_digits.py camera_demo/samples/frame_000.jpg
    python camera_demo/read_digits.py 0          # one frame from the first webcam
"""

import sys

import cv2

from digitedge.vision.reader import DigitReader

source = sys.argv[1] if len(sys.argv) > 1 else "camera_demo/samples/frame_000.jpg"
if source.isdigit():
    ok, frame = cv2.VideoCapture(int(source)).read()
    if not ok:
        sys.exit(f"no frame from camera {source}")
else:
    frame = cv2.imread(source)
    if frame is None:
        sys.exit(f"{source}: not a readable image")

reader = DigitReader("exports/digitedge_int8.onnx")  # or a .tflite file; threads=1 for a small device
# segment, normalise like MNIST, classify all crops in one batch; still=True for a photo (its small
# handwriting is looked at in more detail, in more time), False for a camera's frames
reading = reader.read(frame, still=not source.isdigit())
print(f"text: {reading.text!r} ({reading.ms:.1f} ms)")
for d in reading.digits:  # d.label is None where the pipeline refused to guess
    print(f"  line {d.line}  box {d.box}  label {d.label}  confidence {d.confidence:.2f}")
