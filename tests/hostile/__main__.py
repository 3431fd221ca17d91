"""``python -m tests.hostile [CATEGORY or ID-PREFIX ...]``: run the corpus, print a summary.

Exit 0 when every case keeps the contract, else 1 (each failure is listed with an
excerpt of what the command printed).
"""

from __future__ import annotations

import sys
import time
from collections import Counter

from tests.hostile.corpus import all_cases, select
from tests.hostile.runner import excerpt, execute


def main(words: list[str]) -> int:
    verbose = "-v" in words
    words = [w for w in words if w != "-v"]
    cases = select(all_cases(), words)
    started = time.monotonic()
    total, failed, seconds = Counter(), Counter(), Counter()
    failures, timings = [], []
    for case in cases:
        outcome = execute(case)
        total[case.category] += 1
        seconds[case.category] += outcome.seconds
        timings.append((outcome.seconds, case.id))
        if outcome.problems:
            failed[case.category] += 1
            failures.append(outcome)
            print(f"FAIL {case.id} ({outcome.seconds:.1f} s): {'; '.join(outcome.problems)}",
                  flush=True)
            if verbose:
                print("   ", excerpt(outcome), flush=True)
        elif verbose:
            print(f"ok   {case.id} exit {outcome.code} ({outcome.seconds:.1f} s)", flush=True)
    print()
    print(f"{'category':<12} {'cases':>6} {'failed':>7} {'seconds':>8}")
    for category in total:
        print(f"{category:<12} {total[category]:>6} {failed[category]:>7} "
              f"{seconds[category]:>8.0f}")
    print(f"{'all':<12} {sum(total.values()):>6} {sum(failed.values()):>7}"
          f"   ({time.monotonic() - started:.0f} s)")
    slowest = ", ".join(f"{name} {t:.1f} s" for t, name in sorted(timings)[-5:][::-1])
    print(f"slowest: {slowest}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
