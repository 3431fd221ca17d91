"""Run one hostile case as a subprocess and check the CLI contract on what it did.

Each case runs ``python -m conv_calc ...`` in a fresh temporary directory holding its
files, with a timeout and an address-space limit, and must:

- finish within the timeout, with an exit code among the case's (0, 1, 2 or 130);
- print no traceback and no "internal error";
- print only valid UTF-8 with no raw control or bidirectional character;
- on exit 2 name the problem with a hint; on exit 1 say what failed;
- print what the case expects (a regular expression), if it says;
- agree with live torch where the case carries a torch check and torch is installed.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from tests.fuzz_support import RAW_CONTROL

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = float(os.environ.get("CONV_CALC_HOSTILE_TIMEOUT", "20"))
MEMORY = 1536 << 20

FIFO, DIR = ("fifo",), ("dir",)


def link(target: str) -> tuple[str, str]:
    return ("link", target)


def unreadable(data: bytes) -> tuple[str, bytes]:
    return ("unreadable", data)


@dataclass(frozen=True)
class Case:
    """One hostile input: the arguments, the files and stdin it needs, what must happen.

    ``argv`` may hold ``{d}`` (the case's directory) and bytes (arguments that are not
    UTF-8). ``files`` maps a name in that directory to bytes, text, FIFO, DIR,
    ``link(target)`` or ``unreadable(bytes)``. ``stdout`` is "pipe", "full" (/dev/full)
    or "closed" (the reader goes away after one line, as ``| head -1``). ``torch`` is a
    callable returning ("shape", [..]) or ("error", message) computed with live torch.
    """

    id: str
    category: str
    argv: tuple
    files: dict = field(default_factory=dict)
    stdin: bytes | str | None = None
    exits: frozenset = frozenset({2})
    expect: str | None = None
    reject: str | None = None  # a regular expression the output must not match
    stdout: str = "pipe"
    env: dict = field(default_factory=dict)
    torch: Callable | None = None
    timeout: float = TIMEOUT


@dataclass
class Outcome:
    case: Case
    code: int | None
    stdout: str
    stderr: str
    seconds: float
    problems: list[str]


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _materialise(directory: Path, files: dict) -> None:
    for name, value in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if value == FIFO:
            os.mkfifo(path)
        elif value == DIR:
            path.mkdir()
        elif isinstance(value, tuple) and value[0] == "link":
            path.symlink_to(value[1])
        elif isinstance(value, tuple) and value[0] == "unreadable":
            path.write_bytes(value[1])
            path.chmod(0)
        elif isinstance(value, str):
            path.write_text(value, encoding="utf-8")
        else:
            path.write_bytes(value() if callable(value) else value)


def _argv(case: Case, directory: Path) -> list:
    out = []
    for arg in case.argv:
        if isinstance(arg, bytes):
            out.append(arg.replace(b"{d}", os.fsencode(directory)))
        else:
            out.append(str(arg).replace("{d}", str(directory)))
    return [sys.executable, "-m", "conv_calc", *out]


def _env(case: Case) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("GITHUB_ACTIONS", "FORCE_COLOR", "NO_COLOR", "CONV_CALC_DEBUG",
                        "PY_COLORS", "TTY_COMPATIBLE", "TTY_INTERACTIVE")}
    env.update(PYTHONPATH=str(ROOT), COLUMNS="80", LINES="25", TERM="xterm-256color",
               PYTHONIOENCODING="", KERAS_BACKEND="torch")
    env.update(case.env)
    return env


def execute(case: Case) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        directory = Path(tmp)
        _materialise(directory, case.files)
        argv = _argv(case, directory)
        started = time.monotonic()
        code, out, err = _spawn(case, argv, directory)
        seconds = time.monotonic() - started
        for path in directory.rglob("*"):  # so the directory can be removed
            if not path.is_symlink():
                path.chmod(0o700)
    problems: list[str] = []
    stdout, stderr = _decode(out, "stdout", problems), _decode(err, "stderr", problems)
    outcome = Outcome(case, code, stdout, stderr, seconds, problems)
    check(outcome)
    return outcome


def _spawn(case: Case, argv: list, cwd: Path) -> tuple[int | None, bytes, bytes]:
    stdin: object = subprocess.DEVNULL
    data = None
    if isinstance(case.stdin, str) and case.stdin.startswith("/dev/"):
        stdin = open(case.stdin, "rb")  # noqa: SIM115 - closed below
    elif case.stdin is not None:
        stdin, data = subprocess.PIPE, (case.stdin.encode() if isinstance(case.stdin, str)
                                        else case.stdin)
    common = dict(cwd=cwd, env=_env(case), preexec_fn=_limit)
    if data is None:
        common["stdin"] = stdin
    try:
        if case.stdout == "full":
            with open("/dev/full", "wb") as full:
                done = subprocess.run(argv, stdout=full, stderr=subprocess.PIPE, input=data,
                                      timeout=case.timeout, **common)
            return done.returncode, b"", done.stderr
        if case.stdout == "closed":
            return _closed_pipe(case, argv, common)
        done = subprocess.run(argv, capture_output=True, input=data, timeout=case.timeout,
                              **common)
        return done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as exc:
        return None, exc.stdout or b"", exc.stderr or b""
    except OSError as exc:  # the case itself is wrong (an argument over the kernel's limit)
        return -1, b"", f"the case cannot run: {exc}".encode()
    finally:
        if hasattr(stdin, "close"):
            stdin.close()


def _closed_pipe(case: Case, argv: list, common: dict) -> tuple[int | None, bytes, bytes]:
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err, **common)
        first = process.stdout.readline()
        process.stdout.close()
        try:
            code = process.wait(timeout=case.timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            code = None
        err.seek(0)
        return code, first, err.read()


def _decode(data: bytes, name: str, problems: list[str]) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(f"{name} is not UTF-8 ({exc.reason} at byte {exc.start})")
        return data.decode("utf-8", errors="replace")


#: A hint, Click's usage error pointer ("Try 'conv-calc stack --help' for help.") or the
#: whole help (`conv-calc` alone).
HINT = re.compile(r"hint|--help' for help|^Usage: ", re.IGNORECASE | re.MULTILINE)
#: lint's concise format: one line per finding, its code and message, no hint by design.
LINT_CODE = re.compile(r":\d+:\d+: CC0\d\d ")


def check(outcome: Outcome) -> None:
    """Append to ``outcome.problems`` every way the outcome breaks the contract."""
    case, problems = outcome.case, outcome.problems
    text = outcome.stdout + outcome.stderr
    if outcome.code is None:
        problems.append(f"no answer within {case.timeout:g} s")
        return
    if outcome.code not in case.exits:
        problems.append(f"exit {outcome.code}, expected {sorted(case.exits)}")
    if "Traceback" in text:
        problems.append("a traceback")
    if "internal error" in text:
        problems.append("an internal error")
    for name, stream in (("stdout", outcome.stdout), ("stderr", outcome.stderr)):
        bad = RAW_CONTROL.search(stream)
        if bad:
            problems.append(f"raw {bad.group()!r} in {name}")
    if (outcome.code == 2 and not HINT.search(text) and not LINT_CODE.search(text)
            and case.stdout != "closed"):
        problems.append("exit 2 without a hint")
    if outcome.code == 1 and case.stdout != "closed" and not (outcome.stderr.strip() or "error" in outcome.stdout.lower()):
        problems.append("exit 1 without a message")
    if case.expect and not re.search(case.expect, text, re.MULTILINE):
        problems.append(f"no match for {case.expect!r}")
    if case.reject and re.search(case.reject, text):
        problems.append(f"prints {re.search(case.reject, text).group()!r}")
    if case.torch is not None:
        _check_torch(outcome, problems)


def _check_torch(outcome: Outcome, problems: list[str]) -> None:
    try:
        import torch  # noqa: F401
    except ImportError:
        return
    kind, value = outcome.case.torch()
    text = outcome.stdout + outcome.stderr
    if kind == "error":
        if outcome.code != 1:
            problems.append(f"torch raises ({value[:80]}), conv-calc exits {outcome.code}")
        elif value.splitlines()[0][:60] not in text:
            problems.append(f"torch's message not shown: {value.splitlines()[0][:80]}")
    elif outcome.code != 0:
        problems.append(f"torch gives {value}, conv-calc exits {outcome.code}")
    elif str(list(value)) not in text:
        problems.append(f"torch's shape {list(value)} not shown")


def excerpt(outcome: Outcome, limit: int = 600) -> str:
    text = (outcome.stdout[-limit // 2:] + "\n--- stderr\n" + outcome.stderr[-limit:])
    return text.encode("unicode_escape").decode("ascii")[:2 * limit]
