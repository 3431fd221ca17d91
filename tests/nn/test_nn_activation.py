"""Activations, softmax and dropout: shapes, errors, params. Values checked against torch 2.13.0 (CPU)."""

from __future__ import annotations

import pytest

from conv_calc import nn


@pytest.mark.parametrize("layer, args, shape", [
    ("ReLU", (), (2, 3)), ("ReLU6", (), ()), ("GELU", ("tanh",), (8, 197, 768)), ("SiLU", (), (0, 3)),
    ("Softmax", (), (2, 3, 4, 5)), ("Softmax", (0,), ()), ("LogSoftmax", (-1,), (2, 10)),
    ("PReLU", (3,), (2, 3, 5)), ("PReLU", (), ()), ("Dropout", (1,), (2,)), ("Dropout1d", (), (2, 3)),
    ("Dropout2d", (), (2, 3, 4, 5, 6)), ("Dropout3d", (), (2,)), ("Dropout2d", (0.0,), (5,)),
    ("AlphaDropout", (0.5,), ()), ("Hardtanh", (-2, 2), (4,)),
])
def test_shape_is_kept(layer, args, shape):
    assert getattr(nn, layer)(*args).output_shape(shape) == shape


@pytest.mark.parametrize("layer, args, shape, exc, message", [
    ("PReLU", (3,), (2, 4, 5), RuntimeError,
     "Mismatch of parameter numbers and input channel size. Found parameter numbers = 3 and channel size = 4."),
    ("PReLU", (3,), (), RuntimeError, "Not allow zero-dim input tensor."),
    ("GELU", ("foo",), (2,), RuntimeError, "approximate argument must be either none or tanh."),
    ("Softmax", (2,), (2, 3), IndexError, "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    ("Softmax", (1.0,), (2, 3), TypeError, "softmax(): argument 'dim' (position 1) must be int, not float"),
    ("CELU", (0,), (2,), RuntimeError, "ZeroDivisionError: alpha cannot be 0 for CELU"),
    ("Dropout2d", (), (2,), RuntimeError, "Feature dropout requires at least 2 dimensions in the input"),
    ("Dropout1d", (), (2, 3, 4, 5), RuntimeError,
     "dropout1d: Expected 2D or 3D input, but received a 4D input. Note that dropout1d exists to provide "
     "channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch "
     "dimension (i.e. 2D or 3D inputs)."),
])
def test_forward_errors(layer, args, shape, exc, message):
    with pytest.raises(exc) as info:
        getattr(nn, layer)(*args).output_shape(shape)
    assert str(info.value) == message and info.value.hint


@pytest.mark.parametrize("make, exc, message", [
    (lambda: nn.Dropout(1.5), ValueError, "dropout probability has to be between 0 and 1, but got 1.5"),
    (lambda: nn.Dropout("a"), TypeError, "'<' not supported between instances of 'str' and 'int'"),
    (lambda: nn.Hardtanh(2, 1), AssertionError, "max_val (1) must be greater than min_val (2)"),
    (lambda: nn.PReLU(-1), RuntimeError, "Trying to create tensor with negative dimension -1: [-1]"),
])
def test_init_errors(make, exc, message):
    with pytest.raises(exc) as info:
        make()
    assert str(info.value) == message


def test_params():
    # torch 2.13: sum(p.numel() for p in PReLU(64).parameters()) == 64, PReLU() == 1
    assert nn.PReLU(64).param_count() == 64
    assert nn.PReLU().param_count() == 1
    assert nn.ReLU().param_count() == 0 and nn.ReLU().macs((2,), (2,)) == 0
