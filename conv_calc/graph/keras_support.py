"""What the stack analysis needs to run a Keras 3 network: layers, merges, axes, receptive fields.

Used through :data:`conv_calc.graph.framework.KERAS`, the only module that imports this one.

A Keras stack (``framework: keras``) is analysed as Keras builds a functional
model from ``keras.Input(shape)``: each layer checks its input spec, builds,
then answers ``compute_output_shape`` (:func:`symbolic_shape`); the batch may be
unknown (None). Merges are Keras's ``Add`` / ``Multiply`` / ``Subtract`` / ``Concatenate`` (axis -1 by
default).
Spatial axes sit between the batch and the channels (channels_last) unless the
first layer that has a ``data_format`` asks for channels_first.

What a Keras layer does to each axis (for receptive fields) is the layer's own
answer, :meth:`~conv_calc.keras.base.KerasLayer.axis_geometry`, as for torch layers.

>>> from conv_calc.keras import layers
>>> symbolic_shape(layers.Conv2D(8, 3, strides=2, padding="same"), (None, 9, 9, 3))
(None, 5, 5, 8)
"""

from __future__ import annotations

from typing import Any, Sequence

from conv_calc.errors import LayerError, LayerValueError
from conv_calc.keras import LAYERS
from conv_calc.keras.base import KerasLayer
from conv_calc.keras.merging import merge_output_shape
from conv_calc.keras.models import STRUCTURE_ONLY

__all__ = ["LAYERS", "STACK_LAYERS", "KerasLayer", "symbolic_shape", "forward_stage", "params",
           "macs", "spatial_dims", "layer_rank", "merge_shape"]


#: The layers a stack file may name: a model's InputLayer and nested Sequential are written
#: as the stack's `input:` and `sequential:` blocks instead.
STACK_LAYERS = {name: cls for name, cls in LAYERS.items() if name not in STRUCTURE_ONLY}


def forward_stage(err: LayerError) -> LayerError:
    """Keras's stages ("compute_output_shape", "call") become the renderers' "forward"."""
    if err.stage not in (None, "init"):
        err.keras_stage = err.stage  # type: ignore[attr-defined]
        err.stage = "forward"
    return err


def symbolic_shape(layer: KerasLayer, shape: Sequence[Any]) -> tuple:
    """The layer called on ``keras.Input``-like symbolic input: input spec, build, output shape."""
    shape = tuple(shape)
    try:
        layer._check_input_spec(shape)
        layer._build(shape)
    except LayerError as err:
        if err.stage is None:
            err.stage = "call"
        raise forward_stage(err) from None
    try:
        out = layer.symbolic_output_shape(shape)
    except LayerError as err:
        raise forward_stage(err) from None
    if any(d is not None and d < 0 for d in out):
        # keras/src/backend/common/variables.py: standardize_shape, when the KerasTensor of
        # the output is made (wrapped by Keras in "Exception encountered when calling ...").
        err = LayerValueError(
            f"Cannot convert '{_keras_tuple(out)}' to a shape. Negative dimensions are not "
            "allowed.", hint=f"the output shape {list(out)} has a negative size: the layer "
                             "removes more than the input has (e.g. a negative padding)")
        err.stage = "call"
        raise forward_stage(err)
    return out


def _keras_tuple(shape: Sequence[Any]) -> str:
    """A shape as Python prints a tuple, None for the unknown batch: ``(None, -1, -2, 3)``."""
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def merge_shape(op: str, shapes: Sequence[Sequence[Any]], axis: int) -> tuple:
    """``keras.layers.Add()``, ``Multiply()``, ``Subtract()`` ("add", "mul", "sub") or
    ``Concatenate(axis)`` ("cat") on symbolic inputs, errors at stage forward."""
    try:
        return merge_output_shape(op, shapes, axis)
    except LayerError as err:
        err.stage = "forward"
        raise


def params(layer: KerasLayer, shape: Sequence[Any]) -> int:
    return layer.count_params(tuple(shape))


def macs(layer: KerasLayer, shape: Sequence[Any]) -> int:
    return layer.macs(tuple(shape))


def spatial_dims(layer_cls: type | None, kwargs: dict, rank: int) -> tuple[int, ...]:
    """Negative dims of the ``rank`` spatial axes: before the channels unless channels_first."""
    first = str(kwargs.get("data_format", "")).lower() == "channels_first"
    if first:
        return tuple(range(-rank, 0))
    return tuple(range(-rank - 1, -1))


def layer_rank(cls: type) -> int:
    """The number of spatial axes a Keras layer class works on (Conv2D -> 2), 0 if none."""
    return getattr(cls, "rank", 0) or 0
