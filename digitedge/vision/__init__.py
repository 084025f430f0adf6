"""The edge vision pipeline: frame -> digit crops -> 28x28 MNIST-style -> labels, lines, text."""

# A crop is read only if its top probability and its lead over the runner-up reach these; else it is
# shown as "?" and left out of the text. Chosen on the development sample sets (seeds 0, 1, 4, 5, 6)
# for the shipped model, which trains with label smoothing (0.1) and so is never near-certain
# (its confident outputs are about 0.91); held-out sets read as the unsmoothed model did at 0.6 / 0.3.
# Here, not in reader.py, so that the CLI can show them without importing OpenCV.
MIN_CONFIDENCE = 0.4
MIN_MARGIN = 0.15
# A crop standing in a line of digits as one of them (a line of 3 or more marks, and about as tall as its
# others) is a digit: the question is only which, and its likeliest reading is taken at this top
# probability, with no lead asked for. Chosen on the validation-digit sample sets (seeds 100-104) and
# the development sets. Setting either threshold above makes every crop meet the thresholds set.
IN_LINE_CONFIDENCE = 0.25
# A mark found only by looking again under glare (segment: ink washed out by a reflection, its
# contrast brought back) is read only at this top probability, in a line of digits or not: where the
# page's own light passed for glare, what it brings back is writing showing through from the back
# (read at 0.4-0.66), where a digit washed out by glare reads at 0.9 or more (folds.py seeds 0 and 1,
# show_through.py on the sample set).
WASHED_CONFIDENCE = 0.8
# The handwriting camera and predict expect (--writing), and the folder within exports/ of the model
# shipped for it (reader.default_model). The continental model is the edge preset trained with
# --styles 0.3 --pen-faults 0.5 (README, Training): it reads those forms, and MNIST's own a little worse.
WRITINGS = {"mnist": "",  # as MNIST's (American) writers wrote: the default, exports/ itself
            "continental": "continental"}  # 7s crossed, 1s with a long lead-in stroke, as most of Europe writes
