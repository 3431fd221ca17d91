"""The per-layer warning rules (CC201, CC202, CC205, CC206, CC209) and their shared helpers.

The network-level ones (receptive field, merges) are in
:mod:`conv_calc.lint.checks_net`. Each check takes the :class:`~conv_calc.lint.findings.Context`
of one file and yields :class:`~conv_calc.lint.findings.Finding` records; none prints or
decides anything else.
The rules speak torch: they look at :mod:`conv_calc.nn` layers, chosen by their
``family``, and read each layer's windows from its own answer
(:meth:`~conv_calc.nn.base.Layer.axis_geometry`, one :class:`~conv_calc.geometry.Axis`
per spatial dim).

>>> from conv_calc import nn
>>> from conv_calc.graph.stack import Stack
>>> from conv_calc.lint.findings import Context
>>> ctx = Context.of(Stack([nn.MaxPool2d(2)]), Stack([nn.MaxPool2d(2)]).analyze((1, 1, 7, 8)), "x.yaml")
>>> [(f.code, f.message) for f in dropped_input(ctx)]
[('CC202', 'MaxPool2d with stride 2 never reads the last 1 input row (of 7): (7 + 2*0 - 2) % 2 = 1')]
"""

from __future__ import annotations

from collections.abc import Iterator

from conv_calc.formulas import effective_kernel_size
from conv_calc.geometry import Axis
from conv_calc.graph.report import Row
from conv_calc.lint.findings import Context
from conv_calc.nn.base import Layer

__all__ = ["LAYER_CHECKS", "checkerboard", "dropped_input", "same_asymmetric",
           "excess_padding", "ceil_dropped"]

#: Layer families (:data:`conv_calc.geometry.FAMILIES`) the rules single out.
WINDOWS = ("conv", "maxpool", "avgpool", "lppool")
UPSAMPLERS = ("transposed", "upsample")
_AXIS_WORDS = {1: (("position", "positions"),),
               2: (("row", "rows"), ("column", "columns")),
               3: (("slice", "slices"), ("row", "rows"), ("column", "columns"))}


def family(row: Row) -> str | None:
    """The family of a torch layer's row; None for merges and Keras layers."""
    return type(row.layer).family if isinstance(row.layer, Layer) else None


def spatial_dims(row: Row) -> int:
    """The number of spatial dims of a torch layer's class (Conv2d: 2); 0 if none."""
    return (type(row.layer).spatial_dims or 0) if isinstance(row.layer, Layer) else 0


def spatial_axes(row: Row, nd: int, out: bool = True) -> tuple[Axis, ...]:
    """The layer's :class:`~conv_calc.geometry.Axis` on each of the last ``nd`` dims
    (``out=False``: as built, e.g. the constructor's output_padding)."""
    geometry = row.layer.axis_geometry(row.input_shape, row.output_shape if out else None)
    return geometry[len(geometry) - nd:]


def _word(nd: int, axis: int, count: int) -> str:
    words = _AXIS_WORDS.get(nd, (("position", "positions"),) * nd)[axis]
    return words[0] if count == 1 else words[1]


def fmt(values: tuple) -> str:
    values = tuple(values)
    return str(values[0]) if all(v == values[0] for v in values) else "x".join(map(str, values))


def window(row: Row) -> tuple[Axis, ...] | None:
    """The window on each spatial dim of a conv or pool row, else None."""
    if family(row) not in WINDOWS:
        return None
    return spatial_axes(row, spatial_dims(row))


# ------------------------------------------------------------------ per-layer rules

def checkerboard(ctx: Context) -> Iterator:
    """CC201: a transposed conv whose kernel is not divisible by its stride."""
    for row in ctx.report.layers:
        if family(row) != "transposed":
            continue
        nd = spatial_dims(row)
        w = spatial_axes(row, nd)
        k, s = tuple(a.kernel for a in w), tuple(a.stride for a in w)
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


def _lost(row: Row, w: tuple[Axis, ...]) -> list[tuple[int, int, int, int]]:
    """Per axis that drops real input: (axis, rows lost, remainder r, k_eff)."""
    nd = len(w)
    sizes = row.input_shape[-nd:]
    out = []
    for a, ax in enumerate(w):
        keff = effective_kernel_size(ax.kernel, ax.dilation)
        span = sizes[a] + ax.pad_left + ax.pad_right - keff
        if ax.stride <= 1 or span < 0:
            continue
        r = span % ax.stride
        if r > ax.pad_right:  # more than the padding goes unread
            out.append((a, r - ax.pad_right, r, keff))
    return out


def _read_beside(ctx: Context, readers: dict, row: Row, axes: set[int]) -> bool:
    """Does another conv/pool reading the same tensor read, on ``axes``, the last rows
    this one skips (a ResNet shortcut's 1x1 stride-2 conv beside the 3x3 that reads them)?"""
    src = ctx.sources.get(row.index)
    if src is None:
        return False
    for other in readers.get(src, ()):
        if other == row.index:
            continue
        o = ctx.report.layers[other] if other < len(ctx.report.layers) else None
        w = None if o is None else window(o)
        if w is None or len(w) != len(window(row) or ()) or w[0].ceil_mode:
            continue
        if not axes & {a for a, *_ in _lost(o, w)}:
            return True
    return False


def dropped_input(ctx: Context) -> Iterator:
    """CC202: a strided conv/pool whose floor discards real input rows or columns that no
    other layer reads; one finding per place in the file (a block used several times:
    its uses listed in order)."""
    found: dict = {}
    readers: dict[int, list[int]] = {}   # a row -> the layer rows reading its output
    for r, src in ctx.sources.items():
        readers.setdefault(src, []).append(r)
    for row in ctx.report.layers:
        w = window(row)
        if w is None or w[0].ceil_mode:
            continue
        nd = len(w)
        if len(row.input_shape) < nd:
            continue
        lost = _lost(row, w)
        if not lost or _read_beside(ctx, readers, row, {a for a, *_ in lost}):
            continue
        key = row.index if row.source is None else (row.source.line, row.source.column)
        found.setdefault(key, []).append((row, w, lost))
    for uses in found.values():
        row, w, lost = uses[0]
        nd = len(w)
        sizes = row.input_shape[-nd:]
        parts, fixes = [], []
        for a, n_lost, r, keff in lost:
            ax = w[a]
            # strided torch layers pad symmetrically (padding='same' needs stride 1)
            parts.append(f"{n_lost} input {_word(nd, a, n_lost)} (of {sizes[a]}): "
                         f"({sizes[a]} + 2*{ax.pad_left} - {keff}) % {ax.stride} = {r}")
            fixes.append(f"{sizes[a] - n_lost} or {sizes[a] + ax.stride - r}")
        text = " and the last ".join(parts)
        stride = fmt(tuple(ax.stride for ax in w))
        more = ""
        if len(uses) > 1:
            more = (f"; likewise at its {len(uses) - 1} other use(s), on inputs "
                    + ", ".join(fmt(u[0].input_shape[-nd:]) for u in uses[1:]))
        pad = _padding_for(w, [u[0].input_shape[-nd:] for u in uses])
        sizes_text = (fixes[0] + (" on each axis" if len(fixes) > 1 else "")
                      if len(set(fixes)) == 1 else " / ".join(fixes))
        where = (f"an input of {sizes_text} here, " if len(uses) == 1 else "")
        at = "at each use" if len(uses) > 1 else "at this size"
        where += f"padding={fmt(pad)} ({at})" if pad else "another padding or kernel"
        yield ctx.finding(
            "CC202",
            f"{row.type} with stride {stride} never reads the last {text}{more}",
            f"to read every input row: {where}"
            + (", or ceil_mode=True" if "Pool" in row.type else ""),
            row.source, row)


def _padding_for(w: tuple[Axis, ...], sizes: list) -> tuple[int, ...] | None:
    """The smallest symmetric padding, per axis, at which the layer reads every input row
    at all these input sizes (None when one axis needs more than kernel // 2)."""
    out = []
    for a, ax in enumerate(w):
        keff = effective_kernel_size(ax.kernel, ax.dilation)
        for p in range(ax.pad_left, max(ax.pad_left, keff // 2) + 1):
            if all((n[a] + 2 * p - keff) < 0 or (n[a] + 2 * p - keff) % ax.stride <= p
                   for n in sizes):
                out.append(p)
                break
        else:
            return None
    return tuple(out)


def same_asymmetric(ctx: Context) -> Iterator:
    """CC205: padding='same' with an even effective kernel."""
    for row in ctx.report.layers:
        # torch's Conv*d pads unevenly only for padding='same' with an even k_eff - 1
        if family(row) != "conv":
            continue
        w = window(row)
        odd = [ax for ax in w if ax.pad_left != ax.pad_right]
        if not odd:
            continue
        k, d = tuple(ax.kernel for ax in w), tuple(ax.dilation for ax in w)
        yield ctx.finding(
            "CC205",
            f"padding='same' with kernel_size {fmt(k)}"
            + (f" and dilation {fmt(d)}" if any(x != 1 for x in d) else "")
            + f" pads {odd[0].pad_left} before and {odd[0].pad_right} after: outputs are shifted "
            "half a pixel from their inputs",
            "use an odd kernel_size (e.g. 3 or 5), or explicit padding if the shift is intended",
            row.source, row)


def excess_padding(ctx: Context) -> Iterator:
    """CC206: a conv padding more than k_eff // 2."""
    for row in ctx.report.layers:
        if family(row) != "conv":
            continue
        w = window(row)
        nd = len(w)
        s, p = tuple(ax.stride for ax in w), tuple(ax.pad_left for ax in w)
        keff = tuple(effective_kernel_size(ax.kernel, ax.dilation) for ax in w)
        # padding='same' pads at most k_eff // 2 on either side, so only a number gets here
        over = [a for a in range(nd) if max(w[a].pad_left, w[a].pad_right) > keff[a] // 2]
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
        if w is None or not w[0].ceil_mode:
            continue
        nd = len(w)
        s, p = tuple(ax.stride for ax in w), tuple(ax.pad_left for ax in w)
        sizes = row.input_shape[-nd:]
        for a in range(nd):
            keff = effective_kernel_size(w[a].kernel, w[a].dilation)
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
