"""Keras 3 core layers: Dense, BatchNormalization, Activation, ReLU, LeakyReLU, Dropout, Add, Concatenate.

Ported from keras/src/layers/{core/dense.py, normalization/batch_normalization.py,
activations/*.py, regularization/dropout.py, merging/*.py}.

>>> Dense(10).compute_output_shape((None, 7, 7, 512)), Dense(10).count_params((None, 512))
((None, 7, 7, 10), 5130)
>>> BatchNormalization().count_params((None, 8, 8, 64))
256
>>> add_output_shape([(None, 8, 8, 64), (None, 8, 8, 64)])
(None, 8, 8, 64)
>>> concatenate_output_shape([(None, 8, 8, 64), (None, 8, 8, 32)], axis=-1)
(None, 8, 8, 96)

Merges: Add broadcasts the non-batch dims like numpy ("Inputs have
incompatible shapes") and refuses different batch sizes; Concatenate requires
every dim but the axis to match ("A `Concatenate` layer requires inputs with
matching shapes except for the concatenation axis"). :func:`add_output_shape`
and :func:`concatenate_output_shape` give what building a functional model
(``keras.Input`` then the layer) gives: Keras's ``build`` checks, then
``compute_output_shape``.
"""

from __future__ import annotations

import math
from typing import Any

from conv_calc.geometry import WHOLE, Axis, placed, unchanged
from conv_calc.keras.base import KerasLayer, as_keras_shape, wrap_builtin
from conv_calc.keras.errors import WRAP_PREFIX, KerasValueError

__all__ = ["Dense", "BatchNormalization", "Activation", "ReLU", "LeakyReLU", "Dropout", "Add",
           "Concatenate", "add_output_shape", "concatenate_output_shape", "ACTIVATIONS"]

#: keras/src/activations/__init__.py: ALL_OBJECTS_DICT (plus "swish", "hard_swish").
ACTIVATIONS = frozenset((
    "relu", "leaky_relu", "relu6", "softmax", "celu", "elu", "selu", "softplus", "softsign",
    "squareplus", "soft_shrink", "sparse_plus", "silu", "gelu", "glu", "tanh", "tanh_shrink",
    "threshold", "sigmoid", "sparse_sigmoid", "exponential", "hard_sigmoid", "hard_silu",
    "hard_tanh", "hard_shrink", "linear", "mish", "log_softmax", "log_sigmoid", "sparsemax",
    "swish", "hard_swish"))


def _activation(identifier: Any) -> Any:
    """keras/src/activations/__init__.py: get (names only; None is linear)."""
    if identifier is None:
        return "linear"
    if isinstance(identifier, str) and identifier in ACTIVATIONS:
        return identifier
    if callable(identifier) and not isinstance(identifier, str):
        return identifier
    raise KerasValueError(f"Could not interpret activation function identifier: {identifier}",
                          hint=f"activation={identifier!r} is not a Keras activation; e.g. "
                               f"'relu', 'sigmoid', 'softmax', 'gelu' or None.")


def _compare(check: Any, hint: str) -> bool:
    """Run a comparison as Keras writes it; a str vs float compare fails as in Keras."""
    try:
        return bool(check())
    except TypeError as exc:
        raise wrap_builtin(exc, hint=hint) from None


def _known_prod(dims: Any) -> int:
    return math.prod(1 if d is None else d for d in dims)


class Dense(KerasLayer):
    """keras.layers.Dense: the last axis becomes ``units``; ``in * units (+ units)`` weights."""

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 lora_rank=None, lora_alpha=None, quantization_config=None, **kwargs):
        if not isinstance(units, int) or units <= 0:
            # keras/src/layers/core/dense.py: Dense.__init__ (before Layer.__init__)
            raise KerasValueError("Received an invalid value for `units`, expected a positive "
                                  f"integer. Received: units={units}",
                                  hint=f"units={units!r}: Dense takes an integer >= 1.")
        self._layer_init(kwargs)
        self.units = units
        self.activation = _activation(activation)
        self.use_bias = use_bias
        self.input_spec = ("min_ndim", 2)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        out = list(as_keras_shape(input_shape))
        if not out:
            raise wrap_builtin(IndexError("list assignment index out of range"),
                               hint="Dense needs an input with a last axis.")
        out[-1] = self.units
        return tuple(out)

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """Every unit mixes the whole last axis."""
        return placed(len(tuple(in_shape)), -1, (WHOLE,))

    def count_params(self, input_shape: Any) -> int:
        n = as_keras_shape(input_shape)[-1] or 0
        return n * self.units + (self.units if self.use_bias else 0)

    def macs(self, input_shape: Any) -> int:
        shape = as_keras_shape(input_shape)
        return _known_prod(shape[:-1]) * (shape[-1] or 0) * self.units

    def __repr__(self) -> str:
        return f"Dense({self.units}" + (f", activation={self.activation!r})"
                                         if self.activation != "linear" else ")")


class BatchNormalization(KerasLayer):
    """keras.layers.BatchNormalization: shape unchanged; gamma, beta and two moving stats on ``axis``."""

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, renorm=False, renorm_clipping=None,
                 renorm_momentum=0.99, synchronized=False, **kwargs):
        self._layer_init(kwargs)
        hint = "axis is the channel axis: -1 for channels_last, 1 for channels_first."
        try:
            self.axis = int(axis)
        except (TypeError, ValueError) as exc:
            raise wrap_builtin(exc, hint=hint) from None
        if synchronized:
            # keras/src/layers/normalization/batch_normalization.py: __init__
            raise KerasValueError("Argument synchronized=True is only supported with the "
                                  "TensorFlow backend.",
                                  hint="synchronized=True needs the TensorFlow backend; "
                                       "conv-calc answers for the torch backend.")
        try:
            self.momentum = float(momentum)
            self.epsilon = float(epsilon)
        except (TypeError, ValueError) as exc:
            raise wrap_builtin(exc, hint="momentum and epsilon are numbers.") from None
        self.center, self.scale, self.renorm = center, scale, renorm
        if renorm:
            clip = renorm_clipping or {}
            keys = ["rmax", "rmin", "dmax"]
            if set(clip) - set(keys):
                raise KerasValueError("Received invalid keys for `renorm_clipping` argument: "
                                      f"{clip}. Supported values: {keys}.",
                                      hint="renorm_clipping takes rmax, rmin and dmax.")

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = as_keras_shape(input_shape)
        if self.axis >= len(shape) or self.axis < -len(shape):
            # batch_normalization.py: compute_output_shape
            raise KerasValueError(
                f"Axis {self.axis} is out of bounds for input shape {shape}. "
                f"Received: axis={self.axis}",
                hint=f"axis={self.axis} does not exist in a rank-{len(shape)} input; use -1 "
                     f"(channels_last) or 1 (channels_first).")
        return shape

    def _build(self, shape: tuple) -> None:
        if self.axis >= len(shape) or self.axis < -len(shape):
            # batch_normalization.py: build reads input_shape[self.axis]
            raise wrap_builtin(IndexError("tuple index out of range"),
                               hint=f"axis={self.axis} does not exist in a rank-{len(shape)} "
                                    f"input {shape}.")

    def count_params(self, input_shape: Any) -> int:
        shape = as_keras_shape(input_shape)
        c = shape[self.axis] or 0
        per = 2 + bool(self.center) + bool(self.scale) + (3 if self.renorm else 0)
        return c * per

    def __repr__(self) -> str:
        return f"BatchNormalization(axis={self.axis})"


class _Elementwise(KerasLayer):
    """Layers whose output shape is their input shape."""

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return as_keras_shape(input_shape)


class Activation(_Elementwise):
    """keras.layers.Activation: shape unchanged."""

    def __init__(self, activation, **kwargs):
        self._layer_init(kwargs)
        self.activation = _activation(activation)

    def __repr__(self) -> str:
        return f"Activation({self.activation!r})"


class ReLU(_Elementwise):
    """keras.layers.ReLU: shape unchanged."""

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        self._layer_init(kwargs)
        hint = "max_value, negative_slope and threshold are numbers >= 0."
        # keras/src/layers/activations/relu.py: ReLU.__init__
        if max_value is not None and _compare(lambda: max_value < 0.0, hint):
            raise KerasValueError("max_value of a ReLU layer cannot be a negative value. "
                                  f"Received: max_value={max_value}", hint=hint)
        if negative_slope is None or _compare(lambda: negative_slope < 0.0, hint):
            raise KerasValueError("negative_slope of a ReLU layer cannot be None or a negative "
                                  f"value. Received: negative_slope={negative_slope}", hint=hint)
        if threshold is None or _compare(lambda: threshold < 0.0, hint):
            raise KerasValueError("threshold of a ReLU layer cannot be None or a negative value. "
                                  f"Received: threshold={threshold}", hint=hint)
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold

    def __repr__(self) -> str:
        return "ReLU()" if self.max_value is None else f"ReLU(max_value={self.max_value})"


class LeakyReLU(_Elementwise):
    """keras.layers.LeakyReLU: shape unchanged (``alpha`` is the deprecated name of negative_slope)."""

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
        self._layer_init(kwargs)
        hint = "negative_slope is a number >= 0."
        if negative_slope is None or _compare(lambda: negative_slope < 0, hint):
            # keras/src/layers/activations/leaky_relu.py: LeakyReLU.__init__
            raise KerasValueError("The negative_slope value of a Leaky ReLU layer cannot be None "
                                  "or negative value. Expected a float. "
                                  f"Received: negative_slope={negative_slope}", hint=hint)
        self.negative_slope = negative_slope

    def __repr__(self) -> str:
        return f"LeakyReLU(negative_slope={self.negative_slope})"


class Dropout(_Elementwise):
    """keras.layers.Dropout: shape unchanged."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        self._layer_init(kwargs)
        hint = "rate is a fraction from 0 to 1."
        if not _compare(lambda: 0 <= rate <= 1, hint):
            # keras/src/layers/regularization/dropout.py: Dropout.__init__
            raise KerasValueError("Invalid value received for argument `rate`. Expected a float "
                                  f"value between 0 and 1. Received: rate={rate}", hint=hint)
        self.rate = rate
        self.noise_shape = _noise_shape(noise_shape)
        if rate > 0 and seed is not None and not isinstance(seed, int):
            # keras/src/random/seed_generator.py: SeedGenerator.__init__
            raise KerasValueError(f"Argument `seed` must be an integer. Received: seed={seed}",
                                  hint=f"seed={seed!r}: give an integer or leave it out.")
        self.seed = seed

    def __repr__(self) -> str:
        return f"Dropout({self.rate})"


def _noise_shape(noise_shape: Any) -> Any:
    """dropout.py: Dropout._validate_noise_shape."""
    if noise_shape is None:
        return None
    head = "Invalid value received for argument `noise_shape`. "
    hint = "noise_shape is a list of sizes >= 1 or None, one per input dim."
    if isinstance(noise_shape, str):
        raise KerasValueError(head + "Expected a tuple or list of integers. "
                              f"Received: noise_shape={noise_shape}", hint=hint)
    if not isinstance(noise_shape, tuple):
        try:
            noise_shape = tuple(noise_shape)
        except TypeError:
            raise KerasValueError(head + "Expected an iterable of integers (e.g., a tuple or "
                                  f"list). Received: noise_shape={noise_shape}", hint=hint) from None
    for i, dim in enumerate(noise_shape):
        if dim is not None:
            if not isinstance(dim, int):
                raise KerasValueError(head + "Expected all elements to be integers or None. "
                                      f"Received element at index {i}: {dim} "
                                      f"(type: {type(dim).__name__})", hint=hint)
            if dim <= 0:
                raise KerasValueError(head + "Expected all dimensions to be positive integers "
                                      "or None. Received negative or zero value at index "
                                      f"{i}: {dim}", hint=hint)
    return noise_shape


# --------------------------------------------------------------------------- merges

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


class _Merge(KerasLayer):
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
        return "Add()"


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
