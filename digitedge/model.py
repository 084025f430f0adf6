"""The network definitions (presets) and their cost: parameters and multiply-adds."""

from __future__ import annotations

import keras
from keras import layers


def seed_net() -> keras.Model:
    """The classic Kaggle/Keras MNIST CNN this project started from (887k params, 32M MACs)."""
    inputs = keras.Input((28, 28, 1), name="image")
    x = inputs
    for filters, kernel in ((32, 5), (64, 3)):
        x = layers.Conv2D(filters, kernel, padding="same", activation="relu")(x)
        x = layers.Conv2D(filters, kernel, padding="same", activation="relu")(x)
        x = layers.MaxPool2D()(x)
        x = layers.Dropout(0.25)(x)
    x = layers.Flatten()(x)
    x = layers.Dense(256, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(10, activation="softmax", name="probs")(x)
    return keras.Model(inputs, outputs, name="seed")


def edge_net(widths: tuple[int, int, int] = (24, 48, 64), head: str = "flatten", name: str = "edge") -> keras.Model:
    """A small convolutional net for the edge: conv-BN-relu blocks, cheap at full resolution.

    (28x28) w0 -> pool -> (14x14) w1, w1 -> pool -> (7x7) w2, w2 valid -> (5x5) -> Dense(10).
    One convolution at full resolution: on a CPU the 28x28 layers cost the most time per
    multiply-add, so the capacity goes to 14x14 and 7x7. The head flattens the 5x5 map (digits
    are position-sensitive) or, for `quick`, averages it. BatchNorm folds into the convolutions
    on export, so it costs nothing at inference.
    """
    w0, w1, w2 = widths
    inputs = keras.Input((28, 28, 1), name="image")
    x = _conv_bn(inputs, w0, "same")
    x = layers.MaxPool2D()(x)
    x = _conv_bn(x, w1, "same")
    x = _conv_bn(x, w1, "same")
    x = layers.MaxPool2D()(x)
    x = _conv_bn(x, w2, "same")
    x = _conv_bn(x, w2, "valid")
    x = layers.Flatten()(x) if head == "flatten" else layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.3)(x)
    outputs = layers.Dense(10, activation="softmax", name="probs")(x)
    return keras.Model(inputs, outputs, name=name)


def _conv_bn(x, filters: int, padding: str):
    x = layers.Conv2D(filters, 3, padding=padding, use_bias=False)(x)
    x = layers.BatchNormalization(momentum=0.9)(x)  # 0.99 lags on short runs
    return layers.ReLU()(x)


@keras.saving.register_keras_serializable("digitedge")
class SmoothedCrossentropy(keras.losses.Loss):
    """Cross-entropy against integer labels smoothed towards uniform: the target is 1 - s + s/10 for
    the true class and s/10 for the others (Keras's sparse loss has no smoothing). A label of -1 is a
    mark that is no digit (digitedge.negatives): its target is uniform, 1/10 for every class."""

    def __init__(self, smoothing: float = 0.1, name: str = "smoothed_crossentropy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.smoothing = smoothing

    def call(self, y_true, y_pred):
        labels = keras.ops.cast(keras.ops.reshape(y_true, (-1,)), "int32")
        k = y_pred.shape[-1]
        y = keras.ops.where(labels[:, None] < 0, 1.0 / k, keras.ops.one_hot(keras.ops.maximum(labels, 0), k))
        return keras.losses.categorical_crossentropy(y, y_pred, label_smoothing=self.smoothing)

    def get_config(self):
        return {**super().get_config(), "smoothing": self.smoothing}


def loss(smoothing: float, negatives: bool = False):
    """The training loss: plain sparse cross-entropy, or smoothed labels (and labels of -1, marks that
    are no digit, with `negatives`)."""
    return SmoothedCrossentropy(smoothing) if smoothing or negatives else "sparse_categorical_crossentropy"


BUILDERS = {
    "edge": lambda: edge_net((24, 48, 64), "flatten", "edge"),
    "quick": lambda: edge_net((16, 32, 48), "gap", "quick"),
    "seed": seed_net,
}


def build(preset: str) -> keras.Model:
    return BUILDERS[preset]()


def macs(model: keras.Model) -> int:
    """Multiply-adds of one forward pass at batch 1 (convolutions and dense layers)."""
    total = 0
    for layer in model.layers:
        if isinstance(layer, layers.Conv2D):
            _, h, w, c_out = layer.output.shape
            kh, kw = layer.kernel_size
            c_in = layer.input.shape[-1]
            total += h * w * c_out * kh * kw * c_in // layer.groups
        elif isinstance(layer, layers.DepthwiseConv2D):
            _, h, w, c_out = layer.output.shape
            kh, kw = layer.kernel_size
            total += h * w * c_out * kh * kw
        elif isinstance(layer, layers.Dense):
            total += layer.input.shape[-1] * layer.units
    return int(total)
