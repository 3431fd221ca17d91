"""What lint produces: :class:`Finding` records, and the :class:`Context` every rule reads.

A rule (conv_calc.lint.checks, checks_net, expect) takes the :class:`Context` of one
analysed file and yields findings through :meth:`Context.finding`, which gives
each the rule's severity and the place it comes from.

>>> from conv_calc.graph.nodes import Source
>>> f = finding("CC202", "never reads the last row", "", Source("n.yaml", 3, 5), "n.yaml")
>>> f.code, f.severity, f.line, f.column, f.name
('CC202', 'warning', 3, 5, 'dropped-input')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conv_calc.graph.report import Report, Row
from conv_calc.lint.rules import RULES
from conv_calc.lint.walk import MergeInfo, Span, walk

__all__ = ["Finding", "finding", "Context"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: rule code, severity, message, hint, where (1-based) and which layer."""

    code: str
    severity: str
    message: str
    hint: str = ""
    file: str = ""
    line: int = 1
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None
    layer_index: int | None = None
    layer_name: str | None = None

    @property
    def name(self) -> str:
        rule = RULES.get(self.code)
        return rule.name if rule else self.code

    def sort_key(self) -> tuple:
        # On one line (a block used several times), in the order the rows run.
        return (self.line, self.column, self.code,
                -1 if self.layer_index is None else self.layer_index, self.message)


def finding(code: str, message: str, hint: str, source: Any, file: str, row: Any = None) -> Finding:
    """A finding at ``source`` (a conv_calc.graph.nodes.Source; None: line 1) with the rule's severity."""
    rule = RULES[code]
    loc: dict[str, Any] = {"line": 1, "column": 1}
    if source is not None:
        loc = {"line": source.line, "column": source.column,
               "end_line": getattr(source, "end_line", None),
               "end_column": getattr(source, "end_column", None)}
    return Finding(code, rule.severity, message, hint, file, **loc,
                   layer_index=None if row is None else row.index,
                   layer_name=None if row is None else row.name)


@dataclass(frozen=True)
class Context:
    """One analysed file: the report, the node spans and merges, where rows come from."""

    report: Report
    file: str
    spans: list[Span]
    merges: list[MergeInfo]
    sources: dict[int, int] = field(default_factory=dict)  # layer row -> the row it reads

    @classmethod
    def of(cls, stack: Any, report: Report, file: str) -> Context:
        sources: dict[int, int] = {}
        spans, merges = walk(stack.layers, report, tuple(getattr(stack, "inputs", ())), sources)
        return cls(report, file, spans, merges, sources)

    def shape(self, index: int) -> tuple[int, ...]:
        """The output shape of row ``index`` (-1: the network input)."""
        return self.report.input_shape if index < 0 else self.report.layers[index].output_shape

    def finding(self, code: str, message: str, hint: str, source: Any, row: Row | None = None):
        return finding(code, message, hint, source, self.file, row)
