"""Normalisation layers: shape tables, errors, params. Values checked against torch 2.13.0 (CPU)."""

from __future__ import annotations

import pytest

from conv_calc import nn


@pytest.mark.parametrize("layer, args, kwargs, shape", [
    ("BatchNorm1d", (3,), {}, (2, 3)),
    ("BatchNorm1d", (3,), {}, (1, 3, 2)),
    ("BatchNorm1d", (3,), {}, (0, 4)),                       # empty input: no channel check
    ("BatchNorm2d", (3,), {"affine": False, "track_running_stats": False}, (2, 4, 4, 5)),
    ("InstanceNorm1d", (3,), {}, (2, 4, 5)),                 # mismatch only warns when affine=False
    ("InstanceNorm2d", (3,), {}, (3, 8, 8)),
    ("GroupNorm", (2, 4), {}, (1, 4)),
    ("LayerNorm", ([10, 10],), {}, (20, 5, 10, 10)),
    ("LayerNorm", (0,), {}, (2, 0)),
])
def test_shape_is_kept(layer, args, kwargs, shape):
    assert getattr(nn, layer)(*args, **kwargs).output_shape(shape) == shape


@pytest.mark.parametrize("layer, args, kwargs, shape, exc, message", [
    ("BatchNorm1d", (3,), {}, (2, 3, 4, 5), ValueError, "expected 2D or 3D input (got 4D input)"),
    ("BatchNorm2d", (3,), {}, (2, 4, 4, 5), RuntimeError, "running_mean should contain 4 elements not 3"),
    ("BatchNorm2d", (3,), {"track_running_stats": False}, (2, 4, 4, 5), RuntimeError,
     "weight should contain 4 elements not 3"),
    ("BatchNorm2d", (3,), {}, (1, 3, 1, 1), ValueError,
     "Expected more than 1 value per channel when training, got input size torch.Size([1, 3, 1, 1])"),
    ("InstanceNorm1d", (3,), {"affine": True}, (2, 4, 5), ValueError,
     "expected input's size at dim=1 to match num_features (3), but got: 4."),
    ("InstanceNorm1d", (3,), {"track_running_stats": True}, (2, 4, 5), RuntimeError,
     "running_mean should contain 8 elements not 6"),
    ("InstanceNorm1d", (3,), {}, (3, 1), ValueError,
     "Expected more than 1 spatial element when training, got input size torch.Size([1, 3, 1])"),
    ("GroupNorm", (2, 4), {}, (2, 3, 3), RuntimeError,
     "Expected number of channels in input to be divisible by num_groups, but got input of shape [2, 3, 3] "
     "and num_groups=2"),
    ("GroupNorm", (4, 4), {}, (1, 4), ValueError,
     "Expected more than 1 value per channel when training, got input size [1, 4]"),
    ("LayerNorm", ([3, 4],), {}, (2, 3), RuntimeError,
     "Given normalized_shape=[3, 4], expected input with shape [*, 3, 4], but got input of size[2, 3]"),
])
def test_forward_errors(layer, args, kwargs, shape, exc, message):
    with pytest.raises(exc) as info:
        getattr(nn, layer)(*args, **kwargs).output_shape(shape)
    assert str(info.value) == message and info.value.hint


@pytest.mark.parametrize("make, exc, message", [
    (lambda: nn.GroupNorm(3, 4), ValueError, "num_channels (4) must be divisible by num_groups (3)"),
    (lambda: nn.GroupNorm(0, 4), ZeroDivisionError, "integer modulo by zero"),
    (lambda: nn.BatchNorm1d(-1), RuntimeError, "Trying to create tensor with negative dimension -1: [-1]"),
    (lambda: nn.BatchNorm1d(-1, affine=False), RuntimeError, "zeros: Dimension size must be non-negative."),
    (lambda: nn.BatchNorm1d(3.0), TypeError, "empty(): argument 'size' (position 1) must be tuple of ints, not float"),
])
def test_init_errors(make, exc, message):
    with pytest.raises(exc) as info:
        make()
    assert str(info.value) == message


# sum(p.numel() for p in m.parameters()) measured in torch 2.13; running stats are buffers.
@pytest.mark.parametrize("make, params", [
    (lambda: nn.BatchNorm2d(64), 128),
    (lambda: nn.BatchNorm1d(10, affine=False), 0),
    (lambda: nn.BatchNorm1d(5, bias=False), 5),
    (lambda: nn.InstanceNorm2d(3, affine=True), 6),
    (lambda: nn.GroupNorm(4, 32), 64),
    (lambda: nn.GroupNorm(4, 32, bias=False), 32),
    (lambda: nn.LayerNorm([10, 10]), 200),
    (lambda: nn.LayerNorm(768, bias=False), 768),
])
def test_params(make, params):
    layer = make()
    assert layer.param_count() == params
    assert layer.macs((2, 3), (2, 3)) == 0


def test_inference():
    assert nn.BatchNorm2d.infer_kwargs((8, 64, 7, 7)) == {"num_features": 64}
    assert nn.InstanceNorm2d.infer_kwargs((64, 7, 7)) == {"num_features": 64}
    assert nn.GroupNorm.infer_kwargs((8, 32, 7, 7)) == {"num_channels": 32}
