"""Training and eval mode: layer specs (``training``, ``.train()``, ``.eval()``), the Python
API (``Stack(mode=)``, ``analyze(mode=)``), the stack file's ``mode:`` key, and the mode said
by every output of stack, layer, lint and solve.

The layers' behaviour in each mode is checked against torch 2.13 by the golden replay
(tests/golden/torch_modes.jsonl, cases with ``"mode": "eval"``); the examples in both modes
by tests/graph/test_examples_torch.py::test_modes_match_torch.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import conv_calc
from conv_calc import nn
from conv_calc.errors import LayerValueError
from conv_calc.graph.stack import Stack
from conv_calc.solve.stack import solve_input_sizes
from conv_calc.stackfile.load import load_text
from conv_calc.stackfile.problems import StackFileError
from tests.cli_runner import run

ROOT = Path(__file__).parent.parent.parent
BN1 = "input: [1, 3, 8, 8]\nlayers:\n  - Conv2d: {out_channels: 4, kernel_size: 3}\n" \
      "  - AdaptiveAvgPool2d: {output_size: 1}\n  - BatchNorm2d\n"
BATCH1 = ("Expected more than 1 value per channel when training, got input size "
          "torch.Size([1, 4, 1, 1])")


# ------------------------------------------------------------------ layer specs

def test_layers_are_built_in_training_mode_and_switch_like_torch():
    bn = nn.BatchNorm2d(4)
    assert bn.training is True
    assert bn.eval() is bn and bn.training is False
    assert bn.train() is bn and bn.training is True
    assert bn.train(False).training is False
    with pytest.raises(ValueError, match="^training mode is expected to be boolean$") as info:
        bn.train(1)
    assert info.value.hint


def test_batch_norm_batch_of_one_only_fails_in_training_mode():
    with pytest.raises(ValueError, match="when training"):
        nn.BatchNorm2d(4).output_shape((1, 4, 1, 1))
    assert nn.BatchNorm2d(4).eval().output_shape((1, 4, 1, 1)) == (1, 4, 1, 1)
    # without running statistics eval mode still uses the batch's (torch: bn_training)
    with pytest.raises(ValueError, match="when training"):
        nn.BatchNorm2d(4, track_running_stats=False).eval().output_shape((1, 4, 1, 1))
    with pytest.raises(ValueError, match="^batch_norm eps must be non-negative, but got -1$"):
        nn.BatchNorm1d(3, eps=-1).eval().output_shape((2, 3))
    assert nn.BatchNorm1d(3, eps=0).eval().output_shape((2, 3)) == (2, 3)


def test_instance_norm_and_feature_dropout_in_eval_mode():
    with pytest.raises(ValueError, match="spatial element when training"):
        nn.InstanceNorm2d(3, track_running_stats=True).output_shape((2, 3, 1, 1))
    assert nn.InstanceNorm2d(3, track_running_stats=True).eval().output_shape((2, 3, 1, 1)) \
        == (2, 3, 1, 1)
    with pytest.raises(ValueError, match="spatial element when training"):
        nn.InstanceNorm2d(3).eval().output_shape((2, 3, 1, 1))  # no running stats: as training
    with pytest.raises(RuntimeError, match="Feature dropout requires"):
        nn.Dropout2d(0.5).output_shape(())
    assert nn.Dropout2d(0.5).eval().output_shape(()) == ()


# ------------------------------------------------------------------ the Python API

def _net():
    return Stack([nn.Conv2d(3, 4, 3), nn.AdaptiveAvgPool2d(1), nn.BatchNorm2d(4)],
                 input_shape=(1, 3, 8, 8))


def test_stack_mode_and_analyze_override():
    net = _net()
    assert net.mode == "train"
    train = net.analyze()
    assert (train.mode, train.failed.name, str(train.error)) == ("train", "2", BATCH1)
    ev = net.analyze(mode="eval")
    assert ev.mode == "eval" and ev.error is None and ev.output_shape == (1, 4, 1, 1)
    in_eval = Stack(net.layers, input_shape=(1, 3, 8, 8), mode="eval")
    assert in_eval.analyze().ok and not in_eval.analyze(mode="train").ok
    assert all(layer.training for layer in net.layers)  # the caller's layers are not changed
    with pytest.raises(ValueError, match="mode must be 'train' or 'eval'"):
        Stack(net.layers, mode="inference")
    with pytest.raises(ValueError, match="mode must be 'train' or 'eval'"):
        net.analyze(mode="Eval")


def test_a_layer_built_in_eval_mode_follows_the_stack():
    """As model.train() sets every submodule, the stack's mode wins over a layer's own."""
    net = Stack([nn.BatchNorm2d(4).eval()], input_shape=(1, 4, 1, 1))
    assert not net.analyze().ok
    assert net.analyze(mode="eval").ok


# ------------------------------------------------------------------ the stack file

def test_mode_key():
    assert load_text(BN1, "n.yaml").mode == "train"
    stack = load_text("mode: eval\n" + BN1, "n.yaml")
    assert stack.mode == "eval" and stack.analyze().ok
    assert not stack.analyze(mode="train").ok


@pytest.mark.parametrize("value,shown", [("evaluation", "'evaluation'"), ("true", "true"),
                                         ("[eval]", "a list"), ("1", "1")])
def test_bad_mode_is_a_problem_at_its_position(value, shown):
    with pytest.raises(StackFileError) as info:
        load_text(f"mode: {value}\n" + BN1, "n.yaml")
    (problem,) = info.value.problems
    assert (problem.source.line, problem.source.column) == (1, 7)
    assert problem.message.startswith("mode must be train or eval, got ")
    assert problem.hint


def test_schema_knows_mode():
    from conv_calc.stackfile.schema import stack_schema
    assert stack_schema()["properties"]["mode"]["enum"] == ["train", "eval"]


# ------------------------------------------------------------------ solve and lint

def test_solve_follows_the_mode():
    net = Stack([nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4)], input_shape=(1, 3, 3, 8))
    # H alone: 3 -> 1 row with W 8 -> 6 columns: 6 values per channel, fine in both modes
    assert solve_input_sizes(net, axes=(-2,))[0].smallest == 3
    one = Stack(net.layers, input_shape=(1, 3, 3, 3))
    assert solve_input_sizes(one, axes=(-2,))[0].smallest == 4   # 3 gives 1x1: train refuses
    assert solve_input_sizes(one, axes=(-2,), mode="eval")[0].smallest == 3
    assert solve_input_sizes(Stack(one.layers, input_shape=(1, 3, 3, 3), mode="eval"),
                             axes=(-2,))[0].smallest == 3


def test_lint_follows_the_mode(tmp_path):
    path = tmp_path / "n.yaml"
    path.write_text(BN1)
    result = run("lint", str(path), "-f", "json")
    doc = json.loads(result.stdout)
    assert result.code == 1 and doc["files"][0]["mode"] == "train"
    assert doc["files"][0]["diagnostics"][0]["code"] == "CC101"
    result = run("lint", str(path), "-f", "json", "--eval")
    doc = json.loads(result.stdout)
    assert result.code == 0 and doc["files"][0]["mode"] == "eval"
    result = run("lint", str(path), "--eval")
    assert result.code == 0 and result.stderr == "All checks passed: 1 file in eval mode.\n"
    path.write_text("mode: eval\n" + BN1)
    assert run("lint", str(path)).code == 0
    assert run("lint", str(path), "--train").code == 1


# ------------------------------------------------------------------ every output says the mode

@pytest.fixture
def bn1(tmp_path):
    path = tmp_path / "n.yaml"
    path.write_text(BN1)
    return str(path)


def test_stack_outputs_say_the_mode(bn1):
    train = run("stack", bn1)
    assert train.code == 1 and train.stdout.splitlines()[-1] == "mode: train"
    assert BATCH1 in train.stderr
    ev = run("stack", bn1, "--eval")
    assert ev.code == 0 and ev.stdout.splitlines()[-1] == "mode: eval (as after model.eval())"
    doc = json.loads(run("stack", bn1, "--eval", "-f", "json").stdout)
    assert doc["mode"] == "eval" and doc["ok"] is True
    assert json.loads(run("stack", bn1, "-f", "json").stdout)["mode"] == "train"
    assert run("stack", bn1, "--eval", "-f", "markdown").stdout.startswith(
        "mode: eval (as after model.eval())\n\n| # |")
    rows = list(csv.reader(io.StringIO(run("stack", bn1, "--eval", "-f", "csv").stdout)))
    assert rows[0][-1] == "mode" and {r[-1] for r in rows[1:]} == {"eval"}


def test_file_mode_and_the_flag(tmp_path):
    path = tmp_path / "n.yaml"
    path.write_text("mode: eval\n" + BN1)
    assert run("stack", str(path)).code == 0
    assert run("stack", str(path), "--train").code == 1


def test_layer_outputs_say_the_mode():
    train = run("layer", "BatchNorm2d(8)", "-i", "1x8x1x1")
    assert train.code == 1 and train.stdout.splitlines()[-1] == "mode    train"
    ev = run("layer", "BatchNorm2d(8)", "-i", "1x8x1x1", "--eval")
    assert ev.code == 0 and ev.stdout.splitlines()[-1] == "mode    eval"
    assert "receptive field (per spatial axis)\n  size 1, jump 1, start 0" in ev.stdout
    doc = json.loads(run("layer", "BatchNorm2d(8)", "-i", "1x8x1x1", "--eval", "-f", "json").stdout)
    assert doc["mode"] == "eval" and doc["output_shape"] == [1, 8, 1, 1]
    doc = json.loads(run("layer", "BatchNorm2d(8)", "-i", "1x8x1x1", "-f", "json").stdout)
    assert doc["mode"] == "train" and doc["error"]["message"].startswith("Expected more than 1")


def test_solve_outputs_say_the_mode(bn1):
    text = run("solve", "input-sizes", bn1, "-r", "1..20")
    assert text.code == 0 and text.stdout.splitlines()[-1] == "mode: train"
    doc = json.loads(run("solve", "input-sizes", bn1, "-r", "1..20", "--eval", "-f", "json").stdout)
    assert doc["mode"] == "eval"


def test_eval_example():
    stack = conv_calc.load_stack(str(ROOT / "examples" / "aspp-eval-batch1.yaml"))
    assert stack.mode == "eval" and stack.analyze().ok
    with pytest.raises(LayerValueError):
        raise stack.analyze(mode="train").error
