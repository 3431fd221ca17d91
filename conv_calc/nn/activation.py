"""Element-wise activations, softmax and dropout: the output shape is the input shape.

Shape: input ``(*)`` -> output ``(*)``, the same shape. What can fail is a bad
argument (at construction or in forward), PReLU's parameter count against the
channels, a softmax dim out of range, and Dropout1d/2d/3d's rank checks.

>>> GELU().output_shape((8, 197, 768))
(8, 197, 768)
>>> PReLU(64).param_count()
64
"""

from __future__ import annotations

from numbers import Number
from typing import Any

from conv_calc.errors import (LayerAssertionError, LayerOverflowError, LayerRuntimeError,
                              LayerTypeError)
from conv_calc.geometry import WHOLE, Axis, placed
from conv_calc.nn.base import Layer, as_shape
from conv_calc.nn.factory import parse_size
from conv_calc.nn.forward_kwargs import check_forward_kwargs
from conv_calc.nn.tensor_checks import wrap_dim
# Split off into dropout.py; re-exported so that __all__ and conv_calc.nn stay as they were.
from conv_calc.nn.dropout import AlphaDropout, Dropout, Dropout1d, Dropout2d, Dropout3d  # noqa: F401
from conv_calc.nn.torch_args import check_int64, check_int_arg, no_overload_error, tname as _tname

__all__ = [
    "ReLU", "ReLU6", "LeakyReLU", "PReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish",
    "Hardswish", "Hardsigmoid", "Hardtanh", "Sigmoid", "Tanh", "Softplus", "Softmax", "LogSoftmax",
    "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
]


def _check_number(func: str, name: str, pos: int, value: Any) -> None:
    """torch's argument parser for a ``Scalar``/``Number`` argument."""
    if not isinstance(value, Number) or isinstance(value, complex):
        # torch/csrc/utils/python_arg_parser.cpp: FunctionSignature::parse
        raise LayerTypeError(f"{func}(): argument '{name}' (position {pos}) must be Number, not {_tname(value)}",
                             hint=f"{name}={value!r}: it must be a number.")


_FLT_MAX = 3.4028234663852886e38


def _check_float32(value: Any, name: str) -> None:
    """A Scalar applied to a float32 tensor must fit in float32 (c10::checked_convert)."""
    if isinstance(value, (int, float)) and abs(value) != float("inf") and abs(value) > _FLT_MAX:
        # c10/util/TypeCast.h: checked_convert
        raise LayerRuntimeError("value cannot be converted to type float without overflow",
                                hint=f"{name} is {value!r}, beyond float32's range (about 3.4e38).")


def _check_scalar_int(value: Any, name: str) -> None:
    """A Python int given as a Scalar must fit in int64, or in uint64 when positive.

    torch/csrc/utils/python_arg_parser.cpp: PythonArgs::scalar_slow unpacks an int with
    THPUtils_unpackLong and, on overflow, as an unsigned 64-bit value (Python's own errors).
    """
    if isinstance(value, int) and not isinstance(value, bool):
        if value < -2**63:
            raise LayerOverflowError("can't convert negative int to unsigned",
                                     hint=f"{name}={value} is below -2**63, out of torch's integer range.")
        if value >= 2**64:
            raise LayerOverflowError("int too big to convert",
                                     hint=f"{name}={value} is 2**64 or more, out of torch's integer range.")


def _check_scalars(func: str, named: tuple[tuple[str, int, Any], ...]) -> None:
    """The argument parser's checks of Scalar arguments, then the float32 kernel's: every
    type first, then every integer range, then (in the kernel) every float32 range."""
    for name, pos, value in named:
        _check_number(func, name, pos, value)
    for name, _, value in named:
        _check_scalar_int(value, name)
    for name, _, value in named:
        _check_float32(value, name)


class _Elementwise(Layer):
    """An activation that keeps the shape and has no arguments that can fail."""

    def __init__(self, inplace: bool = False) -> None:
        self.inplace = inplace

    def __repr__(self) -> str:
        return f"{type(self).__name__}({'inplace=True' if self.inplace else ''})"

    def _fn(self, name: str) -> str:
        """The torch function forward calls: the in-place variant (``elu_``) when inplace is truthy
        (torch/nn/functional.py: ``if inplace: torch._C._nn.elu_(...)``)."""
        return name + "_" if self.inplace else name

    def _check(self) -> None:
        """The forward argument checks of this activation (none by default)."""

    def output_shape(self, input_shape, **forward_kwargs: Any) -> tuple[int, ...]:
        shape = as_shape(input_shape)
        check_forward_kwargs(self, forward_kwargs)
        self._check()
        return shape


# Each class below repeats its own __init__ so that Python's own signature errors
# name it as torch does (e.g. "ReLU.__init__() got an unexpected keyword argument").

class ReLU(_Elementwise):
    """max(0, x) element-wise (torch.nn.ReLU).

    >>> ReLU().output_shape((2, 3))
    (2, 3)
    """

    def __init__(self, inplace: bool = False) -> None:
        self.inplace = inplace


class SELU(_Elementwise):
    """Scaled ELU (torch.nn.SELU)."""

    def __init__(self, inplace: bool = False) -> None:
        self.inplace = inplace


class SiLU(_Elementwise):
    """x * sigmoid(x) (torch.nn.SiLU)."""

    def __init__(self, inplace: bool = False) -> None:
        self.inplace = inplace


class Mish(_Elementwise):
    """x * tanh(softplus(x)) (torch.nn.Mish)."""

    def __init__(self, inplace: bool = False) -> None:
        self.inplace = inplace


class Hardswish(_Elementwise):
    """x * relu6(x + 3) / 6 (torch.nn.Hardswish)."""

    def __init__(self, inplace: bool = False) -> None:
        self.inplace = inplace


class Hardsigmoid(_Elementwise):
    """relu6(x + 3) / 6 (torch.nn.Hardsigmoid)."""

    def __init__(self, inplace: bool = False) -> None:
        self.inplace = inplace


class Sigmoid(_Elementwise):
    """1 / (1 + exp(-x)) (torch.nn.Sigmoid)."""

    def __init__(self) -> None:
        self.inplace = False


class Tanh(_Elementwise):
    """tanh(x) (torch.nn.Tanh)."""

    def __init__(self) -> None:
        self.inplace = False


class LeakyReLU(_Elementwise):
    """max(0, x) + negative_slope * min(0, x) (torch.nn.LeakyReLU).

    Raises TypeError in forward when negative_slope is not a number.
    """

    def __init__(self, negative_slope: float = 1e-2, inplace: bool = False) -> None:
        self.negative_slope = negative_slope
        self.inplace = inplace

    def _check(self) -> None:
        _check_scalars(self._fn("leaky_relu"), (("negative_slope", 2, self.negative_slope),))


class ELU(_Elementwise):
    """x if x > 0 else alpha * (exp(x) - 1) (torch.nn.ELU)."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        self.alpha = alpha
        self.inplace = inplace

    def _check(self) -> None:
        _check_scalars(self._fn("elu"), (("alpha", 2, self.alpha),))


class CELU(_Elementwise):
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1)) (torch.nn.CELU).

    Raises RuntimeError in forward when alpha is 0.
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        self.alpha = alpha
        self.inplace = inplace

    def _check(self) -> None:
        _check_number(self._fn("celu"), "alpha", 2, self.alpha)
        _check_scalar_int(self.alpha, "alpha")
        if self.alpha != 0:
            # aten/src/ATen/native/Activation.cpp: celu passes 1 / alpha as a Scalar too
            _check_float32(self.alpha, "alpha")
            _check_float32(1.0 / self.alpha, "1 / alpha")
        if self.alpha == 0:
            # aten/src/ATen/native/Activation.cpp: celu
            raise LayerRuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU",
                                    hint="CELU divides by alpha: use a non-zero alpha such as 1.0.")


class GELU(_Elementwise):
    """x * Phi(x), exact or with the tanh approximation (torch.nn.GELU).

    Raises TypeError / RuntimeError in forward when approximate is not 'none' or 'tanh'.
    """

    def __init__(self, approximate: str = "none") -> None:
        self.approximate = approximate
        self.inplace = False

    def __repr__(self) -> str:
        return f"GELU(approximate={self.approximate!r})"

    def _check(self) -> None:
        if not isinstance(self.approximate, str):
            # torch/csrc/utils/python_arg_parser.cpp (keyword-only argument: no position)
            raise LayerTypeError(f"gelu(): argument 'approximate' must be str, not {_tname(self.approximate)}",
                                 hint=f"approximate={self.approximate!r}: use 'none' or 'tanh'.")
        if self.approximate not in ("none", "tanh"):
            # aten/src/ATen/native/Activation.h: get_gelutype_enum
            raise LayerRuntimeError("approximate argument must be either none or tanh.",
                                    hint=f"approximate={self.approximate!r}: use 'none' or 'tanh'.")


class Hardtanh(_Elementwise):
    """x clamped to [min_val, max_val] (torch.nn.Hardtanh).

    Raises AssertionError at construction unless max_val > min_val.
    """

    _forward_owner = "Hardtanh"  # ReLU6 inherits torch's Hardtanh.forward

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False,
                 min_value: float | None = None, max_value: float | None = None) -> None:
        if min_value is not None:
            min_val = min_value
        if max_value is not None:
            max_val = max_value
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace
        try:
            bad = self.max_val <= self.min_val
        except TypeError as err:
            raise LayerTypeError(str(err), hint="min_val and max_val must be numbers.") from None
        if bad:
            # torch/nn/modules/activation.py: Hardtanh.__init__
            raise LayerAssertionError(
                f"max_val ({self.max_val}) must be greater than min_val ({self.min_val})",
                hint=f"the clamp range [{self.min_val}, {self.max_val}] is empty: make max_val larger than min_val.")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(min_val={self.min_val}, max_val={self.max_val})"

    def _check(self) -> None:
        _check_scalars(self._fn("hardtanh"), (("min_val", 2, self.min_val), ("max_val", 3, self.max_val)))


class ReLU6(Hardtanh):
    """min(max(0, x), 6) (torch.nn.ReLU6)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def __repr__(self) -> str:
        return f"ReLU6({'inplace=True' if self.inplace else ''})"


class Softplus(_Elementwise):
    """log(1 + exp(beta * x)) / beta (torch.nn.Softplus)."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        self.beta = beta
        self.threshold = threshold
        self.inplace = False

    def _check(self) -> None:
        _check_scalars("softplus", (("beta", 2, self.beta), ("threshold", 3, self.threshold)))


class PReLU(Layer):
    """max(0, x) + a * min(0, x) with a learned a per channel (torch.nn.PReLU).

    Shape: input ``(*)`` -> output ``(*)``; the channel dim is dim 1 (1 for inputs
    of fewer than two dims) and must equal num_parameters unless it is 1.

    >>> PReLU(3).output_shape((2, 3, 5))
    (2, 3, 5)

    Raises TypeError / RuntimeError at construction for a bad num_parameters or
    init, RuntimeError in forward for a channel mismatch or a 0-d input.
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device=None, dtype=None) -> None:
        self.num_parameters = num_parameters
        self.init = init
        # torch/nn/modules/activation.py: PReLU.__init__ -> torch.empty(num_parameters)
        parse_size("empty", num_parameters, "num_parameters")
        if not isinstance(init, Number) or isinstance(init, complex):
            raise no_overload_error("fill_", "value", init,
                                    hint=f"init={init!r}: it must be a number such as 0.25.")
        # PReLU.reset_parameters -> weight.fill_(init): the Scalar's range, then float32's
        _check_scalar_int(init, "init")
        _check_float32(init, "init")

    @classmethod
    def infer_kwargs(cls, input_shape) -> dict[str, int]:
        return {}

    def __repr__(self) -> str:
        return f"PReLU(num_parameters={self.num_parameters})"

    def output_shape(self, input_shape, **forward_kwargs: Any) -> tuple[int, ...]:
        shape = as_shape(input_shape)
        check_forward_kwargs(self, forward_kwargs)
        n = self.param_count()
        if n != 1:
            if not shape:
                # aten/src/ATen/native/Activation.cpp: prelu
                raise LayerRuntimeError("Not allow zero-dim input tensor.",
                                        hint=f"PReLU({n}) needs a channel dimension; a 0-d input has none.")
            channels = shape[1] if len(shape) >= 2 else 1
            if channels != n:
                # aten/src/ATen/native/Activation.cpp: prelu
                raise LayerRuntimeError(
                    "Mismatch of parameter numbers and input channel size. "
                    f"Found parameter numbers = {n} and channel size = {channels}.",
                    hint=f"PReLU has {n} parameters but the input has {channels} channel(s) (dim 1): "
                         f"use num_parameters={channels} or 1.")
        return shape

    def param_count(self) -> int:
        if isinstance(self.num_parameters, (list, tuple)):
            total = 1
            for v in self.num_parameters:
                total *= v
            return total
        return self.num_parameters


class Softmax(Layer):
    """exp(x) / sum(exp(x)) along ``dim`` (torch.nn.Softmax).

    With ``dim=None`` torch picks dim 0 for 0-, 1- and 3-d inputs and dim 1
    otherwise (a deprecation warning, not an error).

    >>> Softmax(dim=-1).output_shape((2, 10))
    (2, 10)

    Raises TypeError for a non-int dim and IndexError for a dim out of range.
    """

    _func = "softmax"

    def __init__(self, dim: int | None = None) -> None:
        self.dim = dim

    def __repr__(self) -> str:
        return f"{type(self).__name__}(dim={self.dim})"

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """Every output mixes the whole ``dim``.

        With ``dim=None`` the axes are reported unchanged (torch's implicit choice is
        not modelled, as before).
        """
        n = len(tuple(in_shape))
        if self.dim is None or not n:
            return placed(n, 0, ())
        return placed(n, self.dim % n, (WHOLE,))

    def output_shape(self, input_shape, **forward_kwargs: Any) -> tuple[int, ...]:
        shape = as_shape(input_shape)
        check_forward_kwargs(self, forward_kwargs)
        dim = self.dim
        if dim is None:
            # torch/nn/functional.py: _get_softmax_dim
            dim = 0 if len(shape) in (0, 1, 3) else 1
        check_int_arg(self._func, "dim", 1, dim)
        check_int64(dim, "dim")
        wrap_dim(dim, len(shape))
        return shape


class LogSoftmax(Softmax):
    """log(softmax(x)) along ``dim`` (torch.nn.LogSoftmax).

    >>> LogSoftmax(dim=1).output_shape((2, 10))
    (2, 10)
    """

    _func = "log_softmax"

    def __init__(self, dim: int | None = None) -> None:
        self.dim = dim
