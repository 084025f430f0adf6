"""Crops, grids, printed digits, whole pages and sheets: where the page is and how it lies."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digitedge import data
from digitedge.benchmark import written
from digitedge.cli import cli
from digitedge.vision.normalize import turned
from digitedge.vision.reader import group_lines, skew_of
from digitedge.vision.segment import SegmentConfig, segment
from tests.conftest import ROOT, SAMPLES, segment_scale


def _crop(digits, width, pen, margin, height, seed, lines=False):
    """A photo of these MNIST test digits cropped to their ink (benchmarks/crops.py)."""
    from benchmarks.crops import MARGINS, cropped, ink_box, ruled
    from benchmarks.number_photos import photo

    m = data.load()
    rng = np.random.default_rng(seed)
    image = photo([m.x_test[i] for i in digits], width, pen, rng, size=(1512, 2016))
    box = ink_box(image)
    if lines:
        image = ruled(image, int(0.4 * box[3]), rng)
    return cropped(image, box, MARGINS[margin], height)


@pytest.mark.parametrize("digits, pen, margin, height", [
    ([7], 0, "touching all four edges", 150), ([3], 15, "touching top and bottom", 300),
    ([12, 40, 25], 0, "touching all four edges", 120), ([62, 9, 100], 15, "touching top and bottom", 240)])
def test_a_crop_whose_strokes_reach_its_edges_is_read(reader, digits, pen, margin, height):
    """A photo cropped to its handwriting, the strokes reaching the crop's edges: the marks touching
    them were dropped as cut by the view's edge (nothing, or the pieces left inside, was read; a
    bold digit filling most of the crop also turned its polarity). A still image cropped close gets
    a margin of paper, and the boxes are the crop's."""
    from digitedge.vision.paper import crop_margin

    m = data.load()
    image = _crop(digits, 0.3 if len(digits) == 1 else 0.12, pen, margin, height, seed=digits[0])
    assert crop_margin(image)[0] > 0
    reading = reader.read(image, still=True)
    assert reading.text == written(m, digits)
    h, w = image.shape
    assert all(x >= 0 and y >= 0 and x + bw <= w + 1 and y + bh <= h + 1 for x, y, bw, bh in (d.box for d in reading.digits))
    if len(digits) == 1:
        assert reader.read_single(image).label == m.y_test[digits[0]]


@pytest.mark.parametrize("seed", [2, 4, 6, 7])
def test_a_crop_keeps_out_the_neighbours_it_cuts(reader, seed):
    """One digit cropped out of a number, taking in pieces of its neighbours at the crop's sides: with
    paper around the crop, those pieces are whole marks (they read 86, 15, 171, 01); a mark at
    the crop's edge spanning less than half of it both ways is a neighbour cut by the crop."""
    from benchmarks.crops import cropped, ink_box
    from benchmarks.number_photos import photo

    m = data.load()
    rng = np.random.default_rng(seed)
    digits = rng.choice(len(m.x_test), 3, replace=False)
    image = photo([m.x_test[i] for i in digits], 0.15, 0, rng, size=(1512, 2016))
    x, y, w, h = ink_box(image)
    crop = cropped(image, (x + w // 4, y, w // 2, h), (0.05, 0.0), 200)  # the middle digit, and some of each neighbour
    assert reader.read(crop, still=True).text == str(m.y_test[digits[1]])


def test_a_crop_of_ruled_paper_loses_its_lines_not_its_strokes(reader):
    """A number cropped along its line on ruled paper (two lines crossing each digit, reaching the
    crop's sides) and a thin-pen digit with room around it (its long straight strokes, a 9's tail,
    crossing most of the crop): in a small still image a paper line crosses nearly all of it, and
    only such runs are taken out."""
    m = data.load()
    digits = [34, 72, 106]
    number = _crop(digits, 0.12, 5, "touching top and bottom", 200, seed=2, lines=True)
    assert reader.read(number, still=True).text == written(m, digits)
    assert reader.read(_crop([4], 0.3, 5, "a 25% margin all round", 280, seed=0), still=True).text == str(m.y_test[4])


def test_a_camera_frame_or_a_page_photo_gets_no_margin():
    """Only a crop made around handwriting gets paper added: not a frame of the sample footage (a
    sheet with ten digits, or a close-up of one), nor a page on a desk."""
    from benchmarks.phone_pages import on_a_desk, photo
    from digitedge.vision.paper import crop_margin

    for path in sorted((ROOT / "camera_demo" / "samples").glob("frame_00*.jpg"))[:4]:
        assert crop_margin(cv2.imread(str(path), cv2.IMREAD_GRAYSCALE))[0] == 0
    m = data.load()
    rng = np.random.default_rng(0)
    page = on_a_desk(photo(m, rng.choice(len(m.x_test), 16, replace=False), 60, rng, size=(1200, 900)), rng)
    assert crop_margin(page)[0] == 0


def test_a_photo_of_a_printed_grid_is_a_page_not_a_crop(reader):
    """A sudoku photographed whole, its grid reaching near the photo's edges: the grid was taken for
    handwriting cropped close (a mark reaching the edge and spanning the image), the photo was given
    a margin and its lines kept, and `predict` read the whole grid as one digit, an 8. A mark with
    three lines or more each way running across all of it is a printed grid; a box drawn round a
    number (two each way) or a digit crossing its own box (a 4's bar and stem) is not. So is a mark
    most of whose pixels lie in one straight line: all a table's faint border keeps of it, shrunk."""
    from benchmarks.grids import sudoku, table
    from digitedge.vision.paper import _lattice, crop_margin

    m = data.load()
    rng = np.random.default_rng(0)
    for _ in range(2):  # (the second of seed 0's)
        image, text = sudoku(m, rng, 48, False)
    assert crop_margin(image)[0] == 0
    assert reader.read(image, still=True).text == text
    rng = np.random.default_rng(1)
    for _ in range(17):  # (the seventeenth table of seed 1's: its faint border alone, a line with a stub, was taken for a stroke)
        image, text = table(m, rng)
    assert crop_margin(image)[0] == 0
    assert reader.read(image, still=True).text == text
    grid = np.zeros((90, 90), bool)
    grid[::44], grid[:, ::44] = True, True  # three lines each way
    assert _lattice(grid)
    assert not _lattice(grid[:45, :45])  # a box: two each way
    four = np.zeros((40, 30), bool)
    four[:, 20], four[28] = True, True  # a 4's stem and bar, reaching across it
    assert not _lattice(four)


def test_a_sudoku_cropped_to_its_grid_is_read(reader):
    """A sudoku cropped to its outer line (a scan, a screenshot): at an eighth of the size, where a
    sheet on a desk is looked for, that line along the view's border was kept as a strip of desk round
    a sheet, and the band along the sheet's edges was wiped, with the digits of the outer cells (9956
    read 424). Dark along every side no deeper than 3 pixels at half size is a line, not a desk; a
    sheet on a desk 10 pixels inside the view is still one."""
    from benchmarks.grids import sudoku, to_grid
    from digitedge.vision.images import halved
    from digitedge.vision.sheet import _thin_rim

    m = data.load()
    rng = np.random.default_rng(0)
    for _ in range(2):  # (the second of seed 0's)
        image, text = to_grid(*sudoku(m, rng, 48, False))
    assert _thin_rim(halved(image))
    assert reader.read(image, still=True).text == text == "9956 729 3948 72124 4480023 048 1434 431 761"
    assert reader.read(image).text == text
    page = np.full((480, 640), 70, np.uint8)
    page[10:-10, 10:-10] = 220  # a sheet on a dark desk, 10 pixels inside the view
    assert not _thin_rim(halved(page))


def test_a_sudoku_seen_turned_and_at_an_angle_is_read_squared(reader):
    """A sudoku photographed turned a few degrees and at an angle: its lines, not level, were not taken
    out as paper lines, and the whole grid was one mark, read as an 8 (or its slanting lines, apart,
    as 1s). A mark spanning 0.4 of the view each way, made of lines, with a four-sided outline and
    lines well inside it, is a grid: the frame is read squared, warped so that outline is upright,
    and the digits' boxes are the frame's."""
    from benchmarks.grids import askew, sudoku

    m = data.load()
    rng = np.random.default_rng(0)
    for _ in range(4):  # (the fourth of seed 0's)
        image, text = askew(*sudoku(m, rng, 44, False), rng)
    assert text == "30629 286 525 45 53 478 13438 8306491 9079"
    for still in (False, True):
        reading = reader.read(image, still=still)
        assert reading.text == text
        assert all(0 <= x and 0 <= y and x + w <= 640 and y + h <= 480 for x, y, w, h in (d.box for d in reading.digits))
    inks = [image[y : y + h, x : x + w].min() for x, y, w, h in (d.box for d in reader.read(image).digits)]
    assert max(inks) < 120  # each box holds ink: it is where the digit is in the frame as given


def test_the_first_look_for_a_grid_never_misses_a_piece_spanning_it():
    """Where lines were taken out both ways, a turned grid is looked for among the marks joined to those
    lines; the joined mask is labelled only where its pieces, looked at in 4x4 blocks, may span GRID of
    it each way (may_span). Every piece that does span it at full size passes that first look (random
    lines, some reaching GRID each way and most not), and most masks stop there."""
    from digitedge.vision.images import labelled
    from digitedge.vision.outlines import GRID, may_span

    rng = np.random.default_rng(0)
    spanning = stopped = 0
    for _ in range(400):
        mask = np.zeros((240, 320), np.uint8)
        for _ in range(int(rng.integers(1, 6))):
            (x0, x1), (y0, y1) = rng.integers(0, 320, 2), rng.integers(0, 240, 2)
            cv2.line(mask, (int(x0), int(y0)), (int(x1), int(y1)), 1, int(rng.integers(1, 3)))
        _, _, stats = labelled(mask)
        spans = bool(np.any((stats[1:, 2] >= GRID * 320) & (stats[1:, 3] >= GRID * 240)))
        spanning += spans
        stopped += not may_span(mask, GRID)
        assert may_span(mask, GRID) or not spans
    assert spanning > 50 and stopped > 100  # (both kinds were tried)
    assert may_span(np.ones((239, 320), np.uint8), GRID)  # (sides not multiples of 4: labelled in full)


def test_a_1_in_a_grids_cell_is_not_the_side_of_a_box(reader):
    """A handwritten 1 in a sudoku's cell, as straight and thin as the grid's lines and reaching from
    near one of them to near the next, was taken for the side of a printed box (_is_rule) and
    dropped (5287301 read 528730; 44713, 4473). A box's side, cut from its lines as they were taken
    out, touches them; the 1 stops short of them."""
    from benchmarks.forms import form
    from benchmarks.grids import sudoku

    m = data.load()
    rng = np.random.default_rng(0)
    for _ in range(10):
        sudoku(m, rng, 48, False)
    image, text = sudoku(m, rng, 48, False)  # (the eleventh of seed 0's)
    assert reader.read(image).text == text == "731 4391 233 642927 5287301 76 700 828 6122"
    image, text = sudoku(m, rng, 48, False)
    assert reader.read(image).text.split()[0] == text.split()[0] == "44713"
    digits = [3, 2, 5, 7, 8]  # a form's boxes (benchmarks/forms.py): their sides are still no 1s
    assert reader.read(form(m, digits, 80, 2)).text == written(m, digits)


def test_a_spiral_bound_pages_holes_do_not_make_the_1s_pens(reader):
    """A spiral-bound notebook's page, a row of punched holes down its edge (benchmarks/notebooks.py):
    19 holes beside 10 digits made the marks' median height a hole's, and every straight 1, more than
    2.5 times as tall, a pen lying on the page (65671 read 6567). The digits' height is the median of
    the marks at least 0.45 of the tallest quarter's."""
    from benchmarks.notebooks import page

    m = data.load()
    rng = np.random.default_rng(0)
    for _ in range(6):  # (the first six frames of seed 0's)
        digits = rng.choice(len(m.x_test), 10, replace=False)
        image = page(m, digits, "ruled, a red margin line, spiral-bound", rng)
        assert reader.read(image).text.endswith(written(m, digits, 5))  # (the first reads a hole as a 0 too)


@pytest.mark.parametrize("sizes, frame", [(3, 0), (2, 7), (2, 2), (1, 1), (1, 5), (3, 4), (1, 0), (1, 15)])
def test_a_big_number_above_small_writing_is_read_a_digit_a_blob(reader, sizes, frame):
    """benchmarks/mixed_sizes.py (seed 0): big digits above a line of small ones. The frame's typical
    digit width is the small digits', and each big digit, three times as wide, was cut in pieces
    ("445" read as 61115, "41" as 461); a blob over 1.5 times the typical mark height now has its
    own digit width, scaled by its height (reader._count_of). And a big 1, over 2.5 times the
    typical height and a straight solid bar, was a pen lying on the page ("81" read as 8): a bar
    standing in a line of marks as tall as it is a digit (segment._in_a_line). The last three: the
    big digits' thick strokes shrink the frame (to half), and the small digits, cut from it, were
    blurred and misread (99724908 read as 99124908, 60068192 as 20068192, 88296 as 88295); and a
    small digit under SegmentConfig.min_pixels tall once shrunk was dropped (47755413 read as
    4755413, 55239993 as 5239993): that least height is the frame's as it was."""
    from benchmarks.mixed_sizes import SIZES, page

    m = data.load()
    big, small, n_big, n_small = SIZES[sizes]
    rng = np.random.default_rng(0)
    for _ in range(frame + 1):  # (the benchmark's frames in order, from one generator)
        digits = rng.choice(len(m.x_test), n_big + n_small, replace=False)
        image = page(m, digits, big, small, n_big, rng)
    assert reader.read(image).text == written(m, digits[:n_big]) + " " + written(m, digits[n_big:])


def test_a_shrunk_frames_small_marks_are_cut_from_the_frame_as_it_was():
    """A frame shrunk for its big digits' thick strokes (to half, a 640x480 frame) keeps its small
    digits' thin strokes: each mark smaller than normalize's box there is cut from the frame as it
    was (its crops at scale 1), the big ones from the shrunk frame (0.5), and each crop's box is the
    same in the frame's pixels either way."""
    from benchmarks.mixed_sizes import SIZES, page

    m = data.load()
    big, small, n_big, n_small = SIZES[1]
    rng = np.random.default_rng(0)
    image = page(m, rng.choice(len(m.x_test), n_big + n_small, replace=False), big, small, n_big, rng)
    blobs, _ = segment(image)
    crops = [c for b in blobs for c in b.reading(0)[0]]
    scales = {top: {c.scale for c in crops if (c.box[1] < 240) == top} for top in (True, False)}
    assert scales == {True: {0.5}, False: {1.0}}
    for c in crops:  # (a crop's ink, at its scale, spans its box: its support is its pixels grown by one)
        _, _, w, h = cv2.boundingRect(c.support)
        assert abs(h - c.scale * c.box[3]) <= 3 and abs(w - c.scale * c.box[2]) <= 3


def test_pieces_cut_at_two_scales_are_joined_at_one():
    """A digit in two pieces, one cut from a shrunk frame (scale 0.5) and one from the frame as it
    was (scale 1): laid on one canvas at the bigger piece's scale, each where its box puts it."""
    from digitedge.vision.blobs import Candidate
    from digitedge.vision.reader import _together

    bar = np.full((10, 20), 200, np.uint8)  # the bigger piece: 40x20 frame pixels at scale 0.5
    flag = np.full((8, 8), 200, np.uint8)  # the smaller: 8x8 frame pixels at scale 1, right of and above it
    joined = _together([Candidate((100, 120, 40, 20), bar, bar, scale=0.5),
                        Candidate((140, 112, 8, 8), flag, flag, scale=1.0)])
    assert joined.box == (100, 112, 48, 28) and joined.scale == 0.5
    assert joined.ink.shape == (14, 24)  # (28 x 48 frame pixels at 0.5)
    assert joined.ink[4:, :20].all() and joined.ink[:4, 20:].all() and not joined.ink[:4, :20].any()


def test_a_small_bold_printed_digit_is_not_a_solid_blob(reader):
    """A sudoku's printed givens, 29 pixels tall in a 3-pixel pen: searched at half size, an 8's loops
    close and it filled 0.86-0.92 of its box there, and was dropped as a solid blob, not a pen stroke
    (8238 read as 238, 48651 as 4651). A blob is judged solid at full size (0.77-0.84 there); a filled
    square or a bar beside handwriting is still no digit."""
    from benchmarks.grids import sudoku

    m = data.load()
    rng = np.random.default_rng(0)
    for _ in range(8):  # (the eighth of seed 0's with printed givens)
        image, text = sudoku(m, rng, 48, True)
    assert reader.read(image).text == text == "157 8238 26 73212 4763 4 48651 61313 811"
    for w, h in ((30, 30), (20, 44)):
        page = np.full((480, 640), 225, np.float32)
        for k, i in enumerate([0, 1, 2]):  # 7, 2, 1
            page[200:260, 100 + 90 * k : 160 + 90 * k] *= 1 - 0.85 * cv2.resize(m.x_test[i], (60, 60)).astype(np.float32) / 255
        page[230 - h // 2 : 230 - h // 2 + h, 420 : 420 + w] = 40
        assert reader.read(cv2.GaussianBlur(page, (0, 0), 1.0).astype(np.uint8)).text == "721"


@pytest.mark.parametrize("text, font", [("609874", "simplex"), ("913576", "duplex"), ("924071", "plain")])
def test_a_close_row_of_printed_digits_is_read(reader, text, font):
    """Printed digits close together: the strokes crossing one row of them (the waists of 6, 0, 9
    and 8) are not bridged into a ruled line and subtracted, and a row of bold touching digits
    (plain) is not a pen lying on the page, whose bar is solid."""
    from benchmarks.fonts import FONTS, printed

    assert reader.read(printed(text, FONTS[font], 2.0, 3)).text == text


def test_a_bold_loop_is_not_a_sheets_edge(reader):
    """Printed script digits at 3 times OpenCV's size, 6 pixels thick: the paper estimate's median
    keeps a smudge of their bold loops (a 0, an 8), and the steps around it were taken for a sheet's
    edge and wiped from the ink (549082 read as 54932). Only steps reaching a fifth of the way
    across the view are edges."""
    from benchmarks.fonts import FONTS, printed

    for text, font in (("549082", "script"), ("730568", "script complex")):
        assert reader.read(printed(text, FONTS[font], 3.0, 6)).text == text


def test_a_photo_of_a_whole_page_reads_its_ordinary_handwriting(reader):
    """A photo of a whole page (2400x1800): two lines of eight digits whose ink is 1.75% of the
    photo's height, 22 pixels once shrunk to 1280. Digits were required to be 2% of the height,
    and nothing was read."""
    from benchmarks.phone_pages import photo

    m = data.load()
    rng = np.random.default_rng(0)
    digits = rng.choice(len(m.x_test), 16, replace=False)
    assert reader.read(photo(m, digits, 60, rng, size=(2400, 1800))).text == written(m, digits, 8)


def test_a_page_on_a_desk_in_the_phones_shadow_is_not_a_close_up(reader):
    """The same page on a wooden desk, under the phone's shadow: the band along the sheet's edge and
    the rim of the shadow are not taken for the thick strokes of big handwriting (which shrank the
    photo fivefold, and nothing was read), and the desk's grain is not read."""
    from benchmarks.phone_pages import on_a_desk, photo

    m = data.load()
    rng = np.random.default_rng(0)
    digits = rng.choice(len(m.x_test), 16, replace=False)
    text = reader.read(on_a_desk(photo(m, digits, 60, rng, size=(2400, 1800)), rng, softness=12)).text
    assert text == written(m, digits, 8)


def test_a_photo_is_read_in_more_detail_than_a_cameras_frame(reader, runner, tmp_path):
    """A 12-megapixel photo of a blank page on a desk, in the phone's shadow: shrunk to a camera
    frame's 1280 pixels, the desk's grain beside the sheet read as digits (828); as a photo (predict,
    an image source), read at up to 1600 pixels, it reads nothing."""
    from benchmarks.phone_pages import on_a_desk, photo

    rng = np.random.default_rng(1)
    image = on_a_desk(photo(data.load(), [], 90, rng), rng)
    assert reader.read(image, still=True).text == ""
    cv2.imwrite(str(tmp_path / "blank.jpg"), image)
    result = runner.invoke(cli, ["predict", str(tmp_path / "blank.jpg"), "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["text"] == ""


def test_a_dark_note_on_a_white_table_is_read(reader):
    """A blue sticky note at the frame's edge on a white table: the table is the bright "sheet", but
    nothing is written on it, so the note's digits are read all the same."""
    m = data.load()
    frame = np.full((480, 640, 3), 245, np.float32)
    frame[140:340, 0:300] = (230, 160, 120)
    for k in range(3):
        cell = cv2.resize(m.x_test[k], (70, 70), interpolation=cv2.INTER_CUBIC).astype(np.float32)[..., None] / 255
        frame[200:270, 30 + 80 * k : 100 + 80 * k] *= 1 - 0.85 * cell
    frame = cv2.GaussianBlur(np.clip(frame, 0, 255).astype(np.uint8), (3, 3), 0)
    assert reader.read(frame).text == "".join(str(m.y_test[k]) for k in range(3))


def test_ordinary_frames_are_not_shrunk():
    for path in sorted(SAMPLES.glob("frame_*.jpg"))[:10]:
        assert segment_scale(cv2.imread(str(path))) == 1.0


def test_points_between_parts_of_the_sheet_are_on_it():
    """on_sheet: a point on the sheet, or between two parts of it on its row (a thick 0 rings its own
    middle with steps, a hole in the sheet), is on it; one with no sheet on one side is not."""
    from digitedge.vision.sheet import on_sheet

    sheet = np.zeros((10, 20), bool)
    sheet[2:8, 4:16] = True
    sheet[4:6, 8:12] = False  # a hole
    x = np.array([5, 10, 2, 18, 10]) * 4.0  # in a frame four times the size
    y = np.array([3, 5, 5, 5, 9]) * 4.0
    assert on_sheet(sheet, x, y, (40, 80)).tolist() == [True, True, False, False, False]
    assert on_sheet(None, x, y, (40, 80)).all()


def test_a_thin_bar_along_the_frames_border_is_a_sheets_edge():
    """Where a sheet ends a few pixels inside the frame, the strip of desk beside its edge (the
    paper estimate's band along the edge) can come out as a thin upright bar just inside the
    border: not a 1. The same bar in the middle of the frame is one."""
    from digitedge.vision.marks import components

    mask = np.zeros((240, 320), np.uint8)
    for x in (40, 90, 200):
        cv2.rectangle(mask, (x, 100), (x + 30, 150), 255, 3)  # three digit-like marks
    mask[100:155, 150:153] = 255  # a 1
    mask[100:155, 313:316] = 255  # 4 pixels from the right border
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    found = components(np.arange(n) > 0, stats, labels.shape, SegmentConfig())
    xs = sorted(x for x, *_ in found)
    assert 150 in xs and 313 not in xs and len(xs) == 4


def test_a_piece_far_shorter_than_its_neighbour_is_not_a_digit():
    """A 7's crossbar cut off beside it reads as a confident 2; the prior weighs against the stub."""
    from digitedge.vision.reader import _prior
    from digitedge.vision.blobs import Blob, Candidate

    def piece(box):
        return Candidate(box, np.zeros((box[3], box[2]), np.uint8), np.zeros((box[3], box[2]), np.uint8))

    seven, bar = piece((0, 0, 26, 46)), piece((26, 18, 21, 10))
    whole = Blob((0, 0, 45, 46), [1, 2], lambda k, shear=0.0: ([piece((0, 0, 45, 46))], 0) if k == 1 else ([seven, bar], 1))
    assert _prior(whole, 0, unit=26.5) > _prior(whole, 1, unit=26.5)  # one 7 beats a 7 and a stub
    pair = Blob((0, 0, 60, 46), [1, 2], lambda k, shear=0.0: ([piece((0, 0, 60, 46))], 0) if k == 1 else ([seven, piece((30, 6, 30, 40))], 1))
    assert _prior(pair, 1, unit=26.5) > _prior(pair, 0, unit=26.5)  # two digits of a height: a pair


@pytest.mark.parametrize("widths, best", [(1.0, 1), (1.7, 1), (2.4, 2), (3.8, 3)])
def test_the_count_a_blobs_width_says(widths, best):
    """A lone digit written wide (a 0 or a 4 1.7 typical widths across) is not cut in two for its
    width: digits that touch are wider than those standing alone, so a touching pair spans about
    2.4 typical widths, and three digits about 3.8 (the development sets' touching pairs: a median
    2.4, where a lone digit is at most 2.1). The count a blob's width says is the one its prior likes
    best, of the counts one either side."""
    from digitedge.vision.reader import _prior
    from digitedge.vision.blobs import Blob

    unit = 30.0
    blob = Blob((0, 0, round(widths * unit), 45), [best - 1, best, best + 1], lambda k, shear=0.0: ([], 0))
    priors = [_prior(blob, j, unit, cut=False) for j in range(3)]
    assert max(range(3), key=priors.__getitem__) == 1, priors


def test_a_big_digits_upright_is_not_a_paper_line():
    """Digits a quarter of the frame tall (a close-up on squared paper) have uprights longer than a
    fifth of its height: such a stroke is not a paper line, and is not taken out; a line running the
    frame's height is."""
    from digitedge.vision.paper import remove_lines

    ink = np.zeros((240, 320), np.uint8)
    ink[:, 60] = 30  # a paper line, one pixel wide, the whole height
    ink[80:135, 198:203] = 200  # a 4's upright, 55 pixels tall (the frame is 240), 5 wide
    out, _, vertical = remove_lines(ink, 7, (0.0, 0.0), 0.5)
    assert vertical[10, 60] > 10 and out[:, 60].max() == 0  # the line is found and taken out
    assert out[80:135, 198:203].min() == 200  # the stroke stays


def test_benchmarks_match_digits_in_order():
    """The benchmarks' score: a digit missed or one extra costs one, not the rest of the line."""
    from digitedge.benchmark import digits_matched

    assert digits_matched("12 34", "1234") == 4
    assert digits_matched("12345", "1245") == 4
    assert digits_matched("12345", "192345") == 5
    assert digits_matched("123", "") == 0


@given(st.integers(1, 60), st.integers(1, 60), st.integers(1, 255), st.integers(0, 2**32 - 1))
@settings(max_examples=60, deadline=None)
def test_histogram_percentiles_match_numpy(h, w, top, seed):
    from digitedge.vision.images import percentiles

    image = np.random.default_rng(seed).integers(0, top, (h, w), endpoint=True).astype(np.uint8)
    assert np.allclose(percentiles(image, (0, 50, 99.5, 100)), np.percentile(image, (0, 50, 99.5, 100)))



def test_labelling_more_marks_than_16_bits_can_count():
    from digitedge.vision.images import labelled

    specks = np.zeros((600, 600), np.uint8)
    specks[::2, ::2] = 255  # 90,000 specks, none touching another
    n, labels, stats = labelled(specks)
    assert n == 90_001 and labels[598, 598] == 90_000 and (stats[1:, cv2.CC_STAT_AREA] == 1).all()


@given(st.integers(2, 40), st.integers(0, 2**32 - 1))
@settings(max_examples=60, deadline=None)
def test_the_first_look_at_pairs_misses_no_pieces_of_one_digit(n, seed):
    from digitedge.vision.marks import _near, _same_digit

    rng = np.random.default_rng(seed)
    x0, y0 = rng.integers(0, 100, n), rng.integers(0, 100, n)
    boxes = np.stack([x0, y0, x0 + rng.integers(1, 40, n), y0 + rng.integers(1, 40, n)], 1).astype(np.int64)
    pairs = _same_digit(boxes, boxes)
    assert np.array_equal(pairs, pairs.T)  # which of two boxes is the first does not matter
    joined = {(int(i), int(j)) for i, j in np.argwhere(np.triu(pairs, 1))}
    assert joined <= {(int(i), int(j)) for i, j in zip(*_near(boxes))}


@given(st.integers(1, 40), st.integers(1, 40), st.floats(0.01, 1.0), st.integers(0, 2**32 - 1))
@settings(max_examples=60, deadline=None)
def test_a_crops_ink_peaks_at_its_90th_percentile(h, w, share, seed):
    from digitedge.vision.normalize import _peak

    rng = np.random.default_rng(seed)
    ink = rng.integers(0, 256, (h, w)).astype(np.uint8)
    mask = (rng.random((h, w)) < share).astype(np.uint8) * 255
    mask[rng.integers(0, h), rng.integers(0, w)] = 255
    values = ink[mask > 0]
    k = int(0.9 * (len(values) - 1))
    assert _peak(ink, mask) == np.partition(values, k)[k]

def test_lines_are_read_top_to_bottom():
    boxes = [(200, 300, 30, 40), (10, 10, 30, 40), (60, 15, 30, 40), (20, 290, 30, 45)]
    assert group_lines(boxes) == [1, 0, 0, 1]


def test_a_slant_few_neighbours_agree_on_does_not_group_the_lines(reader):
    """grids.py's 48-pixel sudoku, seed 1, its eleventh frame (validation digits): a row's digits
    stand a cell or more apart, so many a digit's nearest neighbour lies in the next row. The median
    slant of the 26 marks' neighbour pairs came out -7 degrees, which 3 pairs agreed with; the lines
    were grouped along it, and two rows were read across each other (76 12 6059 06 3 ...). A slant
    that fewer than half the pairs agree with is no line's: the lines are grouped level."""
    from benchmarks.grids import KINDS
    from digitedge.benchmark import digit_source

    mnist, rng = digit_source("validation"), np.random.default_rng(1)
    for _ in range(11):
        image, text = KINDS["sudoku, cells 48 px"](mnist, rng)
    assert reader.read(image, still=True).text == text == "76 1259 60 063 9387 2936 1 6360 51"


def test_lines_run_along_the_slant_their_digits_are_stood_up_by(reader):
    """conditions.py's frames turned 15 degrees, seed 1, the eighth (test digits): only 3 of its 7
    neighbour pairs agree with its slant (-15.4 degrees), enough to stand its digits upright by it;
    its lines, grouped level for that, were read as 6790 9 67488. The lines run along any slant the
    digits are stood upright by."""
    from benchmarks.conditions import CONDITIONS

    m, rng = data.load(), np.random.default_rng(1)
    for n in range(8):
        digits = rng.choice(len(m.x_test), 10, replace=False)
        frame = np.clip(CONDITIONS["turned 15 degrees"](m, digits, rng, n), 0, 255).astype(np.uint8)
    assert reader.read(frame).text == written(m, digits, 5) == "96790 67488"


def test_the_slant_says_how_many_neighbour_pairs_agree_with_it():
    """skew_of: (slant, pairs agreeing with it, pairs): a line of five digits rising 5 pixels each."""
    boxes = [(40 * k, 100 - 5 * k, 30, 40) for k in range(5)]
    skew, agreeing, pairs = skew_of(boxes)
    assert abs(skew + np.degrees(np.arctan(5 / 40))) < 0.5 and agreeing == pairs == 4


def test_a_slanted_line_is_one_line():
    """Two rows of five digits 95 pixels apart, seen 15 degrees askew (each digit 25 pixels above
    the last): no digit overlaps the line's first by half, each overlaps the next by a third."""
    rows = [[(90 + 95 * k, 200 - 25 * k + 160 * r, 34, 40) for k in range(5)] for r in range(2)]
    assert group_lines(rows[0] + rows[1]) == [0] * 5 + [1] * 5
    assert group_lines(rows[1][::-1] + rows[0][::-1]) == [1] * 5 + [0] * 5


@pytest.mark.parametrize("degrees", [20, -20, 30])
def test_lines_seen_askew_are_read_line_by_line(degrees):
    """Two rows of five digits, 95 pixels apart, seen 20 or 30 degrees askew: the line of the
    writing's slant gives each digit's line, and nearest neighbours' boxes overlap the next row's."""
    t = np.radians(degrees)
    rows = [[(int(90 + 95 * k * np.cos(t) - 130 * r * np.sin(t)), int(200 + 95 * k * np.sin(t) + 130 * r * np.cos(t)), 50, 50)
             for k in range(5)] for r in range(2)]
    skew, agreeing, _ = skew_of(rows[0] + rows[1])
    assert abs(skew - degrees) < 1 and agreeing >= 6
    assert group_lines(rows[0] + rows[1], skew) == [0] * 5 + [1] * 5
    assert group_lines(rows[1][::-1] + rows[0][::-1], skew) == [1] * 5 + [0] * 5


def test_handwritings_own_slant_does_not_turn_digits():
    """Three digits of uneven heights on one line (a 9 whose tail was lost): their centres agree on no
    slant, so none is turned."""
    _, agreeing, _ = skew_of([(105, 175, 95, 112), (369, 207, 52, 117), (247, 201, 65, 62)])
    assert agreeing < 3


def test_a_crop_is_turned_without_losing_ink():
    bar = np.zeros((10, 60), np.uint8)
    bar[3:7, :] = 200
    ink, mask = turned(bar, (bar > 0).astype(np.uint8) * 255, 90)
    ys, xs = np.nonzero(mask)
    assert np.ptp(ys) >= 55 and np.ptp(xs) <= 6  # standing up, all of it on the canvas
    assert abs(int(ink.sum()) - int(bar.sum())) < 0.05 * int(bar.sum())


@pytest.mark.parametrize("degrees", [20, -20, 30])
def test_a_page_seen_askew_is_read(reader, degrees):
    """A page turned 20-30 degrees (a phone held at a slant): lines by the writing's slant, each digit
    stood upright before it is classified (the model learnt turns of up to 10 degrees)."""
    from benchmarks.conditions import page
    from benchmarks.conditions import turned as page_turned

    m = data.load()
    digits = [0, 1, 2, 3, 4, 10, 11, 12, 13, 14]
    frame = np.clip(page_turned(page(m, digits), degrees), 0, 255).astype(np.uint8)
    assert reader.read(frame).text == written(m, digits, 5)


def sheet_at_an_angle(side: str, seed: int, ratio: float = 0.45):
    """A sample-style sheet on a dark desk, its far side `ratio` as wide as its near side (the
    angles benchmark's staging): (frame, text, digit boxes in the frame)."""
    from benchmarks.angles import corners
    from camera_demo.generate_samples import _frame_boxes, _lighting, _text, photograph, sheet

    m = data.load()
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(m.x_test), 10, replace=False)
    canvas, boxes, _ = sheet(rng, m.x_test[idx], m.y_test[idx], [5, 5])
    frame, homography, _ = photograph(rng, canvas, base=(corners(ratio, side, rng), np.array([70.0, 60.0, 50.0]), _lighting(rng)))
    digits = _frame_boxes(boxes, homography)
    return frame, _text(digits), [d["box"] for d in digits]


@pytest.mark.parametrize("side, seed", [("top", 0), ("top", 7), ("left", 9)])
def test_a_sheet_photographed_at_an_angle_is_read_as_seen_head_on(reader, side, seed):
    """The far side 45% as wide as the near side: the paper's lines converge and the far digits are
    sheared. Read rectified, the digits' boxes come back onto the frame as seen, and so does the mask."""
    from benchmarks.pipeline import same_place

    frame, text, boxes = sheet_at_an_angle(side, seed)
    reading = reader.read(frame)
    assert reading.text == text
    assert len(reading.digits) == len(boxes)
    for box in boxes:  # each digit's box holds the centre of the box read for it, and the other way round
        assert sum(same_place(d.box, box) for d in reading.digits) == 1
    assert reading.mask.back is not None and reading.mask.image.shape == frame.shape[:2]


def test_a_sheet_seen_head_on_or_running_out_of_the_view_is_not_rectified():
    from digitedge.vision.sheet import keystone

    assert keystone(None) is None
    assert keystone(np.zeros((60, 80), bool)) is None
    square = np.zeros((60, 80), bool)
    square[10:50, 15:65] = True
    assert keystone(square) is None  # head-on
    def trapezoid(top: int) -> np.ndarray:  # the far side 20 wide, the near side 60
        return cv2.fillConvexPoly(np.zeros((60, 80), np.uint8), np.int32([[30, top], [50, top], [70, 52], [10, 52]]), 1).view(bool)

    assert np.allclose(keystone(trapezoid(8)), [[30.5, 8.5], [50.5, 8.5], [70.5, 52.5], [10.5, 52.5]], atol=1)
    assert keystone(trapezoid(0)) is None  # its far side on the view's border: maybe not its edge
    for path in sorted(SAMPLES.glob("frame_*.jpg"))[:10]:  # the samples' slight perspective is read as it is
        assert segment(cv2.imread(str(path)))[1].back is None


def test_a_sheet_on_a_dark_desk_covering_less_than_half_the_view_is_paper(reader):
    """A white sheet on a dark desk: the view's median is the desk's, far darker than its brightest
    part, as a board's is, but its bright part is broad, not strokes: dark ink on light paper."""
    from digitedge.vision.paper import polarity_of

    m = data.load()
    frame = np.full((480, 640), 45, np.float32)
    frame[150:330, 170:470] = 230
    for k in range(3):
        cell = cv2.resize(m.x_test[k], (60, 60), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
        frame[210:270, 200 + 80 * k : 260 + 80 * k] *= 1 - 0.85 * cell
    frame = cv2.GaussianBlur(np.clip(frame, 0, 255).astype(np.uint8), (3, 3), 0)
    assert polarity_of(frame, "auto") == "dark-on-light"
    assert reader.read(frame).text == "".join(str(m.y_test[k]) for k in range(3))


def test_a_black_and_white_scan_of_squared_paper_is_read(reader):
    """benchmarks/scans.py: a scanner app's black-and-white filter breaks a squared sheet's faint
    lines into dashes and dots that line removal, made for a camera's grey lines, left as marks
    (8-11 of 20 pages read exactly, against 19-20 photographed). A two-level image is softened first
    (paper.softened); a grey one, however clean, is left as it is."""
    from benchmarks.scans import black_and_white, squared
    from digitedge.benchmark import cells, photographed, two_rows
    from digitedge.vision.paper import softened

    m, rng = data.load(), np.random.default_rng(0)
    for _ in range(4):
        digits = rng.choice(len(m.x_test), 10, replace=False)
        page = black_and_white(photographed(squared(two_rows(cells(m, digits)), rng), rng))
        assert reader.read(page, still=True).text == written(m, digits, 5)
    assert np.array_equal(softened(cv2.GaussianBlur(page, (3, 3), 0)), cv2.GaussianBlur(page, (3, 3), 0))


def test_a_black_and_white_scan_saved_as_a_jpeg_is_read(reader):
    """The same pages saved as JPEGs (quality 75), as scanner apps save them: the ringing puts grey
    round every edge, so the page holds two levels no longer, but most of its pixels lie near one of
    them (paper.softened). Taken for a photo, 12 of scans.py's 20 squared pages were read exactly.
    A clean render in black and white is not taken for one: its digits' edges are grey ramps."""
    from benchmarks.scans import black_and_white, squared
    from benchmarks.touching import row
    from digitedge.benchmark import as_jpeg, cells, photographed, two_rows
    from digitedge.vision.paper import softened

    m, rng = data.load(), np.random.default_rng(0)
    for _ in range(4):
        digits = rng.choice(len(m.x_test), 10, replace=False)
        page = as_jpeg(black_and_white(photographed(squared(two_rows(cells(m, digits)), rng), rng)))
        assert reader.read(page, still=True).text == written(m, digits, 5)
    assert softened(page) is not page
    # (test_conditions' slanted touching row, whose reading changed softened, stretched to black and white)
    render = cv2.normalize(row(m, digits[:5], 70, 0.6, 25), None, 0, 255, cv2.NORM_MINMAX)
    assert softened(render) is render


def test_a_piece_cut_from_touching_digits_is_joined_where_it_lies():
    """A piece cut from a blob of two touching digits keeps the blob's canvas, its box where it lies
    on it (Candidate.offset). Joined to a piece of its own written apart (a 5's flag above it), it
    was laid on the canvas by its box as if its ink started there, and at a scale measured as the
    blob's width over its own box's: the flag landed inside the digit and the digit off its box."""
    from digitedge.vision.blobs import Candidate, Placement
    from digitedge.vision.cuts import _candidate
    from digitedge.vision.reader import _together

    shape = np.zeros((40, 60), np.uint8)
    shape[5:35, 2:26] = 255  # the left digit
    shape[10:40, 32:58] = 255  # the right one, touching it along a bridge
    shape[20:22, 26:32] = 255
    right = shape.copy()
    right[:, :32] = 0
    piece = _candidate(right, shape, shape, 10, 10, Placement(1.0, 0.0, (200, 200)))
    assert piece.box == (42, 20, 26, 30) and piece.offset == (32, 10)
    flag = Candidate((44, 12, 20, 4), np.full((4, 20), 200, np.uint8), np.full((4, 20), 255, np.uint8), scale=1.0)
    joined = _together([piece, flag])
    assert joined.box == (42, 12, 26, 38)
    ox, oy = joined.offset
    ink = joined.ink[oy : oy + 38, ox : ox + 26]
    assert ink[0:4, 2:22].all() and not ink[4:8].any()  # the flag above, the gap under it
    assert ink[8:38].all()  # the digit under it, filling its box
    assert np.count_nonzero(joined.ink) == np.count_nonzero(ink)  # nothing of them outside the box
