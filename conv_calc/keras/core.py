"""Keras 3 core layers: Dense, BatchNormalization, Activation, ReLU, LeakyReLU, Dropout.

Ported from keras/src/layers/{core/dense.py, normalization/batch_normalization.py,
activations/*.py, regularization/dropout.py}. The merges (Add, Concatenate,
:func:`add_output_shape`, :func:`concatenate_output_shape`) are in
:mod:`conv_calc.keras.merging` and re-exported here.

>>> Dense(10).compute_output_shape((None, 7, 7, 512)), Dense(10).count_params((None, 512))
((None, 7, 7, 10), 5130)
>>> BatchNormalization().count_params((None, 8, 8, 64))
256
"""

from __future__ import annotations

import math
from typing import Any

from conv_calc.geometry import WHOLE, Axis, placed
from conv_calc.keras.base import KerasLayer, as_keras_shape, wrap_builtin
from conv_calc.keras.errors import KerasValueError
from conv_calc.keras.merging import (  # noqa: F401 - keras.layers and docs/keras.md find them here
    Add,
    Concatenate,
    add_output_shape,
    concatenate_output_shape,
)

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
