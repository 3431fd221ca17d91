"""What each conv_calc.nn layer does to the spatial axes: one AxisMap per axis.

:func:`layer_axis_maps` reads a layer's torch attributes (after its
``output_shape`` succeeded, so they are valid) and returns, per tracked axis,
an :class:`~conv_calc.receptive.core.AxisMap` (``None``: the axis is unchanged),
plus where the axes sit in the output tensor (negative dims; ``None`` once an
axis has been flattened away).

>>> from conv_calc import nn
>>> maps, dims = layer_axis_maps(nn.Conv2d(3, 8, (3, 5), stride=(1, 2), padding=(1, 2)),
...                              (1, 3, 9, 9), (1, 8, 9, 5), (-2, -1))
>>> [m.taps for m in maps], dims
([((range(-1, 2),),), ((range(-2, 3),),)], (-2, -1))
"""

from __future__ import annotations

import functools
import math
import re
import struct
from typing import Any, Sequence

from conv_calc.receptive.core import AxisMap

__all__ = ["layer_axis_maps", "layer_dimensionality", "crop_map", "interpolate_taps"]

_ND = re.compile(r"([123])d$")


def layer_dimensionality(cls: type) -> int | None:
    """The number of spatial dims a layer class works on (Conv2d -> 2), from its torch name."""
    m = _ND.search(cls.__name__)
    return int(m.group(1)) if m else None


def _mro(layer: Any) -> frozenset[str]:
    return _class_names(type(layer))


@functools.lru_cache(maxsize=None)
def _class_names(cls: type) -> frozenset[str]:
    return frozenset(c.__name__ for c in cls.__mro__)


def _per_axis(value: Any, n: int) -> tuple:
    if isinstance(value, (tuple, list)):
        value = tuple(value)
        return value * n if len(value) == 1 else value
    return (value,) * n


def _f32(x: float) -> float:
    return struct.unpack("f", struct.pack("f", x))[0]


def interpolate_taps(mode: str, n_in: int, n_out: int, scale: float | None,
                     align_corners: bool | None) -> list[tuple[int, ...]]:
    """The input indices with nonzero weight for each output index, as ATen's
    UpSample.h computes them (nearest in float32, the others in double).

    >>> interpolate_taps("nearest", 2, 6, None, None)
    [(0,), (0,), (0,), (1,), (1,), (1,)]
    >>> interpolate_taps("linear", 2, 4, None, False)
    [(0,), (0, 1), (0, 1), (1,)]
    """
    out: list[tuple[int, ...]] = []
    if mode in ("nearest", "nearest-exact"):
        s32 = _f32(1.0 / scale) if scale and scale > 0 else _f32(_f32(n_in) / n_out)
        for o in range(n_out):
            if mode == "nearest":
                if n_out == n_in:
                    src = o
                elif n_out == 2 * n_in:
                    src = o >> 1
                else:
                    src = min(math.floor(_f32(_f32(o) * s32)), n_in - 1)
            else:
                src = min(math.floor(_f32((o + 0.5) * s32)), n_in - 1)
            out.append((src,))
        return out
    cubic = mode == "bicubic"
    if align_corners:
        ratio = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    else:
        ratio = 1.0 / scale if scale and scale > 0 else n_in / n_out
    for o in range(n_out):
        if n_out == n_in and not cubic:
            out.append((o,))
            continue
        real = ratio * o if align_corners else ratio * (o + 0.5) - 0.5
        if cubic:
            i = math.floor(real)
            t = real - i
            idx = [i] if t == 0 else [i - 1, i, i + 1, i + 2]
            out.append(tuple(sorted({min(max(j, 0), n_in - 1) for j in idx})))
            continue
        real = max(real, 0.0)
        i0 = min(math.floor(real), n_in - 1)
        lam1 = min(max(real - i0, 0.0), 1.0)
        i1 = i0 + (1 if i0 < n_in - 1 else 0)
        taps = set()
        if 1.0 - lam1 != 0:
            taps.add(i0)
        if lam1 != 0:
            taps.add(i1)
        out.append(tuple(sorted(taps)))
    return out


def crop_map(saved_len: int, target_len: int) -> tuple[AxisMap, int]:
    """Centre crop ``x[..., top:top + h]`` with ``top = (H - h) // 2``, sliced as Python/torch slice."""
    top = (saved_len - target_len) // 2
    start, stop, _ = slice(top, top + target_len).indices(saved_len)
    return AxisMap.shift(start), max(0, stop - start)


def layer_axis_maps(layer: Any, in_shape: Sequence[int], out_shape: Sequence[int],
                    dims: Sequence[int | None]) -> tuple[list[AxisMap | None], tuple[int | None, ...]]:
    """Per tracked axis (given by its negative dim in ``in_shape``): the layer's AxisMap and the new dims."""
    names = _mro(layer)  # Keras 3 layers: conv_calc.graph.keras_support.axis_maps
    in_shape, out_shape = tuple(in_shape), tuple(out_shape)
    maps: list[AxisMap | None] = [None] * len(dims)
    new_dims = tuple(dims)

    def spatial(nd: int):
        """Yield (axis, j) for tracked axes among the last nd dims (j = 0 .. nd-1)."""
        for a, d in enumerate(dims):
            if d is not None and -nd <= d <= -1 and len(in_shape) >= -d:
                yield a, nd + d

    if "_ConvTransposeNd" in names:
        nd = len(layer.kernel_size)
        for a, j in spatial(nd):
            maps[a] = AxisMap.transposed(layer.kernel_size[j], layer.stride[j], layer.padding[j],
                                         layer.dilation[j])
    elif "_ConvNd" in names:
        nd = len(layer.kernel_size)
        if isinstance(layer.padding, str):
            pads = layer._reversed_padding_repeated_twice
            left = [pads[2 * (nd - 1 - j)] for j in range(nd)]
        else:
            left = list(layer.padding)
        for a, j in spatial(nd):
            maps[a] = AxisMap.conv(layer.kernel_size[j], layer.stride[j], left[j], layer.dilation[j])
    elif names & {"_MaxPoolNd", "_AvgPoolNd", "_LPPoolNd"}:
        nd = layer._nd
        k = _per_axis(layer.kernel_size, nd)
        s = _per_axis(layer.stride if layer.stride is not None else layer.kernel_size, nd)
        p = _per_axis(getattr(layer, "padding", 0), nd)
        d = _per_axis(getattr(layer, "dilation", 1), nd)
        for a, j in spatial(nd):
            maps[a] = AxisMap.conv(k[j], s[j], p[j], d[j])
    elif "_AdaptiveBase" in names:
        for a, d in enumerate(dims):
            if d is not None:
                maps[a] = AxisMap.bins(in_shape[d], out_shape[d])
    elif "_PadNd" in names:
        pad = tuple(layer.padding)  # (left, right, top, bottom, front, back): last dim first
        for a, d in enumerate(dims):
            if d is not None and 2 * (-d) <= len(pad):
                maps[a] = AxisMap.shift(-pad[2 * (-d - 1)])
    elif "Upsample" in names:
        nd = len(in_shape) - 2
        sf = layer.scale_factor
        use_scale = sf is not None and not layer.recompute_scale_factor
        scales = _per_axis(sf, nd) if use_scale else (None,) * nd
        for a, j in spatial(nd):
            n_in, n_out = in_shape[j - nd], out_shape[j - nd]
            mode = layer.mode
            if mode == "area":
                maps[a] = AxisMap.bins(n_in, n_out)
            elif mode in ("nearest", "nearest-exact") and n_in and n_out % n_in == 0 and \
                    interpolate_taps(mode, n_in, n_out, scales[j], None) == \
                    [(o // (n_out // n_in),) for o in range(n_out)]:
                maps[a] = AxisMap.nearest(n_out // n_in)
            else:
                maps[a] = AxisMap.table(n_in, interpolate_taps(mode, n_in, n_out, scales[j],
                                                               layer.align_corners))
    elif "Linear" in names:
        for a, d in enumerate(dims):
            if d == -1:
                maps[a] = AxisMap.whole()
    elif "Flatten" in names:
        n = len(in_shape)
        start = layer.start_dim % n if n else 0
        end = layer.end_dim % n if n else 0
        lst = []
        for a, d in enumerate(dims):
            pos = None if d is None else n + d
            if pos is not None and start <= pos <= end and end > start:
                maps[a] = AxisMap.whole()
                lst.append(None)
            elif pos is not None and pos < start:
                lst.append(d + (end - start) if end > start else d)
            else:
                lst.append(d)
        new_dims = tuple(lst)
    elif "Unflatten" in names:
        n = len(in_shape)
        grow = len(out_shape) - n
        dim = layer.dim % n if n and isinstance(layer.dim, int) else None
        lst = []
        for a, d in enumerate(dims):
            pos = None if d is None else n + d
            if pos is not None and pos == dim and grow:
                maps[a] = AxisMap.whole()
                lst.append(None)
            elif pos is not None and dim is not None and pos < dim:
                lst.append(d - grow)
            else:
                lst.append(d)
        new_dims = tuple(lst)
    elif "Softmax" in names or "Softmin" in names:
        dim = getattr(layer, "dim", None)
        if dim is not None and in_shape:
            pos = dim % len(in_shape)
            for a, d in enumerate(dims):
                if d is not None and len(in_shape) + d == pos:
                    maps[a] = AxisMap.whole()
    elif len(in_shape) != len(out_shape) or any(
            d is not None and in_shape[d] != out_shape[d] for d in dims):
        # An unknown layer that changes a tracked axis: assume it mixes it.
        for a, d in enumerate(dims):
            if d is not None:
                maps[a] = AxisMap.whole()
    return maps, new_dims
