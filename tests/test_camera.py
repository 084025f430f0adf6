"""Faults and bad frames, and the camera loop: a disconnect, recording, a still view, steady readings."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from digitedge import data
from digitedge.cli import cli
from digitedge.errors import SourceError
from digitedge.vision import camera
from tests.conftest import MODEL, SAMPLES, paper_with_digits


@pytest.mark.parametrize("frame", [
    np.zeros((480, 640, 3), np.uint8),  # all black
    np.full((480, 640, 3), 255, np.uint8),  # all white
    np.random.default_rng(0).integers(0, 256, (480, 640, 3)).astype(np.uint8),  # pure noise
    np.zeros((0, 0, 3), np.uint8),  # empty
    np.full((5, 5), 128, np.uint8),  # tiny, grayscale
], ids=["black", "white", "noise", "empty", "tiny"])
def test_degenerate_frames_read_nothing(reader, frame):
    reading = reader.read(frame)
    assert reading.text == ""
    assert reading.digits == []


def test_4k_frame(reader):
    frame, labels, _ = paper_with_digits([11, 12, 13], size=(480, 640))
    big = cv2.resize(frame, (3840, 2880), interpolation=cv2.INTER_LINEAR)
    reading = reader.read(big)
    assert reading.text == "".join(map(str, labels))
    assert max(d.box[2] for d in reading.digits) > 200  # boxes are in the 4K frame's pixels


@settings(max_examples=40, deadline=None)
@given(h=st.integers(1, 300), w=st.integers(1, 300), channels=st.sampled_from([1, 3, 4]), seed=st.integers(0, 2**16))
@example(h=48, w=256, channels=1, seed=48256)  # enlarged 5x: thousands of pieces, hundreds of merges (once 40 s)
def test_random_frames_never_crash(reader, h, w, channels, seed):
    rng = np.random.default_rng(seed)
    frame = rng.integers(0, 256, (h, w, channels) if channels > 1 else (h, w)).astype(np.uint8)
    if rng.random() < 0.5:
        frame = cv2.GaussianBlur(frame, (0, 0), rng.uniform(0.5, 5)) if min(h, w) > 3 else frame
    for reading in (reader.read(frame), reader.read(frame, still=True)):  # as a camera's frame, and as a photo
        for d in reading.digits:
            assert d.label is None or 0 <= d.label <= 9
            assert d.image.shape == (28, 28)
    single = reader.read_single(frame)  # predict --single
    assert single.label is None or 0 <= single.label <= 9


@pytest.mark.parametrize("shape", [(3, 5000), (5000, 3), (1, 60000), (20, 65000), (100, 65000)])
def test_a_strip_is_read_without_a_traceback(reader, shape):
    """An image whose short side shrinks to nothing at the processing size (a 3x5000 strip read with
    --single, 20x65000 as a frame, 100x65000 as a photo) raised OpenCV's "!dsize.empty()"."""
    strip = np.full(shape, 230, np.uint8)
    cv2.line(strip, (0, 0), (shape[1] - 1, shape[0] - 1), 20, 2)
    for reading in (reader.read(strip), reader.read(strip, still=True)):
        assert all(d.label is None or 0 <= d.label <= 9 for d in reading.digits)
    single = reader.read_single(strip)
    assert single.label is None or 0 <= single.label <= 9


@pytest.mark.parametrize("level", [0, 200, 255])
def test_single_reads_nothing_in_a_blank_image(reader, level):
    """--single on a blank image, an MNIST-sized crop or a photo: no digit (the model, shown the empty
    28x28 this made, read a 1 at 0.78, and a black image as one solid blot of ink, a 2 at 0.40)."""
    for shape in ((28, 28), (10, 40), (480, 640)):
        assert reader.read_single(np.full(shape, level, np.uint8)).label is None


@pytest.mark.parametrize("frame", [None, "frame.jpg", np.zeros((40, 40, 2), np.uint8), np.zeros((4, 40, 40, 3), np.uint8)])
def test_what_is_not_an_image_gets_a_clear_error(reader, frame):
    """A script passing what cv2.imread returned for a file it could not read (None), a path, or an
    array of the wrong shape gets a SourceError that says what to pass, not a ValueError from deep
    inside segmentation ("min() arg is an empty sequence")."""
    for call in (reader.read, reader.read_single):
        with pytest.raises(SourceError, match="not an image.*cv2.imread returns None"):
            call(frame)


def test_a_float_frame_with_nan_or_infinity_is_read_without_warnings(reader):
    """A float image holding NaN or infinities: they take its median value (neither ink nor paper),
    with no RuntimeWarning from the cast to 8 bits."""
    import warnings

    frame = np.full((120, 160), 0.9, np.float32)
    frame[10:20, 10:20] = np.nan
    frame[30, 30] = np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert reader.read(frame).text == ""
        reader.read(np.full((50, 50), np.nan))


class FakeCapture:
    """A camera that sends `frames` frames and then stops, as an unplugged webcam does."""

    def __init__(self, frames, opened=True):
        self.frames, self.opened = list(frames), opened

    def isOpened(self):
        return self.opened

    def read(self):
        return (True, self.frames.pop(0)) if self.frames else (False, None)

    def release(self):
        pass


class SettableCapture(FakeCapture):
    """A FakeCapture that records the properties set on it."""

    def __init__(self, frames):
        super().__init__(frames)
        self.settings = {}

    def set(self, prop, value):
        self.settings[prop] = value
        return True


def test_a_live_camera_holds_one_frame_not_a_queue():
    """On a device slower than the camera, a queue of frames puts the reading behind the page: a
    live camera is asked to hold one; a video file is read as it is."""
    frame, _, _ = paper_with_digits([0, 1, 2])
    for source, live in (("0", True), (str(SAMPLES / "sample_video.mp4"), False)):
        made = []

        def factory(_):
            made.append(SettableCapture([frame]))
            return made[-1]

        summary = camera.run(source, str(MODEL), display=False, capture_factory=factory)
        assert summary["frames"] == 1
        assert made[0].settings == ({cv2.CAP_PROP_BUFFERSIZE: 1} if live else {})


def test_camera_disconnect_keeps_the_recording(tmp_path, capsys):
    frame, _, _ = paper_with_digits([0, 1, 2])
    out = tmp_path / "rec.mp4"
    summary = camera.run("0", str(MODEL), record=str(out), display=False,
                         capture_factory=lambda _: FakeCapture([frame] * 4))
    assert summary["frames"] == 4
    assert "stopped sending frames" in capsys.readouterr().err
    video = cv2.VideoCapture(str(out))
    assert int(video.get(cv2.CAP_PROP_FRAME_COUNT)) == 4


def still_clip(path, frames, fps):
    """An mp4v video of one sheet of three digits, `frames` frames long; returns its path and labels."""
    frame, labels, _ = paper_with_digits([0, 1, 2])
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (frame.shape[1], frame.shape[0]))
    for _ in range(frames):
        writer.write(frame)
    writer.release()
    return path, labels


def test_recording_keeps_the_videos_frame_rate(tmp_path):
    """A 25 fps video is recorded at 25 fps (it was written at 10 whatever the source)."""
    clip, _ = still_clip(tmp_path / "clip.mp4", 5, 25.0)
    out = tmp_path / "rec.mp4"
    assert camera.run(str(clip), str(MODEL), record=str(out), display=False, log=lambda *a, **k: None)["frames"] == 5
    assert cv2.VideoCapture(str(out)).get(cv2.CAP_PROP_FPS) == pytest.approx(25.0)


def test_a_network_cameras_stream_is_read_live():
    """An IP camera's or a phone webcam app's stream (rtsp://, http://) is opened as a camera is: by
    its URL, live (one frame held, not a queue), and its end is a camera's disconnect."""
    frame = cv2.imread(str(SAMPLES / "frame_000.jpg"))
    opened = []

    def factory(source):
        opened.append(source)
        return SettableCapture([frame] * 3)

    frames = list(camera.open_source("rtsp://192.168.1.20:8554/live", capture_factory=factory))
    assert opened == ["rtsp://192.168.1.20:8554/live"]
    assert len(frames) == 3 and all(f.live and not f.still for f in frames)
    with pytest.raises(SourceError, match=r"^http://phone\.local:8080/video: no stream there; check the address"):
        camera.open_source("http://phone.local:8080/video", capture_factory=lambda _: FakeCapture([], opened=False))


def test_no_camera():
    with pytest.raises(SourceError, match="no camera at index 3; check it is connected"):
        camera.run("3", str(MODEL), display=False, capture_factory=lambda _: FakeCapture([], opened=False))


def _sensor(frame, rng):
    """The frame as a camera on a stand sends it again (benchmarks/still_view.py): fresh noise of 4
    levels a pixel, JPEG at 80."""
    from benchmarks.still_view import sensor

    return sensor(frame, 4.0, rng)


def test_a_still_view_is_compared_not_read():
    """A frame differing from the last one read only by a sensor's noise keeps its reading, and is read
    again every REREAD-th frame; a new stroke, the sheet moved by a pixel, or more light is read at
    once, and the frames after it are compared with it."""
    frame = cv2.imread(str(SAMPLES / "frame_000.jpg"))
    rng = np.random.default_rng(0)
    view = camera.StillView()
    kept = [view.unchanged(_sensor(frame, rng)) for _ in range(2 * camera.REREAD + 2)]
    assert kept == ([False] + [True] * (camera.REREAD - 1)) * 2 + [False, True]
    stroke = frame.astype(np.float64)
    stroke[200:220, 300:302] -= 60  # a stroke 2 pixels wide, 60 levels darker than the paper
    shifted = cv2.warpAffine(frame, np.float32([[1, 0, 1], [0, 1, 0]]), frame.shape[1::-1], borderMode=cv2.BORDER_REPLICATE)
    for changed in (stroke, shifted, frame * 1.06):
        view = camera.StillView()
        assert [view.unchanged(_sensor(f, rng)) for f in (frame, frame, changed, changed)] == [False, True, False, True]
    view = camera.StillView()  # a frame it cannot compare (not 8-bit) is always read
    assert not any(view.unchanged(frame.astype(np.float32)) for _ in range(3))


def test_the_camera_keeps_the_reading_of_an_unchanged_view():
    """On a camera on a stand: the same texts as reading every frame, from a third of the readings;
    the first frame of another sheet is read, not kept."""
    rng = np.random.default_rng(1)
    first, labels_a, _ = paper_with_digits([0, 1, 2])
    second, labels_b, _ = paper_with_digits([3, 4, 5, 6])
    stream = [_sensor(first, rng) for _ in range(7)] + [_sensor(second, rng) for _ in range(3)]
    runs = {}
    for skip in (True, False):
        lines = []
        summary = camera.run("0", str(MODEL), display=False, as_json=True, steady=False, skip_unchanged=skip,
                             capture_factory=lambda _: FakeCapture(stream), log=lambda m, err=False: err or lines.append(m))
        runs[skip] = ([json.loads(line)["text"] for line in lines], summary)
    want = ["".join(map(str, labels_a))] * 7 + ["".join(map(str, labels_b))] * 3
    assert runs[True][0] == runs[False][0] == want
    assert (runs[True][1]["read"], runs[False][1]["read"]) == (3, 10)  # frames 0, 5 (REREAD) and 7 (the new sheet)
    assert runs[True][1]["frames"] == 10 and runs[True][1]["mean_ms"] < runs[True][1]["read_ms"]


def test_camera_command_says_what_it_read_and_what_it_kept(runner, tmp_path):
    clip, labels = still_clip(tmp_path / "still.mp4", 6, 10.0)
    kept = runner.invoke(cli, ["camera", "--source", str(clip), "--no-display"])
    every = runner.invoke(cli, ["camera", "--source", str(clip), "--no-display", "--read-every-frame"])
    assert kept.exit_code == every.exit_code == 0, kept.output + every.output
    assert "6 frames" in kept.output and "(2 read," in kept.output and "4 unchanged, keeping the reading" in kept.output
    assert "6 frames" in every.output and "unchanged" not in every.output
    assert "".join(map(str, labels)) in kept.output


def test_a_kept_reading_says_so_on_screen():
    """The window's banner says when a frame kept the last reading (its time is the comparison's),
    and the Stabilizer passes that on."""
    from digitedge.vision.reader import Digit, Reading
    frame, _, _ = paper_with_digits([0, 1])
    img = np.zeros((28, 28), np.uint8)
    read = Reading([Digit(7, 0.9, (10, 10, 20, 30), 0, img)], "7", img, 0.2)
    kept = camera.Stabilizer().update(Reading(read.digits, "7", img, 0.2, kept=True))
    assert kept.kept and not camera.Stabilizer().update(read).kept
    banner = slice(0, 26)
    assert not np.array_equal(camera.draw(frame, read)[banner], camera.draw(frame, kept)[banner])
    assert np.array_equal(camera.draw(frame, read)[30:], camera.draw(frame, kept)[30:])


def test_steady_readings_on_a_still_sheet():
    stab = camera.Stabilizer()
    from digitedge.vision.reader import Digit, Reading
    img = np.zeros((28, 28), np.uint8)
    flicker = [7, 7, 1, 7, 7, 1, 7]
    texts = [stab.update(Reading([Digit(l, 0.9, (10, 10, 20, 30), 0, img)], str(l), img)).text for l in flicker]
    assert texts == ["7"] * len(flicker)


def test_a_new_digit_in_a_tracked_place_is_read_at_once():
    """A sheet put where the last one was: a sure reading that looks unlike the digit tracked there
    starts its own votes (the last sheet's 7 does not outvote it); an unsure one that looks alike
    still joins them (flicker)."""
    m = data.load()
    seven = m.x_test[0]  # a 7
    other = next(m.x_test[i] for i in range(1, 100) if m.y_test[i] == 1)
    box = (10, 10, 20, 30)
    from digitedge.vision.reader import Digit, Reading

    def frame(label, conf, img):
        return Reading([Digit(label, conf, box, 0, img)], str(label), img)

    stab = camera.Stabilizer()
    assert [stab.update(frame(7, 0.95, seven)).text for _ in range(5)] == ["7"] * 5
    assert stab.update(frame(1, 0.95, other)).text == "1"
    stab = camera.Stabilizer()
    assert [stab.update(frame(7, 0.95, seven)).text for _ in range(5)] == ["7"] * 5
    assert stab.update(frame(1, 0.5, seven)).text == "7"  # unsure, and the same look: flicker
    assert stab.update(frame(1, 0.5, other)).text == "7"  # unsure: one vote of six
