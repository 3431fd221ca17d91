"""Compare a stack file with torchvision's own model, row by row, without torch.

The reference is the committed torch 2.13 / torchvision 0.28 record in
tests/golden/torchvision/<model>.json (oracle/torchvision_oracle.py; format in
oracle/README.md): every leaf module call in execution order with its
``named_modules()`` name, class, input and output shapes, own parameters and MACs.
The stack's module rows are its rows of torch.nn layers, less the ones named in
``functional``: torchvision's functional calls (``F.relu``, ``torch.flatten``) that the
stack file writes as layers. Merges and tensor-function rows are not modules.
"""

from __future__ import annotations

import json
from pathlib import Path

import conv_calc
from conv_calc import nn

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "torchvision"


def reference(model: str) -> dict:
    """The committed record of torchvision's ``model``."""
    return json.loads((GOLDEN / f"{model}.json").read_text(encoding="utf-8"))


def mismatches(example: str, model: str, mode: str = "eval",
               functional: tuple[str, ...] = ()) -> list[str]:
    """Every difference between ``examples/<example>.yaml`` and torchvision's ``model`` in
    ``mode``: names, classes, shapes, params and MACs per module row, then the totals.
    Empty when they agree."""
    stack = conv_calc.load_stack(str(ROOT / "examples" / f"{example}.yaml"))
    return stack_mismatches(stack, model, mode, functional)


def stack_mismatches(stack: conv_calc.Stack, model: str, mode: str = "eval",
                     functional: tuple[str, ...] = ()) -> list[str]:
    """:func:`mismatches` for a loaded stack (an imported file, for example)."""
    golden = reference(model)
    record = golden[mode]
    if not isinstance(record, dict):  # "same_as_eval": train rows stored only where they differ
        raise ValueError(f"{model}: no {mode} rows of their own in the record; compare in eval")
    shape = (record.get("batch", golden["input"][0]),) + tuple(golden["input"][1:])
    report = stack.analyze(input_shape=shape, mode=mode)
    problems = []
    if report.error is not None:
        problems.append(f"the stack fails: {report.error}")
    modules = [r for r in report.layers if r.type in nn.LAYERS and r.name not in functional]
    refs = record["rows"]
    for i, (ours, ref) in enumerate(zip(modules, refs)):
        got = (ours.name, ours.type, ours.input_shape, ours.output_shape, ours.params, ours.macs)
        want = (ref["name"], ref["type"].rsplit(".", 1)[-1], tuple(ref["in"][0]), tuple(ref["out"]), ref["params"],
                ref["macs"])
        if got != want:
            problems.append(f"row {i}: ours {got} != torchvision {want}")
    if len(modules) != len(refs):
        problems.append(f"{len(modules)} module rows, torchvision has {len(refs)}")
    output = record["output"]
    if isinstance(output, dict) and len(output.get("dict", ())) > 1:  # GoogLeNetOutputs in train
        want = [tuple(v) for v in output["dict"].values()]
        if [tuple(v) for v in report.outputs.values()] != want:
            problems.append(f"outputs {report.outputs} != {output}")
        return problems
    if isinstance(output, dict) and len(output.get("dict", ())) == 1:
        output = next(iter(output["dict"].values()))  # segmentation's {"out": x}: the tensor x
    if not report.error and report.layers and tuple(report.layers[-1].output_shape) != tuple(
            output):
        problems.append(f"output {report.layers[-1].output_shape} != {record['output']}")
    return problems
