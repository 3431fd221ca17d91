"""Import every torchvision model with ``conv-calc import torch`` and compare with torchvision.

For each model of tests/golden/torchvision/index.json (classification, segmentation,
video), built with ``weights=None`` as the oracle builds it: import it in eval mode at the
recorded input, write the stack file, read it back without torch and compare every module
row (name, class, input and output shapes, parameters, MACs) and the output with the
committed record (tests/torchvision_rows.py ``stack_mismatches``). Each model is

- ``exact``: every row agrees;
- ``refused``: the importer exits with a reason (printed);
- ``wrong``: a file was written that disagrees with torchvision (must never happen).

The conv models (all but vit, swin, maxvit and mvit) must all be exact; the script exits
1 otherwise. Needs torch 2.13 and torchvision 0.28 (oracle/README.md); about 10 minutes
for all models on two cores.

    python -m oracle.torch_import_sweep                  # every model, counts at the end
    python -m oracle.torch_import_sweep resnet18 vit_b_16
    python -m oracle.torch_import_sweep --write DIR      # also keep the written files
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from oracle.torchvision_oracle import build, import_torchvision  # noqa: E402

ATTENTION_FAMILIES = ("vit_", "swin", "maxvit", "mvit")


def is_conv_model(name: str) -> bool:
    return not name.startswith(ATTENTION_FAMILIES)


def sweep_one(name: str, torch, torchvision, write: Path | None = None) -> tuple[str, str]:
    """``(outcome, detail)`` for one model: exact / refused / wrong."""
    import conv_calc
    from conv_calc.interop.torch_fx import ImportRefused, import_module
    from conv_calc.stackfile.yaml_writer import dump_stack
    from tests.torchvision_rows import reference, stack_mismatches

    golden = reference(name)
    shape = (golden["eval"].get("batch", golden["input"][0]),) + tuple(golden["input"][1:])
    model = build(torchvision, name, golden["category"])
    try:
        imported = import_module(model, shape, "eval", f"torchvision.models:{name}")
    except ImportRefused as err:
        return "refused", str(err)
    text = dump_stack(imported.document, imported.header)
    if write is not None:
        (write / f"{name}.yaml").write_text(text, encoding="utf-8")
    stack = conv_calc.load_stack(text)
    modules = set(imported.module_rows)
    report = stack.analyze(input_shape=shape, mode="eval")
    functional = tuple(r.name for r in report.layers if r.name not in modules)
    problems = stack_mismatches(stack, name, "eval", functional)
    if problems:
        return "wrong", "; ".join(problems[:3])
    return "exact", "" if imported.nested else "(written flat: nesting would change a row)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*")
    parser.add_argument("--write", type=Path, help="keep the written stack files here")
    args = parser.parse_args(argv)
    torch, torchvision = import_torchvision()
    torch.set_num_threads(2)
    index = json.loads((ROOT / "tests/golden/torchvision/index.json").read_text())
    names = args.models or sorted(index["models"])
    if args.write:
        args.write.mkdir(parents=True, exist_ok=True)
    counts = {"exact": 0, "refused": 0, "wrong": 0}
    failed_conv = []
    for name in names:
        start = time.time()
        outcome, detail = sweep_one(name, torch, torchvision, args.write)
        counts[outcome] += 1
        if outcome != "exact" and is_conv_model(name):
            failed_conv.append(name)
        print(f"{name:30} {outcome:8} {time.time() - start:5.1f}s {detail}", flush=True)
    print(f"\n{len(names)} models: {counts['exact']} imported exactly, {counts['refused']} "
          f"refused with a reason, {counts['wrong']} wrong")
    if failed_conv:
        print(f"conv models not imported exactly: {', '.join(failed_conv)}")
    return 1 if failed_conv or counts["wrong"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
