"""A stack as a straight-line program: the data flow ``conv-calc export --to torch`` writes out.

:func:`program` runs the stack's one :class:`~conv_calc.graph.walk.Walker` over
symbolic tensors (:class:`Var`): every row becomes one :class:`Op` reading and
writing variables, in execution order and under the row's name, so the code
written from it calls each module once, under the name the table gives it.
Saved tensors are variables read again later; a centre crop (``crop: center``)
is an op of its own without a row. The shapes come from the analysis
(``stack.analyze()``), whose row names are the same walk's.

>>> from conv_calc import nn
>>> from conv_calc.graph.nodes import Residual
>>> from conv_calc.graph.stack import Stack
>>> stack = Stack([Residual(body=(nn.Conv2d(8, 8, 3, padding=1),), name="block")],
...               input_shape=(1, 8, 4, 4))
>>> [(op.kind, op.name, [v.id for v in op.inputs], op.outputs[0].id)
...  for op in program(stack, stack.analyze()).ops]
[('layer', 'block.0', [0], 1), ('combine', 'block.add', [1, 0], 2)]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conv_calc.graph.nodes import BLOCKS, INPUT, Call, Residual, Save, Source
from conv_calc.graph.report import Report, Row
from conv_calc.graph.stack import Stack
from conv_calc.graph.walk import Walker
from conv_calc.nn.tensor_calls import MULTI, TensorCall

__all__ = ["Var", "Op", "Program", "program"]


@dataclass(eq=False)
class Var:
    """One tensor value: ``saved`` is the name a stack file gave it (``save:``, ``outputs:``),
    ``role`` what kind of value it is when it has none (``identity``: a residual's input)."""

    id: int
    shape: tuple[int, ...]
    saved: str | None = None
    role: str | None = None


@dataclass(eq=False)
class Op:
    """One row (or a crop): ``kind`` is ``layer``, ``call``, ``combine`` or ``crop``.

    ``row`` is the analysis row (None for a crop); ``node`` the stack's node (a
    :class:`~conv_calc.graph.nodes.Call` for a call); ``op`` and ``dim`` a merge's.
    """

    kind: str
    name: str
    inputs: list[Var]
    outputs: list[Var]
    row: Row | None = None
    node: Any = None
    op: str = ""
    dim: int = 1
    ref: Var | None = None  # the tensor a call's size_of names


@dataclass
class Program:
    """A stack's forward: its input, its ops and what it returns."""

    input: Var
    ops: list[Op] = field(default_factory=list)
    results: list[Var] = field(default_factory=list)
    result_names: tuple[str, ...] = ()
    #: Where each block use (a ``blocks:`` entry used in the file) is written, by its path.
    sources: dict[str, Source] = field(default_factory=dict)


class _Symbolic(Walker[Var]):
    def __init__(self, rows: dict[str, Row]) -> None:
        super().__init__()
        self.rows = rows
        self.ops: list[Op] = []
        self.count = 0
        self.sources: dict[str, Source] = {}

    def var(self, shape: tuple[int, ...], role: str | None = None) -> Var:
        v = Var(self.count, tuple(shape), role=role)
        self.count += 1
        return v

    def row(self, name: str) -> Row:
        # The analysis ran the same walk; a name it lacks means the walks disagree.
        if name not in self.rows:
            raise self.error(f"row {name!r} is not in the analysis")
        return self.rows[name]

    def layer(self, node: Any, x: Var, name: str) -> Var:
        row = self.row(name)
        y = self.var(row.output_shape)
        self.ops.append(Op("layer", name, [x], [y], row=row, node=node))
        return y

    def shape_of(self, x: Var) -> tuple:
        return x.shape  # block uses record it: $in_shape in a call's arguments reads it

    def call(self, node: Call, x: Var, name: str, ref: Var | None) -> list[Var]:
        # $in_shape[0] in view's arguments: written as the number it is at this input.
        node = self.resolved(node)
        row = self.row(name)
        if node.function in MULTI:
            shapes = TensorCall(node.function, node.args, node.kwargs, node.index).outputs(x.shape)
        else:
            shapes = (row.output_shape,)
        outs = [self.var(s) for s in shapes]
        self.ops.append(Op("call", name, [x] + ([ref] if ref is not None else []), outs,
                           row=row, node=node, ref=ref))
        return outs + [outs[-1]] * (len(node.outputs) - len(outs))

    def combine(self, op: str, xs: list[Var], dim: int, name: str, node: Any) -> Var:
        row = self.row(name)
        y = self.var(row.output_shape)
        self.ops.append(Op("combine", name, list(xs), [y], row=row, node=node, op=op, dim=dim))
        return y

    def crop(self, saved: Var, x: Var) -> Var:
        shape = saved.shape[:2] + tuple(x.shape[2:])
        y = self.var(shape)
        if saved.saved and saved.saved != INPUT:
            y.saved, y.role = f"{saved.saved}_cropped", "crop"
        self.ops.append(Op("crop", "", [saved, x], [y]))
        return y

    def run_node(self, node: Any, x: Var, name: str, unnamed: str) -> Var:
        if isinstance(node, Residual) and x.role is None and x.saved is None:
            x.role = "identity"  # torchvision's name for a residual block's input
        if isinstance(node, BLOCKS) and node.frame is not None and node.source is not None:
            self.sources.setdefault(unnamed, node.source)
        out = super().run_node(node, x, name, unnamed)
        saved = getattr(node, "outputs", None) if isinstance(node, Call) else None
        for label, value in zip(saved or (), self._last_outputs()):
            value.saved = value.saved or label
        if isinstance(node, Save) and out.saved is None:
            out.saved = node.name
        return out

    def _last_outputs(self) -> list[Var]:
        return self.ops[-1].outputs if self.ops else []


def program(stack: Stack, report: Report) -> Program:
    """The data flow of ``stack`` as analysed in ``report`` (which must have no error)."""
    walk = _Symbolic({row.name: row for row in report.layers})
    x = walk.var(tuple(report.input_shape))
    x.saved = INPUT
    last = walk.run(stack.layers, x)
    prog = Program(input=x, ops=walk.ops, sources=walk.sources)
    if stack.outputs:
        prog.results = [x if name == INPUT and INPUT not in walk.saved else walk.tensor(name)
                        for name in stack.outputs]
        prog.result_names = tuple(stack.outputs)
    else:
        prog.results = [last]
    return prog
