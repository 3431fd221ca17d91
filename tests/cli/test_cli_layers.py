"""``conv-calc layers``: every registered layer, tensor function and merge; exit code, stdout
and stderr together."""

from __future__ import annotations

import json

import pytest

from conv_calc import nn
from conv_calc.graph.framework import KERAS
from conv_calc.nn.tensor_calls import WORDS
from tests.cli_runner import run


def test_text_lists_every_torch_layer_with_signature_and_fits_80_columns():
    result = run("layers")
    assert (result.code, result.stderr) == (0, "")
    out = result.stdout
    assert out.startswith(f"{len(nn.LAYERS)} torch layers")
    assert max(len(line) for line in out.splitlines()) <= 80
    for name in nn.LAYERS:
        assert f"  {name}(" in out, name
    assert "  Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0,\n" in out
    assert "  ReLU(inplace=False)\n" in out
    assert "\nconv:\n" in out and "\nmaxpool:\n" in out and "\nactivation:\n" in out
    for word, (torch_name, _) in WORDS.items():
        assert f"  {word} " in out and torch_name in out
    assert "cat, add, mul, sub, div" in out


#: The Keras layers a stack file may use: conv_calc.keras.LAYERS but a model file's
#: InputLayer and nested Sequential.
KERAS_LAYERS = KERAS.registry()


def test_text_keras():
    result = run("layers", "--framework", "keras")
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout.startswith(f"{len(KERAS_LAYERS)} keras layers")
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    for name in KERAS_LAYERS:
        assert f"  {name}(" in result.stdout, name
    assert "  InputLayer(" not in result.stdout and "  Multiply(" in result.stdout
    assert "tensor functions: none in a Keras stack" in result.stdout


@pytest.mark.parametrize("framework, registry", [("torch", nn.LAYERS), ("keras", KERAS_LAYERS)])
def test_json_for_programs(framework, registry):
    result = run("layers", "--framework", framework, "--format", "json")
    assert (result.code, result.stderr) == (0, "")
    doc = json.loads(result.stdout)
    assert doc["schema_version"] == 1 and doc["framework"] == framework
    listed = [layer["name"] for group in doc["groups"] for layer in group["layers"]]
    assert sorted(listed) == sorted(registry)
    assert len(listed) == len(set(listed))
    if framework == "torch":
        conv2d = next(l for g in doc["groups"] for l in g["layers"] if l["name"] == "Conv2d")
        assert conv2d["parameters"][:4] == [{"name": "in_channels"}, {"name": "out_channels"},
                                            {"name": "kernel_size"},
                                            {"name": "stride", "default": 1}]
        assert [t["item"] for t in doc["tensor_functions"]] == list(WORDS)
        assert doc["merges"]["items"] == ["cat", "add", "mul", "sub", "div"]
    else:
        assert doc["tensor_functions"] == [] and doc["merges"]["items"] == ["cat", "add", "mul", "sub"]


def test_bad_choice_is_a_usage_error():
    result = run("layers", "--framework", "jax")
    assert result.code == 2 and result.stdout == ""
    assert "--framework" in result.stderr


def test_listed_in_help():
    result = run("--help")
    assert (result.code, result.stderr) == (0, "")
    assert "layers" in result.stdout
