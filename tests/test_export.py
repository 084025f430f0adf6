"""The int8 ONNX export's graph rewrite, on small ONNX graphs (no TensorFlow): the first layer folded."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pytest

onnx = pytest.importorskip("onnx", reason="needs the train extra: pip install '.[train]'")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from digitedge.export import fold_first_layer  # noqa: E402


def first_layer(kernel: int, stride: int = 1, channels: int = 1, opset: int = 17, seed: int = 0) -> onnx.ModelProto:
    """(N, channels, 28, 28) -> Conv(5 outputs, kernel, stride, same padding) -> Relu -> MaxPool(2x2)."""
    rng = np.random.default_rng(seed)
    w = rng.normal(0, 1, (5, channels, kernel, kernel)).astype(np.float32)
    b = rng.normal(0, 1, 5).astype(np.float32)
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv", kernel_shape=[kernel] * 2,
                              pads=[kernel // 2] * 4, strides=[stride] * 2),
             helper.make_node("Relu", ["c"], ["r"], name="relu"),
             helper.make_node("MaxPool", ["r"], ["y"], name="pool", kernel_shape=[2, 2], strides=[2, 2])]
    graph = helper.make_graph(nodes, "first", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, channels, 28, 28])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 5, 14, 14])],
                              [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=9)  # (onnxruntime reads up to 13)


def run(model: onnx.ModelProto, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {"x": x})[0]


@pytest.mark.parametrize("kernel, opset", [(3, 17), (5, 17), (3, 18)])
def test_the_folded_first_layer_computes_the_same(kernel, opset):
    """Conv(1 channel) -> ReLU -> 2x2 max-pool, folded into SpaceToDepth -> Conv(4 channels) -> ReLU ->
    the max over four groups: the same outputs (float rounding apart), for a 3x3 and a 5x5 kernel, in
    opset 17 (ReduceMax's axes an attribute) and 18 (an input)."""
    model = first_layer(kernel, opset=opset)
    x = np.random.default_rng(1).random((3, 1, 28, 28)).astype(np.float32)
    before = run(model, x)
    assert fold_first_layer(model)
    onnx.checker.check_model(model)
    assert [n.op_type for n in model.graph.node] == ["SpaceToDepth", "Conv", "Relu", "Reshape", "ReduceMax"]
    np.testing.assert_allclose(run(model, x), before, atol=1e-5)


@pytest.mark.parametrize("stride, channels", [(2, 1), (1, 3)])
def test_other_first_layers_are_left_as_they_are(stride, channels):
    """A strided first convolution, or one taking three channels, is not the pattern: unchanged."""
    model = first_layer(3, stride=stride, channels=channels)
    before = model.SerializeToString()
    assert not fold_first_layer(model)
    assert model.SerializeToString() == before
