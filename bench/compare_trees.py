"""Time everyday commands in two checkouts of conv-calc, interleaved, and print the ratios.

    python bench/compare_trees.py OLD_CHECKOUT [NEW_CHECKOUT] [--rounds 7]

For a change that should not cost speed (a restructure): each command runs as a fresh
``python -m conv_calc`` process with PYTHONPATH set to the checkout, the two trees
alternating within each round, and the medians are compared. Only the ratios mean
anything on a shared machine. Make the old checkout with
``git worktree add /tmp/old <commit>``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

COMMANDS = {
    "stack resnet50 (table)": ["stack", "examples/resnet50.yaml"],
    "stack resnet50 (json)": ["stack", "examples/resnet50.yaml", "--format", "json"],
    "layer Conv2d": ["layer", "Conv2d(3, 64, kernel_size=7, stride=2, padding=3)",
                     "--input", "1x3x224x224"],
    "lint resnet50": ["lint", "examples/resnet50.yaml"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new", nargs="?", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--rounds", type=int, default=7)
    opts = parser.parse_args()
    trees = {"old": opts.old, "new": opts.new}
    times: dict[tuple[str, str], list[float]] = {(t, c): [] for t in trees for c in COMMANDS}
    for r in range(opts.rounds):
        for command, args in COMMANDS.items():
            order = list(trees.items()) if r % 2 == 0 else list(trees.items())[::-1]
            for tree, root in order:
                env = dict(os.environ, PYTHONPATH=root)
                start = time.perf_counter()
                subprocess.run([sys.executable, "-m", "conv_calc", *args], cwd=root, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                times[(tree, command)].append(time.perf_counter() - start)
    for command in COMMANDS:
        old = statistics.median(times[("old", command)])
        new = statistics.median(times[("new", command)])
        print(f"{command:24s} old {old * 1000:6.0f} ms   new {new * 1000:6.0f} ms   "
              f"new/old {new / old:.2f}")


if __name__ == "__main__":
    main()
