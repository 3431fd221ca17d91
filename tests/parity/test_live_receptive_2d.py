"""Autograd check with live torch on random 2-d networks: gradient support = dependency set.

The same spec builds the conv_calc Stack, the torch graph and the independent
oracle (tests/rf_independent.py). All weights one, no bias, float64, an
all-ones input, avg pools only (no max), BatchNorm in eval mode, no bicubic
(negative weights could cancel): nothing cancels, so the support of
d sum_c y[0, c, uh, uw] / d x is exactly the set of input pixels that output
depends on. DESIGN treats every tensor as extending without end while torch
zero-pads, so only outputs whose computation never touched a position outside
some tensor's real range (the oracle's ``virtual`` flag) are compared: per axis,
the projection of the support must equal the oracle's D(u), and the hull must
equal the engine's ``receptive_field.region``; the support must lie in D_H x D_W.
The interpolation taps of every Upsample mode (bicubic included) are checked
layer by layer against torch's exact Jacobian.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conv_calc.graph.stack import Stack
from conv_calc.receptive.layers import interpolate_taps  # noqa: E402
from tests.rf_independent import (
    PERIOD_CAP, bits_set, interp_real_taps, oracle_rows, random_network, to_nodes,
)

torch = pytest.importorskip("torch")

COUNTS = {"networks": 0, "rows": 0, "outputs": 0, "contained_only": 0, "skipped_networks": 0}


def _torch_run(specs, x):
    """Run the spec tree in torch; return the row outputs in execution order."""
    outs = []
    saved = {}

    def module(s):
        _, cls, args, kw = s
        m = getattr(torch.nn, cls)(*args, **kw).double().eval()
        with torch.no_grad():
            for name, p in m.named_parameters():
                p.fill_(0.0 if name == "bias" else 1.0)
        return m

    def run(specs_, t):
        for s in specs_:
            if s[0] == "L":
                t = module(s)(t)
                outs.append(t)
            elif s[0] == "R":
                b = run(s[1], t)
                sc = run(s[2], t)
                t = torch.add(b, sc)
                outs.append(t)
            elif s[0] == "P":
                parts = [run(br, t) for br in s[1]]
                if s[2] == "cat":
                    t = torch.cat(parts, dim=1)
                else:
                    t = parts[0]
                    for p in parts[1:]:
                        t = torch.add(t, p)
                outs.append(t)
            elif s[0] == "S":
                saved[s[1]] = t
            else:
                sv = saved[s[1]]
                if s[3]:
                    H, W = t.shape[-2:]
                    top, left = (sv.shape[-2] - H) // 2, (sv.shape[-1] - W) // 2
                    sv = sv[..., top:top + H, left:left + W]
                t = torch.add(t, sv) if s[2] == "add" else torch.cat([sv, t], dim=1)
                outs.append(t)
        return t

    run(specs, x)
    return outs


def _has_empty_phase(specs) -> bool:
    """Whether some transposed conv has an output phase that reads no input on some axis."""
    for sp in specs:
        if sp[0] == "L" and sp[1].startswith("ConvTranspose"):
            kw = sp[3]
            tup = (lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v, v))
            for k, st_, p, d in zip(tup(kw["kernel_size"]), tup(kw.get("stride", 1)),
                                    tup(kw.get("padding", 0)), tup(kw.get("dilation", 1))):
                if any(all((r + p - t * d) % st_ for t in range(k)) for r in range(st_)):
                    return True
        elif sp[0] == "R" and (_has_empty_phase(sp[1]) or _has_empty_phase(sp[2])):
            return True
        elif sp[0] == "P" and any(_has_empty_phase(b) for b in sp[1]):
            return True
    return False


def check_network(seed: int, per_row: int = 3) -> None:
    shape, specs = random_network(seed, 2, autograd=True, max_size=24)
    report = Stack(to_nodes(specs), input_shape=shape).analyze()
    assert report.error is None, report.error
    g, pairs = oracle_rows(shape, specs, report)
    if any(node.period > PERIOD_CAP for _, nodes in pairs for node in nodes):
        COUNTS["skipped_networks"] += 1
        return
    holes = _has_empty_phase(specs)
    x = torch.ones(shape, dtype=torch.float64, requires_grad=True)
    outs = _torch_run(specs, x)
    assert len(outs) == len(pairs)
    rng = random.Random(seed)
    for (row, nodes), y in zip(pairs, outs):
        assert tuple(y.shape) == row.output_shape, (row.name, tuple(y.shape), row.output_shape)
        if len(row.output_shape) != 4 or any(n.n is None for n in nodes):
            continue
        COUNTS["rows"] += 1
        H, W = row.output_shape[-2:]
        cands = [(uh, uw) for uh in range(H) for uw in range(W)
                 if not g.get(nodes[0], uh)[1] and not g.get(nodes[1], uw)[1]]
        for uh, uw in rng.sample(cands, min(per_row, len(cands))):
            (grad,) = torch.autograd.grad(y[0, :, uh, uw].sum(), x, retain_graph=True)
            support = (grad[0] != 0).any(dim=0).nonzero().tolist()
            want_h = set().union(*map(bits_set, g.get(nodes[0], uh)[0].values()))
            want_w = set().union(*map(bits_set, g.get(nodes[1], uw)[0].values()))
            got_h = {h for h, _ in support}
            got_w = {w for _, w in support}
            where = (seed, row.name, row.type, uh, uw)
            assert all(h in want_h and w in want_w for h, w in support), where
            if not want_h or not want_w:  # one axis sees nothing: the 2-d set is empty
                assert not support, where
                COUNTS["outputs"] += 1
                continue
            if holes:
                # DESIGN's D is per axis: a path that sees nothing on one axis (a transposed
                # conv's empty phase) still counts on the other, while the 2-d support drops
                # it. Only containment holds then.
                COUNTS["contained_only"] += 1
                continue
            assert got_h == want_h and got_w == want_w, (where, got_h, want_h, got_w, want_w)
            region = row.receptive_field.region(uh, uw)
            assert region == tuple((min(s), max(s)) if s else None for s in (got_h, got_w)), where
            COUNTS["outputs"] += 1
    COUNTS["networks"] += 1


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 2**32 - 1))
def test_gradient_support_is_the_dependency_set_2d(seed):
    check_network(seed)


def _jacobian_taps(mode, n_in, n_out, sf, align):
    """Per output index, the input indices with a nonzero d y / d x (1-d, via a 3-d or 4-d input)."""
    kw = {"mode": mode}
    if align is not None:
        kw["align_corners"] = align
    if sf is not None:
        kw["scale_factor"] = sf if mode != "bicubic" else (1.0, sf)
    else:
        kw["size"] = n_out if mode != "bicubic" else (1, n_out)
    x = torch.ones((1, 1, n_in) if mode != "bicubic" else (1, 1, 1, n_in), dtype=torch.float64,
                   requires_grad=True)
    y = torch.nn.functional.interpolate(x, **kw).reshape(-1)
    assert y.numel() == n_out
    taps = []
    for o in range(n_out):
        (gr,) = torch.autograd.grad(y[o], x, retain_graph=True)
        taps.append(tuple(i for i in range(n_in) if gr.reshape(-1)[i] != 0))
    return taps


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(["nearest", "nearest-exact", "linear", "bicubic"]), st.integers(1, 160),
       st.one_of(st.integers(1, 400).map(lambda n: ("size", n)),
                 st.sampled_from([0.5, 0.75, 1.5, 1.7, 2.0, 2.5, 3.0]).map(lambda f: ("scale", f))),
       st.sampled_from([None, False, True]))
def test_interpolation_taps_match_torch(mode, n_in, out, align):
    if mode.startswith("nearest"):
        align = None
    sf = out[1] if out[0] == "scale" else None
    n_out = int(n_in * sf) if sf else out[1]
    if n_out < 1:
        return
    want = _jacobian_taps(mode, n_in, n_out, sf, align)
    assert interp_real_taps(mode, n_in, n_out, sf, align) == want, (mode, n_in, n_out, sf, align)
    assert interpolate_taps(mode, n_in, n_out, sf, align) == want, (mode, n_in, n_out, sf, align)


def test_fixed_networks_compare_real_outputs():
    """The property test is not vacuous: on fixed seeds, rows and outputs are really compared
    against torch's gradients (COUNTS also tallies the property test's work; pytest -s prints it)."""
    before = dict(COUNTS)
    for seed in range(8):
        check_network(seed)
    compared = {k: COUNTS[k] - before[k] for k in COUNTS}
    print(COUNTS)
    assert compared["networks"] + compared["skipped_networks"] == 8, compared
    assert compared["networks"] >= 4 and compared["rows"] >= compared["networks"], compared
    assert compared["outputs"] >= 3 * compared["networks"], compared
