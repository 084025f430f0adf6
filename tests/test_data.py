"""MNIST loading: the embedded copy, IDX folders and npz files, good and corrupt."""

from __future__ import annotations

import gzip
import shutil

import cv2
import numpy as np
import pytest

from digitedge import data
from digitedge.errors import DataError
from tests.conftest import idx_bytes, needs_training, write_idx_folder


def test_embedded_copy_is_canonical_mnist():
    m = data.load()
    assert m.x_train.shape == (60000, 28, 28) and m.x_test.shape == (10000, 28, 28)
    assert m.x_train.dtype == np.uint8 and m.y_train.dtype == np.uint8
    assert np.bincount(m.y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert np.bincount(m.y_train)[:3].tolist() == [5923, 6742, 5958]


@pytest.mark.parametrize("gz,dotted", [(True, False), (False, False), (True, True), (False, True)])
def test_idx_folder_either_compression_and_naming(tmp_path, gz, dotted):
    arrays = write_idx_folder(tmp_path / "m", gz=gz, dotted=dotted)
    m = data.load(tmp_path / "m")
    assert np.array_equal(m.x_train, arrays["train-images"]) and np.array_equal(m.y_test, arrays["t10k-labels"])


def test_keras_npz(tmp_path):
    rng = np.random.default_rng(1)
    arrays = {"x_train": rng.integers(0, 256, (30, 28, 28), dtype=np.uint8), "y_train": rng.integers(0, 10, 30, dtype=np.uint8),
              "x_test": rng.integers(0, 256, (10, 28, 28), dtype=np.uint8), "y_test": rng.integers(0, 10, 10, dtype=np.uint8)}
    np.savez(tmp_path / "mnist.npz", **arrays)
    m = data.load(tmp_path / "mnist.npz")
    assert np.array_equal(m.x_test, arrays["x_test"]) and np.array_equal(m.y_train, arrays["y_train"])


def test_missing_path(tmp_path):
    with pytest.raises(DataError, match="no such file or folder"):
        data.load(tmp_path / "nope")


def test_missing_file_is_named(tmp_path):
    write_idx_folder(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DataError) as e:
        data.load(tmp_path)
    assert str(e.value).startswith(f"{tmp_path / 't10k-labels-idx1-ubyte.gz'}: missing")


def test_truncated_file(tmp_path):
    write_idx_folder(tmp_path, gz=False)
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DataError, match=r"train-images-idx3-ubyte: truncated or padded: 46940 data bytes, header says 47040"):
        data.load(tmp_path)


def test_truncated_gzip(tmp_path):
    write_idx_folder(tmp_path)
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:50])
    with pytest.raises(DataError, match=r"train-images-idx3-ubyte.gz: unreadable"):
        data.load(tmp_path)


def test_wrong_magic(tmp_path):
    write_idx_folder(tmp_path, gz=False)
    path = tmp_path / "t10k-labels-idx1-ubyte"
    path.write_bytes(b"\x00\x00\x09\x99" + path.read_bytes()[4:])
    with pytest.raises(DataError, match=r"t10k-labels-idx1-ubyte: wrong magic number 0x00000999"):
        data.load(tmp_path)


def test_mismatched_counts(tmp_path):
    write_idx_folder(tmp_path, gz=False)
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(idx_bytes(np.zeros(59, np.uint8)))
    with pytest.raises(DataError, match="60 images but 59 labels"):
        data.load(tmp_path)


def test_checksum_mismatch_names_the_file(tmp_path):
    folder = tmp_path / "mnist"
    shutil.copytree(data.EMBEDDED, folder)
    victim = folder / "t10k-labels-idx1-ubyte.gz"
    labels = bytearray(gzip.decompress(victim.read_bytes()))
    labels[100] = (labels[100] + 1) % 10  # a valid file with one wrong label: only the checksum can tell
    victim.chmod(0o644)
    victim.write_bytes(gzip.compress(bytes(labels)))
    with pytest.raises(DataError, match=r"t10k-labels-idx1-ubyte.gz: checksum mismatch with .*SHA256SUMS"):
        data.load(folder)


def test_npz_missing_arrays(tmp_path):
    np.savez(tmp_path / "bad.npz", x_train=np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(DataError, match=r"missing arrays \['x_test', 'y_test', 'y_train'\]"):
        data.load(tmp_path / "bad.npz")


def test_not_an_npz(tmp_path):
    (tmp_path / "mnist.npz").write_text("hello")
    with pytest.raises(DataError, match="not a readable .npz file"):
        data.load(tmp_path / "mnist.npz")


def test_validation_split_is_disjoint_and_repeatable():
    m = data.load()
    a = data.split_validation(m, 5000, seed=3)
    b = data.split_validation(m, 5000, seed=3)
    assert len(a[0]) == 55000 and len(a[2]) == 5000
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert len(a[1]) + len(a[3]) == len(m.y_train)


def test_benchmarks_can_draw_the_validation_digits_instead_of_the_test_set():
    """benchmarks/ scripts' --digits validation: the 5,000 images digitedge train holds out (its default
    split) stand in for the test set, so a model can be chosen on them without the test digits."""
    from digitedge.benchmark import digit_source, script_parser
    from digitedge.train import TrainConfig

    m = data.load()
    test, held = digit_source("test"), digit_source("validation")
    assert np.array_equal(test.x_test, m.x_test) and np.array_equal(test.y_test, m.y_test)
    _, _, x_val, y_val = data.split_validation(m, TrainConfig.val_size, TrainConfig.split_seed)
    assert np.array_equal(held.x_test, x_val) and np.array_equal(held.y_test, y_val) and len(held.y_test) == 5000
    assert np.array_equal(held.x_train, m.x_train)  # (the training set as it is: the scripts never draw from it)
    assert script_parser("x").parse_args([]).digits == "test"
    assert script_parser("x").parse_args(["--digits", "validation"]).digits == "validation"


def test_benchmark_lines_tally_into_frames_and_digits():
    """benchmarks/model_choice.py sums the condition scripts' lines, whatever words each uses."""
    from digitedge.benchmark import tally

    out = ("one skip                     frames read exactly 14/20; digits matched 194/200\n"
           "advance 0.6: rows read exactly 39/40; digits read 199/200\n"
           "turned 10 degrees: frames read exactly 19/20\n"
           "frames: 40 (640x480, 400 digits); digits read correctly: 397/400 = 99.25%; frames read exactly: 37/40 = 92.50%\n"
           "seed 100: digits 397/400, frames read exactly 37/40\n"
           "a heading with no counts\n")
    assert tally(out) == (14 + 39 + 19 + 37 + 37, 20 + 40 + 20 + 40 + 40, 194 + 199 + 397 + 397, 200 + 200 + 400 + 400)
    assert tally("") == (0, 0, 0, 0)


def test_the_suite_compares_two_runs_script_by_script(tmp_path, capsys, monkeypatch):
    """benchmarks/suite.py --compare: every count of frames read exactly on a line (a predict and a
    camera count on one line, photos, numbers read whole), the sample sets' totals line left out
    (its seeds' lines are counted); scripts whose lines are the same are not listed."""
    from tests.conftest import ROOT

    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    from suite import compare, frames

    grid = "sudoku  predict: frames read exactly 15/20, digits matched 636/649; camera: frames read exactly 14/20"
    sets = ["seed 3000: digits 399/400, frames read exactly 39/40", "seed 3001: digits 398/400, frames read exactly 38/40",
            "2 sets: digits read correctly 797/800 = 99.62%; frames read exactly 77/80 = 96.25%"]
    assert frames([grid]) == 29
    assert frames(sets) == 77
    assert frames(["plain  photos read exactly: 39/40; one digit, --single: 8/9", "all  numbers read whole 62/64"]) == 101
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text("== grids 0 (exit 0, 5 s)\n" + grid + "\n== words (exit 0, 1 s)\nall  numbers read whole 62/64\n")
    new.write_text("== grids 0 (exit 0, 6 s)\n" + grid.replace("14/20", "16/20") + "\n== words (exit 0, 1 s)\nall  numbers read whole 62/64\n")
    compare(old, new)
    out = capsys.readouterr().out
    assert "## grids 0: frames read exactly 29 -> 31" in out and "words" not in out
    assert out.strip().endswith("1 of 2 scripts differ; frames read exactly, summed: +2")


def test_continental_styles_draw_a_bar_across_a_7s_stem_and_a_flag_down_from_a_1s_top():
    """digitedge.styles (train --styles, benchmarks/styles.py): a 7 gains a bar crossing its stem at
    40-60% of its height, reaching both sides of it; a 1 gains a stroke from its top down to the left;
    other digits are left as they are."""
    from digitedge import styles

    m = data.load()
    rng = np.random.default_rng(0)
    crossed = 0
    for i in np.nonzero(m.y_test == 7)[0][:20]:
        big = cv2.resize(m.x_test[i], (112, 112), interpolation=cv2.INTER_CUBIC)
        out = styles.crossed_seven(big, rng)
        assert (out >= big).all()  # ink only added
        added = (out >= styles.INK) & (big < styles.INK)
        rows, cols = np.nonzero(big >= styles.INK)
        top, h = rows.min(), rows.max() - rows.min() + 1
        ys, xs = np.nonzero(added)
        assert ys.size and top + 0.3 * h < ys.min() and ys.max() < top + 0.7 * h  # across the middle of its height
        stem = np.nonzero(big[int(np.median(ys))] >= styles.INK)[0]
        # a bar, not a speck, out both sides of the stem (but on a 7 MNIST's writer crossed already, less shows)
        crossed += added.sum() > 0.05 * (big >= styles.INK).sum() and xs.min() < stem.min() and xs.max() > stem.max()
    assert crossed >= 15
    for i in np.nonzero(m.y_test == 1)[0][:20]:
        big = cv2.resize(m.x_test[i], (112, 112), interpolation=cv2.INTER_CUBIC)
        out = styles.flagged_one(big, rng)
        assert (out >= big).all()
        added = (out >= styles.INK) & (big < styles.INK)
        rows, cols = np.nonzero(big >= styles.INK)
        top, h = rows.min(), rows.max() - rows.min() + 1
        tip = np.nonzero(big[top : top + 4] >= styles.INK)[1].mean()
        ys, xs = np.nonzero(added)
        assert added.sum() > 20
        assert xs.min() < tip - 0.1 * h  # out to the left of the top
        assert ys.max() < top + 0.5 * h  # in the upper half, down from the top
    three = m.x_test[np.nonzero(m.y_test == 3)[0][0]]
    assert np.array_equal(styles.styled(three, 3, rng), three)
    blank = np.zeros((28, 28), np.uint8)
    assert np.array_equal(styles.crossed_seven(blank, rng), blank) and np.array_equal(styles.flagged_one(blank, rng), blank)


def test_restyle_changes_that_share_of_the_7s_and_1s_only_the_same_way_for_the_same_seed():
    from digitedge import styles

    m = data.load()
    x, y = m.x_train[:6000], m.y_train[:6000]
    before = x.copy()
    a, n = styles.restyle(x, y, 0.3, seed=5)
    b, _ = styles.restyle(x, y, 0.3, seed=5)
    assert np.array_equal(x, before)  # a copy: the images passed in stay as they were
    assert np.array_equal(a, b)
    changed = (a != x).any(axis=(1, 2))
    assert set(np.unique(y[changed])) == {1, 7} and changed.sum() == n
    share = changed.sum() / np.isin(y, [1, 7]).sum()
    assert 0.25 < share < 0.35
    assert not np.array_equal(a, styles.restyle(x, y, 0.3, seed=6)[0])
    assert styles.restyle(x, y, 0.0, seed=5)[1] == 0


@needs_training
def test_negatives_are_letters_and_symbols_unlike_digits_normalised_as_mnist_was():
    """digitedge.negatives (train --negatives): marks drawn from matplotlib's fonts, none of them a
    glyph a digit is written like, every font drawing every glyph itself; each mark in MNIST's box
    (20 pixels on its longer side) with its centre of mass near the middle; the same seed draws
    the same marks, another seed others."""
    from digitedge import negatives

    assert not set(negatives.GLYPHS) & set("0123456789OoDQIlijJTtf/|()[]!ZzSsbGBβgq")
    assert all(negatives._has(font, g) for font in negatives.FONTS for g in negatives.GLYPHS)
    x = negatives.negatives(300, seed=4)
    assert x.shape == (300, 28, 28) and x.dtype == np.uint8
    assert np.array_equal(x, negatives.negatives(300, seed=4)) and not np.array_equal(x, negatives.negatives(300, seed=5))
    for image in x:
        rows, cols = np.nonzero(image)
        assert max(np.ptp(rows), np.ptp(cols)) + 1 in (19, 20) and image.max() >= 250  # (a faint edge row may round to 0)
        m = cv2.moments(image)
        assert abs(m["m10"] / m["m00"] - 14) < 2 and abs(m["m01"] / m["m00"] - 14) < 2
    # the digits printed beside them (so print alone says nothing): every digit, about as often, labelled
    printed, labels = negatives.printed_digits(500, seed=4)
    assert printed.shape == (500, 28, 28) and labels.dtype == np.uint8 and np.bincount(labels, minlength=10).min() >= 25
    again, same = negatives.printed_digits(500, seed=4)
    assert np.array_equal(printed, again) and np.array_equal(labels, same)
