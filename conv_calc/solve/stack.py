"""Every input size a stack accepts, per spatial axis, without trying the sizes one by one.

The stack is compiled, for one axis (the other dims held at the stack's input
shape), into a short program on lengths (:mod:`conv_calc.solve.compile`): each
layer becomes a quasi-affine map (``floor((L + a) / s) + b``, ``(L - 1)*s + c``,
``L + a``, a constant...) with a validity threshold ``L >= m``; merges become
"these lengths agree" (``torch.cat``), "agree or one is 1" (``torch.add``), or a
sum (``cat`` along the axis). The program runs on progressions of sizes
(:mod:`conv_calc.solve.program`, :mod:`conv_calc.solve.sets`), so the answer is a
union of arithmetic progressions whose period divides the product of the strides.

>>> from conv_calc import nn
>>> from conv_calc.graph.stack import Stack
>>> ans = solve_input_sizes(Stack([nn.Conv1d(1, 4, 3), nn.MaxPool1d(2)], input_shape=(1, 1, 64)))
>>> ans[0].form.text(), ans[0].smallest
('every n >= 4', 4)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from conv_calc.graph.framework import TORCH
from conv_calc.graph.stack import Stack
from conv_calc.solve.compile import compile_axis
from conv_calc.solve.layer import SolveError
from conv_calc.solve.program import Op, run_program
from conv_calc.solve.sets import (
    ClosedForm, Cls, closed_form, contains, count_in, first_member, members_upto,
)

__all__ = ["AxisSizes", "solve_input_sizes", "compile_axis", "run_program", "Op", "AXIS_NAMES"]

AXIS_NAMES = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}


@dataclass(frozen=True)
class AxisSizes:
    """The valid input sizes on one axis (dim ``dim`` of the input, others as in the stack)."""

    axis: str
    dim: int
    classes: tuple[Cls, ...]          # disjoint progressions (conv_calc.solve.sets.Cls)
    form: ClosedForm
    smallest: int | None
    blocked: str                      # why no size works, when none does ("" otherwise)

    def count(self, lo: int, hi: int) -> int:
        return count_in(list(self.classes), lo, hi)

    def sizes(self, lo: int, hi: int, limit: int | None = None) -> list[int]:
        """The accepted sizes in ``[lo, hi]``, smallest first (at most ``limit``)."""
        return members_upto(self.classes, lo, hi, limit)

    def __contains__(self, n: int) -> bool:
        return contains(self.classes, n)


def solve_input_sizes(stack: Stack, input_shape: Sequence[int] | None = None,
                      axes: Sequence[int] | None = None, mode: str | None = None
                      ) -> list[AxisSizes]:
    """Per spatial axis: the set of input sizes every layer and merge accepts, its layers
    in ``mode`` ("train" or "eval"; default: the stack's `mode`).

    ``axes`` are negative dims (default: every spatial axis of the stack's first
    layer); the other dims keep the stack's (or ``input_shape``'s) values.
    """
    shape = tuple(stack.input_shape if input_shape is None else input_shape)
    if not shape:
        raise SolveError("no input shape: give one in the stack file or with --input")
    nd = len(TORCH.spatial_dims(stack.layers, shape))
    names = AXIS_NAMES.get(nd, tuple(f"dim{i}" for i in range(-nd, 0)))
    if axes is None:
        axes = tuple(range(-nd, 0))
    result = []
    for dim in axes:
        ops = compile_axis(stack, dim, shape, mode)
        classes, why = run_program(ops)
        label = names[nd + dim] if -nd <= dim < 0 else f"dim{dim}"
        form = closed_form(classes) if classes else ClosedForm(0, (), ())
        result.append(AxisSizes(label, dim, tuple(classes), form, first_member(classes), why))
    return result
