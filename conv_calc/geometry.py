"""What a layer does to each axis of its input: one value per axis, answered by the layer.

Every layer spec, torch (:mod:`conv_calc.nn`) and Keras (:mod:`conv_calc.keras`),
answers the same small protocol (:class:`HasGeometry`):

- ``layer.axis_geometry(in_shape, out_shape=None)``: one :class:`Axis` per
  dimension of ``in_shape`` (batch and channels included), for a call that
  succeeded (``out_shape`` is what the layer returned; a layer that needs it and
  is not given it computes it);
- the class attributes ``family`` (which output-size formula the layer follows,
  one of :data:`FAMILIES`, or None) and ``spatial_dims`` (the number of spatial
  axes the class is written for, ``Conv2d`` -> 2; None: any number).

The base classes answer "pointwise" for a layer that keeps the shape and raise
:class:`NotImplementedError` for one that changes it without saying how, so a
new layer cannot silently be given a wrong receptive field.

An :class:`Axis` is one of five kinds:

- ``"window"``: output ``o`` reads input ``o*stride - pad_left + t*dilation``,
  ``t = 0 .. kernel-1`` (conv, pool; ``ceil_mode`` for a pool that counts a last
  partial window; a padding or crop layer is a window of kernel 1 and stride 1,
  with negative pads for a crop). With ``transposed``, output ``o`` reads input
  ``i`` where ``o = i*stride - pad_left + t*dilation`` (transposed conv; nearest
  upsampling by ``f`` is kernel ``f``, stride ``f``): ``pad_left`` / ``pad_right``
  are cropped from the full ``(n - 1)*stride + dilation*(kernel - 1) + 1`` and
  ``output_padding`` is added on the right. The pads are None when unknown
  (Keras 'same' before the size is).
- ``"bins"``: adaptive pooling of ``sizes = (n_in, n_out)``.
- ``"resample"``: torch's interpolation (``mode``, ``scale``, ``align_corners``)
  of ``sizes = (n_in, n_out)``.
- ``"whole"``: every output mixes the whole axis (Linear on it, Flatten over it).
- ``"pointwise"``: the axis is unchanged.

``dim_shift`` says where the axis goes: its negative dim in the output is its
negative dim in the input plus ``dim_shift``; None when it is merged into another
axis or reduced away (Flatten, global pooling without keepdims).

>>> from conv_calc import nn
>>> conv = nn.Conv2d(3, 8, kernel_size=3, stride=2, padding="valid")
>>> batch, channels, h, w = conv.axis_geometry((1, 3, 9, 9))
>>> h
Axis(kernel=3, stride=2, dilation=1, pad_left=0, pad_right=0, transposed=False)
>>> channels.kind, nn.Conv2d.family, nn.Conv2d.spatial_dims
('pointwise', 'conv', 2)
>>> [a.kind for a in nn.Flatten().axis_geometry((1, 8, 4, 4))]
['pointwise', 'whole', 'whole', 'whole']
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any, ClassVar, Protocol, Sequence

__all__ = ["Axis", "HasGeometry", "KINDS", "FAMILIES", "POINTWISE", "WHOLE", "MERGED",
           "unchanged", "placed", "windows", "shift", "bins", "resample"]

#: The kinds of :class:`Axis`.
KINDS = ("window", "bins", "resample", "whole", "pointwise")

#: The output-size formula families a layer class may declare as ``family``.
FAMILIES = ("conv", "transposed", "maxpool", "avgpool", "lppool", "adaptive", "upsample",
            "pad", "crop")


@dataclass(frozen=True, slots=True)
class Axis:
    """What one layer does to one axis of its input (see the module docstring).

    The first six fields are a window's, in the order Keras specs have always
    printed them; the rest keep their defaults for a plain window.

    >>> Axis(3, stride=2, pad_left=1, pad_right=1)
    Axis(kernel=3, stride=2, dilation=1, pad_left=1, pad_right=1, transposed=False)
    >>> shift(-2, 1)
    Axis(kernel=1, stride=1, dilation=1, pad_left=-2, pad_right=1, transposed=False)
    >>> WHOLE, bins(7, 2)
    (Axis(kind='whole'), Axis(kind='bins', sizes=(7, 2)))
    """

    kernel: int = 1
    stride: int = 1
    dilation: int = 1
    pad_left: int | None = 0
    pad_right: int | None = 0
    transposed: bool = False
    output_padding: int = 0
    ceil_mode: bool = False
    kind: str = "window"
    sizes: tuple[int, int] | None = None
    mode: str | None = None
    scale: float | None = None
    align_corners: bool | None = None
    dim_shift: int | None = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Axis kind must be one of {KINDS}, got {self.kind!r}")

    def __repr__(self) -> str:
        # A window shows its six window fields, another kind only what differs from the defaults.
        shown = _WINDOW if self.kind == "window" else ()
        parts = [f"{f}={getattr(self, f)!r}" for f in shown]
        parts += [f"{f.name}={getattr(self, f.name)!r}" for f in fields(self)
                  if f.name not in shown and getattr(self, f.name) != f.default]
        return f"Axis({', '.join(parts)})"


_WINDOW = ("kernel", "stride", "dilation", "pad_left", "pad_right", "transposed")

#: The axis is unchanged.
POINTWISE = Axis(kind="pointwise")
#: Every output mixes the whole axis, which stays where it is.
WHOLE = Axis(kind="whole")
#: The axis is mixed into another one or reduced away: it is no longer an axis of its own.
MERGED = Axis(kind="whole", dim_shift=None)


def unchanged(rank: int) -> tuple[Axis, ...]:
    """``rank`` pointwise axes: what a layer that keeps every axis answers."""
    return (POINTWISE,) * rank


def placed(rank: int, start: int, axes: Sequence[Axis]) -> tuple[Axis, ...]:
    """``rank`` axes, all pointwise but ``axes``, placed from position ``start`` (negative: from
    the end).

    >>> [a.kind for a in placed(4, -2, (WHOLE, WHOLE))], [a.kind for a in placed(3, 1, (WHOLE,))]
    (['pointwise', 'pointwise', 'whole', 'whole'], ['pointwise', 'whole', 'pointwise'])
    """
    out = [POINTWISE] * rank
    first = start + rank if start < 0 else start
    for i, axis in enumerate(axes):
        if 0 <= first + i < rank:
            out[first + i] = axis
    return tuple(out)


@lru_cache(maxsize=4096)  # a network asks for the same few windows again and again
def windows(rank: int, start: int, kernel: tuple, stride: tuple, dilation: tuple,
            pad_left: tuple, pad_right: tuple, transposed: bool = False,
            output_padding: tuple | None = None, ceil_mode: bool = False) -> tuple[Axis, ...]:
    """``rank`` axes with a window on each axis from ``start`` on (one value per window in
    each tuple), every other axis pointwise.

    >>> windows(3, -1, (3,), (2,), (1,), (1,), (1,))[2]
    Axis(kernel=3, stride=2, dilation=1, pad_left=1, pad_right=1, transposed=False)
    """
    extra = output_padding or (0,) * len(kernel)
    return placed(rank, start, [Axis(*window, transposed, op, ceil_mode) for *window, op in
                                zip(kernel, stride, dilation, pad_left, pad_right, extra)])


def shift(before: int, after: int) -> Axis:
    """Padding (``before``, ``after`` >= 0) or cropping (negative): a window of kernel 1."""
    return Axis(pad_left=before, pad_right=after)


def bins(n_in: int, n_out: int) -> Axis:
    """Adaptive pooling of ``n_in`` positions into ``n_out`` bins."""
    return Axis(kind="bins", sizes=(n_in, n_out))


def resample(mode: str, n_in: int, n_out: int, scale: float | None = None,
             align_corners: bool | None = None) -> Axis:
    """torch's interpolation ``mode`` from ``n_in`` to ``n_out`` positions."""
    return Axis(kind="resample", sizes=(n_in, n_out), mode=mode, scale=scale,
                align_corners=align_corners)


class HasGeometry(Protocol):
    """The protocol every layer spec answers."""

    family: ClassVar[str | None]
    spatial_dims: ClassVar[int | None]

    def axis_geometry(self, in_shape: Sequence[Any],
                      out_shape: Sequence[Any] | None = None) -> tuple[Axis, ...]:
        """One :class:`Axis` per dimension of ``in_shape``."""
        ...
