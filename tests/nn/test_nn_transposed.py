"""ConvTranspose1d/2d/3d: shapes, errors, parameters and MACs.

Every expected value below was measured with torch 2.13.0 on the CPU
(``torch.nn.ConvTranspose*d(**kwargs)(torch.zeros(input), **forward_kwargs)``;
parameters as ``sum(p.numel() for p in m.parameters())``; MACs as
``torch.utils.flop_counter.FlopCounterMode`` total FLOPs // 2; repr as ``repr(m)``).
"""

from __future__ import annotations

import pytest

from conv_calc import nn
from conv_calc.errors import BACKEND_NOTE, LayerError

# (layer, kwargs, input, forward kwargs) -> output shape, params, MACs, repr; measured with torch.
MEASURED = [
    ("ConvTranspose1d", dict(in_channels=16, out_channels=8, kernel_size=3, stride=2, padding=1,
                             output_padding=1), (4, 16, 50), {}, (4, 8, 100), 392, 76800,
     "ConvTranspose1d(16, 8, kernel_size=(3,), stride=(2,), padding=(1,), output_padding=(1,))"),
    ("ConvTranspose1d", dict(in_channels=4, out_channels=6, kernel_size=5, stride=3, dilation=2,
                             groups=2), (4, 9), {}, (6, 33), 66, 540,
     "ConvTranspose1d(4, 6, kernel_size=(5,), stride=(3,), dilation=(2,), groups=2)"),
    ("ConvTranspose2d", dict(in_channels=64, out_channels=3, kernel_size=4, stride=2, padding=1),
     (1, 64, 56, 56), {}, (1, 3, 112, 112), 3075, 9633792,
     "ConvTranspose2d(64, 3, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1))"),
    ("ConvTranspose2d", dict(in_channels=6, out_channels=9, kernel_size=(3, 2), stride=(2, 3),
                             padding=(1, 0), groups=3, bias=False),
     (2, 6, 7, 5), {}, (2, 9, 13, 14), 108, 7560,
     "ConvTranspose2d(6, 9, kernel_size=(3, 2), stride=(2, 3), padding=(1, 0), groups=3, "
     "bias=False)"),
    ("ConvTranspose2d", dict(in_channels=8, out_channels=4, kernel_size=3, stride=2, padding=1),
     (8, 10, 10), {"output_size": [20, 20]}, (4, 20, 20), 292, 28800,
     "ConvTranspose2d(8, 4, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))"),
    ("ConvTranspose2d", dict(in_channels=8, out_channels=8, kernel_size=3, stride=2, dilation=3,
                             groups=8), (3, 8, 4, 6), {}, (3, 8, 13, 17), 80, 5184,
     "ConvTranspose2d(8, 8, kernel_size=(3, 3), stride=(2, 2), dilation=(3, 3), groups=8)"),
    ("ConvTranspose3d", dict(in_channels=2, out_channels=4, kernel_size=2, stride=2),
     (1, 2, 4, 4, 4), {}, (1, 4, 8, 8, 8), 68, 4096,
     "ConvTranspose3d(2, 4, kernel_size=(2, 2, 2), stride=(2, 2, 2))"),
    ("ConvTranspose3d", dict(in_channels=4, out_channels=2, kernel_size=(3, 1, 2), stride=(1, 2, 3),
                             padding=(1, 0, 0), output_padding=(0, 1, 2), groups=2),
     (2, 4, 3, 5, 4), {}, (2, 2, 3, 10, 13), 26, 2880,
     "ConvTranspose3d(4, 2, kernel_size=(3, 1, 2), stride=(1, 2, 3), padding=(1, 0, 0), "
     "output_padding=(0, 1, 2), groups=2)"),
]


@pytest.mark.parametrize("layer,kwargs,inp,fkw,shape,params,macs,text", MEASURED)
def test_measured_against_torch(layer, kwargs, inp, fkw, shape, params, macs, text):
    m = getattr(nn, layer)(**kwargs)
    assert m.output_shape(inp, **fkw) == shape
    assert m.param_count() == params
    assert m.macs(inp, shape) == macs  # flop_counter counts per input element, not per output
    assert repr(m) == text


# L_out = (L_in - 1)*stride - 2*padding + dilation*(k - 1) + output_padding + 1 (values from torch).
FORMULA = [
    # L_in, k, stride, padding, output_padding, dilation -> L_out
    (6, 3, 1, 0, 0, 1, 8),
    (6, 3, 2, 1, 1, 1, 12),
    (6, 4, 2, 1, 0, 1, 12),
    (6, 2, 2, 0, 0, 1, 12),
    (6, 3, 3, 2, 2, 1, 16),
    (6, 3, 1, 1, 0, 2, 8),
    (6, 5, 2, 2, 1, 2, 16),
    (6, 1, 1, 0, 0, 1, 6),
    (6, 3, 2, 0, 2, 3, 19),  # output_padding 2 >= stride 2 is fine: it is below dilation 3
    (6, 1, 3, 0, 0, 1, 16),
]


@pytest.mark.parametrize("length,k,s,p,op,d,out", FORMULA)
def test_formula_1d(length, k, s, p, op, d, out):
    layer = nn.ConvTranspose1d(2, 3, k, stride=s, padding=p, output_padding=op, dilation=d)
    assert layer.output_shape((1, 2, length)) == (1, 3, out)
    assert layer.output_shape((2, length)) == (3, out)


@pytest.mark.parametrize("inp,fkw,shape", [
    ((0, 2, 6, 5), {}, (0, 3, 8, 7)),                          # zero batch
    ((0, 2, 1, 1), {"output_size": None}, (0, 3, 3, 3)),
    ((1, 2, 6, 5), {"output_size": (8, 7)}, (1, 3, 8, 7)),
    ((1, 2, 6, 5), {"output_size": [1, 3, 8, 7]}, (1, 3, 8, 7)),  # N, C are dropped
    ((2, 6, 5), {"output_size": [3, 8, 7]}, (3, 8, 7)),       # unbatched: C is dropped
])
def test_conv_transpose2d_shapes(inp, fkw, shape):
    assert nn.ConvTranspose2d(2, 3, 3).output_shape(inp, **fkw) == shape


def test_zero_batch_skips_kernel_checks():
    # torch: output_padding 2 == stride 2 raises for batch 1 but not for batch 0.
    layer = nn.ConvTranspose2d(2, 3, 3, stride=2, output_padding=2)
    assert layer.output_shape((0, 2, 6, 5)) == (0, 3, 15, 13)


ERRORS = [
    # layer, kwargs, input, forward kwargs, stage, builtin, message (all from torch)
    ("ConvTranspose2d", dict(in_channels=2, out_channels=3, kernel_size=3, padding_mode="reflect"),
     (1, 2, 6, 5), {}, "init", ValueError,
     'Only "zeros" padding mode is supported for ConvTranspose2d'),
    ("ConvTranspose1d", dict(in_channels=3, out_channels=4, kernel_size=3, groups=2),
     (1, 3, 6), {}, "init", ValueError, "in_channels must be divisible by groups"),
    ("ConvTranspose1d", dict(in_channels=1, out_channels=1, kernel_size=-2), (1, 1, 6), {},
     "init", RuntimeError, "Trying to create tensor with negative dimension -2: [1, 1, -2]"),
    ("ConvTranspose1d", dict(in_channels=1, out_channels=1, kernel_size=3, padding="same"),
     (1, 1, 6), {}, "forward", TypeError,
     "conv_transpose1d(): argument 'padding' (position 5) must be tuple of ints, but found "
     "element of type str at pos 0"),
    ("ConvTranspose2d", dict(in_channels=2, out_channels=3, kernel_size=3), (6, 5), {},
     "forward", RuntimeError,
     "Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: "
     "[6, 5]"),
    ("ConvTranspose1d", dict(in_channels=2, out_channels=3, kernel_size=3), (1, 3, 6), {},
     "forward", RuntimeError,
     "Given transposed=1, weight of size [2, 3, 3], expected input[1, 3, 6] to have 2 channels, "
     "but got 3 channels instead"),
    ("ConvTranspose1d", dict(in_channels=1, out_channels=1, kernel_size=3, output_padding=1),
     (1, 1, 6), {}, "forward", RuntimeError,
     "output padding must be smaller than either stride or dilation, but got output_padding_height:"
     " 0 output_padding_width: 1 stride_height: 1 stride_width: 1 dilation_height: 1 "
     "dilation_width: 1"),
    ("ConvTranspose1d", dict(in_channels=1, out_channels=1, kernel_size=2, padding=1), (1, 1, 1),
     {}, "forward", RuntimeError,
     "Given input size per channel: (1 x 1). Calculated output size per channel: (1 x 0). "
     "Output size is too small"),
    ("ConvTranspose2d", dict(in_channels=1, out_channels=1, kernel_size=1, padding=1),
     (0, 1, 1, 1), {}, "forward", RuntimeError, "only one dimension can be inferred"),
    ("ConvTranspose2d", dict(in_channels=2, out_channels=3, kernel_size=3), (2, 5, 5),
     {"output_size": [10, 10]}, "forward", ValueError,
     "requested an output size of [10, 10], but valid sizes range from [7, 7] to [7, 7] "
     "(for an input of torch.Size([5]))"),
    ("ConvTranspose2d", dict(in_channels=2, out_channels=3, kernel_size=3), (2, 5, 5),
     {"output_size": (1, 3, 7, 7)}, "forward", ValueError,
     "ConvTranspose2D: for 3D input, output_size must have 2 or 3 elements (got 4)"),
    ("ConvTranspose1d", dict(in_channels=2, out_channels=3, kernel_size=3, stride=3, padding=1),
     (6,), {"output_size": [16]}, "forward", IndexError,
     "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    ("ConvTranspose1d", dict(in_channels=1, out_channels=1, kernel_size=3, stride=2), (1, 1, 6),
     {"output_size": [14.0]}, "forward", TypeError,
     "conv_transpose1d(): argument 'output_padding' (position 6) must be tuple of ints, but found "
     "element of type float at pos 0"),
]


@pytest.mark.parametrize("layer,kwargs,inp,fkw,stage,builtin,message", ERRORS)
def test_errors_match_torch(layer, kwargs, inp, fkw, stage, builtin, message):
    with pytest.raises(builtin) as info:
        getattr(nn, layer)(**kwargs).output_shape(inp, **fkw)
    err = info.value
    assert isinstance(err, LayerError)
    assert str(err) == message
    assert err.stage == stage
    assert err.hint


def test_backend_dependent_errors_say_so():
    with pytest.raises(RuntimeError) as info:
        nn.ConvTranspose2d(2, 2, 2, padding=2).output_shape((2, 2, 1, 1))
    assert info.value.hint.endswith(BACKEND_NOTE)


def test_signature_and_attributes_follow_torch():
    layer = nn.ConvTranspose2d(4, 8, 3, 2, 1, 1, 2, False, 1)
    assert (layer.kernel_size, layer.stride, layer.padding) == ((3, 3), (2, 2), (1, 1))
    assert (layer.output_padding, layer.groups, layer.dilation) == ((1, 1), 2, (1, 1))
    assert layer.weight_shape == (4, 4, 3, 3)
    with pytest.raises(TypeError, match="unexpected keyword argument 'foo'"):
        nn.ConvTranspose3d(1, 1, 1, foo=1)


def test_infer_in_channels():
    assert nn.ConvTranspose2d.infer_kwargs((1, 5, 8, 8)) == {"in_channels": 5}
    assert nn.ConvTranspose2d.infer_kwargs((5, 8, 8)) == {"in_channels": 5}
    assert nn.ConvTranspose1d.infer_kwargs((7, 8)) == {"in_channels": 7}
