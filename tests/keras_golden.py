"""Load Keras golden cases and compute conv-calc's outcome for one, in the oracle's format."""

from __future__ import annotations


from conv_calc.errors import LayerError
from conv_calc.keras import LAYERS
from conv_calc.keras.errors import WRAP_PREFIX
from oracle.codec import decode
from oracle.driver import builtin_name
from tests.golden_cases import load as load_golden

def load(pattern: str = "keras_*.jsonl") -> list[dict]:
    return load_golden(pattern)


def _error(exc: BaseException) -> dict:
    out = {"type": builtin_name(exc), "message": str(exc)}
    if str(exc).startswith(WRAP_PREFIX):
        out["wrapped"] = True
    out["_hinted"] = isinstance(exc, LayerError) and bool(exc.hint)
    return out


def _is_multi(inp) -> bool:
    return bool(inp) and isinstance(inp[0], (list, tuple))


def conv_calc_outcome(case: dict) -> dict:
    """What conv_calc.keras does with ``case``, for the parts ``case["expect"]`` records."""
    cls = LAYERS[case["layer"]]
    args = decode(case.get("args", []))
    kwargs = decode(case.get("kwargs", {}))
    inp = decode(case["input"])
    shape_arg = [tuple(s) for s in inp] if _is_multi(inp) else tuple(inp)
    try:
        layer = cls(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - the outcome is what is compared
        return {"stage": "init", **_error(exc)}
    out: dict = {}
    try:
        out["compute_output_shape"] = {"shape": list(layer.compute_output_shape(shape_arg))}
    except Exception as exc:  # noqa: BLE001
        out["compute_output_shape"] = _error(exc)
    if "call" in case.get("expect", {}):
        layer = cls(*args, **kwargs)
        try:
            shape = list(layer.call_shape(shape_arg))
            out["call"] = {"shape": shape, "params": layer.count_params(shape_arg)}
        except Exception as exc:  # noqa: BLE001
            out["call"] = _error(exc)
    return out


def comparable(outcome: dict) -> dict:
    """Drop what is not compared: hints, and the backend's text after a wrapped first line."""
    def one(o: dict) -> dict:
        o = {k: v for k, v in o.items() if k != "_hinted"}
        if o.get("wrapped"):
            o["message"] = o["message"].split("\n")[0]
        return o
    if "stage" in outcome:
        return one(outcome)
    return {k: one(v) for k, v in outcome.items()}


def hinted(outcome: dict) -> bool:
    parts = [outcome] if "stage" in outcome else list(outcome.values())
    return all(p.get("_hinted", True) for p in parts if "type" in p)


def describe(case: dict) -> str:
    kwargs = decode(case.get("kwargs", {}))
    args = ", ".join([*(repr(a) for a in decode(case.get("args", []))),
                      *(f"{k}={v!r}" for k, v in kwargs.items())])
    return f"{case['layer']}({args}) on {case['input']}"
