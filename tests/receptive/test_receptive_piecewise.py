"""torch.cat along a spatial axis as piecewise tables (conv_calc/receptive/piecewise.py).

The piecewise path must give exactly what writing the cat's table out position by
position gives (the definition, and what stack_analysis did before): forced on
small cats (ENUMERATE = 0), it is compared with that enumeration, through random
branches, random layers after the cat, merges with other states and alignment.
Then a cat of 10^8-position branches must finish at once, through the API and the CLI.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conv_calc.receptive import piecewise as pw
from conv_calc.receptive import AxisMap, AxisState, Component, aligned
from tests.receptive.test_receptive_bruteforce import axis_map, nets, op, state_of


def enumerated_cat(parts, sizes):
    """The definition: one table entry per output position, period = total length."""
    n = sum(sizes)
    if n == 0:
        return parts[0].union(*parts[1:])
    lo, hi = [], []
    for s, size in zip(parts, sizes):
        for u in range(size):
            h = s.hull(u)
            lo.append(None if h is None else h[0])
            hi.append(None if h is None else h[1])
    jump = max(parts, key=lambda p: p.jump).jump
    return AxisState((Component(n, round(n * jump), tuple(lo), tuple(hi)).reduced(),))


def same(a: AxisState, b: AxisState, n: int) -> None:
    period = max(a.period, b.period) if a.period < 10**6 else b.period
    for u in range(-period - 3, 2 * period + 3):
        assert a.hull(u) == b.hull(u), u
    assert a.jump == b.jump
    assert a.live and b.live or not a.live and not b.live
    assert a.fields(n) == b.fields(n)
    assert a.fields(None) == b.fields(None) or len(a.live) > 1


small_nets = nets(1)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(small_nets, st.integers(0, 9)), min_size=1, max_size=3),
       st.lists(st.one_of(op, st.tuples(st.just("add"), small_nets),
                          st.tuples(st.just("collapse"), st.integers(0, 12))), max_size=4),
       small_nets)
def test_piecewise_cat_equals_the_enumerated_table(monkeypatch_enumerate, branches, tail, other):
    parts = [state_of(net) for net, _ in branches]
    sizes = [size for _, size in branches]
    want = enumerated_cat(parts, sizes)
    got = pw.cat_state(parts, sizes)
    n = sum(sizes) or 1
    same(got, want, n)
    o = state_of(other)
    if len(got.live) <= 1 and len(o.live) <= 1:
        assert aligned([got, o]) == aligned([want, o])
        assert aligned([o, got, got]) == aligned([o, want, want])
    for item in tail:
        if item[0] == "add":
            extra = state_of(item[1])
            got, want = got.union(extra), want.union(extra)
        elif item[0] == "collapse":
            got, want = got.collapsed(item[1]), want.collapsed(item[1])
        else:
            got, want = got.then(axis_map(item)), want.then(axis_map(item))
        same(got, want, n)


@pytest.fixture
def monkeypatch_enumerate(monkeypatch):
    monkeypatch.setattr(pw, "ENUMERATE", 0)  # the piecewise path even for tiny cats


def test_cat_of_huge_branches_is_fast():
    x = AxisState.identity()
    t0 = time.perf_counter()
    conv = x.then(AxisMap.conv(3, 1, 1))
    up = x.then(AxisMap.transposed(4, 2, 1))
    s = pw.cat_state([x, conv, up], [10**8, 10**8, 2 * 10**8])
    assert s.hull(10**8 - 1) == (10**8 - 1,) * 2 and s.hull(10**8) == (-1, 1)
    assert s.fields(4 * 10**8) == {"size": 3, "size_min": 1, "jump": 1, "start": 0,
                                   "effective_padding": 0}
    after = s.then(AxisMap.conv(5, 2, 2)).then(AxisMap.transposed(3, 2, 1)).union(up)

    def hull(hs):
        hs = [h for h in hs if h]
        return (min(h[0] for h in hs), max(h[1] for h in hs)) if hs else None

    def by_definition(v):  # conv: o reads 2o-2 .. 2o+2; transposed: v = 2i - 1 + t
        conv_out = [hull(s.hull(2 * i - 2 + t) for t in range(5))
                    for t in range(3) if (v + 1 - t) % 2 == 0 for i in [(v + 1 - t) // 2]]
        return hull(conv_out + [up.hull(v)])

    for v in (0, 1, 10**8 - 2, 10**8 - 1, 10**8, 10**8 + 1, 2 * 10**8 + 3, 4 * 10**8 - 1,
              4 * 10**8, -1):
        assert after.hull(v) == by_definition(v), v
    # output 0 of the strided conv reads virtual positions -2, -1: the previous period,
    # whose last branch (jump 1/2) sits 4*10^8 - 10^8 coordinates lower (the convention)
    assert after.collapsed(4 * 10**8).hull(7)[0] == by_definition(0)[0] == -300000002
    assert aligned([s, s]) and not aligned([s, conv])
    assert time.perf_counter() - t0 < 0.5


def test_medium_cat_through_layers_matches_the_enumerated_table():
    """Sizes above ENUMERATE (so piecewise by default), small enough to write out."""
    x = AxisState.identity()
    parts = [x.then(AxisMap.conv(3, 2, 1)), x.then(AxisMap.transposed(5, 3, 1)), x]
    sizes = [3000, 5001, 2500]
    got, want = pw.cat_state(parts, sizes), enumerated_cat(parts, sizes)
    assert type(got.components[0]) is pw.Piecewise
    layers = [AxisMap.conv(7, 1, 3, 2), AxisMap.conv(3, 2, 1), AxisMap.transposed(4, 2, 1),
              AxisMap.conv(5, 3, 0), AxisMap.nearest(2)]
    for m in layers:
        got, want = got.then(m), want.then(m)
        assert got.period == want.period or got.period % want.period == 0
        for u in range(-50, want.period + 50):
            assert got.hull(u) == want.hull(u), (m, u)
        assert got.fields(got.period) == want.fields(want.period)
    assert got.collapsed(20000).hull(0) == want.collapsed(20000).hull(0)


def test_huge_spatial_cat_in_a_stack_finishes_well_under_a_second():
    from conv_calc import nn
    from conv_calc.graph.nodes import Parallel
    from conv_calc.graph.stack import Stack

    t0 = time.perf_counter()
    block = Parallel(branches=((nn.Identity(),), (nn.Conv1d(2, 2, 3, padding=1),)), dim=2)
    report = Stack([block, nn.Conv1d(2, 2, 3, stride=2, padding=1), nn.AdaptiveAvgPool1d(1)]
                   ).analyze((1, 2, 10**8))
    assert report.error is None and report.output_shape == (1, 2, 1)
    cat, conv, pool = (r.receptive_field for r in report.layers[-3:])
    assert (cat.size, cat.size_min, cat.jump, cat.aligned) == ((3,), (1,), (1,), (True,))
    # output 0 reads virtual position -1: the previous period's last output (the repeat
    # convention of non-periodic maps, receptive.py), 2*10^8 coordinates lower
    assert (conv.size, conv.size_min, conv.jump) == ((10**8 + 4,), (3,), (2,))
    assert pool.region(0) == ((-10**8 - 2, 10**8),) and pool.jump == (2 * 10**8,)
    assert time.perf_counter() - t0 < 0.5
