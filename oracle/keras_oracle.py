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

import importlib
import os
import warnings
from pathlib import Path

from oracle import driver
from oracle.codec import decode
from oracle.driver import GOLDEN, builtin_name, write_golden

#: Do not call a layer on an input (or produce an output) above this many elements.
MAX_ELEMENTS = 2_000_000

WRAP_PREFIX = "Exception encountered when calling"


def _error(exc: BaseException) -> dict:
    out = {"type": builtin_name(exc), "message": str(exc)}
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


#: Layers keras.applications defines for itself (not in keras.layers): class -> module.
APPLICATION_LAYERS = {"LayerScale": "keras.src.applications.convnext",
                      "StochasticDepth": "keras.src.applications.convnext",
                      "CustomScaleLayer": "keras.src.applications.inception_resnet_v2"}


def layer_class(keras, name: str):
    """``keras.layers.<name>``, or one of keras.applications' own layers."""
    if name in APPLICATION_LAYERS:
        return getattr(importlib.import_module(APPLICATION_LAYERS[name]), name)
    return getattr(keras.layers, name)


def run_case(keras, case: dict) -> dict:
    """The recorded outcome of one (encoded) case: the case plus ``expect``."""
    import numpy as np

    args = decode(case.get("args", []))
    kwargs = decode(case.get("kwargs", {}))
    inp = decode(case["input"])
    cls = layer_class(keras, case["layer"])
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
    out_path = GOLDEN / f"keras_{family}.jsonl"
    write_golden(module.cases(), out_path, lambda case: run_case(keras, case),
                 f"oracle/keras_cases/{family}.py")
    return out_path


def main(argv: list[str] | None = None) -> int:
    return driver.main(argv, description=__doc__.split("\n\n")[0], module="oracle.keras_oracle",
                       cases_package="keras_cases",
                       env={"PYTHONHASHSEED": "0", "KERAS_BACKEND": "torch"}, generate=generate)


if __name__ == "__main__":
    raise SystemExit(main())
