"""``conv-calc stack FILE --format html``: one self-contained HTML report.

No network and no external assets: the styles are inline, the pictures inline SVG.
It holds the table (as ``conv-calc stack`` prints it, the failing row marked, the
message and hint), a diagram of the network's shape flow (one box per row in execution
order; an edge that skips rows, a residual's shortcut or a branch, is an arc on the
right), the receptive field of every row (size, jump, start, as bars), and the overlap
map of each transposed convolution. Laid out for a 1280 px window and for print.

>>> from conv_calc import nn
>>> from conv_calc.graph.stack import Stack
>>> net = Stack([nn.Conv2d(1, 4, 3), nn.ConvTranspose2d(4, 1, 3, stride=2)],
...             input_shape=(1, 1, 8, 8))
>>> page = report_html(net, "net.yaml")
>>> page.startswith("<!DOCTYPE html>"), "Overlap map of 1" in page
(True, True)
>>> any(asset in page for asset in ("src=", "<link", "url(http", "@import"))  # nothing fetched
False
"""

from __future__ import annotations

from html import escape
from typing import Any, Sequence

from conv_calc.draw.grid import char_width
from conv_calc.draw.overlap import overlap_map, overlap_svg
from conv_calc.draw.svg import ACCENT, LINE, MUTED, Svg, shade
from conv_calc.errors import InputError
from conv_calc.graph.paths import PathTape, path_tape
from conv_calc.render.report import (
    COLUMNS, failed_cells, fmt_shape, format_layer_error, mode_line, output_cells, row_cells,
    total_cells,
)

__all__ = ["report_html", "flow_svg", "rf_bars_svg", "MAX_FLOW_ROWS", "MAX_OVERLAPS"]

#: The most rows drawn in the flow diagram, and the most overlap maps shown.
MAX_FLOW_ROWS = 600
MAX_OVERLAPS = 4

_CSS = """
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; color: #111; margin: 0;
       background: #fff; }
main { max-width: 1200px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 8px 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
p.meta { color: #555; margin: 2px 0; }
table { border-collapse: collapse; font-size: 12.5px; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 6px; text-align: left;
         white-space: nowrap; }
th { background: #f3f3f3; position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.failed td { background: #fde2e2; font-weight: bold; }
tr.total td { font-weight: bold; border-top: 2px solid #999; }
pre.error { background: #fff4f4; border-left: 4px solid #d62728; padding: 8px 12px;
            white-space: pre-wrap; font-size: 13px; }
.ok { color: #2ca02c; font-weight: bold; } .bad { color: #d62728; font-weight: bold; }
.scroll { overflow-x: auto; } figure { margin: 8px 0 20px; } svg { max-width: 100%; height: auto; }
nav a { margin-right: 14px; }
@media print { th { position: static; } .scroll { overflow: visible; }
               h2 { page-break-after: avoid; } figure { page-break-inside: avoid; } }
"""


def flow_svg(tape: PathTape) -> str:
    """The shape flow: a box per row (name, type, output shape), arrows down the execution
    order, and an arc on the right for every edge that skips rows (shortcuts, branches)."""
    parents = tape.parents()
    rows = [r for r in tape.report.layers if r.name in parents][:MAX_FLOW_ROWS]
    order = {"input": 0}
    for k, r in enumerate(rows, 1):
        order[r.name] = k
    step, box_h, box_w, x0 = 24, 18, 560, 20
    arcs = []
    for r in rows:
        for p in parents[r.name]:
            if p in order and order[p] != order[r.name] - 1:
                arcs.append((order[p], order[r.name]))
    # Interval colouring: an arc takes the first lane free over its whole span.
    lanes: list[int] = []  # lane -> the last row it is busy until
    placed = []
    for a, b in sorted(set(arcs)):
        lane = next((i for i, end in enumerate(lanes) if end <= a), len(lanes))
        if lane == len(lanes):
            lanes.append(b)
        else:
            lanes[lane] = b
        placed.append((a, b, lane))
    width = x0 + box_w + 30 + 12 * len(lanes) + 20
    height = 20 + (len(rows) + 1) * step + 10
    svg = Svg(width, height, title="shape flow")
    svg.rect(0, 0, width, height, fill="#ffffff")
    names = ["input"] + [r.name for r in rows]
    failed = tape.report.failed.name if tape.report.failed is not None else None
    for k, name in enumerate(names):
        y = 10 + k * step
        if k == 0:
            label, kind = f"input  {fmt_shape(tape.report.input_shape)}", ""
        else:
            r = rows[k - 1]
            label, kind = f"{r.name}  {fmt_shape(r.output_shape)}", r.type
        merge = k > 0 and len(parents[name]) > 1
        svg.rect(x0, y, box_w, box_h, rx=3, fill="#eef5fb" if merge else "#f7f7f7",
                 stroke=ACCENT if name == failed else LINE, stroke_width=1)
        budget = int((box_w - 150) / char_width(11.5))
        svg.text(x0 + 6, y + 13, label if len(label) <= budget else label[:budget - 1] + "…",
                 font_size=11.5)
        svg.text(x0 + box_w - 6, y + 13, kind, font_size=11, fill=MUTED, text_anchor="end")
        if k > 0 and order.get(parents[name][0], -1) == k - 1 or \
                k > 0 and any(order.get(p) == k - 1 for p in parents[name]):
            svg.line(x0 + 24, y - step + box_h, x0 + 24, y, stroke="#777777", stroke_width=1)
    for a, b, lane in placed:
        xa = x0 + box_w + 12 + 12 * lane
        ya, yb = 10 + a * step + box_h / 2, 10 + b * step + box_h / 2
        svg.element("path", d=f"M {x0 + box_w} {ya} H {xa} V {yb} H {x0 + box_w + 4}",
                    fill="none", stroke="#4292c6", stroke_width=1.2)
        svg.element("path", d=f"M {x0 + box_w + 4} {yb - 3} L {x0 + box_w} {yb} "
                              f"L {x0 + box_w + 4} {yb + 3}", fill="none", stroke="#4292c6",
                    stroke_width=1.2)
    return svg.render()


def _first(values: Any) -> Any:
    return values[0] if isinstance(values, tuple) and values else values


def rf_bars_svg(report: Any) -> str:
    """The receptive field of every row (first spatial axis): one bar per row, its size
    written beside it, so the growth through the network reads at a glance."""
    rows = [r for r in report.layers if r.receptive_field is not None][:MAX_FLOW_ROWS]
    sizes = [int(_first(r.receptive_field.size) or 0) for r in rows]
    largest = max(sizes, default=1) or 1
    step, x0, bar_w = 16, 250, 560
    height = 16 + len(rows) * step + 10
    svg = Svg(x0 + bar_w + 120, height, title="receptive field per row")
    svg.rect(0, 0, x0 + bar_w + 120, height, fill="#ffffff")
    for k, (r, size) in enumerate(zip(rows, sizes)):
        y = 10 + k * step
        name = r.name if len(r.name) <= 34 else r.name[:33] + "…"
        svg.text(x0 - 8, y + 10, name, font_size=11, text_anchor="end")
        w = max(1.0, bar_w * size / largest)
        svg.rect(x0, y + 1, w, step - 4, fill=shade(size, largest))
        rf = r.receptive_field
        svg.text(x0 + w + 6, y + 10, f"{size}  (jump {_first(rf.jump)})", font_size=10.5,
                 fill=MUTED)
    return svg.render()


def _table(report: Any) -> str:
    head = "".join(f'<th class="{"num" if right else ""}">{escape(h)}</th>'
                   for h, right in COLUMNS)
    body = []

    def tr(cells: Sequence[str], cls: str = "") -> str:
        tds = "".join(f'<td class="{"num" if right else ""}">{escape(c)}</td>'
                      for c, (_, right) in zip(cells, COLUMNS))
        return f'<tr class="{cls}">{tds}</tr>'
    for r in report.layers:
        body.append(tr(row_cells(r)))
    fail = failed_cells(report)
    if fail is not None:
        body.append(tr(fail, "failed"))
    body.append(tr(total_cells(report), "total"))
    for cells in output_cells(report):
        body.append(tr(cells))
    return (f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>'
            + "".join(body) + "</tbody></table></div>")


def _overlaps(tape: PathTape) -> list[str]:
    figures = []
    for r in tape.report.layers:
        if len(figures) >= MAX_OVERLAPS:
            break
        layer = r.layer
        geometry = getattr(layer, "axis_geometry", None)
        if geometry is None or r.name not in tape.by_name:
            continue
        if not any(a.kind == "window" and a.transposed
                   for a in geometry(r.input_shape, r.output_shape)):
            continue
        try:
            figures.append(overlap_svg(overlap_map(None, r.name, tape=tape)))
        except InputError as err:
            figures.append(f"<p>{escape(r.name)}: {escape(str(err))}</p>")
    return figures


def report_html(stack: Any, name: str, input_shape: Sequence[int] | None = None,
                mode: str | None = None, tape: PathTape | None = None) -> str:
    """The whole report for ``stack`` (its file called ``name``) as one HTML page
    (``tape``: the network's :func:`~conv_calc.graph.paths.path_tape`, when already made)."""
    tape = tape or path_tape(stack, input_shape, mode)
    report = tape.report
    status = ('<span class="ok">every layer accepts its input</span>' if report.error is None
              else '<span class="bad">a layer fails: see the message below the table</span>')
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(name)}: conv-calc report</title><style>{_CSS}</style></head>",
        "<body><main>", f"<h1>{escape(name)}</h1>",
        f'<p class="meta">input {escape(fmt_shape(report.input_shape))} · '
        f"{escape(mode_line(report))} · {len(report.layers)} rows · {status}</p>",
        '<nav><a href="#table">table</a><a href="#flow">shape flow</a>'
        '<a href="#rf">receptive fields</a><a href="#overlap">overlap maps</a></nav>',
        '<h2 id="table">Layers</h2>', _table(report)]
    if report.error is not None:
        parts.append(f'<pre class="error">{escape(format_layer_error(report.error, report.failed))}'
                     "</pre>")
    parts.append('<h2 id="flow">Shape flow</h2>')
    parts.append('<p class="meta">One box per row, in execution order; an arc on the right is '
                 "an edge that skips rows (a shortcut, a branch, a saved tensor). Blue boxes "
                 "merge several tensors.</p>")
    parts.append(f'<figure class="scroll">{flow_svg(tape)}</figure>')
    parts.append('<h2 id="rf">Receptive field per row</h2>')
    parts.append('<p class="meta">Size along the first spatial axis, in input pixels, and the '
                 "jump (input pixels between neighbouring outputs); the table has every axis.</p>")
    parts.append(f'<figure class="scroll">{rf_bars_svg(report)}</figure>')
    parts.append('<h2 id="overlap">Overlap maps</h2>')
    overlaps = _overlaps(tape)
    if overlaps:
        parts.extend(f'<figure class="scroll">{f}</figure>' for f in overlaps)
    else:
        parts.append('<p class="meta">No transposed convolution: every output gets the same '
                     "number of paths away from the borders.</p>")
    parts.append('<p class="meta">Written by conv-calc; self-contained, no network access.</p>')
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"
