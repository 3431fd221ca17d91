"""Max unpooling: torch.nn.MaxUnpool1d, MaxUnpool2d, MaxUnpool3d.

Shape (torch "Shape:" sections), per spatial dim, unless ``output_size`` is given::

    out = (L - 1) * stride - 2 * padding + kernel_size

An explicit ``output_size`` (the spatial sizes, or the full shape) must lie strictly
between ``out - stride`` and ``out + stride``. No parameters, no MACs.

torch's ``forward(input, indices, output_size=None)`` takes the indices returned by
``MaxPool*d(return_indices=True)``. conv-calc has no tensors, so
``output_shape(input_shape, output_size=None, indices=None)`` **assumes the indices have
the input's shape** (as they do when they come from the matching MaxPool) and are valid
positions, which every index from a max pool is; ``indices=`` may give another shape to
see torch's mismatch error. (The torch oracle feeds ``torch.zeros(shape, dtype=long)``:
index 0 is valid whenever the output has elements, and torch checks no index when it has
none, so no value-dependent error can occur.) In a stack the indices are implicit.

The arguments are stored as ``_single`` / ``_pair`` / ``_triple`` tuples and forward
first computes the default size in Python (torch/nn/functional.py:
``_unpool_output_size``), so non-numbers fail with Python's own TypeError there.

>>> MaxUnpool2d(2, stride=2).output_shape((1, 1, 2, 2))
(1, 1, 4, 4)
>>> MaxUnpool1d(2).output_shape((1, 3, 4), output_size=[9])
(1, 3, 9)
>>> MaxUnpool2d(2).output_shape((1, 3, 4, 5), output_size=[10, 11])
Traceback (most recent call last):
  ...
conv_calc.errors.LayerValueError: invalid output_size "[10, 11]" (dim 0 must be between 6 and 10)
"""

from __future__ import annotations

import sys
from typing import Any

from conv_calc.errors import (
    LayerError,
    LayerIndexError,
    LayerOverflowError,
    LayerRuntimeError,
    LayerTypeError,
    LayerValueError,
)
from conv_calc.formulas import conv_transpose_output_size
from conv_calc.geometry import Axis, windows
from conv_calc.nn.base import Layer, as_shape, fmt_list, ntuple
from conv_calc.nn.forward_kwargs import check_forward_kwargs
from conv_calc.nn.pooling_args import parse_args
from conv_calc.nn.tensor_checks import check_resize

__all__ = ["MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d"]

_PYTHON_ERRORS = {TypeError: LayerTypeError, IndexError: LayerIndexError,
                  OverflowError: LayerOverflowError}
_ARGS_HINT = ("torch computes the unpooled size in Python from kernel_size, stride, padding and "
              "output_size: give them as whole numbers (one per spatial dim).")


def _times(count: int, value: Any) -> Any:
    """Python's ``count * value`` without building a long sequence: ``int * str`` (or list,
    tuple) repeats it, and only the result's type matters to what fails next."""
    if isinstance(value, (str, list, tuple)):
        if not -sys.maxsize - 1 <= count <= sys.maxsize:
            raise OverflowError("cannot fit 'int' into an index-sized integer")
        return value[:0]
    return count * value


def _unpool_output_size(input_size: tuple[int, ...], kernel_size: tuple, stride: tuple,
                        padding: tuple, output_size: Any) -> Any:
    """torch/nn/functional.py: _unpool_output_size, line for line (Python's errors included)."""
    default_size = []
    for d in range(len(kernel_size)):
        size = _times(input_size[-len(kernel_size) + d] - 1, stride[d]) + kernel_size[d]
        default_size.append(size - _times(2, padding[d]))
    if output_size is None:
        ret = default_size
    else:
        if len(output_size) == len(kernel_size) + 2:
            output_size = output_size[2:]
        if len(output_size) != len(kernel_size):
            raise LayerValueError(
                "output_size should be a sequence containing "
                f"{len(kernel_size)} or {len(kernel_size) + 2} elements, but it has a length of "
                f"'{len(output_size)}'",
                hint=f"output_size gives the {len(kernel_size)} spatial sizes (or the whole output "
                     f"shape, {len(kernel_size) + 2} values); it has {len(output_size)}.")
        for d in range(len(kernel_size)):
            min_size = default_size[d] - stride[d]
            max_size = default_size[d] + stride[d]
            if not (min_size < output_size[d] < max_size):
                raise LayerValueError(
                    f'invalid output_size "{output_size}" (dim {d} must be between {min_size} '
                    f"and {max_size})",
                    hint=f"unpooling gives size {default_size[d]} on spatial dim {d}; an explicit "
                         f"output_size may only differ from it by less than the stride "
                         f"({stride[d]}), i.e. lie strictly between {min_size} and {max_size}.")
        ret = output_size
    for d in range(len(kernel_size)):
        # torch/nn/functional.py: _check_unpool_output_size (torch._check_value)
        if not ret[d] >= 0:
            raise LayerValueError(
                "max_unpooling: output_size must contain non-negative spatial dimensions, but "
                f"got output_size[{d}]={ret[d]}",
                hint=f"the unpooled size on spatial dim {d} is {ret[d]}: (L - 1) * stride - "
                     "2 * padding + kernel_size must be >= 0; lower the padding.")
    return ret


def _python_step(fn, *args: Any) -> Any:
    """Run a step of torch's Python code, turning Python's own errors into layer errors."""
    try:
        return fn(*args)
    except LayerError:
        raise
    except (TypeError, IndexError, OverflowError) as err:
        raise _PYTHON_ERRORS[type(err)](str(err), hint=_ARGS_HINT) from None


def _check_common(fn: str, shape: tuple[int, ...], indices: tuple[int, ...]) -> None:
    if shape != indices:
        # aten/src/ATen/native/Pool.h: max_unpooling{2,3}d_shape_check
        raise LayerRuntimeError(
            f"Expected shape of indices to be same as that of the input tensor ({fmt_list(shape)}) "
            f"but got indices tensor with shape: {fmt_list(indices)}",
            hint="the indices must be the ones MaxPool returned for this very input, so they "
                 f"have its shape {fmt_list(shape)}.")
    for i in range(1, len(shape)):
        if shape[i] <= 0:
            # aten/src/ATen/native/Pool.h: check_non_empty_dims
            raise LayerRuntimeError(
                f"{fn}(): Expected input to have non-zero size for non-batch dimensions, but got "
                f"{fmt_list(shape)} with dimension {i} being empty.",
                hint=f"dimension {i} of the input {fmt_list(shape)} is 0: only the batch may be "
                     "empty.")


def _resize(out: list[int]) -> tuple[int, ...]:
    check_resize(out, hint=f"the unpooled output {fmt_list(out)} is too large for torch to "
                           "allocate: use a smaller kernel, stride or output_size.")
    return tuple(out)


def max_unpool2d(shape: tuple[int, ...], indices: tuple[int, ...],
                 output_size: tuple[int, ...]) -> tuple[int, ...]:
    """aten/src/ATen/native/MaxUnpooling.cpp: max_unpooling2d_forward_out_cpu (CPU)."""
    if len(output_size) != 2:
        raise LayerRuntimeError(
            "There should be exactly two elements (height, width) in output_size, but got "
            f"{len(output_size)} elements.",
            hint=f"the unpooled size {fmt_list(output_size)} must have 2 values; kernel_size, "
                 "stride and padding decide how many there are.")
    if len(shape) not in (3, 4):
        raise LayerRuntimeError(
            "Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with "
            f"{len(shape)} dimensions.",
            hint=f"2-d max unpooling takes (N, C, H, W) or (C, H, W); this input is "
                 f"{len(shape)}-d.")
    _check_common("max_unpooling2d_forward_out_cpu", shape, indices)
    return _resize([*shape[:-2], *output_size])


def max_unpool3d(shape: tuple[int, ...], indices: tuple[int, ...], output_size: tuple[int, ...],
                 stride: tuple[int, ...], padding: tuple[int, ...]) -> tuple[int, ...]:
    """aten/src/ATen/native/MaxUnpooling.cpp: max_unpooling3d_forward_out_cpu (CPU)."""
    if len(shape) not in (4, 5):
        raise LayerRuntimeError(
            "Input to max_unpooling3d should be a 4d or 5d Tensor, but got a tensor with "
            f"{len(shape)} dimensions.",
            hint=f"3-d max unpooling takes (N, C, D, H, W) or (C, D, H, W); this input is "
                 f"{len(shape)}-d.")
    for name, value, fmt in (("output_size", output_size, "{} elements."),
                             ("stride", stride, "{} elements."),
                             ("padding", padding, "{} elements.")):
        if len(value) != 3:
            got = "but got " if name == "output_size" else "but got: "
            raise LayerRuntimeError(
                f"There should be exactly three elements (depth, height, width) in {name}, "
                f"{got}{fmt.format(len(value))}",
                hint=f"{name} {fmt_list(value)} must have 3 values for MaxUnpool3d.")
    _check_common("max_unpooling3d_forward_out_cpu", shape, indices)
    if not all(v > 0 for v in stride):
        raise LayerRuntimeError(
            f"strides should be greater than zero, but got stride: {fmt_list(stride)}",
            hint=f"stride {fmt_list(stride)} has a value below 1 (a kernel_size of 0 without a "
                 "stride gives stride 0 too): use strides >= 1.")
    return _resize([*shape[:-3], *output_size])


class _MaxUnpoolNd(Layer):
    """torch.nn.modules.pooling._MaxUnpoolNd: the shared forward and repr."""

    _nd = 0
    forward_output_size = True

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding})")

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """Each input ``i`` lands at one position of ``[i*s - p, i*s - p + k)`` chosen by the
        indices (data): every position it may land at counts, a transposed window of kernel
        ``k``, stride ``s``; ``output_size`` may add to the right as ``output_padding`` does."""
        in_shape = tuple(in_shape)
        nd = self._nd
        k, s, p = ntuple(self.kernel_size, nd), ntuple(self.stride, nd), ntuple(self.padding, nd)
        out = self.output_shape(in_shape) if out_shape is None else tuple(out_shape)
        extra = tuple(out[j - nd] - conv_transpose_output_size(in_shape[j - nd], k[j], s[j], p[j])
                      for j in range(nd))
        return windows(len(in_shape), -nd, k, s, (1,) * nd, p, p, True, extra)

    def output_shape(self, input_shape: Any, **forward_kwargs: Any) -> tuple[int, ...]:
        """The shape of ``forward(x, indices, output_size)``; ``indices`` is a shape (default:
        the input's, see the module docstring)."""
        check_forward_kwargs(self, forward_kwargs, ("indices", "output_size"))
        shape = as_shape(input_shape)
        indices = forward_kwargs.get("indices")
        indices = shape if indices is None else as_shape(indices)
        nd = self._nd
        # torch/nn/functional.py: max_unpool{nd}d (the module's tuples pass _ntuple unchanged)
        k, s, p = ntuple(self.kernel_size, nd), ntuple(self.stride, nd), ntuple(self.padding, nd)
        out = _python_step(_unpool_output_size, shape, k, s, p, forward_kwargs.get("output_size"))
        if nd == 3:
            out, s, p = parse_args("max_unpool3d", [("output_size", 3, out, "ints", 3),
                                                    ("stride", 4, s, "ints", 3),
                                                    ("padding", 5, p, "ints", 3)])
            return max_unpool3d(shape, indices, out, s, p)
        if nd == 1:
            # torch/nn/functional.py: max_unpool1d runs max_unpool2d on input.unsqueeze(-1)
            out = _python_step(lambda o: o + [1] if isinstance(o, list) else o + (1,), out)
            shape, indices = shape + (1,), indices + (1,)
        (out,) = parse_args("max_unpool2d", [("output_size", 3, out, "ints", 2)])
        result = max_unpool2d(shape, indices, out)
        return result[:-1] if nd == 1 else result


class MaxUnpool1d(_MaxUnpoolNd):
    """torch.nn.MaxUnpool1d: ``(N, C, L) -> (N, C, L_out)``, or unbatched ``(C, L)``.

    Runs as MaxUnpool2d on ``(N, C, L, 1)``, so its messages show that view.

    >>> MaxUnpool1d(2, stride=2).output_shape((1, 1, 4))
    (1, 1, 8)
    """

    _nd = spatial_dims = 1

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        self.kernel_size = ntuple(kernel_size, 1)
        self.stride = ntuple(stride if (stride is not None) else kernel_size, 1)
        self.padding = ntuple(padding, 1)


class MaxUnpool2d(_MaxUnpoolNd):
    """torch.nn.MaxUnpool2d: ``(N, C, H, W) -> (N, C, H_out, W_out)``, or unbatched.

    >>> MaxUnpool2d(2, stride=1, padding=1).output_shape((1, 3, 4, 5))
    (1, 3, 3, 4)
    """

    _nd = spatial_dims = 2

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        self.kernel_size = ntuple(kernel_size, 2)
        self.stride = ntuple(stride if (stride is not None) else kernel_size, 2)
        self.padding = ntuple(padding, 2)


class MaxUnpool3d(_MaxUnpoolNd):
    """torch.nn.MaxUnpool3d: ``(N, C, D, H, W) -> (N, C, D_out, H_out, W_out)``, or unbatched.

    >>> MaxUnpool3d(3, stride=2).output_shape((20, 16, 5, 3, 2))
    (20, 16, 11, 7, 5)
    """

    _nd = spatial_dims = 3

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        self.kernel_size = ntuple(kernel_size, 3)
        self.stride = ntuple(stride if (stride is not None) else kernel_size, 3)
        self.padding = ntuple(padding, 3)
