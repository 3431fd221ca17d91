"""The output_padding (or output_size) that makes a transposed conv invert a conv.

A conv ``(k, s, p, d)`` maps ``n`` to ``m = floor((n + 2p - k_eff) / s) + 1``. A
transposed conv ``(k', s', p', d', op)`` maps ``m`` back to
``(m - 1)*s' - 2p' + k'_eff + op``, so it returns exactly ``n`` when::

    op = n - (m - 1)*s' + 2p' - k'_eff

With ``s' == s`` this is ``((n + 2p - k_eff) mod s) + (2p' - k'_eff) - (2p - k_eff)``:
periodic in ``n`` with period ``s`` -- for the mirrored layer (same k, s, p, d)
simply ``op = (n + 2p - k_eff) mod s``. torch accepts ``op`` only when
``0 <= op < s'`` or ``op < d'`` (``output padding must be smaller than either stride or
dilation``); forward's ``output_size=n`` is accepted under the same condition.

>>> from conv_calc import nn
>>> ans = solve_output_padding(nn.Conv2d(3, 8, 3, stride=2, padding=1), 224)
>>> ans.output_padding, ans.rule[0].formula
((1, 1), 'output_padding = (n + 2*1 - 3) mod 2 = (n - 1) mod 2')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from conv_calc.errors import LayerError, hint_of
from conv_calc.formulas import conv_transpose_output_size, effective_kernel_size
from conv_calc.solve.layer import SolveError, layer_axes, rebuild, sizes_tuple, _real

__all__ = ["AxisRule", "OutputPaddingAnswer", "solve_output_padding", "mirror_transposed"]


@dataclass(frozen=True)
class AxisRule:
    """For every input size n on one axis: op as a function of ``n mod period``.

    ``op(r)`` is the output_padding for ``n % period == r``, or None when no
    output_padding torch accepts inverts those sizes; ``runs()`` gives the same as
    at most four ranges of residues (strides can be huge: nothing here is per
    residue); ``table`` lists every residue (only ask for it when ``period`` is small).
    """

    period: int
    formula: str
    offset: int = 0                            # op(r) = ((r + offset) mod period) + shift
    shift: int = 0
    bound: int = 0                             # torch accepts 0 <= op < bound

    def op(self, r: int) -> int | None:
        value = ((r + self.offset) % self.period) + self.shift
        return value if 0 <= value < self.bound else None

    @property
    def table(self) -> tuple[int | None, ...]:
        return tuple(self.op(r) for r in range(self.period))

    def runs(self) -> list[tuple[int, int, int | None]]:
        """``(first residue, last residue, op at the first or None)``; op grows by one
        along a run that has one.

        >>> _axis_rule(3, 2, 1, 1, 1, 3, 2, 1, 1).runs()
        [(0, 0, 1), (1, 1, 0)]
        """
        s, c = self.period, self.offset % self.period
        out: list[tuple[int, int, int | None]] = []
        # Two linear pieces: r in [0, s - c) has op = r + c + shift, the rest op = r + c - s + shift.
        for lo, hi, base in ((0, s - c - 1, c + self.shift), (s - c, s - 1, c - s + self.shift)):
            if lo > hi:
                continue
            first_ok, last_ok = max(lo, -base), min(hi, self.bound - 1 - base)
            if first_ok > last_ok:
                out.append((lo, hi, None))
                continue
            if first_ok > lo:
                out.append((lo, first_ok - 1, None))
            out.append((first_ok, last_ok, first_ok + base))
            if last_ok < hi:
                out.append((last_ok + 1, hi, None))
        return out


@dataclass(frozen=True)
class OutputPaddingAnswer:
    conv: Any
    transposed: Any                            # the transposed conv as given or mirrored (op 0)
    input: tuple[int, ...] | None              # the conv's input n (None: only the rule)
    conv_output: tuple[int, ...] | None        # the conv's output m
    output_padding: tuple[int, ...] | None     # None: no accepted output_padding inverts n
    output_size: tuple[int, ...] | None        # forward's output_size that does the same
    layer: Any                                 # the transposed conv with that output_padding
    rule: tuple[AxisRule, ...]                 # per axis, for every n
    reason: str = ""


def mirror_transposed(conv: Any) -> Any:
    """The ConvTranspose with the conv's channels swapped and the same k, s, p, d, groups, bias.

    >>> from conv_calc import nn
    >>> mirror_transposed(nn.Conv2d(3, 8, 3, stride=2, padding=1))
    ConvTranspose2d(8, 3, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))
    """
    from conv_calc import nn

    info = layer_axes(conv)
    if info["kind"] != "conv":
        raise SolveError(f"{type(conv).__name__} is not a Conv1d/2d/3d",
                         "give the convolution whose size change should be undone.")
    if isinstance(conv.padding, str):
        left = tuple(lr[0] for lr in info["padding"])
        if any(lr[0] != lr[1] for lr in info["padding"]):
            raise SolveError(f"padding={conv.padding!r} pads unevenly ({info['padding']}), which "
                             "a transposed conv cannot mirror",
                             "give the transposed conv explicitly with --transposed.")
        padding = left
    else:
        padding = tuple(conv.padding)
    cls = getattr(nn, f"ConvTranspose{info['nd']}d")
    return cls(conv.out_channels, conv.in_channels, tuple(conv.kernel_size), stride=tuple(conv.stride),
               padding=padding, groups=conv.groups, bias=bool(conv.bias),
               dilation=tuple(conv.dilation))


def _signed(value: int) -> str:
    return f"+ {value}" if value >= 0 else f"- {-value}"


def _axis_rule(k: int, s: int, pl: int, pr: int, d: int, kt: int, st: int, pt: int,
               dt: int) -> AxisRule:
    keff, kteff = effective_kernel_size(k, d), effective_kernel_size(kt, dt)
    a = pl + pr - keff
    if st != s:
        return AxisRule(0, f"no closed form: the conv's stride {s} differs from the "
                           f"transposed stride {st} (op grows with n); ask for one input size")
    shift = (2 * pt - kteff) - a
    core = f"(n {_signed(a)}) mod {s}" if a else f"n mod {s}"
    text = f"output_padding = (n + {pl + pr} - {keff}) mod {s}"
    if (pl + pr) % 2 == 0 and pl == pr:
        text = f"output_padding = (n + 2*{pl} - {keff}) mod {s}"
    text += f" = {core}" if a else ""
    if shift:
        text += f" {_signed(shift)}"
    # torch accepts op when 0 <= op < stride or op < dilation (here stride == s).
    return AxisRule(s, text, a, shift, max(st, dt))


def solve_output_padding(conv: Any, input_size: int | Sequence[int] | None = None,
                         transposed: Any = None) -> OutputPaddingAnswer:
    """The output_padding making ``transposed`` (default: the mirrored conv) undo ``conv``.

    For ``input_size`` n: op per axis from the formula, checked by running the real
    transposed layer with that output_padding and with ``output_size=n``. Always:
    the rule for every n as a table over ``n mod stride`` (None where no op works).

    >>> from conv_calc import nn
    >>> conv = nn.Conv1d(1, 1, 3, stride=2)
    >>> [solve_output_padding(conv, n).output_padding for n in (7, 8)]
    [(0,), (1,)]
    >>> solve_output_padding(conv).rule[0].table
    (1, 0)
    """
    info = layer_axes(conv)
    if info["kind"] != "conv":
        raise SolveError(f"{type(conv).__name__} is not a Conv1d/2d/3d",
                         "give the convolution whose size change should be undone.")
    t = mirror_transposed(conv) if transposed is None else transposed
    tinfo = layer_axes(t)
    if tinfo["kind"] != "transposed" or tinfo["nd"] != info["nd"]:
        raise SolveError(f"{type(t).__name__} is not a ConvTranspose{info['nd']}d",
                         "the transposed conv must have as many spatial dims as the conv.")
    nd = info["nd"]
    rules = tuple(_axis_rule(info["kernel"][j], info["stride"][j], *info["padding"][j],
                             info["dilation"][j], tinfo["kernel"][j], tinfo["stride"][j],
                             tinfo["padding"][j][0], tinfo["dilation"][j]) for j in range(nd))
    if input_size is None:
        return OutputPaddingAnswer(conv, t, None, None, None, None, None, rules)
    ns = sizes_tuple(input_size, nd, "input")
    shape = (1, conv.in_channels, *ns)
    mid = _real(conv, shape)
    if mid is None:
        try:
            conv.output_shape(shape)
        except LayerError as err:
            raise SolveError(f"the conv rejects input {ns}: {err}", hint_of(err))
    ms = mid[2:]
    ops = []
    for j in range(nd):
        kt, st, (pt, _), dt = (tinfo["kernel"][j], tinfo["stride"][j], tinfo["padding"][j],
                               tinfo["dilation"][j])
        ops.append(ns[j] - conv_transpose_output_size(ms[j], kt, st, pt, 0, dt))
    bad = [j for j, (op, st, dt) in enumerate(zip(ops, tinfo["stride"], tinfo["dilation"]))
           if not (op >= 0 and (op < st or op < dt))]
    if bad:
        j = bad[0]
        reason = (f"axis {j}: inverting needs output_padding {ops[j]}, but torch accepts only "
                  f"0 <= output_padding < stride {tinfo['stride'][j]} or < dilation "
                  f"{tinfo['dilation'][j]}")
        return OutputPaddingAnswer(conv, t, ns, ms, None, None, None, rules, reason)
    layer = rebuild(t, output_padding=tuple(ops))
    back = _real(layer, mid)
    sized = _real(t, mid, output_size=ns)
    if back is None or back[2:] != ns or sized is None or sized[2:] != ns:  # pragma: no cover
        raise SolveError(f"internal: output_padding {tuple(ops)} was not confirmed by "
                         f"{type(t).__name__}.output_shape ({back}, {sized})")
    return OutputPaddingAnswer(conv, t, ns, ms, tuple(ops), ns, layer, rules)

