"""Padding layers: shape tables and errors (every expected value was checked against torch 2.13)."""

from __future__ import annotations

import pytest

from conv_calc import nn

SHAPES = [
    # layer, args, input, expected (torch 2.13, CPU)
    ("ZeroPad2d", (1,), (1, 3, 8, 8), (1, 3, 10, 10)),
    ("ZeroPad2d", ((1, 2, 3, 4),), (1, 3, 8, 8), (1, 3, 15, 11)),
    ("ZeroPad1d", ((-2, 1),), (2, 5), (2, 4)),
    ("ConstantPad3d", (2, 3.5), (3, 4, 4, 4), (3, 8, 8, 8)),
    ("ConstantPad1d", ((1, 2, 3, 4, 5, 6, 7, 8), 0.0), (1, 1, 3, 3), (16, 12, 10, 6)),
    ("ReflectionPad1d", (2,), (1, 2, 3), (1, 2, 7)),
    ("ReflectionPad2d", ((1, 1, 2, 0),), (1, 3, 8, 8), (1, 3, 10, 10)),
    ("ReflectionPad2d", ((-3, -1, 0, 0),), (0, 1, 3, 3), (0, 1, 3, -1)),  # torch's own quirk
    ("ReplicationPad3d", (1,), (2, 1, 3, 3, 3), (2, 1, 5, 5, 5)),
    ("ReplicationPad1d", (10**9,), (0, 1, 3), (0, 1, 2 * 10**9 + 3)),
    ("CircularPad1d", ((-4, 1),), (1, 1, 3), (1, 1, 0)),
    ("CircularPad2d", (3,), (1, 1, 3, 3), (1, 1, 9, 9)),
]


@pytest.mark.parametrize("layer, args, shape, expected", SHAPES)
def test_shape(layer, args, shape, expected):
    assert getattr(nn, layer)(*args).output_shape(shape) == expected


ERRORS = [
    ("ReflectionPad1d", (3,), (1, 1, 3), RuntimeError,
     "Argument #4: Padding size should be less than the corresponding input dimension, but got: "
     "padding (3, 3) at dimension 2 of input [1, 1, 3]"),
    ("ReplicationPad2d", (-2,), (1, 1, 3, 3), RuntimeError,
     "input (H: 3, W: 3 ) is too small. Calculated output H: -1 W: -1"),
    ("CircularPad1d", (4,), (1, 3), RuntimeError,
     "Padding value causes wrapping around more than once."),
    ("CircularPad2d", (1,), (5, 5), ValueError, "expected 3D or 4D input (got 2D input)"),
    ("ZeroPad1d", (1.5,), (1, 1, 3), TypeError,
     "pad(): argument 'pad' (position 2) must be tuple of ints, but found element of type float "
     "at pos 0"),
    ("ZeroPad1d", ((-4, 0),), (1, 1, 3), RuntimeError, "narrow(): length must be non-negative."),
    ("ReflectionPad2d", ((1, 2),), (1, 1, 3, 3), NotImplementedError,
     "Padding size 2 is not supported for 4D input tensor.\n"
     "Supported combinations for non-constant padding:\n"
     "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
     "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
     "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"),
]


@pytest.mark.parametrize("layer, args, shape, exc, message", ERRORS)
def test_error(layer, args, shape, exc, message):
    with pytest.raises(exc) as info:
        getattr(nn, layer)(*args).output_shape(shape)
    assert str(info.value) == message
    assert info.value.hint


def test_params_and_macs_are_zero():
    # torch: sum(p.numel() for p in nn.ReflectionPad2d(1).parameters()) == 0
    layer = nn.ReflectionPad2d(1)
    assert layer.param_count() == 0
    assert layer.macs((1, 3, 8, 8), (1, 3, 10, 10)) == 0


def test_repr_like_torch():
    assert repr(nn.ZeroPad2d(1)) == "ZeroPad2d((1, 1, 1, 1))"
    assert repr(nn.ConstantPad1d(1, 2)) == "ConstantPad1d(padding=(1, 1), value=2)"
