"""Run layer cases through real torch 2.13 on the CPU and write golden data.

Usage (from the repository root, with torch==2.13.0 installed)::

    python -m oracle.torch_oracle conv          # one family -> tests/golden/torch_conv.jsonl
    python -m oracle.torch_oracle --all         # every module in oracle/cases/

Each case is built as ``torch.nn.<layer>(*args, **kwargs)`` and called on
``torch.zeros(input)`` (float32, CPU, never the meta device). The recorded
outcome is the shape of the output (the values' shape when a layer returns a
tuple), or the stage ("init" or "forward"), builtin exception class and
``str()`` of the exception.

A case with ``"mode": "eval"`` calls ``module.eval()`` before the forward (every other
case runs in training mode, as torch builds modules).

A case with ``"function"`` instead of ``"layer"`` calls a tensor function on
``torch.zeros`` of each shape in ``"inputs"``: ``torch.add`` as
``torch.add(*tensors, *args, **kwargs)``, ``Tensor.reshape`` as
``tensors[0].reshape(*args, **kwargs)``; with ``"fold": true`` the function is
applied left to right over the tensors (a merge of several names), and
``"input_permute"`` permutes the first tensor first (a non-contiguous input).
Its outcome is ``{"shape": ...}``, ``{"shapes": [...]}`` for a tuple of tensors,
or a "forward" error.

DESIGN.md section 1: where torch's outcome depends on the CPU backend we record
the reference kernels' answer (oneDNN and NNPACK disabled, one thread) and flag
the case ``backend_kernel``, keeping the default backend's outcome (two
threads, oneDNN enabled) under ``"default"``. Messages that print a Python set
depend on PYTHONHASHSEED, so the script re-executes itself with
PYTHONHASHSEED=0.
"""

from __future__ import annotations

import functools
import importlib
import warnings
from pathlib import Path

from oracle import driver
from oracle.codec import decode
from oracle.driver import GOLDEN, builtin_name, write_golden

#: Refuse to run a batched case whose output would exceed this many elements
#: (checked on the meta device first, which is good enough for a size estimate).
MAX_ELEMENTS = 20_000_000


def _forward_kwargs(torch, case: dict, device: str = "cpu") -> dict:
    """The case's forward keywords; MaxUnpool's ``indices`` (a shape, by default the input's)
    become an int64 zero tensor: index 0 is valid in any non-empty output, and torch checks
    no index of an empty one (conv_calc/nn/unpool.py)."""
    fkw = decode(case.get("forward_kwargs", {}))
    if case["layer"].startswith("MaxUnpool"):
        fkw["indices"] = torch.zeros(fkw.get("indices", case["input"]), dtype=torch.long,
                                     device=device)
    return fkw


def _run(torch, case: dict) -> dict:
    args = decode(case.get("args", []))
    kwargs = decode(case.get("kwargs", {}))
    fkw = _forward_kwargs(torch, case)
    try:
        module = getattr(torch.nn, case["layer"])(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - recording torch's behaviour
        return {"stage": "init", "type": builtin_name(exc), "message": str(exc)}
    module.train(case.get("mode", "train") == "train")
    x = torch.zeros(case["input"])
    try:
        with torch.no_grad():
            out = module(x, **fkw)
    except Exception as exc:  # noqa: BLE001
        return {"stage": "forward", "type": builtin_name(exc), "message": str(exc)}
    if isinstance(out, tuple):
        out = out[0]
    return {"shape": list(out.shape)}


def _call_function(torch, case: dict, device: str = "cpu"):
    tensors = [torch.zeros(s, device=device) for s in case["inputs"]]
    if case.get("input_permute") is not None:
        tensors[0] = tensors[0].permute(case["input_permute"])
    owner, name = case["function"].split(".")
    args, kwargs = decode(case.get("args", [])), decode(case.get("kwargs", {}))
    if case.get("fold"):
        return functools.reduce(getattr(torch, name), tensors)
    if owner == "torch":
        return getattr(torch, name)(*tensors, *args, **kwargs)
    return getattr(tensors[0], name)(*args, **kwargs)


def _run_function(torch, case: dict) -> dict | None:
    """The outcome of a function case, or None when torch cannot create its inputs."""
    for shape in case["inputs"]:
        numel = 1
        for d in shape:
            numel *= d
        if numel > MAX_ELEMENTS:
            return None
        try:
            torch.empty(shape, device="meta")
            torch.empty(shape)
        except RuntimeError:
            return None
    if case["function"] in ("torch.add", "torch.sub", "torch.mul", "torch.div"):
        # Only these allocate a result larger than their inputs.
        try:
            if _call_function(torch, case, device="meta").numel() > MAX_ELEMENTS:
                return None
        except Exception:  # noqa: BLE001 - meta cannot judge; the real run decides
            pass
    try:
        with torch.no_grad():
            out = _call_function(torch, case)
    except Exception as exc:  # noqa: BLE001
        return {"stage": "forward", "type": builtin_name(exc), "message": str(exc)}
    if isinstance(out, (tuple, list)):
        return {"shapes": [list(t.shape) for t in out]}
    return {"shape": list(out.shape)}


def _too_big(torch, case: dict) -> bool:
    shape = case["input"]
    numel = 1
    for d in shape:
        numel *= d
    if numel > MAX_ELEMENTS:
        return True
    try:
        args = decode(case.get("args", []))
        kwargs = decode(case.get("kwargs", {}))
        module = getattr(torch.nn, case["layer"])(*args, **kwargs).to("meta")
        out = module(torch.zeros(shape, device="meta"), **_forward_kwargs(torch, case, "meta"))
        if isinstance(out, tuple):
            out = out[0]
        return out.numel() > MAX_ELEMENTS
    except Exception:  # noqa: BLE001 - meta cannot judge; the real run decides
        return False


def run_case(torch, case: dict) -> dict | None:
    """The recorded outcome of one case, or None when it is too large to run."""
    if "function" in case:
        expect = _run_function(torch, case)
        return None if expect is None else dict(case, expect=expect)
    if _too_big(torch, case):
        return None
    torch.set_num_threads(2)
    default = _run(torch, case)
    torch.set_num_threads(1)
    with torch.backends.mkldnn.flags(enabled=False), torch.backends.nnpack.flags(enabled=False):
        reference = _run(torch, case)
    torch.set_num_threads(2)
    record = dict(case)
    record["expect"] = reference
    if default != reference:
        record["flags"] = sorted(set(case.get("flags", [])) | {"backend_kernel"})
        record["default"] = default
    return record


def generate(family: str) -> Path:
    import torch  # imported here so that `--help` works without torch

    warnings.simplefilter("ignore")
    torch.manual_seed(0)
    module = importlib.import_module(f"oracle.cases.{family}")
    out_path = GOLDEN / f"torch_{family}.jsonl"
    write_golden(module.cases(), out_path, lambda case: run_case(torch, case),
                 f"oracle/cases/{family}.py")
    return out_path


def main(argv: list[str] | None = None) -> int:
    return driver.main(argv, description=__doc__.split("\n\n")[0], module="oracle.torch_oracle",
                       cases_package="cases", env={"PYTHONHASHSEED": "0"}, generate=generate)


if __name__ == "__main__":
    raise SystemExit(main())
