"""``conv-calc stack`` and ``conv-calc schema`` end to end, on real YAML (files and stdin)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_runner import run

EXAMPLES = sorted((Path(__file__).parent.parent.parent / "examples").glob("*.yaml"))


def _analysis_ready() -> bool:
    from conv_calc.graph.stack import Stack

    try:
        Stack([]).analyze(input_shape=(1, 3, 8, 8))
    except NotImplementedError:
        return False
    return True


needs_analysis = pytest.mark.skipif(not _analysis_ready(), reason="Stack.analyze not landed yet")


def test_schema_is_draft07_json():
    result = run("schema")
    assert (result.code, result.stderr) == (0, "")
    doc = json.loads(result.stdout)
    assert doc["$schema"] == "http://json-schema.org/draft-07/schema#"


MALFORMED = """\
input: [1, 3, 8, 8]
layers:
  - Conv2D: {out_channels: 4, kernel_size: 3}
  - ReLU
  - Relu
"""


def test_malformed_stdin_reports_every_problem_with_location():
    result = run("stack", "-", input=MALFORMED)
    assert (result.code, result.stdout) == (2, "")
    lines = result.stderr.splitlines()
    assert lines[0] == "<stdin>:3:5: unknown layer 'Conv2D'"
    assert lines[1] == "  hint: did you mean 'Conv2d'?"
    assert lines[2] == "<stdin>:5:5: unknown layer 'Relu'"
    assert lines[-1] == "<stdin>: 2 problems, the network was not analysed"


def test_malformed_file(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text(MALFORMED)
    result = run("stack", str(path), "--format", "json")
    assert result.code == 2
    assert result.stderr.startswith(f"{path}:3:5: unknown layer 'Conv2D'\n")
    # JSON readers get the same problems as data on stdout.
    document = json.loads(result.stdout)
    assert (document["ok"], document["malformed"]) == (False, True)
    assert [(p["code"], p["message"], p["source"]["line"], p["source"]["column"])
            for p in document["problems"]] == [
        ("unknown-layer", "unknown layer 'Conv2D'", 3, 5),
        ("unknown-layer", "unknown layer 'Relu'", 5, 5)]
    assert document["problems"][0]["hint"] == "did you mean 'Conv2d'?"


@pytest.mark.parametrize("data", [b"\xff\xfe\x00garbage", b"layers: [", b"", b"- - - -",
                                  b"input: [1, 3, 8, 8]\nlayers:\n  - !!python/object:os.system x\n"])
def test_garbage_exits_2_without_traceback(tmp_path, data):
    path = tmp_path / "net.yaml"
    path.write_bytes(data)
    result = run("stack", str(path))
    assert result.code == 2, result
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    assert result.stderr.startswith(f"{path}:")


def test_directory_exits_2(tmp_path):
    result = run("stack", str(tmp_path))
    assert result.code == 2 and "Traceback" not in result.stderr


@needs_analysis
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "csv"])
def test_every_example_runs_in_every_format(path, fmt):
    result = run("stack", str(path), "--format", fmt)
    assert result.code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    if fmt == "json":
        doc = json.loads(result.stdout)
        assert doc["schema_version"] == 1
        assert doc["ok"] is (result.code == 0)
        assert all("receptive_field" in row and "output_shape" in row for row in doc["layers"])
    if result.code == 0:
        assert result.stderr == ""


TINY = """\
input: [1, 3, 32, 32]
layers:
  - Conv2d: {out_channels: 16, kernel_size: 3, padding: 1, bias: false}
    name: conv1
  - MaxPool2d: {kernel_size: 2}
  - Conv2d: {in_channels: 17, out_channels: 8, kernel_size: 3}
    name: conv2
"""


@needs_analysis
def test_failing_network_end_to_end():
    result = run("stack", "-", input=TINY)
    assert result.code == 1
    assert "✗ 2" in result.stdout and "conv2" in result.stdout
    assert "RuntimeError: Given groups=1, weight of size [8, 17, 3, 3], expected input" \
           "[1, 16, 16, 16] to have 17 channels, but got 16 channels instead" in result.stderr
    assert "hint: " in result.stderr
    doc = json.loads(run("stack", "-", "-f", "json", input=TINY).stdout)
    assert doc["failed"]["name"] == "conv2" and doc["failed"]["source"]["line"] == 6
    assert doc["error"]["type"] == "RuntimeError"


@needs_analysis
def test_input_override_end_to_end():
    doc = json.loads(run("stack", "-", "-f", "json", "--input", "1x3x64x64",
                         input=TINY.replace("17", "16")).stdout)
    assert doc["input_shape"] == [1, 3, 64, 64]
    assert doc["output_shape"] == [1, 8, 30, 30]
    assert doc["layers"][0]["receptive_field"]["size"] == [3, 3]
