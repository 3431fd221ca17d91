"""Run layer cases through real Keras 3 (torch backend) and write golden data.

Usage (from the repository root, in a venv with ``keras``, ``scipy`` and
``torch==2.13.0``)::

    python -m oracle.keras_oracle conv        # oracle/keras_cases/conv.py -> tests/golden/keras_conv.jsonl
    python -m oracle.keras_oracle --all

Each case is ``keras.layers.<layer>(*args, **kwargs)``. When construction
succeeds, two outcomes are recorded:

- ``compute_output_shape``: ``layer.compute_output_shape(tuple(input))`` (the
  symbolic answer; the input may hold ``None`` for unknown dims);
- ``call``: a *fresh* layer called on ``numpy.zeros(input, "float32")`` (only
  when the input is fully known and small), with ``count_params()`` after the
  call. Errors raised inside ``Layer.call`` come from the backend (torch here)
  and Keras wraps them in "Exception encountered when calling X.call()";
  those are flagged ``"wrapped": true`` and only their first line is part of
  the contract (the rest is the backend's text).

Every outcome is a shape or ``{"type", "message"}`` with the builtin exception
class. ``keras.backend.clear_session()`` runs before each layer is made, so
auto-generated layer names (which appear in InputSpec messages) are always the
first of their kind (``conv2d``, not ``conv2d_17``). Messages printing a Python
set of strings depend on PYTHONHASHSEED: the script re-executes itself with
PYTHONHASHSEED=0.
"""

from __future__ import annotations

import argparse
import builtins
import importlib
import json
import os
import pkgutil
import sys
import warnings
from pathlib import Path

from oracle.codec import decode, encode

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"

#: Do not call a layer on an input (or produce an output) above this many elements.
MAX_ELEMENTS = 2_000_000

WRAP_PREFIX = "Exception encountered when calling"


def _builtin_name(exc: BaseException) -> str:
    for cls in type(exc).__mro__:
        if getattr(builtins, cls.__name__, None) is cls:
            return cls.__name__
    return type(exc).__name__


def _error(exc: BaseException) -> dict:
    out = {"type": _builtin_name(exc), "message": str(exc)}
    if str(exc).startswith(WRAP_PREFIX):
        out["wrapped"] = True
    return out


def _shape(value) -> list:
    return [None if d is None else int(d) for d in value]


def _numel(shape) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def _is_multi(inp) -> bool:
    return bool(inp) and isinstance(inp[0], (list, tuple))


def run_case(keras, case: dict) -> dict:
    """The recorded outcome of one (encoded) case: the case plus ``expect``."""
    import numpy as np

    args = decode(case.get("args", []))
    kwargs = decode(case.get("kwargs", {}))
    inp = decode(case["input"])
    cls = getattr(keras.layers, case["layer"])
    record = dict(case)

    def make():
        keras.backend.clear_session(free_memory=False)  # gc.collect() costs 75 ms a case
        return cls(*args, **kwargs)

    try:
        layer = make()
    except Exception as exc:  # noqa: BLE001 - recording keras's behaviour
        record["expect"] = {"stage": "init", **_error(exc)}
        return record
    multi = _is_multi(inp)
    shape_arg = [tuple(s) for s in inp] if multi else tuple(inp)
    expect: dict = {}
    try:
        out = layer.compute_output_shape(shape_arg)
        expect["compute_output_shape"] = {"shape": _shape(out)}
    except Exception as exc:  # noqa: BLE001
        expect["compute_output_shape"] = _error(exc)
    shapes = [list(s) for s in inp] if multi else [list(inp)]
    known = all(d is not None for s in shapes for d in s)
    small = known and all(_numel(s) <= MAX_ELEMENTS for s in shapes)
    cos = expect["compute_output_shape"].get("shape")
    if small and cos is not None and None not in cos and _numel(cos) > MAX_ELEMENTS:
        small = False
    if small:
        layer = make()
        xs = [np.zeros(s, "float32") for s in shapes]
        try:
            y = layer(xs if multi else xs[0])
            expect["call"] = {"shape": _shape(y.shape), "params": int(layer.count_params())}
        except Exception as exc:  # noqa: BLE001
            expect["call"] = _error(exc)
    record["expect"] = expect
    return record


def generate(family: str) -> Path:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras  # here so that `--help` works without keras

    warnings.simplefilter("ignore")
    module = importlib.import_module(f"oracle.keras_cases.{family}")
    seen: set[str] = set()
    out_path = GOLDEN / f"keras_{family}.jsonl"
    count = 0
    with out_path.open("w", encoding="utf-8") as fh:
        for case in module.cases():
            if case["id"] in seen:
                raise SystemExit(f"duplicate case id {case['id']!r} in oracle/keras_cases/{family}.py")
            seen.add(case["id"])
            record = run_case(keras, {k: encode(v) for k, v in case.items()})
            fh.write(json.dumps(record, sort_keys=True) + "\n")
            count += 1
    print(f"{family}: {count} cases written to {out_path.relative_to(ROOT)}", file=sys.stderr)
    return out_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("families", nargs="*", help="modules of oracle/keras_cases/ to run")
    parser.add_argument("--all", action="store_true", help="run every family")
    opts = parser.parse_args(argv)
    if os.environ.get("PYTHONHASHSEED") != "0" or os.environ.get("KERAS_BACKEND") != "torch":
        env = dict(os.environ, PYTHONHASHSEED="0", KERAS_BACKEND="torch")
        os.execve(sys.executable, [sys.executable, "-m", "oracle.keras_oracle", *sys.argv[1:]], env)
    families = opts.families
    if opts.all:
        families = [m.name for m in pkgutil.iter_modules([str(ROOT / "oracle" / "keras_cases")])]
    if not families:
        parser.error("name at least one family, or --all")
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for family in families:
        generate(family)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
