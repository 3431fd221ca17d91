"""`shares: ROW`: a layer called again (the same module or Keras layer object), its
parameters counted once, at its first call, as torch's ``parameters()`` and Keras's
``count_params()`` count them (checked live in tests/interop/test_torch_shared_module.py
and tests/interop/test_keras_files_live.py)."""

from __future__ import annotations

import pytest

from conv_calc.errors import ExportError, StackFileError
from conv_calc.interop.torch_export import export_torch
from conv_calc.stackfile.load import load_text

TORCH = """
input: [1, 3, 16, 16]
layers:
  - Conv2d: {out_channels: 3, kernel_size: 3, padding: 1}
    name: c
  - MaxPool2d: {kernel_size: 2}
  - Conv2d: {out_channels: 3, kernel_size: 3, padding: 1}
    name: c
    shares: c
"""

KERAS = """
framework: keras
input: [null, 16, 16, 3]
layers:
  - Conv2D: {filters: 3, kernel_size: 3, padding: same}
    name: c
  - MaxPooling2D: {}
  - Conv2D: {filters: 3, kernel_size: 3, padding: same}
    name: c_1
    shares: c
"""


@pytest.mark.parametrize("text", [TORCH, KERAS], ids=["torch", "keras"])
def test_a_layer_called_again_counts_its_parameters_once(text: str) -> None:
    report = load_text(text, "net.yaml").analyze()
    assert report.error is None
    # the second call runs on 8x8 (its MACs are its own), its weights are the first call's
    assert [(r.name, r.params, r.macs) for r in report.layers] == [
        ("c", 84, 20_736), ("1", 0, 0), ("c_1", 0, 5_184)]
    assert report.total_params == 84


def test_shares_naming_no_earlier_layer_row_fails_at_that_row() -> None:
    report = load_text(TORCH.replace("shares: c", "shares: d"), "net.yaml").analyze()
    assert report.failed.name == "c_1"
    assert "shares: 'd' names no earlier layer row" in str(report.error)
    assert "first call" in report.error.hint


@pytest.mark.parametrize("old, new", [
    ("- Conv2d: {out_channels: 3, kernel_size: 3, padding: 1}\n    name: c\n    shares",
     "- Conv2d: {out_channels: 3, kernel_size: 5, padding: 2}\n    name: c\n    shares"),
    ("  - MaxPool2d: {kernel_size: 2}\n", "  - Conv2d: {out_channels: 5, kernel_size: 1}\n"),
], ids=["other arguments", "other input channels"])
def test_shares_with_another_layer_fails(old: str, new: str) -> None:
    text = TORCH.replace(old, new)
    assert text != TORCH
    report = load_text(text, "net.yaml").analyze()
    assert report.failed.name == "c_1"
    assert "is not the layer of row 'c'" in str(report.error)
    assert "remove `shares:`" in report.error.hint


def test_shares_is_a_layer_option() -> None:
    with pytest.raises(StackFileError, match="`shares:` does not apply to flatten"):
        load_text("input: [1, 3, 4, 4]\nlayers:\n  - flatten:\n    shares: x\n", "n.yaml")
    with pytest.raises(StackFileError, match="shares must be the name of an earlier row"):
        load_text("input: [1, 3, 4, 4]\nlayers:\n  - ReLU:\n    shares: [x]\n", "n.yaml")


def test_export_refuses_a_layer_called_again() -> None:
    stack = load_text(TORCH, "net.yaml")
    with pytest.raises(ExportError, match="row 'c_1' is a layer called again"):
        export_torch(stack, "net.yaml")
