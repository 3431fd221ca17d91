"""PixelShuffle, PixelUnshuffle, ChannelShuffle, Fold, Unfold, MaxUnpool1d/2d/3d: shape tables,
errors, reprs, params and MACs.

Every expected value below was checked against torch 2.13.0 (CPU); the golden family
``torch_rearrange`` (oracle/cases/rearrange.py) holds about two thousand more.
"""

from __future__ import annotations

import pytest

from conv_calc import nn
from conv_calc.errors import LayerError


@pytest.mark.parametrize("make, shape, expected", [
    (lambda: nn.PixelShuffle(3), (1, 9, 4, 4), (1, 1, 12, 12)),
    (lambda: nn.PixelShuffle(2), (8, 3, 3), (2, 6, 6)),
    (lambda: nn.PixelShuffle(2), (2, 1, 8, 3, 3), (2, 1, 2, 6, 6)),
    (lambda: nn.PixelShuffle(2), (0, 8, 0, 3), (0, 2, 0, 6)),
    (lambda: nn.PixelShuffle(2**31), (0, 0, 2**33 - 4, 1), (0, 0, -2**33, 2**31)),  # int64 wrap
    (lambda: nn.PixelUnshuffle(2), (1, 2, 4, 6), (1, 8, 2, 3)),
    (lambda: nn.PixelUnshuffle(2), (0, 2, 4, 4), (0, 2, 4, 4)),  # an empty input is cloned
    (lambda: nn.ChannelShuffle(2), (1, 4, 3), (1, 4, 3)),
    (lambda: nn.ChannelShuffle(3), (0, 6, 2, 2, 2, 2), (0, 6, 2, 2, 2, 2)),
    (lambda: nn.Unfold(2), (1, 3, 4, 5), (1, 12, 12)),
    (lambda: nn.Unfold((2, 3), dilation=2, padding=1, stride=2), (1, 3, 4, 5), (1, 18, 4)),
    (lambda: nn.Unfold(2), (3, 4, 5), (12, 12)),
    (lambda: nn.Unfold(2**62), (1, 3, 4, 5), (1, 0, 2**62 + 30)),  # 32-bit block counts
    (lambda: nn.Fold((4, 5), 2), (1, 12, 12), (1, 3, 4, 5)),
    (lambda: nn.Fold(4, 2), (12, 9), (3, 4, 4)),
    (lambda: nn.Fold((1, 1), 2, padding=1), (1, 12, 4), (1, 3, 1, 1)),
    (lambda: nn.MaxUnpool1d(2), (1, 3, 4), (1, 3, 8)),
    (lambda: nn.MaxUnpool2d(2), (3, 4, 5), (3, 8, 10)),
    (lambda: nn.MaxUnpool2d(2, stride=1, padding=1), (1, 3, 4, 5), (1, 3, 3, 4)),
    (lambda: nn.MaxUnpool2d(2, stride=0), (1, 3, 4, 5), (1, 3, 2, 2)),
    (lambda: nn.MaxUnpool2d(True), (1, 3, 4, 5), (1, 3, 4, 5)),
    (lambda: nn.MaxUnpool3d(2), (0, 3, 4, 5, 6), (0, 3, 8, 10, 12)),
])
def test_shapes(make, shape, expected):
    assert make().output_shape(shape) == expected


@pytest.mark.parametrize("make, shape, fkw, expected", [
    (lambda: nn.MaxUnpool2d(2), (1, 3, 4, 5), {"output_size": [9, 11]}, (1, 3, 9, 11)),
    (lambda: nn.MaxUnpool2d(2), (1, 3, 4, 5), {"output_size": (1, 3, 9, 11)}, (1, 3, 9, 11)),
    (lambda: nn.MaxUnpool1d(2), (1, 3, 4), {"output_size": [9]}, (1, 3, 9)),
    (lambda: nn.MaxUnpool3d(2), (1, 3, 4, 5, 6), {"output_size": (9, 11, 13)}, (1, 3, 9, 11, 13)),
    (lambda: nn.MaxUnpool2d(2), (1, 3, 4, 5), {"indices": (1, 3, 4, 5)}, (1, 3, 8, 10)),
])
def test_unpool_forward_kwargs(make, shape, fkw, expected):
    assert make().output_shape(shape, **fkw) == expected


@pytest.mark.parametrize("make, shape, fkw, exc, message", [
    (lambda: nn.PixelShuffle(2), (3, 3), {}, RuntimeError,
     "pixel_shuffle expects input to have at least 3 dimensions, but got input with 2 dimension(s)"),
    (lambda: nn.PixelShuffle(0), (1, 8, 3, 3), {}, RuntimeError,
     "pixel_shuffle expects a positive upscale_factor, but got 0"),
    (lambda: nn.PixelShuffle(2.0), (1, 8, 3, 3), {}, TypeError,
     "pixel_shuffle(): argument 'upscale_factor' (position 2) must be int, not float"),
    (lambda: nn.PixelShuffle(2**63), (1, 8, 3, 3), {}, ValueError, "Overflow when unpacking long long"),
    (lambda: nn.PixelShuffle(2**32), (1, 8, 3, 3), {}, ValueError,
     "upscale factor is too large, (upscale_factor)^2 overflowed: upscale_factor=4294967296"),
    (lambda: nn.PixelShuffle(2**31), (0, 0, 2**32 + 1, 1), {}, RuntimeError,
     "IntArrayRef contains an int that cannot be represented as a SymInt: -9223372034707292160"),
    (lambda: nn.PixelShuffle(2**31), (1, 0, 3, 3), {}, RuntimeError, "Stride calculation overflowed"),
    (lambda: nn.PixelUnshuffle(2), (1, 2, 5, 6), {}, RuntimeError,
     "pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=5 is "
     "not divisible by 2"),
    (lambda: nn.ChannelShuffle(3), (1, 4, 3), {}, RuntimeError,
     "Number of channels must be divisible by groups. Got 4 channels and 3 groups."),
    (lambda: nn.ChannelShuffle(0), (1, 4), {}, RuntimeError,
     "channel_shuffle expects input with > 2 dims, but got input with sizes [1, 4]"),
    (lambda: nn.Unfold(2), (4, 5), {}, IndexError,
     "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    (lambda: nn.Unfold(2), (), {}, IndexError, "Dimension specified as 1 but tensor has no dimensions"),
    (lambda: nn.Unfold(2, stride=0, padding=-1), (1, 3, 4, 5), {}, RuntimeError,
     "padding should be non-negative, but got pad_height: -1 pad_width: -1"),
    (lambda: nn.Unfold((2, 2, 2)), (1, 3, 4, 5), {}, RuntimeError,
     "It is expected kernel_size equals to 2, but got size 3"),
    (lambda: nn.Unfold((2, 2.0)), (1, 3, 4, 5), {}, TypeError,
     "im2col(): argument 'kernel_size' failed to unpack the object at pos 2 with error \"type must "
     "be tuple of ints,but got float\""),
    (lambda: nn.Unfold(2**32 + 10), (1, 3, 4, 5), {}, RuntimeError,
     "Given input with spatial size (4, 5), kernel_size=(4294967306, 4294967306), dilation=(1, 1), "
     "padding=(0, 0), calculated shape of the array of sliding blocks as (-5, -4), but its "
     "components must be at least one."),
    (lambda: nn.Fold((4, 5), 2), (1, 12, 11), {}, RuntimeError,
     "Given output_size=(4, 5), kernel_size=(2, 2), dilation=(1, 1), padding=(0, 0), stride=(1, 1), "
     "expected size of input's dimension 2 to match the calculated number of sliding blocks "
     "3 * 4 = 12, but got input.size(2)=11."),
    (lambda: nn.Fold((-1, -1), 2), (1, 4, 4), {}, RuntimeError,
     "Given output_size=(-1, -1), kernel_size=(2, 2), dilation=(1, 1), padding=(0, 0), stride=(1, 1), "
     "calculated shape of the array of sliding blocks as (-2, -2), which is too small (non-positive)"),
    (lambda: nn.Fold(4, 2**32), (1, 12, 9), {}, RuntimeError,
     "Given kernel_width = 4294967296 and kernel_height = 4294967296 the product of kernel_width "
     "and kernel_height overflowed."),
    (lambda: nn.MaxUnpool2d(2), (1, 3, 4, 5), {"output_size": [10, 11]}, ValueError,
     'invalid output_size "[10, 11]" (dim 0 must be between 6 and 10)'),
    (lambda: nn.MaxUnpool2d(2), (1, 3, 4, 5), {"output_size": [7]}, ValueError,
     "output_size should be a sequence containing 2 or 4 elements, but it has a length of '1'"),
    (lambda: nn.MaxUnpool2d(2, padding=2), (1, 3, 1, 1), {}, ValueError,
     "max_unpooling: output_size must contain non-negative spatial dimensions, but got "
     "output_size[0]=-2"),
    (lambda: nn.MaxUnpool2d("ab"), (1, 3, 4, 5), {}, TypeError,
     "unsupported operand type(s) for -: 'str' and 'int'"),
    (lambda: nn.MaxUnpool2d(2), (5,), {}, IndexError, "tuple index out of range"),
    (lambda: nn.MaxUnpool1d(2), (4,), {}, RuntimeError,
     "Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with 2 dimensions."),
    (lambda: nn.MaxUnpool1d(2), (3, 0), {}, RuntimeError,
     "max_unpooling2d_forward_out_cpu(): Expected input to have non-zero size for non-batch "
     "dimensions, but got [3, 0, 1] with dimension 1 being empty."),
    (lambda: nn.MaxUnpool2d(2), (1, 3, 4, 5), {"indices": (1, 3, 4, 4)}, RuntimeError,
     "Expected shape of indices to be same as that of the input tensor ([1, 3, 4, 5]) but got "
     "indices tensor with shape: [1, 3, 4, 4]"),
    (lambda: nn.MaxUnpool3d(0), (1, 3, 4, 5, 6), {}, RuntimeError,
     "strides should be greater than zero, but got stride: [0, 0, 0]"),
    (lambda: nn.MaxUnpool3d(2, stride=(2, 2, 2, 2)), (1, 1, 1, 1, 1), {}, RuntimeError,
     "There should be exactly three elements (depth, height, width) in stride, but got: 4 elements."),
    (lambda: nn.MaxUnpool2d(2**31), (1, 1, 1, 1), {}, RuntimeError,
     "Storage size calculation overflowed with sizes=[1, 1, 2147483648, 2147483648]"),
    (lambda: nn.MaxUnpool2d(2), (1, 3, 4, 5), {"foo": 1}, TypeError,
     "MaxUnpool2d.forward() got an unexpected keyword argument 'foo'"),
])
def test_forward_errors(make, shape, fkw, exc, message):
    with pytest.raises(exc) as info:
        make().output_shape(shape, **fkw)
    err = info.value
    assert isinstance(err, LayerError) and str(err) == message
    assert err.stage == "forward" and err.hint


@pytest.mark.parametrize("make, message", [
    (lambda: nn.PixelShuffle(), "PixelShuffle.__init__() missing 1 required positional argument: "
                                "'upscale_factor'"),
    (lambda: nn.Fold(4), "Fold.__init__() missing 1 required positional argument: 'kernel_size'"),
    (lambda: nn.Unfold(2, foo=1), "Unfold.__init__() got an unexpected keyword argument 'foo'"),
    (lambda: nn.MaxUnpool2d(2, dilation=1),
     "MaxUnpool2d.__init__() got an unexpected keyword argument 'dilation'"),
])
def test_init_errors(make, message):
    with pytest.raises(TypeError) as info:
        make()
    assert str(info.value) == message and info.value.stage == "init" and info.value.hint


@pytest.mark.parametrize("layer, text", [
    (nn.PixelShuffle(2), "PixelShuffle(upscale_factor=2)"),
    (nn.PixelUnshuffle(3), "PixelUnshuffle(downscale_factor=3)"),
    (nn.ChannelShuffle(2), "ChannelShuffle(groups=2)"),
    (nn.Fold(4, 2), "Fold(output_size=4, kernel_size=2, dilation=1, padding=0, stride=1)"),
    (nn.Unfold(2), "Unfold(kernel_size=2, dilation=1, padding=0, stride=1)"),
    (nn.MaxUnpool2d(2), "MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))"),
])
def test_repr_and_attributes(layer, text):
    assert repr(layer) == text


def test_stored_attributes():
    m = nn.MaxUnpool3d(2, padding=1)
    assert (m.kernel_size, m.stride, m.padding) == ((2, 2, 2), (2, 2, 2), (1, 1, 1))
    assert nn.MaxUnpool1d(3, stride=2).stride == (2,)
    f = nn.Fold((4, 5), 2, stride=1)
    assert (f.output_size, f.kernel_size, f.dilation, f.padding, f.stride) == ((4, 5), 2, 1, 0, 1)


@pytest.mark.parametrize("layer, shape", [
    (nn.PixelShuffle(2), (1, 8, 4, 4)), (nn.PixelUnshuffle(2), (1, 2, 4, 4)),
    (nn.ChannelShuffle(2), (1, 4, 4, 4)), (nn.Fold((4, 5), 2), (1, 12, 12)),
    (nn.Unfold(2), (1, 3, 4, 5)), (nn.MaxUnpool2d(2), (1, 3, 2, 2)),
])
def test_no_params_no_macs(layer, shape):
    # torch 2.13: no parameters; torch.utils.flop_counter counts no FLOPs for any of these
    assert layer.param_count() == 0
    assert layer.macs(shape, layer.output_shape(shape)) == 0
