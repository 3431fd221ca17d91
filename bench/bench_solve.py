"""Timings of conv-calc solve: input sizes 1..100,000 per axis, and the one-layer questions.

Run from the repository root:  python bench/bench_solve.py
Each figure is the best of 5 runs (load of the YAML file excluded; it is shown apart).
For comparison, the cost of brute force is estimated from Stack.analyze on 20 sizes.
"""

from __future__ import annotations

import time
from pathlib import Path

import conv_calc
from conv_calc import nn
from conv_calc.solve.layer import solve_padding, solve_stride_dilation
from conv_calc.solve.stack import solve_input_sizes
from conv_calc.solve.transposed import solve_output_padding

ROOT = Path(__file__).resolve().parent.parent
NETS = ["resnet50", "unet-small", "unet", "unet-padded", "resnet18", "inception", "wavenet"]


def best(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    print(f"{'network':<14}{'load':>9}{'solve+count 1..100000':>24}{'  closed form (first axis)':<30}"
          f"{'brute force est.':>18}")
    for name in NETS:
        path = ROOT / "examples" / f"{name}.yaml"
        load = best(lambda: conv_calc.load_stack(str(path)), 3)
        stack = conv_calc.load_stack(str(path))

        def solve():
            return [(a, a.count(1, 100_000)) for a in solve_input_sizes(stack)]

        t = best(solve)
        first = solve()[0][0]
        shape = list(stack.input_shape)
        sizes = range(first.smallest or 1, (first.smallest or 1) + 20)
        t0 = time.perf_counter()
        for n in sizes:
            shape[first.dim] = n
            stack.analyze(tuple(shape))
        per = (time.perf_counter() - t0) / len(sizes)
        print(f"{name:<14}{load * 1000:>7.1f}ms{t * 1000:>22.1f}ms  {first.form.text()[:28]:<28}"
              f"{per * 100_000 * len(solve()):>16.0f}s")
    layer_cases = {
        "padding Conv2d": lambda: solve_padding(nn.Conv2d(3, 8, 3, stride=2), 224, 112),
        "padding MaxPool2d ceil": lambda: solve_padding(nn.MaxPool2d(3, 2, ceil_mode=True), 112, 56),
        "stride Conv2d (64x64 bounds)": lambda: solve_stride_dilation(
            nn.Conv2d(3, 8, 3), 224, 56, 64, 64),
        "output-padding Conv2d n=224": lambda: solve_output_padding(
            nn.Conv2d(3, 8, 3, stride=2, padding=1), 224),
    }
    for label, fn in layer_cases.items():
        print(f"{label:<32}{best(fn) * 1000:>8.2f}ms")


if __name__ == "__main__":
    main()
