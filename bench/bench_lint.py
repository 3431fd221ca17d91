"""Benchmark: lint a directory of 1,000 stack files in one process and report the seconds.

The files are copies of examples/*.yaml and tests/lint_cases/*.yaml (good and
broken, small and ResNet-50 sized), cycled to the count asked for, written to a
temporary directory. The timed command is the real CLI in a fresh process:

    python -m conv_calc lint DIR --format concise --exit-zero -q > /dev/null

Run from the repository root:

    /work/venv/bin/python bench/bench_lint.py            # 1000 files, 3 runs
    /work/venv/bin/python bench/bench_lint.py --files 200 --runs 1 --format json
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_tree(target: Path, count: int) -> dict[str, int]:
    sources = sorted((ROOT / "examples").glob("*.yaml")) + sorted(
        (ROOT / "tests" / "lint_cases").glob("*.yaml"))
    kinds: dict[str, int] = {}
    for i, src in zip(range(count), itertools.cycle(sources)):
        sub = target / f"group{i // 100:02}"
        sub.mkdir(exist_ok=True)
        shutil.copyfile(src, sub / f"{i:04}-{src.name}")
        kinds[src.name] = kinds.get(src.name, 0) + 1
    return kinds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--format", default="concise",
                        choices=["full", "concise", "json", "github", "sarif"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="conv_calc_bench_lint_") as tmp:
        tree = Path(tmp) / "models"
        tree.mkdir()
        kinds = make_tree(tree, args.files)
        cmd = [sys.executable, "-m", "conv_calc", "lint", str(tree), "--format", args.format,
               "--exit-zero", "-q", "--isolated"]
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            done = subprocess.run(cmd, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            times.append(time.perf_counter() - start)
            if done.returncode != 0:
                sys.stderr.write(done.stderr.decode())
                return 1
        findings = done.stdout.decode().count("\n")
    print(f"{args.files} files ({len(kinds)} distinct sources), format {args.format}, one process "
          f"per run: best {min(times):.2f} s, median {sorted(times)[len(times) // 2]:.2f} s "
          f"({min(times) / args.files * 1000:.1f} ms per file; {findings} output lines)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
