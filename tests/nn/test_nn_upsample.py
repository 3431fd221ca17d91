"""Upsample: shape tables and errors (every expected value was checked against torch 2.13)."""

from __future__ import annotations

import pytest

from conv_calc import nn

SHAPES = [
    ({"scale_factor": 2, "mode": "bilinear"}, (1, 3, 16, 16), (1, 3, 32, 32)),
    ({"scale_factor": 1.1}, (1, 1, 10), (1, 1, 11)),        # float64: 10 * 1.1 = 11.000000000000002
    ({"scale_factor": 1.1}, (1, 1, 100), (1, 1, 110)),
    ({"scale_factor": 0.3}, (1, 1, 10), (1, 1, 3)),
    ({"scale_factor": (2, 0.5)}, (1, 2, 5, 7), (1, 2, 10, 3)),
    ({"size": 7, "mode": "nearest-exact"}, (2, 4, 3, 3), (2, 4, 7, 7)),
    ({"size": [3, 11, 5], "mode": "trilinear"}, (1, 2, 10, 7, 3), (1, 2, 3, 11, 5)),
    ({"scale_factor": 1.7, "mode": "area"}, (1, 2, 10), (1, 2, 17)),
    ({"scale_factor": 2}, (0, 2, 5, 7), (0, 2, 10, 14)),
]


@pytest.mark.parametrize("kwargs, shape, expected", SHAPES)
def test_shape(kwargs, shape, expected):
    assert nn.Upsample(**kwargs).output_shape(shape) == expected


ERRORS = [
    ({"scale_factor": 0}, (1, 2, 5, 7), ValueError, "either size or scale_factor should be defined"),
    ({"size": 0}, (1, 2, 5, 7), RuntimeError,
     "Input and output sizes should be greater than 0, but got input (H: 5, W: 7) output (H: 0, W: 0)"),
    ({"scale_factor": 2, "mode": "bilinear"}, (1, 2, 5), NotImplementedError,
     "Got 3D input, but bilinear mode needs 4D input"),
    ({"scale_factor": 2, "align_corners": True}, (1, 2, 5, 7), ValueError,
     "align_corners option can only be set with the interpolating modes: "
     "linear | bilinear | bicubic | trilinear"),
    ({"scale_factor": 2}, (2, 5), NotImplementedError,
     "Input Error: Only 3D, 4D and 5D input Tensors supported (got 2D) for the modes: "
     "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact "
     "(got nearest)"),
]


@pytest.mark.parametrize("kwargs, shape, exc, message", ERRORS)
def test_error(kwargs, shape, exc, message):
    with pytest.raises(exc) as info:
        nn.Upsample(**kwargs).output_shape(shape)
    assert str(info.value) == message
    assert info.value.hint


def test_list_scale_factor_fails_at_init():
    with pytest.raises(TypeError) as info:
        nn.Upsample(scale_factor=[2, 3])
    assert str(info.value) == "float() argument must be a string or a real number, not 'list'"


def test_params_and_macs_are_zero():
    # torch: nn.Upsample has no parameters
    layer = nn.UpsamplingBilinear2d(scale_factor=2)
    assert layer.param_count() == 0
    assert layer.macs((1, 3, 8, 8), (1, 3, 16, 16)) == 0
