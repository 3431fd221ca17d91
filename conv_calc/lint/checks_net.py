"""The network-level warning rules: receptive field (CC203, CC204) and merges (CC207, CC208).

>>> from conv_calc import nn
>>> from conv_calc.lint.findings import Context
>>> from conv_calc.graph.nodes import Parallel
>>> from conv_calc.graph.stack import Stack
>>> stack = Stack([Parallel(((nn.Conv2d(4, 4, 1, stride=2),), (nn.Conv2d(4, 4, 2, stride=2),)))])
>>> ctx = Context.of(stack, stack.analyze((1, 4, 8, 8)), "x.yaml")
>>> [f.code for f in misaligned(ctx)]
['CC208']
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import Any

from conv_calc.graph.report import Row
from conv_calc.lint.checks import (
    UPSAMPLERS, WINDOWS, family, fmt, spatial_axes, spatial_dims, window,
)
from conv_calc.lint.findings import Context

__all__ = ["NET_CHECKS", "receptive_field", "skip_mismatch", "misaligned"]


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
        if family(r) in UPSAMPLERS:
            break
        if r.receptive_field is not None and family(r) in WINDOWS and r.receptive_field.size:
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
                f"receptive field {fmt(size)} is larger than the {fmt(n)} input: from this layer "
                "on, every output's window reaches into the padding",
                "a larger input or fewer strided layers; suppress it if this is intended",
                row.source, row)
            break
    # A widening layer adds no context when the tensor it reads already depends on every
    # input position; rows are followed along the tensors they read (a branch that left
    # before the field grew is not "after" it).
    covering: dict[int, bool] = {}

    def covers(index: int) -> bool:
        if index not in covering:
            row = ctx.report.layers[index]
            covering[index] = (row.receptive_field is not None
                               and len(row.receptive_field.size) == nd and _covers(row, n))
        return covering[index]

    late = [r for r in rows if _widens(r) and ctx.sources.get(r.index, -1) >= 0
            and covers(ctx.sources[r.index])]
    if not late:
        return
    row = late[0]
    cover = ctx.sources[row.index]
    while ctx.sources.get(cover, -1) >= 0 and covers(ctx.sources[cover]):
        cover = ctx.sources[cover]  # back to the first row on this path that covers
    cover_row = ctx.report.layers[cover]
    more = (f" (and {len(late) - 1} later layer{'s' if len(late) != 2 else ''})"
            if len(late) > 1 else "")
    at = f" (line {cover_row.source.line})" if cover_row.source is not None else ""
    yield ctx.finding(
        "CC204",
        f"the receptive field already covers the whole {fmt(n)} input after "
        f"'{cover_row.name}'{at}; this layer{more} widens it without adding context",
        "use fewer downsampling stages or a larger input; suppress it if the extra depth is "
        "for capacity, not context",
        row.source, row)


def _widens(row: Row) -> bool:
    """Whether a conv/pool row's window spans more than one position on some axis."""
    w = window(row)
    return w is not None and any(a.dilation * (a.kernel - 1) > 0 for a in w)


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
            if family(rows[j]) in UPSAMPLERS:
                up = rows[j]
                break
            if rows[j].input_shape[2:] != rows[j].output_shape[2:]:
                break
        if up is None:
            continue
        nd = spatial_dims(up) or max(0, len(up.output_shape) - 2)
        want, got = _spatial(ctx.shape(saved_i), nd), _spatial(ctx.shape(cur_i), nd)
        if not want or want == got or len(want) != len(got):
            continue
        diff = tuple(w - g for w, g in zip(want, got))
        hint = ""
        if family(up) == "transposed":
            w = spatial_axes(up, nd, out=False)   # the output_padding the layer was built with
            s, dil = tuple(a.stride for a in w), tuple(a.dilation for a in w)
            new = tuple(w[a].output_padding + diff[a] for a in range(nd))
            if all(0 <= new[a] < max(s[a], dil[a]) for a in range(nd)):
                hint = f"set output_padding={fmt(new)} on '{up.name}'"
        if not hint and all(x >= 0 for x in diff):
            hint = f"add `crop: center` to the merge (crops '{m.saved}' to {fmt(got)})"
        if not hint:
            hint = (f"the decoder output is larger than '{m.saved}': lower the upsampling's "
                    "output size (padding, kernel) or pad the encoder")
        alt = " or `crop: center` on the merge" if all(x >= 0 for x in diff) and "crop" not in hint else ""
        where = f" (line {m.node.source.line})" if getattr(m.node, "source", None) else ""
        yield ctx.finding(
            "CC207",
            f"'{up.name}' gives {fmt(got)} but the saved '{m.saved}' it is merged with"
            f"{where} is {fmt(want)}",
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
        means = [_mean_centre(ctx, m, k, a) for k in range(len(m.operands))] \
            if len(jumps) == 1 else []
        if means and None not in means and len({x for x, _ in means}) == 1:
            # Aligned on average: only outputs within one upsampling window share a centre
            # (a k2/s2 up-convolution, nearest upsampling): no padding or crop changes that.
            continue
        if len(jumps) == 1 and _causal(ctx, m, a):
            continue  # every branch ends at the same input position: causal by design
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
            _shift_hint(ctx, m, means) if means and None not in means else
            "give every strided layer padding = k_eff // 2 on all branches and transposed convs "
            "kernels divisible by their stride; suppress it if the shift is intended",
            row.source, row)


def _operand_name(ctx: Context, m: Any, k: int) -> str:
    i = m.operands[k]
    if k == 0 and m.saved:
        return m.saved
    return "the input" if i < 0 else ctx.report.layers[i].name


def _mean_centre(ctx: Context, m: Any, k: int, axis: int) -> tuple[Any, Any] | None:
    """(mean over one period of ``centre(u) - u * jump``, jump) of operand ``k`` on an axis,
    after the merge's centre crop; None when the branch has several components."""
    i = m.operands[k]
    if i < 0:
        return Fraction(0), Fraction(1)
    st = _one_component(ctx, i, axis)
    if st is None:
        return None
    rf = ctx.report.layers[i].receptive_field
    jump = Fraction(st.jump)
    offsets = [Fraction(h[0] + h[1], 2) - u * jump
               for u in range(st.period) if (h := st.hull(u)) is not None]
    if not offsets:
        return None
    mean = sum(offsets) / len(offsets)
    if getattr(m.node, "crop", None) is not None and k == 0 and len(m.operands) > 1:
        nd = len(rf.jump)
        big = ctx.shape(i)[-nd:][axis]
        small = ctx.shape(m.operands[1])[-nd:][axis]
        mean += ((big - small) // 2) * jump  # crop keeps positions top .. top + h - 1
    return mean, jump


def _one_component(ctx: Context, i: int, axis: int) -> Any:
    """Row ``i``'s state on ``axis`` when it has a field there made of one component, else None."""
    states = getattr(ctx.report.layers[i].receptive_field, "states", ())
    if axis >= len(states) or len(states[axis].live) > 1:
        return None
    return states[axis]


def _causal(ctx: Context, m: Any, axis: int) -> bool:
    """Do all branches' outputs end (max D(u)) at the same input position for every u,
    with at least one that is not centred there (WaveNet's causal dilated convolutions)?"""
    edges = set()
    for i in m.operands:
        if i < 0:
            edges.add(((0, Fraction(1)),))
            continue
        st = _one_component(ctx, i, axis)
        if st is None:
            return False
        jump = Fraction(st.jump)
        if st.period != 1:
            return False
        h = st.hull(0)
        if h is None:
            return False
        edges.add(((h[1], jump),))
    return len(edges) == 1


def _shift_hint(ctx: Context, m: Any, means: list) -> str:
    """How far the first branch that differs is shifted, in input pixels and positions."""
    (base, jump), k = means[0], next(j for j, (x, _) in enumerate(means) if x != means[0][0])
    d = means[k][0] - base
    steps = d / jump
    where = (f"'{_operand_name(ctx, m, k)}' is centred {_num(abs(d))} input pixels "
             f"{'after' if d > 0 else 'before'} '{_operand_name(ctx, m, 0)}'")
    if d.denominator != 1:
        move = ("an even kernel centres its outputs between two pixels: give the paths kernels "
                "of the same parity (odd on both, or padding that recentres)")
    elif steps.denominator == 1:
        move = (f"{_num(abs(steps))} position(s) of the merged tensors: pad or crop "
                f"'{_operand_name(ctx, m, k)}' by {_num(abs(steps))} at the "
                f"{'start' if d > 0 else 'end'}, or change a padding on its path")
    else:
        move = (f"change a padding on one path by {_num(abs(d))} input pixels' worth (one unit "
                "of padding before a layer moves its outputs by that layer's input jump)")
    return f"{where} ({move}); suppress it if the shift is intended (causal convolutions)"


#: The network-level rules, in the order their findings are produced.
NET_CHECKS = (receptive_field, skip_mismatch, misaligned)
