"""Flatten, Unflatten, Identity and Linear: shape tables, errors, params and MACs.

Every expected value below was checked against torch 2.13.0 (CPU).
"""

from __future__ import annotations

import pytest

from conv_calc import nn


@pytest.mark.parametrize("args, shape, expected", [
    ((), (8, 64, 7, 7), (8, 3136)),
    ((0, -1), (2, 3, 4), (24,)),
    ((1, -2), (2, 3, 4, 5), (2, 12, 5)),
    ((0,), (), (1,)),
    ((1, 2), (0, 3, 0), (0, 0)),
])
def test_flatten(args, shape, expected):
    assert nn.Flatten(*args).output_shape(shape) == expected


@pytest.mark.parametrize("dim, sizes, shape, expected", [
    (1, (2, 3), (4, 6), (4, 2, 3)),
    (1, [2, -1], (4, 6), (4, 2, 3)),
    (-1, (2, 3), (4, 6), (4, 2, 3)),
    (1, (0, 5), (4, 0), (4, 0, 5)),
    (1, (2, True, 3), (4, 6, 6), (4, 2, 1, 3, 6)),
])
def test_unflatten(dim, sizes, shape, expected):
    assert nn.Unflatten(dim, sizes).output_shape(shape) == expected


@pytest.mark.parametrize("args, shape, expected", [
    ((20, 30), (128, 20), (128, 30)),
    ((3, 4), (3,), (4,)),
    ((3, 4), (1, 1, 1, 1, 1, 3), (1, 1, 1, 1, 1, 4)),
    ((0, 4), (2, 0), (2, 4)),
    ((3, 0), (2, 3), (2, 0)),
])
def test_linear(args, shape, expected):
    assert nn.Linear(*args).output_shape(shape) == expected


@pytest.mark.parametrize("make, shape, exc, message", [
    (lambda: nn.Flatten(), (7,), IndexError,
     "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    (lambda: nn.Flatten(2, 1), (2, 3, 4), RuntimeError,
     "flatten() has invalid args: start_dim cannot come after end_dim"),
    (lambda: nn.Unflatten(1, (2, 4)), (4, 6), RuntimeError,
     "unflatten: Provided sizes [2, 4] don't multiply up to the size of dim 1 (6) in the input tensor"),
    (lambda: nn.Linear(3, 4), (2, 6, 5), RuntimeError,
     "mat1 and mat2 shapes cannot be multiplied (12x5 and 3x4)"),
    (lambda: nn.Linear(3, 4), (5,), RuntimeError,
     "mat1 and mat2 shapes cannot be multiplied (1x5 and 3x4)"),
    (lambda: nn.Linear(3, 4), (), RuntimeError,
     "both arguments to linear need to be at least 1D, but they are 0D and 2D"),
])
def test_forward_errors(make, shape, exc, message):
    with pytest.raises(exc) as info:
        make().output_shape(shape)
    assert str(info.value) == message and info.value.hint


@pytest.mark.parametrize("make, exc, message", [
    (lambda: nn.Linear(-1, 4), RuntimeError, "Trying to create tensor with negative dimension -1: [4, -1]"),
    (lambda: nn.Linear(3, 4.0), TypeError,
     "empty(): argument 'size' (position 1) must be tuple of ints, but found element of type float at pos 0"),
    (lambda: nn.Unflatten(1, 2), TypeError, "unflattened_size must be a tuple of ints, but found type int"),
])
def test_init_errors(make, exc, message):
    with pytest.raises(exc) as info:
        make()
    assert str(info.value) == message and info.value.stage == "init"


# params: sum(p.numel() for p in m.parameters()); MACs: FlopCounterMode total // 2 (torch 2.13).
@pytest.mark.parametrize("args, kwargs, shape, params, macs", [
    ((20, 30), {}, (128, 20), 630, 76800),
    ((3, 4), {"bias": False}, (3,), 12, 12),
    ((8, 16), {}, (2, 5, 8), 144, 1280),
    ((0, 4), {}, (2, 0), 4, 0),
    ((7, 0), {}, (3, 7), 0, 0),
])
def test_linear_params_and_macs(args, kwargs, shape, params, macs):
    layer = nn.Linear(*args, **kwargs)
    assert layer.param_count() == params
    assert layer.macs(shape, layer.output_shape(shape)) == macs


def test_linear_infers_in_features():
    assert nn.Linear.infer_kwargs((8, 512)) == {"in_features": 512}
    assert nn.Linear.infer_kwargs((512,)) == {"in_features": 512}
