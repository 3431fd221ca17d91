"""``conv-calc stack`` with hand-built reports: every format, failures, malformed files.

The loader is replaced by a stub here so the rendering and exit codes are tested
independently of the YAML reader; end-to-end runs on real files are in
tests/cli/test_cli_examples.py.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from conv_calc.cli import stack as cli_stack
from conv_calc.stackfile.problems import Problem, StackFileError
from conv_calc.graph.nodes import Source
from tests.cli_runner import run
from tests.report_fixtures import FAILED, OK, WIDE


class FakeStack:
    expect = None
    expectations: dict = {}

    def __init__(self, report):
        self.report = report
        self.input_shape = None

    def analyze(self, input_shape=None, mode=None):
        self.input_shape = input_shape
        self.mode = mode
        return self.report


@pytest.fixture
def loaded(monkeypatch):
    """Make ``load`` return a stub stack holding the report given to the returned setter."""
    holder = {}

    def use(report):
        holder["stack"] = FakeStack(report)
        monkeypatch.setattr(cli_stack, "load",
                            lambda file, fmt="table", framework=None: holder["stack"])
        return holder["stack"]
    return use


def test_table_ok(loaded):
    loaded(OK)
    result = run("stack", "net.yaml")
    assert (result.code, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert lines[0] == "net.yaml"
    assert lines[1].split() == ["#", "name", "type", "output", "shape", "RF", "size", "jump",
                                "start", "params", "MACs"]
    assert lines[3].split() == ["0", "conv1", "Conv2d", "[1,", "64,", "112,", "112]", "7", "2",
                                "0", "9,408", "118,013,952"]
    assert "maxpool[1]" in result.stdout           # no markup interpretation
    assert lines[-2].split() == ["total", "[1,", "36963]", "12,611", "127,647,744"]
    assert lines[-1] == "mode: train"
    assert all(line == line.rstrip() for line in lines)
    assert "\x1b[" not in result.stdout


def test_table_failure_marks_the_row_and_explains(loaded):
    loaded(FAILED)
    result = run("stack", "net.yaml")
    assert result.code == 1
    assert [line.split()[:4] for line in result.stdout.splitlines()[3:7]] == [
        ["0", "conv1", "Conv2d", "[1,"], ["1", "bn1", "BatchNorm2d", "[1,"],
        ["2", "maxpool[1]", "MaxPool2d", "[1,"], ["✗", "3", "conv2", "Conv2d"]]
    assert "✗ RuntimeError" in result.stdout
    assert result.stderr == (
        "\nerror: layer 3 'conv2' (Conv2d) at net.yaml:7:5 fails in forward on input "
        "[1, 64, 56, 56]:\n"
        "RuntimeError: Given groups=1, weight of size [128, 65, 3, 3], expected input[1, 64, 56, 56] "
        "to have 65 channels, but got 64 channels instead\n"
        "hint: the layer expects 65 input channels (in_channels) but the input has 64: set "
        "in_channels=64 or fix the previous layer.\n")


@pytest.mark.parametrize("env", [
    {"COLUMNS": "80"}, {"COLUMNS": None}, {"GITHUB_ACTIONS": "true"}, {"NO_COLOR": "1"},
    {"TERM": "dumb"},
])
def test_wide_table_keeps_every_digit_when_piped_or_in_ci(loaded, env):
    loaded(WIDE)
    result = run("stack", "net.yaml", env=env)
    assert result.code == 0
    for text in ("encoder.stage4.block3.conv_expand_pointwise", "98,765,432,109,876,543",
                 "123,456,789,012", "[123456789, 987654321, 4096, 4096]", "-7/2", "123457"):
        assert text in result.stdout, (text, result.stdout)
    assert "…" not in result.stdout and "\x1b[" not in result.stdout


def test_json(loaded):
    loaded(OK)
    result = run("stack", "net.yaml", "--format", "json")
    assert (result.code, result.stderr) == (0, "")
    doc = json.loads(result.stdout)
    assert doc["schema_version"] == 1 and doc["file"] == "net.yaml" and doc["ok"] is True
    assert doc["layers"][0]["receptive_field"]["size"] == [7, 7]
    assert doc["layers"][3]["receptive_field"]["start"] == ["1/2", -1]


def test_json_is_never_wrapped_or_coloured(loaded):
    loaded(WIDE)
    result = run("stack", "net.yaml", "-f", "json", env={"FORCE_COLOR": "1", "COLUMNS": "20"})
    assert result.code == 0 and "\x1b[" not in result.stdout
    assert json.loads(result.stdout)["layers"][0]["macs"] == 98765432109876543


def test_json_failure(loaded):
    loaded(FAILED)
    result = run("stack", "net.yaml", "-f", "json")
    assert (result.code, result.stderr) == (1, "")
    doc = json.loads(result.stdout)
    assert doc["ok"] is False and doc["failed"]["index"] == 3
    assert doc["error"]["type"] == "RuntimeError"


def test_markdown(loaded):
    loaded(FAILED)
    result = run("stack", "net.yaml", "--format", "markdown")
    assert (result.code, result.stderr) == (1, "")
    assert result.stdout.startswith("mode: train\n\n| # | name | type | output shape |")
    assert "| ✗ 3 | conv2 | Conv2d | ✗ RuntimeError |" in result.stdout
    assert "> RuntimeError: Given groups=1" in result.stdout


def test_csv(loaded):
    loaded(FAILED)
    result = run("stack", "net.yaml", "--format", "csv")
    assert result.code == 1
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][0] == "index" and rows[-1][-2:] == ["error", "train"] and len(rows) == 5
    assert result.stderr.startswith("error: layer 3 'conv2' (Conv2d) at net.yaml:7:5")


def test_input_override_is_passed(loaded):
    stack = loaded(OK)
    assert run("stack", "net.yaml", "--input", "1,3,320,320").code == 0
    assert stack.input_shape == (1, 3, 320, 320)


@pytest.mark.parametrize("shape, message", [
    ("1x3xfoo", "error: --input: the shape '1x3xfoo' has 'foo' where a whole number should be\n"),
    ("", "error: --input: the shape '' is empty\n"),
    ("1x-1", "error: --input: the shape '1x-1' has the negative size -1\n"),
])
def test_bad_input_shape_exits_2(loaded, shape, message):
    loaded(OK)
    result = run("stack", "net.yaml", "--input", shape)
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.startswith(message)


def test_bad_format_exits_2(loaded):
    loaded(OK)
    result = run("stack", "net.yaml", "--format", "xml")
    assert result.code == 2 and result.stdout == "" and "xml" in result.stderr


def test_malformed_file_lists_every_problem(monkeypatch):
    problems = [Problem("unknown layer 'Conv2D'", "did you mean 'Conv2d'?",
                        Source("net.yaml", 3, 5), "unknown-layer"),
                Problem("unknown argument 'kernel' for Conv2d", "did you mean 'kernel_size'?",
                        Source("net.yaml", 4, 22), "unknown-argument")]

    def load(file, fmt="table", framework=None):
        try:
            raise StackFileError(problems)
        except ValueError as err:
            cli_stack._problems(err, file)
    monkeypatch.setattr(cli_stack, "load", load)
    result = run("stack", "net.yaml")
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        "net.yaml:3:5: unknown layer 'Conv2D'\n"
        "  hint: did you mean 'Conv2d'?\n"
        "net.yaml:4:22: unknown argument 'kernel' for Conv2d\n"
        "  hint: did you mean 'kernel_size'?\n"
        "net.yaml: 2 problems, the network was not analysed\n")


def test_missing_file_exits_2(tmp_path):
    result = run("stack", str(tmp_path / "nope.yaml"))
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.startswith(f"{tmp_path / 'nope.yaml'}:1:1: cannot read ")
    assert "Traceback" not in result.stderr
