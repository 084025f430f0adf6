"""ExportConfig and export(): a Keras model to TFLite and ONNX, float32 and int8, verified."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
import re
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from digitedge import contract, data, verify
from digitedge.errors import DigitEdgeError, ModelError, VerificationError
from digitedge.runtime import onnx_dtype

# The formats: file name, builder name. int8 ones are written only with --int8.
FLOAT_FILES = {"digitedge_fp32.tflite": "_tflite_fp32", "digitedge_fp32.onnx": "_onnx_fp32"}
INT8_FILES = {"digitedge_int8.tflite": "_tflite_int8", "digitedge_int8.onnx": "_onnx_int8"}
CALIBRATION = {"minmax": "MinMax", "entropy": "Entropy", "percentile": "Percentile"}


@dataclass(frozen=True)
class ExportConfig:
    model: str | None = None  # a .keras file; None: --run's model, or the latest run's
    run: str | None = None  # a run folder holding model.keras
    runs: str = "runs"  # where to look for the latest run
    out: str = "exports"  # output folder; replaced file by file only after verification passes
    int8: bool = False  # also write full-integer int8 TFLite and QDQ int8 ONNX
    calib_count: int = 1000  # representative training images for int8 calibration
    calib_seed: int = 0  # which images: a seeded random draw from the 60k training set
    calib_method: str = "minmax"  # ONNX activation calibration: minmax, entropy or percentile
    per_channel: bool = True  # per-channel weight scales (both formats)
    reduce_range: bool = True  # ONNX: 7-bit weights; x86 CPUs without VNNI saturate u8 x s8 pairs at 8 bits
    opset: int = 17  # ONNX opset (tf2onnx 1.17 supports up to 18)
    data: str | None = None  # MNIST for calibration and verification; None: the embedded copy


def find_model(cfg: ExportConfig) -> Path:
    from digitedge.train import latest_run

    if cfg.model:
        path = Path(cfg.model)
    elif cfg.run:
        path = Path(cfg.run) / "model.keras"
    else:
        run = latest_run(cfg.runs)
        if run is None:
            raise ModelError(f"no finished run under {cfg.runs}/; run 'digitedge train' first or pass --model")
        path = run / "model.keras"
    if not path.is_file():
        raise ModelError(f"no model at {path}; run 'digitedge train' first or pass --model")
    return path


def export(cfg: ExportConfig, log=print) -> dict:
    """Write, verify, then publish the exports; returns the manifest. Raises VerificationError."""
    if cfg.calib_method not in CALIBRATION:
        raise DigitEdgeError(f"unknown calibration method {cfg.calib_method!r}; choose {', '.join(CALIBRATION)}")
    if not 1 <= cfg.opset <= 18:
        raise DigitEdgeError(f"opset {cfg.opset} is not supported; tf2onnx 1.17 writes opsets up to 18")
    source = find_model(cfg)
    mnist = data.load(cfg.data)

    import keras
    import tensorflow as tf

    from digitedge.train import eval_batches

    try:
        net = keras.models.load_model(source, compile=False)
    except Exception as e:
        raise ModelError(f"{source}: not a loadable Keras model ({str(e).splitlines()[0][:160]})") from None
    if tuple(net.input_shape[1:]) != (28, 28, 1) or net.output_shape[-1] != 10:
        raise ModelError(f"{source}: not a digit model (input {net.input_shape}, output {net.output_shape})")
    log(f"exporting {source} ({net.count_params():,} parameters)")

    calib_idx = np.sort(np.random.default_rng(cfg.calib_seed).choice(len(mnist.x_train), cfg.calib_count, replace=False))
    calib = contract.to_input(mnist.x_train[calib_idx])
    reference = net.predict(eval_batches(contract.to_input(mnist.x_test), None, tf), verbose=0).astype(np.float32)

    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    try:
        files = dict(FLOAT_FILES, **(INT8_FILES if cfg.int8 else {}))
        for name, builder in files.items():
            with contextlib.redirect_stdout(io.StringIO()):  # the converters print pages of SavedModel details
                globals()[builder](net, staging / name, calib, cfg, source)
            log(f"wrote {name} ({(staging / name).stat().st_size / 1024:.1f} KB)")
        np.savez_compressed(staging / verify.REFERENCE, probs=reference, labels=mnist.y_test)
        manifest = _manifest(cfg, source, net, staging, list(files), calib_idx)
        (staging / verify.MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        try:
            results = verify.verify(staging, mnist=mnist, log=log)  # raises VerificationError on a failed gate
        except VerificationError as e:
            rejected = out / ".rejected"  # kept for a look: the files and the pictures of their disagreements
            shutil.rmtree(rejected, ignore_errors=True)
            staging.rename(rejected)
            raise VerificationError(f"{e}; {out}/ is unchanged, the rejected files are in {rejected}/") from None
        manifest["verification"] = results
        (staging / verify.MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        _publish(staging, out, set(files))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log(f"all {len(files)} files match the Keras model; wrote {out}/")
    return manifest


def _publish(staging: Path, out: Path, names: set[str]) -> None:
    """Move the verified files into `out` (each rename atomic, the manifest last), and remove what the
    previous export left that this one does not replace (a float-only export drops stale int8 files)."""
    stale = set()
    if (out / verify.MANIFEST).is_file():
        stale = set(verify.load_manifest(out).get("files", {})) - names
    stale |= {p.name for p in out.glob("disagreements_*.png")} - {p.name for p in staging.iterdir()}
    for path in sorted(staging.iterdir()):
        if path.name != verify.MANIFEST:
            path.replace(out / path.name)
    (staging / verify.MANIFEST).replace(out / verify.MANIFEST)
    for name in stale:
        (out / name).unlink(missing_ok=True)


def _serving_function(net):
    import tensorflow as tf

    spec = tf.TensorSpec([None, 28, 28, 1], tf.float32, name=contract.CONTRACT["input_name"])

    @tf.function(input_signature=[spec])
    def serve(image):
        return {contract.CONTRACT["output_name"]: net(image, training=False)}

    return serve, spec


def _tflite_converter(net):
    import tensorflow as tf

    return tf.lite.TFLiteConverter.from_keras_model(net)  # from_concrete_functions gives a broken file here


def _tflite_fp32(net, path: Path, calib, cfg, source) -> None:
    path.write_bytes(_tflite_converter(net).convert())


# the TFLite converter's summary of a full-integer conversion, written to stderr by its C++ side
_CONVERTER_NOTE = re.compile(r"fully_quantize: \d+, inference_type: ")


def _tflite_int8(net, path: Path, calib, cfg, source) -> None:
    import tensorflow as tf

    from digitedge.quiet import dropped

    converter = _tflite_converter(net)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: ([calib[i : i + 1]] for i in range(len(calib)))
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]  # integer-only, or fail
    converter.inference_input_type = tf.int8  # scale 1/255, zero point -128: q = pixel - 128, lossless
    converter.inference_output_type = tf.int8  # softmax: scale 1/256, zero point -128
    converter._experimental_disable_per_channel = not cfg.per_channel
    with warnings.catch_warnings(), dropped(_CONVERTER_NOTE):
        # (the input's statistics come from the representative images, as the int8 input's type says)
        warnings.filterwarnings("ignore", message="Statistics for quantized inputs were expected")
        path.write_bytes(converter.convert())


def _onnx_fp32(net, path: Path, calib, cfg, source) -> None:
    import tf2onnx

    serve, spec = _serving_function(net)
    model, _ = tf2onnx.convert.from_function(serve, input_signature=[spec], opset=cfg.opset)
    _onnx_metadata(model, source)
    _save_onnx(model, path)


def _onnx_int8(net, path: Path, calib, cfg, source) -> None:
    import onnx
    from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    fp32 = path.with_name("digitedge_fp32.onnx")
    if not fp32.exists():
        _onnx_fp32(net, fp32, calib, cfg, source)
    folded, prep = path.with_name(".folded.onnx"), path.with_name(".prep.onnx")
    graph = onnx.load(str(fp32))
    fold_first_layer(graph)
    onnx.save(graph, str(folded))
    quant_pre_process(str(folded), str(prep))
    folded.unlink()

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.batches = iter([{contract.CONTRACT["input_name"]: calib[i : i + 100]} for i in range(0, len(calib), 100)])

        def get_next(self):
            return next(self.batches, None)

    quantize_static(
        str(prep), str(path), Reader(), quant_format=QuantFormat.QDQ, per_channel=cfg.per_channel,
        reduce_range=cfg.reduce_range,
        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,  # U8S8: onnxruntime's fast x86 path
        calibrate_method=getattr(CalibrationMethod, CALIBRATION[cfg.calib_method]),
        extra_options={"ActivationSymmetric": False, "WeightSymmetric": True},
    )
    prep.unlink()
    model = onnx.load(str(path))
    _onnx_metadata(model, source)
    _save_onnx(model, path)


def fold_first_layer(model) -> bool:
    """Rewrite an ONNX graph's first convolution, where it takes one channel (the grey image) and a
    ReLU and a 2x2 max-pool follow it, as the same arithmetic on the image folded into 2x2 blocks:
    SpaceToDepth(2) (four channels at half the size), a convolution with four inputs and four times
    the outputs (one group of the original outputs for each pixel of a block), ReLU, and the maximum
    over the four groups, which is the max-pool. The results are the original's, within float
    rounding. onnxruntime's int8 convolution is slow with one input channel: in the edge model's
    first layer it took about 40% of the int8 model's time for 2% of its multiply-adds, and a batch
    of 12 crops takes about 15% less time folded (BENCHMARKS.md). Returns whether it was rewritten;
    any other graph is left as it is."""
    from onnx import helper, numpy_helper

    nodes, inits = list(model.graph.node), {i.name: i for i in model.graph.initializer}

    def users(name):
        return [n for n in nodes if name in n.input]

    def attrs(node):
        return {a.name: helper.get_attribute_value(a) for a in node.attribute}

    conv = next((n for n in nodes if n.op_type == "Conv"), None)
    if conv is None or conv.input[1] not in inits or len(conv.input) < 3 or conv.input[2] not in inits:
        return False
    w = numpy_helper.to_array(inits[conv.input[1]])
    k, a = w.shape[-1], attrs(conv)
    if (w.shape[1] != 1 or w.shape[2] != k or k % 2 == 0 or a.get("group", 1) != 1 or set(a.get("strides", [1])) != {1}
            or set(a.get("dilations", [1])) != {1} or a.get("pads") != [k // 2] * 4 or len(users(conv.output[0])) != 1):
        return False
    (relu,) = users(conv.output[0])
    pools = users(relu.output[0])
    if relu.op_type != "Relu" or len(pools) != 1 or pools[0].op_type != "MaxPool":
        return False
    pool, p = pools[0], attrs(pools[0])
    if p.get("kernel_shape") != [2, 2] or p.get("strides") != [2, 2] or any(p.get("pads", [0])) or p.get("ceil_mode", 0):
        return False
    out, side = w.shape[0], contract.CONTRACT["shape"][1] // 2
    # output pixel (2i + a, 2j + b) reads input rows 2i + a + u - k//2: block row i + (a + u - k//2) // 2,
    # row (a + u - k//2) % 2 within it
    reach = (k // 2 + 1) // 2  # blocks either side
    folded = np.zeros((4 * out, 4, 2 * reach + 1, 2 * reach + 1), np.float32)
    for a_, b_ in ((0, 0), (0, 1), (1, 0), (1, 1)):
        for u in range(k):
            for v in range(k):
                (di, pa), (dj, pb) = divmod(a_ + u - k // 2, 2), divmod(b_ + v - k // 2, 2)
                folded[(2 * a_ + b_) * out : (2 * a_ + b_ + 1) * out, 2 * pa + pb, di + reach, dj + reach] += w[:, 0, u, v]
    bias = np.tile(numpy_helper.to_array(inits[conv.input[2]]), 4).astype(np.float32)
    name = conv.name + "_folded"
    opset = next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    axes = {"axes": [1]} if opset < 18 else {}
    new = [helper.make_node("SpaceToDepth", [conv.input[0]], [name + "_blocks"], name=name + "_blocks", blocksize=2),
           helper.make_node("Conv", [name + "_blocks", name + "_w", name + "_b"], [name + "_conv"], name=name,
                            kernel_shape=[2 * reach + 1] * 2, pads=[reach] * 4),
           helper.make_node("Relu", [name + "_conv"], [name + "_relu"], name=name + "_relu"),
           helper.make_node("Reshape", [name + "_relu", name + "_groups"], [name + "_grouped"], name=name + "_grouped"),
           helper.make_node("ReduceMax", [name + "_grouped"] + ([name + "_axes"] if opset >= 18 else []), [pool.output[0]],
                            name=name + "_max", keepdims=0, **axes)]
    extra = [numpy_helper.from_array(folded, name + "_w"), numpy_helper.from_array(bias, name + "_b"),
             numpy_helper.from_array(np.array([-1, 4, out, side, side], np.int64), name + "_groups")]
    if opset >= 18:
        extra.append(numpy_helper.from_array(np.array([1], np.int64), name + "_axes"))
    at = nodes.index(conv)
    del model.graph.node[:]
    model.graph.node.extend(nodes[:at] + new + [n for n in nodes[at + 1 :] if n is not relu and n is not pool])
    for unused in conv.input[1:]:
        if not any(unused in n.input for n in model.graph.node):
            model.graph.initializer.remove(inits[unused])
    model.graph.initializer.extend(extra)
    return True


def _int8_graph(folder: Path) -> str:
    """What the int8 ONNX's graph is, beyond tf2onnx's conversion quantised: for the manifest."""
    import onnx

    model = onnx.load(str(folder / "digitedge_int8.onnx"))
    if any(n.op_type == "SpaceToDepth" for n in model.graph.node):
        return "first layer folded (fold_first_layer: SpaceToDepth(2), then the convolution on four channels)"
    return "as converted"


def _onnx_metadata(model, source: Path) -> None:
    del model.metadata_props[:]
    for key, value in (("digitedge_contract", contract.dumps()), ("digitedge_source_sha256", data.sha256(source)),
                       ("digitedge_dtype", onnx_dtype(model.graph.node))):
        prop = model.metadata_props.add()
        prop.key, prop.value = key, value
    model.producer_name = "digitedge"


def _save_onnx(model, path: Path) -> None:
    import onnx

    onnx.checker.check_model(model)
    path.write_bytes(model.SerializeToString())


def _manifest(cfg, source: Path, net, folder: Path, names: list[str], calib_idx: np.ndarray) -> dict:
    import importlib.metadata as md

    versions = {}
    for pkg in ("tensorflow", "keras", "tf2onnx", "onnx", "onnxruntime", "ai-edge-litert", "numpy"):
        try:
            versions[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            versions[pkg] = None
    return {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "source_model": {"path": str(source), "sha256": data.sha256(source), "parameters": int(net.count_params())},
        "contract": contract.CONTRACT,
        "files": {name: {"sha256": data.sha256(folder / name), "bytes": (folder / name).stat().st_size,
                         "dtype": "int8" if "int8" in name else "float32"} for name in names},
        "reference": {"file": verify.REFERENCE, "sha256": data.sha256(folder / verify.REFERENCE),
                      "what": "Keras softmax outputs on the 10,000 MNIST test images"},
        "calibration": {"count": len(calib_idx), "seed": cfg.calib_seed, "source": "MNIST training images",
                        "indices_sha256": hashlib.sha256(calib_idx.astype("<i8").tobytes()).hexdigest(),
                        "onnx_method": cfg.calib_method, "per_channel": cfg.per_channel,
                        "onnx_reduce_range": cfg.reduce_range},
        "onnx_int8_graph": _int8_graph(folder) if "digitedge_int8.onnx" in names else None,
        "config": dataclasses.asdict(cfg),
        "versions": versions,
    }
