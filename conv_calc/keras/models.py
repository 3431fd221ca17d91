"""Keras 3 structure layers: InputLayer, Identity and a nested Sequential.

- ``InputLayer`` (keras/src/layers/core/input_layer.py) starts a model: its output is its
  ``batch_shape`` (or ``(batch_size, *shape)``); it takes no input.
- ``Identity`` keeps the shape.
- ``Sequential`` as it appears inside a functional model (ConvNeXt's stem and downsampling
  blocks): built from its ``get_config()`` (``layers``: Keras's serialized layers, each
  ``{"class_name", "config", ...}``), it runs its layers in order, each as on a
  ``keras.Input`` (input spec, build, output shape); its weights are theirs.

These three exist for models read from files (``LAYERS[class_name](**config)``); a stack
file writes ``sequential:`` blocks and starts from ``input:`` instead.

>>> InputLayer(batch_shape=[None, 224, 224, 3]).compute_output_shape(None)
(None, 224, 224, 3)
>>> stem = Sequential(layers=[
...     {"class_name": "Conv2D", "config": {"filters": 96, "kernel_size": 4, "strides": 4}},
...     {"class_name": "LayerNormalization", "config": {"epsilon": 1e-6}}])
>>> stem.compute_output_shape((None, 224, 224, 3)), stem.count_params((None, 224, 224, 3))
((None, 56, 56, 96), 4896)
"""

from __future__ import annotations

from typing import Any

from conv_calc.keras.base import KerasLayer, as_keras_shape
from conv_calc.keras.errors import KerasTypeError, KerasValueError

__all__ = ["InputLayer", "Identity", "Sequential", "STRUCTURE_ONLY"]

#: Layers that make sense in a model file but not as a stack file's layer.
STRUCTURE_ONLY = ("InputLayer", "Sequential")


class InputLayer(KerasLayer):
    """keras.layers.InputLayer: a model's input, ``batch_shape`` (the batch may be None)."""

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, ragged=None,
                 batch_shape=None, input_tensor=None, optional=False, name=None, **kwargs):
        # InputLayer passes only `name` to Layer.__init__: other keywords are dropped,
        # after the two legacy spellings of the shape.
        self.name = name or "input_layer"
        if "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        hint = "give shape (without the batch) or batch_shape (with it), e.g. shape=[224, 224, 3]."
        if input_tensor is not None:
            raise KerasValueError(
                "Argument `input_tensor` must be a KerasTensor. Received invalid type: "
                f"input_tensor={input_tensor} (of type {type(input_tensor)})",
                hint="a file's InputLayer has no input_tensor; conv-calc has no tensors.")
        # keras/src/layers/core/input_layer.py: InputLayer.__init__
        if shape is not None and batch_shape is not None:
            raise KerasValueError("You cannot pass both `shape` and `batch_shape` at the same "
                                  "time.", hint=hint)
        if batch_size is not None and batch_shape is not None:
            raise KerasValueError("You cannot pass both `batch_size` and `batch_shape` at the "
                                  "same time.", hint=hint)
        if shape is None and batch_shape is None:
            raise KerasValueError("You must pass a `shape` argument.", hint=hint)
        if shape is not None:
            try:
                batch_shape = (batch_size,) + tuple(shape)
            except TypeError as exc:
                raise KerasTypeError(str(exc), hint=hint) from None
        self.batch_shape = as_keras_shape(batch_shape)

    def compute_output_shape(self, input_shape: Any = None) -> tuple:
        """``batch_shape``; an input, if given, must be that shape (an InputLayer takes none)."""
        if input_shape is not None and tuple(input_shape) != self.batch_shape:
            raise KerasValueError(
                f"InputLayer '{self.name}' gives {self.batch_shape}; it does not take an input "
                f"of shape {tuple(input_shape)}",
                hint="an InputLayer starts a model: give the input shape there, not a layer.")
        return self.batch_shape

    def __repr__(self) -> str:
        return f"InputLayer(batch_shape={self.batch_shape})"


class Identity(KerasLayer):
    """keras.layers.Identity: the input, unchanged."""

    def __init__(self, **kwargs):
        self._layer_init(kwargs)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return as_keras_shape(input_shape)

    def __repr__(self) -> str:
        return "Identity()"


def _spec(item: Any, position: int) -> KerasLayer:
    """One serialized layer of a Sequential's ``layers`` as a conv-calc spec."""
    from conv_calc.keras import LAYERS  # the registry is built after this module loads

    if not isinstance(item, dict) or "class_name" not in item:
        raise KerasValueError(f"Sequential layer {position}: expected a serialized layer "
                              f"(a dict with 'class_name' and 'config'), got {item!r}",
                              hint="Sequential(layers=...) takes model.get_config()['layers'].")
    cls = LAYERS.get(item["class_name"])
    if cls is None:
        raise KerasValueError(f"Sequential layer {position}: unknown layer class "
                              f"{item['class_name']!r}",
                              hint="conv-calc knows the classes in conv_calc.keras.LAYERS "
                                   "(`conv-calc layers --framework keras`).")
    return cls(**dict(item.get("config") or {}))


class Sequential(KerasLayer):
    """keras.Sequential nested in a model: its layers in order (an InputLayer first, if any)."""

    def __init__(self, layers=None, trainable=True, name=None, build_input_shape=None,
                 **kwargs):
        # keras.Sequential takes layers, trainable and name; its get_config() also writes
        # Layer's own keywords (dtype), taken here as every layer takes them.
        self._layer_init({"name": name, **kwargs})
        specs = [_spec(item, i) for i, item in enumerate(layers or [])]
        self.input_layer = next((s for s in specs if isinstance(s, InputLayer)), None)
        self.layers = [s for s in specs if not isinstance(s, InputLayer)]
        self.build_input_shape = build_input_shape

    def shapes(self, input_shape: Any) -> list[tuple]:
        """The input shape of every layer, then the output shape."""
        shape = as_keras_shape(input_shape)
        out = [shape]
        for layer in self.layers:
            layer._check_input_spec(shape)
            layer._build(shape)
            shape = tuple(layer.compute_output_shape(shape))
            out.append(shape)
        return out

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return self.shapes(input_shape)[-1]

    def count_params(self, input_shape: Any) -> int:
        shapes = self.shapes(input_shape)
        return sum(layer.count_params(s) for layer, s in zip(self.layers, shapes))

    def macs(self, input_shape: Any) -> int:
        shapes = self.shapes(input_shape)
        return sum(layer.macs(s) for layer, s in zip(self.layers, shapes))

    def __repr__(self) -> str:
        return f"Sequential({', '.join(map(repr, self.layers))})"
