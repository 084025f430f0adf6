"""TrainConfig and train(): one Keras run on MNIST into a run folder."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from digitedge import contract, data, negatives, styles
from digitedge.errors import DigitEdgeError

LEARNED = 0.5  # a run whose best validation accuracy is under this learnt little (quick's first epoch: about 0.97)


@dataclass(frozen=True)
class TrainConfig:
    preset: str = "edge"  # network: edge (default), seed (the classic CNN) or quick (demos, tests)
    epochs: int | None = None  # None: the preset's own (see PRESETS)
    batch_size: int = 128  # images per step
    lr: float | None = None  # peak learning rate; None: the preset's own
    schedule: str | None = None  # cosine (warm-up then cosine to zero) or plateau; None: the preset's
    weight_decay: float | None = None  # decoupled (AdamW) decay of conv and dense kernels; None: the preset's
    label_smoothing: float | None = None  # targets 1 - s + s/10 and s/10 instead of 1 and 0; None: the preset's
    val_size: int = 5000  # training images held out for validation (the test set is never used)
    patience: int = 10  # early stopping: epochs without a better validation accuracy
    augment: bool = True  # random rotation, zoom and shift (never flips)
    rotation: float = 10.0  # max rotation, degrees
    zoom: float = 0.1  # max zoom in or out, fraction
    shift: float = 0.1  # max shift, fraction of the side
    elastic: float = 0.0  # elastic distortion: pixels move this far on average along a smooth random field; 0: none
    pen_faults: float = 0.0  # this share of images gets a pen's faults (skips, a faint stretch, blur: pen_fault_layer); 0: none
    styles: float = 0.0  # this share of the 7s and of the 1s are redrawn in their continental form (digitedge.styles); 0: none
    negatives: float = 0.0  # marks that are no digit (letters, symbols: digitedge.negatives), this share of the
    # training images in number, added with a uniform target, and as many digits printed in the same fonts; 0: none
    seed: int = 0  # seeds numpy, TF and Keras; with op determinism, a run repeats exactly
    split_seed: int = 0  # draws the validation images: the same for every seed unless changed
    train_limit: int | None = None  # use only this many training images (tests, smoke runs)
    data: str | None = None  # IDX folder or mnist.npz; None: the embedded copy
    out: str = "runs"  # parent folder of run folders


# Per-preset defaults for the fields left as None; these reproduce the README's numbers.
PRESETS = {
    "edge": dict(epochs=30, lr=3e-3, schedule="cosine", weight_decay=0.0, label_smoothing=0.1),
    "seed": dict(epochs=15, lr=1e-3, schedule="cosine", weight_decay=0.0, label_smoothing=0.0),
    "quick": dict(epochs=2, lr=3e-3, schedule="cosine", weight_decay=0.0, label_smoothing=0.0),
}


def resolve(cfg: TrainConfig) -> TrainConfig:
    """Fill the preset's defaults into the fields left as None, and check the rest."""
    if cfg.preset not in PRESETS:
        raise DigitEdgeError(f"unknown preset {cfg.preset!r}; choose one of {', '.join(PRESETS)}")
    p = PRESETS[cfg.preset]
    cfg = dataclasses.replace(
        cfg,
        epochs=cfg.epochs or p["epochs"],
        lr=cfg.lr or p["lr"],
        schedule=cfg.schedule or p["schedule"],
        weight_decay=p["weight_decay"] if cfg.weight_decay is None else cfg.weight_decay,
        label_smoothing=p["label_smoothing"] if cfg.label_smoothing is None else cfg.label_smoothing,
    )
    if cfg.schedule not in ("cosine", "plateau"):
        raise DigitEdgeError(f"unknown schedule {cfg.schedule!r}; choose cosine or plateau")
    if cfg.weight_decay < 0:
        raise DigitEdgeError("--weight-decay must be at least 0")
    if not 0 <= cfg.label_smoothing < 1:
        raise DigitEdgeError("--label-smoothing must be at least 0 and below 1")
    if not 0 <= cfg.styles <= 1:
        raise DigitEdgeError("--styles must be from 0 to 1")
    if not 0 <= cfg.negatives <= 1:
        raise DigitEdgeError("--negatives must be from 0 to 1")
    if cfg.epochs < 1 or cfg.batch_size < 1:
        raise DigitEdgeError("--epochs and --batch-size must be at least 1")
    return cfg


def new_run_dir(out: str, preset: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = Path(out) / f"{preset}-{stamp}"
    run, n = base, 1
    while run.exists():
        n += 1
        run = Path(f"{base}-{n}")
    run.mkdir(parents=True)
    return run


def latest_run(out: str | Path = "runs") -> Path | None:
    """The most recently finished run folder under `out` (one holding model.keras and metrics.json)."""
    runs = [p.parent for p in Path(out).glob("*/metrics.json") if (p.parent / "model.keras").is_file()]
    return max(runs, key=lambda p: (p / "metrics.json").stat().st_mtime, default=None)


def atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def _log(message: str) -> None:
    print(message, flush=True)  # flushed: progress must show when stdout is a file or a pipe


def train(cfg: TrainConfig, log=_log) -> Path:
    """Train, keep the best validation model, evaluate it on the test set; returns the run folder."""
    cfg = resolve(cfg)
    mnist = data.load(cfg.data)  # before TensorFlow, so a bad path fails fast

    import keras
    import tensorflow as tf

    from digitedge import model as nets
    from digitedge import report
    from digitedge.callbacks import BestModel, Diverged, Progress

    keras.utils.set_random_seed(cfg.seed)
    tf.config.experimental.enable_op_determinism()  # the parallel augmentation map needs it

    # (held out by their own seed: models of two seeds are compared on the same images, and none trained
    # on the benchmarks' validation digits, benchmark.digit_source)
    x_fit, y_fit, x_val, y_val = data.split_validation(mnist, cfg.val_size, cfg.split_seed)
    if cfg.train_limit:
        x_fit, y_fit = x_fit[: cfg.train_limit], y_fit[: cfg.train_limit]
    restyled = 0
    if cfg.styles:  # (the training images only: validation stays MNIST as it is)
        x_fit, restyled = styles.restyle(x_fit, y_fit, cfg.styles, cfg.seed + 5)
    added = round(cfg.negatives * len(x_fit))
    if added:  # (label -1: the loss's uniform target; validation stays MNIST's digits alone)
        printed, labels = negatives.printed_digits(added, cfg.seed + 7)
        x_fit = np.concatenate([x_fit, negatives.negatives(added, cfg.seed + 6), printed])
        y_fit = np.concatenate([y_fit.astype(np.int32), np.full(added, -1, np.int32), labels.astype(np.int32)])
    run = new_run_dir(cfg.out, cfg.preset)
    atomic_write_text(run / "config.json", json.dumps(dataclasses.asdict(cfg), indent=2) + "\n")
    log(f"run folder {run}; {len(x_fit)} training, {len(x_val)} validation images from {mnist.source}"
        + (f"; {restyled} 7s and 1s in their continental form" if cfg.styles else "")
        + (f"; {added} of them marks that are no digit, and {added} digits printed in the same fonts" if added else ""))

    net = nets.build(cfg.preset)
    steps = math.ceil(len(x_fit) / cfg.batch_size)
    net.compile(optimizer=_optimizer(cfg, steps), loss=nets.loss(cfg.label_smoothing, bool(added)), metrics=["accuracy"])
    log(f"{cfg.preset}: {net.count_params():,} parameters, {nets.macs(net):,} multiply-adds per image")

    fit_ds = _dataset(cfg, contract.to_input(x_fit), y_fit, tf, keras)
    best = BestModel(run / "model.keras", log)
    diverged = Diverged()
    callbacks = [diverged, best, Progress(cfg.epochs, log), keras.callbacks.CSVLogger(str(run / "history.csv"))]
    callbacks.append(keras.callbacks.EarlyStopping("val_accuracy", patience=cfg.patience, mode="max"))
    if cfg.schedule == "plateau":
        callbacks.append(keras.callbacks.ReduceLROnPlateau("val_accuracy", factor=0.5, patience=3, min_lr=1e-5, mode="max"))

    start = time.perf_counter()
    interrupted = False
    try:
        net.fit(fit_ds, validation_data=eval_batches(contract.to_input(x_val), y_val, tf), epochs=cfg.epochs,
                callbacks=callbacks, verbose=0)
    except KeyboardInterrupt:
        interrupted = True
        log("interrupted: keeping the best model so far")
    seconds = time.perf_counter() - start
    lower = f"try a lower --lr than {cfg.lr:g}"
    if best.weights is None:
        shutil.rmtree(run, ignore_errors=True)  # no half-made run folder for 'export' to trip over
        if diverged.epoch:
            raise DigitEdgeError(f"training diverged in epoch {diverged.epoch} (the loss is not a number); "
                                 f"nothing was saved; {lower}")
        raise DigitEdgeError("stopped before the first epoch ended; nothing was saved")
    if diverged.epoch:
        log(f"training diverged in epoch {diverged.epoch} (the loss is not a number): keeping the best model "
            f"before it, epoch {best.epoch}; {lower}")
    if best.val_accuracy < LEARNED:
        log(f"warning: the model learnt little (best validation accuracy {best.val_accuracy:.1%}; guessing gets "
            f"10%): too few images or epochs, or a learning rate too high (this run's: {cfg.lr:g})")
    net.set_weights(best.weights)

    probs = net.predict(eval_batches(contract.to_input(mnist.x_test), None, tf), verbose=0)
    metrics = report.metrics(probs, mnist.y_test)
    metrics.update(
        preset=cfg.preset, parameters=int(net.count_params()), macs=nets.macs(net),
        train_seconds=round(seconds, 1), epochs_run=best.epochs_seen, best_epoch=best.epoch,
        best_val_accuracy=best.val_accuracy, seconds_per_epoch=round(seconds / max(best.epochs_seen, 1), 2),
        interrupted=interrupted, train_images=len(x_fit), negatives=added, val_images=len(x_val), peak_rss_mb=_peak_rss_mb(),
    )
    report.pictures(run, probs, mnist.x_test, mnist.y_test, metrics)
    atomic_write_text(run / "metrics.json", json.dumps(metrics, indent=2) + "\n")
    log(f"test accuracy {metrics['test_accuracy']:.2%} (best epoch {best.epoch}, {seconds:.0f}s); wrote {run}")
    return run


def _peak_rss_mb() -> float | None:
    try:
        import resource
    except ImportError:  # Windows
        return None
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux reports KiB


def _optimizer(cfg: TrainConfig, steps_per_epoch: int):
    import keras

    lr = cfg.lr
    if cfg.schedule == "cosine":
        total = cfg.epochs * steps_per_epoch
        warmup = min(steps_per_epoch, total // 10)
        lr = keras.optimizers.schedules.CosineDecay(
            0.0, decay_steps=total - warmup, warmup_target=cfg.lr, warmup_steps=warmup)
    if not cfg.weight_decay:
        return keras.optimizers.Adam(learning_rate=lr)
    optimizer = keras.optimizers.AdamW(learning_rate=lr, weight_decay=cfg.weight_decay)
    optimizer.exclude_from_weight_decay(var_names=["gamma", "beta", "bias"])  # kernels only
    return optimizer


def _without_autotune(ds, tf):
    """tf.data's autotuner stalls the whole process for seconds at a time on this project's 2-core
    machine (every thread asleep, 8 s of a 21 s epoch): fixed parallelism instead.
    benchmarks/data_stalls.py measures it; BENCHMARKS.md has the figures."""
    options = tf.data.Options()
    options.autotune.enabled = False
    return ds.with_options(options)


def eval_batches(x: np.ndarray, y: np.ndarray | None, tf, batch: int = 512):
    """Evaluation batches in order (what fit and predict would build from arrays, minus the autotuner)."""
    ds = tf.data.Dataset.from_tensor_slices(x if y is None else (x, y.astype(np.int32)))
    return _without_autotune(ds.batch(batch).prefetch(2), tf)


def _dataset(cfg: TrainConfig, x: np.ndarray, y: np.ndarray, tf, keras):
    ds = tf.data.Dataset.from_tensor_slices((x, y.astype(np.int32)))
    ds = ds.shuffle(len(x), seed=cfg.seed, reshuffle_each_iteration=True).batch(cfg.batch_size)
    if cfg.augment:
        augment = augmenter(cfg, keras)
        ds = ds.map(lambda a, b: (augment(a, training=True), b), num_parallel_calls=min(4, os.cpu_count() or 1))
    return _without_autotune(ds.prefetch(2), tf)


def augmenter(cfg: TrainConfig, keras):
    """Random rotation, zoom and shift of a batch (N, 28, 28, 1), then an elastic distortion if
    cfg.elastic; never flips."""
    # fill with 0 (background): the default 'reflect' would mirror ink into the borders
    layers = [
        keras.layers.RandomRotation(cfg.rotation / 360.0, fill_mode="constant", seed=cfg.seed),
        keras.layers.RandomZoom(cfg.zoom, fill_mode="constant", seed=cfg.seed + 1),
        keras.layers.RandomTranslation(cfg.shift, cfg.shift, fill_mode="constant", seed=cfg.seed + 2),
    ]
    if cfg.elastic:
        layers.append(elastic_layer(cfg.elastic, seed=cfg.seed + 3))
    if cfg.pen_faults:
        layers.append(pen_fault_layer(cfg.pen_faults, seed=cfg.seed + 4))
    return keras.Sequential(layers)


def _random_layer(name: str, seed: int | None, change):
    """A Keras layer that applies `change(x, seeds)` to a batch in training, drawing from its own
    seed generator (so a run repeats); the identity outside training."""
    import keras

    class RandomChange(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.seeds = keras.random.SeedGenerator(seed)

        def call(self, x, training=False):
            return change(x, self.seeds) if training else x

    return RandomChange(name=name)


def _gaussian(sigma: float, radius: int) -> np.ndarray:
    """A 2-D Gaussian kernel summing to 1, (2 radius + 1) pixels square, as a conv2d filter (k, k, 1, 1)."""
    g = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    return (np.outer(g, g) / g.sum() ** 2).astype(np.float32)[:, :, None, None]


def pen_fault_layer(share: float, seed: int | None = None):
    """A Keras layer: `share` of the images get the faults a camera sees in a cheap pen's strokes, each
    at random: a skip (a band 0.6-1.6 pixels wide across the digit, through a point of its middle half
    at any slant, where no ink was laid; a second one half as often), a faint stretch (a band 3-7
    pixels wide where the ink is 0.25-0.6 of its strength), and a slight blur (Gaussian, sigma 0.8),
    its strongest ink then brought back to full strength, as the pipeline's crops are; the identity
    outside training. The rest of the images are left as they are."""
    import keras
    import tensorflow as tf

    blur = _gaussian(0.8, 2)

    def faults(x, seeds):
        n, h, w = tf.shape(x)[0], x.shape[1], x.shape[2]
        rows, cols = tf.meshgrid(tf.range(h, dtype=tf.float32), tf.range(w, dtype=tf.float32), indexing="ij")

        def uniform(low, high):
            return keras.random.uniform(tf.stack([n]), low, high, seed=seeds)

        def band(narrowest, widest):  # (n, h, w): 1 inside a random band across each image, 0 outside
            cy, cx = uniform(0.25 * h, 0.75 * h), uniform(0.25 * w, 0.75 * w)
            angle, width = uniform(0.0, np.pi), uniform(narrowest, widest)
            across = tf.abs((cols[None] - cx[:, None, None]) * tf.sin(angle)[:, None, None]
                            - (rows[None] - cy[:, None, None]) * tf.cos(angle)[:, None, None])
            return tf.cast(across <= width[:, None, None] / 2, tf.float32)

        def sometimes(p):  # (n, 1, 1): 1 for the images given this fault
            return tf.cast(uniform(0.0, 1.0) < p, tf.float32)[:, None, None]

        faulty = sometimes(share)
        gain = 1 - faulty * sometimes(0.6) * band(0.6, 1.6)
        gain *= 1 - faulty * sometimes(0.3) * band(0.6, 1.6)
        gain *= 1 - faulty * sometimes(0.4) * band(3.0, 7.0) * (1 - uniform(0.25, 0.6)[:, None, None])
        x = x * gain[..., None]
        blurred = tf.nn.conv2d(x, blur, [1, 1, 1, 1], "SAME")
        x = tf.where(faulty[..., None] * sometimes(0.3)[..., None] > 0, blurred, x)
        # the strongest ink back at full strength, as the pipeline's crops are (normalize.to_mnist)
        return x / tf.maximum(tf.reduce_max(x, axis=[1, 2, 3], keepdims=True), 1e-6)

    return _random_layer("pen_faults", seed, faults)


def elastic_layer(std: float, sigma: float = 4.0, seed: int | None = None):
    """A Keras layer: each image's pixels move along their own smooth random field (Simard et al., 2003:
    Gaussian noise blurred with `sigma` pixels, scaled to `std` pixels on average), sampled bilinearly
    with background beyond the border, as a writer's hand wavers; the identity outside training."""
    import keras
    import tensorflow as tf

    blur = _gaussian(sigma, int(3 * sigma)).repeat(2, axis=2)

    def distort(x, seeds):
        n, h, w = tf.shape(x)[0], x.shape[1], x.shape[2]
        field = keras.random.normal(tf.stack([n, h, w, 2]), seed=seeds)
        field = tf.nn.depthwise_conv2d(field, blur, [1, 1, 1, 1], "SAME")
        field *= std / (tf.math.reduce_std(field, axis=[1, 2, 3], keepdims=True) + 1e-6)
        rows, cols = tf.meshgrid(tf.range(h, dtype=tf.float32), tf.range(w, dtype=tf.float32), indexing="ij")
        y, x_ = rows[None] + field[..., 0], cols[None] + field[..., 1]
        y0, x0 = tf.floor(y), tf.floor(x_)
        fy, fx = y - y0, x_ - x0
        flat = tf.reshape(tf.pad(x[..., 0], [[0, 0], [1, 1], [1, 1]]), [-1])  # a zero border: background
        first = tf.range(n)[:, None, None] * (h + 2) * (w + 2)

        def at(r, c):
            r = tf.clip_by_value(tf.cast(r, tf.int32) + 1, 0, h + 1)
            c = tf.clip_by_value(tf.cast(c, tf.int32) + 1, 0, w + 1)
            return tf.gather(flat, first + r * (w + 2) + c)

        out = (at(y0, x0) * (1 - fy) * (1 - fx) + at(y0, x0 + 1) * (1 - fy) * fx
               + at(y0 + 1, x0) * fy * (1 - fx) + at(y0 + 1, x0 + 1) * fy * fx)
        return out[..., None]

    return _random_layer("elastic", seed, distort)
