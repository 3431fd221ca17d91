"""The receptive field of one row (:class:`ReceptiveField`), and the closed-form chain.

>>> chain_receptive_field([(3, 1, 1), (3, 1, 1)]).size
(5,)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

from conv_calc.receptive.maps import AxisMap, Number
from conv_calc.receptive.state import AxisState

__all__ = ["ReceptiveField", "chain_receptive_field"]


@dataclass(frozen=True)
class ReceptiveField:
    """The receptive field of one row, one tuple entry per spatial axis (ints or Fractions).

    ``aligned`` is set on merge rows: whether the merged branches are aligned
    on each axis (same jump, same centre for every output). ``dims`` are the
    tensor dims (negative, from the end) of the axes, None for an axis that
    was flattened away.

    >>> rf = chain_receptive_field([(3, 3, 1), (2, 1, 0)])   # Distill fig. 3
    >>> rf.size, rf.effective_padding, rf.region(0)
    ((6,), (1,), ((-1, 4),))
    """

    size: tuple[int, ...]
    size_min: tuple[int, ...]
    jump: tuple[Number, ...]
    start: tuple[Number | None, ...]
    effective_padding: tuple[Number | None, ...]
    aligned: tuple[bool, ...] | None = None
    dims: tuple[int | None, ...] = ()
    states: tuple[AxisState, ...] = field(default=(), repr=False, compare=False)

    @classmethod
    def from_states(cls, states: Sequence[AxisState], lengths: Sequence[int | None],
                    dims: Sequence[int | None] = (),
                    aligned: Sequence[bool] | None = None) -> ReceptiveField:
        if len(states) == 2 and states[0] is states[1] and len(states[0].live) <= 1:
            f = states[0].summary()  # both axes in one state: n plays no part
            size, size_min, jump, start, pad = zip(f, f)
        else:
            fs = [s.summary(n) for s, n in zip(states, lengths)]
            size, size_min, jump, start, pad = zip(*fs) if fs else ((),) * 5
        return cls(
            size=size, size_min=size_min, jump=jump, start=start, effective_padding=pad,
            aligned=None if aligned is None else tuple(aligned),
            dims=tuple(dims),
            states=tuple(states),
        )

    def region(self, *index: int) -> tuple[tuple[int, int] | None, ...]:
        """``(min D(u), max D(u))`` per axis for the output at ``index`` (None: sees nothing)."""
        if len(index) == 1 and len(self.states) > 1:
            index = index * len(self.states)
        return tuple(s.hull(u) for s, u in zip(self.states, index))



def chain_receptive_field(layers: Iterable[tuple[int, int, int] | tuple[int, int, int, int]]
                          ) -> ReceptiveField:
    """One axis through conv/pool layers given as ``(kernel, stride, padding[, dilation])``.

    >>> chain_receptive_field([(3, 1, 1, 1), (3, 1, 2, 2), (3, 1, 4, 4)]).size
    (15,)
    """
    state = AxisState.identity()
    for spec in layers:
        state = state.then(AxisMap.conv(*spec))
    return ReceptiveField.from_states([state], [None])
