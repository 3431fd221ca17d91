"""Tie a stack's node tree to its report's rows, for the rules that need the structure.

:meth:`conv_calc.graph.stack.Stack.analyze` produces one row per layer and per merge,
in execution order. :func:`walk` runs the same walk (:class:`conv_calc.graph.walk.Walker`)
with row indices for tensors (-1 standing for the network input) and records,
for every node, the rows it produced (``first`` to ``last``) and, for every
merge, which rows its operands are; when the analysis stopped, the node that
failed is marked.

>>> from conv_calc import nn
>>> from conv_calc.graph.nodes import Residual
>>> from conv_calc.graph.stack import Stack
>>> block = Residual(body=(nn.Conv2d(8, 8, 3, padding=1), nn.ReLU()), name="block")
>>> report = Stack([block]).analyze((1, 8, 16, 16))
>>> spans, merges = walk([block], report)
>>> [(type(s.node).__name__, s.first, s.last) for s in spans]
[('Conv2d', 0, 0), ('ReLU', 1, 1), ('Residual', 0, 2)]
>>> merges[0].operands, merges[0].row
((1, -1), 2)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from conv_calc.graph.nodes import Merge
from conv_calc.graph.report import Report
from conv_calc.graph.walk import Walker

__all__ = ["Span", "MergeInfo", "walk"]


@dataclass(frozen=True, slots=True)
class Span:
    """The rows ``first..last`` a node produced (``last < first``: none); ``failed``: it broke."""

    node: Any
    first: int
    last: int
    failed: bool = False


@dataclass(frozen=True, slots=True)
class MergeInfo:
    """A merge (residual add, parallel merge, ``cat:``/``add:``): operand rows and its own row.

    ``row`` is None when the merge itself failed; ``saved`` is the name of the
    saved tensor for ``cat:``/``add:`` nodes (its operand comes first).
    """

    node: Any
    operands: tuple[int, ...]
    row: int | None
    saved: str | None = None


class _End(Exception):
    pass


class _Rows(Walker[int]):
    """The walk on row indices: a tensor is the index of the row that made it."""

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.n = rows
        self.i = 0
        self.starts: list[int] = []
        self.spans: list[Span] = []
        self.merges: list[MergeInfo] = []
        self.sources: dict[int, int] = {}   # layer row -> the row whose output it reads

    def run_node(self, node: Any, x: int, name: str, unnamed: str) -> int:
        self.starts.append(self.i)
        y = super().run_node(node, x, name, unnamed)
        self.spans.append(Span(node, self.starts.pop(), self.i - 1))
        return y

    def take(self, node: Any) -> int:
        """One row for ``node``; stops the walk at the failing node."""
        if self.i >= self.n:
            start = self.starts[-1]
            self.spans.append(Span(node, start, start - 1, failed=True))
            raise _End
        self.i += 1
        return self.i - 1

    def layer(self, node: Any, x: int, name: str) -> int:
        row = self.take(node)
        self.sources[row] = x
        return row

    def combine(self, op: str, xs: list[int], dim: int, name: str, node: Any) -> int:
        return self.merge(node, tuple(xs), None)

    def merge_saved(self, node: Merge, x: int, saved: int, name: str) -> int:
        return self.merge(node, (saved, x), node.saved)

    def merge(self, node: Any, operands: tuple[int, ...], saved: str | None) -> int:
        if self.i >= self.n:
            self.merges.append(MergeInfo(node, operands, None, saved))
        row = self.take(node)
        self.merges.append(MergeInfo(node, operands, row, saved))
        return row


def walk(nodes: Sequence[Any], report: Report, inputs: Sequence[str] = (),
         sources: dict[int, int] | None = None) -> tuple[list[Span], list[MergeInfo]]:
    """Spans of every node (children before their parents) and every merge, in order;
    ``inputs`` names the network's other inputs (rows before the first, as `input` is);
    ``sources``, when given, receives for every layer row the row it reads (-1: input)."""
    w = _Rows(len(report.layers))
    if sources is not None:
        w.sources = sources
    w.saved.update({name: -1 for name in inputs})
    try:
        w.run(nodes, -1)
    except _End:
        pass
    return w.spans, w.merges
