"""`conv-calc import torch` of a model that is one layer: a clear refusal, not fx's
"torch.conv2d has no stack-file row" from inside the layer."""

from __future__ import annotations

import pytest

from tests.cli_runner import run

pytestmark = pytest.mark.slow

CODE = """import torch
def bare():
    return torch.nn.Conv2d(3, 4, 3)
def wrapped():
    return torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3))
"""


def test_a_bare_layer_is_refused_with_what_to_do(tmp_path):
    pytest.importorskip("torch")
    (tmp_path / "m.py").write_text(CODE)
    result = run("import", "torch", f"{tmp_path / 'm.py'}:bare", "--input", "1x3x8x8")
    assert result.code == 2
    assert "the model is a single layer (torch.nn.modules.conv.Conv2d), not a network" in (
        result.stderr)
    assert "conv-calc layer 'Conv2d(3, 4, kernel_size=(3, 3), stride=(1, 1))'" in result.stderr


def test_the_same_layer_in_a_sequential_imports(tmp_path):
    pytest.importorskip("torch")
    (tmp_path / "m.py").write_text(CODE)
    result = run("import", "torch", f"{tmp_path / 'm.py'}:wrapped", "--input", "1x3x8x8")
    assert result.code == 0, result.stderr
    assert "  - Conv2d: {in_channels: 3, out_channels: 4, kernel_size: 3}\n    name: '0'\n" in (
        result.stdout)
