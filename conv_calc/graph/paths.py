"""Path counts through a whole network: overlap (checkerboard) maps and exact input regions.

:func:`path_tape` walks a stack once (the one :class:`~conv_calc.graph.walk.Walker`,
so rows are named as everywhere else) and records, per layer and merge, what
it does to each tracked spatial axis as a count matrix
(:mod:`conv_calc.receptive.paths`). The :class:`PathTape` then answers, by row name:

- :meth:`PathTape.overlap`: the grid of that row's output, run forward from an
  all-ones input; each cell is the number of paths (chains of kernel taps) from
  the input that reach it, which is what all-ones weights give;
- :meth:`PathTape.region`: the grid over the network's input, run backward from
  one output position; each cell is the number of paths from it to that
  position, which is the gradient of that output with all weights one.

Channels are not counted (every tensor is taken as one channel), activations and
normalisations pass counts through, and every merge (add, cat, mul, ...) takes
the union of its operands' paths, so counts add. For conv, transposed conv,
sum pools, nearest upsampling, add and cat this is exactly torch with one
channel, weights of ones, no bias (tests/draw check it against torch).

>>> from conv_calc import nn
>>> from conv_calc.graph.stack import Stack
>>> net = Stack([nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1)], input_shape=(1, 1, 3, 3))
>>> tape = path_tape(net)
>>> tape.overlap("0").plane()[:2]
[[1, 2, 1, 2, 1], [2, 4, 2, 4, 2]]
>>> tape.region("0", (1, 1)).plane()
[[1, 1, 0], [1, 1, 0], [0, 0, 0]]
>>> tape.hull("0", (1, 1)), tape.hull("0", (0, 0))   # output 0 reads input 0 once, through tap 1
(((0, 1), (0, 1)), ((0, 0), (0, 0)))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from conv_calc.errors import InputError
from conv_calc.graph import framework as frameworks
from conv_calc.graph.framework import is_layer
from conv_calc.graph.nodes import Call
from conv_calc.graph.report import Report
from conv_calc.graph.walk import Walker
from conv_calc.nn.tensor_calls import TensorCall
from conv_calc.receptive import AxisState
from conv_calc.receptive.layers import crop_map
from conv_calc.receptive.piecewise import cat_state
from conv_calc.text import did_you_mean
from conv_calc.receptive.paths import Grid, Rows, axis_rows, transpose

__all__ = ["PathTape", "path_tape"]


@dataclass(frozen=True)
class _T:
    """A tensor on the tape: its id, shape and the negative dims of its tracked axes."""

    id: int
    shape: tuple[int, ...]
    dims: tuple[int | None, ...]
    #: Per tracked axis, the receptive-field state (padding coordinates included), as the
    #: analysis tracks it: the hull each position sees, beyond the input's edges too.
    states: tuple[AxisState, ...] = ()

    def lengths(self) -> tuple[int, ...]:
        return tuple(1 if d is None or len(self.shape) < -d else self.shape[d] for d in self.dims)


@dataclass
class _Op:
    """``out`` = the sum over ``parts`` of each input mapped axis by axis (None: unchanged)."""

    out: int
    parts: list[tuple[int, list[tuple[Rows | None, int]]]] = field(default_factory=list)


class PathTape:
    """What every row of one network does to the counts (see the module docstring)."""

    def __init__(self, report: Report, input_lengths: tuple[int, ...]) -> None:
        self.report = report
        self.lengths: dict[int, tuple[int, ...]] = {0: input_lengths}
        self.ops: list[_Op] = []
        self.by_name: dict[str, int] = {}
        self.names: list[str] = []
        self.states: dict[int, tuple[AxisState, ...]] = {}

    def parents(self) -> dict[str, list[str]]:
        """For each row, the rows its tensor is computed from ("input": the network's input),
        in operand order: the network's graph, branches and skips included."""
        names = {i: n for n, i in self.by_name.items()}
        names[0] = "input"
        through: dict[int, int] = {}  # an unnamed tensor (a crop, another piece) -> its source
        out: dict[str, list[str]] = {}
        for op in self.ops:
            srcs = []
            for src, _ in op.parts:
                while src not in names and src in through:
                    src = through[src]
                srcs.append(names.get(src, "input"))
            if op.out in names:
                out[names[op.out]] = srcs
            else:
                through[op.out] = op.parts[0][0]
        return out

    @property
    def input_lengths(self) -> tuple[int, ...]:
        return self.lengths[0]

    def tensor_of(self, name: str | None) -> int:
        """The tensor id of row ``name`` (None: the last row)."""
        if name is None:
            if not self.names:
                raise InputError("the network has no rows", hint="add a layer to the stack.")
            name = self.names[-1]
        if name not in self.by_name:
            raise InputError(f"no row named {name!r} in the network",
                             hint=did_you_mean(name, self.names) or
                             "the row names are the first column of `conv-calc stack FILE`.")
        return self.by_name[name]

    def overlap(self, name: str | None = None) -> Grid:
        """Counts over row ``name``'s output from an all-ones input (None: the last row)."""
        target = self.tensor_of(name)
        grids = {0: Grid.ones(self.lengths[0])}
        for op in self.ops:
            if op.out > target:
                break
            total = Grid.zeros(self.lengths[op.out])
            for src, maps in op.parts:
                g = grids[src]
                for axis, (rows, n_out) in enumerate(maps):
                    if rows is not None:
                        g = g.mapped(axis, rows, n_out)
                total = total.plus(g)
            grids[op.out] = total
        return grids[target]

    def hull(self, name: str | None, position: Sequence[int]) -> tuple[tuple[int, int] | None, ...]:
        """Per axis, ``(min D(u), max D(u))`` in input coordinates for ``position`` of row
        ``name``, padding positions included (None: that position sees nothing on the axis)."""
        target = self.tensor_of(name)
        self._check(name, target, position)
        return tuple(s.hull(u) for s, u in zip(self.states[target], position))

    def _check(self, name: str | None, target: int, position: Sequence[int]) -> None:
        lengths = self.lengths[target]
        position = tuple(position)
        if len(position) != len(lengths) or \
                any(not 0 <= p < n for p, n in zip(position, lengths)):
            where = "x".join(map(str, lengths))
            raise InputError(f"position {','.join(map(str, position))} is outside the "
                             f"{where} output of {name or self.names[-1]!r}",
                             hint=f"give one index per spatial axis, each from 0 to its size "
                                  f"minus 1 ({where}).")

    def region(self, name: str | None, position: Sequence[int]) -> Grid:
        """Counts over the network's input of the paths reaching ``position`` of row ``name``."""
        target = self.tensor_of(name)
        self._check(name, target, position)
        lengths = self.lengths[target]
        position = tuple(position)
        grads = {target: Grid.one_hot(lengths, position)}
        for op in reversed(self.ops):
            if op.out > target or op.out not in grads:
                continue
            g_out = grads.pop(op.out)
            for src, maps in op.parts:
                g = g_out
                for axis, (rows, n_out) in enumerate(maps):
                    if rows is not None:
                        n_in = self.lengths[src][axis]
                        g = g.mapped(axis, transpose(rows, n_in), n_in)
                grads[src] = grads[src].plus(g) if src in grads else g
        return grads.get(0, Grid.zeros(self.lengths[0]))


class _Tape(Walker[_T]):
    def __init__(self, tape: PathTape, rows: dict[str, Any], framework: str) -> None:
        super().__init__()
        self.framework = frameworks.get(framework)
        self.tape = tape
        self.rows = rows
        self.count = 0
        if framework == "keras":
            self.channel_dim = -1

    def _new(self, shape: tuple[int, ...], dims: tuple[int | None, ...], name: str | None,
             parts: list, states: tuple[AxisState, ...]) -> _T:
        self.count += 1
        t = _T(self.count, tuple(shape), dims, states)
        self.tape.lengths[t.id] = t.lengths()
        self.tape.states[t.id] = states
        self.tape.ops.append(_Op(t.id, parts))
        if name is not None:
            self.tape.by_name[name] = t.id
            self.tape.names.append(name)
        return t

    def _row(self, name: str) -> Any:
        if name not in self.rows:
            raise _Stopped
        return self.rows[name]

    def shape_of(self, x: _T) -> tuple:
        return x.shape

    def _mapped(self, layer: Any, x: _T, out: tuple[int, ...]) -> tuple[list, tuple, tuple]:
        """Per tracked axis: (count rows or None, new length); the new dims; the new states."""
        rf_maps, _ = self.framework.axis_maps(layer, x.shape, out, x.dims)
        states = tuple(s if m is None else s.then(m, None if d is None else x.shape[d])
                       for s, m, d in zip(x.states, rf_maps, x.dims))
        axes = layer.axis_geometry(x.shape, out)
        maps, dims = [], []
        for d, n_in in zip(x.dims, x.lengths()):
            if d is None or len(axes) < -d:
                maps.append((None, n_in))
                dims.append(d)
                continue
            axis = axes[d]
            new = None if axis.dim_shift is None else d + axis.dim_shift
            n_out = 1 if new is None or len(out) < -new else out[new]
            maps.append((None, n_in) if axis.kind == "pointwise" and n_in == n_out
                        else (axis_rows(axis, n_in, n_out), n_out))
            dims.append(new)
        return maps, tuple(dims), states

    def layer(self, node: Any, x: _T, name: str) -> _T:
        row = self._row(name)
        layer = row.layer if row.layer is not None else (node if is_layer(node) else node.layer)
        maps, dims, states = self._mapped(layer, x, row.output_shape)
        return self._new(row.output_shape, dims, name, [(x.id, maps)], states)

    def call(self, node: Call, x: _T, name: str, ref: _T | None) -> list[_T]:
        row = self._row(name)
        chosen = row.layer
        pieces = chosen.outputs(x.shape)
        outs = []
        for i, out in enumerate(pieces):
            piece = chosen if i == node.index else \
                TensorCall(chosen.word, chosen.args, chosen.kwargs, i)
            maps, dims, states = self._mapped(piece, x, out)
            outs.append(self._new(out, dims, name if i == node.index else None,
                                  [(x.id, maps)], states))
        return outs

    def combine(self, op: str, xs: list[_T], dim: int, name: str, node: Any) -> _T:
        row = self._row(name)
        shape = row.output_shape
        dims = xs[0].dims
        cat_axis = None
        if op == "cat":
            for a, d in enumerate(dims):
                if d is not None and len(shape) >= -d and dim % len(shape) == len(shape) + d:
                    cat_axis = a
        out = _T(0, shape, dims).lengths()
        parts = []
        offset = 0
        states = []
        for a, n_out in enumerate(out):
            # As the analysis does: a broadcast operand reads position 0, a spatial cat is
            # piecewise, anything else is the union of the operands' dependencies.
            operands = [t.states[a].constant(0) if op != "cat" and t.lengths()[a] == 1 != n_out
                        else t.states[a] for t in xs]
            states.append(cat_state(operands, [t.lengths()[a] for t in xs]) if a == cat_axis
                          else operands[0].union(*operands[1:]))
        for t in xs:
            maps = []
            for a, (n_in, n_out) in enumerate(zip(t.lengths(), out)):
                if a == cat_axis:
                    # torch.cat along this axis: the operand fills outputs offset .. offset+n_in-1
                    rows = tuple(((o - offset, 1),) if 0 <= o - offset < n_in else ()
                                 for o in range(n_out))
                    maps.append((rows, n_out))
                elif n_in == 1 and n_out != 1:  # broadcast: every output reads position 0
                    maps.append((tuple(((0, 1),) for _ in range(n_out)), n_out))
                else:
                    maps.append((None, n_in))
            if cat_axis is not None:
                offset += t.lengths()[cat_axis]
            parts.append((t.id, maps))
        return self._new(shape, dims, name, parts, tuple(states))

    def crop(self, saved: _T, x: _T) -> _T:
        maps = []
        shape = list(saved.shape)
        states = list(saved.states)
        for a, (d, n_in) in enumerate(zip(saved.dims, saved.lengths())):
            if d is None or len(shape) < -d or len(x.shape) < -d:
                maps.append((None, n_in))
                continue
            shift, n_out = crop_map(shape[d], x.shape[d])
            start = shift.taps[0][0][0]
            rows = tuple(((start + o, 1),) for o in range(n_out))
            shape[d] = n_out
            maps.append((rows, n_out))
            states[a] = states[a].then(shift)
        return self._new(tuple(shape), saved.dims, None, [(saved.id, maps)], tuple(states))


class _Stopped(Exception):
    """The walk reached the row where the analysis stopped."""


def path_tape(stack: Any, input_shape: Sequence[int] | None = None,
              mode: str | None = None) -> PathTape:
    """Analyse ``stack`` (a :class:`~conv_calc.graph.stack.Stack`) and record its path counts.

    Rows after a failing layer are not recorded (``tape.report.error`` says why). The
    counts themselves are computed when asked for: :meth:`PathTape.overlap` and
    :meth:`PathTape.region` raise :class:`~conv_calc.errors.InputError` when a tensor
    they go through exceeds :data:`~conv_calc.receptive.paths.MAX_CELLS`.
    """
    report = stack.analyze(input_shape=input_shape, mode=mode)
    fw = frameworks.get(stack.framework)
    shape = fw.check_input(report.input_shape)
    dims = fw.spatial_dims(stack.layers, shape)
    x = _T(0, tuple(shape), tuple(dims), tuple(AxisState.identity() for _ in dims))
    tape = PathTape(report, x.lengths())
    tape.states[0] = x.states
    walk = _Tape(tape, {row.name: row for row in report.layers}, stack.framework)
    try:
        walk.run(stack.layers, x)
    except _Stopped:
        pass
    return tape

