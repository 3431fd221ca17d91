"""Input sizes for all spatial axes at once: square inputs, and every axis together.

:mod:`conv_calc.solve.stack` answers per axis, the other axes held at the file's
sizes. That is not the answer for an input whose axes all change: a batch-1
network in training mode fails wherever a batch norm sees a 1x1 map, whichever
axis made it 1x1, and a Flatten followed by a Linear ties the axes' product.

Here each axis is compiled as before, except that a layer whose check couples the
axes only through "every spatial length is 1" (batch norm, instance norm, group
norm in training) is compiled without that check, and the length it sees is kept
in a register (a *mark*). The network is **separable** when each axis' program is
the same whichever accepted sizes the other axes hold (compared at two settings of
them); then the accepted inputs are the product of the per-axis sets, minus, for
each marked layer, the inputs where every axis' mark is 1. A network that is not
separable gets an example of a combination that fails, checked by the analysis.

>>> from conv_calc import nn
>>> from conv_calc.graph.stack import Stack
>>> net = Stack([nn.Conv2d(1, 4, 3, stride=2), nn.BatchNorm2d(4)], input_shape=(1, 1, 32, 32))
>>> ans = solve_joint(net)
>>> [a.form.text() for a in ans.axes], ans.square.text()
(['every n >= 3', 'every n >= 3'], 'every n >= 5')
>>> ans.exceptions[0].layer, [f.text() for f in ans.exceptions[0].forms]
('1', ['3, 4', '3, 4'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from conv_calc.errors import LayerError
from conv_calc.graph.framework import TORCH
from conv_calc.graph.stack import Stack
from conv_calc.solve.compile import _Compiler, _LayerCompiler, compile_axis
from conv_calc.solve.layer import SolveError
from conv_calc.solve.program import Op, _step
from conv_calc.solve.sets import (
    ClosedForm, Cls, closed_form, contains, equal, first_member, sub,
)
from conv_calc.solve.stack import AXIS_NAMES, AxisSizes

__all__ = ["Coupled", "JointAnswer", "solve_joint"]

_MARK = "mark:"
_SAMPLES = (0, 1, 2, 3, 5, 8, 13, 97, 1000, 4099)
_FURTHER = (1, 2, 3, 4, 6, 8, -1, -2, -4)
_RETRY = (1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 32, 64)  # square sizes to hold the axes at instead   # other-axis offsets tried when every set is finite


@dataclass(frozen=True)
class Coupled:
    """A layer that fails when every spatial length it sees is 1: per axis, the input
    sizes that give length 1 there (``classes[i]`` for axis i)."""

    layer: str
    classes: tuple[tuple[Cls, ...], ...]
    forms: tuple[ClosedForm, ...]
    example: tuple[int, ...] | None   # the smallest failing input (one size per axis)
    error: str                        # the analysis' error at ``example``


@dataclass(frozen=True)
class JointAnswer:
    """Per axis (independent of the others when ``separable``), the coupled layers'
    exceptions, and the square sizes; when not separable, why, with an example."""

    axes: tuple[AxisSizes, ...]
    separable: bool
    exceptions: tuple[Coupled, ...]
    square: ClosedForm | None
    square_classes: tuple[Cls, ...]
    reason: str = ""
    example: tuple[int, ...] | None = None
    example_error: str = ""

    def square_smallest(self) -> int | None:
        return first_member(list(self.square_classes))


# ------------------------------------------------------------------ compiling with marks

def _coupled(layer: Any, shape: tuple[int, ...]) -> bool:
    """Does ``layer`` refuse ``shape`` with every spatial length 1 and accept it when any
    one of them is 2 (torch's "more than 1 value per channel" / "spatial element")?"""
    rank = len(shape)
    if rank < 3:
        return False

    def ok(sp: Sequence[int]) -> bool:
        try:
            layer.output_shape(tuple(shape[:2]) + tuple(sp))
            return True
        except LayerError:
            return False

    n = rank - 2
    if ok([1] * n) or not ok([2] * n):
        return False
    return all(ok([2 if j == i else 1 for j in range(n)]) for i in range(n))


class _MarkingLayer(_LayerCompiler):
    def __init__(self, owner: "_MarkingCompiler", *args: Any) -> None:
        super().__init__(*args)
        self.owner = owner

    def compile(self, ops: list[Op]):
        if not _coupled(self.layer, self.shape):
            return super().compile(ops)
        held = self.shape
        pos = self.d % len(held)
        # The per-axis check without the coupling: the other spatial lengths are not 1.
        self.shape = tuple(2 if i >= 2 and i != pos else v for i, v in enumerate(held))
        start = len(ops)
        out, new_d = super().compile(ops)
        added = ops[start:]
        if (len(out) != len(held) or new_d != self.d or len(added) != 1
                or added[0].kind != "map" or any(added[0].fn(v) != v for v in _SAMPLES)):
            raise SolveError(f"{self.name}: solve cannot separate this layer's check by axis",
                             "ask per axis (without --square / --joint).")
        self.owner.marked = self.name
        return held, new_d


class _MarkingCompiler(_Compiler):
    def __init__(self, x: Any, mode: str = "train") -> None:
        super().__init__(x, mode)
        self.dim = x.d
        self.marked = ""
        self.layer_compiler = lambda *args: _MarkingLayer(self, *args)

    def layer(self, node: Any, x: Any, name: str) -> Any:
        self.marked = ""
        y = super().layer(node, x, name)
        if self.marked:
            if len(y.shape) != len(self.input.shape) or y.d != self.dim:
                raise SolveError(f"{self.marked}: the solved axis has moved before this layer, "
                                 "so solve cannot pair its lengths across axes",
                                 "ask per axis (without --square / --joint).")
            self.slots += 1
            self.ops.append(Op("save", _MARK + self.marked, slot=self.slots - 1))
        return y


def _program(stack: Stack, dim: int, shape: tuple[int, ...], mode: str | None) -> list[Op]:
    return compile_axis(stack, dim, shape, mode, compiler=_MarkingCompiler)


def _slots(ops: Sequence[Op]) -> int:
    return 1 + max((max(o.slot, o.value if o.kind == "copy" else 0) for o in ops), default=0)


def _marks(ops: Sequence[Op]) -> list[tuple[str, int]]:
    return [(o.name[len(_MARK):], o.slot) for o in ops if o.kind == "save"
            and o.name.startswith(_MARK)]


def _run(classes: list[Cls], ops: Sequence[Op], carried: int) -> tuple[list[Cls], str]:
    """Run ``ops`` on ``classes`` whose register 0 is the input size, keeping the last
    ``carried`` registers (marks of earlier axes) after the program's own."""
    n = _slots(ops)
    state = []
    for c in classes:
        keep = c.vals[len(c.vals) - carried:] if carried else ()
        state.append(Cls(c.M, c.r, c.count, ((c.M, c.r),) + ((0, 0),) * (n - 1) + keep))
    for op in ops:
        nxt: list[Cls] = []
        for c in state:
            nxt.extend(_step(c, op))
        if not nxt:
            return [], op.why or f"{op.name}: no input size passes here"
        state = nxt
    return state, ""


def _fingerprint(ops: Sequence[Op]) -> list[tuple]:
    """What an axis' program does, comparable between two settings of the other axes
    (a dead op's message names shapes, so only its place counts)."""
    return [(o.kind, o.name, o.period, o.min_len, o.zero_ok, o.value, o.slot,
             None if o.fn is None else tuple(o.fn(v) for v in _SAMPLES)) for o in ops]


def _zero_reaches(ops: Sequence[Op]) -> set[int]:
    """The indices of the ``map`` ops that a length 0 reaches, from any input size >= 1."""
    state = [Cls(1, 1, None, ((1, 1),) + ((0, 0),) * (_slots(ops) - 1))]
    reach = set()
    for j, op in enumerate(ops):
        if op.kind == "map" and any(equal(c, c.vals[0]) is not None for c in state):
            reach.add(j)
        state = [x for c in state for x in _step(c, op)]
    return reach


def _equivalent(base: list[Op], other: list[Op]) -> bool:
    """The same program, but for whether a layer accepts length 0 where no 0 arrives
    (torch's empty-tensor rules read the other axes: AdaptiveAvgPool2d((1, None)))."""
    a, b = _fingerprint(base), _fingerprint(other)
    if a == b:
        return True
    if len(a) != len(b):
        return False
    differ = [j for j, (x, y) in enumerate(zip(a, b)) if x != y]
    if any(a[j][:4] + a[j][5:] != b[j][:4] + b[j][5:] for j in differ):
        return False
    return not set(differ) & _zero_reaches(base)


# ------------------------------------------------------------------ the answer

def _ones(c: Cls, slots: Sequence[int]) -> Cls | None:
    """The part of ``c`` where every register in ``slots`` is 1."""
    for s in slots:
        a, b = c.vals[s]
        x = equal(c, (a, b - 1))
        if x is None:
            return None
        c = x
    return c


def _minus(classes: list[Cls], slots: Sequence[int]) -> list[Cls]:
    out = []
    for c in classes:
        bad = _ones(c, slots)
        if bad is None:
            out.append(c)
        elif bad.count == 1 and c.count != 1:
            k = (bad.r - c.r) // c.M
            out += [x for x in (sub(c, 0, k), sub(c, k + 1, None)) if x]
    return out


def _error_at(stack: Stack, shape: tuple[int, ...], sizes: Sequence[int]) -> str:
    full = list(shape)
    full[len(full) - len(sizes):] = sizes
    err = stack.analyze(tuple(full)).error
    return "" if err is None else str(getattr(err, "message", err))


def solve_joint(stack: Stack, input_shape: Sequence[int] | None = None,
                mode: str | None = None) -> JointAnswer:
    """Every spatial axis at once (see the module docstring); batch and channels from
    ``input_shape`` (default: the stack's). When the input's own sizes are refused on
    every axis' terms, a few square sizes are tried as the sizes the axes are held at."""
    shape = tuple(stack.input_shape if input_shape is None else input_shape)
    if not shape:
        raise SolveError("no input shape: give one in the stack file or with --input")
    try:
        return _solve_joint(stack, shape, mode)
    except _Empty as first:
        nd = first.nd
        for v in _RETRY:
            try:
                return _solve_joint(stack, shape[:len(shape) - nd] + (v,) * nd, mode)
            except _Empty:
                continue
        raise first.error from None


class _Empty(Exception):
    def __init__(self, error: SolveError, nd: int) -> None:
        super().__init__(str(error))
        self.error, self.nd = error, nd


def _solve_joint(stack: Stack, shape: tuple[int, ...], mode: str | None) -> JointAnswer:
    nd = len(TORCH.spatial_dims(stack.layers, shape))
    names = AXIS_NAMES.get(nd, tuple(f"dim{i}" for i in range(-nd, 0)))
    dims = tuple(range(-nd, 0))
    progs = {d: _program(stack, d, shape, mode) for d in dims}
    runs = {d: _run([Cls(1, 1, None, ((1, 1),))], progs[d], 0) for d in dims}
    axes = []
    for i, d in enumerate(dims):
        classes, why = runs[d]
        form = closed_form(classes) if classes else ClosedForm(0, (), ())
        axes.append(AxisSizes(names[i], d, tuple(classes), form, first_member(classes), why))
    empty = next((a for a in axes if not a.classes), None)
    if empty is not None:
        # Held at sizes the network refuses, the other axes say nothing about the rest:
        # (3, 3) may work where (3, 16) and (16, 3) do not (a residual add broadcasting 1).
        held = "x".join(str(shape[d]) for d in dims if d != empty.dim)
        raise _Empty(SolveError(
            f"with the other axes at this input's {held}, no size works on {empty.axis} "
            f"({empty.blocked}), nor with them held at a few other sizes, so solve cannot "
            "answer for all axes at once", hint="give --input a shape the network accepts "
            "(`conv-calc stack FILE --input SHAPE` checks one), or ask per axis"), nd)
    # Separable: each axis' program is the same with the other axes at other accepted sizes.
    smallest = [a.smallest for a in axes]
    larger = [first_member(list(a.classes), max(shape[d], a.smallest + 1)) or a.smallest
              for a, d in zip(axes, dims)]
    for setting in (smallest, larger):
        held = shape[:len(shape) - nd] + tuple(setting)
        for i, d in enumerate(dims):
            other = _program(stack, d, held, mode)
            if not _equivalent(progs[d], other):
                return _not_separable(stack, shape, axes, i, setting, other)
    if all(not a.form.period for a in axes):
        # Finite sets (one size, often): the settings above may be the file's own sizes, so
        # look further, at sizes the other axes may refuse. Only an input where the product
        # of the per-axis sets is wrong, checked by the analysis, counts there.
        for delta in _FURTHER:
            setting = [max(1, shape[d] + delta) for d in dims]
            held = shape[:len(shape) - nd] + tuple(setting)
            for i, d in enumerate(dims):
                other = _program(stack, d, held, mode)
                if _equivalent(progs[d], other):
                    continue
                ans = _not_separable(stack, shape, axes, i, setting, other)
                if ans.example is not None:
                    return ans
    marks = {d: _marks(progs[d]) for d in dims}
    layers = [name for name, _ in marks[dims[0]]]
    if any([name for name, _ in marks[d]] != layers for d in dims):
        raise SolveError("the axes meet different coupled layers; solve cannot pair them",
                         "ask per axis (without --square / --joint).")
    exceptions = []
    for j, layer in enumerate(layers):
        per_axis = []
        for d in dims:
            slot = marks[d][j][1]
            per_axis.append(tuple(x for c in runs[d][0]
                                  if (x := _ones(c, (slot,))) is not None))
        if any(not p for p in per_axis):
            continue
        example = tuple(first_member(list(p)) for p in per_axis)
        exceptions.append(Coupled(layer, tuple(per_axis), tuple(closed_form(list(p))
                                                             for p in per_axis), example,
                                  _error_at(stack, shape, example)))
    exceptions = [e for e in exceptions if not any(o is not e and _within(e, o) and
                                                   (not _within(o, e) or exceptions.index(o) <
                                                    exceptions.index(e)) for o in exceptions)]
    square = _square(progs, dims, marks, len(layers))
    form = closed_form(square) if square else ClosedForm(0, (), ())
    return JointAnswer(tuple(axes), True, tuple(exceptions), form, tuple(square))


def _within(a: Coupled, b: Coupled) -> bool:
    """Every failing input of ``a`` also fails at ``b`` (finite sets only: else False)."""
    for x, y in zip(a.classes, b.classes):
        if any(c.count is None and c.M for c in x):
            return False
        if not all(contains(y, n) for c in x for n in range(c.r, c.r + c.M * c.count + 1,
                                                             c.M or 1)[:c.count]):
            return False
    return True


def _square(progs: dict, dims: Sequence[int], marks: dict, count: int) -> list[Cls]:
    """The sizes n with (n, n, ...) accepted: each axis' program run in turn on the same
    progressions, the marks carried, then the inputs where a layer sees all ones removed."""
    classes = [Cls(1, 1, None, ((1, 1),))]
    carried = 0
    for d in dims:
        classes, _ = _run(classes, progs[d], carried)
        if not classes:
            return []
        n = _slots(progs[d])
        own = tuple(slot for _, slot in marks[d])
        classes = [Cls(c.M, c.r, c.count, c.vals[n:] + tuple(c.vals[s] for s in own))
                   for c in classes]
        carried += len(own)
    for j in range(count):
        classes = _minus(classes, [j + count * i for i in range(len(dims))])
    return classes


def _not_separable(stack: Stack, shape: tuple[int, ...], axes: list[AxisSizes], i: int,
                   setting: Sequence[int], other: list[Op]) -> JointAnswer:
    """Axis ``i``'s program changes when the others hold ``setting``: look, among the sizes
    where the two programs disagree, for an input where the product of the per-axis sets
    is wrong, checked by the analysis (none found: the answer says so, and gives none)."""
    got, _ = _run([Cls(1, 1, None, ((1, 1),))], other, 0)
    example, error, tried = None, "", 0
    rest_ok = all(v in a for j, (v, a) in enumerate(zip(setting, axes)) if j != i)
    for n in range(1, 4097):
        if (n in axes[i]) == contains(got, n):
            continue
        tried += 1
        sizes = (*setting[:i], n, *setting[i + 1:])
        err = _error_at(stack, shape, sizes)
        if (not err) != (rest_ok and n in axes[i]):
            example, error = sizes, err or "(accepted)"
            break
        if tried >= 64:
            break
    what = "x".join(map(str, setting))
    reason = (f"the sizes {axes[i].axis} accepts depend on the other axes (its program changes "
              f"when they hold {what})")
    if example is None:
        reason += "; no input was found where this changes the answer, but solve cannot show "\
                  "the axes are independent"
    elif error == "(accepted)":
        reason += f"; {'x'.join(map(str, example))} works although a size on its own axis " \
                  "was refused with the others at the file's sizes"
    return JointAnswer(tuple(axes), False, (), None, (), reason, example, error)
