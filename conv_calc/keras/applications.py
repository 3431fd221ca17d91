"""The layers keras.applications defines for its own models.

- ``LayerScale(init_values, projection_dim)`` (keras/src/applications/convnext.py):
  ``x * gamma``, one learnable ``gamma`` of ``projection_dim`` weights, built whatever the
  input; the product broadcasts like numpy, so the last axis must be ``projection_dim`` or 1.
- ``StochasticDepth(drop_path_rate)`` (convnext.py, ``drop_path_rate > 0`` only): drops
  the whole residual in training, shape unchanged, no weights.
- ``CustomScaleLayer(scale)`` (inception_resnet_v2.py): ``inputs[0] + inputs[1] * scale``
  on a list of two tensors, shapes broadcast, no weights.

None of them defines ``compute_output_shape`` (calling it raises Keras's
NotImplementedError); in a model Keras traces ``call`` instead, which is
:meth:`~conv_calc.keras.base.KerasLayer.symbolic_output_shape` here.

>>> LayerScale(1e-6, 96).count_params((None, 56, 56, 96))
96
>>> CustomScaleLayer(0.17).symbolic_output_shape([(None, 35, 35, 320), (None, 35, 35, 320)])
(None, 35, 35, 320)
"""

from __future__ import annotations

from typing import Any

from conv_calc.geometry import MERGED, POINTWISE, Axis, bins, unchanged
from conv_calc.keras.base import KerasLayer, as_keras_shape, wrap_builtin
from conv_calc.keras.errors import WRAP_PREFIX

__all__ = ["LayerScale", "StochasticDepth", "CustomScaleLayer"]


def _call_error(cls: str, exc: type, hint: str) -> Exception:
    """What Keras raises when ``call`` fails inside the backend: its class, the first line."""
    return wrap_builtin(exc(f"{WRAP_PREFIX} {cls}.call()."), hint)


def _broadcast(a: tuple, b: tuple, cls: str) -> tuple:
    """The shape of ``a op b`` as Keras's torch backend traces ``call``.

    Torch broadcasts like numpy; an unknown dim (None) is traced as 83, then 89: two
    unknown dims stay unknown, an unknown dim against 1 stays unknown, and against a
    known size > 1 torch refuses (RuntimeError, inside Keras's call wrapper).
    """
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    out = []
    for i, (x, y) in enumerate(zip(a, b)):
        if x == y or y == 1:
            out.append(x)
        elif x == 1:
            out.append(y)
        else:
            raise _call_error(cls, RuntimeError,
                              f"{cls} combines shapes {a} and {b}, which do not broadcast at dim "
                              f"{i} ({x} vs {y}; an unknown size only broadcasts with 1 or "
                              f"another unknown size).")
    return tuple(out)


def _no_compute_output_shape(layer: KerasLayer) -> Exception:
    """keras/src/layers/layer.py: Layer.compute_output_shape when a layer defines none."""
    name = type(layer).__name__
    return wrap_builtin(NotImplementedError(
        f"Layer {name} does not have a `compute_output_shape` method implemented. Should "
        "implement `def compute_output_shape(self, input_shape)`."),
        hint=f"{name} defines no compute_output_shape; a functional model traces its call "
             "instead (conv-calc's symbolic_output_shape).")


class LayerScale(KerasLayer):
    """ConvNeXt's LayerScale: ``x * gamma`` with ``gamma`` of shape ``(projection_dim,)``."""

    def __init__(self, init_values, projection_dim, **kwargs):
        self._layer_init(kwargs)
        self.init_values, self.projection_dim = init_values, projection_dim

    def compute_output_shape(self, input_shape: Any) -> tuple:
        raise _no_compute_output_shape(self)

    def symbolic_output_shape(self, input_shape: Any) -> tuple:
        """``x * gamma``: the input broadcast with ``(projection_dim,)``."""
        return _broadcast(as_keras_shape(input_shape), (self.projection_dim,), "LayerScale")

    def count_params(self, input_shape: Any) -> int:
        return self.projection_dim

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """Unchanged, but a size-1 axis broadcast to ``projection_dim``: every output reads
        its position 0 (one bin from 1 to n)."""
        shape = as_keras_shape(in_shape)
        out = self.symbolic_output_shape(shape) if out_shape is None else tuple(out_shape)
        if len(out) != len(shape):
            raise NotImplementedError(f"LayerScale adds axes to {shape}: no per-axis geometry")
        return tuple(bins(1, o) if i == 1 and o not in (1, None) else POINTWISE
                     for i, o in zip(shape, out))

    def __repr__(self) -> str:
        return f"LayerScale({self.init_values!r}, {self.projection_dim})"


class StochasticDepth(KerasLayer):
    """ConvNeXt's StochasticDepth: the residual kept or dropped whole, shape unchanged."""

    def __init__(self, drop_path_rate, **kwargs):
        self._layer_init(kwargs)
        self.drop_path_rate = drop_path_rate

    def compute_output_shape(self, input_shape: Any) -> tuple:
        raise _no_compute_output_shape(self)

    def symbolic_output_shape(self, input_shape: Any) -> tuple:
        return as_keras_shape(input_shape)

    def __repr__(self) -> str:
        return f"StochasticDepth({self.drop_path_rate!r})"


class CustomScaleLayer(KerasLayer):
    """InceptionResNetV2's CustomScaleLayer: ``inputs[0] + inputs[1] * scale`` (two inputs)."""

    def __init__(self, scale, **kwargs):
        self._layer_init(kwargs)
        self.scale = scale

    def compute_output_shape(self, input_shape: Any) -> tuple:
        raise _no_compute_output_shape(self)

    def symbolic_output_shape(self, input_shape: Any) -> tuple:
        """``inputs[0] + inputs[1] * scale``: Keras indexes its input, whatever it is."""
        hint = ("CustomScaleLayer adds inputs[1] * scale to inputs[0]: give it "
                "[shortcut, residual].")
        if isinstance(input_shape, (list, tuple)) and input_shape and \
                isinstance(input_shape[0], (list, tuple)):
            if len(input_shape) < 2:  # inputs[1] of a one-element list
                raise _call_error("CustomScaleLayer", IndexError, hint)
            a, b = (as_keras_shape(s) for s in input_shape[:2])
        else:
            shape = as_keras_shape(input_shape)
            # one tensor: inputs[0] and inputs[1] are its first two rows along the batch
            if not shape or (shape[0] is not None and shape[0] < 2):
                raise _call_error("CustomScaleLayer", IndexError, hint)
            a = b = shape[1:]
        return _broadcast(a, b, "CustomScaleLayer")

    def call_shape(self, input_shape: Any) -> tuple:
        return self.symbolic_output_shape(input_shape)

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """On a list, each input keeps its axes (a merge); on one tensor, Keras's ``inputs[0]``
        takes the batch axis away."""
        shapes = list(in_shape)
        if shapes and isinstance(shapes[0], (list, tuple)):
            return unchanged(len(shapes[0]))
        return (MERGED,) + (POINTWISE,) * (len(shapes) - 1) if shapes else ()

    def __repr__(self) -> str:
        return f"CustomScaleLayer({self.scale!r})"
