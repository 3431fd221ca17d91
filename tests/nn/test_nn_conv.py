"""Conv1d/2d/3d: shape formulas, errors, parameters and MACs.

Every expected value below was checked against torch 2.13.0 on the CPU
(shapes and messages also live in tests/golden/torch_conv.jsonl).
"""

from __future__ import annotations

import pytest

from conv_calc import nn
from conv_calc.errors import LayerRuntimeError, LayerTypeError, LayerValueError

SHAPES = [
    # (layer, kwargs, input shape, expected output shape)
    ("Conv2d", dict(in_channels=3, out_channels=64, kernel_size=7, stride=2, padding=3),
     (1, 3, 224, 224), (1, 64, 112, 112)),
    ("Conv1d", dict(in_channels=16, out_channels=33, kernel_size=3, stride=2), (20, 16, 50),
     (20, 33, 24)),
    ("Conv1d", dict(in_channels=2, out_channels=3, kernel_size=3), (2, 10), (3, 8)),
    ("Conv2d", dict(in_channels=2, out_channels=3, kernel_size=3, dilation=2), (1, 2, 9, 9),
     (1, 3, 5, 5)),
    ("Conv2d", dict(in_channels=2, out_channels=3, kernel_size=[2, 4], padding="same"),
     (1, 2, 7, 7), (1, 3, 7, 7)),
    ("Conv2d", dict(in_channels=2, out_channels=3, kernel_size=9, padding="same"),
     (1, 2, 3, 3), (1, 3, 3, 3)),
    ("Conv2d", dict(in_channels=2, out_channels=3, kernel_size=True), (1, 2, 5, 5),
     (1, 3, 5, 5)),
    ("Conv2d", dict(in_channels=2, out_channels=3, kernel_size=3, stride=[1]), (1, 2, 8, 8),
     (1, 3, 6, 6)),
    ("Conv2d", dict(in_channels=0, out_channels=3, kernel_size=3), (1, 0, 8, 8), (1, 0, 6, 6)),
    ("Conv3d", dict(in_channels=4, out_channels=8, kernel_size=(3, 2, 1), dilation=2,
                    padding="same"), (2, 4, 9, 8, 7), (2, 8, 9, 8, 7)),
    ("Conv3d", dict(in_channels=2, out_channels=3, kernel_size=3, stride=3, padding=1),
     (0, 2, 10**6, 10**6, 10**6), (0, 3, 333334, 333334, 333334)),
    ("Conv2d", dict(in_channels=1, out_channels=1, kernel_size=1, padding=-1,
                    padding_mode="reflect"), (1, 1, 10, 9), (1, 1, 8, 7)),
    ("Conv1d", dict(in_channels=1, out_channels=2, kernel_size=3, padding=1,
                    padding_mode="circular"), (0, 1, 2**62 - 1), (0, 2, 2**62 - 1)),
]


@pytest.mark.parametrize("layer, kwargs, shape, expected", SHAPES)
def test_output_shape(layer, kwargs, shape, expected):
    assert getattr(nn, layer)(**kwargs).output_shape(shape) == expected


ERRORS = [
    # (layer, kwargs, input shape or None for init, exception class, message)
    ("Conv1d", dict(in_channels=4, out_channels=4, kernel_size=3, groups=0), None,
     LayerValueError, "groups must be a positive integer"),
    ("Conv1d", dict(in_channels=2, out_channels=2, kernel_size=3, padding="full"), None,
     LayerValueError, "Invalid padding string 'full', should be one of {'same', 'valid'}"),
    ("Conv2d", dict(in_channels=2, out_channels=2, kernel_size=3, padding_mode="foo"), None,
     LayerValueError, "padding_mode must be one of {'replicate', 'reflect', 'zeros', "
                      "'circular'}, but got padding_mode='foo'"),
    ("Conv2d", dict(in_channels=2, out_channels=2, kernel_size=2.5), None, LayerTypeError,
     "empty(): argument 'size' failed to unpack the object at pos 3 with error "
     "\"type must be tuple of ints,but got float\""),
    ("Conv1d", dict(in_channels=3, out_channels=4, kernel_size=3), (1, 2, 10), LayerRuntimeError,
     "Given groups=1, weight of size [4, 3, 3], expected input[1, 2, 10] to have 3 channels, "
     "but got 2 channels instead"),
    ("Conv2d", dict(in_channels=3, out_channels=4, kernel_size=3, padding=1,
                    padding_mode="reflect"), (1, 2, 5, 5), LayerRuntimeError,
     "Given groups=1, weight of size [4, 3, 3, 3], expected input[1, 2, 7, 7] to have 3 "
     "channels, but got 2 channels instead"),
    ("Conv2d", dict(in_channels=2, out_channels=5, kernel_size=5, dilation=2), (1, 2, 8, 8),
     LayerRuntimeError, "Calculated padded input size per channel: (8 x 8). Kernel size: "
                        "(9 x 9). Kernel size can't be greater than actual input size"),
    ("Conv1d", dict(in_channels=2, out_channels=2, kernel_size=0), (1, 2, 10),
     LayerRuntimeError, "kernel size should be greater than zero, but got kernel_height: 1 "
                        "kernel_width: 0"),
    ("Conv2d", dict(in_channels=2, out_channels=2, kernel_size=3), (5, 5), LayerRuntimeError,
     "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [5, 5]"),
    ("Conv2d", dict(in_channels=1, out_channels=2, kernel_size=3, padding=1),
     (0, 1, 2_500_000_000, 2_500_000_000), LayerRuntimeError, "Stride calculation overflowed"),
]


@pytest.mark.parametrize("layer, kwargs, shape, cls, message", ERRORS)
def test_errors(layer, kwargs, shape, cls, message):
    with pytest.raises(cls) as info:
        getattr(nn, layer)(**kwargs).output_shape(shape)
    assert str(info.value) == message
    assert info.value.hint
    assert info.value.stage == ("init" if shape is None else "forward")


def test_unknown_keyword_reads_as_python():
    with pytest.raises(TypeError, match=r"^Conv1d\.__init__\(\) got an unexpected keyword "
                                        r"argument 'output_padding'$"):
        nn.Conv1d(1, 1, 3, output_padding=1)


STATS = [
    # (layer, kwargs, input shape, params, flop_counter FLOPs) measured with torch 2.13.0:
    # sum(p.numel() for p in m.parameters()) and FlopCounterMode().get_total_flops().
    ("Conv2d", dict(in_channels=3, out_channels=64, kernel_size=7, stride=2, padding=3,
                    bias=False), (1, 3, 224, 224), 9408, 236027904),
    ("Conv2d", dict(in_channels=64, out_channels=64, kernel_size=3, padding=1),
     (2, 64, 56, 56), 36928, 462422016),
    ("Conv2d", dict(in_channels=32, out_channels=64, kernel_size=3, groups=4, padding=1),
     (1, 32, 20, 20), 4672, 3686400),
    ("Conv2d", dict(in_channels=32, out_channels=32, kernel_size=3, groups=32, padding=1),
     (32, 20, 20), 320, 230400),
    ("Conv1d", dict(in_channels=16, out_channels=33, kernel_size=3, stride=2), (20, 16, 50),
     1617, 1520640),
    ("Conv3d", dict(in_channels=4, out_channels=8, kernel_size=(3, 2, 1), dilation=2,
                    padding="same"), (2, 4, 9, 8, 7), 200, 387072),
    ("Conv1d", dict(in_channels=4, out_channels=6, kernel_size=5, padding=2,
                    padding_mode="reflect", groups=2), (4, 12), 66, 1440),
]


@pytest.mark.parametrize("layer, kwargs, shape, params, flops", STATS)
def test_params_and_macs(layer, kwargs, shape, params, flops):
    layer = getattr(nn, layer)(**kwargs)
    assert layer.param_count() == params
    assert layer.macs(shape, layer.output_shape(shape)) == flops // 2


def test_repr_and_inference():
    assert repr(nn.Conv2d(3, 64, 7, stride=2, padding=3)) == \
        "Conv2d(3, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3))"
    assert repr(nn.Conv1d(2, 4, 3, padding="same", bias=False, padding_mode="reflect")) == \
        "Conv1d(2, 4, kernel_size=(3,), stride=(1,), padding=same, bias=False, " \
        "padding_mode=reflect)"
    assert nn.Conv2d.infer_kwargs((8, 3, 32, 32)) == {"in_channels": 3}
    assert nn.Conv2d.infer_kwargs((3, 32, 32)) == {"in_channels": 3}
