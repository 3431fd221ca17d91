"""What the torch and Keras oracles share: the outcome record and the command line.

The record of an error names the *builtin* exception class (``RuntimeError``,
not a torch or Keras subclass), which is what conv-calc promises to match; the
tests use :func:`builtin_name` too. This module imports neither framework.

>>> class TorchishError(RuntimeError): pass
>>> builtin_name(TorchishError("x")), builtin_name(KeyError("k"))
('RuntimeError', 'KeyError')
"""

from __future__ import annotations

import argparse
import builtins
import json
import os
import pkgutil
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from oracle.codec import encode

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"


def builtin_name(exc: BaseException) -> str:
    """The first builtin class in the exception's MRO."""
    for cls in type(exc).__mro__:
        if getattr(builtins, cls.__name__, None) is cls:
            return cls.__name__
    return type(exc).__name__


def write_golden(cases: Iterable[dict], out_path: Path, run: Callable[[dict], dict | None],
                 origin: str) -> tuple[int, int]:
    """Run every case (encoded) through ``run`` and write one JSON line per outcome.

    ``run`` returns None for a case it refuses (too large to run); returns
    (written, skipped). Duplicate ids are an error naming ``origin``.
    """
    seen: set[str] = set()
    count = skipped = 0
    with out_path.open("w", encoding="utf-8") as fh:
        for case in cases:
            if case["id"] in seen:
                raise SystemExit(f"duplicate case id {case['id']!r} in {origin}")
            seen.add(case["id"])
            record = run({k: encode(v) for k, v in case.items()})
            if record is None:
                skipped += 1
                continue
            # Key order is kept: Python reports the first of several unknown keywords given.
            fh.write(json.dumps(record) + "\n")
            count += 1
    print(f"{out_path.stem}: {count} cases written to {out_path.relative_to(ROOT)}"
          + (f" ({skipped} skipped as too large)" if skipped else ""), file=sys.stderr)
    return count, skipped


def main(argv: list[str] | None, *, description: str, module: str, cases_package: str,
         env: dict[str, str], generate: Callable[[str], object]) -> int:
    """``python -m <module> FAMILY... | --all``, re-executed under ``env`` when it differs.

    Messages that print a Python set depend on PYTHONHASHSEED, hence the re-exec.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("families", nargs="*", help=f"modules of oracle/{cases_package}/ to run")
    parser.add_argument("--all", action="store_true", help="run every family")
    opts = parser.parse_args(argv)
    if any(os.environ.get(k) != v for k, v in env.items()):
        os.execve(sys.executable, [sys.executable, "-m", module, *sys.argv[1:]],
                  dict(os.environ, **env))
    families = opts.families
    if opts.all:
        families = [m.name for m in pkgutil.iter_modules([str(ROOT / "oracle" / cases_package)])]
    if not families:
        parser.error("name at least one family, or --all")
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for family in families:
        generate(family)
    return 0
