"""Tensor functions that move dimensions, as torch 2.13 does them on shapes.

As in tensor_ops.py: the input shape first, then torch's own arguments; the output
shape or torch's exception with a hint.

- ``permute(x, *dims)``: output dim i is input dim ``dims[i]``.
- ``transpose(x, dim0, dim1)``: two dims swap.
- ``squeeze(x, dim=None)``: size-1 dims (all, or those named) are dropped.
- ``unsqueeze(x, dim)``: a size-1 dim is inserted.

>>> permute((2, 3, 4), 2, 0, 1), transpose((2, 3, 4), 0, 2), squeeze((2, 1, 4)), unsqueeze((2, 3), -1)
((4, 2, 3), (4, 3, 2), (2, 4), (2, 3, 1))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from conv_calc.errors import LayerRuntimeError
from conv_calc.nn.arg_parser import Signature, parse
from conv_calc.nn.base import as_shape, fmt_list
from conv_calc.nn.tensor_checks import wrap_dim

__all__ = ["permute", "transpose", "squeeze", "unsqueeze", "dim_list_to_set"]

_PERMUTE = [Signature("permute(IntArrayRef dims)")]
_TRANSPOSE = [Signature("transpose(int64_t dim0, int64_t dim1)")]
_SQUEEZE = [Signature("squeeze()"), Signature("squeeze(int64_t dim)"),
            Signature("squeeze(IntArrayRef dim)")]
_UNSQUEEZE = [Signature("unsqueeze(int64_t dim)")]


def permute(input_shape: Sequence[int], /, *args: Any, **kwargs: Any) -> tuple[int, ...]:
    """``x.permute(*dims)``: output dim i is input dim ``dims[i]``; ``dims`` lists every dim once.

    >>> permute((2, 3, 4), 2, 0, 0)
    Traceback (most recent call last):
      ...
    conv_calc.errors.LayerRuntimeError: permute(): duplicate dims are not allowed.
    """
    shape = as_shape(input_shape)
    dims = parse(_PERMUTE, args, kwargs)["dims"]
    n = len(shape)
    if len(dims) != n:
        # aten/src/ATen/native/TensorShape.cpp: permute (the "sparse_coo" is torch's own)
        raise LayerRuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            "length of the desired ordering of dimensions i.e. input.dim() = "
            f"{n} is not equal to len(dims) = {len(dims)}",
            hint=f"the input has {n} dims but dims={fmt_list(dims)} orders {len(dims)}: "
                 "list every dim exactly once.")
    seen: set[int] = set()
    for d in dims:
        w = wrap_dim(d, n, "dims")
        if w in seen:
            raise LayerRuntimeError(
                "permute(): duplicate dims are not allowed.",
                hint=f"dims={fmt_list(dims)} names dim {w} twice: list every dim exactly once.")
        seen.add(w)
    return tuple(shape[d % n] for d in dims)


def transpose(input_shape: Sequence[int], /, *args: Any, **kwargs: Any) -> tuple[int, ...]:
    """``x.transpose(dim0, dim1)``: the two dims swap.

    >>> transpose((2, 3, 4), 0, 3)
    Traceback (most recent call last):
      ...
    conv_calc.errors.LayerIndexError: Dimension out of range (expected to be in range of [-3, 2], but got 3)
    """
    shape = as_shape(input_shape)
    got = parse(_TRANSPOSE, args, kwargs)
    d0 = wrap_dim(got["dim0"], len(shape), "dim0")
    d1 = wrap_dim(got["dim1"], len(shape), "dim1")
    out = list(shape)
    if out:
        out[d0], out[d1] = out[d1], out[d0]
    return tuple(out)


def squeeze(input_shape: Sequence[int], /, *args: Any, **kwargs: Any) -> tuple[int, ...]:
    """``x.squeeze()`` drops every size-1 dim; ``x.squeeze(dim)`` (an int or a tuple) only
    those named, when their size is 1.

    >>> squeeze((2, 1, 4), 0), squeeze((2, 1, 1), (1, 2)), squeeze((1,), 0)
    ((2, 1, 4), (2,), ())
    """
    shape = as_shape(input_shape)
    dim = parse(_SQUEEZE, args, kwargs).get("dim")
    n = len(shape)
    if dim is None:
        drop = set(range(n))
    elif isinstance(dim, int):
        drop = {wrap_dim(dim, n)}
    else:
        drop = dim_list_to_set(dim, n)
    return tuple(s for i, s in enumerate(shape) if not (i in drop and s == 1))


def dim_list_to_set(dims: Sequence[int], ndim: int) -> set[int]:
    """aten/src/ATen/WrapDimUtilsMulti.h: dim_list_to_bitset -- wrapped, each at most once."""
    if ndim > 64:
        raise LayerRuntimeError("only tensors with up to 64 dims are supported",
                                hint=f"the input has {ndim} dims; torch reduces or squeezes at most 64.")
    seen: set[int] = set()
    for d in dims:
        w = wrap_dim(d, ndim)
        if w in seen:
            raise LayerRuntimeError(
                f"dim {w} appears multiple times in the list of dims",
                hint=f"dims {fmt_list(dims)} name dim {w} twice: name each dim once.")
        seen.add(w)
    return seen


def unsqueeze(input_shape: Sequence[int], /, *args: Any, **kwargs: Any) -> tuple[int, ...]:
    """``x.unsqueeze(dim)``: a size-1 dim inserted at ``dim`` (from ``-ndim-1`` to ``ndim``).

    >>> unsqueeze((2, 3), 0), unsqueeze((), -1)
    ((1, 2, 3), (1,))
    """
    shape = as_shape(input_shape)
    dim = wrap_dim(parse(_UNSQUEEZE, args, kwargs)["dim"], len(shape) + 1)
    return shape[:dim] + (1,) + shape[dim:]
