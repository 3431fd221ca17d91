"""What a layer does to the tracked spatial axes, as receptive-field maps: one AxisMap per axis.

:func:`layer_axis_maps` asks the layer for its geometry
(:meth:`axis_geometry <conv_calc.geometry.HasGeometry.axis_geometry>`, after its
output shape succeeded) and turns each tracked axis' :class:`~conv_calc.geometry.Axis`
into an :class:`~conv_calc.receptive.AxisMap` (``None``: the axis is
unchanged); it also says where the axes sit in the output tensor (negative
dims; ``None`` once an axis has been flattened away). Torch and Keras layers
answer the same protocol, so nothing here depends on a layer's class.

>>> from conv_calc import nn
>>> maps, dims = layer_axis_maps(nn.Conv2d(3, 8, (3, 5), stride=(1, 2), padding=(1, 2)),
...                              (1, 3, 9, 9), (1, 8, 9, 5), (-2, -1))
>>> [m.taps for m in maps], dims
([((range(-1, 2),),), ((range(-2, 3),),)], (-2, -1))
"""

from __future__ import annotations

import math
from fractions import Fraction
import struct
from typing import Any, Sequence

from conv_calc.geometry import Axis
from conv_calc.receptive.maps import AxisMap, check_period

__all__ = ["layer_axis_maps", "layer_dimensionality", "axis_map", "crop_map", "interpolate_taps"]


def layer_dimensionality(cls: type) -> int | None:
    """The number of spatial dims a layer class works on (Conv2d -> 2; None: any)."""
    return getattr(cls, "spatial_dims", None)


def _f32(x: float) -> float:
    return struct.unpack("f", struct.pack("f", x))[0]


def _cubic_coefficients(t: float) -> tuple[float, float, float, float]:
    """ATen's get_cubic_upsample_coefficients (UpSample.h, A = -0.75), in double."""
    a = -0.75

    def near(x: float) -> float:  # cubic_convolution1, |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x: float) -> float:  # cubic_convolution2, 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return far(t + 1.0), near(t), near(1.0 - t), far(1.0 - t + 1.0)


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
        if align_corners:
            real = ratio * o
        elif cubic:
            real = ratio * (o + 0.5) - 0.5
        else:
            # The linear kernel's source index is compiled as one fused multiply-add (a
            # single rounding: 0.2 * 2.5 - 0.5 is 2.8e-17 there, not 0), and its floor is
            # taken in float32 (guard_index_and_lambda's floorf): both decide whether a
            # weight is exactly zero, found against torch's Jacobian.
            real = float(Fraction(ratio) * (2 * o + 1) / 2 - Fraction(1, 2))
        if cubic:  # guard_index_and_lambda too: a float32 floor, then t clamped to [0, 1]
            i = min(math.floor(_f32(real)), n_in - 1)
            t = min(max(real - i, 0.0), 1.0)
            # A tap counts when its coefficient, computed as ATen's
            # get_cubic_upsample_coefficients computes it, is not exactly zero.
            weights = _cubic_coefficients(t)
            out.append(tuple(sorted({min(max(i - 1 + j, 0), n_in - 1)
                                     for j, w in enumerate(weights) if w != 0})))
            continue
        real = max(real, 0.0)
        i0 = min(math.floor(_f32(real)), n_in - 1)
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


def axis_map(axis: Axis) -> AxisMap | None:
    """The receptive-field map of one :class:`~conv_calc.geometry.Axis` (None: unchanged).

    >>> from conv_calc.geometry import Axis, bins
    >>> axis_map(Axis(3, stride=2, pad_left=1)).taps, axis_map(bins(4, 2)).taps
    (((range(-1, 2),),), ((range(0, 2),),))
    """
    kind = axis.kind
    if kind == "pointwise":
        return None
    _check_period(axis)
    if kind == "whole" or (kind == "window" and axis.pad_left is None):  # pads not known yet
        return AxisMap.whole()
    if kind == "bins":
        return AxisMap.bins(*axis.sizes)
    if kind == "resample":
        n_in, n_out = axis.sizes
        mode = axis.mode
        if mode in ("nearest", "nearest-exact") and n_in and n_out % n_in == 0 and \
                interpolate_taps(mode, n_in, n_out, axis.scale, None) == \
                [(o // (n_out // n_in),) for o in range(n_out)]:
            return AxisMap.nearest(n_out // n_in)
        return AxisMap.table(n_in, interpolate_taps(mode, n_in, n_out, axis.scale,
                                                    axis.align_corners))
    if axis.transposed:
        if axis.kernel == axis.stride and axis.pad_left == 0 and axis.dilation == 1:
            return AxisMap.nearest(axis.stride)  # the same map: each input feeds `stride` outputs
        return AxisMap.transposed(axis.kernel, axis.stride, axis.pad_left, axis.dilation)
    return AxisMap.conv(axis.kernel, axis.stride, axis.pad_left, axis.dilation)


def _check_period(axis: Axis) -> None:
    """The map's period (one table entry per position of it) within MAX_PERIOD, checked
    before the table is built."""
    kind = axis.kind
    if kind == "bins" and axis.sizes[1] > 0:
        n_in, n_out = axis.sizes
        check_period(n_out // (math.gcd(n_in, n_out) or 1), f"adaptive pooling {n_in} -> {n_out}")
    elif kind == "resample" and axis.sizes[0] > 0:
        n_in, n_out = axis.sizes
        check_period(n_out // (math.gcd(n_in, n_out) or 1), f"resampling {n_in} -> {n_out}")
    elif axis.transposed:
        check_period(axis.stride, f"transposed stride {axis.stride}")


def layer_axis_maps(layer: Any, in_shape: Sequence[Any], out_shape: Sequence[Any],
                    dims: Sequence[int | None]) -> tuple[list[AxisMap | None], tuple[int | None, ...]]:
    """Per tracked axis (given by its negative dim in ``in_shape``): the layer's AxisMap and the new dims."""
    axes = layer.axis_geometry(in_shape, out_shape)
    maps: list[AxisMap | None] = []
    new_dims: list[int | None] = []
    for d in dims:
        if d is None or len(axes) < -d:
            maps.append(None)
            new_dims.append(d)
            continue
        axis = axes[d]
        maps.append(axis_map(axis))
        new_dims.append(None if axis.dim_shift is None else d + axis.dim_shift)
    return maps, tuple(new_dims)
