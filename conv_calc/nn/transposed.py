"""Transposed convolutions: ``torch.nn.ConvTranspose1d``, ``ConvTranspose2d``, ``ConvTranspose3d``.

Shape (torch.nn.ConvTranspose*d "Shape:" section), per spatial dim::

    L_out = (L_in - 1) * stride - 2 * padding + dilation * (kernel_size - 1)
            + output_padding + 1

or exactly ``output_size[-nd:]`` when forward is given ``output_size`` (which
must lie in ``[min, min + stride - 1]``, ``min`` being the formula with
output_padding 0; the layer's output_padding is then ignored).

>>> from conv_calc import nn
>>> up = nn.ConvTranspose2d(64, 3, 4, stride=2, padding=1)
>>> up.output_shape((1, 64, 56, 56))
(1, 3, 112, 112)
>>> up.output_shape((64, 56, 56), output_size=(113, 113))
(3, 113, 113)
>>> up
ConvTranspose2d(64, 3, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1))

Errors (torch's class and message, see transposed_checks): ValueError at
construction (padding_mode, groups); in forward ValueError / IndexError /
TypeError from ``output_size`` handling, TypeError from argument parsing,
RuntimeError from ATen's checks.
"""

from __future__ import annotations

from typing import Any

from conv_calc.errors import LayerRuntimeError, LayerValueError
from conv_calc.formulas import conv_transpose_output_size
from conv_calc.geometry import Axis, windows
from conv_calc.nn import transposed_checks as checks
from conv_calc.nn.base import Layer, as_shape, fmt_list, ntuple, per_axis
from conv_calc.nn.conv import conv_repr, torch_empty, torch_empty_bias
from conv_calc.nn.forward_kwargs import check_forward_kwargs

__all__ = ["ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]


class _ConvTransposeNd(Layer):
    """What the three ConvTranspose classes share: torch's _ConvNd/_ConvTransposeNd."""

    inferable = ("in_channels",)
    family = "transposed"
    forward_output_size = True

    def _setup(self, in_channels: Any, out_channels: Any, kernel_size: Any, stride: Any,
               padding: Any, output_padding: Any, groups: Any, bias: Any, dilation: Any,
               padding_mode: Any) -> None:
        n = self.spatial_dims
        kernel_size, stride, padding = ntuple(kernel_size, n), ntuple(stride, n), ntuple(padding, n)
        dilation, output_padding = ntuple(dilation, n), ntuple(output_padding, n)
        name = type(self).__name__
        if padding_mode != "zeros":
            # torch/nn/modules/conv.py: _ConvTransposeNd.__init__
            raise LayerValueError(f'Only "zeros" padding mode is supported for {name}',
                                  hint=f"padding_mode={padding_mode!r}: {name} pads with zeros "
                                       f"only; drop padding_mode or pad the input yourself.")
        # torch/nn/modules/conv.py: _ConvNd.__init__
        if groups <= 0:
            raise LayerValueError("groups must be a positive integer",
                                  hint=f"groups={groups}: use groups >= 1.")
        if in_channels % groups != 0:
            raise LayerValueError("in_channels must be divisible by groups",
                                  hint=f"in_channels={in_channels} is not a multiple of "
                                       f"groups={groups}.")
        if out_channels % groups != 0:
            raise LayerValueError("out_channels must be divisible by groups",
                                  hint=f"out_channels={out_channels} is not a multiple of "
                                       f"groups={groups}.")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.dilation, self.output_padding = dilation, output_padding
        self.transposed = True
        self.groups, self.padding_mode = groups, padding_mode
        # torch/nn/modules/conv.py: _ConvNd.__init__, weight then bias (torch.empty each)
        torch_empty((in_channels, out_channels // groups, *kernel_size), "weight")
        if bias:
            torch_empty_bias(out_channels)
        self.bias = bool(bias)

    @property
    def weight_shape(self) -> tuple:
        """``module.weight.shape``: ``(in_channels, out_channels // groups, *kernel_size)``."""
        return (self.in_channels, self.out_channels // self.groups, *self.kernel_size)

    @classmethod
    def infer_kwargs(cls, input_shape: tuple[int, ...]) -> dict[str, int]:
        shape = tuple(input_shape)
        return {"in_channels": shape[1] if len(shape) == cls.spatial_dims + 2 else shape[0]}

    def output_shape(self, input_shape: Any, **forward_kwargs: Any) -> tuple[int, ...]:
        """The shape of ``forward(torch.zeros(input_shape), output_size)``, or torch's error."""
        # torch/nn/modules/conv.py: ConvTranspose{N}d.forward(self, input, output_size=None)
        check_forward_kwargs(self, forward_kwargs, ("output_size",))
        output_size = forward_kwargs.get("output_size")
        shape = as_shape(input_shape)
        n = self.spatial_dims
        fn = f"conv_transpose{n}d"
        output_padding = checks.output_padding_for(self, shape, output_size, n)
        checks.parse_conv_args(fn, self.stride, self.padding, output_padding, self.groups,
                               self.dilation)
        batched = checks.check_rank(shape, n)
        x = shape if batched else (1, *shape)
        weight = tuple(int(v) for v in self.weight_shape)
        s, p, op, d = checks.check_params(weight, x, self.stride, self.padding, output_padding,
                                          self.dilation, self.groups)
        s, p, op, d = ([int(v) for v in a] for a in (s, p, op, d))
        if len(weight) == 3:  # Convolution.cpp: 1-d runs as 2-d with H = 1 (view1d_as_2d)
            x, weight = (x[0], x[1], 1, x[2]), (*weight[:2], 1, weight[2])
            s, p, op, d = [1, *s], [0, *p], [0, *op], [1, *d]
        numel = 1
        for v in x:
            numel *= v
        if x[0] == 0:
            out = checks.zero_batch_shape(x, weight, self.groups,
                                          checks.out_sizes(x[2:], weight[2:], s, p, op, d))
        elif numel == 0:
            # aten/src/ATen/native/Convolution.cpp: _select_conv_backend
            raise LayerRuntimeError(
                "Only zero batch or zero channel inputs are supported, but got input shape: "
                f"{fmt_list(x)}",
                hint=f"the input {fmt_list(shape)} has a zero-size spatial dim: every spatial "
                     f"size must be >= 1 (only the batch may be 0).")
        else:
            g = self.groups
            weight_g = (weight[0] // g, *weight[1:])
            sizes = checks.check_reference_kernel(x, weight_g, s, p, op, d)
            out = (x[0], weight[1] * g, *sizes)
        if n == 1:
            out = (out[0], out[1], out[3])
        return out if batched else out[1:]

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """A transposed window on each spatial dim, cropped by ``padding`` on both sides;
        ``output_padding`` is what this call added (forward's ``output_size`` may choose it)."""
        in_shape = tuple(in_shape)
        nd = len(self.kernel_size)
        k, s, p, d = (per_axis(v, nd) for v in (self.kernel_size, self.stride, self.padding,
                                                self.dilation))
        if out_shape is None:
            op = per_axis(self.output_padding, nd)
        else:
            op = [out_shape[j - nd] - conv_transpose_output_size(in_shape[j - nd], k[j], s[j],
                                                                 p[j], 0, d[j])
                  for j in range(nd)]
        return windows(len(in_shape), -nd, k, s, d, p, p, True, tuple(op))

    def param_count(self) -> int:
        """``sum(p.numel() for p in module.parameters())``: the weight plus the bias."""
        count = 1
        for v in self.weight_shape:
            count *= v
        return count + (self.out_channels if self.bias else 0)

    def macs(self, input_shape: tuple[int, ...], output_shape: tuple[int, ...]) -> int:
        """torch.utils.flop_counter's FLOPs // 2 for a transposed conv.

        ``N * prod(input spatial) * in_channels * out_channels/groups * prod(kernel_size)``:
        every input element is multiplied by every weight of its group (so the
        count does not depend on stride, padding or the output size).
        """
        shape = tuple(input_shape)
        batch = shape[0] if len(shape) == self.spatial_dims + 2 else 1
        count = batch
        for v in (*shape[-self.spatial_dims:], *self.weight_shape):
            count *= v
        return count

    def __repr__(self) -> str:
        return conv_repr(self)


class ConvTranspose1d(_ConvTransposeNd):
    """torch.nn.ConvTranspose1d: ``(N, C_in, L)`` or ``(C_in, L)`` -> ``(N, C_out, L_out)``.

    >>> ConvTranspose1d(16, 8, 3, stride=2, padding=1, output_padding=1).output_shape((4, 16, 50))
    (4, 8, 100)
    """

    spatial_dims = 1

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 device=None, dtype=None) -> None:
        self._setup(in_channels, out_channels, kernel_size, stride, padding, output_padding,
                    groups, bias, dilation, padding_mode)


class ConvTranspose2d(_ConvTransposeNd):
    """torch.nn.ConvTranspose2d: ``(N, C_in, H, W)`` or ``(C_in, H, W)`` -> ``(N, C_out, H_out, W_out)``.

    >>> ConvTranspose2d(8, 4, (3, 5), stride=(2, 1), padding=(1, 2)).output_shape((1, 8, 10, 10))
    (1, 4, 19, 10)
    """

    spatial_dims = 2

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 device=None, dtype=None) -> None:
        self._setup(in_channels, out_channels, kernel_size, stride, padding, output_padding,
                    groups, bias, dilation, padding_mode)


class ConvTranspose3d(_ConvTransposeNd):
    """torch.nn.ConvTranspose3d: ``(N, C_in, D, H, W)`` or ``(C_in, D, H, W)`` -> ``(N, C_out, ...)``.

    >>> ConvTranspose3d(2, 2, 2, stride=2).output_shape((2, 4, 4, 4))
    (2, 8, 8, 8)
    """

    spatial_dims = 3

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 device=None, dtype=None) -> None:
        self._setup(in_channels, out_channels, kernel_size, stride, padding, output_padding,
                    groups, bias, dilation, padding_mode)
