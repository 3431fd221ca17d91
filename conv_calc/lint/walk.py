"""Tie a stack's node tree to its report's rows, for the rules that need the structure.

:meth:`conv_calc.graph.nodes.Stack.analyze` produces one row per layer and per merge,
in execution order (conv_calc.graph.analysis). :func:`walk` replays that order
on the node tree and records, for every node, the rows it produced (``first`` to
``last``, -1 standing for the network input) and, for every merge, which rows
its operands are; when the analysis stopped, the node that failed is marked.

>>> from conv_calc import nn
>>> from conv_calc.graph.nodes import Residual, Stack
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

from conv_calc.graph.nodes import LayerNode, Merge, Parallel, Report, Residual, Save, Sequential

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


class _Walk:
    def __init__(self, rows: int, failed: bool) -> None:
        self.n = rows
        self.failed = failed
        self.i = 0
        self.spans: list[Span] = []
        self.merges: list[MergeInfo] = []
        self.saved: dict[str, int] = {}

    def take(self, node: Any, start: int) -> int:
        """One row for ``node``; stops the walk at the failing node."""
        if self.i >= self.n:
            self.spans.append(Span(node, start, start - 1, failed=True))
            raise _End
        self.i += 1
        return self.i - 1

    def run_list(self, nodes: Sequence[Any]) -> None:
        for node in nodes:
            self.run(node)

    def run(self, node: Any) -> None:
        start = self.i
        if isinstance(node, Save):
            self.saved[node.name] = self.i - 1
            self.spans.append(Span(node, start, start - 1))
            return
        if isinstance(node, Merge):
            operands = (self.saved.get(node.saved, -1), self.i - 1)
            if self.i >= self.n:
                self.merges.append(MergeInfo(node, operands, None, node.saved))
            row = self.take(node, start)
            self.merges.append(MergeInfo(node, operands, row, node.saved))
        elif isinstance(node, Sequential):
            self.run_list(node.nodes)
        elif isinstance(node, Residual):
            before = self.i - 1
            self.run_list(node.body)
            body = self.i - 1 if self.i - 1 >= start else before
            self.run_list(node.shortcut)
            short = self.i - 1 if node.shortcut and self.i - 1 > body else before
            if self.i >= self.n:
                self.merges.append(MergeInfo(node, (body, short), None))
            row = self.take(node, start)
            self.merges.append(MergeInfo(node, (body, short), row))
        elif isinstance(node, Parallel):
            before = self.i - 1
            ends = []
            for branch in node.branches:
                mark = self.i
                self.run_list(branch)
                ends.append(self.i - 1 if self.i > mark else before)
            if self.i >= self.n:
                self.merges.append(MergeInfo(node, tuple(ends), None))
            row = self.take(node, start)
            self.merges.append(MergeInfo(node, tuple(ends), row))
        else:  # a layer (LayerNode or a built conv_calc.nn layer)
            self.take(node, start)
        self.spans.append(Span(node, start, self.i - 1))


def walk(nodes: Sequence[Any], report: Report) -> tuple[list[Span], list[MergeInfo]]:
    """Spans of every node (children before their parents) and every merge, in order."""
    w = _Walk(len(report.layers), report.error is not None)
    try:
        w.run_list(nodes)
    except _End:
        pass
    return w.spans, w.merges


def is_layer(node: Any) -> bool:
    return isinstance(node, LayerNode) or not isinstance(
        node, (Save, Merge, Sequential, Residual, Parallel))
