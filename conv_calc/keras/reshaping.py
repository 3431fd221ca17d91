"""Keras 3 Flatten, Reshape and Permute; the spatial layers are re-exported from their modules.

Ported statement by statement from keras/src/layers/reshaping/*.py, so odd
arguments fail where and as Keras's do::

    Flatten:  (batch, prod(rest))
    Reshape:  (batch, *target_shape)  with one -1 resolved from the size

>>> Reshape((-1, 4)).compute_output_shape((None, 6, 2))
(None, 3, 4)

Errors (ValueError unless noted): Reshape's "The total size of the tensor must be
unchanged"; Python's own IndexError where Keras indexes an empty shape.
ZeroPadding and Cropping are in :mod:`conv_calc.keras.padding`, UpSampling in
:mod:`conv_calc.keras.upsampling`.
"""

from __future__ import annotations

import math
from typing import Any

from conv_calc.geometry import MERGED, POINTWISE, Axis
from conv_calc.keras.base import KerasLayer, as_keras_shape, standardize_data_format, wrap_builtin
from conv_calc.keras.errors import WRAP_PREFIX, KerasValueError
from conv_calc.keras.padding import (  # noqa: F401 - keras.layers and old imports find them here
    Cropping1D,
    Cropping2D,
    Cropping3D,
    ZeroPadding1D,
    ZeroPadding2D,
    ZeroPadding3D,
)
from conv_calc.keras.spatial import call_error
from conv_calc.keras.upsampling import UpSampling1D, UpSampling2D, UpSampling3D  # noqa: F401

__all__ = ["ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "Cropping1D", "Cropping2D",
           "Cropping3D", "UpSampling1D", "UpSampling2D", "UpSampling3D", "Flatten", "Reshape",
           "Permute", "compute_reshape_output_shape"]


class Flatten(KerasLayer):
    """keras.layers.Flatten: ``(batch, prod(rest))``; ``(batch, 1)`` for a rank-1 input.

    >>> Flatten().compute_output_shape((None, 7, 7, 512))
    (None, 25088)
    """

    def __init__(self, data_format=None, **kwargs):
        self._layer_init(kwargs)
        self.data_format = standardize_data_format(data_format)
        self.input_spec = ("min_ndim", 1)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = as_keras_shape(input_shape)
        try:
            non_batch = shape[1:]
            if len(non_batch) == 0:
                flat = 1
            elif any(d is None for d in non_batch):
                flat = None
            else:
                flat = math.prod(non_batch)
            return (shape[0], flat)
        except IndexError as exc:  # Keras indexes input_shape[0] of an empty shape
            raise wrap_builtin(exc, hint="Flatten needs at least the batch dimension.") from None

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """Every axis but the batch mixed into one."""
        n = len(tuple(in_shape))
        return (POINTWISE,) + (MERGED,) * (n - 1) if n else ()

    def __repr__(self) -> str:
        return "Flatten()"


def compute_reshape_output_shape(input_shape: tuple, newshape: tuple, name: str) -> tuple:
    """keras/src/ops/operation_utils.py: compute_reshape_output_shape (one -1 resolved).

    >>> compute_reshape_output_shape((4, 3), (2, -1), "target_shape")
    (2, 6)
    """
    _validate_reshape(newshape, name)
    newshape = tuple(d if isinstance(d, int) else None for d in newshape)
    hint = (f"the input holds {' x '.join(map(str, input_shape))} values per sample, which "
            f"{name}={newshape} cannot hold: make the sizes multiply to the same total.")
    if None in input_shape or None in newshape:
        return tuple(d if d != -1 else None for d in newshape)
    size = math.prod(input_shape)
    if newshape.count(-1) == 0:
        if size != math.prod(newshape):
            # operation_utils.py: compute_reshape_output_shape
            raise KerasValueError("The total size of the tensor must be unchanged. Received: "
                                  f"input_shape={input_shape}, {name}={newshape}", hint=hint)
        return newshape
    known, where = 1, 0
    for i, d in enumerate(newshape):
        if d == -1:
            where = i
        else:
            known *= d
    if known == 0 or size % known != 0:
        raise KerasValueError(
            "The total size of the tensor must be unchanged, however, the input size cannot by "
            f"divided by the specified dimensions in {name}. Received: "
            f"input_shape={input_shape}, {name}={newshape}", hint=hint)
    out = list(newshape)
    out[where] = size // known
    return tuple(out)


def _validate_reshape(newshape: tuple, name: str) -> None:
    """operation_utils.py: validate_reshape_shape."""
    count = 0
    for d in newshape:
        if not isinstance(d, int):
            continue
        if d < -1:
            raise KerasValueError(
                f"Each dimension in `{name}` must be a non-negative integer, or `-1` for a "
                f"single unknown dimension. Received: {name}={newshape}.",
                hint=f"{name}={newshape}: sizes are >= 0, with at most one -1.")
        if d == -1:
            count += 1
    if count > 1:
        raise KerasValueError(
            f"There must be at most one unknown dimension (-1) in `{name}`. Received: "
            f"{name}={newshape}.", hint=f"{name}={newshape}: only one size may be -1.")


class Reshape(KerasLayer):
    """keras.layers.Reshape: ``(batch, *target_shape)``, the batch kept.

    >>> Reshape((7, 7, 64)).compute_output_shape((None, 3136))
    (None, 7, 7, 64)
    """

    def __init__(self, target_shape, **kwargs):
        self._layer_init(kwargs)
        try:
            target_shape = tuple(target_shape)
        except TypeError as exc:
            raise wrap_builtin(exc, hint=f"target_shape={target_shape!r}: give a list of sizes "
                                         f"(without the batch).") from None
        _validate_reshape(target_shape, "target_shape")
        self.target_shape = target_shape

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = as_keras_shape(input_shape)
        if not shape:
            raise wrap_builtin(IndexError("tuple index out of range"),
                               hint="Reshape needs at least the batch dimension.")
        return (shape[0], *compute_reshape_output_shape(shape[1:], self.target_shape,
                                                        "target_shape"))

    def _call(self, shape: tuple) -> tuple:
        try:
            out = self.compute_output_shape(shape)
        except KerasValueError as err:
            raise call_error("Reshape", ValueError, err.hint) from None
        # Reshape.call hands torch.reshape the target with each unresolved dim as -1
        # (a non-integer entry of target_shape stays unresolved).
        target = [-1 if d is None else d for d in out]
        hint = (f"target_shape={self.target_shape} has entries that are not integers; torch "
                f"can infer only one of them, from {shape}.")
        if target.count(-1) > 1:
            # keras/src/ops/operation_utils.py: validate_reshape_shape, inside ops.reshape
            raise call_error("Reshape", ValueError, hint)
        if -1 in target:
            known = math.prod(d for d in target if d != -1)
            total = math.prod(shape)
            if known == 0 or total % known:
                # torch.reshape: "shape '[...]' is invalid for input of size N"
                raise call_error("Reshape", RuntimeError, hint)
            target[target.index(-1)] = total // known
        return tuple(target)

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """Every axis but the batch mixed into the new ones."""
        n = len(tuple(in_shape))
        return (POINTWISE,) + (MERGED,) * (n - 1) if n else ()

    def __repr__(self) -> str:
        return f"Reshape(target_shape={self.target_shape})"


class Permute(KerasLayer):
    """keras.layers.Permute: the non-batch axes reordered by ``dims`` (1-based, the batch stays).

    >>> Permute((3, 1, 2)).compute_output_shape((None, 7, 5, 64))
    (None, 64, 7, 5)
    """

    def __init__(self, dims, **kwargs):
        self._layer_init(kwargs)
        hint = ("dims is a permutation of 1..rank-1 (the batch, dim 0, stays), e.g. (2, 1) "
                "swaps the two axes after the batch.")
        try:
            self.dims = tuple(dims)
            ok = sorted(dims) == list(range(1, len(dims) + 1))
        except TypeError as exc:
            raise wrap_builtin(exc, hint) from None
        if not ok:
            # keras/src/layers/reshaping/permute.py: Permute.__init__
            raise KerasValueError(
                "Invalid permutation argument `dims` for Permute Layer. The set of indices in "
                f"`dims` must be consecutive and start from 1. Received dims={dims}", hint=hint)
        self.input_spec = ("ndim", len(self.dims) + 1)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = as_keras_shape(input_shape)
        try:
            return (shape[0],) + tuple(shape[d] for d in self.dims)
        except (IndexError, TypeError) as exc:
            raise wrap_builtin(exc, self._hint(shape)) from None

    def _hint(self, shape: tuple) -> str:
        return (f"Permute(dims={self.dims}) takes an input of rank {len(self.dims) + 1} and "
                f"integer dims 1..{len(self.dims)}; got {shape}.")

    def _call(self, shape: tuple) -> tuple:
        if not all(isinstance(d, int) for d in self.dims):
            # ops.transpose inside Permute.call indexes the shape with the dims
            raise wrap_builtin(TypeError(f"{WRAP_PREFIX} Permute.call()."), self._hint(shape))
        return self.compute_output_shape(shape)

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """Each axis moves to where ``dims`` puts it (``dim_shift``), unchanged otherwise."""
        perm = (0,) + self.dims
        where = {src: dst for dst, src in enumerate(perm)}
        return tuple(Axis(kind="pointwise", dim_shift=where[i] - i) for i in range(len(perm)))

    def __repr__(self) -> str:
        return f"Permute(dims={self.dims})"
