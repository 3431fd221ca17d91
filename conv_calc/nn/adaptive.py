"""Adaptive pooling: ``AdaptiveAvgPool1d/2d/3d`` and ``AdaptiveMaxPool1d/2d/3d``.

Shape (torch "Shape:" sections): :math:`(N, C, S_0, ...) \\to (N, C, o_0, ...)`
where ``output_size = (o_0, ...)``; an int means the same size on every
spatial dim, and ``None`` (2d/3d only) keeps that input size. Output index
``i`` pools the input range ``[floor(i*L/o), ceil((i+1)*L/o))``
(:func:`conv_calc.formulas.adaptive_pool_bin`). Nothing is checked at
construction; forward runs torch's checks in torch's order.

>>> AdaptiveAvgPool2d((None, 7)).output_shape((1, 512, 14, 10))
(1, 512, 14, 7)
>>> AdaptiveMaxPool1d(4, return_indices=True).output_shape((3, 10))
(3, 4)
>>> AdaptiveAvgPool2d(-1).output_shape((1, 3, 8, 8))
Traceback (most recent call last):
  ...
conv_calc.errors.LayerRuntimeError: adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {-1, -1}
"""

from __future__ import annotations

from typing import Any

from conv_calc.errors import LayerIndexError, LayerRuntimeError, LayerTypeError, LayerValueError
from conv_calc.geometry import Axis, bins, placed
from conv_calc.nn.base import Layer, as_shape, fmt_list
from conv_calc.nn.forward_kwargs import check_forward_kwargs
from conv_calc.nn.tensor_checks import check_empty
from conv_calc.nn.torch_args import parse_int_array

__all__ = [
    "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d",
    "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d",
]

def _list_with_default(out_size: Any, shape: tuple[int, ...]) -> Any:
    """torch.nn.modules.utils._list_with_default: ``None`` entries take the input size."""
    if isinstance(out_size, int):
        return out_size
    if not hasattr(out_size, "__len__"):
        # Python's own len() failure
        raise LayerTypeError(
            f"object of type '{type(out_size).__name__}' has no len()",
            hint=f"output_size={out_size!r} is neither an int nor a sequence: give an int or "
                 "a tuple such as (7, 7) (None keeps the input size).")
    if len(shape) <= len(out_size):
        # torch/nn/modules/utils.py: _list_with_default
        raise LayerValueError(
            f"Input dimension should be at least {len(out_size) + 1}",
            hint=f"output_size has {len(out_size)} entries, so the input needs at least "
                 f"{len(out_size) + 1} dims; got {fmt_list(shape)}.")
    defaults = shape[-len(out_size):] if len(out_size) else ()
    return [d if v is None else v for v, d in zip(out_size, defaults)]


def _parse_int_list(fn: str, value: Any, n: int) -> list[int]:
    """torch's Python argument parser for the ``int[n]`` argument output_size."""
    return parse_int_array(fn, "output_size", 2, value, n,
                           hint=f"output_size={value!r}: give an int or a tuple of whole sizes "
                                "within 64 bits.")


def _empty_dim_error(fn: str, shape: tuple[int, ...], dim: int) -> LayerRuntimeError:
    # aten/src/ATen/native/Adaptive{Average,Max}Pooling{,2d,3d}.cpp: non-empty input check
    return LayerRuntimeError(
        f"{fn}(): Expected input to have non-zero size for non-batch dimensions, but input has "
        f"sizes {fmt_list(shape)} with dimension {dim} being empty",
        hint=f"dimension {dim} of the input {fmt_list(shape)} is 0: adaptive pooling needs a "
             "non-empty input there (only the batch may be 0).")


def _avg_nd(shape: tuple[int, ...], out_size: list[int], n: int) -> tuple[int, ...]:
    """at::adaptive_avg_pool{2,3}d on an already parsed output_size."""
    fn = f"adaptive_avg_pool{n}d"
    if len(out_size) != n:
        # aten/src/ATen/native/AdaptiveAveragePooling{,3d}.cpp: adaptive_avg_pool{n}d_symint
        raise LayerRuntimeError(
            f"{fn}: output_size must be {n}",
            hint=f"output_size has {len(out_size)} entries; {fn} needs {n}.")
    if any(o < 0 for o in out_size):
        if n == 2:
            received = f"{{{out_size[0]}, {out_size[1]}}}"
        else:
            received = f"{{{out_size[0]}, {out_size[1]},{out_size[2]}}}"
        # aten/src/ATen/native/AdaptiveAveragePooling{,3d}.cpp: adaptive_avg_pool{n}d_symint
        raise LayerRuntimeError(
            f"{fn}: elements of output_size must be greater than or equal to 0 but received "
            f"{received}",
            hint=f"output_size {fmt_list(out_size)} has a negative entry: give sizes >= 0.")
    ndim = len(shape)
    if all(o == 1 for o in out_size):
        # All ones: torch takes input.mean(dims, keepdim=True) and skips the pooling checks.
        for k in range(1, n + 1):
            if k > max(ndim, 1):
                lo, hi = -max(ndim, 1), max(ndim, 1) - 1
                # c10/core/WrapDimMinimal.cpp: _wrap_dim
                raise LayerIndexError(
                    f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got "
                    f"{-k})",
                    hint=f"the input {fmt_list(shape)} has fewer than the {n} spatial dims "
                         f"that {fn} averages over.")
        return tuple(shape[:ndim - n]) + (1,) * n
    if n == 2:
        if ndim not in (3, 4):
            # aten/src/ATen/native/AdaptiveAveragePooling.cpp: adaptive_avg_pool2d_out_cpu_template
            raise LayerRuntimeError(
                f"{fn}(): Expected 3D or 4D tensor, but got {fmt_list(shape)}",
                hint=f"{fn} takes (C, H, W) or (N, C, H, W); got {ndim}D {fmt_list(shape)}.")
        for dim in (ndim - 2, ndim - 1):
            if shape[dim] == 0:
                raise _empty_dim_error(fn, shape, dim)
    else:
        for dim in range(1, ndim):
            if shape[dim] == 0:
                raise _empty_dim_error(fn, shape, dim)
        if ndim not in (4, 5):
            # aten/src/ATen/native/AdaptiveAveragePooling3d.cpp: adaptive_avg_pool3d_out_cpu_template
            raise LayerRuntimeError(
                f"{fn}(): Expected 4D or 5D tensor, but got {fmt_list(shape)}",
                hint=f"{fn} takes (C, D, H, W) or (N, C, D, H, W); got {ndim}D "
                     f"{fmt_list(shape)}.")
    out = list(shape[:ndim - n]) + list(out_size)
    check_empty(out, hint=f"the output {fmt_list(out)} is too large to allocate: lower "
                             "output_size.", numel=True)
    return tuple(out)


def _max_nd(shape: tuple[int, ...], out_size: list[int], n: int) -> tuple[int, ...]:
    """at::adaptive_max_pool{2,3}d (structured meta function) on a parsed output_size."""
    fn = f"adaptive_max_pool{n}d"
    ndim = len(shape)
    if ndim not in (n + 1, n + 2):
        # aten/src/ATen/native/AdaptiveMaxPooling{2,3}d.cpp: TORCH_META_FUNC
        raise LayerRuntimeError(
            f"{fn}(): Expected {n + 1}D or {n + 2}D tensor, but got: {fmt_list(shape)}",
            hint=f"{fn} takes an unbatched ({n + 1}D) or batched ({n + 2}D) input; got "
                 f"{ndim}D {fmt_list(shape)}.")
    for dim in range(1, ndim):
        if shape[dim] == 0:
            raise _empty_dim_error(fn, shape, dim)
    if len(out_size) != n:
        # aten/src/ATen/native/AdaptiveMaxPooling{2,3}d.cpp: TORCH_META_FUNC
        raise LayerRuntimeError(
            f"{fn}(): internal error: output_size.size() must be {n}",
            hint=f"output_size has {len(out_size)} entries; {fn} needs {n}.")
    out = list(shape[:ndim - n]) + list(out_size)
    check_empty(out, hint=f"the output {fmt_list(out)} is too large to allocate: lower "
                             "output_size.")
    return tuple(out)


def _check_1d(fn: str, shape: tuple[int, ...], out_size: list[int]) -> None:
    if len(shape) not in (2, 3):
        # aten/src/ATen/TensorUtils.cpp: checkDimRange
        raise LayerRuntimeError(
            f"Expected 2 to 3 dimensions, but got {len(shape)}-dimensional tensor for argument "
            f"#1 'self' (while checking arguments for {fn})",
            hint=f"{fn} takes (C, L) or (N, C, L); got {len(shape)}D {fmt_list(shape)}.")
    if len(out_size) != 1:
        # aten/src/ATen/native/AdaptiveAveragePooling.cpp / AdaptiveMaxPooling: check1d
        raise LayerRuntimeError(
            f"{fn}() argument 'output_size' should contain one int (got {len(out_size)})",
            hint=f"output_size {fmt_list(out_size)} has {len(out_size)} entries; the 1d pool "
                 "takes one int.")


class _AdaptiveBase(Layer):
    output_size: Any
    family = "adaptive"

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """Each spatial dim pooled into its output size (ATen AdaptivePooling.h's bins)."""
        in_shape = tuple(in_shape)
        out = self.output_shape(in_shape) if out_shape is None else tuple(out_shape)
        nd = self.spatial_dims
        return placed(len(in_shape), -nd, [bins(in_shape[j], out[j]) for j in range(-nd, 0)])

    def __repr__(self) -> str:
        return f"{type(self).__name__}(output_size={self.output_size})"


class _AdaptiveAvgPoolNd(_AdaptiveBase):
    """torch's ``_AdaptiveAvgPoolNd``: stores ``output_size`` as given."""

    def __init__(self, output_size: Any) -> None:
        self.output_size = output_size

    def output_shape(self, input_shape: Any, **forward_kwargs: Any) -> tuple[int, ...]:
        """The shape of ``forward(torch.zeros(input_shape))``; see the module docstring."""
        check_forward_kwargs(type(self).__name__, forward_kwargs)
        shape = as_shape(input_shape)
        n = self.spatial_dims
        if n == 1:
            fn = "adaptive_avg_pool1d"
            out_size = _parse_int_list(fn, self.output_size, 1)
            _check_1d(fn, shape, out_size)
            # Runs as adaptive_avg_pool2d on input.unsqueeze(-2) with output (1, o).
            squeezed = shape[:-1] + (1, shape[-1])
            out = _avg_nd(squeezed, [1, out_size[0]], 2)
            return out[:-2] + out[-1:]
        out_size = _list_with_default(self.output_size, shape)
        out_size = _parse_int_list(f"adaptive_avg_pool{n}d", out_size, n)
        return _avg_nd(shape, out_size, n)


class _AdaptiveMaxPoolNd(_AdaptiveBase):
    """torch's ``_AdaptiveMaxPoolNd``: stores ``output_size`` and ``return_indices``."""

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        self.output_size = output_size
        self.return_indices = return_indices

    def output_shape(self, input_shape: Any, **forward_kwargs: Any) -> tuple[int, ...]:
        """The shape of ``forward(torch.zeros(input_shape))`` (of the values when
        ``return_indices``; the indices have the same shape)."""
        check_forward_kwargs(type(self).__name__, forward_kwargs)
        shape = as_shape(input_shape)
        n = self.spatial_dims
        if n == 1:
            fn = "adaptive_max_pool1d"
            out_size = _parse_int_list(fn, self.output_size, 1)
            _check_1d(fn, shape, out_size)
            for dim in range(1, len(shape)):
                if shape[dim] == 0:
                    raise _empty_dim_error(fn, shape, dim)
            squeezed = shape[:-1] + (1, shape[-1])
            out = _max_nd(squeezed, [1, out_size[0]], 2)
            return out[:-2] + out[-1:]
        out_size = _list_with_default(self.output_size, shape)
        out_size = _parse_int_list(f"adaptive_max_pool{n}d", out_size, n)
        return _max_nd(shape, out_size, n)


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    """torch.nn.AdaptiveAvgPool1d: ``(N, C, L) -> (N, C, output_size)``.

    >>> AdaptiveAvgPool1d(5).output_shape((2, 4, 16))
    (2, 4, 5)
    """

    spatial_dims = 1


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    """torch.nn.AdaptiveAvgPool2d: ``(N, C, H, W) -> (N, C, H_out, W_out)``.

    >>> AdaptiveAvgPool2d(1).output_shape((8, 2048, 7, 7))
    (8, 2048, 1, 1)
    """

    spatial_dims = 2


class AdaptiveAvgPool3d(_AdaptiveAvgPoolNd):
    """torch.nn.AdaptiveAvgPool3d: ``(N, C, D, H, W) -> (N, C, D_out, H_out, W_out)``.

    >>> AdaptiveAvgPool3d((None, 2, 2)).output_shape((1, 3, 4, 8, 8))
    (1, 3, 4, 2, 2)
    """

    spatial_dims = 3


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """torch.nn.AdaptiveMaxPool1d: ``(N, C, L) -> (N, C, output_size)``.

    >>> AdaptiveMaxPool1d(3).output_shape((1, 2, 9))
    (1, 2, 3)
    """

    spatial_dims = 1


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """torch.nn.AdaptiveMaxPool2d: ``(N, C, H, W) -> (N, C, H_out, W_out)``.

    >>> AdaptiveMaxPool2d((5, None)).output_shape((3, 9, 7))
    (3, 5, 7)
    """

    spatial_dims = 2


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """torch.nn.AdaptiveMaxPool3d: ``(N, C, D, H, W) -> (N, C, D_out, H_out, W_out)``.

    >>> AdaptiveMaxPool3d(2).output_shape((1, 1, 4, 4, 4))
    (1, 1, 2, 2, 2)
    """

    spatial_dims = 3
