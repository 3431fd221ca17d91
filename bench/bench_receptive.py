"""Time the receptive-field engine on long chains (not a test: prints timings).

    python bench/bench_receptive.py
"""

from __future__ import annotations

import time

from conv_calc import nn
from conv_calc.receptive import AxisMap, AxisState
from conv_calc.stack import Stack


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


if __name__ == "__main__":
    for n in (1_000, 10_000):
        print(f"{n:>6}-layer axis chain (receptive.py only): {axis_chain(n) * 1e3:8.1f} ms")
    for n in (1_000, 10_000):
        print(f"{n:>6}-layer Conv2d Stack.analyze (shapes + RF): {stack_chain(n) * 1e3:8.1f} ms")
