"""Adaptive pooling: shape tables and errors (every expected value was checked against torch 2.13)."""

from __future__ import annotations

import pytest

from conv_calc import nn

SHAPES = [
    ("AdaptiveAvgPool2d", (1,), (8, 2048, 7, 7), (8, 2048, 1, 1)),
    ("AdaptiveAvgPool2d", ((None, 7),), (1, 512, 14, 10), (1, 512, 14, 7)),
    ("AdaptiveAvgPool2d", (1,), (1, 1, 0, 0, 3, 3), (1, 1, 0, 0, 1, 1)),  # the mean shortcut
    ("AdaptiveAvgPool1d", (5,), (2, 4, 16), (2, 4, 5)),
    ("AdaptiveAvgPool3d", ((None, 2, 2),), (1, 3, 4, 8, 8), (1, 3, 4, 2, 2)),
    ("AdaptiveMaxPool1d", (4,), (3, 10), (3, 4)),
    ("AdaptiveMaxPool2d", ((5, None),), (3, 9, 7), (3, 5, 7)),
    ("AdaptiveMaxPool3d", (9,), (1, 1, 4, 4, 4), (1, 1, 9, 9, 9)),
    ("AdaptiveAvgPool2d", (0,), (1, 3, 5, 5), (1, 3, 0, 0)),
    ("AdaptiveMaxPool2d", (10**9,), (0, 3, 5, 5), (0, 3, 10**9, 10**9)),
]


@pytest.mark.parametrize("layer, args, shape, expected", SHAPES)
def test_shape(layer, args, shape, expected):
    assert getattr(nn, layer)(*args).output_shape(shape) == expected


ERRORS = [
    ("AdaptiveAvgPool3d", (-1,), (1, 3, 5, 5, 5), RuntimeError,
     "adaptive_avg_pool3d: elements of output_size must be greater than or equal to 0 but "
     "received {-1, -1,-1}"),
    ("AdaptiveMaxPool2d", ((2, -3),), (1, 3, 5, 5), RuntimeError,
     "Trying to create tensor with negative dimension -3: [1, 3, 2, -3]"),
    ("AdaptiveAvgPool2d", ((3, 3, 3),), (3, 5, 5), ValueError,
     "Input dimension should be at least 4"),
    ("AdaptiveAvgPool1d", (2,), (5,), RuntimeError,
     "Expected 2 to 3 dimensions, but got 1-dimensional tensor for argument #1 'self' "
     "(while checking arguments for adaptive_avg_pool1d)"),
    ("AdaptiveMaxPool2d", (2,), (1, 0, 5, 5), RuntimeError,
     "adaptive_max_pool2d(): Expected input to have non-zero size for non-batch dimensions, "
     "but input has sizes [1, 0, 5, 5] with dimension 1 being empty"),
    ("AdaptiveAvgPool2d", (None,), (1, 3, 5, 5), TypeError, "object of type 'NoneType' has no len()"),
]


@pytest.mark.parametrize("layer, args, shape, exc, message", ERRORS)
def test_error(layer, args, shape, exc, message):
    with pytest.raises(exc) as info:
        getattr(nn, layer)(*args).output_shape(shape)
    assert str(info.value) == message
    assert info.value.hint


def test_params_and_macs_are_zero():
    # torch: AdaptiveAvgPool2d has no parameters
    layer = nn.AdaptiveAvgPool2d(7)
    assert layer.param_count() == 0
    assert layer.macs((1, 3, 14, 14), (1, 3, 7, 7)) == 0


def test_signature_errors_name_torch_base_class():
    with pytest.raises(TypeError) as info:
        nn.AdaptiveAvgPool2d(3, True)
    assert str(info.value) == "_AdaptiveAvgPoolNd.__init__() takes 2 positional arguments but 3 were given"
