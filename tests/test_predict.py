"""digitedge predict and the camera command on files: JSON, --single, folders, annotation, HEIC, PDF,
no TensorFlow, the minimal example."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from digitedge import data
from digitedge.cli import cli
from digitedge.runtime import Classifier
from digitedge.styles import STYLES
from digitedge.vision import camera
from digitedge.vision.normalize import to_mnist
from digitedge.vision.reader import DigitReader, default_model
from tests.conftest import MODEL, ROOT, SAMPLES, paper_with_digits, run_without_tensorflow


def test_predict_json_shape(runner):
    result = runner.invoke(cli, ["predict", str(SAMPLES / "frame_000.jpg"), "--json"])
    assert result.exit_code == 0, result.output
    obj = json.loads(result.output.strip().splitlines()[0])
    assert set(obj) == {"path", "frame", "text", "digits"} and obj["frame"] == 0
    for d in obj["digits"]:
        assert set(d) == {"label", "confidence", "box", "line"} and len(d["box"]) == 4
        assert (d["label"] is None) or str(d["label"]) in obj["text"]


def test_predict_rejection_thresholds(runner):
    """--min-confidence above anything the model gives: every crop is found, shown, and left unread."""
    frame = str(SAMPLES / "frame_000.jpg")
    read = json.loads(runner.invoke(cli, ["predict", frame, "--json"]).output)
    strict = json.loads(runner.invoke(cli, ["predict", frame, "--json", "--min-confidence", "1"]).output)
    assert read["text"] and not strict["text"]
    assert [d["box"] for d in strict["digits"]] == [d["box"] for d in read["digits"]]
    assert all(d["label"] is None for d in strict["digits"])


def test_predict_single_digit(runner, tmp_path):
    m = data.load()
    cv2.imwrite(str(tmp_path / "seven.png"), 255 - cv2.resize(m.x_test[0], (140, 140)))  # dark ink on white
    result = runner.invoke(cli, ["predict", "--single", "--json", str(tmp_path / "seven.png")])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["text"] == str(m.y_test[0])


def test_writing_continental_reads_with_the_continental_model(runner, tmp_path):
    """--writing continental reads with exports/continental/'s model: a flagged 1 (test digit 388, its
    flag drawn with seed 388) that the default model reads as a 7 is read as a 1. With --model as well,
    it is a usage error."""
    m = data.load()
    assert m.y_test[388] == 1
    one = STYLES[1](cv2.resize(m.x_test[388], (140, 140), interpolation=cv2.INTER_CUBIC), np.random.default_rng(388))
    path = str(tmp_path / "one.png")
    cv2.imwrite(path, 255 - one)  # dark ink on white

    def read(*options):
        result = runner.invoke(cli, ["predict", "--single", "--json", path, *options])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)["text"]

    assert read() == "7"
    assert read("--writing", "continental") == "1"
    both = runner.invoke(cli, ["predict", path, "--writing", "continental", "--model", str(MODEL)])
    assert both.exit_code == 2
    assert "Error: pass --model or --writing, not both (--writing picks one of the shipped models)" in both.output


def test_the_continental_model_reads_crossed_sevens_and_flagged_ones():
    """The model shipped for --writing continental, on the test set's first 200 1s and 200 7s drawn in
    their continental forms (digitedge.styles, seed 0) and normalised as crops: at least 98% read, and
    at least 5 more than the default model reads (396 and 386 of 400 on the machine they were shipped from)."""
    from benchmarks.styles import continental  # (the benchmark's own drawing: a 70-pixel square, restyled)

    m = data.load()
    rng = np.random.default_rng(0)
    chosen = np.concatenate([np.flatnonzero(m.y_test == 1)[:200], np.flatnonzero(m.y_test == 7)[:200]])
    crops = np.stack([to_mnist(continental(m.x_test[i], m.y_test[i], rng)) for i in chosen])
    right = {w: int((Classifier(default_model(w), threads=1).predict(crops).argmax(1) == m.y_test[chosen]).sum())
             for w in ("mnist", "continental")}
    assert right["continental"] >= 392
    assert right["continental"] >= right["mnist"] + 5


def test_each_writings_model_is_found_from_any_folder(tmp_path, monkeypatch):
    """Away from the checkout, camera and predict read the models shipped beside the package."""
    monkeypatch.chdir(tmp_path)
    assert default_model() == ROOT / "exports" / "digitedge_int8.onnx"
    assert default_model("continental") == ROOT / "exports" / "continental" / "digitedge_int8.onnx"


def test_an_installed_package_reads_the_models_it_carries(tmp_path, monkeypatch):
    """Installed from a wheel (no checkout beside it), digitedge finds the int8 ONNX files it carries in
    digitedge/shipped/ (pyproject.toml packs exports/'s there)."""
    from digitedge.vision import reader

    site = tmp_path / "site-packages"
    for name in ("digitedge_int8.onnx", "continental/digitedge_int8.onnx"):
        (site / "digitedge" / "shipped" / name).parent.mkdir(parents=True, exist_ok=True)
        (site / "digitedge" / "shipped" / name).write_bytes(b"onnx")
    monkeypatch.setattr(reader, "__file__", str(site / "digitedge" / "vision" / "reader.py"))
    monkeypatch.chdir(tmp_path)
    assert default_model() == site / "digitedge" / "shipped" / "digitedge_int8.onnx"
    assert default_model("continental") == site / "digitedge" / "shipped" / "continental" / "digitedge_int8.onnx"


@pytest.mark.slow
def test_the_wheel_carries_the_shipped_models(tmp_path):
    """pip's wheel of the checkout holds exports/'s two int8 ONNX files as digitedge/shipped/, byte for byte,
    and every module of digitedge/ (pyproject.toml lists the packages by name)."""
    import subprocess
    import zipfile

    isolation = [] if importlib.util.find_spec("setuptools") is None else ["--no-build-isolation"]  # (offline, where it can)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-q", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("digitedge-*.whl")
    with zipfile.ZipFile(wheel) as z:
        for name in ("digitedge_int8.onnx", "continental/digitedge_int8.onnx"):
            assert z.read(f"digitedge/shipped/{name}") == (ROOT / "exports" / name).read_bytes()
        modules = {n for n in z.namelist() if n.endswith(".py")}
    assert modules == {p.relative_to(ROOT).as_posix() for p in (ROOT / "digitedge").rglob("*.py")}


def test_a_writing_whose_model_is_missing_says_how_to_make_one(runner, tmp_path, monkeypatch):
    from digitedge.vision import WRITINGS

    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(WRITINGS, "continental", "gone")
    result = runner.invoke(cli, ["predict", str(SAMPLES / "frame_000.jpg"), "--writing", "continental"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: no model for --writing continental at exports/gone/digitedge_int8.onnx; train one with 'digitedge train "
        "--styles 0.3 --pen-faults 0.5', export it with 'digitedge export --int8 --out exports/gone', or pass --model")


def test_single_reads_a_small_crop_whole(reader):
    """An image a few dozen pixels across is a digit's crop already (MNIST's own 28x28): --single reads
    it whole. Segmented as a page, enlarged eightfold, these came out as specks or parts of a stroke."""
    m = data.load()
    for i in (128, 175, 209, 299):
        assert reader.read_single(m.x_test[i]).label == m.y_test[i]


def test_single_joins_pieces_whose_ink_outgrows_their_boxes():
    """--single lays the biggest mark and those beside it on one canvas, at the processing scale. In an
    enlarged image a piece's ink can be a few pixels taller than its box (rounded to the frame's
    pixels) times the scale: the canvas was cut to the boxes, and numpy raised (a 65x48 crop of a 6
    with a piece apart). The canvas now holds every piece whole."""
    from digitedge.vision.reader import _joined
    from digitedge.vision.blobs import Candidate

    tall = np.full((205, 50), 200, np.uint8)  # its box, 40 frame pixels high, at 5 pixels each: 200
    dot = np.full((50, 25), 200, np.uint8)
    joined = _joined([Candidate((0, 0, 10, 40), tall, tall), Candidate((12, 30, 5, 10), dot, dot)])
    assert joined.box == (0, 0, 17, 40)
    assert joined.ink.shape[0] >= 205 and np.count_nonzero(joined.ink) == tall.size + dot.size


def test_predict_reads_a_digit_cropped_edge_to_edge(runner, tmp_path):
    """One digit cropped to its ink and stretched to a square, its strokes reaching all four edges:
    predict reads it, as --single does (marks touching the edge were dropped as cut by it). Where
    predict still finds nothing (a stretched 1, one thick bar from corner to corner), it says to
    try --single, which reads it."""
    m = data.load()
    for i, name in ((0, "seven.png"), (37, "one.png")):
        x, y, w, h = cv2.boundingRect(m.x_test[i])
        cv2.imwrite(str(tmp_path / name), 255 - cv2.resize(m.x_test[i][y : y + h, x : x + w], (140, 140)))
    result = runner.invoke(cli, ["predict", str(tmp_path / "seven.png"), str(tmp_path / "one.png")])
    assert result.exit_code == 0, result.output
    seven, one = result.output.strip().splitlines()
    assert seven.split()[1] == "7", result.output
    assert one.endswith("(no digits; if the image is one digit filling the frame, add --single)")
    result = runner.invoke(cli, ["predict", str(tmp_path / "seven.png"), str(tmp_path / "one.png"), "--single"])
    assert [line.split()[1] for line in result.output.strip().splitlines()] == ["7", "1"], result.output


def test_predict_reads_mnist_sized_images(runner, tmp_path):
    """A 28x28 MNIST image as it is (white on black), and enlarged as dark ink on white: small
    images are enlarged before segmentation."""
    m = data.load()
    paths = []
    for i in range(5):
        cv2.imwrite(str(tmp_path / f"{i}_raw.png"), m.x_test[i])
        cv2.imwrite(str(tmp_path / f"{i}ink_over.png"), 255 - cv2.resize(m.x_test[i], (84, 84)))
        paths += [str(tmp_path / f"{i}_raw.png"), str(tmp_path / f"{i}ink_over.png")]
    result = runner.invoke(cli, ["predict", *paths, "--json"])
    assert result.exit_code == 0, result.output
    texts = [json.loads(line)["text"] for line in result.output.splitlines()]
    assert texts == [str(m.y_test[i]) for i in range(5) for _ in range(2)]


def test_predict_reads_a_drawing_on_a_transparent_background(runner, tmp_path):
    """A PNG from a drawing app: black strokes whose background is transparent black. OpenCV's colour
    read makes all of it black; it is laid on white first. A drawing on an opaque white background,
    and white strokes on a transparent background (laid on black), read too."""
    m = data.load()
    strokes = cv2.resize(m.x_test[0], (280, 280), interpolation=cv2.INTER_CUBIC)  # a 7
    drawings = {
        "black_on_clear.png": np.dstack([np.zeros((280, 280, 3), np.uint8), strokes]),
        "white_on_clear.png": np.dstack([np.full((280, 280, 3), 255, np.uint8), strokes]),
        "black_on_white.png": np.dstack([np.repeat(255 - strokes[..., None], 3, 2), np.full((280, 280), 255, np.uint8)]),
    }
    for name, image in drawings.items():
        cv2.imwrite(str(tmp_path / name), image)
    result = runner.invoke(cli, ["predict", *(str(tmp_path / n) for n in drawings), "--json"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["text"] for line in result.output.splitlines()] == [str(m.y_test[0])] * 3


def test_predict_reads_a_folders_images(runner, tmp_path):
    import shutil

    for name in ("frame_000.jpg", "frame_001.jpg"):
        shutil.copy(SAMPLES / name, tmp_path / name)
    (tmp_path / "notes.txt").write_text("not an image, not listed")
    result = runner.invoke(cli, ["predict", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["path"] for line in result.output.splitlines()] == [
        str(tmp_path / "frame_000.jpg"), str(tmp_path / "frame_001.jpg")]
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(cli, ["predict", str(empty)])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "Error: 1 of 1 file(s) could not be read"
    assert f"{empty}/: no images" in result.output


def test_predict_annotate_writes_each_image_with_its_boxes_drawn(runner, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "frame_000.jpg").write_bytes((SAMPLES / "frame_001.jpg").read_bytes())  # the same name, another image
    out = tmp_path / "annotated" / "deep"  # made, parents too
    plain = runner.invoke(cli, ["predict", str(SAMPLES / "frame_000.jpg"), str(other)])
    result = runner.invoke(cli, ["predict", str(SAMPLES / "frame_000.jpg"), str(other), "--annotate", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == plain.output.splitlines()  # what is printed is the same
    assert result.output.splitlines()[-1] == f"wrote 2 annotated image(s) to {out}"
    assert sorted(p.name for p in out.iterdir()) == ["frame_000-2.digits.jpg", "frame_000.digits.jpg"]  # nothing partial left
    original = cv2.imread(str(SAMPLES / "frame_000.jpg"))
    drawn = cv2.imread(str(out / "frame_000.digits.jpg"))
    assert drawn.shape == original.shape
    reading = DigitReader().read(original, still=True)
    x, y, w, h = reading.digits[0].box
    edge = drawn[y + h // 2, x].astype(int)  # the box's left side, at its middle: the accepted digits' green
    assert edge[1] > 150 and edge[0] < 110 and edge[2] < 110, edge
    assert (drawn[:3] < 40).all() and (drawn[:20] > 200).any()  # the banner over the top, the text read in white


def test_predict_annotate_refuses_a_file_or_the_folder_being_read(runner, tmp_path):
    images = tmp_path / "images"
    images.mkdir()
    (images / "a.jpg").write_bytes((SAMPLES / "frame_000.jpg").read_bytes())
    result = runner.invoke(cli, ["predict", str(images), "--annotate", str(images)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [f"Error: --annotate {images}: it is a folder being read; pass another folder "
                                          "for the annotated images"]
    assert [p.name for p in images.iterdir()] == ["a.jpg"]
    note = tmp_path / "note.txt"
    note.write_text("keep me")
    result = runner.invoke(cli, ["predict", str(images), "--annotate", str(note)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [f"Error: --annotate {note}: a file is there; pass a folder for the annotated images"]
    assert note.read_text() == "keep me"


def test_predict_annotate_leaves_nothing_half_written(runner, tmp_path, monkeypatch):
    """A copy that cannot be written (a full disk: the encoder writes part of it and fails) ends the
    run with one line, and no partial file is left in the folder."""
    from digitedge.vision import predict as predict_module

    def failing(path, image):
        Path(path).write_bytes(b"half a JPEG")
        return False

    monkeypatch.setattr(predict_module.cv2, "imwrite", failing)
    out = tmp_path / "seen"
    result = runner.invoke(cli, ["predict", str(SAMPLES / "frame_000.jpg"), "--annotate", str(out)])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == f"Error: --annotate {out}: cannot write frame_000.digits.jpg there; pass a writable folder"
    assert list(out.iterdir()) == []


def test_predict_unreadable_file_continues(runner, tmp_path):
    (tmp_path / "notes.txt").write_text("not an image")
    result = runner.invoke(cli, ["predict", str(tmp_path / "notes.txt"), str(SAMPLES / "frame_000.jpg")])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert f"{tmp_path / 'notes.txt'}: not a readable image; skipped" in lines
    assert any(line.startswith(str(SAMPLES / "frame_000.jpg") + ": ") for line in lines)
    assert lines[-1] == "Error: 1 of 2 file(s) could not be read"


def test_a_web_address_is_named_as_one_with_what_to_do(runner, tmp_path):
    """predict reads files; a photo's URL is not fetched, and the line says what to do instead (a
    missing file's line stays as it was)."""
    url = "https://example.com/digits.jpg"
    result = runner.invoke(cli, ["predict", url, str(tmp_path / "none.jpg")])
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == [
        f"{url}: a web address; predict reads files: download it first, or read a camera's stream with "
        f"'digitedge camera --source {url}'; skipped",
        f"{tmp_path / 'none.jpg'}: no such file; skipped"]


def test_a_pdf_is_named_as_one_with_what_to_do(runner, tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    result = runner.invoke(cli, ["predict", str(scan)])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (f"{scan}: a PDF, not an image; save its pages as images first "
                                             f"(pdftoppm -png -r 200 {scan} page); skipped")


def test_a_dataset_in_a_folder_per_label_is_read_with_recursive(runner, tmp_path):
    """Photos kept in a folder per label (data/0/, data/1/...): without --recursive the folder holds
    no images, and the message says what to add; with it every image is read, in path order. Where
    every image lies in a folder named with digits, how many read as that name is said last."""
    frame, labels, _ = paper_with_digits([0])  # a 7
    assert labels == [7]
    for name in ("7/b.png", "0/deeper/c.jpg", "0/a.jpg"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(tmp_path / name), frame)
    result = runner.invoke(cli, ["predict", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.splitlines()[0].endswith("in this folder; its subfolders hold images: add --recursive to read them; skipped")
    result = runner.invoke(cli, ["predict", "-r", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    readings = [json.loads(line) for line in result.output.splitlines()]  # (and no count: deeper/ is no label)
    assert [Path(r["path"]).relative_to(tmp_path).as_posix() for r in readings] == ["0/a.jpg", "0/deeper/c.jpg", "7/b.png"]
    assert [r["text"] for r in readings] == ["7", "7", "7"]
    result = runner.invoke(cli, ["predict", "-r", str(tmp_path), "--annotate", str(tmp_path / "seen")])
    assert result.exit_code == 1 and "it is a folder being read" in result.output
    (tmp_path / "0" / "deeper" / "c.jpg").unlink()
    result = runner.invoke(cli, ["predict", "-r", str(tmp_path)])
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "1 of 2 images read as their folder's name (50.0%)"  # (stderr, mixed in)


def test_a_video_given_to_predict_is_named_as_one(runner):
    video = SAMPLES / "sample_video.mp4"
    result = runner.invoke(cli, ["predict", str(video)])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == f"{video}: a video, not an image; read it with 'digitedge camera --source {video}'; skipped"


def test_a_folder_of_gif_and_netpbm_images_is_read(runner, tmp_path):
    """Older scans and datasets come as PGM or GIF files: a folder of them is read, not "no images"."""
    frame = cv2.imread(str(SAMPLES / "frame_000.jpg"))
    truth = json.loads((SAMPLES / "labels.json").read_text())["frames"][0]["text"]
    cv2.imwrite(str(tmp_path / "a.pgm"), cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY))
    cv2.imwrite(str(tmp_path / "b.gif"), frame)
    result = runner.invoke(cli, ["predict", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    readings = [json.loads(line) for line in result.output.splitlines()]
    assert [Path(r["path"]).name for r in readings] == ["a.pgm", "b.gif"]
    assert readings[0]["text"] == truth


def test_camera_on_video_headless_json(runner, tmp_path):
    out = tmp_path / "annotated.mp4"
    result = runner.invoke(cli, ["camera", "--source", str(SAMPLES / "sample_video.mp4"), "--no-display",
                                 "--json", "--max-frames", "5", "--record", str(out)])
    assert result.exit_code == 0, result.output
    frames = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [f["frame"] for f in frames] == [0, 1, 2, 3, 4]
    assert out.stat().st_size > 0


def test_camera_unreadable_video(runner, tmp_path):
    bad = tmp_path / "clip.mp4"
    bad.write_bytes(b"\x00" * 100)
    result = runner.invoke(cli, ["camera", "--source", str(bad), "--no-display"])
    assert result.exit_code == 1
    assert f"{bad}: not a readable video" in result.output


def test_model_that_is_not_a_digit_model(runner, tmp_path):
    bogus = tmp_path / "m.onnx"
    bogus.write_bytes(b"definitely not protobuf")
    result = runner.invoke(cli, ["predict", str(SAMPLES / "frame_000.jpg"), "--model", str(bogus)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {bogus}: not a loadable ONNX model")


def test_edge_commands_run_without_tensorflow(tmp_path):
    done = run_without_tensorflow("predict", str(SAMPLES / "frame_000.jpg"), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[0])["text"]
    done = run_without_tensorflow("camera", "--source", str(SAMPLES), "--no-display", "--max-frames", "2", "--json")
    assert done.returncode == 0, done.stderr
    assert len([l for l in done.stdout.splitlines() if l.startswith("{")]) == 2


@pytest.mark.parametrize("kind", ["colour, 0-1", "colour, 0-255", "grey, 0-1", "colour and alpha, 0-1"])
def test_a_32_bit_float_tiff_is_read(tmp_path, capfd, kind):
    """A 32-bit floating-point TIFF (a scanner's or an image editor's HDR file): OpenCV's colour read
    refuses it, with a warning of its own on stderr, and it was skipped as "not a readable image".
    It is read as it is and brought to 8 bits (0-1 as light, or 0-255), a transparent background
    flattened, with nothing from OpenCV on stderr."""
    jpeg = cv2.imread(str(SAMPLES / "frame_000.jpg"))
    light = jpeg.astype(np.float32) / 255
    image = {"colour, 0-1": light, "colour, 0-255": light * 255,
             "grey, 0-1": cv2.cvtColor(light, cv2.COLOR_BGR2GRAY),
             "colour and alpha, 0-1": np.dstack([light, np.ones(light.shape[:2], np.float32)])}[kind]
    path = tmp_path / "scan.tiff"
    assert cv2.imwrite(str(path), image)
    capfd.readouterr()
    frame = camera.read_image(path)
    assert frame.error is None and frame.image.dtype == np.uint8 and frame.image.shape == (480, 640, 3)
    grey = cv2.cvtColor(cv2.cvtColor(jpeg, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    assert np.abs(frame.image.astype(int) - (grey if kind.startswith("grey") else jpeg)).max() <= 1
    assert capfd.readouterr().err == ""


HEIC = ROOT / "tests" / "data" / "frame_000_turned.heic"  # camera_demo/samples/frame_000.jpg, stored turned 90
# degrees clockwise with EXIF orientation 8 (turn back to view), as a phone stores a photo taken sideways:
# pillow-heif 1.8.1 at quality 50 wrote it, the orientation as HEIF's irot box, as an iPhone does


def test_an_iphone_heic_photo_is_read_upright(runner, tmp_path):
    pytest.importorskip("pi_heif")  # (the test extra installs it: .ci/run runs this)
    frame = camera.read_image(HEIC)
    assert frame.error is None and frame.still
    assert frame.image.shape == (480, 640, 3) and frame.image.dtype == np.uint8  # turned back: upright
    jpeg = cv2.imread(str(SAMPLES / "frame_000.jpg"))
    assert np.abs(frame.image.astype(int) - jpeg).mean() < 3  # the same picture, less two lossy codings
    result = runner.invoke(cli, ["predict", "--json", str(HEIC)])
    assert result.exit_code == 0, result.output
    truth = json.loads((SAMPLES / "labels.json").read_text())["frames"][0]["text"]
    assert json.loads(result.output)["text"] == truth
    (tmp_path / "IMG_0001.HEIC").write_bytes(HEIC.read_bytes())  # an iPhone's name for it, in a folder
    (tmp_path / "renamed.jpg").write_bytes(HEIC.read_bytes())  # known by its content, not its name
    result = runner.invoke(cli, ["camera", "--source", str(tmp_path), "--no-display", "--json"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["text"] for line in result.output.splitlines()] == [truth, truth]


def test_a_heic_photo_without_a_decoder_says_what_to_install(runner, monkeypatch):
    monkeypatch.setitem(sys.modules, "pi_heif", None)  # (import raises ImportError)
    monkeypatch.setitem(sys.modules, "pillow_heif", None)
    result = runner.invoke(cli, ["predict", str(HEIC)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{HEIC}: a HEIC/HEIF photo (an iPhone's format), which OpenCV cannot read; pip install pi-heif to read it, "
        "or convert it to JPEG; skipped", "Error: 1 of 1 file(s) could not be read"]


def test_the_minimal_example_reads_a_photo_without_tensorflow(tmp_path):
    """camera_demo/read_digits.py, the pipeline from one's own code: a JPEG, an iPhone's HEIC, and a
    file that is not an image (one line, exit 1), in a process where importing TensorFlow fails."""
    def run(path):
        return run_without_tensorflow(str(path), code="exec(open('camera_demo/read_digits.py').read())")

    truth = json.loads((SAMPLES / "labels.json").read_text())["frames"][0]["text"]
    done = run(SAMPLES / "frame_000.jpg")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"text: {truth!r} (")
    if importlib.util.find_spec("pi_heif"):  # (the test extra installs it)
        done = run(HEIC)
        assert done.returncode == 0 and done.stdout.startswith(f"text: {truth!r} ("), done.stderr
    note = tmp_path / "note.txt"
    note.write_text("not an image")
    done = run(note)
    assert done.returncode == 1 and done.stderr == f"{note}: not a readable image\n"


def test_a_broken_heic_file_is_skipped_with_libheifs_reason(runner, tmp_path):
    pytest.importorskip("pi_heif")
    cut = tmp_path / "cut.heic"
    cut.write_bytes(HEIC.read_bytes()[:600])  # a copy that stopped early
    result = runner.invoke(cli, ["predict", str(cut)])
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith(f"{cut}: not a readable HEIC/HEIF image (") and first.endswith("); skipped")


def test_camera_on_an_unreadable_image(runner, tmp_path):
    bad = tmp_path / "x.jpg"
    bad.write_text("not an image")
    result = runner.invoke(cli, ["camera", "--source", str(bad), "--no-display"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [f"{bad}: not a readable image; skipped", f"Error: no frame could be read from {bad}"]


def test_sample_sheets_can_hold_the_validation_digits_instead_of_the_test_digits(tmp_path, monkeypatch):
    """generate_samples.py --digits validation: frames for choosing a model or tuning the pipeline
    without looking at test digits. Every digit drawn is one of the validation split's, with its
    label; --video-sheets 0 writes no video."""
    import sys

    from camera_demo import generate_samples

    monkeypatch.setattr(sys, "argv", ["generate_samples.py", "--out", str(tmp_path), "--frames", "2",
                                      "--video-sheets", "0", "--digits", "validation", "--seed", "5"])
    generate_samples.main()
    labels = json.loads((tmp_path / "labels.json").read_text())
    _, _, _, y_val = data.split_validation(data.load(), 5000, 0)
    assert "validation" in labels["source"] and labels["video"] is None
    assert not (tmp_path / "sample_video.mp4").exists()
    assert len(labels["frames"]) == 2 and len(list(tmp_path.glob("frame_*.jpg"))) == 2
    for frame in labels["frames"]:
        assert "test_indices" not in frame and len(frame["validation_indices"]) == len(frame["digits"]) >= 9
        assert [d["label"] for d in frame["digits"]] == y_val[frame["validation_indices"]].tolist()


def test_sample_sheets_drawn_bigger_are_the_same_scenes(tmp_path, monkeypatch, reader):
    """generate_samples.py --scale 2: the same sheets in 1280x960 frames (a sharper webcam's), each
    random draw as at 640x480, so the digits' boxes are twice theirs; --scale 1 draws the shipped
    samples as they are. The pipeline reads the bigger frame as labelled."""
    import sys

    from camera_demo import generate_samples

    for scale in ("1", "2"):
        monkeypatch.setattr(sys, "argv", ["generate_samples.py", "--out", str(tmp_path / scale), "--frames", "1",
                                          "--video-sheets", "0", "--seed", "0", "--scale", scale])
        generate_samples.main()
    drawn, shipped = cv2.imread(str(tmp_path / "1" / "frame_000.jpg")), cv2.imread(str(SAMPLES / "frame_000.jpg"))
    assert np.abs(drawn.astype(int) - shipped).mean() < 0.5  # (the same bytes here; another CPU's float sums may differ a little)
    small = json.loads((SAMPLES / "labels.json").read_text())["frames"][0]
    assert json.loads((tmp_path / "1" / "labels.json").read_text())["frames"][0]["digits"] == small["digits"]
    big = json.loads((tmp_path / "2" / "labels.json").read_text())["frames"][0]
    assert big["test_indices"] == small["test_indices"] and big["text"] == small["text"]
    for b, s in zip(big["digits"], small["digits"]):
        assert all(abs(v - 2 * u) <= 3 for v, u in zip(b["box"], s["box"]))
    frame = cv2.imread(str(tmp_path / "2" / "frame_000.jpg"))
    assert frame.shape == (960, 1280, 3)
    assert reader.read(frame).text == big["text"]
