"""Autograd check with live torch on random graphs of named tensors and tensor functions.

The specs of tests/rf_independent_graph.py (permute, transpose, reshape / view / flatten,
chunk / split, pixel shuffle, interpolate and Upsample to another tensor's size, merges
over names, ``from:``) run in torch with every weight one, no bias, float64, an all-ones
input, avg pools only and BatchNorm in eval mode: nothing cancels, so the support of
``d y[..., u, ...].sum() / d x`` is the set of input pixels that output depends on. One
exception is made on purpose: a ``sub`` merge runs as an add here (``a - b`` can cancel to
an exact zero gradient; its dependency set is the add's), and a Sigmoid as ``x / (1 + |x|)``
(sigmoid's gradient is an exact 0 at the large values all-ones weights give). Only outputs whose computation
never touched a position outside a tensor's real range are compared exactly (the oracle's
``virtual`` flag, as in test_live_receptive_2d.py), in networks without a transposed conv's
empty phase or a split of channels that see different positions (both: containment only): per input axis, the projection of
the support equals the oracle's D(u) and its hull the engine's ``receptive_field.region``
(an axis merged by a reshape: the support lies within the whole axis the field claims).
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conv_calc.graph.stack import Stack
from tests.rf_independent import PERIOD_CAP, bits_set
from tests.rf_independent_graph import oracle_rows, random_graph, to_nodes

torch = pytest.importorskip("torch")

COUNTS = {"networks": 0, "rows": 0, "outputs": 0, "contained_only": 0, "skipped_networks": 0}


def torch_rows(specs, x, nd):
    """Run the specs in torch; the row outputs in execution order."""
    outs, saved = [], {"input": x}

    def module(cls, args, kw):
        m = getattr(torch.nn, cls)(*args, **kw).double().eval()
        with torch.no_grad():
            for name, p in m.named_parameters():
                p.fill_(0.0 if name == "bias" else 1.0)
        return m

    def run(specs_, t):
        for s in specs_:
            kind = s[0]
            if kind == "S":
                saved[s[1]] = t
                continue
            if kind == "F":
                t = run(s[2], saved[s[1]])
                continue
            if kind == "L" and s[1] == "Sigmoid":
                t = t / (1 + t.abs())  # same dependencies; sigmoid's gradient underflows to 0
            elif kind == "L":
                t = module(s[1], s[2], s[3])(t)
            elif kind == "U":
                t = torch.nn.Upsample(size=tuple(saved[s[2]].shape[-(t.dim() - 2):]), **s[1])(t)
            elif kind == "X":
                word, args, kw, outputs, index, size_of = s[1:]
                kw = dict(kw)
                if size_of is not None:
                    kw["size"] = tuple(saved[size_of].shape[-(t.dim() - 2):])
                if word == "flatten":
                    res = torch.flatten(t, *args, **kw)
                elif word == "interpolate":
                    res = torch.nn.functional.interpolate(t, *args, **kw)
                else:
                    res = getattr(t, word)(*args, **kw)
                if word in ("chunk", "split"):
                    for name, piece in zip(outputs, res):
                        saved[name] = piece
                    res = res[index]
                elif outputs:
                    saved[outputs[0]] = res
                t = res
            else:
                xs = [saved[n] for n in s[2]]
                if s[1] == "cat":
                    t = torch.cat(xs, dim=1)
                else:  # sub as add: the same dependencies, no cancellation
                    t = (torch.mul if s[1] == "mul" else torch.add)(xs[0], xs[1])
            outs.append(t)
        return t

    run(specs, x)
    return outs


def has_empty_phase(specs) -> bool:
    """Some transposed conv has an output phase reading no input on some axis (the 2-d
    support then drops a path that DESIGN's per-axis D keeps: containment only)."""
    for s in specs:
        if s[0] == "F" and has_empty_phase(s[2]):
            return True
        if s[0] == "L" and s[1].startswith("ConvTranspose"):
            kw = s[3]
            tup = (lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v, v))
            for k, st_, p, d in zip(tup(kw["kernel_size"]), tup(kw.get("stride", 1)),
                                    tup(kw.get("padding", 0)), tup(kw.get("dilation", 1))):
                if any(all((r + p - t * d) % st_ for t in range(k)) for r in range(st_)):
                    return True
    return False


def split_of_mixed_channels(specs) -> bool:
    """A chunk / split of the channels after a PixelUnshuffle or a cat: its channels may see
    different positions (PixelUnshuffle's phases, the cat's operands), and the field of a
    piece is the union over all of them (docs/stack-format.md: chunk and split keep the
    field), an over-approximation of what the piece reads: containment only."""
    def flat(items):
        for s in items:
            if s[0] == "F":
                yield from flat(s[2])
            else:
                yield s
    mixed = False  # conservative: once any tensor mixes, every later split counts
    for s in flat(specs):
        if s[0] == "L" and s[1] == "PixelUnshuffle" or s[0] == "C" and s[1] == "cat":
            mixed = True
        elif s[0] == "X" and s[1] in ("chunk", "split") and mixed:
            if s[3].get("dim", s[2][1] if len(s[2]) > 1 else 0) == 1:
                return True
    return False


def check_graph(seed: int, per_row: int = 2) -> None:
    shape, specs, outputs = random_graph(seed, 2, autograd=True, max_size=16)
    report = Stack(to_nodes(specs), input_shape=shape, outputs=tuple(outputs)).analyze()
    assert report.error is None, report.error
    o, pairs = oracle_rows(shape, specs, report)
    if any(node.period > PERIOD_CAP for _, t in pairs for node in t.nodes):
        COUNTS["skipped_networks"] += 1
        return
    holes = has_empty_phase(specs) or split_of_mixed_channels(specs)
    x = torch.ones(shape, dtype=torch.float64, requires_grad=True)
    outs = torch_rows(specs, x, 2)
    assert len(outs) == len(pairs)
    rng = random.Random(seed)
    g = o.g
    for (row, t), y in zip(pairs, outs):
        assert tuple(y.shape) == row.output_shape, (row.name, tuple(y.shape), row.output_shape)
        live = [j for j in range(2) if t.dims[j] is not None]
        if any(g.get(t.nodes[j], 0)[1] for j in range(2) if j not in live):
            continue  # a merged axis whose whole touched padding: no exact comparison
        ranges = [range(y.shape[t.dims[j]]) for j in live]
        cands = [u for u in _product(ranges) if not any(g.get(t.nodes[j], uj)[1] for j, uj in zip(live, u))]
        COUNTS["rows"] += 1
        for u in rng.sample(cands, min(per_row, len(cands))):
            pos = dict(zip(live, u))
            idx = [slice(None)] * y.dim()
            for j in live:
                idx[t.dims[j]] = pos[j]
            (grad,) = torch.autograd.grad(y[tuple(idx)].sum(), x, retain_graph=True)
            support = (grad[0] != 0).any(dim=0).nonzero().tolist()
            want = [set().union(*map(bits_set, g.get(t.nodes[j], pos.get(j, 0))[0].values()))
                    for j in range(2)]
            got = [{p[j] for p in support} for j in range(2)]
            where = (seed, row.name, row.type, u)
            assert all(h in want[0] and w in want[1] for h, w in support), where
            if holes or not all(want):
                assert holes or not support, where
                COUNTS["contained_only"] += 1
                continue
            # A merged axis is seen whole by design (docs/stack-format.md: conv-calc does not
            # follow positions through a merged axis), an over-approximation: containment.
            assert all(got[j] == want[j] if j in live else got[j] <= want[j] for j in range(2)), \
                (where, got, want)
            if len(live) == 2:
                region = row.receptive_field.region(pos[0], pos[1])
                assert region == tuple((min(s), max(s)) for s in got), (where, region)
            COUNTS["outputs"] += 1
    COUNTS["networks"] += 1


def _product(ranges):
    out = [()]
    for rg in ranges:
        out = [p + (v,) for p in out for v in rg]
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 2**32 - 1))
def test_gradient_support_is_the_dependency_set_on_graphs(seed):
    check_graph(seed)


def test_fixed_graphs_compare_real_outputs():
    """Not vacuous: on fixed seeds rows and outputs are compared with torch's gradients."""
    check_graph(12502)  # a split of PixelUnshuffle's channels: containment (see above)
    before = dict(COUNTS)
    for seed in range(12):
        check_graph(seed)
    done = {k: COUNTS[k] - before[k] for k in COUNTS}
    print(done)
    assert done["networks"] + done["skipped_networks"] == 12, done
    assert done["networks"] >= 8 and done["rows"] >= 3 * done["networks"], done
    assert done["outputs"] >= 2 * done["networks"], done
