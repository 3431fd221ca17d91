"""Inputs torch cannot even create are refused with torch's reason, never analysed.

torch 2.13 (checked live in tests/parity when torch is present):
``torch.empty(1, 3, 10**30, 8)`` -> TypeError "... Overflow when unpacking long long";
``torch.empty(1, 3, 2**40, 2**40)`` -> RuntimeError "Storage size calculation overflowed
with sizes=[1, 3, 1099511627776, 1099511627776]".
"""

from __future__ import annotations

import pytest

from conv_calc import Stack, nn
from conv_calc.errors import StackDefinitionError
from tests.cli_runner import run

CASES = [((1, 3, 10**30, 8), "does not fit in 64 bits"),
         ((1, 3, 2**63, 8), "does not fit in 64 bits"),
         ((1, 3, 2**40, 2**40),
          "Storage size calculation overflowed with sizes=[1, 3, 1099511627776, 1099511627776]"),
         ((2**62, 1), "Storage size calculation overflowed")]


@pytest.mark.parametrize("shape, message", CASES)
def test_api_refuses(shape, message):
    with pytest.raises(StackDefinitionError, match=r"the input cannot exist in torch") as err:
        Stack([nn.ReLU()], input_shape=shape).analyze()
    assert message in str(err.value)


def test_largest_allocatable_input_is_analysed():
    report = Stack([nn.ReLU()], input_shape=(2**61 - 1, 1)).analyze()
    assert report.output_shape == (2**61 - 1, 1)


@pytest.mark.parametrize("shape, message", CASES[:3])
def test_cli_exit_2(tmp_path, shape, message):
    path = tmp_path / "big.yaml"
    path.write_text(f"input: {list(shape)}\nlayers:\n  - Conv2d: {{out_channels: 8, "
                    "kernel_size: 3}\n")
    result = run("stack", str(path))
    assert result.code == 2 and message in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("shape, message", CASES)
def test_torch_agrees(shape, message):
    torch = pytest.importorskip("torch")
    with pytest.raises((TypeError, RuntimeError)) as err:
        torch.empty(shape)
    if "64 bits" in message:
        assert "Overflow when unpacking long long" in str(err.value)
    else:
        assert message in str(err.value)
