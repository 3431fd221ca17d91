"""Keras 3 merges: Add, Multiply, Subtract, Average, Maximum, Minimum and Concatenate,
ported from keras/src/layers/merging/*.py.

The element-wise merges (every one but Concatenate) share Keras's ``Merge`` base: each broadcasts the non-batch dims like numpy ("Inputs have incompatible shapes")
and refuses different batch sizes; Concatenate requires every dim but the axis to
match ("A `Concatenate` layer requires inputs with matching shapes except for the
concatenation axis"). :func:`add_output_shape` and :func:`concatenate_output_shape`
give what building a functional model (``keras.Input`` then the layer) gives:
Keras's ``build`` checks, then ``compute_output_shape``.

>>> add_output_shape([(None, 8, 8, 64), (None, 8, 8, 64)])
(None, 8, 8, 64)
>>> concatenate_output_shape([(None, 8, 8, 64), (None, 8, 8, 32)], axis=-1)
(None, 8, 8, 96)
"""

from __future__ import annotations

from typing import Any

from conv_calc.geometry import Axis, unchanged
from conv_calc.keras.base import KerasLayer, as_keras_shape, wrap_builtin
from conv_calc.keras.errors import WRAP_PREFIX, KerasValueError

__all__ = ["Add", "Multiply", "Subtract", "Average", "Maximum", "Minimum", "Concatenate",
           "add_output_shape", "concatenate_output_shape", "merge_output_shape"]


def _elemwise(shape1: tuple, shape2: tuple) -> tuple:
    """keras/src/layers/merging/base_merge.py: Merge._compute_elemwise_op_output_shape."""
    if len(shape1) < len(shape2):
        return _elemwise(shape2, shape1)
    if not shape2:
        return shape1
    out = list(shape1[:-len(shape2)])
    for i, j in zip(shape1[-len(shape2):], shape2):
        if i is None or j is None:
            out.append(None)
        elif i == 1:
            out.append(j)
        elif j == 1:
            out.append(i)
        else:
            if i != j:
                raise KerasValueError(
                    f"Inputs have incompatible shapes. Received shapes {shape1} and {shape2}",
                    hint=f"the added tensors have {shape1} and {shape2} after the batch: every "
                         f"dim must match (or be 1); fix the strides, padding or channels of "
                         f"one branch (e.g. a 1x1 projection shortcut).")
            out.append(i)
    return tuple(out)


def _shapes(input_shape: Any) -> list:
    return [tuple(s) for s in input_shape]


def _merge_compute(shapes: list) -> tuple:
    out = shapes[0][1:]
    for s in shapes[1:]:
        out = _elemwise(out, s[1:])
    batches = {s[0] for s in shapes} - {None}
    return ((next(iter(batches)),) if len(batches) == 1 else (None,)) + out


def _merge_build(shapes: list) -> None:
    """base_merge.py: Merge.build (batch sizes, then the element-wise shapes)."""
    batches = {s[0] for s in shapes if s} - {None}
    if len(batches) > 1:
        raise KerasValueError(
            f"Cannot merge tensors with different batch sizes. Received tensors with shapes "
            f"{shapes}",
            hint=f"the merged tensors have batch sizes {sorted(batches)}: merge tensors of the "
                 f"same batch (and rank).")
    out = shapes[0][1:]
    for s in shapes[1:]:
        out = _elemwise(out, s[1:])


def add_output_shape(shapes: Any) -> tuple:
    """keras.layers.Add()(inputs) on symbolic inputs: Merge.build's checks, then compute_output_shape.

    >>> add_output_shape([(None, 4, 4, 8), (None, 1, 1, 8)])
    (None, 4, 4, 8)
    """
    shapes = _shapes(shapes)
    _merge_build(shapes)
    return _merge_compute(shapes)


def _concat_build(shapes: list, axis: int) -> None:
    """keras/src/layers/merging/concatenate.py: Concatenate.build."""
    if all(s is None for s in shapes):
        return
    reduced = [list(s) for s in shapes]
    seen = set()
    for i in range(len(reduced)):
        try:
            # concatenate.py: build computes `self.axis % len(shape)` first (unused after,
            # but an axis of None or '1' fails there)
            axis % len(reduced[i])
            if len(reduced[i]) > axis:
                del reduced[i][axis]
        except (IndexError, TypeError, ZeroDivisionError) as exc:
            raise wrap_builtin(exc, hint=f"axis={axis!r} is not an axis of an input of rank "
                                         f"{len(shapes[i])}: give an integer axis.") from None
        seen.add(tuple(reduced[i]))
    if len(seen) != 1:
        err = KerasValueError(
            "A `Concatenate` layer requires inputs with matching shapes except for the "
            f"concatenation axis. Received: input_shape={shapes}",
            hint=f"concatenating {shapes} along axis {axis}: every other dim must match; crop "
                 f"or pad one input, or fix its strides.")
        ranks = {len(s) for s in seen}
        if len(ranks) != 1:
            raise err
        (rank,) = ranks
        for a in range(rank):
            if len({s[a] for s in seen if s[a] is not None}) > 1:
                raise err


def _concat_compute(shapes: Any, axis: int) -> tuple:
    if not isinstance(shapes, (tuple, list)) or not shapes or \
            not isinstance(shapes[0], (tuple, list)):
        raise KerasValueError("A `Concatenate` layer should be called on a list of inputs. "
                              f"Received: input_shape={shapes}",
                              hint="Concatenate takes a list of input shapes.")
    out = list(shapes[0])
    hint = f"axis={axis} does not exist in every input {list(shapes)}."
    for s in shapes[1:]:
        try:
            if out[axis] is None or s[axis] is None:
                out[axis] = None
                break
            out[axis] += s[axis]
        except (IndexError, TypeError) as exc:
            raise wrap_builtin(exc, hint=hint) from None
    # Keras never reads the axis of a single input
    return tuple(out)


def concatenate_output_shape(shapes: Any, axis: int = -1) -> tuple:
    """keras.layers.Concatenate(axis)(inputs) on symbolic inputs: build's check, then the shape.

    >>> concatenate_output_shape([(None, 4, 8), (None, 5, 8)], axis=1)
    (None, 9, 8)
    """
    shapes = _shapes(shapes)
    _concat_build(shapes, axis)
    return _concat_compute(shapes, axis)


def _need_list(shape: tuple, layer: str) -> None:
    """Merge.build / Concatenate.build on one tensor's shape instead of a list of shapes."""
    if shape and isinstance(shape[0], (tuple, list)):
        return
    hint = (f"{layer} merges several tensors; in a stack file write it over saved tensors "
            f"(add: / mul: / sub: / cat: [a, b]), not as a layer on the current tensor.")
    if layer == "Concatenate":
        # keras/src/layers/merging/concatenate.py: Concatenate.build
        raise KerasValueError("A `Concatenate` layer should be called on a list of at least 1 "
                              f"input. Received: input_shape={shape}", hint=hint)
    # keras/src/layers/merging/base_merge.py: Merge.build
    raise KerasValueError("A merge layer should be called on a list of inputs. Received: "
                          f"input_shape={shape} (not a list of shapes)", hint=hint)


class _Merge(KerasLayer):
    def _build(self, shape: tuple) -> None:
        """A functional model's merge is called on a list of tensors."""
        _need_list(shape, type(self).__name__)

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """Each input keeps its axes: a stack's analysis combines the inputs
        (:mod:`conv_calc.graph`), a merge is not one layer on one input."""
        return unchanged(len(tuple(in_shape)))

    def call_shape(self, input_shape: Any) -> tuple:
        shapes = [as_keras_shape(s) for s in input_shape]
        return self._eager(shapes)


class Merge(_Merge):
    """keras/src/layers/merging/base_merge.py: Merge, whose ``__init__`` Add inherits.

    Named so that Python's own signature errors read as Keras's
    (``Merge.__init__() takes 1 positional argument but 2 were given``).
    """

    def __init__(self, **kwargs):
        self._layer_init(kwargs)


class Add(Merge):
    """keras.layers.Add: element-wise sum with numpy broadcasting of the non-batch dims."""

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shapes = [as_keras_shape(s) for s in input_shape]
        return _merge_compute(shapes)

    def _eager(self, shapes: list) -> tuple:
        _merge_build(shapes)
        return _merge_compute(shapes)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Multiply(Add):
    """keras.layers.Multiply: element-wise product, Add's shapes and checks."""


class Average(Add):
    """keras.layers.Average: element-wise mean, Add's shapes and checks."""


class Maximum(Add):
    """keras.layers.Maximum: element-wise maximum, Add's shapes and checks."""


class Minimum(Add):
    """keras.layers.Minimum: element-wise minimum, Add's shapes and checks."""


def _two_inputs(shapes: list) -> None:
    """keras/src/layers/merging/subtract.py: Subtract.build, after Merge.build."""
    if len(shapes) != 2:
        raise KerasValueError(
            f"A `Subtract` layer should be called on exactly 2 inputs. Received: "
            f"input_shape={shapes}",
            hint=f"Subtract takes two tensors (the first minus the second), got {len(shapes)}.")


class Subtract(Add):
    """keras.layers.Subtract: the first input minus the second; exactly two inputs."""

    def _eager(self, shapes: list) -> tuple:
        _merge_build(shapes)
        _two_inputs(shapes)
        return _merge_compute(shapes)


#: A stack's merge keyword -> the Keras layer it is.
_ELEMENTWISE = {"add": Add, "mul": Multiply, "sub": Subtract}


def merge_output_shape(op: str, shapes: Any, axis: int = -1) -> tuple:
    """The Keras merge a stack's ``op`` stands for ("add", "mul", "sub", "cat"), on symbolic inputs.

    >>> merge_output_shape("mul", [(None, 8, 8, 32), (None, 1, 1, 32)])
    (None, 8, 8, 32)
    >>> merge_output_shape("sub", [(None, 4), (None, 4), (None, 4)])
    Traceback (most recent call last):
    ...
    conv_calc.errors.LayerValueError: A `Subtract` layer should be called on exactly 2 inputs. \
Received: input_shape=[(None, 4), (None, 4), (None, 4)]
    """
    if op == "cat":
        return concatenate_output_shape(shapes, axis)
    return _ELEMENTWISE[op]().call_shape(shapes)


class Concatenate(_Merge):
    """keras.layers.Concatenate: joins the inputs along ``axis`` (default -1, the channels)."""

    def __init__(self, axis=-1, **kwargs):
        self._layer_init(kwargs)
        self.axis = axis

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shapes = [as_keras_shape(s) for s in input_shape]
        return _concat_compute(shapes, self.axis)

    def _eager(self, shapes: list) -> tuple:
        _concat_build(shapes, self.axis)
        n = len(shapes[0])
        if not -n <= self.axis < n:
            # torch.cat inside Concatenate.call: "Dimension out of range"
            raise wrap_builtin(IndexError(f"{WRAP_PREFIX} Concatenate.call()."),
                               hint=f"axis={self.axis} does not exist in a rank-{n} input.")
        if len({len(s) for s in shapes}) > 1:
            # torch.cat: "Tensors must have same number of dimensions"
            raise wrap_builtin(RuntimeError(f"{WRAP_PREFIX} Concatenate.call()."),
                               hint=f"the inputs {shapes} have different ranks.")
        return _concat_compute(shapes, self.axis)

    def __repr__(self) -> str:
        return f"Concatenate(axis={self.axis})"
