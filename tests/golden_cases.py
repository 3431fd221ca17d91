"""Load golden cases and compute conv-calc's outcome for one, in the oracle's format."""

from __future__ import annotations

import json
from pathlib import Path

from conv_calc import nn
from conv_calc.errors import LayerError
from conv_calc.nn.tensor_ops import contiguous_strides, elementwise
from oracle.codec import decode
from oracle.driver import builtin_name

GOLDEN = Path(__file__).parent / "golden"


def load(pattern: str = "torch_*.jsonl") -> list[dict]:
    """Every golden case in files matching ``pattern``, in file order."""
    cases = []
    for path in sorted(GOLDEN.glob(pattern)):
        with path.open(encoding="utf-8") as fh:
            cases.extend(json.loads(line) for line in fh if line.strip())
    return cases


def _error(stage: str, exc: BaseException) -> dict:
    out = {"stage": stage, "type": builtin_name(exc), "message": str(exc)}
    # Not part of the comparison: every conv-calc error must be a LayerError with a hint.
    out["_hinted"] = isinstance(exc, LayerError) and bool(exc.hint)
    return out


#: Functions that return a tuple of tensors.
_TUPLE_FUNCTIONS = {"Tensor.split", "Tensor.chunk"}


def _function_outcome(case: dict) -> dict:
    """A function case (oracle/torch_oracle.py): {"shape"}, {"shapes"} or the error."""
    inputs = [tuple(s) for s in case["inputs"]]
    kwargs = decode(case.get("kwargs", {}))
    perm = case.get("input_permute")
    if perm is not None:
        strides = contiguous_strides(inputs[0])
        inputs[0] = tuple(inputs[0][d] for d in perm)
        if case["function"] == "Tensor.view":
            kwargs["input_strides"] = tuple(strides[d] for d in perm)
    name = case["function"]
    try:
        if case.get("fold"):
            out = elementwise(name.split(".")[1], inputs)
        elif name.startswith("torch."):
            out = nn.FUNCTIONS[name](*inputs, *decode(case.get("args", [])), **kwargs)
        else:
            out = nn.FUNCTIONS[name](inputs[0], *decode(case.get("args", [])), **kwargs)
    except Exception as exc:  # noqa: BLE001 - the outcome is what is compared
        return _error("forward", exc)
    if name in _TUPLE_FUNCTIONS:
        return {"shapes": [list(s) for s in out]}
    return {"shape": list(out)}


def conv_calc_outcome(case: dict) -> dict:
    """What conv_calc.nn does with ``case``: {"shape": [...]} or the error it raises."""
    if "function" in case:
        return _function_outcome(case)
    cls = getattr(nn, case["layer"])
    args = decode(case.get("args", []))
    kwargs = decode(case.get("kwargs", {}))
    try:
        layer = cls(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - the outcome is what is compared
        return _error("init", exc)
    layer.train(case.get("mode", "train") == "train")  # "mode": "eval" runs module.eval()
    try:
        shape = layer.output_shape(tuple(case["input"]), **decode(case.get("forward_kwargs", {})))
    except Exception as exc:  # noqa: BLE001
        return _error("forward", exc)
    return {"shape": list(shape)}


def describe(case: dict) -> str:
    if "function" in case:
        args = ", ".join([*(repr(a) for a in decode(case.get("args", []))),
                          *(f"{k}={v!r}" for k, v in decode(case.get("kwargs", {})).items())])
        on = " on " + ", ".join(str(s) for s in case["inputs"])
        extra = (" (folded)" if case.get("fold") else "") + (
            f" after permute{tuple(case['input_permute'])}" if case.get("input_permute") else "")
        return f"{case['function']}({args}){on}{extra}"
    args = ", ".join([*(repr(a) for a in decode(case.get("args", []))),
                      *(f"{k}={v!r}" for k, v in decode(case.get("kwargs", {})).items())])
    fkw = decode(case.get("forward_kwargs", {}))
    return (f"{case['layer']}({args}) on {case['input']}" + (f" with {fkw}" if fkw else "")
            + (" in eval mode" if case.get("mode") == "eval" else ""))
