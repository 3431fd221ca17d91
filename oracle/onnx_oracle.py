"""Ground truth for the ONNX importer: onnx.shape_inference's shape of every node.

Usage (from the repository root, with torch==2.13.0, onnx and onnxscript)::

    python -m oracle.onnx_oracle            # writes tests/golden/onnx/
    python -m oracle.onnx_oracle basic_dynamo tiny   # some cases only (the index is merged)
    python -m oracle.onnx_oracle --torchvision      # torchvision models: counts, not committed

What it exports:

- small torch models (oracle/onnx_models.py), each with both of torch 2.13's exporters:
  ``torch.onnx.export(..., dynamo=True)`` (the default, through onnxscript: its optimizer
  folds BatchNorm into the convs) and ``dynamo=False`` (the TorchScript exporter), the
  model in eval mode;
- conv-calc's torch examples (examples/*.yaml), built in torch by tests/torch_build.py's
  walker (every module created once, then traced) and exported with the TorchScript
  exporter (``dynamo=False``; torch.export re-traces the Python walker too slowly);
- hand-written graphs for what torch never writes (auto_pad, asymmetric conv pads,
  ConvTranspose output_shape, opsets 9 and 11, Resize by sizes, Clip, PRelu).

For each file: every node's output shape from ``onnx.shape_inference.infer_shapes``
(strict), the model's output shape from torch (or from onnx's reference evaluator for
hand-written graphs), then ``conv_calc.interop.onnx_file.import_onnx`` and conv-calc's
analysis of the document: every converted node's row must have onnx's shape. Written:

- ``tests/golden/onnx/NAME.onnx``: the file with the numbers of every initializer of 64
  elements or more removed (marked as external data that is never read; the dims stay,
  which is all the importer reads);
- ``tests/golden/onnx/NAME.yaml``: the stack file ``conv-calc import onnx`` writes;
- ``tests/golden/onnx/index.json``: per file, the input, onnx's shape for every row
  (keyed by row name), the node and row counts, the output shape.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "golden" / "onnx"
#: Examples left out, with the reason.
SKIP_EXAMPLES: dict[str, str] = {}
#: Largest committed case (the .onnx and .yaml together): bigger ones are checked here and
#: counted in index.json's "checked_not_committed", but not committed (the repository
#: keeps its golden data small).
MAX_COMMIT_BYTES = 24_000
#: Largest example exported (parameters): bigger ones make the oracle slow, not the test.
MAX_EXAMPLE_PARAMS = 150_000_000


def strip(model: Any) -> Any:
    """Drop the numbers of large initializers, keep their dims (external data, never read)."""
    from onnx import TensorProto

    for tensor in model.graph.initializer:
        count = 1
        for d in tensor.dims:
            count *= d
        if count < 64 or tensor.data_type not in (TensorProto.FLOAT, TensorProto.FLOAT16,
                                                  TensorProto.DOUBLE, TensorProto.BFLOAT16):
            continue
        for field in ("raw_data", "float_data", "double_data", "int32_data"):
            tensor.ClearField(field)
        tensor.data_location = TensorProto.EXTERNAL
        del tensor.external_data[:]
        entry = tensor.external_data.add()
        entry.key, entry.value = "location", "weights-not-included.bin"
    # Metadata the importer does not read but which makes files large (stack traces).
    for node in model.graph.node:
        keep = [p for p in node.metadata_props if p.key == "pkg.torch.onnx.name_scopes"]
        del node.metadata_props[:]
        node.metadata_props.extend(keep)
    del model.graph.value_info[:]
    return model


def export_torch(model: Any, shape: tuple[int, ...], exporter: str, path: Path) -> tuple:
    import torch

    x = torch.zeros(shape)
    with torch.no_grad():
        expected = tuple(model(x).shape)
    torch.onnx.export(model, (x,), str(path), dynamo=exporter == "dynamo",
                      external_data=False, verbose=False)
    return expected


def _int_frames(value: Any, frames: dict, dim: int) -> Any:
    """torch_build's expressions on plain ints: a traced x.shape holds tensors."""
    from conv_calc.graph.expr import resolve_value

    return resolve_value(value, {k: tuple(int(s) for s in f) for k, f in frames.items()}, dim)


def example_module(path: Path) -> tuple[Any, tuple[int, ...]] | None:
    """An example stack file as a torch module (eval mode), or None when it fails in torch.

    tests/torch_build.py's walker builds each module as it runs; here the first run
    keeps them (in order) and every later run, the export's trace included, reuses them.
    """
    import torch

    from tests import torch_build
    from conv_calc.stackfile.load import load_file

    stack = load_file(str(path))
    if getattr(stack, "framework", "torch") != "torch":
        return None
    modules: list[Any] = []
    cursor = [0]
    original = torch_build.module_class

    def cached(type_name: str) -> Any:
        cls = original(type_name)

        def make(*args: Any, **kwargs: Any) -> Any:
            if cursor[0] >= len(modules):
                modules.append(cls(*args, **kwargs))
            cursor[0] += 1
            return modules[cursor[0] - 1]
        return make

    class StackModule(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = torch.nn.ModuleList()

        def forward(self, x: Any) -> Any:
            cursor[0] = 0
            torch_build.module_class = cached
            torch_build.resolve_value = _int_frames
            torch_build._Walker.counted = lambda self, fn, *args: (fn(*args), 0)
            walker = torch_build._Walker("eval")
            walker.input = x
            walker.saved["input"] = x
            try:
                out = walker.nodes(stack.layers, x, "")
            except torch_build._Stop:
                raise RuntimeError(walker.result.failure.message) from None
            return out

    module = StackModule().eval()
    try:
        with torch.no_grad():
            module(torch.zeros(stack.input_shape))
    except Exception as err:  # noqa: BLE001 - a broken example (on purpose): not exported
        print(f"skip {path.stem}: {type(err).__name__}: {err}")
        return None
    module.layers.extend(modules)
    if sum(p.numel() for p in module.parameters()) > MAX_EXAMPLE_PARAMS:
        return None
    return module.eval(), tuple(stack.input_shape)


def evaluated_shapes(raw: Path) -> dict[str, list[int]]:
    """Every node output's shape from running the (unstripped) model in onnx.reference."""
    import numpy as np
    import onnx
    from onnx import helper
    from onnx.reference import ReferenceEvaluator

    model = onnx.load(str(raw))
    names = [o.name for o in model.graph.output]
    for node in model.graph.node:
        for out in node.output:
            if out and out not in names:
                names.append(out)
                model.graph.output.append(helper.make_empty_tensor_value_info(out))
    initializers = {t.name for t in model.graph.initializer}
    (x,) = [i for i in model.graph.input if i.name not in initializers]
    shape = [d.dim_value for d in x.type.tensor_type.shape.dim]
    values = ReferenceEvaluator(model).run(None, {x.name: np.zeros(shape, dtype=np.float32)})
    return {n: list(np.shape(v)) for n, v in zip(names, values)}


def record(name: str, path: Path, expected: tuple[int, ...] | None, raw: Path
           ) -> dict[str, Any]:
    """onnx's shapes for every converted node, checked against conv-calc's rows.

    The shape is onnx.shape_inference's; where it leaves a size unknown (shape
    arithmetic it does not follow, as in the TorchScript exporter's pad lists), the
    shape the model's run in onnx.reference gives (counted in ``evaluated``)."""
    import onnx
    from onnx import shape_inference

    from conv_calc.interop.onnx_file import import_onnx
    from conv_calc.stackfile.load import load_text
    from conv_calc.stackfile.yaml_writer import dump_stack

    model = onnx.load(str(path), load_external_data=False)
    inferred = shape_inference.infer_shapes(model, strict_mode=True, data_prop=True)
    shapes = {}
    for info in [*inferred.graph.value_info, *inferred.graph.output, *inferred.graph.input]:
        dims = info.type.tensor_type.shape.dim
        shapes[info.name] = [d.dim_value for d in dims]
    unknown = [n for n, dims in shapes.items() if not dims or 0 in dims]
    evaluated = evaluated_shapes(raw) if unknown else {}
    result = import_onnx(str(path))
    text = dump_stack(result.document, result.header)
    report = load_text(text, filename=f"{name}.yaml").analyze()
    got = {row.name: list(row.output_shape) for row in report.layers}
    rows = {}
    count = 0
    for tensor, row in result.rows.items():
        if tensor in evaluated and (not shapes.get(tensor) or 0 in shapes[tensor]):
            shapes[tensor] = evaluated[tensor]
            count += 1
        rows[row] = shapes[tensor]
        if got.get(row) != shapes[tensor]:
            raise AssertionError(f"{name}: row {row} ({tensor}): conv-calc {got.get(row)}, "
                                 f"onnx {shapes[tensor]}")
    if report.error is not None:
        raise AssertionError(f"{name}: conv-calc fails: {report.error}")
    outputs = [shapes[o.name] for o in inferred.graph.output]
    if expected is not None and outputs[0] != list(expected):
        raise AssertionError(f"{name}: onnx's output {outputs[0]} but torch's {expected}")
    (OUT / f"{name}.yaml").write_text(text, encoding="utf-8")
    return {"input": list(result.graph.input_shape), "nodes": len(model.graph.node),
            "folded": len(result.graph.folded), "rows": rows, "output": outputs[0],
            "params": report.total_params, "evaluated": count}


def main(argv: list[str]) -> int:
    import onnx

    sys.path.insert(0, str(ROOT))
    from oracle.onnx_models import onnx_graphs, torch_models

    OUT.mkdir(parents=True, exist_ok=True)
    index_path = OUT / "index.json"
    index = json.loads(index_path.read_text()) if argv and index_path.exists() else {}
    wanted = set(argv)
    cases: list[tuple[str, Any]] = []
    for name, model, shape, exporter in torch_models():
        cases.append((name, lambda m=model, s=shape, e=exporter: ("torch", m, s, e)))
    for name, graph in onnx_graphs():
        cases.append((name, lambda g=graph: ("onnx", g, None, None)))
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        if path.stem in SKIP_EXAMPLES or path.stem.startswith("broken"):
            continue
        cases.append((f"example_{path.stem}", lambda p=path: ("example", p, None, None)))
    for name, make in cases:
        if wanted and name not in wanted:
            continue
        kind, obj, shape, exporter = make()
        target = OUT / f"{name}.onnx"
        with tempfile.TemporaryDirectory() as tmp:
            raw = Path(tmp) / "model.onnx"
            expected = None
            if kind == "torch":
                expected = export_torch(obj, shape, exporter, raw)
            elif kind == "onnx":
                onnx.save(obj, str(raw))
            else:
                built = example_module(obj)
                if built is None:
                    print(f"skip {name}: not built in torch")
                    continue
                module, shape = built
                try:
                    expected = export_torch(module, shape, "legacy", raw)
                except Exception as err:  # noqa: BLE001 - reported, the case left out
                    print(f"FAIL {name}: export: {type(err).__name__}: {err}")
                    continue
            onnx.save(strip(onnx.load(str(raw))), str(target))
            try:
                index[name] = record(name, target, expected, raw)
            except Exception as err:  # noqa: BLE001 - reported, the case left out
                print(f"FAIL {name}: {type(err).__name__}: {err}")
                target.unlink(missing_ok=True)
                continue
        print(f"ok {name}: {len(index[name]['rows'])} rows matched")
        prune(index, name)
    index_path.write_text(dump_index(index))


def dump_index(index: dict[str, Any]) -> str:
    """One line per case: small, and a diff shows which case changed."""
    lines = [f"{json.dumps(k)}: {json.dumps(index[k], sort_keys=True)}" for k in sorted(index)]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def prune(index: dict[str, Any], name: str) -> None:
    """Leave a large case out of the repository; keep its counts."""
    files = [OUT / f"{name}.onnx", OUT / f"{name}.yaml"]
    if sum(f.stat().st_size for f in files) <= MAX_COMMIT_BYTES:
        return
    case = index.pop(name)
    large = index.setdefault("checked_not_committed", {})
    large[name] = {"nodes": case["nodes"], "rows": len(case["rows"])}
    for f in files:
        f.unlink()
    return 0


#: torchvision models checked by ``--torchvision`` (not committed: counted in
#: tests/golden/onnx/torchvision_summary.json).
TORCHVISION = (
    "alexnet", "vgg11", "resnet18", "resnet50", "resnext50_32x4d", "densenet121",
    "squeezenet1_1", "googlenet", "inception_v3", "mobilenet_v2", "mobilenet_v3_large",
    "mnasnet0_5", "shufflenet_v2_x1_0", "efficientnet_b0", "efficientnet_v2_s",
    "regnet_y_400mf", "convnext_tiny", "vit_b_16", "swin_t", "r3d_18", "r2plus1d_18",
    "fcn_resnet50", "lraspp_mobilenet_v3_large")
VIDEO = ("r3d_18", "mc3_18", "r2plus1d_18", "s3d")


def torchvision_main(names: list[str]) -> int:
    """Export torchvision models (weights=None, eval) with both exporters; record counts."""
    import types

    for stub in ("torchvision._meta_registrations", "torchvision._autograd_registrations"):
        sys.modules.setdefault(stub, types.ModuleType(stub))
    import torch
    import torchvision

    global OUT
    summary_path = ROOT / "tests" / "golden" / "onnx" / "torchvision_summary.json"
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else {}
    with tempfile.TemporaryDirectory() as tmp:
        OUT = Path(tmp)
        for name in names or TORCHVISION:
            shape = (1, 3, 8, 112, 112) if name in VIDEO else (1, 3, 224, 224)
            segmentation = name.startswith(("fcn", "lraspp", "deeplab"))
            extra = {"weights_backbone": None} if segmentation else {}  # never download
            model = torchvision.models.get_model(name, weights=None, **extra).eval()
            if segmentation:
                model.aux_classifier = None
                inner = model
                model = _FirstOutput(inner)
            for exporter in ("legacy", "dynamo"):
                key = f"{name}_{exporter}"
                raw = OUT / f"{key}.onnx"
                try:
                    expected = export_torch(model, shape, exporter, raw)
                    case = record(key, raw, expected, raw)
                    summary[key] = {"nodes": case["nodes"], "rows": len(case["rows"]),
                                    "params": case["params"]}
                    print(f"ok {key}: {len(case['rows'])} rows matched", flush=True)
                except Exception as err:  # noqa: BLE001 - a refusal or an export failure
                    summary[key] = {"refused": f"{type(err).__name__}: {str(err)[:300]}"}
                    print(f"refused {key}: {summary[key]['refused']}", flush=True)
                summary_path.write_text(dump_index(summary))
    del torch
    return 0


def _FirstOutput(model: Any) -> Any:  # noqa: N802 - a class made on demand (torch is optional)
    import torch

    class First(torch.nn.Module):
        """A segmentation model's "out" tensor (its forward returns a dict)."""

        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, x: Any) -> Any:
            return self.model(x)["out"]
    return First().eval()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--torchvision"]:
        raise SystemExit(torchvision_main(sys.argv[2:]))
    raise SystemExit(main(sys.argv[1:]))
