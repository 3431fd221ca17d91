"""Questions about one layer asked backwards: which padding, stride or dilation gives a size.

Every answer is derived from the output-size formula (conv_calc.formulas) and then
checked by running the real :mod:`conv_calc.nn` layer's ``output_shape``, which
enforces torch's rules (pool padding <= kernel/2, reflect padding < input, ...);
a candidate the real layer rejects is dropped, never reported.

Conv and pool: ``out = floor((n + pl + pr - d*(k-1) - 1) / s) + 1`` (pools: ceil
with ``ceil_mode`` and the last-window rule). So ``out == t`` exactly when the
total padding ``T = pl + pr`` lies in ``[s*(t-1) + k_eff - n, s*(t-1) + k_eff - n + s - 1]``.

>>> from conv_calc import nn
>>> answer = solve_padding(nn.Conv2d(3, 8, 3, stride=2), 224, 112)
>>> answer.padding, answer.axes[0].symmetric
((1, 1), (1,))
>>> solve_padding(nn.Conv1d(1, 1, 4), 10, 10).axes[0].asymmetric
(1, 2)
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Sequence

from conv_calc.errors import LayerError, SolveError
from conv_calc.formulas import conv_output_size, effective_kernel_size, pool_output_size
from conv_calc.nn.base import Layer, per_axis as _per_axis  # noqa: F401 - solve.stack uses it
from conv_calc.nn.torch_args import fits_int64

__all__ = [
    "SolveError", "AxisPadding", "PaddingAnswer", "StrideDilation", "StrideAnswer",
    "solve_padding", "solve_stride_dilation", "rebuild", "layer_axes", "sizes_tuple",
]


@dataclass(frozen=True)
class AxisPadding:
    """Padding answers on one spatial axis: every symmetric ``p``, and the minimal (left, right)."""

    input: int
    output: int
    symmetric: tuple[int, ...]           # every p >= 0 that works, ascending (may be empty)
    asymmetric: tuple[int, int] | None   # minimal total, extra on the right; None: none exists
    reason: str = ""                     # why there is no answer, when there is none


@dataclass(frozen=True)
class PaddingAnswer:
    """``solve_padding``'s answer; ``padding`` / ``pad`` are None when no layer-wide answer exists."""

    layer: Any
    axes: tuple[AxisPadding, ...]
    padding: tuple[int, ...] | None          # symmetric padding per axis (the smallest)
    layer_with_padding: Any                  # the layer rebuilt with `padding`, validated
    pad: tuple[int, ...] | None              # ZeroPadNd argument (last dim first), padding=0 layer
    pad_layers: tuple[Any, Any] | None       # (ZeroPadNd, layer with padding 0), validated
    output_shape: tuple[int, ...] | None     # what the validated layer(s) produce


@dataclass(frozen=True)
class StrideDilation:
    """Strides ``stride_min..stride_max`` with dilation ``dilation`` give the target (one axis)."""

    dilation: int
    stride_min: int
    stride_max: int


@dataclass(frozen=True)
class StrideAnswer:
    layer: Any
    input: tuple[int, ...]
    output: tuple[int, ...]
    axes: tuple[tuple[StrideDilation, ...], ...]
    max_stride: int
    max_dilation: int


# ---------------------------------------------------------------------------- helpers

#: The torch layer families solve answers for (:data:`conv_calc.geometry.FAMILIES`).
SOLVED = ("conv", "transposed", "maxpool", "avgpool", "lppool")


def layer_kind(layer: Any) -> str | None:
    """'conv', 'transposed', 'maxpool', 'avgpool', 'lppool' or None: the torch layer's family."""
    family = type(layer).family if isinstance(layer, Layer) else None
    return family if family in SOLVED else None


def layer_axes(layer: Any) -> dict[str, Any]:
    """Per-axis kernel, stride, (left, right) padding, dilation of a conv or pool layer.

    Read from the layer's :meth:`~conv_calc.nn.base.Layer.axis_geometry`: the windows
    of these torch layers do not depend on the input's sizes.

    >>> from conv_calc import nn
    >>> layer_axes(nn.Conv1d(1, 1, 4, padding="same"))["padding"]
    ((1, 2),)
    """
    kind = layer_kind(layer)
    if kind is None:
        raise SolveError(f"{type(layer).__name__} is not a convolution or pooling layer",
                         "solve answers for Conv*d, ConvTranspose*d, MaxPool*d, AvgPool*d, LPPool*d.")
    nd = type(layer).spatial_dims
    axes = layer.axis_geometry((1, 1) + (1,) * nd)[2:]
    for attr, what in (("kernel", "kernel_size"), ("stride", "stride"), ("dilation", "dilation"),
                       ("pad_left", "padding"), ("pad_right", "padding")):
        values = [getattr(a, attr) for a in axes]
        if not all(v is None or fits_int64(v) for v in values):
            # torch unpacks these as int64 in forward (THPUtils_unpackLong): the layer never
            # runs, so an answer in exact arithmetic would be about nothing torch can do.
            raise SolveError(f"{layer!r} has {what}={tuple(values)}: torch cannot run it "
                             "(\"Overflow when unpacking long long\": a value past 64 bits)",
                             "use values within int64 (conv-calc layer shows torch's message).")
    for attr, what in (("kernel", "kernel_size"), ("stride", "stride"), ("dilation", "dilation")):
        values = [getattr(a, attr) for a in axes]
        if any(v < 1 for v in values):
            # torch refuses such a layer in forward whatever the padding, so no answer exists;
            # the formulas would divide by zero.
            raise SolveError(f"{layer!r} has {what}={tuple(values)}: torch refuses any "
                             f"{what} below 1, whatever the padding",
                             f"use {what} >= 1 (conv-calc layer shows torch's message).")
    return {"kernel": tuple(a.kernel for a in axes), "stride": tuple(a.stride for a in axes),
            "padding": tuple((a.pad_left, a.pad_right) for a in axes),
            "dilation": tuple(a.dilation for a in axes), "nd": nd, "kind": kind,
            "ceil_mode": axes[0].ceil_mode}


def rebuild(layer: Any, **changes: Any) -> Any:
    """The same layer class built from the layer's stored arguments with ``changes`` applied.

    >>> from conv_calc import nn
    >>> rebuild(nn.Conv2d(3, 8, 3), padding=1)
    Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    """
    cls = type(layer)
    kwargs = {}
    for name, param in inspect.signature(cls.__init__).parameters.items():
        if name == "self" or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if name in changes:
            kwargs[name] = changes[name]
        elif name in vars(layer):
            value = getattr(layer, name)
            kwargs[name] = tuple(value) if isinstance(value, list) else value
    if "bias" in kwargs and not isinstance(kwargs["bias"], bool):
        kwargs["bias"] = kwargs["bias"] is not None
    return cls(**kwargs)


def sizes_tuple(value: int | Sequence[int], nd: int, what: str) -> tuple[int, ...]:
    """An int or a per-axis sequence as ``nd`` positive ints (one value = every axis)."""
    sizes = (value,) if isinstance(value, int) else tuple(value)
    if len(sizes) == 1:
        sizes = sizes * nd
    if len(sizes) != nd or any(isinstance(v, bool) or not isinstance(v, int) for v in sizes):
        raise SolveError(f"{what} must be {nd} integer size(s), got {value!r}")
    if any(v < 1 for v in sizes):
        raise SolveError(f"{what} must be positive, got {value!r}")
    return sizes


def _input_shape(layer: Any, sizes: Sequence[int]) -> tuple[int, ...]:
    channels = getattr(layer, "in_channels", 1)
    return (1, channels, *sizes)


def _real(layer: Any, shape: Sequence[int], **forward: Any) -> tuple[int, ...] | None:
    """The real layer's output shape, or None when torch would reject it."""
    try:
        return tuple(layer.output_shape(tuple(shape), **forward))
    except LayerError:
        return None


def _pad_layer(nd: int, pad: Sequence[int]) -> Any:
    from conv_calc import nn

    return getattr(nn, f"ZeroPad{nd}d")(tuple(pad))


def _formula(kind: str, n: int, k: int, s: int, total: int, d: int, ceil: bool,
             left: int | None = None) -> int:
    """Output length for total padding ``total`` (pools: symmetric ``left`` each side)."""
    if kind == "conv":
        return conv_output_size(n, k, s, total, d, padding_right=0)
    pad = total // 2 if left is None else left
    return pool_output_size(n, k, s, pad, d, ceil)


# ---------------------------------------------------------------------------- padding

def _axis_padding(kind: str, n: int, t: int, k: int, s: int, d: int, ceil: bool) -> AxisPadding:
    keff = effective_kernel_size(k, d)
    if kind == "conv":
        lo = s * (t - 1) + keff - n        # the totals T with out == t form [lo, lo + s - 1]
        hi = lo + s - 1
        sym = tuple(range(max(0, -(-lo // 2)), hi // 2 + 1)) if hi >= 0 else ()
        total = max(lo, 0) if hi >= 0 else None
    else:
        # Pools: torch allows only p <= k_eff/2 (a small range); the formula is monotone in p.
        # Both searches are binary (a stride or kernel of 10**9 must not mean 10**9 steps).
        p_lo = _first_reaching(lambda p: pool_output_size(n, k, s, p, d, ceil), 0,
                               keff // 2 + 2, t)
        p_hi = _first_reaching(lambda p: pool_output_size(n, k, s, p, d, ceil), p_lo,
                               keff // 2 + 2, t + 1)
        sym = tuple(range(p_lo, p_hi))
        start = max(0, s * (t - 2) + keff - n)
        # The zero-padded input, pooled with padding 0: its output grows with the padding.
        T = _first_reaching(lambda T: pool_output_size(n + T, k, s, 0, d, ceil), start,
                            start + 2 * s + 2, t)
        total = T if T < start + 2 * s + 2 and \
            pool_output_size(n + T, k, s, 0, d, ceil) == t else None
    reason = ""
    if total is None:
        unpadded = _formula(kind, n, k, s, 0, d, ceil, 0)
        reason = (f"even without padding the output is {unpadded} > {t}: crop the input or raise "
                  "the stride" if unpadded > t else f"no padding gives exactly {t}")
    asym = None if total is None else (total // 2, total - total // 2)
    return AxisPadding(n, t, sym, asym, reason)


def solve_padding(layer: Any, input_size: int | Sequence[int],
                  output_size: int | Sequence[int]) -> PaddingAnswer:
    """The padding that makes ``layer`` turn ``input_size`` into ``output_size`` (per axis).

    Symmetric: every ``p`` with the layer's formula giving the target, kept when the
    real layer rebuilt with ``padding=p`` accepts it. Asymmetric: the smallest total
    ``pl + pr`` (split with the extra on the right, as torch's ``padding='same'``),
    in torch terms a ``ZeroPadNd((left, right, ...))`` before the layer with padding 0.

    >>> from conv_calc import nn
    >>> a = solve_padding(nn.MaxPool2d(3, 2), 112, 56)
    >>> a.padding, a.pad
    ((1, 1), (0, 1, 0, 1))
    >>> solve_padding(nn.Conv1d(1, 1, 3), 10, 20).axes[0].symmetric
    (6,)
    """
    info = layer_axes(layer)
    kind, nd = info["kind"], info["nd"]
    if kind == "transposed":
        raise SolveError("padding of a transposed conv: use solve_output_padding",
                         "for ConvTranspose the size is set by output_padding / output_size.")
    ins = sizes_tuple(input_size, nd, "input")
    outs = sizes_tuple(output_size, nd, "output")
    ceil = info["ceil_mode"]
    axes = []
    for j in range(nd):
        ax = _axis_padding("conv" if kind == "conv" else "pool", ins[j], outs[j],
                           info["kernel"][j], info["stride"][j], info["dilation"][j], ceil)
        axes.append(ax)
    shape = _input_shape(layer, ins)
    target = None

    # Symmetric: try the candidates, smallest first, per axis; the real layer decides.
    padding = built = None
    cands = [a.symmetric for a in axes]
    if all(cands) and kind != "lppool":
        for p0 in _products(cands):
            try:
                candidate = rebuild(layer, padding=tuple(p0))
            except LayerError:
                continue
            out = _real(candidate, shape)
            if out is not None and out[2:] == outs:
                padding, built, target = tuple(p0), candidate, out
                break
    # Asymmetric: ZeroPad then the layer with padding 0.
    pad = pads = None
    if all(a.asymmetric is not None for a in axes):
        flat = tuple(v for a in reversed(axes) for v in a.asymmetric)
        zero = rebuild(layer, padding=0) if kind != "lppool" else layer
        zp = _pad_layer(nd, flat)
        mid = _real(zp, shape)
        out = None if mid is None else _real(zero, mid)
        if out is not None and out[2:] == outs:
            pad, pads, target = flat, (zp, zero), target or out
    # The per-axis symmetric lists keep only values the real layer accepts on their own axis.
    checked = []
    for j, a in enumerate(axes):
        ok = []
        for p in a.symmetric:
            per = [0] * nd
            per[j] = p
            base = [c[0] if c else 0 for c in cands]
            base[j] = p
            try:
                cand = rebuild(layer, padding=tuple(base))
            except LayerError:
                continue
            out = _real(cand, shape)
            if kind == "lppool" or (out is not None and out[2 + j] == outs[j]):
                ok.append(p)
        checked.append(AxisPadding(a.input, a.output, tuple(ok) if kind != "lppool" else (),
                                   a.asymmetric, a.reason))
    return PaddingAnswer(layer, tuple(checked), padding, built, pad, pads, target)


def _products(lists: Sequence[Sequence[int]], limit: int = 64):
    """Combinations of one value per axis, smallest values first (bounded)."""
    import itertools

    for i, combo in enumerate(itertools.product(*lists)):
        if i >= limit:
            return
        yield combo


# ---------------------------------------------------------------------------- stride / dilation

def solve_stride_dilation(layer: Any, input_size: int | Sequence[int],
                          output_size: int | Sequence[int], max_stride: int = 64,
                          max_dilation: int = 64) -> StrideAnswer:
    """Per axis, every (stride, dilation) within the bounds that gives ``output_size``.

    Conv: for each dilation, ``floor(num / s) == t - 1`` with ``num = n + 2p - k_eff``
    holds for ``s`` in ``[num // t + 1, num // (t - 1)]``, a range reported as one
    entry; pools are scanned within the bounds with the formula. The ends of every
    range are checked with the real layer (dilation only for conv and max pooling).

    >>> from conv_calc import nn
    >>> a = solve_stride_dilation(nn.Conv1d(1, 1, 3), 32, 4, max_stride=8, max_dilation=3)
    >>> [(r.dilation, r.stride_min, r.stride_max) for r in a.axes[0]]
    [(1, 8, 8), (2, 7, 8), (3, 7, 8)]
    """
    info = layer_axes(layer)
    kind, nd = info["kind"], info["nd"]
    if kind == "transposed":
        raise SolveError("stride/dilation of a transposed conv is not solved here",
                         "use solve_output_padding for transposed convs.")
    ins = sizes_tuple(input_size, nd, "input")
    outs = sizes_tuple(output_size, nd, "output")
    ceil = info["ceil_mode"]
    dilations = range(1, max_dilation + 1) if kind in ("conv", "maxpool") else (1,)
    result = []
    for j in range(nd):
        n, t, k = ins[j], outs[j], info["kernel"][j]
        left, right = info["padding"][j]
        ranges: list[StrideDilation] = []
        for d in dilations:
            keff = effective_kernel_size(k, d)
            if kind == "conv":
                num = n + left + right - keff
                if num < 0:
                    continue
                s_lo = num // t + 1
                s_hi = max_stride if t == 1 else num // (t - 1)
                s_lo, s_hi = max(s_lo, 1), min(s_hi, max_stride)
                spans = [(s_lo, s_hi)] if s_lo <= s_hi else []
            else:
                spans = _pool_strides(n, k, left, d, ceil, t, max_stride)
            for lo, hi in spans:
                if _check_sd(layer, info, j, ins, t, lo, d) and \
                        _check_sd(layer, info, j, ins, t, hi, d):
                    ranges.append(StrideDilation(d, lo, hi))
        result.append(tuple(ranges))
    return StrideAnswer(layer, ins, outs, tuple(result), max_stride, max_dilation)


def _first_reaching(f: Any, lo: int, hi: int, target: int) -> int:
    """The smallest x in [lo, hi) with f(x) >= target for a non-decreasing f (hi: none).

    >>> _first_reaching(lambda x: x // 3, 0, 100, 5)
    15
    """
    while lo < hi:
        mid = (lo + hi) // 2
        if f(mid) >= target:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _pool_strides(n: int, k: int, pad: int, d: int, ceil: bool, t: int,
                  max_stride: int) -> list[tuple[int, int]]:
    """The strides in 1..max_stride whose pool output is ``t``, as one (lo, hi) span or none.

    Where the window fits the padded input (n + 2p >= k_eff) the output does not grow with
    the stride (checked exhaustively over small sizes, ceil_mode included), so the strides
    giving ``t`` are one run, found by two binary searches: log(max_stride) steps, not
    max_stride.

    >>> _pool_strides(1000, 3, 0, 1, False, 10, 10**6)
    [(100, 110)]
    """
    num = n + 2 * pad - effective_kernel_size(k, d)
    if num < 0:
        # A window wider than the padded input (ceil_mode may still give an output): the
        # output rises with the stride up to s = -num, then stays put. Scan that far only.
        limit = min(max_stride, 2 - num)
        runs = _runs([s for s in range(1, limit + 1)
                      if pool_output_size(n, k, s, pad, d, ceil) == t])
        if runs and runs[-1][1] == limit:
            runs[-1] = (runs[-1][0], max_stride)
        return runs

    def first(limit: int) -> int:
        """The smallest stride whose output is <= limit (max_stride + 1: none)."""
        lo, hi = 1, max_stride + 1
        while lo < hi:
            mid = (lo + hi) // 2
            if pool_output_size(n, k, mid, pad, d, ceil) <= limit:
                hi = mid
            else:
                lo = mid + 1
        return lo

    lo, hi = first(t), first(t - 1) - 1
    if lo > hi or pool_output_size(n, k, lo, pad, d, ceil) != t:
        return []
    return [(lo, hi)]


def _runs(values: Sequence[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for v in values:
        if runs and runs[-1][1] == v - 1:
            runs[-1] = (runs[-1][0], v)
        else:
            runs.append((v, v))
    return runs


def _check_sd(layer: Any, info: dict[str, Any], j: int, ins: tuple[int, ...], t: int,
              s: int, d: int) -> bool:
    """The real layer, with stride s and dilation d on axis j (others as given), gives t."""
    strides = list(info["stride"])
    strides[j] = s
    changes: dict[str, Any] = {"stride": tuple(strides)}
    if info["kind"] in ("conv", "maxpool"):
        dil = list(info["dilation"])
        dil[j] = d
        changes["dilation"] = tuple(dil)
    try:
        candidate = rebuild(layer, **changes)
    except LayerError:
        return False
    out = _real(candidate, _input_shape(layer, ins))
    return out is not None and out[2 + j] == t
