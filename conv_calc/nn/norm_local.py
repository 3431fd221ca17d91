"""LocalResponseNorm: each value divided by a power of the mean square of its neighbouring
channels (torch.nn.LocalResponseNorm).

Shape: input ``(N, C, *)`` with at least 3 dims -> output ``(N, C, *)``, the same shape.
No parameters; MACs 0 (torch.utils.flop_counter counts none of its operations).

torch runs ``F.local_response_norm`` as a chain of tensor operations, so its errors are
theirs, in this order (torch/nn/functional.py: local_response_norm):

1. fewer than 3 dims: ValueError; an input with no elements is then returned as it is;
2. ``size // 2`` and ``(size - 1) // 2`` in Python (TypeError for a non-number);
3. ``F.pad`` of the squared input, viewed as ``(N, 1, C, L)`` (3-d) or ``(N, 1, C, D, rest)``,
   by those amounts on the channel dim (:func:`conv_calc.nn.padding_checks.pad_shape`);
4. ``avg_pool2d`` / ``avg_pool3d`` with kernel ``(size, 1[, 1])`` and stride 1
   (:mod:`conv_calc.nn.pooling_checks`): a size below 1 fails here;
5. ``.mul(alpha)``, ``.add(k)``, ``.pow(beta)``: each must be a number.

>>> LocalResponseNorm(2).output_shape((32, 5, 24, 24))
(32, 5, 24, 24)
>>> LocalResponseNorm(0).output_shape((2, 3, 4))
Traceback (most recent call last):
  ...
conv_calc.errors.LayerRuntimeError: kernel size should be greater than zero, but got kH: 0 kW: 1
"""

from __future__ import annotations

from numbers import Number
from typing import Any

from conv_calc.errors import (
    LayerError,
    LayerOverflowError,
    LayerTypeError,
    LayerValueError,
)
from conv_calc.nn.activation import _check_scalar_int
from conv_calc.nn.base import Layer, as_shape
from conv_calc.nn.forward_kwargs import check_forward_kwargs
from conv_calc.nn.padding_checks import pad_shape
from conv_calc.nn.pooling_args import parse_args
from conv_calc.nn.pooling_checks import avg_pool2d, avg_pool3d
from conv_calc.nn.torch_args import no_overload_error, tname

__all__ = ["LocalResponseNorm"]

_SIZE_HINT = "size is the number of neighbouring channels: give a whole number >= 1."


def _prod(values) -> int:
    out = 1
    for v in values:
        out *= v
    return out


def _scalar_other(fn: str, name: str, value: Any) -> None:
    """``Tensor.mul(other)`` / ``Tensor.add(other)`` with a Python value: the parser takes a
    Number as a Scalar (ints within 64 bits, signed or unsigned); anything else was meant to
    be a Tensor. A double Scalar is not range-checked against float32 here."""
    if not isinstance(value, Number) or isinstance(value, complex):
        # torch/csrc/utils/python_arg_parser.cpp: FunctionSignature::parse
        raise LayerTypeError(f"{fn}(): argument 'other' (position 1) must be Tensor, not {tname(value)}",
                             hint=f"{name}={value!r}: it must be a number.")
    _check_scalar_int(value, name)


class LocalResponseNorm(Layer):
    """torch.nn.LocalResponseNorm: normalise across ``size`` neighbouring channels; ``(N, C, *)``
    with 3 or more dims, the shape kept. Checks and their order: the module docstring.

    >>> LocalResponseNorm(2).output_shape((16, 5, 7, 7, 7, 7))
    (16, 5, 7, 7, 7, 7)
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> None:
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def __repr__(self) -> str:
        # torch/nn/modules/normalization.py: LocalResponseNorm.extra_repr
        return f"LocalResponseNorm({self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k})"

    def output_shape(self, input_shape: Any, **forward_kwargs: Any) -> tuple[int, ...]:
        check_forward_kwargs(self, forward_kwargs)
        shape = as_shape(input_shape)
        dim = len(shape)
        if dim < 3:
            # torch/nn/functional.py: local_response_norm (the odd spacing is torch's)
            raise LayerValueError(
                f"Expected 3D or higher dimensionality                          input (got {dim} "
                "dimensions)",
                hint=f"LocalResponseNorm normalises across channels of (N, C, *) with at least one "
                     f"dim after C; this input is {dim}-d.")
        if _prod(shape) == 0:
            return shape  # torch/nn/functional.py: local_response_norm returns an empty input
        size = self.size
        try:
            before, after = size // 2, (size - 1) // 2
        except TypeError as err:  # Python's own message, as torch lets it through
            raise LayerTypeError(str(err), hint=f"size={size!r}: {_SIZE_HINT}") from None
        except OverflowError as err:
            raise LayerOverflowError(str(err), hint=f"size={size!r}: {_SIZE_HINT}") from None
        try:
            if dim == 3:
                padded = pad_shape((shape[0], 1, shape[1], shape[2]), (0, 0, before, after))
                k, s = parse_args("avg_pool2d", [("kernel_size", 2, (size, 1), "ints", 2),
                                                 ("stride", None, 1, "ints", 2)])
                avg_pool2d(padded, k, s, (0,), False, None)
            else:
                view = (shape[0], 1, shape[1], shape[2], _prod(shape[3:]))
                padded = pad_shape(view, (0, 0, 0, 0, before, after))
                k, s = parse_args("avg_pool3d", [("kernel_size", 2, (size, 1, 1), "ints", 3),
                                                 ("stride", None, 1, "ints", 3)])
                avg_pool3d(padded, k, s, (0,), False, None)
        except LayerError as err:
            err.hint = (f"LocalResponseNorm(size={size!r}) pads the channel dim by "
                        f"({before!r}, {after!r}) and average-pools it with a window of {size!r} "
                        f"channels, which fails here; {_SIZE_HINT} ({err.hint})")
            raise
        # The pooled channel count is C again for any size >= 1 (size // 2 + (size - 1) // 2
        # = size - 1), so the final view(sizes) always fits.
        _scalar_other("mul", "alpha", self.alpha)
        _scalar_other("add", "k", self.k)
        if not isinstance(self.beta, Number) or isinstance(self.beta, complex):
            raise no_overload_error("pow", "exponent", self.beta,
                                    hint=f"beta={self.beta!r}: it must be a number such as 0.75.")
        _check_scalar_int(self.beta, "beta")
        return shape
