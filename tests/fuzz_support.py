"""Shared pieces of the fuzz tests: budgets, a hang guard, the CLI outcome contract.

The default budget keeps each fuzz test to a few seconds in CI; a longer run:

    CONV_CALC_FUZZ_EXAMPLES=5000 python -m pytest -q tests/*/test_fuzz*.py

An input that once broke something goes to tests/fuzz_regressions/ (replayed by
tests/stackfile/test_fuzz_regressions.py).
"""

from __future__ import annotations

import os
import re
import signal
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

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
        # JSON and markdown carry the error in the document itself.
        assert (result.stderr.strip() or '"error"' in result.stdout
                or "> error:" in result.stdout), text[-3000:]


#: What must never reach a terminal raw: C0 controls but tab and newline, DEL and C1,
#: the line/paragraph separators, bidi marks, overrides and isolates, the BOM, lone
#: surrogates (conv_calc.text.terminal_safe escapes them).
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f"
                         "\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")


def check_safe_output(result: Result) -> None:
    """Every byte a command prints is safe on a terminal, whatever the input held."""
    for name, text in (("stdout", result.stdout), ("stderr", result.stderr)):
        bad = RAW_CONTROL.search(text)
        assert bad is None, (name, repr(bad.group()), text[max(bad.start() - 200, 0):bad.end() + 50])


# ------------------------------------------------------------------ mutations

def mutate(data: bytes, draw) -> bytes:
    """One random mutation of ``data`` (a stack file's bytes); ``draw`` is hypothesis's."""
    kind = draw(st.sampled_from([
        "truncate", "number", "insert", "garbage", "delete_line", "repeat_line", "nest",
        "swap", "tab", "utf16"]))
    n = len(data)
    if kind == "truncate":
        return data[:draw(st.integers(0, n))]
    if kind == "utf16":
        codec = draw(st.sampled_from(["utf-16", "utf-16-le", "latin-1"]))
        return data.decode("utf-8", errors="replace").encode(codec, errors="replace")
    lines = data.split(b"\n")
    i = draw(st.integers(0, max(len(lines) - 1, 0)))
    if kind == "delete_line":
        del lines[i]
    elif kind == "repeat_line":
        lines.insert(i, lines[i])
    elif kind == "tab":
        lines[i] = b"\t" + lines[i]
    elif kind == "number":
        spots = list(re.finditer(rb"-?\d+", data))
        if not spots:
            return data
        m = draw(st.sampled_from(spots))
        new = draw(st.sampled_from([b"0", b"-1", b"-7", b"10" * 30, b"1" * 5000, b"1e3",
                                    b"2.5", b"true", b"null", b"[]", b"{}", b"'3'", b"-0",
                                    b"9223372036854775808", b".inf", b".nan", b"0x10"]))
        return data[:m.start()] + new + data[m.end():]
    elif kind == "nest":
        depth = draw(st.integers(1, 300))
        lines[i] = lines[i] + b" " + b"[" * depth + b"1" + b"]" * depth
    elif kind == "swap":
        swap = draw(st.sampled_from([(b"{", b"["), (b"[", b"{"), (b":", b"-"), (b"- ", b""),
                                     (b"  ", b" "), (b"out_channels", b"kernel_size"),
                                     (b"Conv2d", b"MaxPool2d"), (b"name", b"repeat")]))
        lines[i] = lines[i].replace(*swap)
    else:
        blob = draw(st.one_of(st.binary(max_size=40),
                              st.text(max_size=40).map(lambda t: t.encode("utf-8")),
                              st.sampled_from([b"&a [*a]", b"*x", b"!!python/object:os.system",
                                               b"<<: {a: 1}", b"\xff\xfe", b"\x00", b"---",
                                               b"%YAML 1.2", b"? [1]: 2", b"\xe2\x80\xa8"])))
        pos = draw(st.integers(0, len(lines[i])))
        lines[i] = lines[i][:pos] + blob + lines[i][pos:]
    return b"\n".join(lines)


@st.composite
def mutated(draw, texts) -> bytes:
    """One of ``texts`` (bytes) after one to three mutations."""
    data = draw(st.sampled_from(texts))
    for _ in range(draw(st.integers(1, 3))):
        data = mutate(data, draw)
    return data
