"""MaxPool, AvgPool and LPPool (conv_calc.nn.pooling): formulas, errors, repr, params and MACs.

Every expected shape, message and repr below was measured with torch 2.13.0 (CPU)
and written here as a literal.
"""

from __future__ import annotations

import pytest

from conv_calc import nn

INF = float("inf")

# (layer, kwargs, input shape, output shape measured with torch 2.13.0)
SHAPES = [
    ("MaxPool1d", {"kernel_size": 3, "stride": 2}, (8, 16, 50), (8, 16, 24)),
    ("MaxPool1d", {"kernel_size": 2, "stride": 2, "padding": 1, "ceil_mode": True}, (4, 5), (4, 3)),
    ("MaxPool1d", {"kernel_size": 1, "stride": 3, "ceil_mode": True}, (1, 1, 8), (1, 1, 3)),
    ("MaxPool1d", {"kernel_size": 3, "dilation": 2, "padding": 1}, (2, 3, 10), (2, 3, 3)),
    ("MaxPool1d", {"kernel_size": 2, "return_indices": True}, (0, 3, 10), (0, 3, 5)),
    ("MaxPool2d", {"kernel_size": 3, "stride": 2, "padding": 1}, (1, 64, 112, 112), (1, 64, 56, 56)),
    ("MaxPool2d", {"kernel_size": 2}, (3, 7, 7), (3, 3, 3)),
    ("MaxPool2d", {"kernel_size": (2, 3), "stride": (1, 2), "dilation": (2, 1)}, (1, 1, 10, 9),
     (1, 1, 8, 4)),
    ("MaxPool2d", {"kernel_size": 3, "stride": 2, "ceil_mode": True}, (1, 1, 8, 8), (1, 1, 4, 4)),
    ("MaxPool2d", {"kernel_size": [2], "stride": [], "padding": [1]}, (2, 5, 5), (2, 3, 3)),
    ("MaxPool2d", {"kernel_size": 3, "stride": 2}, (0, 1, 10**9, 7), (0, 1, 499999999, 3)),
    ("MaxPool3d", {"kernel_size": (1, 2, 2)}, (1, 4, 8, 16, 16), (1, 4, 8, 8, 8)),
    ("MaxPool3d", {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}, (2, 7, 6, 5),
     (2, 4, 4, 3)),
    ("AvgPool1d", {"kernel_size": 4}, (16, 100), (16, 25)),
    ("AvgPool1d", {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}, (2, 4, 10),
     (2, 4, 6)),
    ("AvgPool2d", {"kernel_size": 2}, (1, 3, 9, 9), (1, 3, 4, 4)),
    ("AvgPool2d", {"kernel_size": (2, 3), "stride": 1}, (5, 6, 7), (5, 5, 5)),
    ("AvgPool2d", {"kernel_size": 7, "stride": 1}, (8, 512, 7, 7), (8, 512, 1, 1)),
    ("AvgPool2d", {"kernel_size": 4, "padding": 2}, (1, 1, 2, 2), (1, 1, 1, 1)),
    ("AvgPool3d", {"kernel_size": 2, "stride": 1, "padding": 1}, (1, 1, 4, 4, 4), (1, 1, 5, 5, 5)),
    ("AvgPool3d", {"kernel_size": (1, 2, 2), "ceil_mode": True}, (1, 2, 3, 5, 5), (1, 2, 3, 3, 3)),
    ("LPPool1d", {"norm_type": 2, "kernel_size": 3, "stride": 2}, (4, 16, 32), (4, 16, 15)),
    ("LPPool2d", {"norm_type": 1, "kernel_size": (2, 3)}, (1, 2, 8, 9), (1, 2, 4, 3)),
    ("LPPool2d", {"norm_type": INF, "kernel_size": 3, "stride": 2, "ceil_mode": True},
     (1, 8, 10, 10), (1, 8, 5, 5)),
    ("LPPool3d", {"norm_type": 2, "kernel_size": 2, "stride": 1}, (3, 4, 4, 4), (3, 3, 3, 3)),
]


@pytest.mark.parametrize(("layer", "kwargs", "shape", "expected"), SHAPES)
def test_output_shape(layer, kwargs, shape, expected):
    assert getattr(nn, layer)(**kwargs).output_shape(shape) == expected


# (layer, kwargs, input shape, builtin class, torch 2.13.0's message)
ERRORS = [
    # ceil_mode's decrement is not an error, but the three padding-limit rules are:
    ("MaxPool2d", {"kernel_size": 4, "padding": 3}, (1, 1, 10, 9), RuntimeError,
     "pad should be at most half of effective kernel size, but got pad=3, kernel_size=4 and "
     "dilation=1"),
    ("MaxPool2d", {"kernel_size": 3, "dilation": 2, "padding": 2}, (1, 1, 10, 9), RuntimeError,
     "pad should be smaller than or equal to half of kernel size, but got padW = 2, padH = 2, "
     "kW = 3, kH = 3"),
    ("MaxPool1d", {"kernel_size": 3, "padding": 2}, (1, 1, 10), RuntimeError,
     "max_pool1d() padding should be at most half of kernel size, but got padding=2 and "
     "kernel_size=3"),
    ("MaxPool1d", {"kernel_size": 3, "padding": 2, "return_indices": True}, (1, 1, 10),
     RuntimeError,
     "pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and "
     "dilation=1"),
    ("MaxPool1d", {"kernel_size": 3}, (1, 2, 2), RuntimeError,
     "max_pool1d() Invalid computed output size: 0"),
    ("AvgPool1d", {"kernel_size": 30}, (0, 2, 10), RuntimeError,
     "Given input size: (2x1x10). Calculated output size: (2x1x0). Output size is too small"),
    ("AvgPool3d", {"kernel_size": (9, 8, 7), "padding": 3}, (1, 1, 7, 6, 5), RuntimeError,
     "input image (T: 7 H: 6 W: 5) smaller than kernel size (kT: 9 kH: 8 kW: 7)"),
    ("AvgPool2d", {"kernel_size": 2, "divisor_override": 0}, (10, 9), RuntimeError,
     "divisor must be not zero"),
    ("AvgPool2d", {"kernel_size": 1}, (10, 9), IndexError,
     "Dimension out of range (expected to be in range of [-2, 1], but got -3)"),
    ("AvgPool3d", {"kernel_size": 2, "divisor_override": 0}, (7, 6, 5), RuntimeError,
     "non-empty 4D or 5D (batch mode) tensor expected for input"),
    ("MaxPool2d", {"kernel_size": 0}, (1, 1, 10, 9), RuntimeError, "stride should not be zero"),
    ("MaxPool3d", {"kernel_size": [2, 2]}, (1, 1, 7, 6, 5), RuntimeError,
     "max_pool3d: kernel_size must either be a single int, or a tuple of three ints"),
    ("MaxPool1d", {"kernel_size": 2, "ceil_mode": 1}, (1, 1, 10), TypeError,
     "max_pool1d(): argument 'ceil_mode' (position 6) must be bool, not int"),
    ("AvgPool1d", {"kernel_size": 2.5}, (1, 1, 10), TypeError,
     "avg_pool1d(): argument 'kernel_size' (position 2) must be tuple of ints, but found element "
     "of type float at pos 0"),
    ("MaxPool2d", {"kernel_size": [2, 2.0]}, (1, 1, 10, 9), TypeError,
     "max_pool2d(): argument 'stride' failed to unpack the object at pos 2 with error \"type must "
     "be tuple of ints,but got float\""),
    ("AvgPool1d", {"kernel_size": 2}, (1, 0, 10), RuntimeError,
     "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but "
     "got:[1, 0, 1, 10]"),
    ("LPPool1d", {"norm_type": 0, "kernel_size": 3}, (1, 2, 9), ZeroDivisionError,
     "float division by zero"),
    ("LPPool2d", {"norm_type": 2, "kernel_size": [3]}, (1, 2, 9, 9), ValueError,
     "not enough values to unpack (expected 2, got 1)"),
]


@pytest.mark.parametrize(("layer", "kwargs", "shape", "exc", "message"), ERRORS)
def test_errors(layer, kwargs, shape, exc, message):
    module = getattr(nn, layer)(**kwargs)
    with pytest.raises(exc) as info:
        module.output_shape(shape)
    assert str(info.value) == message
    assert info.value.stage == "forward"
    assert info.value.hint


def test_unknown_keyword_names_the_base_class():
    with pytest.raises(TypeError) as info:
        nn.MaxPool2d(2, count_include_pad=False)
    assert str(info.value) == \
        "_MaxPoolNd.__init__() got an unexpected keyword argument 'count_include_pad'"
    with pytest.raises(TypeError, match=r"^AvgPool1d\.__init__\(\) got an unexpected keyword "
                                        r"argument 'divisor_override'$"):
        nn.AvgPool1d(2, divisor_override=2)


# (constructor call, torch 2.13.0's repr)
REPRS = [
    ("MaxPool2d(3, stride=2, padding=1)",
     "MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)"),
    ("MaxPool1d([2], return_indices=True)",
     "MaxPool1d(kernel_size=[2], stride=[2], padding=0, dilation=1, ceil_mode=False)"),
    ("AvgPool1d(3)", "AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))"),
    ("AvgPool2d((2, 3), divisor_override=2)", "AvgPool2d(kernel_size=(2, 3), stride=(2, 3), padding=0)"),
    ("AvgPool3d(2, stride=1)", "AvgPool3d(kernel_size=2, stride=1, padding=0)"),
    ("LPPool2d(2, 3)", "LPPool2d(norm_type=2, kernel_size=3, stride=None, ceil_mode=False)"),
    ("LPPool1d(float('inf'), 2, stride=1, ceil_mode=True)",
     "LPPool1d(norm_type=inf, kernel_size=2, stride=1, ceil_mode=True)"),
]


@pytest.mark.parametrize(("call", "expected"), REPRS)
def test_repr_matches_torch(call, expected):
    assert repr(eval(f"nn.{call}")) == expected  # noqa: S307 - literal test input


@pytest.mark.parametrize(("layer", "kwargs", "shape", "expected"), SHAPES)
def test_no_parameters_no_macs(layer, kwargs, shape, expected):
    # torch 2.13.0: sum(p.numel() for p in m.parameters()) == 0 for every pooling layer.
    module = getattr(nn, layer)(**kwargs)
    assert module.param_count() == 0
    assert module.macs(shape, expected) == 0
