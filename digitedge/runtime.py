"""One Classifier interface over onnxruntime (.onnx) and the LiteRT interpreter (.tflite)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from digitedge import contract
from digitedge.errors import ModelError, RuntimeMissing


class Classifier:
    """Loads an exported digit model; predict(uint8 (N, 28, 28)) -> float32 probabilities (N, 10)."""

    def __init__(self, path: str | Path, threads: int | None = None):
        self.path = Path(path)
        if not self.path.is_file():
            raise ModelError(f"no model at {self.path}; run 'digitedge export' first or pass --model")
        if self.path.stat().st_size == 0:
            raise ModelError(f"{self.path}: empty file; re-export it with 'digitedge export'")
        self.threads = threads
        loader = BACKENDS.get(self.path.suffix.lower())
        if loader is None:
            raise ModelError(f"{self.path}: unknown model type {self.path.suffix!r}; expected .onnx or .tflite")
        self._run, self.info = loader(self.path, threads)

    def predict(self, images: np.ndarray, batch: int = 1024) -> np.ndarray:
        images = np.asarray(images)
        if images.ndim == 2:
            images = images[None]
        if len(images) == 0:
            return np.zeros((0, 10), np.float32)
        chunks = [self._run(images[i : i + batch]) for i in range(0, len(images), batch)]
        return np.concatenate(chunks).astype(np.float32, copy=False)

    def __repr__(self) -> str:
        return f"Classifier({str(self.path)!r}, {self.info['runtime']}, {self.info['dtype']})"


def _load_onnx(path: Path, threads: int | None):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    if threads:
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    try:
        session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    except Exception as e:  # onnxruntime raises its own types for a bad file; all are user errors here
        raise ModelError(f"{path}: not a loadable ONNX model ({_first_line(e)}); re-export it") from None
    meta = session.get_modelmeta().custom_metadata_map
    contract.check(meta.get("digitedge_contract"), str(path))
    inputs, outputs = session.get_inputs(), session.get_outputs()
    if len(inputs) != 1 or list(inputs[0].shape[1:]) != [28, 28, 1] or outputs[0].shape[-1] != 10:
        raise ModelError(
            f"{path}: not a digit model (input {inputs[0].shape if inputs else None}, "
            f"output {outputs[0].shape if outputs else None}; expected (N, 28, 28, 1) -> (N, 10))")
    name, out = inputs[0].name, outputs[0].name
    dtype = meta.get("digitedge_dtype") or onnx_dtype(_graph_nodes(path))  # written by export; else look

    def run(images: np.ndarray) -> np.ndarray:
        return session.run([out], {name: contract.to_input(images)})[0]

    return run, {"runtime": "onnxruntime", "dtype": dtype, "metadata": dict(meta)}


def onnx_dtype(nodes) -> str:
    """int8 for a quantised graph (QDQ or QOperator), float32 otherwise."""
    return "int8" if any(n.op_type in ("QuantizeLinear", "QLinearConv") for n in nodes) else "float32"


def _graph_nodes(path: Path):
    try:
        import onnx
    except ImportError:  # onnx is optional on a device; the op names are informational
        return []
    return onnx.load(str(path), load_external_data=False).graph.node


# LiteRT's note, on stderr, that it made its CPU delegate (once a process, whatever the log level)
_DELEGATE_NOTE = re.compile(r"INFO: Created TensorFlow Lite XNNPACK delegate for CPU\.")


def _load_tflite(path: Path, threads: int | None):
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:  # (not installed where PyPI has no wheel of it: pyproject.toml leaves it out on Intel Macs)
        raise RuntimeMissing(f"{path}: LiteRT (ai-edge-litert) is not installed here, so .tflite files cannot be read; "
                             "use the .onnx file (camera's and predict's default)") from None

    from digitedge.quiet import dropped

    try:
        interp = Interpreter(model_path=str(path), num_threads=threads or os.cpu_count())
        with dropped(_DELEGATE_NOTE):  # (written by the first allocation in a process)
            interp.allocate_tensors()
    except Exception as e:  # a truncated or foreign file: ValueError or RuntimeError from LiteRT
        raise ModelError(f"{path}: not a loadable TFLite model ({_first_line(e)}); re-export it") from None
    (inp,), (out,) = interp.get_input_details(), interp.get_output_details()
    if list(inp["shape"][1:]) != [28, 28, 1] or out["shape"][-1] != 10:
        raise ModelError(f"{path}: not a digit model (input {inp['shape'].tolist()}, output {out['shape'].tolist()}; "
                         "expected (N, 28, 28, 1) -> (N, 10))")
    in_scale, in_zero = inp["quantization"]
    out_scale, out_zero = out["quantization"]
    state = {"batch": None}

    def run(images: np.ndarray) -> np.ndarray:
        x = contract.to_input(images)
        if inp["dtype"] != np.float32:  # int8 in: q = x / scale + zero_point (pixel - 128 for 1/255, -128)
            info = np.iinfo(inp["dtype"])
            x = np.clip(np.round(x / in_scale + in_zero), info.min, info.max).astype(inp["dtype"])
        if state["batch"] != len(x):
            interp.resize_tensor_input(inp["index"], [len(x), 28, 28, 1])
            interp.allocate_tensors()
            state["batch"] = len(x)
        interp.set_tensor(inp["index"], x)
        interp.invoke()
        y = interp.get_tensor(out["index"])
        if out["dtype"] != np.float32:
            y = (y.astype(np.float32) - out_zero) * out_scale
        return y

    dtype = "int8" if inp["dtype"] == np.int8 else str(np.dtype(inp["dtype"]))
    quant = {"input": [float(in_scale), int(in_zero)], "output": [float(out_scale), int(out_zero)]}
    return run, {"runtime": "litert", "dtype": dtype, "quantization": quant}


def _first_line(e: Exception) -> str:
    text = str(e).strip().splitlines()
    return text[0][:160] if text else type(e).__name__


BACKENDS = {".onnx": _load_onnx, ".tflite": _load_tflite}
