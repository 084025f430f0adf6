"""The command line: help for everything, fast start, one-line errors for a user's mistakes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from digitedge.cli import cli
from tests.conftest import ROOT, needs_litert, needs_training, write_idx_folder

COMMANDS = ["train", "export", "verify", "benchmark", "camera", "predict"]


def test_group_help_lists_every_command(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_has_help(runner, name):
    result = runner.invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    command = cli.commands[name]
    for param in command.params:
        if param.param_type_name == "option" and param.name != "help":
            assert param.help, f"{name} --{param.name} has no help text"
            assert param.opts[0] in result.output


def test_defaults_are_shown(runner):
    result = runner.invoke(cli, ["train", "--help"])
    assert "[default: 128" in result.output  # --batch-size
    assert "[default: runs]" in result.output


def test_help_does_not_import_tensorflow():
    code = "import sys; from digitedge.cli import cli; sys.argv = ['digitedge', 'train', '--help']\n" \
           "try:\n    cli()\nexcept SystemExit:\n    pass\nassert 'tensorflow' not in sys.modules, 'tensorflow imported'\n" \
           "assert 'keras' not in sys.modules, 'keras imported'"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


@needs_training
def test_train_bad_data_path(runner, tmp_path):
    result = runner.invoke(cli, ["train", "--data", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path / 'none'}: no such file or folder; pass an IDX folder or a mnist.npz\n"


@needs_training
def test_train_corrupt_data_is_one_line(runner, tmp_path):
    write_idx_folder(tmp_path, gz=False)
    (tmp_path / "t10k-images-idx3-ubyte").write_bytes(b"\x00\x00\x08\x03")
    result = runner.invoke(cli, ["train", "--data", str(tmp_path), "--out", str(tmp_path / "runs")])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "t10k-images-idx3-ubyte: truncated" in result.output
    assert not (tmp_path / "runs").exists()  # nothing was started


@pytest.mark.parametrize("args", [["train", "--lr", "nan"], ["train", "--lr", "inf"], ["train", "--rotation", "nan"],
                                  ["predict", "x.jpg", "--min-confidence", "nan"], ["camera", "--min-margin", "nan"]])
def test_a_number_option_refuses_nan_and_infinity(runner, args):
    """click's FloatRange lets "nan" through its bounds: --lr nan trained a model to 9.8% until early
    stopping, and --min-confidence nan rejected every digit."""
    result = runner.invoke(cli, args)
    assert result.exit_code == 2 and "is not a finite number" in result.output, result.output


def test_tensorflows_start_up_info_lines_are_dropped_and_the_rest_kept(capfd):
    """TensorFlow's C++ libraries log INFO lines as they load (oneDNN, no CUDA drivers: six lines on
    every train and export), before absl reads TF_CPP_MIN_LOG_LEVEL. They are dropped; anything
    else written to stderr meanwhile still comes through."""
    import os

    from digitedge.cli import _native_info_dropped

    with _native_info_dropped():
        os.write(2, b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
                    b"I0000 00:00:1795489808.281777   18902 cudart_stub.cc:31] Could not find cuda drivers\n"
                    b"a real warning\n")
    err = capfd.readouterr().err
    assert err == "a real warning\n", err


@needs_training
def test_export_without_runs(runner, tmp_path):
    result = runner.invoke(cli, ["export", "--runs", str(tmp_path / "runs"), "--out", str(tmp_path / "e")])
    assert result.exit_code == 1
    assert result.output == f"Error: no finished run under {tmp_path / 'runs'}/; run 'digitedge train' first or pass --model\n"


def test_export_run_and_model_conflict(runner, tmp_path):
    result = runner.invoke(cli, ["export", "--run", "a", "--model", "b.keras"])
    assert result.exit_code == 2 and "pass --run or --model, not both" in result.output


def test_verify_without_exports(runner, tmp_path):
    result = runner.invoke(cli, ["verify", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output == f"Error: no manifest.json in {tmp_path}/; run 'digitedge export' first\n"


def test_predict_missing_model(runner, tmp_path):
    image = ROOT / "camera_demo" / "samples" / "frame_000.jpg"
    result = runner.invoke(cli, ["predict", str(image), "--model", str(tmp_path / "m.onnx")])
    assert result.exit_code == 1
    assert result.output == f"Error: no model at {tmp_path / 'm.onnx'}; run 'digitedge export' first or pass --model\n"


def test_benchmark_empty_folder(runner, tmp_path):
    result = runner.invoke(cli, ["benchmark", str(tmp_path)])
    assert result.exit_code == 1
    assert f"Error: no .onnx or .tflite files in {tmp_path}/; run 'digitedge export' first" in result.output


def test_training_without_tensorflow_says_what_to_install():
    from tests.conftest import run_without_tensorflow

    done = run_without_tensorflow("train", "--preset", "quick")
    assert done.returncode == 1
    assert done.stderr.strip() == "Error: 'digitedge train' needs TensorFlow; install the training extra: pip install 'digitedge[train]'"


@needs_litert
@pytest.mark.parametrize("folder", ["exports", "exports/continental"])
def test_shipped_exports_verify_without_tensorflow(folder):
    """The committed exports (the default model's, and --writing continental's) match their manifest and
    pass their gates, on an edge-only Python."""
    from tests.conftest import run_without_tensorflow

    done = run_without_tensorflow("verify", folder, "--json")
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout.splitlines()[-1])
    assert results["keras"]["accuracy"] >= 0.995
    assert all(r["passed"] for name, r in results.items() if name != "keras")
    assert set(results) == {"keras", "digitedge_fp32.tflite", "digitedge_fp32.onnx", "digitedge_int8.tflite", "digitedge_int8.onnx"}


def test_without_litert_a_tflite_is_refused_in_one_line_verify_skips_it_and_onnx_runs():
    """Where LiteRT is not installed (pyproject.toml leaves it out on Intel Macs, which PyPI has no
    wheel of it for): predict with a .tflite says so in one line and exits 1; verify checks the ONNX
    files, says the .tflite ones were skipped, and passes, as does benchmark on the folder; predict
    reads with the default ONNX model."""
    from tests.conftest import SAMPLES, run_without_tensorflow

    no_litert = ("import sys; sys.modules['ai_edge_litert'] = None; sys.modules['ai_edge_litert.interpreter'] = None; "
                 "from digitedge.cli import cli; cli(prog_name='digitedge')")
    frame = str(SAMPLES / "frame_000.jpg")
    done = run_without_tensorflow("predict", frame, "--model", "exports/digitedge_int8.tflite", code=no_litert)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip() == ("Error: exports/digitedge_int8.tflite: LiteRT (ai-edge-litert) is not installed here, so "
                                   ".tflite files cannot be read; use the .onnx file (camera's and predict's default)")
    done = run_without_tensorflow("verify", "exports", code=no_litert)
    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line for line in done.stdout.splitlines() if line.startswith("digitedge_")}
    assert set(rows) == {"digitedge_fp32.tflite", "digitedge_fp32.onnx", "digitedge_int8.tflite", "digitedge_int8.onnx"}
    assert all(rows[n].endswith("skipped: its runtime is not installed here") for n in rows if n.endswith(".tflite"))
    assert all(rows[n].endswith("ok") for n in rows if n.endswith(".onnx"))
    done = run_without_tensorflow("predict", frame, "--json", code=no_litert)
    assert done.returncode == 0 and json.loads(done.stdout)["text"], done.stderr
    done = run_without_tensorflow("benchmark", "exports", "--threads", "1", "--runs", "10", "--json", code=no_litert)
    assert done.returncode == 0, done.stderr
    assert sorted(Path(json.loads(line)["file"]).name for line in done.stdout.splitlines()) == ["digitedge_fp32.onnx", "digitedge_int8.onnx"]


def test_export_verification_fails_on_a_file_whose_runtime_is_missing(monkeypatch):
    """Only the verify command skips a .tflite it cannot run; export's verification (skip_missing off)
    stops there, so no export is called verified with a file left unchecked."""
    from digitedge import verify
    from digitedge.errors import RuntimeMissing

    monkeypatch.setitem(sys.modules, "ai_edge_litert.interpreter", None)
    with pytest.raises(RuntimeMissing, match="LiteRT"):
        verify.verify(ROOT / "exports", log=lambda _: None)


def test_benchmark_json(runner):
    import json

    result = runner.invoke(cli, ["benchmark", "exports/digitedge_int8.onnx", "--threads", "1", "--runs", "10", "--json"])
    assert result.exit_code == 0, result.output
    (row,) = [json.loads(line) for line in result.output.splitlines()]
    assert row["threads"] == 1 and row["accuracy"] > 0.99 and row["bytes"] < 150 * 1024
    assert 0 < row["latency_ms_median"] <= row["latency_ms_p99"] and row["throughput_per_s"] > 0
