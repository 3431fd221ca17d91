"""Solve through ``size_of``: ``F.interpolate`` / ``nn.Upsample`` to another tensor's size.

``size_of: NAME`` gives the resampling the trailing sizes of a saved tensor (``input``: the
network's input), as ``size=ref.shape[-2:]`` does. On the solved axis that is exact and
simple in two cases:

- the reference holds the solved axis among those trailing dims, and so does the resampled
  tensor (its own length is then replaced): the result's length *is* the reference's length
  (a ``load`` of its register), at the reference's place from the end, valid when both
  lengths are at least 1 (torch: "Input and output sizes should be greater than 0");
- the reference's trailing dims do not hold the solved axis: the size is a constant, and
  the call is any fixed-size resampling (:func:`fixed_size`).

Otherwise (the resampled tensor holds the axis on a dim the resampling keeps, a channel
dim after a permute, say) the result would hold two lengths: refused with that reason. Every model is checked against the real layer on a grid of both lengths
before it is used.

>>> from conv_calc.graph.nodes import Call, Save
>>> from conv_calc.graph.stack import Stack
>>> from conv_calc import nn
>>> from conv_calc.solve.compile import compile_axis
>>> net = Stack([Save("x"), nn.Conv2d(1, 1, 3, stride=2), Call("interpolate", size_of="x")],
...             input_shape=(1, 1, 9, 9))
>>> [(op.kind, op.min_len) for op in compile_axis(net, -1)][-3:]
[('map', 1), ('load', 1), ('map', 1)]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conv_calc.errors import LayerError
from conv_calc.nn.tensor_calls import TorchSize
from conv_calc.solve.layer import SolveError
from conv_calc.solve.program import Op

__all__ = ["reference_size", "follow", "size_of"]

_GRID = (0, 1, 2, 3, 7, 97)
_HINT = "analyse the network with `conv-calc stack` at the sizes of interest."


def reference_size(ref_shape: tuple[int, ...], ref_d: int, shape: tuple[int, ...], d: int
                   ) -> tuple[tuple[int, ...], int | None]:
    """The size template (``ref[-k:]``, k the spatial dims of ``shape``) and the place from
    the end of the solved axis in it, or None when the reference's trailing dims miss it.

    >>> reference_size((1, 3, 50, 60), -1, (1, 8, 7, 7), -1)
    ((50, 60), -1)
    >>> reference_size((1, 3, 50, 60), -1, (1, 8, 7), -1)   # one spatial dim: ref[-1:]
    ((60,), -1)
    >>> reference_size((1, 3, 50, 60), -2, (1, 8, 7), -1)   # H is not in ref[-1:]
    ((60,), None)
    """
    k = max(len(shape) - 2, 0)
    size = tuple(ref_shape[len(ref_shape) - k:] if k <= len(ref_shape) else ref_shape)
    if not ref_shape:
        return size, None
    place = ref_d % len(ref_shape) - len(ref_shape)
    return size, (place if -len(size) <= place else None)


def size_of(comp: Any, x: Any, ref: Any, name: str,
            run: Callable[[tuple[int, ...], Any], tuple[int, ...]]) -> Any:
    """For the solve compiler ``comp``: the result (a tensor of ``comp``) of resampling ``x``
    to ``ref``'s size when the reference holds the solved axis, else the constant ``size``
    argument to resample to (a ``TorchSize``)."""
    if ref is None:
        raise SolveError(f"{name}: size_of names a tensor that was never saved")
    size, place = reference_size(ref.shape, ref.d, x.shape, x.d)
    if place is None:
        return TorchSize(size)
    if ref is not x and ref.slot is None:  # pragma: no cover - saved tensors are kept
        raise SolveError(f"{name}: the reference's length is not kept", _HINT)
    comp.use(x)
    out = follow(comp.ops, name, x.shape, x.d, size, place, None if ref is x else ref.slot, run)
    return comp.new(out, place)


def follow(ops: list[Op], name: str, x_shape: tuple[int, ...], x_d: int, size: tuple[int, ...],
           place: int, slot: int | None, run: Callable[[tuple[int, ...], Any], tuple[int, ...]]
           ) -> tuple[int, ...]:
    """Append the ops of a resampling to the reference's length on the solved axis (which
    lands at dim ``place`` of the result); the result's template shape. ``run(shape, size)``
    is the real layer (raises LayerError)."""
    rank = len(x_shape)
    pos = x_d % rank
    if pos - rank < -len(size):
        raise SolveError(
            f"{name}: size_of gives the solved axis' length to dim {place} of the result, while "
            f"dim {pos - rank} keeps the resampled tensor's own length: solve follows one length "
            "per tensor", _HINT)

    def real(v: int, w: int):
        shape = tuple(v if i == pos else n for i, n in enumerate(x_shape))
        sz = list(size)
        sz[place] = w
        try:
            return tuple(run(shape, TorchSize(sz)))
        except LayerError:
            return None

    template = real(_GRID[-1], _GRID[-1])
    for v in _GRID:
        for w in _GRID:
            got = real(v, w)
            want = None if v < 1 or w < 1 or template is None else \
                tuple(w if i - rank == place else n for i, n in enumerate(template))
            if got != want:
                raise SolveError(f"{name}: solve cannot model this resampling to another tensor's "
                                 f"size (output {got} at lengths {v} -> {w})", _HINT)
    ops.append(Op("map", name, fn=_identity, min_len=1))  # its input: at least 1
    if slot is not None:
        ops.append(Op("load", "", slot=slot))
    ops.append(Op("map", name, fn=_identity, min_len=1))  # the reference's: at least 1
    return template


def _identity(L: int) -> int:
    return L
