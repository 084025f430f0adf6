"""Keras callbacks for train(): the best model kept atomically, and a progress line per epoch."""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

import keras


class BestModel(keras.callbacks.Callback):
    """Keep the best validation model in memory and on disk, written atomically."""

    def __init__(self, path: Path, log):
        super().__init__()
        self.path, self.log = path, log
        self.weights, self.epoch, self.epochs_seen = None, 0, 0
        self.val_accuracy, self.val_loss = -1.0, math.inf

    def on_epoch_end(self, epoch, logs=None):
        self.epochs_seen = epoch + 1
        acc, loss = float(logs["val_accuracy"]), float(logs["val_loss"])
        if not (math.isfinite(loss) and math.isfinite(float(logs["loss"]))):
            return  # a diverged epoch's weights are no model (Diverged stops the run)
        if acc > self.val_accuracy or (acc == self.val_accuracy and loss < self.val_loss):
            self.weights, self.epoch = self.model.get_weights(), epoch + 1
            self.val_accuracy, self.val_loss = acc, loss
            tmp = self.path.with_name(f".tmp-{self.path.name}")  # Keras insists on the .keras suffix
            self.model.save(tmp)
            os.replace(tmp, self.path)


class Diverged(keras.callbacks.Callback):
    """Stop at the first training step whose loss is not finite (a learning rate far too high), and
    remember the epoch (1-based): no later step can bring the weights back."""

    def __init__(self):
        super().__init__()
        self.epoch, self.current = None, 0

    def on_epoch_begin(self, epoch, logs=None):
        self.current = epoch + 1

    def on_train_batch_end(self, batch, logs=None):
        if logs and not math.isfinite(float(logs["loss"])):
            self.epoch = self.current
            self.model.stop_training = True


class Progress(keras.callbacks.Callback):
    """One line per epoch: losses, accuracies, learning rate, elapsed time and time left."""

    def __init__(self, epochs: int, log):
        super().__init__()
        self.epochs, self.log = epochs, log

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        elapsed = time.perf_counter() - self.start
        left = elapsed / (epoch + 1) * (self.epochs - epoch - 1)
        lr = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))
        self.log(
            f"epoch {epoch + 1:>3}/{self.epochs}  loss {logs['loss']:.4f}  acc {logs['accuracy']:.4f}  "
            f"val_loss {logs['val_loss']:.4f}  val_acc {logs['val_accuracy']:.4f}  lr {lr:.2e}  "
            f"{_clock(elapsed)} elapsed, {_clock(left)} left"
        )


def _clock(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}m{s:02d}s"
