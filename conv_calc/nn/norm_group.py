"""Per-sample normalisation over channel groups or trailing dims: GroupNorm, LayerNorm.

Split from :mod:`conv_calc.nn.norm` (which re-exports both): unlike batch and instance
norm they keep no running statistics. Shape: input ``(*)`` -> output ``(*)``.

>>> LayerNorm(10).output_shape((20, 5, 10))
(20, 5, 10)
"""

from __future__ import annotations

import math
from numbers import Integral
from typing import Any

from conv_calc.errors import (LayerRuntimeError, LayerTypeError,
                              LayerValueError, LayerZeroDivisionError)
from conv_calc.nn.base import Layer, as_shape, fmt_list
from conv_calc.nn.factory import parse_size
from conv_calc.nn.forward_kwargs import check_forward_kwargs
from conv_calc.nn.torch_args import check_float_arg, check_int64, is_int, parse_int_list, tname

__all__ = ["GroupNorm", "LayerNorm"]


def _factory_1d(func: str, n: Any, name: str) -> None:
    """``torch.empty(n)`` / ``torch.zeros(n)``: an int or a size list (conv_calc.nn.factory)."""
    parse_size(func, n, name, negative=func)


class GroupNorm(Layer):
    """Normalise groups of channels per sample (torch.nn.GroupNorm).

    Shape: input ``(N, C, *)`` -> the same, with ``C = num_channels``.

    >>> GroupNorm(2, 4).output_shape((2, 4, 5))
    (2, 4, 5)

    Raises ValueError at construction unless num_groups divides num_channels;
    in forward RuntimeError for fewer than 2 dims or a channel mismatch,
    ValueError for one value per group.
    """

    inferable = ("num_channels",)

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True,
                 device=None, dtype=None, *, bias: bool = True) -> None:
        try:
            rem = num_channels % num_groups
        except ZeroDivisionError as err:
            raise LayerZeroDivisionError(str(err), hint="num_groups=0: use at least one group.") from None
        except TypeError as err:
            raise LayerTypeError(str(err), hint="num_groups and num_channels must be integers.") from None
        if rem != 0:
            # torch/nn/modules/normalization.py: GroupNorm.__init__
            raise LayerValueError(
                f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})",
                hint=f"{num_channels} channels cannot be split into {num_groups} equal groups: "
                     f"pick num_groups dividing {num_channels}.")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        self.has_bias = bool(affine) and bool(bias)
        if self.affine:
            _factory_1d("empty", num_channels, "num_channels")

    @classmethod
    def infer_kwargs(cls, input_shape) -> dict[str, int]:
        shape = as_shape(input_shape)
        return {"num_channels": shape[1]} if len(shape) >= 2 else {}

    def __repr__(self) -> str:
        return f"GroupNorm({self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, bias={self.has_bias})"

    def output_shape(self, input_shape, **forward_kwargs: Any) -> tuple[int, ...]:
        shape = as_shape(input_shape)
        check_forward_kwargs(self, forward_kwargs)
        if len(shape) < 2:
            # torch/nn/functional.py: group_norm
            raise LayerRuntimeError(
                f"Expected at least 2 dimensions for input tensor but received {len(shape)}",
                hint="GroupNorm needs an (N, C, ...) input.")
        g = self.num_groups
        # torch/nn/functional.py: group_norm -> _verify_batch_size([N * C // G, G, *spatial])
        size = [shape[0] * shape[1] // g, g, *shape[2:]]
        if math.prod([size[0], *size[2:]]) == 1:
            raise LayerValueError(
                f"Expected more than 1 value per channel when training, got input size {size!r}",
                hint="each group holds a single value: use more samples or more channels per group.")
        if not is_int(g):
            raise LayerTypeError(
                f"group_norm(): argument 'num_groups' (position 2) must be int, not {tname(g)}",
                hint=f"num_groups={g!r}: it must be an integer.")
        check_int64(g, "num_groups")
        if g <= 0:
            # aten/src/ATen/native/group_norm.cpp: check_group_norm_inputs
            raise LayerRuntimeError(f"Expected num groups to be greater than 0, got {g}",
                                    hint=f"num_groups={g}: use at least one group.")
        c = shape[1]
        if c % g != 0:
            # aten/src/ATen/native/group_norm.cpp: check_group_norm_inputs
            raise LayerRuntimeError(
                "Expected number of channels in input to be divisible by num_groups, but got input of shape "
                f"{fmt_list(shape)} and num_groups={g}",
                hint=f"the input has {c} channels, which {g} groups cannot split evenly.")
        if self.affine and self.num_channels != c:
            for name in ("weight", "bias") if self.has_bias else ("weight",):
                # aten/src/ATen/native/group_norm.cpp: check_group_norm_inputs
                raise LayerRuntimeError(
                    f"Expected {name} to be a vector of size equal to the number of channels in input, but got "
                    f"{name} of shape [{self.num_channels}] and input of shape {fmt_list(shape)}",
                    hint=f"the input has {c} channels but num_channels={self.num_channels}: set num_channels={c}.")
        return shape

    def param_count(self) -> int:
        return int(self.num_channels) * (2 if self.has_bias else 1) if self.affine else 0


class LayerNorm(Layer):
    """Normalise over the last dims, ``normalized_shape`` (torch.nn.LayerNorm).

    Shape: input ``(N, *)`` -> the same; the trailing dims must equal normalized_shape.

    >>> LayerNorm([10, 10]).output_shape((20, 5, 10, 10))
    (20, 5, 10, 10)

    Raises TypeError / RuntimeError at construction for a bad shape, RuntimeError
    in forward when the input's trailing dims differ.
    """

    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, device=None, dtype=None) -> None:
        if isinstance(normalized_shape, Integral):
            normalized_shape = (normalized_shape,)
        try:
            self.normalized_shape = tuple(normalized_shape)
        except TypeError as err:
            raise LayerTypeError(str(err), hint="normalized_shape must be an int or a list of ints.") from None
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        self.has_bias = bool(elementwise_affine) and bool(bias)
        if self.elementwise_affine:
            # torch/nn/modules/normalization.py: LayerNorm.__init__ -> torch.empty(normalized_shape)
            parse_size("empty", self.normalized_shape, "normalized_shape")

    def __repr__(self) -> str:
        return (f"LayerNorm({self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.has_bias})")

    def output_shape(self, input_shape, **forward_kwargs: Any) -> tuple[int, ...]:
        shape = as_shape(input_shape)
        check_forward_kwargs(self, forward_kwargs)
        # torch/csrc/utils/python_arg_parser.cpp: F.layer_norm's int list
        parse_int_list("layer_norm", "normalized_shape", 2, self.normalized_shape,
                       hint=f"normalized_shape={self.normalized_shape!r}: every size must be an integer.")
        check_float_arg("layer_norm", "eps", 5, self.eps)
        ns = [int(v) for v in self.normalized_shape]
        if not ns:
            # aten/src/ATen/native/layer_norm.h: _check_layer_norm_inputs
            raise LayerRuntimeError(
                "Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
                "element, but got normalized_shape = []",
                hint="normalized_shape is empty: give the sizes of the trailing dims to normalise.")
        k = len(ns)
        if len(shape) < k or list(shape[len(shape) - k:]) != ns:
            # aten/src/ATen/native/layer_norm.h: _check_layer_norm_inputs
            raise LayerRuntimeError(
                f"Given normalized_shape={fmt_list(ns)}, expected input with shape [*"
                + "".join(f", {v}" for v in ns) + f"], but got input of size{fmt_list(shape)}",
                hint=f"the input's last {k} dim(s) must be {fmt_list(ns)}; the input is {fmt_list(shape)}.")
        return shape

    def param_count(self) -> int:
        if not self.elementwise_affine:
            return 0
        return math.prod(int(v) for v in self.normalized_shape) * (2 if self.has_bias else 1)
