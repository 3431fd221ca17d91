"""What every Keras layer spec shares: argument standardisation, input specs, stages.

A spec mirrors one ``keras.layers`` class (Keras 3): the same name, constructor
arguments and defaults, the same checks at construction. Then

- :meth:`KerasLayer.compute_output_shape` is Keras's symbolic answer (``None``
  allowed for unknown dims), raising what Keras's ``compute_output_shape``
  raises;
- :meth:`KerasLayer.call_shape` is what calling the layer on a tensor of that
  shape gives: Keras's input-spec check, ``build``, then ``call``.

The argument helpers copy keras/src/utils/argument_validation.py and
keras/src/backend/config.py statement by statement, so that odd values
(strings, floats, None) fail exactly where and as Keras's do.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Iterable
from typing import Any, ClassVar

from conv_calc.errors import LayerError, LayerMeta
from conv_calc.geometry import Axis, placed, unchanged
from conv_calc.keras.errors import KerasTypeError, KerasValueError
from conv_calc.keras.fmt import PADDING_SET, PADDING_SET_CAUSAL

__all__ = ["KerasLayer", "TrackedList", "tracked", "standardize_tuple", "standardize_padding", "standardize_data_format",
           "as_keras_shape", "wrap_builtin", "snake_name"]

_WRAPPED: dict[type, type] = {}


def wrap_builtin(exc: BaseException, hint: str) -> LayerError:
    """A conv-calc error of the same builtin class and message as ``exc``."""
    base = next((c for c in type(exc).__mro__
                 if getattr(builtins, c.__name__, None) is c and c is not Exception),
                Exception)
    cls = _WRAPPED.get(base)
    if cls is None:
        cls = type(f"Keras{base.__name__}", (LayerError, base), {"__module__": __name__})
        _WRAPPED[base] = cls
    return cls(str(exc), hint=hint)


class TrackedList(list):
    """keras/src/utils/tracking.py: TrackedList, what a list becomes once set on a layer.

    Keras's Layer.__setattr__ wraps list attributes (``self.filters = [4]``), so a
    later ``self.filters <= 0`` fails naming 'TrackedList'; Python does the same here.
    """


def tracked(value: Any) -> Any:
    """``value`` as Keras's Layer.__setattr__ stores it (lists become TrackedList)."""
    return TrackedList(value) if type(value) is list else value


def snake_name(class_name: str) -> str:
    """Keras's default layer name (``keras.src.utils.naming.to_snake_case``).

    >>> snake_name("Conv2DTranspose"), snake_name("MaxPooling2D"), snake_name("ReLU")
    ('conv2d_transpose', 'max_pooling2d', 're_lu')
    """
    name = re.sub(r"\W+", "", class_name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()
    return name


def standardize_tuple(value: Any, n: int, name: str, allow_zero: bool = False) -> tuple:
    """keras/src/utils/argument_validation.py: standardize_tuple.

    >>> standardize_tuple(3, 2, "kernel_size")
    (3, 3)
    >>> standardize_tuple((3, 0), 2, "kernel_size")
    Traceback (most recent call last):
    ...
    conv_calc.errors.LayerValueError: The `kernel_size` argument must be a tuple of 2 integers. \
Received kernel_size=(3, 0), including values {0} that do not satisfy `value > 0`
    """
    error_msg = (f"The `{name}` argument must be a tuple of {n} integers. "
                 f"Received {name}={value}")
    hint = (f"{name} must be one integer or {n} integers, each "
            f"{'>= 0' if allow_zero else '> 0'}; got {value!r}.")
    if isinstance(value, int):
        value_tuple = (value,) * n
    else:
        try:
            value_tuple = tuple(value)
        except TypeError:
            raise KerasValueError(error_msg, hint=hint) from None
        if len(value_tuple) != n:
            raise KerasValueError(error_msg, hint=hint)
        for single_value in value_tuple:
            try:
                int(single_value)
            except (ValueError, TypeError):
                error_msg += (f"including element {single_value} of "
                              f"type {type(single_value)}")
                raise KerasValueError(error_msg, hint=hint) from None
    try:
        if allow_zero:
            unqualified = {v for v in value_tuple if v < 0}
            req = ">= 0"
        else:
            unqualified = {v for v in value_tuple if v <= 0}
            req = "> 0"
    except TypeError as exc:  # e.g. '<=' between str and int, as Keras itself fails
        raise wrap_builtin(exc, hint) from None
    if unqualified:
        error_msg += f", including values {unqualified} that do not satisfy `value {req}`"
        raise KerasValueError(error_msg, hint=hint)
    return value_tuple


def standardize_padding(value: Any, allow_causal: bool = False) -> Any:
    """keras/src/utils/argument_validation.py: standardize_padding (lower-cases the string).

    >>> standardize_padding("SAME")
    'same'
    """
    if isinstance(value, (list, tuple)):
        return value
    try:
        padding = value.lower()
    except AttributeError as exc:
        raise wrap_builtin(exc, f"padding must be a string such as 'valid' or 'same'; "
                                f"got {value!r}.") from None
    allowed = {"valid", "same", "causal"} if allow_causal else {"valid", "same"}
    if padding not in allowed:
        shown = PADDING_SET_CAUSAL if allow_causal else PADDING_SET
        raise KerasValueError(
            f"The `padding` argument must be a list/tuple or one of {shown}. Received: {padding}",
            hint=f"padding={value!r} is not one of {shown}"
                 + ("" if allow_causal else " ('causal' exists for Conv1D only)") + ".")
    return padding


def standardize_data_format(data_format: Any) -> str:
    """keras/src/backend/config.py: standardize_data_format (None -> "channels_last").

    conv-calc assumes Keras's default ``image_data_format()``, channels_last.
    """
    if data_format is None:
        return "channels_last"
    data_format = str(data_format).lower()
    if data_format not in {"channels_first", "channels_last"}:
        # keras/src/backend/config.py: standardize_data_format
        raise KerasValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={data_format}",
            hint="data_format is 'channels_last' (batch, *spatial, channels) or "
                 "'channels_first' (batch, channels, *spatial).")
    return data_format


def as_keras_shape(shape: Any) -> tuple:
    """A user's shape as a tuple of ints (>= 0) and None (unknown)."""
    if isinstance(shape, (str, bytes)) or not isinstance(shape, Iterable):
        raise KerasTypeError(f"input shape must be a list of sizes, got {shape!r}",
                             hint="give the shape as a list such as [None, 224, 224, 3].")
    dims = tuple(shape)
    for d in dims:
        if d is not None and (isinstance(d, bool) or not isinstance(d, int) or d < 0):
            raise KerasValueError(
                f"input shape {list(dims)}: {d!r} is not a size; use integers >= 0 or None",
                hint="every dimension is an integer >= 0, or None when unknown.")
    return dims


class _KerasMeta(LayerMeta):
    """conv_calc.nn's stage marking, with Keras's stages and TypeError."""

    stages = {"compute_output_shape": "compute_output_shape", "call_shape": "call"}
    type_error = KerasTypeError
    library = "keras.layers"


# keras/src/layers/layer.py: Layer.__init__ takes these (and pops input_shape/input_dim).
_BASE_KWARGS = ("activity_regularizer", "trainable", "dtype", "autocast", "name")


class KerasLayer(metaclass=_KerasMeta):
    """Base class of the specs in :mod:`conv_calc.keras.layers`."""

    #: (kind, value) pairs of Keras's InputSpec: ("ndim", 4), ("min_ndim", 3) or None.
    input_spec: tuple[str, int] | None = None
    #: the number of spatial axes, where that means something.
    rank: ClassVar[int] = 0
    #: The output-size formula the layer follows (:data:`conv_calc.geometry.FAMILIES`).
    family: ClassVar[str | None] = None
    #: ``rank`` for the geometry protocol (None where the layer has no spatial axes).
    spatial_dims: ClassVar[int | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.spatial_dims = cls.rank or None

    def _layer_init(self, kwargs: dict[str, Any]) -> None:
        """keras/src/layers/layer.py: Layer.__init__'s keyword handling."""
        kwargs = dict(kwargs)
        self.name = kwargs.pop("name", None) or snake_name(type(self).__name__)
        for key in _BASE_KWARGS:
            kwargs.pop(key, None)
        if kwargs.pop("input_dim", None) is None:
            kwargs.pop("input_shape", None)
        else:
            kwargs.pop("input_shape", None)
        if kwargs:
            # keras/src/layers/layer.py: Layer.__init__
            raise KerasValueError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}",
                hint=f"{', '.join(map(str, kwargs))} is not an argument of "
                     f"keras.layers.{type(self).__name__}.")

    # --- the two answers ------------------------------------------------------------------
    def compute_output_shape(self, input_shape: Any) -> tuple:
        """Keras's ``layer.compute_output_shape(input_shape)``."""
        raise NotImplementedError

    def output_shape(self, input_shape: Any) -> tuple:
        """Alias of :meth:`compute_output_shape`."""
        return self.compute_output_shape(input_shape)

    def call_shape(self, input_shape: Any) -> tuple:
        """The shape of ``layer(zeros(input_shape))`` on a fresh layer, or Keras's error.

        The input-spec check, then :meth:`_build`, then :meth:`_call`.
        """
        shape = as_keras_shape(input_shape)
        self._check_input_spec(shape)
        self._build(shape)
        return self._call(shape)

    def symbolic_output_shape(self, input_shape: Any) -> tuple:
        """The output shape in a functional model (Keras's ``compute_output_spec``), after
        the input spec and ``build``: ``compute_output_shape`` unless the layer has none,
        when Keras traces ``call`` (keras.applications' own layers)."""
        return tuple(self.compute_output_shape(input_shape))

    def _build(self, shape: tuple) -> None:
        """Keras's ``build`` checks (none by default)."""

    def _call(self, shape: tuple) -> tuple:
        """Keras's ``call`` on a known shape (by default the symbolic answer)."""
        return self.symbolic_output_shape(shape)

    def _check_input_spec(self, shape: tuple) -> None:
        """keras/src/layers/input_spec.py: assert_input_compatibility (ndim / min_ndim)."""
        if self.input_spec is None:
            return
        kind, value = self.input_spec
        ndim = len(shape)
        head = (f"Input 0 with name 'None' of layer '{self.name}' is incompatible with the "
                f"layer: ")
        hint = (f"{type(self).__name__} takes {'exactly' if kind == 'ndim' else 'at least'} "
                f"{value} dimensions (batch first), got {ndim}: {shape}.")
        if kind == "ndim" and ndim != value:
            raise KerasValueError(head + f"expected ndim={value}, found ndim={ndim}. "
                                  f"Full shape received: {shape}", hint=hint)
        if kind == "min_ndim" and ndim < value:
            raise KerasValueError(head + f"expected min_ndim={value}, found ndim={ndim}. "
                                  f"Full shape received: {shape}", hint=hint)

    # --- counts and geometry --------------------------------------------------------------
    def count_params(self, input_shape: Any) -> int:
        """Keras's ``count_params()`` once the layer is built on ``input_shape``."""
        return 0

    def macs(self, input_shape: Any) -> int:
        """Multiply-accumulates of one call on ``input_shape`` (0 for layers without weights)."""
        return 0

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """What the layer does to each dim of ``in_shape`` (:mod:`conv_calc.geometry`).

        This default is for layers that keep the shape (activations, batch norm,
        dropout): every axis unchanged. A layer that changes the shape must say
        how, or this raises.
        """
        in_shape = tuple(in_shape)
        out = self.symbolic_output_shape(in_shape) if out_shape is None else tuple(out_shape)
        if tuple(out) != in_shape:
            raise NotImplementedError(
                f"{type(self).__name__} turns {in_shape} into {tuple(out)} but does not say what "
                "it does to each axis: override axis_geometry")
        return unchanged(len(in_shape))

    def geometry(self, input_shape: Any) -> tuple | None:
        """Per spatial axis, the window (a :class:`conv_calc.geometry.Axis`): the spatial part
        of :meth:`axis_geometry`, None for an axis (or a layer) without a window."""
        if not self.rank:
            return None
        shape = as_keras_shape(input_shape)
        start = self._spatial_start()
        axes = self.axis_geometry(shape, None)[start:start + self.rank]
        windows = tuple(a if a.kind == "window" else None for a in axes)
        return windows if any(a is not None for a in windows) else None

    def _spatial_start(self) -> int:
        """Where the spatial axes start: after the batch, and the channels when channels_first."""
        return 2 if getattr(self, "data_format", "channels_last") == "channels_first" else 1

    def _on_spatial(self, shape: tuple, axes: Any) -> tuple[Axis, ...]:
        """``axes`` on the spatial dims of ``shape``, every other dim unchanged."""
        return placed(len(shape), self._spatial_start(), tuple(axes))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"
