"""What the stack analysis needs to run a Keras 3 network: layers, merges, axes, receptive fields.

Used through :data:`conv_calc.graph.framework.KERAS`, the only module that imports this one.

A Keras stack (``framework: keras``) is analysed as Keras builds a functional
model from ``keras.Input(shape)``: each layer checks its input spec, builds,
then answers ``compute_output_shape`` (:func:`symbolic_shape`); the batch may be
unknown (None). Merges are Keras's ``Add`` / ``Concatenate`` (axis -1 by default).
Spatial axes sit between the batch and the channels (channels_last) unless the
first layer that has a ``data_format`` asks for channels_first.

>>> from conv_calc.keras import layers
>>> symbolic_shape(layers.Conv2D(8, 3, strides=2, padding="same"), (None, 9, 9, 3))
(None, 5, 5, 8)
>>> maps, dims = axis_maps(layers.Conv2D(8, 3, strides=2, padding="same"),
...                        (None, 9, 9, 3), (None, 5, 5, 8), (-3, -2))
>>> [m.taps for m in maps], dims
([((range(-1, 2),),), ((range(-1, 2),),)], (-3, -2))
"""

from __future__ import annotations

from typing import Any, Sequence

from conv_calc.errors import LayerError
from conv_calc.keras import LAYERS
from conv_calc.keras.base import KerasLayer
from conv_calc.keras.core import add_output_shape, concatenate_output_shape
from conv_calc.receptive.core import AxisMap
from conv_calc.receptive.layers import interpolate_taps

__all__ = ["LAYERS", "KerasLayer", "symbolic_shape", "forward_stage", "params", "macs",
           "axis_maps", "spatial_dims", "layer_rank", "merge_shape"]


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
        return tuple(layer.compute_output_shape(shape))
    except LayerError as err:
        raise forward_stage(err) from None


def merge_shape(op: str, shapes: Sequence[Sequence[Any]], axis: int) -> tuple:
    """``keras.layers.Add()`` or ``Concatenate(axis)`` on symbolic inputs, errors at stage forward."""
    try:
        if op == "add":
            return add_output_shape(shapes)
        return concatenate_output_shape(shapes, axis)
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


def _channels_first(layer: KerasLayer) -> bool:
    return getattr(layer, "data_format", "channels_last") == "channels_first"


def axis_maps(layer: KerasLayer, in_shape: Sequence[Any], out_shape: Sequence[Any],
              dims: Sequence[int | None]) -> tuple[list[AxisMap | None], tuple[int | None, ...]]:
    """Per tracked axis (a negative dim of ``in_shape``): the layer's AxisMap, and the new dims."""
    in_shape, out_shape = tuple(in_shape), tuple(out_shape)
    name = type(layer).__name__
    n = len(in_shape)
    maps: list[AxisMap | None] = [None] * len(dims)
    new_dims = tuple(dims)
    rank = getattr(layer, "rank", 0)
    off = 2 if _channels_first(layer) else 1

    def spatial():
        """(tracked axis a, the layer's spatial index j) for tracked axes the layer sees."""
        for a, d in enumerate(dims):
            if d is None or n < -d:
                continue
            j = n + d - off
            if 0 <= j < rank:
                yield a, j

    if name.startswith("Global"):
        keep = getattr(layer, "keepdims", False)
        lst = list(dims)
        for a, _ in spatial():
            maps[a] = AxisMap.whole()
            if not keep:
                lst[a] = None
        return maps, tuple(lst)
    if name in ("Flatten", "Reshape"):
        for a, d in enumerate(dims):
            if d is not None:
                maps[a] = AxisMap.whole()
        return maps, tuple(None for _ in dims)
    if name == "Dense":
        for a, d in enumerate(dims):
            if d == -1:
                maps[a] = AxisMap.whole()
        return maps, new_dims
    if name.startswith("UpSampling"):
        mode = getattr(layer, "interpolation", "nearest")
        for a, j in spatial():
            f = layer.size[j]
            if mode == "nearest":
                maps[a] = AxisMap.nearest(f)
            else:
                n_in = in_shape[off + j]
                taps = interpolate_taps("linear" if mode == "bilinear" else "bicubic",
                                        n_in, n_in * f, None, False)
                maps[a] = AxisMap.table(n_in, taps)
        return maps, new_dims
    geometry = layer.geometry(in_shape) if rank else None
    if geometry:
        for a, j in spatial():
            g = geometry[j]
            if g is None or g.pad_left is None:
                maps[a] = AxisMap.whole()
            elif g.transposed:
                maps[a] = AxisMap.transposed(g.kernel, g.stride, g.pad_left, g.dilation)
            elif g.kernel == 1 and g.stride == 1:
                maps[a] = AxisMap.shift(-g.pad_left)
            else:
                maps[a] = AxisMap.conv(g.kernel, g.stride, g.pad_left, g.dilation)
    return maps, new_dims
