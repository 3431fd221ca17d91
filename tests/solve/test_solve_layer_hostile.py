"""solve refuses layers torch cannot run because a value is past 64 bits (torch unpacks
stride, padding, dilation and kernel sizes as int64 in forward)."""

from __future__ import annotations

import pytest

from conv_calc import nn
from conv_calc.errors import SolveError
from conv_calc.solve.layer import layer_axes
from conv_calc.solve.transposed import solve_output_padding

BIG = 10**30


@pytest.mark.parametrize("layer", [nn.Conv1d(1, 1, 5, stride=BIG), nn.Conv1d(1, 1, 5, padding=BIG),
                                   nn.MaxPool1d(3, stride=BIG), nn.ConvTranspose1d(1, 1, 3, dilation=BIG)])
def test_values_past_int64_are_refused(layer):
    with pytest.raises(SolveError, match="Overflow when unpacking long long"):
        layer_axes(layer)


def test_output_padding_of_a_layer_torch_cannot_run_is_no_answer():
    with pytest.raises(SolveError, match=r"stride=\(10{30},\)"):
        solve_output_padding(nn.Conv1d(1, 1, 5, stride=BIG))
    assert solve_output_padding(nn.Conv1d(1, 1, 5, stride=2**63 - 1)).rule  # int64 itself is fine
