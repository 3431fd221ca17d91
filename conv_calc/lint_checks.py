"""The warning rules (CC2xx): checks on an analysed network that torch would accept.

Each check takes the :class:`Context` of one file and yields
:class:`conv_calc.lint.Finding` records; none prints or decides anything else.
Layers are read through their torch attributes (``kernel_size``, ``stride``,
``padding``, ``dilation``, ``ceil_mode``), normalised to one value per axis.

>>> from conv_calc import nn
>>> from conv_calc.stack import Stack
>>> ctx = Context.of(Stack([nn.MaxPool2d(2)]), Stack([nn.MaxPool2d(2)]).analyze((1, 1, 7, 8)), "x.yaml")
>>> [(f.code, f.message) for f in dropped_input(ctx)]
[('CC202', 'MaxPool2d with stride 2 never reads the last 1 input row (of 7): (7 + 2*0 - 2) % 2 = 1')]
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from conv_calc.lint_walk import MergeInfo, Span, walk
from conv_calc.stack import Report, Row

__all__ = ["Context", "CHECKS", "run_checks"]

_WINDOW = ("Conv1d", "Conv2d", "Conv3d", "MaxPool1d", "MaxPool2d", "MaxPool3d",
           "AvgPool1d", "AvgPool2d", "AvgPool3d", "LPPool1d", "LPPool2d", "LPPool3d")
_TRANSPOSED = ("ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d")
_UPSAMPLERS = _TRANSPOSED + ("Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d")
_AXIS_WORDS = {1: (("position", "positions"),),
               2: (("row", "rows"), ("column", "columns")),
               3: (("slice", "slices"), ("row", "rows"), ("column", "columns"))}


@dataclass
class Context:
    """One analysed file: the report, the node spans and merges, where rows come from."""

    report: Report
    file: str
    spans: list[Span]
    merges: list[MergeInfo]

    @classmethod
    def of(cls, stack: Any, report: Report, file: str) -> Context:
        spans, merges = walk(stack.layers, report)
        return cls(report, file, spans, merges)

    def shape(self, index: int) -> tuple[int, ...]:
        """The output shape of row ``index`` (-1: the network input)."""
        return self.report.input_shape if index < 0 else self.report.layers[index].output_shape

    def finding(self, code: str, message: str, hint: str, source: Any, row: Row | None = None):
        from conv_calc.lint import finding

        return finding(code, message, hint, source, self.file, row)


def _axes(value: Any, nd: int) -> tuple:
    if isinstance(value, (tuple, list)):
        value = tuple(value)
        return value * nd if len(value) == 1 else value
    return (value,) * nd


def _nd(row: Row) -> int:
    for n, suffix in ((1, "1d"), (2, "2d"), (3, "3d")):
        if row.type.endswith(suffix):
            return n
    return 0


def _word(nd: int, axis: int, count: int) -> str:
    words = _AXIS_WORDS.get(nd, (("position", "positions"),) * nd)[axis]
    return words[0] if count == 1 else words[1]


def _fmt(values: tuple) -> str:
    values = tuple(values)
    return str(values[0]) if all(v == values[0] for v in values) else "x".join(map(str, values))


def _window(row: Row) -> tuple[int, tuple, tuple, tuple, tuple] | None:
    """(nd, kernel, stride, padding, dilation) per axis for a conv/pool row, else None."""
    layer = row.layer
    nd = _nd(row)
    if layer is None or row.type not in _WINDOW or not nd:
        return None
    k = _axes(layer.kernel_size, nd)
    s = _axes(getattr(layer, "stride", None) or layer.kernel_size, nd)
    pad = getattr(layer, "padding", 0)
    if isinstance(pad, str):
        pad = 0 if pad == "valid" else None
    p = None if pad is None else _axes(pad, nd)
    d = _axes(getattr(layer, "dilation", 1), nd)
    return nd, k, s, p, d


# ------------------------------------------------------------------ per-layer rules

def checkerboard(ctx: Context) -> Iterator:
    """CC201: a transposed conv whose kernel is not divisible by its stride."""
    for row in ctx.report.layers:
        if row.type not in _TRANSPOSED or row.layer is None:
            continue
        nd = _nd(row)
        k, s = _axes(row.layer.kernel_size, nd), _axes(row.layer.stride, nd)
        bad = [a for a in range(nd) if s[a] > 1 and k[a] % s[a]]
        if not bad:
            continue
        better = tuple(k[a] + (s[a] - k[a] % s[a]) if a in bad else k[a] for a in range(nd))
        yield ctx.finding(
            "CC201",
            f"{row.type} kernel_size {_fmt(k)} is not divisible by stride {_fmt(s)}: neighbouring "
            "outputs get uneven overlap (checkerboard artifacts)",
            f"use kernel_size={_fmt(better)} (a multiple of the stride), or upsample then "
            f"convolve (Upsample(scale_factor={_fmt(s)}) and a stride-1 Conv{nd}d)",
            row.source, row)


def dropped_input(ctx: Context) -> Iterator:
    """CC202: a strided conv/pool whose floor discards real input rows or columns."""
    for row in ctx.report.layers:
        w = _window(row)
        if w is None or getattr(row.layer, "ceil_mode", False):
            continue
        nd, k, s, p, d = w
        if p is None or len(row.input_shape) < nd:
            continue
        sizes = row.input_shape[-nd:]
        parts, fixes = [], []
        for a in range(nd):
            keff = d[a] * (k[a] - 1) + 1
            span = sizes[a] + 2 * p[a] - keff
            if s[a] <= 1 or span < 0:
                continue
            r = span % s[a]
            if r <= p[a]:
                continue  # only padding goes unread
            lost = r - p[a]
            parts.append((a, lost, f"{lost} input {_word(nd, a, lost)} (of {sizes[a]}): "
                                   f"({sizes[a]} + 2*{p[a]} - {keff}) % {s[a]} = {r}"))
            fixes.append(f"{sizes[a] - lost} or {sizes[a] + s[a] - r}")
        if not parts:
            continue
        text = " and the last ".join(t for _, _, t in parts)
        stride = _fmt(s)
        yield ctx.finding(
            "CC202",
            f"{row.type} with stride {stride} never reads the last {text}",
            f"make n + 2p - k_eff a multiple of the stride: an input of {' / '.join(fixes)} here, "
            "another padding or kernel"
            + (", or ceil_mode=True" if "Pool" in row.type else ""),
            row.source, row)


def same_asymmetric(ctx: Context) -> Iterator:
    """CC205: padding='same' with an even effective kernel."""
    for row in ctx.report.layers:
        layer = row.layer
        if layer is None or getattr(layer, "padding", None) != "same" or not row.type.startswith("Conv"):
            continue
        nd = _nd(row)
        k, d = _axes(layer.kernel_size, nd), _axes(layer.dilation, nd)
        odd = [a for a in range(nd) if (d[a] * (k[a] - 1)) % 2]
        if not odd:
            continue
        a = odd[0]
        total = d[a] * (k[a] - 1)
        yield ctx.finding(
            "CC205",
            f"padding='same' with kernel_size {_fmt(k)}"
            + (f" and dilation {_fmt(d)}" if any(x != 1 for x in d) else "")
            + f" pads {total // 2} before and {total - total // 2} after: outputs are shifted "
            "half a pixel from their inputs",
            "use an odd kernel_size (e.g. 3 or 5), or explicit padding if the shift is intended",
            row.source, row)


def excess_padding(ctx: Context) -> Iterator:
    """CC206: a conv padding more than k_eff // 2."""
    for row in ctx.report.layers:
        w = _window(row)
        if w is None or not row.type.startswith("Conv"):
            continue
        nd, k, s, p, d = w
        if p is None:
            continue
        keff = tuple(d[a] * (k[a] - 1) + 1 for a in range(nd))
        over = [a for a in range(nd) if p[a] > keff[a] // 2]
        if not over:
            continue
        need = tuple(x // 2 for x in keff)
        a = over[0]
        only = (p[a] - keff[a]) // s[a] + 1 if p[a] >= keff[a] else 0
        tail = (f": the outermost {only} output {_word(nd, a, only)} on each side see only padding"
                if only else ": border outputs see mostly padding")
        yield ctx.finding(
            "CC206",
            f"padding {_fmt(p)} is larger than the {_fmt(need)} a kernel of {_fmt(keff)} needs "
            f"to keep the size{tail}",
            f"use padding={_fmt(need)}" + (" (or padding='same')" if all(x == 1 for x in s)
                                           and all(x % 2 for x in keff) else ""),
            row.source, row)


def ceil_dropped(ctx: Context) -> Iterator:
    """CC209: ceil_mode=True counting a last window that torch drops."""
    for row in ctx.report.layers:
        w = _window(row)
        if w is None or not getattr(row.layer, "ceil_mode", False):
            continue
        nd, k, s, p, d = w
        p = p or (0,) * nd
        sizes = row.input_shape[-nd:]
        for a in range(nd):
            keff = d[a] * (k[a] - 1) + 1
            span = sizes[a] + 2 * p[a] - keff
            if span < 0:
                continue
            out = -(-span // s[a]) + 1
            start = (out - 1) * s[a]
            if out > 1 and start >= sizes[a] + p[a]:
                yield ctx.finding(
                    "CC209",
                    f"ceil_mode=True: the last window would start at padded position {start}, in "
                    f"the right padding (the input ends at {sizes[a] + p[a] - 1}), so torch drops "
                    f"it: {out - 1} output {_word(nd, a, out - 1)}, not {out}",
                    "if you relied on ceil((n + 2p - k) / s) + 1, lower the padding or change the "
                    "input size; otherwise suppress this warning",
                    row.source, row)
                break


# ------------------------------------------------------------------ receptive field

def _covers(row: Row, n: tuple[int, ...]) -> bool:
    rf = row.receptive_field
    nd = len(rf.size)
    last = row.output_shape[-nd:] if len(row.output_shape) >= nd else (1,) * nd
    for a in range(nd):
        for u in {0, max(0, last[a] - 1)}:
            index = [0] * nd
            index[a] = u
            hull = rf.region(*index)[a] if nd > 1 else rf.region(u)[0]
            if hull is None or hull[0] > 0 or hull[1] < n[a] - 1:
                return False
    return True


def receptive_field(ctx: Context) -> Iterator:
    """CC203 (RF larger than the input) and CC204 (widening an RF that covers everything)."""
    rows = []
    for r in ctx.report.layers:  # the encoder part: up to the first upsampling layer
        if r.type in _UPSAMPLERS:
            break
        if r.receptive_field is not None and r.type in _WINDOW and r.receptive_field.size:
            rows.append(r)
    if not rows:
        return
    nd = len(rows[0].receptive_field.size)
    if len(ctx.report.input_shape) < nd:
        return
    n = ctx.report.input_shape[-nd:]
    for row in rows:
        size = row.receptive_field.size
        if len(size) == nd and any(size[a] > n[a] for a in range(nd)):
            yield ctx.finding(
                "CC203",
                f"receptive field {_fmt(size)} is larger than the {_fmt(n)} input: from this layer "
                "on, every output's window reaches into the padding",
                "a larger input or fewer strided layers; suppress it if this is intended",
                row.source, row)
            break
    cover = None
    for row in rows:
        if cover is None:
            if len(row.receptive_field.size) == nd and _covers(row, n):
                cover = row
            continue
        w = _window(row)
        widens = w is not None and any(w[4][a] * (w[1][a] - 1) > 0 for a in range(w[0]))
        if not widens:
            continue
        later = [r for r in rows if r.index > row.index and r.type in _WINDOW
                 and _window(r) is not None
                 and any(_window(r)[4][a] * (_window(r)[1][a] - 1) > 0 for a in range(_window(r)[0]))]
        more = f" (and {len(later)} later layer{'s' if len(later) != 1 else ''})" if later else ""
        at = f" (line {cover.source.line})" if cover.source is not None else ""
        yield ctx.finding(
            "CC204",
            f"the receptive field already covers the whole {_fmt(n)} input after "
            f"'{cover.name}'{at}; this layer{more} widens it without adding context",
            "use fewer downsampling stages or a larger input; suppress it if the extra depth is "
            "for capacity, not context",
            row.source, row)
        return


# ------------------------------------------------------------------ merges

def _spatial(shape: tuple[int, ...], nd: int) -> tuple[int, ...]:
    return tuple(shape[-nd:]) if nd and len(shape) >= nd + 1 else ()


def skip_mismatch(ctx: Context) -> Iterator:
    """CC207: the upsampling before a merge with a saved tensor does not give its size."""
    rows = ctx.report.layers
    for m in ctx.merges:
        if m.saved is None or getattr(m.node, "crop", None) is not None:
            continue
        saved_i, cur_i = m.operands
        up = None
        for j in range(cur_i, saved_i, -1):
            if rows[j].type in _UPSAMPLERS:
                up = rows[j]
                break
            if rows[j].input_shape[2:] != rows[j].output_shape[2:]:
                break
        if up is None:
            continue
        nd = _nd(up) or max(0, len(up.output_shape) - 2)
        want, got = _spatial(ctx.shape(saved_i), nd), _spatial(ctx.shape(cur_i), nd)
        if not want or want == got or len(want) != len(got):
            continue
        diff = tuple(w - g for w, g in zip(want, got))
        layer = up.layer
        hint = ""
        if up.type in _TRANSPOSED:
            s = _axes(layer.stride, nd)
            dil = _axes(layer.dilation, nd)
            op = _axes(layer.output_padding, nd)
            new = tuple(op[a] + diff[a] for a in range(nd))
            if all(0 <= new[a] < max(s[a], dil[a]) for a in range(nd)):
                hint = f"set output_padding={_fmt(new)} on '{up.name}'"
        if not hint and all(x >= 0 for x in diff):
            hint = f"add `crop: center` to the merge (crops '{m.saved}' to {_fmt(got)})"
        if not hint:
            hint = (f"the decoder output is larger than '{m.saved}': lower the upsampling's "
                    "output size (padding, kernel) or pad the encoder")
        alt = " or `crop: center` on the merge" if all(x >= 0 for x in diff) and "crop" not in hint else ""
        where = f" (line {m.node.source.line})" if getattr(m.node, "source", None) else ""
        yield ctx.finding(
            "CC207",
            f"'{up.name}' gives {_fmt(got)} but the saved '{m.saved}' it is merged with"
            f"{where} is {_fmt(want)}",
            hint + alt + "; or an input size divisible by the total stride",
            up.source, up)


def _centre(ctx: Context, index: int, axis: int) -> tuple[Any, Any]:
    """(jump, start) of row ``index`` on an axis (the network input: 1, 0)."""
    if index < 0:
        return 1, 0
    rf = ctx.report.layers[index].receptive_field
    if rf is None or axis >= len(rf.jump):
        return None, None
    return rf.jump[axis], rf.start[axis]


def _num(x: Any) -> str:
    if isinstance(x, Fraction) and x.denominator != 1:
        return f"{x.numerator}/{x.denominator}"
    return str(int(x)) if isinstance(x, Fraction) else str(x)


def misaligned(ctx: Context) -> Iterator:
    """CC208: merge rows whose branches are misaligned (rf.aligned has False)."""
    for m in ctx.merges:
        if m.row is None:
            continue
        row = ctx.report.layers[m.row]
        rf = row.receptive_field
        flags = getattr(rf, "aligned", None)
        if not flags or all(flags):
            continue
        axes = [a for a, ok in enumerate(flags) if not ok]
        a = axes[0]
        pairs = [_centre(ctx, i, a) for i in m.operands]
        cropped = getattr(m.node, "crop", None) is not None
        n = ctx.report.input_shape[-len(flags):]
        local = [p for p, i in zip(pairs, m.operands)
                 if p[0] != 0 and (i < 0 or not _covers(ctx.report.layers[i], n))]
        if len(local) < len(pairs) and len(set(local)) <= 1:
            continue  # a global-context branch (pooled to 1, upsampled): nothing to align
        jumps = {p[0] for p in pairs if p[0] is not None}
        if len(jumps) > 1:
            detail = "jumps " + " vs ".join(_num(p[0]) for p in pairs) + " input pixels"
        elif not cropped and len({p[1] for p in pairs}) > 1:
            detail = ("centres of output 0 at input pixel "
                      + " vs ".join(_num(p[1]) for p in pairs))
        else:
            detail = "same jump, but some outputs are centred on different input pixels"
        nd = len(flags)
        names = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}
        axis_names = ", ".join(names.get(nd, tuple(str(i) for i in range(nd)))[i] for i in axes)
        yield ctx.finding(
            "CC208",
            f"the branches merged by {row.type} '{row.name}' are misaligned on the {axis_names} "
            f"axis ({detail})",
            "give every strided layer padding = k_eff // 2 on all branches and transposed convs "
            "kernels divisible by their stride; suppress it if the shift is intended",
            row.source, row)


CHECKS = (checkerboard, dropped_input, receptive_field, same_asymmetric, excess_padding,
          skip_mismatch, misaligned, ceil_dropped)


def run_checks(ctx: Context) -> Iterator:
    for check in CHECKS:
        yield from check(ctx)
