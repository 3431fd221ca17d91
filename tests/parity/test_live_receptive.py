"""Autograd check with real torch: the gradient support of one output is its dependency set.

All weights one, no bias, float64, an all-ones input, avg pools (no max): nothing
cancels, so the support of d out[u] / d input is exactly the set of input pixels
output u depends on. DESIGN.md treats every tensor as extending without end; torch
pads with zeros, so the two agree on the outputs whose dependencies never touch a
padding position at any layer ("interior" outputs): those are compared exactly.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conv_calc import nn as cnn
from conv_calc.receptive.layers import interpolate_taps
from conv_calc.graph.nodes import Parallel
from conv_calc.graph.stack import Stack

torch = pytest.importorskip("torch")

COUNTS = {"chains": 0, "outputs": 0}

op = st.one_of(
    st.tuples(st.just("conv"), st.integers(1, 5), st.integers(1, 3), st.integers(0, 3), st.integers(1, 3)),
    st.tuples(st.just("avg"), st.integers(1, 4), st.integers(1, 3), st.integers(0, 2)),
    st.tuples(st.just("tconv"), st.integers(1, 5), st.integers(1, 3), st.integers(0, 2), st.integers(1, 2)),
    st.tuples(st.just("near"), st.integers(2, 3)),
    st.tuples(st.just("lin"), st.just(2)),
    st.tuples(st.just("pad"), st.integers(0, 3), st.integers(0, 3)),
    st.tuples(st.just("res"), st.integers(0, 2), st.integers(1, 2)),  # x + conv(k=2h+1, d, same)
)


def build(o):
    """(conv_calc node, torch module, taps(o_index, n_in, n_out) -> set)."""
    kind = o[0]
    if kind == "conv":
        _, k, s, p, d = o
        p = min(p, (d * (k - 1) + 1) // 2)  # keep torch's pad <= half kernel rule for pools harmlessly
        return (cnn.Conv1d(1, 1, k, s, p, d, bias=False), torch.nn.Conv1d(1, 1, k, s, p, d, bias=False),
                lambda u, n, m: {u * s - p + t * d for t in range(k)})
    if kind == "avg":
        _, k, s, p = o
        p = min(p, k // 2)
        return (cnn.AvgPool1d(k, s, p), torch.nn.AvgPool1d(k, s, p),
                lambda u, n, m: {u * s - p + t for t in range(k)})
    if kind == "tconv":
        _, k, s, p, d = o
        return (cnn.ConvTranspose1d(1, 1, k, s, p, dilation=d, bias=False),
                torch.nn.ConvTranspose1d(1, 1, k, s, p, dilation=d, bias=False),
                lambda u, n, m: {(u + p - t * d) // s for t in range(k) if (u + p - t * d) % s == 0})
    if kind == "near":
        f = o[1]
        return (cnn.Upsample(scale_factor=f), torch.nn.Upsample(scale_factor=f),
                lambda u, n, m: {u // f})
    if kind == "lin":
        return (cnn.Upsample(scale_factor=2, mode="linear"),
                torch.nn.Upsample(scale_factor=2, mode="linear"),
                lambda u, n, m: set(interpolate_taps("linear", n, m, 2.0, False)[u])
                if 0 <= u < m else {None})  # outside the real output: not interior
    if kind == "pad":
        _, a, b = o
        return (cnn.ZeroPad1d((a, b)), torch.nn.ZeroPad1d((a, b)), lambda u, n, m: {u - a})
    if kind == "res":
        _, h, d = o
        k = 2 * h + 1

        class Res(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.c = torch.nn.Conv1d(1, 1, k, padding=h * d, dilation=d, bias=False)

            def forward(self, x):
                return x + self.c(x)
        node = Parallel(branches=((cnn.Conv1d(1, 1, k, padding=h * d, dilation=d, bias=False),), ()),
                        merge="add")
        return node, Res(), lambda u, n, m: {u} | {u - h * d + t * d for t in range(k)}


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(op, min_size=1, max_size=5), st.integers(8, 40))
def test_gradient_support_is_the_dependency_set(ops, n):
    check_chain(ops, n)


def check_chain(ops: list, n: int) -> None:
    """Every interior output's gradient support equals the dependency set and the RF region."""
    parts = [build(o) for o in ops]
    report = Stack([p[0] for p in parts]).analyze((1, 1, n))
    if report.error is not None:
        return
    model = torch.nn.Sequential(*[p[1] for p in parts]).double()
    for prm in model.parameters():
        torch.nn.init.ones_(prm)
    lengths = [n] + [r.output_shape[-1] for r in report.layers if r.type != "add"]
    rf = report.layers[-1].receptive_field
    x = torch.ones(1, 1, n, dtype=torch.float64, requires_grad=True)
    y = model(x)
    assert tuple(y.shape) == report.output_shape
    m = y.shape[-1]
    for u in range(m):
        # explicit dependency set; None marks an index outside some layer's real range
        cur = {u}
        interior = True
        for (node, mod, taps), n_in, n_out in zip(reversed(parts), reversed(lengths[:-1]),
                                                  reversed(lengths[1:])):
            nxt = set()
            for v in cur:
                nxt |= taps(v, n_in, n_out)
            if None in nxt or any(not 0 <= v < n_in for v in nxt):
                interior = False
                break
            cur = nxt
        if not interior:
            continue
        (g,) = torch.autograd.grad(y[0, 0, u], x, retain_graph=True)
        support = {i for i in range(n) if g[0, 0, i] != 0}
        assert support == cur, (ops, n, u)
        assert rf.region(u)[0] == ((min(cur), max(cur)) if cur else None), (ops, n, u)
        COUNTS["outputs"] += 1
    COUNTS["chains"] += 1


FIXED_CHAINS = [
    ([("conv", 3, 2, 1, 1), ("conv", 3, 1, 1, 2)], 24),
    ([("tconv", 3, 2, 1, 1), ("avg", 2, 2, 0)], 16),
    ([("near", 2), ("conv", 3, 1, 1, 1), ("res", 1, 2)], 12),
    ([("pad", 1, 2), ("lin", 2), ("conv", 2, 2, 0, 1)], 20),
]


def test_fixed_chains_compare_real_outputs():
    """The property test is not vacuous: on fixed chains, outputs are really compared with
    torch's gradients (COUNTS also tallies the property test's work; pytest -s prints it)."""
    before = dict(COUNTS)
    for ops, n in FIXED_CHAINS:
        check_chain(ops, n)
    print(COUNTS)
    assert COUNTS["chains"] - before["chains"] == len(FIXED_CHAINS)
    assert COUNTS["outputs"] - before["outputs"] >= 4 * len(FIXED_CHAINS)
