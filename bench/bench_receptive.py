"""Time the receptive-field engine on long chains (not a test: prints timings).

    python bench/bench_receptive.py

Stack.analyze on bench/synthetic.py's stack (convs, dilation, strided and transposed
convs, norms, ReLUs) from 100 to 100,000 layers: the time per layer must stay flat
(linear growth); issue 7's target is 10,000 layers in under a second. Also a
torch.cat along a 10^8-position axis, which the piecewise cat answers at once.
"""

from __future__ import annotations

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import synthetic  # noqa: E402

from conv_calc import nn  # noqa: E402
from conv_calc.receptive import AxisMap, AxisState  # noqa: E402
from conv_calc.graph.nodes import Parallel  # noqa: E402
from conv_calc.graph.stack import Stack  # noqa: E402


def axis_chain(n: int) -> float:
    t0 = time.perf_counter()
    s = AxisState.identity()
    for i in range(n):
        s = s.then(AxisMap.conv(3, 2 if i % 100 == 0 else 1, 1, 1 + i % 3))
        if i % 250 == 125:
            s = s.then(AxisMap.transposed(4, 2, 1))
    s.fields()
    return time.perf_counter() - t0


def stack_chain(n: int) -> float:
    layers = [nn.Conv2d(4, 4, 3, padding=1) for _ in range(n)]
    t0 = time.perf_counter()
    report = Stack(layers).analyze((1, 4, 64, 64))
    assert report.error is None
    return time.perf_counter() - t0


def synthetic_stack(n: int, repeats: int = 3) -> float:
    """Best of ``repeats`` Stack.analyze runs (shapes, params, MACs and receptive fields)."""
    best = float("inf")
    for _ in range(repeats):
        s = synthetic.stack(n)
        t0 = time.perf_counter()
        report = s.analyze()
        best = min(best, time.perf_counter() - t0)
        assert report.error is None
    return best


def huge_cat() -> float:
    block = Parallel(branches=((nn.Identity(),), (nn.Conv1d(2, 2, 3, padding=1),)), dim=2)
    t0 = time.perf_counter()
    report = Stack([block, nn.Conv1d(2, 2, 3, stride=2, padding=1)]).analyze((1, 2, 10**8))
    assert report.error is None
    return time.perf_counter() - t0


if __name__ == "__main__":
    for n in (1_000, 10_000):
        print(f"{n:>7}-layer axis chain (receptive.py only): {axis_chain(n) * 1e3:8.1f} ms")
    for n in (1_000, 10_000):
        print(f"{n:>7}-layer Conv2d Stack.analyze (shapes + RF): {stack_chain(n) * 1e3:8.1f} ms")
    for n in (100, 1_000, 10_000, 100_000):
        t = synthetic_stack(n, 3 if n <= 10_000 else 1)
        print(f"{n:>7}-layer synthetic Stack.analyze: {t * 1e3:9.1f} ms "
              f"({t / n * 1e6:5.1f} us/layer)")
    print(f"torch.cat of two 10^8-position branches + a conv: {huge_cat() * 1e3:8.1f} ms")
