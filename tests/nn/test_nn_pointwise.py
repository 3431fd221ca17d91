"""LocalResponseNorm, Softmax2d, Threshold and SyncBatchNorm: shape tables, errors, reprs,
params and MACs.

Every expected value below was checked against torch 2.13.0 (CPU, no process group
initialised); the golden family ``torch_pointwise`` (oracle/cases/pointwise.py) holds
about eight hundred more.
"""

from __future__ import annotations

import pytest

from conv_calc import nn
from conv_calc.errors import LayerError


@pytest.mark.parametrize("make, shape", [
    (lambda: nn.LocalResponseNorm(2), (32, 5, 24, 24)),
    (lambda: nn.LocalResponseNorm(2), (16, 5, 7, 7, 7, 7)),
    (lambda: nn.LocalResponseNorm(100), (2, 3, 4, 5)),
    (lambda: nn.LocalResponseNorm("a"), (0, 3, 4)),  # an empty input returns before size is used
    (lambda: nn.LocalResponseNorm(2, 1e39, 1e39, 1e39), (2, 3, 4)),
    (lambda: nn.Softmax2d(), (2, 3, 4)),
    (lambda: nn.Softmax2d(), (0, 0, 0, 0)),
    (lambda: nn.Threshold(0.1, 20), ()),
    (lambda: nn.Threshold(0, 2**63), (2, 3)),
    (lambda: nn.SyncBatchNorm(3), (2, 3)),
    (lambda: nn.SyncBatchNorm(3), (2, 3, 4, 5, 6, 7)),
    (lambda: nn.SyncBatchNorm(4), (0, 3, 4)),
    (lambda: nn.SyncBatchNorm(3, momentum=None, process_group=5), (2, 3, 4)),
])
def test_shape_is_kept(make, shape):
    assert make().output_shape(shape) == shape


@pytest.mark.parametrize("make, shape, exc, message", [
    (lambda: nn.LocalResponseNorm(2), (2, 3), ValueError,
     "Expected 3D or higher dimensionality                          input (got 2 dimensions)"),
    (lambda: nn.LocalResponseNorm(0), (2, 3, 4, 5), RuntimeError,
     "kernel size should be greater than zero, but got kT: 0 kH: 1 kW: 1"),
    (lambda: nn.LocalResponseNorm(-3), (2, 3, 4, 5), RuntimeError,
     "narrow(): length must be non-negative."),
    (lambda: nn.LocalResponseNorm(-2), (1, 3, 5), RuntimeError,
     "pad should be at most half of effective kernel size, but got pad=0, kernel_size=-2 and "
     "dilation=1"),
    (lambda: nn.LocalResponseNorm(2.5), (2, 3, 4), TypeError,
     "pad(): argument 'pad' failed to unpack the object at pos 3 with error \"type must be tuple "
     "of ints,but got float\""),
    (lambda: nn.LocalResponseNorm(True), (2, 3, 4), TypeError,
     "avg_pool2d(): argument 'kernel_size' (position 2) must be tuple of ints, but found element "
     "of type bool at pos 0"),
    (lambda: nn.LocalResponseNorm("a"), (2, 3, 4), TypeError,
     "unsupported operand type(s) for //: 'str' and 'int'"),
    (lambda: nn.LocalResponseNorm(2, "a"), (2, 3, 4), TypeError,
     "mul(): argument 'other' (position 1) must be Tensor, not str"),
    (lambda: nn.LocalResponseNorm(2, 1, 1, None), (2, 3, 4), TypeError,
     "add(): argument 'other' (position 1) must be Tensor, not NoneType"),
    (lambda: nn.LocalResponseNorm(2, 1, [1]), (2, 3, 4), TypeError,
     "pow() received an invalid combination of arguments - got (list), but expected one of:\n"
     " * (Tensor exponent)\n      didn't match because some of the arguments have invalid types: "
     "(!list of [int]!)\n * (Number exponent)\n      didn't match because some of the arguments "
     "have invalid types: (!list of [int]!)\n"),
    (lambda: nn.LocalResponseNorm(2, 2**64), (2, 3, 4), OverflowError, "int too big to convert"),
    (lambda: nn.LocalResponseNorm(2**62), (2, 3, 4), RuntimeError,
     "Storage size calculation overflowed with sizes=[2, 1, 4611686018427387906, 4]"),
    (lambda: nn.LocalResponseNorm(2**33), (1, 1, 1), RuntimeError,
     "[enforce fail at alloc_cpu.cpp:127] err == 0. DefaultCPUAllocator: can't allocate memory: "
     "you tried to allocate 34359738368 bytes. Error code 12 (Cannot allocate memory)"),
    (lambda: nn.Softmax2d(), (2, 3, 4, 5, 6), ValueError,
     "Softmax2d: expected input to be 3D or 4D, got 5D instead"),
    (lambda: nn.Threshold("a", 20), (2, 3), TypeError,
     "threshold(): argument 'threshold' (position 2) must be Number, not str"),
    (lambda: nn.Threshold(0, "a", True), (2, 3), TypeError,
     "threshold_(): argument 'value' (position 3) must be Number, not str"),
    (lambda: nn.Threshold(0, 1e39), (0, 3), RuntimeError,
     "value cannot be converted to type float without overflow"),
    (lambda: nn.Threshold(2**64, 0), (2, 3), OverflowError, "int too big to convert"),
    (lambda: nn.SyncBatchNorm(3), (3,), ValueError, "expected at least 2D input (got 1D input)"),
    (lambda: nn.SyncBatchNorm(3), (2, 0), ValueError,
     "SyncBatchNorm number of input channels should be non-zero"),
    (lambda: nn.SyncBatchNorm(3), (1, 3, 1, 1), ValueError,
     "Expected more than 1 value per channel when training, got input size "
     "torch.Size([1, 3, 1, 1])"),
    (lambda: nn.SyncBatchNorm(4), (2, 3, 4), RuntimeError,
     "running_mean should contain 3 elements not 4"),
    (lambda: nn.SyncBatchNorm(3, momentum="a"), (2, 3, 4), TypeError,
     "batch_norm(): argument 'momentum' (position 7) must be float, not str"),
    (lambda: nn.SyncBatchNorm(3), (2, 3, 4), None, None),
])
def test_forward_errors(make, shape, exc, message):
    if exc is None:
        make().output_shape(shape)
        return
    with pytest.raises(exc) as info:
        make().output_shape(shape)
    err = info.value
    assert isinstance(err, LayerError) and str(err) == message
    assert err.stage == "forward" and err.hint


@pytest.mark.parametrize("make, exc, message", [
    (lambda: nn.Softmax2d(1), TypeError, "Softmax2d.__init__() takes 1 positional argument but 2 were given"),
    (lambda: nn.Softmax2d(1, dim=1), TypeError,
     "Softmax2d.__init__() got an unexpected keyword argument 'dim'"),
    (lambda: nn.Threshold(0.1), TypeError,
     "Threshold.__init__() missing 1 required positional argument: 'value'"),
    (lambda: nn.SyncBatchNorm(-1), RuntimeError, "Trying to create tensor with negative dimension -1: [-1]"),
    (lambda: nn.SyncBatchNorm(3.0), TypeError,
     "empty(): argument 'size' (position 1) must be tuple of ints, not float"),
    (lambda: nn.SyncBatchNorm(3, 1e-5, 0.1, True, True, None, None, None, True), TypeError,
     "SyncBatchNorm.__init__() takes from 2 to 9 positional arguments but 10 were given"),
])
def test_init_errors(make, exc, message):
    with pytest.raises(exc) as info:
        make()
    assert str(info.value) == message and info.value.stage == "init" and info.value.hint


@pytest.mark.parametrize("layer, text", [
    (nn.LocalResponseNorm(2), "LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1.0)"),
    (nn.Softmax2d(), "Softmax2d()"),
    (nn.Threshold(0.1, 20, True), "Threshold(threshold=0.1, value=20, inplace=True)"),
    (nn.SyncBatchNorm(3), "SyncBatchNorm(3, eps=1e-05, momentum=0.1, affine=True, bias=True, "
                          "track_running_stats=True)"),
])
def test_repr(layer, text):
    assert repr(layer) == text


# params: sum(p.numel() for p in m.parameters()); MACs: FlopCounterMode total // 2 (torch 2.13).
@pytest.mark.parametrize("layer, shape, params", [
    (nn.LocalResponseNorm(3), (2, 6, 4, 4), 0),
    (nn.Softmax2d(), (2, 3, 4, 4), 0),
    (nn.Threshold(0.1, 0), (2, 3), 0),
    (nn.SyncBatchNorm(3), (2, 3, 4), 6),
    (nn.SyncBatchNorm(3, affine=False), (2, 3, 4), 0),
    (nn.SyncBatchNorm(3, bias=False), (2, 3, 4), 3),
])
def test_params_and_macs(layer, shape, params):
    assert layer.param_count() == params
    assert layer.macs(shape, layer.output_shape(shape)) == 0


def test_sync_batch_norm_infers_num_features():
    assert nn.SyncBatchNorm.infer_kwargs((8, 64, 7, 7)) == {"num_features": 64}
