"""CC3xx: the ``expect:`` keys of a stack file, checked against the analysis.

An ``expect:`` on an item applies to the rows that item produced: its output
shape is the shape of its last row, ``params`` and ``macs`` are summed over its
rows, ``receptive_field`` is the last row's. A top-level ``expect:`` applies to
the whole network. An item inside a block definition is checked at every use; a
repeated item (``repeat: N``) as a whole.
Items the analysis never reached (it stopped at an error) are not checked: the
error is the finding.

>>> from conv_calc.lint.core import lint_bytes
>>> text = b"input: [1, 3, 8, 8]\\nlayers:\\n  - Conv2d: {out_channels: 4, kernel_size: 3}\\n"
>>> text += b"    expect: {output_shape: [1, 4, 8, 8], params: 112}\\n"
>>> [f.message for f in lint_bytes(text, "n.yaml").findings]
["'0': output shape [1, 4, 6, 6], expected [1, 4, 8, 8]"]
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import Any

from conv_calc.graph.stack import Stack
from conv_calc.lint.findings import Context
from conv_calc.lint.walk import Span

__all__ = ["check_expectations"]


def _shape(shape: Any) -> str:
    return "[" + ", ".join(str(d) for d in shape) + "]"


def _num(x: Any) -> str:
    if isinstance(x, Fraction):
        return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"
    if isinstance(x, tuple):
        return "[" + ", ".join(_num(v) for v in x) + "]"
    return str(x)


def _label(rows: list) -> str:
    """'name': for one row; the common dotted prefix (or 'first'..'last') for several."""
    if not rows:
        return ""
    if len(rows) == 1:
        return f"'{rows[0].name}': "
    a, b = rows[0].name.split("."), rows[-1].name.split(".")
    common = []
    for x, y in zip(a, b):
        if x != y:
            break
        common.append(x)
    if common:
        return f"'{'.'.join(common)}': "
    return f"'{rows[0].name}'..'{rows[-1].name}': "


def _check(ctx: Context, expect: Any, rows: list, output_shape: Any, label: str) -> Iterator:
    where = expect.source
    last = rows[-1] if rows else None
    if expect.output_shape is not None and output_shape is not None \
            and tuple(output_shape) != tuple(expect.output_shape):
        yield ctx.finding("CC301", f"{label}output shape {_shape(output_shape)}, expected "
                                   f"{_shape(expect.output_shape)}",
                          "fix the layers above, or update the expectation if the change is wanted",
                          where, last)
    if expect.params is not None:
        got = sum(r.params for r in rows)
        if got != expect.params:
            yield ctx.finding("CC303", f"{label}{got:,} parameters, expected {expect.params:,}",
                              "the count is torch's sum(p.numel() for p in m.parameters())",
                              where, last)
    if expect.macs is not None:
        got = sum(r.macs for r in rows)
        if got != expect.macs:
            yield ctx.finding("CC304", f"{label}{got:,} multiply-accumulates, expected "
                                       f"{expect.macs:,}", "", where, last)
    rf = None if last is None else last.receptive_field
    for key, want in expect.receptive_field.items():
        if rf is None:
            yield ctx.finding("CC302", f"{label}no receptive field here (no spatial axis), "
                                       f"expected {key} {_num(want)}", "", where, last)
            continue
        got = tuple(getattr(rf, key))
        wanted = tuple(want) if isinstance(want, tuple) else (want,) * len(got)
        if got != wanted:
            shown = got[0] if len(set(got)) == 1 and not isinstance(want, tuple) else got
            yield ctx.finding("CC302", f"{label}receptive field {key} {_num(shown)}, expected "
                                       f"{_num(want)}",
                              "sizes are in input pixels, per spatial axis (conv-calc stack "
                              "shows every layer's)", where, last)


def check_expectations(ctx: Context, stack: Stack) -> Iterator:
    """Findings for every unmet ``expect:`` of ``stack``."""
    report = ctx.report
    table = stack.expectations
    if table:
        spans = [s for s in ctx.spans if not s.failed
                 and table.get(getattr(s.node, "source", None)) is not None]
        outer = [s for s in spans if not any(
            o is not s and o.node.source == s.node.source and o.first <= s.first
            and s.last <= o.last and (o.first, o.last) != (s.first, s.last) for o in spans)]
        groups: list[Span] = []
        for span in outer:  # unnamed repeat copies are siblings: one range for all of them
            prev = groups[-1] if groups else None
            if prev is not None and prev.node.source == span.node.source \
                    and prev.last + 1 == span.first and span.last >= span.first:
                groups[-1] = Span(prev.node, prev.first, span.last)
            else:
                groups.append(span)
        for span in groups:
            expect = table[span.node.source]
            if span.last < span.first:  # a save: the tensor as it is
                if span.first == 0 and span.last == -1:
                    rows = []
                    shape = report.input_shape
                else:
                    rows = [report.layers[span.last]]
                    shape = rows[0].output_shape
                yield from _check(ctx, expect, [], shape, "")
                continue
            rows = list(report.layers[span.first:span.last + 1])
            label = _label(rows)
            yield from _check(ctx, expect, rows, rows[-1].output_shape, label)
    top = stack.expect
    if top is not None and report.error is None:
        yield from _check(ctx, top, list(report.layers), report.output_shape, "the network: ")
