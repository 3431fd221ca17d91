"""The per-layer warning rules (CC201, CC202, CC205, CC206, CC209) and their shared helpers.

The network-level ones (receptive field, merges) are in
:mod:`conv_calc.lint.checks_net`. Each check takes the :class:`~conv_calc.lint.findings.Context`
of one file and yields :class:`~conv_calc.lint.findings.Finding` records; none prints or
decides anything else.
Layers are read through their torch attributes (``kernel_size``, ``stride``,
``padding``, ``dilation``, ``ceil_mode``), normalised to one value per axis.

>>> from conv_calc import nn
>>> from conv_calc.graph.stack import Stack
>>> from conv_calc.lint.findings import Context
>>> ctx = Context.of(Stack([nn.MaxPool2d(2)]), Stack([nn.MaxPool2d(2)]).analyze((1, 1, 7, 8)), "x.yaml")
>>> [(f.code, f.message) for f in dropped_input(ctx)]
[('CC202', 'MaxPool2d with stride 2 never reads the last 1 input row (of 7): (7 + 2*0 - 2) % 2 = 1')]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from conv_calc.graph.report import Row
from conv_calc.lint.findings import Context

__all__ = ["LAYER_CHECKS", "checkerboard", "dropped_input", "same_asymmetric",
           "excess_padding", "ceil_dropped"]

WINDOW_LAYERS = ("Conv1d", "Conv2d", "Conv3d", "MaxPool1d", "MaxPool2d", "MaxPool3d",
           "AvgPool1d", "AvgPool2d", "AvgPool3d", "LPPool1d", "LPPool2d", "LPPool3d")
TRANSPOSED = ("ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d")
UPSAMPLERS = TRANSPOSED + ("Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d")
_AXIS_WORDS = {1: (("position", "positions"),),
               2: (("row", "rows"), ("column", "columns")),
               3: (("slice", "slices"), ("row", "rows"), ("column", "columns"))}


def axes(value: Any, nd: int) -> tuple:
    if isinstance(value, (tuple, list)):
        value = tuple(value)
        return value * nd if len(value) == 1 else value
    return (value,) * nd


def spatial_dims(row: Row) -> int:
    for n, suffix in ((1, "1d"), (2, "2d"), (3, "3d")):
        if row.type.endswith(suffix):
            return n
    return 0


def _word(nd: int, axis: int, count: int) -> str:
    words = _AXIS_WORDS.get(nd, (("position", "positions"),) * nd)[axis]
    return words[0] if count == 1 else words[1]


def fmt(values: tuple) -> str:
    values = tuple(values)
    return str(values[0]) if all(v == values[0] for v in values) else "x".join(map(str, values))


def window(row: Row) -> tuple[int, tuple, tuple, tuple, tuple] | None:
    """(nd, kernel, stride, padding, dilation) per axis for a conv/pool row, else None."""
    layer = row.layer
    nd = spatial_dims(row)
    if layer is None or row.type not in WINDOW_LAYERS or not nd:
        return None
    k = axes(layer.kernel_size, nd)
    s = axes(getattr(layer, "stride", None) or layer.kernel_size, nd)
    pad = getattr(layer, "padding", 0)
    if isinstance(pad, str):
        pad = 0 if pad == "valid" else None
    p = None if pad is None else axes(pad, nd)
    d = axes(getattr(layer, "dilation", 1), nd)
    return nd, k, s, p, d


# ------------------------------------------------------------------ per-layer rules

def checkerboard(ctx: Context) -> Iterator:
    """CC201: a transposed conv whose kernel is not divisible by its stride."""
    for row in ctx.report.layers:
        if row.type not in TRANSPOSED or row.layer is None:
            continue
        nd = spatial_dims(row)
        k, s = axes(row.layer.kernel_size, nd), axes(row.layer.stride, nd)
        bad = [a for a in range(nd) if s[a] > 1 and k[a] % s[a]]
        if not bad:
            continue
        better = tuple(k[a] + (s[a] - k[a] % s[a]) if a in bad else k[a] for a in range(nd))
        yield ctx.finding(
            "CC201",
            f"{row.type} kernel_size {fmt(k)} is not divisible by stride {fmt(s)}: neighbouring "
            "outputs get uneven overlap (checkerboard artifacts)",
            f"use kernel_size={fmt(better)} (a multiple of the stride), or upsample then "
            f"convolve (Upsample(scale_factor={fmt(s)}) and a stride-1 Conv{nd}d)",
            row.source, row)


def dropped_input(ctx: Context) -> Iterator:
    """CC202: a strided conv/pool whose floor discards real input rows or columns."""
    for row in ctx.report.layers:
        w = window(row)
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
        stride = fmt(s)
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
        # torch's Conv*d only: Keras layers (Conv2D, ...) have other attribute names.
        if layer is None or row.type not in WINDOW_LAYERS[:3] or getattr(layer, "padding", None) != "same":
            continue
        nd = spatial_dims(row)
        k, d = axes(layer.kernel_size, nd), axes(layer.dilation, nd)
        odd = [a for a in range(nd) if (d[a] * (k[a] - 1)) % 2]
        if not odd:
            continue
        a = odd[0]
        total = d[a] * (k[a] - 1)
        yield ctx.finding(
            "CC205",
            f"padding='same' with kernel_size {fmt(k)}"
            + (f" and dilation {fmt(d)}" if any(x != 1 for x in d) else "")
            + f" pads {total // 2} before and {total - total // 2} after: outputs are shifted "
            "half a pixel from their inputs",
            "use an odd kernel_size (e.g. 3 or 5), or explicit padding if the shift is intended",
            row.source, row)


def excess_padding(ctx: Context) -> Iterator:
    """CC206: a conv padding more than k_eff // 2."""
    for row in ctx.report.layers:
        w = window(row)
        if w is None or row.type not in WINDOW_LAYERS[:3]:
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
            f"padding {fmt(p)} is larger than the {fmt(need)} a kernel of {fmt(keff)} needs "
            f"to keep the size{tail}",
            f"use padding={fmt(need)}" + (" (or padding='same')" if all(x == 1 for x in s)
                                           and all(x % 2 for x in keff) else ""),
            row.source, row)


def ceil_dropped(ctx: Context) -> Iterator:
    """CC209: ceil_mode=True counting a last window that torch drops."""
    for row in ctx.report.layers:
        w = window(row)
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


#: The per-layer rules, in the order their findings are produced.
LAYER_CHECKS = (checkerboard, dropped_input, same_asymmetric, excess_padding, ceil_dropped)
