"""Layers that only rearrange dimensions, and Linear: Flatten, Unflatten, Identity, Linear.

>>> Flatten().output_shape((8, 64, 7, 7))
(8, 3136)
>>> Linear(3136, 10).output_shape((8, 3136))
(8, 10)
"""

from __future__ import annotations

from typing import Any

from conv_calc.errors import LayerRuntimeError, LayerTypeError
from conv_calc.geometry import MERGED, POINTWISE, WHOLE, Axis, placed
from conv_calc.nn.base import Layer, as_shape, fmt_list
from conv_calc.nn.factory import parse_size
from conv_calc.nn.forward_kwargs import check_forward_kwargs
from conv_calc.nn.tensor_checks import wrap_dim
from conv_calc.nn.tensor_ops import infer_size, tensor_flatten, view_dims
from conv_calc.nn.torch_args import check_int64, check_int_arg, check_list_head

__all__ = ["Flatten", "Unflatten", "Identity", "Linear"]


def _tname(value: Any) -> str:
    return type(value).__name__


class Flatten(Layer):
    """Flatten dims ``start_dim`` to ``end_dim`` into one (torch.nn.Flatten).

    Shape: input ``(*, S_start, ..., S_end, *)`` -> output ``(*, prod(S_start..S_end), *)``.

    >>> Flatten(0, -1).output_shape((2, 3, 4))
    (24,)

    Raises TypeError for non-int dims, IndexError for dims out of range and
    RuntimeError when start_dim comes after end_dim.
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        self.start_dim = start_dim
        self.end_dim = end_dim

    def __repr__(self) -> str:
        return f"Flatten(start_dim={self.start_dim}, end_dim={self.end_dim})"

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """The flattened dims are mixed into one; the dims before them move up."""
        n = len(tuple(in_shape))
        start, end = (self.start_dim % n, self.end_dim % n) if n else (0, 0)
        if end <= start:  # one dim or none: nothing moves
            return placed(n, 0, ())
        before = Axis(kind="pointwise", dim_shift=end - start)
        return tuple(before if pos < start else MERGED if pos <= end else POINTWISE
                     for pos in range(n))

    def output_shape(self, input_shape, **forward_kwargs: Any) -> tuple[int, ...]:
        shape = as_shape(input_shape)
        check_forward_kwargs(self, forward_kwargs)
        # torch/nn/modules/flatten.py: Flatten.forward -> input.flatten(start_dim, end_dim)
        return tensor_flatten(shape, self.start_dim, self.end_dim)


class Unflatten(Layer):
    """Expand dim ``dim`` into ``unflattened_size`` (torch.nn.Unflatten).

    Shape: input ``(*, S_dim, *)`` -> output ``(*, U_1, ..., U_n, *)`` with
    ``prod(U) == S_dim``; one ``U_i`` may be -1 and is then inferred.

    >>> Unflatten(1, (2, -1)).output_shape((4, 6))
    (4, 2, 3)

    Raises TypeError for a non-sequence size or non-int elements (at
    construction), IndexError for a dim out of range and RuntimeError when the
    sizes do not multiply up to the input's dim.
    """

    def __init__(self, dim: int, unflattened_size) -> None:
        self._require_tuple_int(unflattened_size)
        self.dim = dim
        self.unflattened_size = unflattened_size

    def _require_tuple_int(self, input) -> None:
        # torch/nn/modules/flatten.py: Unflatten._require_tuple_int
        if isinstance(input, (tuple, list)):
            for idx, elem in enumerate(input):
                if not isinstance(elem, int):
                    raise LayerTypeError(
                        "unflattened_size must be tuple of ints, "
                        f"but found element of type {_tname(elem)} at pos {idx}",
                        hint=f"element {idx} of unflattened_size is {elem!r}: every size must be an integer.")
            return
        raise LayerTypeError(
            f"unflattened_size must be a tuple of ints, but found type {_tname(input)}",
            hint=f"unflattened_size={input!r}: give a tuple or list of sizes, e.g. (2, 3).")

    def __repr__(self) -> str:
        return f"Unflatten(dim={self.dim}, unflattened_size={self.unflattened_size})"

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """The unflattened dim becomes several (mixed); the dims before it move down."""
        in_shape = tuple(in_shape)
        n = len(in_shape)
        out = self.output_shape(in_shape) if out_shape is None else tuple(out_shape)
        grow = len(out) - n
        if not n or not grow or not isinstance(self.dim, int):
            return placed(n, 0, ())
        dim = self.dim % n
        before = Axis(kind="pointwise", dim_shift=-grow)
        return tuple(before if pos < dim else MERGED if pos == dim else POINTWISE
                     for pos in range(n))

    def output_shape(self, input_shape, **forward_kwargs: Any) -> tuple[int, ...]:
        shape = as_shape(input_shape)
        check_forward_kwargs(self, forward_kwargs)
        if not self.unflattened_size:
            # torch/_tensor.py: Tensor.unflatten, before any argument is parsed
            raise LayerRuntimeError("unflatten: sizes must be non-empty",
                                    hint="unflattened_size is empty: give at least one size.")
        check_int_arg("unflatten", "dim", 1, self.dim)
        # The elements are ints (checked at construction); the parser refuses a leading bool.
        check_list_head("unflatten", "sizes", 2, self.unflattened_size,
                        hint=f"unflattened_size starts with {self.unflattened_size[0]!r}: write sizes as integers.")
        check_int64(self.dim, "dim")
        sizes = [int(s) for s in self.unflattened_size]
        if not shape and self.dim in (0, -1):
            # aten/src/ATen/native/TensorShape.cpp: unflatten -> handle_unflatten_exception;
            # torch appends a C++ backtrace to this message, which we leave out.
            raise LayerRuntimeError(
                "unflatten got an unexpected error:\nDimension specified as 0 but tensor has no dimensions",
                hint="a 0-d input has no dimension to unflatten: give it at least one dimension.")
        dim = wrap_dim(self.dim, len(shape))
        try:
            inferred = infer_size(sizes, shape[dim])
        except LayerRuntimeError as err:
            raise _unflatten_error(err, sizes, dim, shape[dim]) from None
        # aten/src/ATen/native/TensorShape.cpp: unflatten_impl -> self.view(shape)
        return view_dims(shape, [*shape[:dim], *inferred, *shape[dim + 1:]], what="unflatten")


def _unflatten_error(err: LayerRuntimeError, sizes: list[int], dim: int, numel: int) -> LayerRuntimeError:
    """aten/src/ATen/native/TensorShape.cpp: handle_unflatten_exception (torch appends a C++
    backtrace to the "unexpected error" message, which we leave out)."""
    if "is invalid for input of size" not in str(err):
        return LayerRuntimeError("unflatten got an unexpected error:\n" + str(err), hint=err.hint)
    return LayerRuntimeError(
        f"unflatten: Provided sizes {fmt_list(sizes)} don't multiply up to the size of dim {dim} "
        f"({numel}) in the input tensor",
        hint=f"dim {dim} has {numel} elements, which unflattened_size {fmt_list(sizes)} cannot hold: "
             f"choose sizes whose product is {numel}.")


class Identity(Layer):
    """Return the input unchanged (torch.nn.Identity); any arguments are ignored.

    >>> Identity(54, unused='argument').output_shape((2, 54))
    (2, 54)
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __repr__(self) -> str:
        return "Identity()"

    def output_shape(self, input_shape, **forward_kwargs: Any) -> tuple[int, ...]:
        shape = as_shape(input_shape)
        check_forward_kwargs(self, forward_kwargs)
        return shape


class Linear(Layer):
    """``y = x W^T + b`` over the last dimension (torch.nn.Linear).

    Shape: input ``(*, H_in)`` -> output ``(*, H_out)`` with ``H_in = in_features``
    and ``H_out = out_features``; ``*`` may be empty (a 1-d input).

    >>> Linear(20, 30).output_shape((128, 20))
    (128, 30)
    >>> Linear(20, 30).param_count()
    630

    Raises TypeError / RuntimeError at construction for non-int or negative
    features (from ``torch.empty``), and RuntimeError in forward for a 0-d input
    or when the last dimension is not ``in_features``.
    """

    inferable = ("in_features",)

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device=None, dtype=None) -> None:
        # torch/nn/modules/linear.py: Linear.__init__ -> torch.empty((out_features, in_features))
        parse_size("empty", (out_features, in_features), "(out_features, in_features)")
        self.in_features = in_features
        self.out_features = out_features
        self.bias = bool(bias)

    @classmethod
    def infer_kwargs(cls, input_shape) -> dict[str, int]:
        shape = as_shape(input_shape)
        return {"in_features": shape[-1]} if shape else {}

    def __repr__(self) -> str:
        return f"Linear(in_features={self.in_features}, out_features={self.out_features}, bias={self.bias})"

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """Every output feature mixes the whole last dim."""
        return placed(len(tuple(in_shape)), -1, (WHOLE,))

    def output_shape(self, input_shape, **forward_kwargs: Any) -> tuple[int, ...]:
        shape = as_shape(input_shape)
        check_forward_kwargs(self, forward_kwargs)
        k = int(self.in_features)
        if not shape:
            # aten/src/ATen/native/Linear.cpp: linear
            raise LayerRuntimeError(
                "both arguments to linear need to be at least 1D, but they are 0D and 2D",
                hint="a 0-d input has no feature dimension: give it shape (in_features,) or (N, in_features).")
        if shape[-1] != k:
            rows = 1
            for d in shape[:-1]:
                rows *= d
            # aten/src/ATen/native/LinearAlgebra.cpp: addmm_impl_cpu_ / mm (input viewed as 2-d)
            raise LayerRuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied ({rows}x{shape[-1]} and {k}x{self.out_features})",
                hint=f"the input's last dimension is {shape[-1]} but in_features={k}: "
                     f"set in_features={shape[-1]} or reshape the input so its last dimension is {k}.")
        return shape[:-1] + (self.out_features,)

    def param_count(self) -> int:
        return self.out_features * int(self.in_features) + (self.out_features if self.bias else 0)

    def macs(self, input_shape, output_shape) -> int:
        rows = 1
        for d in tuple(input_shape)[:-1]:
            rows *= d
        return rows * int(self.in_features) * self.out_features
