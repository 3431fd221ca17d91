"""solve_padding / solve_stride_dilation / solve_output_padding against brute force on real layers."""

from __future__ import annotations

import random

import pytest

from conv_calc import nn
from conv_calc.errors import LayerError
from conv_calc.solve.layer import rebuild, solve_padding, solve_stride_dilation
from conv_calc.solve.transposed import solve_output_padding


def _out(layer, n):
    try:
        return layer.output_shape((1, getattr(layer, "in_channels", 1), n))[-1]
    except LayerError:
        return None


def _layers(rng: random.Random):
    k, s, d = rng.randint(1, 6), rng.randint(1, 4), rng.randint(1, 3)
    return rng.choice([
        nn.Conv1d(1, 1, k, stride=s, dilation=d,
                  padding_mode=rng.choice(["zeros", "reflect", "circular"])),
        nn.MaxPool1d(k, stride=s, dilation=d, ceil_mode=rng.random() < 0.5),
        nn.AvgPool1d(k, stride=s, ceil_mode=rng.random() < 0.5),
    ])


@pytest.mark.parametrize("seed", range(300))
def test_padding_matches_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    layer = _layers(rng)
    n, t = rng.randint(1, 40), rng.randint(1, 40)
    ans = solve_padding(layer, n, t).axes[0]
    sym = []
    for p in range(0, 300):
        try:
            cand = rebuild(layer, padding=p)
        except LayerError:
            continue
        if _out(cand, n) == t:
            sym.append(p)
    assert list(ans.symmetric) == sym
    zero = rebuild(layer, padding=0)
    totals = [T for T in range(0, 400) if _out(zero, n + T) == t]
    if totals:
        assert ans.asymmetric is not None and sum(ans.asymmetric) == totals[0]
        left, right = ans.asymmetric
        assert right - left in (0, 1)
    else:
        assert ans.asymmetric is None


@pytest.mark.parametrize("seed", range(200))
def test_stride_dilation_matches_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    k, p = rng.randint(1, 5), rng.randint(0, 2)
    layer = rng.choice([nn.Conv1d(1, 1, k, padding=p),
                        nn.MaxPool1d(k, padding=min(p, k // 2), ceil_mode=rng.random() < 0.5)])
    n, t = rng.randint(1, 60), rng.randint(1, 20)
    ans = solve_stride_dilation(layer, n, t, max_stride=12, max_dilation=4)
    got = {(d, s) for r in ans.axes[0] for s in range(r.stride_min, r.stride_max + 1)
           for d in [r.dilation]}
    want = set()
    for d in range(1, 5):
        for s in range(1, 13):
            try:
                cand = rebuild(layer, stride=s, dilation=d)
            except LayerError:
                continue
            if _out(cand, n) == t:
                want.add((d, s))
    assert got == want


@pytest.mark.parametrize("seed", range(150))
def test_output_padding_inverts_every_size(seed: int) -> None:
    rng = random.Random(seed)
    s, k, d = rng.randint(1, 4), rng.randint(1, 5), rng.randint(1, 2)
    conv = nn.Conv1d(2, 3, k, stride=s, padding=rng.randint(0, 2), dilation=d)
    t = None
    if rng.random() < 0.5:
        t = nn.ConvTranspose1d(3, 2, rng.randint(1, 5), stride=s, padding=rng.randint(0, 2),
                               dilation=rng.randint(1, 2))
    rule = solve_output_padding(conv, None, t).rule[0]
    tr = t if t is not None else solve_output_padding(conv, None).transposed
    for n in range(1, 40):
        m = _out(conv, n)
        if m is None:
            continue
        ans = solve_output_padding(conv, n, t)
        works = []
        for op in range(0, 8):
            try:
                cand = rebuild(tr, output_padding=op)
            except LayerError:
                continue
            if _out(cand, m) == n:
                works.append(op)
        assert ([] if ans.output_padding is None else list(ans.output_padding)) == works[:1]
        assert rule.table[n % rule.period] == (works[0] if works else None)
