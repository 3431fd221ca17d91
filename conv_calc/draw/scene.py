"""What a layer picture shows along one axis, as plain data (no drawing here).

- :func:`window_scene`: a conv or pool (or any layer whose outputs read a few inputs):
  the drawn input cells, padding included (asymmetric 'same' padding shows as more
  cells on one side), and for each output the drawn cells its kernel taps read, with
  the dilation gaps between them.
- :func:`zero_inserted_scene`: a transposed convolution as the equivalent stride-1
  convolution over the input with ``stride - 1`` zeros inserted between pixels and
  ``dilation*(kernel-1) - padding`` cells of padding (plus ``output_padding`` after).
- :func:`stamp_scene`: a transposed convolution as what it does: each input pixel
  stamps the kernel into the output; the output is drawn uncropped, so the cells
  that ``padding`` crops away show.

>>> from conv_calc.geometry import Axis
>>> s = window_scene(Axis(4, stride=1, pad_left=1, pad_right=2), 5, 5)
>>> s.kinds, s.first
(('pad', 'pixel', 'pixel', 'pixel', 'pixel', 'pixel', 'pad', 'pad'), -1)
>>> s.taps[0], s.taps[4]
((0, 1, 2, 3), (4, 5, 6, 7))
>>> z = zero_inserted_scene(Axis(3, stride=2, pad_left=1, pad_right=1, transposed=True,
...                              output_padding=1), 3, 6)
>>> "".join({"pad": "_", "zero": "0", "pixel": "x"}[k] for k in z.kinds)
'_x0x0x__'
>>> stamp_scene(Axis(3, stride=2, pad_left=1, transposed=True), 3, 5).stamps
((0, 1, 2), (2, 3, 4), (4, 5, 6))
"""

from __future__ import annotations

from dataclasses import dataclass

from conv_calc.formulas import adaptive_pool_bin
from conv_calc.geometry import Axis
from conv_calc.receptive.layers import interpolate_taps

__all__ = ["AxisScene", "StampScene", "window_scene", "zero_inserted_scene", "stamp_scene",
           "scene_for"]


@dataclass(frozen=True)
class AxisScene:
    """Drawn input cells ``first, first+1, ...`` (``kinds``: "pixel", "pad" or "zero", an
    inserted zero; ``index``: the input index of a pixel, else None) and, per output, the
    drawn cells (0-based) its taps read, a cell once per tap."""

    first: int
    kinds: tuple[str, ...]
    index: tuple[int | None, ...]
    taps: tuple[tuple[int, ...], ...]
    span: tuple[tuple[int, int], ...]  # per output: the kernel's first and last drawn cell

    @property
    def n_out(self) -> int:
        return len(self.taps)


@dataclass(frozen=True)
class StampScene:
    """Drawn output cells ``first ..`` (``kinds``: "out" or "crop", cut away by padding) and,
    per input pixel, the drawn output cells its kernel stamp covers."""

    first: int
    kinds: tuple[str, ...]
    stamps: tuple[tuple[int, ...], ...]


def _scene(first: int, last: int, kind_of, reads: list[list[int]], spans) -> AxisScene:
    coords = range(first, last + 1)
    kinds = tuple(kind_of(c)[0] for c in coords)
    index = tuple(kind_of(c)[1] for c in coords)
    taps = tuple(tuple(c - first for c in row) for row in reads)
    return AxisScene(first, kinds, index, taps,
                     tuple((a - first, b - first) for a, b in spans))


def window_scene(axis: Axis, n_in: int, n_out: int) -> AxisScene:
    """A conv or pool window along one axis (also adaptive bins and interpolation taps)."""
    if axis.kind == "bins":
        reads = [list(range(*adaptive_pool_bin(o, n_in, n_out))) for o in range(n_out)]
        spans = [(r[0], r[-1]) for r in reads]
    elif axis.kind == "resample":
        reads = [list(t) for t in interpolate_taps(axis.mode or "nearest", n_in, n_out,
                                                   axis.scale, axis.align_corners)]
        spans = [(min(r), max(r)) for r in reads]
    elif axis.kind == "pointwise":
        reads = [[o] for o in range(n_out)]
        spans = [(o, o) for o in range(n_out)]
    else:
        k, s, d, p = axis.kernel, axis.stride, axis.dilation, axis.pad_left or 0
        reads = [[o * s - p + t * d for t in range(k)] for o in range(n_out)]
        spans = [(r[0], r[-1]) for r in reads]
    pad_right = (axis.pad_right or 0) if axis.kind == "window" else 0
    first = min([0] + [a for a, _ in spans])
    last = max([n_in - 1 + max(pad_right, 0)] + [b for _, b in spans])
    return _scene(first, last, lambda c: ("pixel", c) if 0 <= c < n_in else ("pad", None),
                  reads, spans)


def zero_inserted_scene(axis: Axis, n_in: int, n_out: int) -> AxisScene | None:
    """The transposed conv as a stride-1 conv over the zero-inserted, padded input; None when
    ``padding`` exceeds ``dilation*(kernel-1)`` (the equivalent conv would need a crop)."""
    k, s, d, p = axis.kernel, axis.stride, axis.dilation, axis.pad_left or 0
    q = d * (k - 1) - p
    if q < 0:
        return None
    full = (n_in - 1) * s + 1

    def kind_of(c: int) -> tuple[str, int | None]:
        if 0 <= c < full:
            return ("pixel", c // s) if c % s == 0 else ("zero", None)
        return ("pad", None)
    reads = [[o - q + t * d for t in range(k)] for o in range(n_out)]
    spans = [(r[0], r[-1]) for r in reads]
    first = min([-q] + [a for a, _ in spans])
    last = max([full - 1 + q + axis.output_padding] + [b for _, b in spans])
    return _scene(first, last, kind_of, reads, spans)


def stamp_scene(axis: Axis, n_in: int, n_out: int) -> StampScene:
    """Input ``i`` stamps the kernel at outputs ``i*stride - padding + t*dilation``."""
    k, s, d, p = axis.kernel, axis.stride, axis.dilation, axis.pad_left or 0
    stamps = [[i * s - p + t * d for t in range(k)] for i in range(n_in)]
    first = min([0] + [r[0] for r in stamps])
    last = max([n_out - 1] + [r[-1] for r in stamps])
    kinds = tuple("out" if 0 <= c < n_out else "crop" for c in range(first, last + 1))
    return StampScene(first, kinds, tuple(tuple(c - first for c in r) for r in stamps))


def scene_for(axis: Axis, n_in: int, n_out: int) -> AxisScene:
    """The conv-like scene of any axis: a transposed window as its zero-inserted conv (or, when
    that needs a crop, as a plain window over the input, reading the stamping backwards)."""
    if axis.kind == "window" and axis.transposed:
        scene = zero_inserted_scene(axis, n_in, n_out)
        if scene is not None:
            return scene
        stamp = stamp_scene(axis, n_in, n_out)
        reads: list[list[int]] = [[] for _ in range(n_out)]
        for i, cells in enumerate(stamp.stamps):
            for c in cells:
                o = c + stamp.first
                if 0 <= o < n_out:
                    reads[o].append(i)
        spans = [(min(r), max(r)) if r else (0, 0) for r in reads]
        return _scene(0, n_in - 1, lambda c: ("pixel", c), reads, spans)
    return window_scene(axis, n_in, n_out)
