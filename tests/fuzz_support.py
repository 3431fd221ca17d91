"""Shared pieces of the fuzz tests: budgets, a hang guard, the CLI outcome contract.

The default budget keeps each fuzz test to a few seconds in CI; a longer run:

    CONV_CALC_FUZZ_EXAMPLES=5000 python -m pytest -q tests/test_fuzz*.py

An input that once broke something goes to tests/fuzz_regressions/ (replayed by
tests/test_fuzz_regressions.py).
"""

from __future__ import annotations

import os
import re
import signal
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, settings

from tests.cli_runner import Result

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
REGRESSIONS = Path(__file__).resolve().parent / "fuzz_regressions"

#: A location as conv-calc prints it: file:line:col.
LOCATION = re.compile(r":\d+:\d+")
#: Longest one example may take before it counts as a hang (seconds).
HANG_SECONDS = int(os.environ.get("CONV_CALC_FUZZ_HANG", "20"))


def budget(default: int) -> settings:
    """Hypothesis settings: ``default`` examples, or CONV_CALC_FUZZ_EXAMPLES."""
    n = int(os.environ.get("CONV_CALC_FUZZ_EXAMPLES", default))
    return settings(max_examples=n, deadline=None, derandomize=n <= default,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


class Hang(Exception):
    pass


@contextmanager
def no_hang(seconds: int = HANG_SECONDS):
    """Fail (instead of hanging the suite) when the body runs longer than ``seconds``."""
    if not hasattr(signal, "SIGALRM"):  # pragma: no cover - Windows: no guard
        yield
        return

    def fire(signum, frame):
        raise Hang(f"no answer within {seconds} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def check_outcome(result: Result, *, located: bool = True) -> None:
    """The CLI contract on any input: exit 0, 1 or 2; never a traceback or an internal error;
    a malformed input (2) says where (file:line:col); a broken network (1) says what."""
    text = result.stdout + result.stderr
    assert "Traceback" not in text, text[-3000:]
    assert "internal error" not in result.stderr, result.stderr[-3000:]
    assert result.code in (0, 1, 2), (result.code, text[-3000:])
    if result.code == 2:
        assert result.stderr.strip(), "exit 2 without a message"
        if located:
            assert LOCATION.search(result.stderr), result.stderr[-3000:]
    if result.code == 1:
        assert result.stderr.strip() or '"error"' in result.stdout, text[-3000:]
