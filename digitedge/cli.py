"""The digitedge command: thin click wrappers; heavy imports live inside each command."""

from __future__ import annotations

import math
import os
import re
import sys
from contextlib import contextmanager

import click

from digitedge.errors import DigitEdgeError
from digitedge.train import PRESETS  # a plain dict: no TensorFlow at import time
from digitedge.vision import IN_LINE_CONFIDENCE, MIN_CONFIDENCE, MIN_MARGIN, WRITINGS  # plain values: no OpenCV at import time


def _per_preset(key: str) -> str:
    return "[default: the preset's: " + ", ".join(f"{name} {p[key]}" for name, p in PRESETS.items()) + "]"

PATH_IN = click.Path(exists=False, dir_okay=True, file_okay=True)


class Number(click.FloatRange):
    """click's FloatRange, less "nan" and "inf", which it lets through (--lr nan or inf trained a model
    to 9.8%, until early stopping)."""

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number


@contextmanager
def _user_errors():
    """Turn the library's own exceptions into one-line click errors (exit 1), never a traceback."""
    try:
        yield
    except DigitEdgeError as e:
        raise click.ClickException(str(e)) from None


# what TensorFlow's C++ libraries log as they load, before absl reads TF_CPP_MIN_LOG_LEVEL: INFO lines
# (oneDNN's custom operations, no CUDA drivers) and absl's note that they go to stderr
_ABSL_INFO = re.compile(r"I\d{4} [\d:.]+ +\d+ \S+:\d+\] |WARNING: All log messages before absl::InitializeLog\(\)")


def _native_info_dropped():
    """What is written to the process's stderr meanwhile, less absl's INFO lines (_ABSL_INFO), which
    TF_CPP_MIN_LOG_LEVEL cannot silence: everything else is passed on after."""
    from digitedge.quiet import dropped

    return dropped(_ABSL_INFO)


def _training_side(command: str) -> None:
    """Quiet TensorFlow's start-up logs, or say how to install it where it is missing (a device)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        with _native_info_dropped():
            import tensorflow  # noqa: F401
    except ImportError:
        raise click.ClickException(
            f"'digitedge {command}' needs TensorFlow; install the training extra: pip install 'digitedge[train]'"
        ) from None
    import warnings

    warnings.filterwarnings("ignore", module="keras")
    warnings.filterwarnings("ignore", module="tf2onnx")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "show_default": True})
@click.version_option(package_name="digitedge")
def cli():
    """Train, export and run handwritten digit recognition on the edge."""


@cli.command()
@click.option("--preset", type=click.Choice(["edge", "seed", "quick"]), default="edge",
              help="Network: edge (small, accurate), seed (the classic CNN), quick (demos and tests).")
@click.option("--epochs", type=click.IntRange(1), default=None, help=f"Epochs {_per_preset('epochs')}.")
@click.option("--batch-size", type=click.IntRange(1), default=128, help="Images per training step.")
@click.option("--lr", type=Number(min=0, min_open=True), default=None,
              help=f"Peak learning rate {_per_preset('lr')}.")
@click.option("--schedule", type=click.Choice(["cosine", "plateau"]), default=None,
              help=f"Learning-rate annealing: cosine (warm-up, then cosine to zero) or plateau (halve on a stalled validation accuracy) {_per_preset('schedule')}.")
@click.option("--weight-decay", type=Number(min=0), default=None,
              help=f"Decoupled weight decay (AdamW) of the kernels; 0 is plain Adam {_per_preset('weight_decay')}.")
@click.option("--label-smoothing", type=Number(0, 1, max_open=True), default=None,
              help=f"Smooth the training targets towards uniform by this much {_per_preset('label_smoothing')}.")
@click.option("--val-size", type=click.IntRange(1), default=5000, help="Training images held out for validation.")
@click.option("--patience", type=click.IntRange(1), default=10, help="Early stopping: epochs without a better validation accuracy.")
@click.option("--augment/--no-augment", default=True, help="Random rotation, zoom and shift (never flips).")
@click.option("--rotation", type=Number(0, 45), default=10.0, help="Max rotation, degrees.")
@click.option("--zoom", type=Number(0, 0.5), default=0.1, help="Max zoom in or out, fraction.")
@click.option("--shift", type=Number(0, 0.5), default=0.1, help="Max shift, fraction of the side.")
@click.option("--elastic", type=Number(0, 4), default=0.0,
              help="Elastic distortion: pixels move this far on average along a smooth random field; 0 is none.")
@click.option("--pen-faults", type=Number(0, 1), default=0.0,
              help="Share of images given a pen's faults (skips, a faint stretch, a slight blur); 0 is none.")
@click.option("--styles", type=Number(0, 1), default=0.0,
              help="Share of the 7s and of the 1s redrawn as most of Europe writes them (a bar across the 7, a flag on the 1); 0 is none.")
@click.option("--negatives", type=Number(0, 1), default=0.0,
              help="Add letters and symbols (marks that are no digit), this share of the training images in number, "
                   "taught to read as no digit in particular, so camera and predict leave them out, and as many "
                   "digits printed in the same fonts; 0 is none.")
@click.option("--seed", type=int, default=0, help="Random seed; the same seed repeats a run exactly.")
@click.option("--split-seed", type=int, default=0,
              help="Seed of the draw of validation images: the same images for every --seed unless changed.")
@click.option("--train-limit", type=click.IntRange(1), default=None, help="Train on only this many images (smoke runs) [default: all].")
@click.option("--data", type=PATH_IN, default=None, help="MNIST as an IDX folder (gzip or raw) or a Keras mnist.npz [default: the embedded copy].")
@click.option("--out", type=click.Path(file_okay=False), default="runs", help="Parent folder of run folders.")
def train(**options):
    """Train a CNN on MNIST into a new run folder under --out."""
    _training_side("train")
    from digitedge.train import TrainConfig, train as run_training

    with _user_errors():
        run_training(TrainConfig(**options))


@cli.command()
@click.option("--int8", is_flag=True, help="Also write full-integer int8 TFLite and statically quantised (QDQ) int8 ONNX.")
@click.option("--run", "run", type=click.Path(file_okay=False), default=None, help="Run folder to export [default: the latest under --runs].")
@click.option("--model", type=click.Path(dir_okay=False), default=None, help="A .keras model file to export instead of a run's.")
@click.option("--runs", type=click.Path(file_okay=False), default="runs", help="Where to look for the latest run.")
@click.option("--out", type=click.Path(file_okay=False), default="exports", help="Output folder; files are replaced only after all pass verification.")
@click.option("--calib-count", type=click.IntRange(1, 60000), default=1000, help="Training images used to calibrate int8.")
@click.option("--calib-seed", type=int, default=0, help="Seed of the random draw of calibration images.")
@click.option("--calib-method", type=click.Choice(["minmax", "entropy", "percentile"]), default="minmax", help="ONNX activation calibration method.")
@click.option("--per-channel/--per-tensor", default=True, help="Per-channel or per-tensor int8 weight scales.")
@click.option("--reduce-range/--full-range", default=True,
              help="ONNX int8: 7-bit weights. Full 8-bit weights lose accuracy on x86 CPUs without VNNI (u8 x s8 saturation).")
@click.option("--opset", type=click.IntRange(9, 18), default=17, help="ONNX opset.")
@click.option("--data", type=PATH_IN, default=None, help="MNIST for calibration and verification [default: the embedded copy].")
def export(**options):
    """Export a trained model to TFLite and ONNX and verify every file against it."""
    if options["run"] and options["model"]:
        raise click.UsageError("pass --run or --model, not both")
    _training_side("export")
    from digitedge.export import ExportConfig, export as run_export

    with _user_errors():
        run_export(ExportConfig(**options), log=_echo)


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False), default="exports")
@click.option("--data", type=PATH_IN, default=None, help="MNIST holding the test set [default: the embedded copy].")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON instead of a table.")
def verify(folder, data, as_json):
    """Check exported files against the Keras reference on the 10k test images (no TensorFlow needed)."""
    import json

    from digitedge import data as mnist_data
    from digitedge import verify as verification

    with _user_errors():
        results = verification.verify(folder, mnist=mnist_data.load(data), log=(lambda _: None) if as_json else _echo,
                                      skip_missing=True)
    if as_json:
        click.echo(json.dumps(results))


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--threads", type=click.IntRange(1), multiple=True, help="Thread counts to measure (repeatable) [default: 1 and all cores].")
@click.option("--runs", type=click.IntRange(10), default=300, help="Batch-1 inferences timed per file and thread count.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per measurement instead of a table.")
def benchmark(paths, threads, runs, as_json):
    """Size, accuracy, batch-1 latency and batch-256 throughput of exported files (default: exports/)."""
    import json

    from digitedge import benchmark as bench

    with _user_errors():
        rows = bench.run(list(paths) or ["exports"], list(threads) or None, runs,
                         log=(lambda _: None) if as_json else _echo)
    for row in rows if as_json else []:
        click.echo(json.dumps(row))


MODEL_HELP = "Exported model (.onnx or .tflite) [default: exports/digitedge_int8.onnx here, else the one shipped with digitedge]."


def _writing(command):
    """--writing: which shipped model reads the digits, by the handwriting expected."""
    return click.option("--writing", type=click.Choice(list(WRITINGS)), default=None,
                        help="The handwriting to expect, which picks the shipped model: mnist (as MNIST's American "
                             "writers wrote) or continental (7s crossed, 1s with a long lead-in stroke, as most of "
                             f"Europe writes: exports/{WRITINGS['continental']}/) [default: mnist]. Not with --model.")(command)


def _model_for(model: str | None, writing: str | None) -> str | None:
    """The model to read with: --model, or the shipped one for --writing (None: the default)."""
    if writing is None:
        return model
    if model is not None:
        raise click.UsageError("pass --model or --writing, not both (--writing picks one of the shipped models)")
    from digitedge.vision.reader import default_model

    path = default_model(writing)
    if not path.is_file():  # (a checkout without it: the model is trained and exported like any other)
        raise click.ClickException(f"no model for --writing {writing} at {path}; train one with 'digitedge train "
                                   f"--styles 0.3 --pen-faults 0.5', export it with 'digitedge export --int8 --out "
                                   f"{path.parent}', or pass --model")
    return str(path)


def _rejection(command):
    """--min-confidence and --min-margin: when a crop is shown as '?' instead of read."""
    command = click.option("--min-margin", type=Number(0, 1), default=None,
                           help=f"Read a digit only this far ahead of the runner-up; else '?', left out of the text "
                                f"[default: {MIN_MARGIN}, none in a line of digits].")(command)
    return click.option("--min-confidence", type=Number(0, 1), default=None,
                        help=f"Read a digit only at this top probability or more; else '?', left out of the text "
                             f"[default: {MIN_CONFIDENCE}; {IN_LINE_CONFIDENCE} for a mark standing in a line of digits "
                             f"as one of them; setting either option holds every mark to both].")(command)


@cli.command()
@click.option("--source", default="0", help="Camera index, network stream URL (rtsp://, http://), video file, image "
              "file or folder of images.")
@click.option("--model", type=click.Path(dir_okay=False), default=None, help=MODEL_HELP)
@click.option("--record", type=click.Path(dir_okay=False), default=None, help="Write the annotated frames to this .mp4 or .avi.")
@click.option("--no-display", is_flag=True, help="Run headless (also automatic when there is no display).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per frame.")
@click.option("--max-frames", type=click.IntRange(1), default=None, help="Stop after this many frames [default: until the source ends or q].")
@click.option("--steady/--no-steady", default=True, help="Vote over recent frames so a still sheet's reading does not flicker.")
@click.option("--skip-unchanged/--read-every-frame", default=True,
              help="Keep the last reading while the view has not changed (a still sheet under a camera on a stand; "
                   "read again every 5th frame all the same), instead of reading every frame.")
@click.option("--threads", type=click.IntRange(1), default=None, help="Inference threads [default: the runtime's choice].")
@_writing
@_rejection
def camera(source, model, record, no_display, as_json, max_frames, steady, skip_unchanged, threads, writing,
           min_confidence, min_margin):
    """Live recognition from a webcam, a network stream, a video, an image or a folder. Keys: q quit, s snapshot, m mask."""
    from digitedge.vision import camera as cam

    model = _model_for(model, writing)
    with _user_errors():
        summary = cam.run(source, model, record=record, display=not no_display, as_json=as_json,
                          max_frames=max_frames, steady=steady, threads=threads, min_confidence=min_confidence,
                          min_margin=min_margin, skip_unchanged=skip_unchanged, log=_echo)
    if summary["frames"] == 0:
        raise click.ClickException(f"no frame could be read from {source}")
    if not as_json:
        kept = summary["frames"] - summary["read"]
        _echo(f"{summary['frames']} frames, {summary['mean_ms']:.1f} ms of processing per frame"
              + (f" ({summary['read']} read, {summary['read_ms']:.1f} ms each; {kept} unchanged, keeping the reading)" if kept else "")
              + (f"; wrote {record}" if record else ""), err=True)


@cli.command()
@click.argument("images", nargs=-1, required=True, type=click.Path())  # files or folders of images
@click.option("--model", type=click.Path(dir_okay=False), default=None, help=MODEL_HELP)
@click.option("--single", is_flag=True, help="Treat each image as one digit instead of finding the digits in it.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per image.")
@click.option("--annotate", type=click.Path(), default=None,
              help="Also write each image with its boxes, labels and text drawn into this folder (NAME.digits.jpg).")
@click.option("-r", "--recursive", is_flag=True,
              help="Read the images in a folder's subfolders too (a dataset kept in a folder per label).")
@_writing
@_rejection
def predict(images, model, single, as_json, annotate, recursive, writing, min_confidence, min_margin):
    """Read the handwritten digits in image files (a folder stands for the images in it)."""
    from digitedge.vision.predict import predict as run_predict

    model = _model_for(model, writing)
    with _user_errors():
        failed, tried = run_predict(list(images), model, single=single, as_json=as_json,
                                    min_confidence=min_confidence, min_margin=min_margin, log=_echo,
                                    annotate=annotate, recursive=recursive)
    if annotate is not None and tried > failed:
        _echo(f"wrote {tried - failed} annotated image(s) to {annotate}", err=True)
    if failed:
        raise click.ClickException(f"{failed} of {tried} file(s) could not be read")


def _echo(message: str, err: bool = False) -> None:
    click.echo(message, err=err)
    (sys.stderr if err else sys.stdout).flush()


def main():
    cli(prog_name="digitedge")  # click turns a Ctrl-C outside training into "Aborted!", exit 1


if __name__ == "__main__":
    sys.exit(main())
