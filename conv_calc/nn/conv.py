"""Convolutions: torch.nn.Conv1d, Conv2d and Conv3d.

The constructors mirror ``torch.nn.modules.conv`` (the same Python code paths, so
Python's own errors read as torch's); ``output_shape`` runs ``F.pad`` for a
non-zeros ``padding_mode`` (:mod:`conv_calc.nn.conv_pad`) and then the ATen
checks of ``F.conv{N}d`` (:mod:`conv_calc.nn.conv_checks`).

Shape (torch "Shape:" section), per spatial dim::

    L_out = floor((L_in + 2*padding - dilation*(kernel_size - 1) - 1) / stride + 1)

``padding='same'`` keeps ``L_in`` (stride 1 only); ``'valid'`` is padding 0.
Parameters: ``out_channels * in_channels/groups * prod(kernel_size)`` (+ ``out_channels``
bias). MACs: ``N * prod(weight.shape) * prod(L_out)``, torch.utils.flop_counter / 2.

>>> Conv2d(3, 64, kernel_size=7, stride=2, padding=3).output_shape((1, 3, 224, 224))
(1, 64, 112, 112)
>>> Conv1d(16, 33, 3, stride=2).output_shape((20, 16, 50))
(20, 33, 24)
>>> Conv3d(2, 4, (3, 5, 2), padding='same').output_shape((2, 7, 8, 9))
(4, 7, 8, 9)

Errors: ValueError at init (groups, padding string, padding_mode), RuntimeError /
TypeError from ``torch.empty`` at init, and in forward the errors of
:func:`conv_calc.nn.conv_pad.pad_shape` and
:func:`conv_calc.nn.conv_checks.conv_forward_shape`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from conv_calc.errors import LayerValueError
from conv_calc.formulas import same_padding
from conv_calc.geometry import Axis, windows
from conv_calc.nn.base import Layer, as_shape, fmt_list, ntuple, per_axis
from conv_calc.nn.conv_checks import conv_forward_shape
from conv_calc.nn.conv_pad import pad_shape
from conv_calc.nn.forward_kwargs import check_forward_kwargs
from conv_calc.nn.tensor_checks import check_empty
from conv_calc.nn.torch_args import check_list_head, type_error, unpack_list

__all__ = ["Conv1d", "Conv2d", "Conv3d"]

_PADDING_STRINGS_HASHSEED0 = "{'same', 'valid'}"
_PADDING_MODES_HASHSEED0 = "{'replicate', 'reflect', 'zeros', 'circular'}"


def _reverse_repeat_tuple(t: Iterable[Any], n: int) -> tuple:
    """torch.nn.modules.utils._reverse_repeat_tuple: ``(1, 2)`` -> ``(2, 2, 1, 1)``."""
    return tuple(x for x in reversed(tuple(t)) for _ in range(n))


def _overflow_note(what: str, size: tuple) -> str:
    return (f"the {what} would have shape {fmt_list(size)}: that is more than torch can "
            "allocate; use smaller channel counts and kernel sizes.")


def torch_empty(size: tuple, what: str) -> None:
    """The argument parsing, size checks and allocation of ``torch.empty(size)`` (float32).

    Shared by Conv and ConvTranspose (the weight, then the bias as ``(out_channels,)``).
    """
    def hint(_pos: int, value: Any) -> str:
        return (f"the {what} would have size {size!r}: channels and kernel sizes must be ints "
                f"within 64 bits, and {value!r} is not.")

    check_list_head("empty", "size", 1, size, hint=hint(0, size[0]) if size else "")
    unpack_list("empty", "size", size, hint=hint)
    size = tuple(int(d) for d in size)  # torch reads True as 1
    check_empty(size, _overflow_note(what, size), alloc=True)


def torch_empty_bias(out_channels: Any) -> None:
    """``torch.empty(out_channels)`` for the bias: a scalar size, so a bool is rejected whole."""
    if isinstance(out_channels, bool):
        # torch/csrc/utils/python_arg_parser.cpp: FunctionParameter::check (int list from a scalar)
        raise type_error("empty", "size", 1, out_channels, "tuple of ints",
                         hint=f"out_channels={out_channels!r} is a bool: give the number of channels as an int.")
    torch_empty((out_channels,), "bias")


class _ConvNd(Layer):
    """torch.nn.modules.conv._ConvNd (non-transposed part): checks and attributes."""

    inferable = ("in_channels",)
    family = "conv"

    def __init__(self, in_channels: int, out_channels: int, kernel_size: tuple,
                 stride: tuple, padding: Any, dilation: tuple, transposed: bool,
                 output_padding: tuple, groups: int, bias: bool, padding_mode: str,
                 device: Any = None, dtype: Any = None) -> None:
        # torch/nn/modules/conv.py: _ConvNd.__init__, same order of checks.
        if groups <= 0:
            raise LayerValueError("groups must be a positive integer",
                                  hint=f"groups={groups}: use groups >= 1.")
        if in_channels % groups != 0:
            raise LayerValueError(
                "in_channels must be divisible by groups",
                hint=f"in_channels={in_channels} is not a multiple of groups={groups}: "
                     "choose groups that divides both channel counts.")
        if out_channels % groups != 0:
            raise LayerValueError(
                "out_channels must be divisible by groups",
                hint=f"out_channels={out_channels} is not a multiple of groups={groups}: "
                     "choose groups that divides both channel counts.")
        valid_padding_strings = {"same", "valid"}
        if isinstance(padding, str):
            if padding not in valid_padding_strings:
                # torch/nn/modules/conv.py: _ConvNd.__init__ (a set, printed in PYTHONHASHSEED=0 order)
                raise LayerValueError(
                    f"Invalid padding string {padding!r}, should be one of "
                    f"{_PADDING_STRINGS_HASHSEED0}",
                    hint=f"padding={padding!r} is not a padding string torch knows: use 'same', "
                         "'valid' or a number.")
            if padding == "same" and any(s != 1 for s in stride):
                raise LayerValueError(
                    "padding='same' is not supported for strided convolutions",
                    hint=f"padding='same' needs stride 1, got stride={stride}: use stride=1 or an "
                         "explicit padding.")
        valid_padding_modes = {"zeros", "reflect", "replicate", "circular"}
        if padding_mode not in valid_padding_modes:
            # torch/nn/modules/conv.py: _ConvNd.__init__ (a set, printed in PYTHONHASHSEED=0 order)
            raise LayerValueError(
                f"padding_mode must be one of {_PADDING_MODES_HASHSEED0}, but got "
                f"padding_mode='{padding_mode}'",
                hint=f"padding_mode={padding_mode!r} is unknown: use 'zeros', 'reflect', "
                     "'replicate' or 'circular'.")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = transposed
        self.output_padding = output_padding
        self.groups = groups
        self.padding_mode = padding_mode
        if isinstance(self.padding, str):
            self._reversed_padding_repeated_twice = [0, 0] * len(kernel_size)
            if padding == "same":
                for d, k, i in zip(dilation, kernel_size, range(len(kernel_size) - 1, -1, -1)):
                    left_pad, right_pad = same_padding(k, d)
                    self._reversed_padding_repeated_twice[2 * i] = left_pad
                    self._reversed_padding_repeated_twice[2 * i + 1] = right_pad
        else:
            self._reversed_padding_repeated_twice = list(_reverse_repeat_tuple(self.padding, 2))
        self._weight_shape = (out_channels, in_channels // groups, *kernel_size)
        torch_empty(self._weight_shape, "weight")
        self._weight_shape = tuple(int(d) for d in self._weight_shape)  # True -> 1, as torch
        if bias:  # torch/nn/modules/conv.py: _ConvNd.__init__ makes the bias after the weight
            torch_empty_bias(out_channels)
        self.bias = bool(bias)

    @classmethod
    def infer_kwargs(cls, input_shape: tuple[int, ...]) -> dict[str, int]:
        """``in_channels`` from a batched ``(N, C, ...)`` or unbatched ``(C, ...)`` shape."""
        shape = tuple(input_shape)
        if len(shape) == cls.spatial_dims + 2:
            return {"in_channels": shape[1]}
        if len(shape) == cls.spatial_dims + 1:
            return {"in_channels": shape[0]}
        return {}

    def output_shape(self, input_shape: Iterable[int], **forward_kwargs: Any) -> tuple[int, ...]:
        """The shape of ``forward(zeros(input_shape))``; raises what torch raises."""
        check_forward_kwargs(self, forward_kwargs)
        shape = as_shape(input_shape)
        padding = self.padding
        if self.padding_mode != "zeros":
            # torch/nn/modules/conv.py: Conv{N}d._conv_forward pads first, then convolves unpadded
            shape = pad_shape(shape, self._reversed_padding_repeated_twice, self.padding_mode)
            padding = (0,) * self.spatial_dims
        return conv_forward_shape(f"conv{self.spatial_dims}d", shape, self._weight_shape,
                                  self.stride, padding, self.dilation, self.groups, bias=self.bias)

    def axis_geometry(self, in_shape: Iterable[int],
                      out_shape: Iterable[int] | None = None) -> tuple[Axis, ...]:
        """A window on each spatial dim, padded as torch pads it ('same': the odd pixel after)."""
        nd = len(self.kernel_size)
        pads = self._reversed_padding_repeated_twice  # (left, right) per dim, the last dim first
        if len(pads) != 2 * nd:  # one padding value for every dim
            pads = pads * nd
        return windows(len(tuple(in_shape)), -nd, tuple(self.kernel_size),
                       per_axis(self.stride, nd), per_axis(self.dilation, nd),
                       tuple(pads[-2::-2]), tuple(pads[::-2]))

    def param_count(self) -> int:
        """``weight.numel() + bias.numel()``."""
        count = 1
        for d in self._weight_shape:
            count *= d
        return count + (self.out_channels if self.bias else 0)

    def macs(self, input_shape: tuple[int, ...], output_shape: tuple[int, ...]) -> int:
        """``N * prod(weight.shape) * prod(output spatial)`` (flop_counter's conv FLOPs / 2)."""
        batched = len(input_shape) == self.spatial_dims + 2
        total = input_shape[0] if batched else 1
        for d in self._weight_shape:
            total *= d
        for d in output_shape[-self.spatial_dims:]:
            total *= d
        return total

    def __repr__(self) -> str:
        return conv_repr(self)


def conv_repr(layer: Any) -> str:
    """torch's module repr of a conv or transposed conv (``_ConvNd.extra_repr``)."""
    s = (f"{layer.in_channels}, {layer.out_channels}, kernel_size={layer.kernel_size}, "
         f"stride={layer.stride}")
    if layer.padding != (0,) * len(layer.padding):
        s += f", padding={layer.padding}"
    if layer.dilation != (1,) * len(layer.dilation):
        s += f", dilation={layer.dilation}"
    output_padding = getattr(layer, "output_padding", ())
    if output_padding != (0,) * len(output_padding):
        s += f", output_padding={output_padding}"
    if layer.groups != 1:
        s += f", groups={layer.groups}"
    if not layer.bias:
        s += ", bias=False"
    if getattr(layer, "padding_mode", "zeros") != "zeros":
        s += f", padding_mode={layer.padding_mode}"
    return f"{type(layer).__name__}({s})"


class Conv1d(_ConvNd):
    """torch.nn.Conv1d: input ``(N, C_in, L)`` or ``(C_in, L)``.

    >>> Conv1d(4, 8, 3, padding=1, padding_mode='circular').output_shape((2, 4, 10))
    (2, 8, 10)
    """

    spatial_dims = 1

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__(in_channels, out_channels, ntuple(kernel_size, 1), ntuple(stride, 1),
                         padding if isinstance(padding, str) else ntuple(padding, 1),
                         ntuple(dilation, 1), False, ntuple(0, 1), groups, bias, padding_mode,
                         device, dtype)


class Conv2d(_ConvNd):
    """torch.nn.Conv2d: input ``(N, C_in, H, W)`` or ``(C_in, H, W)``.

    >>> Conv2d(3, 64, 7, stride=2, padding=3)
    Conv2d(3, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3))
    """

    spatial_dims = 2

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__(in_channels, out_channels, ntuple(kernel_size, 2), ntuple(stride, 2),
                         padding if isinstance(padding, str) else ntuple(padding, 2),
                         ntuple(dilation, 2), False, ntuple(0, 2), groups, bias, padding_mode,
                         device, dtype)


class Conv3d(_ConvNd):
    """torch.nn.Conv3d: input ``(N, C_in, D, H, W)`` or ``(C_in, D, H, W)``.

    >>> Conv3d(1, 2, 3, stride=2).output_shape((1, 1, 9, 9, 9))
    (1, 2, 4, 4, 4)
    """

    spatial_dims = 3

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__(in_channels, out_channels, ntuple(kernel_size, 3), ntuple(stride, 3),
                         padding if isinstance(padding, str) else ntuple(padding, 3),
                         ntuple(dilation, 3), False, ntuple(0, 3), groups, bias, padding_mode,
                         device, dtype)
