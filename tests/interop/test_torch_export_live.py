"""``conv-calc export --to torch`` against torch 2.13 itself: every torch example, exported,
executed and run.

For each example the written module must have (checked in torch, not read off the text):
its leaf ``named_modules()`` the stack's layer rows, in order, each of the row's type and
``repr`` (torch's print of the module is conv-calc's print of the layer); each module
called exactly once, giving the row's output shape (forward hooks); the row's parameter
count; the network's output shape(s); the stack's mode. Examples that use torchvision's
layers skip without torchvision. Broken examples are refused with their failing row named.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from conv_calc.errors import ExportError
from conv_calc.interop.torch_export import class_name, export_torch
from conv_calc.interop.torch_tree import RESERVED
from conv_calc.nn.tensor_calls import TensorCall
from conv_calc.stackfile.load import load_stack, load_text
from tests.docs_constructs import construct_rows

torch = pytest.importorskip("torch")

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*.yaml"))
TORCH_EXAMPLES = [p for p in EXAMPLES if not p.name.startswith("broken-")]
BROKEN = [p for p in EXAMPLES if p.name.startswith("broken-")]
TORCHVISION_TYPES = {"StochasticDepth", "Permute"}


def _torchvision() -> None:
    for name in ("torchvision._meta_registrations", "torchvision._autograd_registrations"):
        sys.modules.setdefault(name, types.ModuleType(name))  # its ops are built for CUDA torch
    pytest.importorskip("torchvision")


def build(stack, report, label: str):
    """The exported module of ``stack``, built in torch."""
    text = export_torch(stack, label, report)
    if any(row.type in TORCHVISION_TYPES for row in report.layers):
        _torchvision()
    namespace: dict = {"__name__": "exported"}
    exec(compile(text, f"<export of {label}>", "exec"), namespace)  # noqa: S102 - the test
    torch.manual_seed(0)
    return namespace[class_name(stack.name or Path(label).stem)]()


# Where torch's print of a module and conv-calc's print of the layer differ (the exported
# constructor is checked through the attributes instead): torchvision's Permute prints no
# arguments; its LayerScale is a parameter, the exported one a module; conv-calc leaves
# out arguments torch prints for these activations (engine differences, docs/import.md).
KNOWN_REPR = {"Permute", "LayerScale", "Hardswish", "CELU", "ELU", "LeakyReLU", "Softplus"}


def _plain(value):
    if isinstance(value, (tuple, list, torch.Size)):
        return tuple(_plain(v) for v in value)
    return value


def same_module(module, layer, name: str) -> None:
    """``module`` (torch) is ``layer`` (conv-calc): printed alike, equal in every attribute
    both have."""
    if type(layer).__name__ not in KNOWN_REPR:
        assert repr(module) == repr(layer), name
    theirs = vars(module)
    for key, value in vars(layer).items():
        if key in theirs and key != "training" and not isinstance(theirs[key], torch.Tensor):
            assert _plain(theirs[key]) == _plain(value), (name, key)


def module_rows(report):
    return [row for row in report.layers
            if row.layer is not None and not isinstance(row.layer, TensorCall)]


def check(stack, report, label: str) -> None:
    """Export ``stack``, build it in torch and run it: torch agrees with ``report``."""
    model = build(stack, report, label)
    rows = module_rows(report)
    leaves = [(name, m) for name, m in model.named_modules() if name and not list(m.children())]
    assert [(n, type(m).__name__) for n, m in leaves] == [(r.name, r.type) for r in rows]
    for (name, module), row in zip(leaves, rows):
        same_module(module, row.layer, name)
        assert sum(p.numel() for p in module.parameters()) == row.params, name
    assert model.training == (report.mode == "train")
    seen: dict[str, list] = {}
    for name, module in leaves:
        module.register_forward_hook(
            lambda mod, args, out, name=name: seen.setdefault(name, []).append(tuple(out.shape)))
    with torch.no_grad():
        out = model(torch.zeros(report.input_shape))
    assert seen == {r.name: [r.output_shape] for r in rows}
    if stack.outputs:
        got = out if isinstance(out, tuple) else (out,)
        assert [tuple(t.shape) for t in got] == [report.outputs[n] for n in stack.outputs]
    else:
        assert tuple(out.shape) == report.output_shape
    assert sum(p.numel() for p in model.parameters()) == report.total_params
    # For the import round trip: torch.fx, every module without children a leaf, calls each
    # module once, in the table's order, by its row name.
    graph = _Leaves().trace(model)
    assert [n.target for n in graph.nodes if n.op == "call_module"] == [r.name for r in rows]


class _Leaves(torch.fx.Tracer):
    def is_leaf_module(self, module, qualified_name: str) -> bool:
        return not list(module.children())


@pytest.mark.parametrize("path", TORCH_EXAMPLES, ids=lambda p: p.stem)
def test_export_runs_as_conv_calc_says(path: Path) -> None:
    stack = load_stack(str(path))
    check(stack, stack.analyze(), path.name)


@pytest.mark.parametrize("construct, items", [(c, i) for c, i, _ in construct_rows()],
                         ids=lambda v: v if "\n" not in v else "")
def test_every_construct_of_the_format_exports(construct: str, items: str) -> None:
    """docs/stack-format.md's "From torch code to YAML": every construct, exported and run."""
    stack = load_text("name: construct\ninput: [1, 3, 16, 16]\nlayers:\n" + items, "doc.yaml")
    check(stack, stack.analyze(), "doc.yaml")


@pytest.mark.parametrize("path", TORCH_EXAMPLES, ids=lambda p: p.stem)
def test_export_imports_only_torch(path: Path) -> None:
    text = export_torch(load_stack(str(path)), path.name)
    imports = [line for line in text.splitlines() if line.startswith(("import ", "from "))]
    assert all(line.split()[1].split(".")[0] == "torch" or
               line.startswith("from torchvision.ops import ") for line in imports), imports


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_broken_examples_are_refused_naming_the_row(path: Path) -> None:
    stack = load_stack(str(path))
    report = stack.analyze()
    with pytest.raises(ExportError) as info:
        export_torch(stack, path.name, report)
    assert repr(report.failed.name) in str(info.value)
    assert str(report.error) in str(info.value)


def test_reserved_names_are_torchs() -> None:
    """The names conv-calc refuses for modules are those torch's containers refuse."""
    containers = (torch.nn.Module, torch.nn.Sequential, torch.nn.ModuleList, torch.nn.ModuleDict)
    theirs = {n for cls in containers for n in dir(cls) if not n.startswith("_")}
    theirs |= {n for n in vars(torch.nn.Module()) if not n.startswith("_")}
    assert RESERVED == theirs
    with pytest.raises(KeyError):
        torch.nn.Module().add_module("forward", torch.nn.ReLU())


def _every_layer():
    from tests.nn.test_geometry import TORCH
    return sorted(TORCH.items())


@pytest.mark.parametrize("name, sample", _every_layer(),
                         ids=lambda v: v if isinstance(v, str) else "")
@pytest.mark.parametrize("mode", ["train", "eval"])
def test_every_layer_exports_as_torch_builds_it(name: str, sample, mode: str) -> None:
    """One row of every torch layer conv-calc knows (tests/nn/test_geometry.py's samples)."""
    from conv_calc.graph.nodes import LayerNode
    from conv_calc.graph.stack import Stack

    args, kwargs, shape = sample
    stack = Stack([LayerNode(type=name, args=tuple(args), kwargs=dict(kwargs), name="layer")],
                  input_shape=shape, name="one", mode=mode)
    report = stack.analyze()
    if name.startswith("MaxUnpool") or report.error is not None:
        with pytest.raises(ExportError, match="'layer'"):
            export_torch(stack, None, report)
        return
    text = export_torch(stack, None, report)
    if name in TORCHVISION_TYPES:
        _torchvision()
    namespace: dict = {"__name__": "exported"}
    exec(compile(text, f"<export of {name}>", "exec"), namespace)  # noqa: S102 - the test
    model = namespace["One"]()
    (leaf, module), = [(n, m) for n, m in model.named_modules() if n]
    row = report.layers[0]
    assert (leaf, type(module).__name__) == ("layer", name)
    same_module(module, row.layer, name)
    assert sum(p.numel() for p in module.parameters()) == row.params
    with torch.no_grad():
        assert tuple(model(torch.zeros(shape)).shape) == row.output_shape


@pytest.mark.parametrize("name, args, kwargs, shape", [
    ("LeakyReLU", (0.2,), {}, (1, 2, 3)),
    ("ELU", (), {"alpha": 2.0}, (1, 2, 3)),
    ("CELU", (2.0,), {}, (1, 2, 3)),
    ("Softplus", (), {"beta": 2, "threshold": 10}, (1, 2, 3)),
    ("PReLU", (3,), {"init": 0.5}, (1, 3, 4)),
    ("Conv2d", (2, 4, 3), {"padding": 1, "padding_mode": "reflect", "dilation": 1}, (1, 2, 6, 6)),
    ("StochasticDepth", (0.5, "batch"), {}, (2, 3, 4, 4)),
    ("UpsamplingBilinear2d", (), {"scale_factor": 2}, (1, 2, 3, 3)),
])
def test_arguments_torch_does_not_print_are_kept(name, args, kwargs, shape) -> None:
    from conv_calc.graph.nodes import LayerNode
    from conv_calc.graph.stack import Stack

    stack = Stack([LayerNode(type=name, args=args, kwargs=kwargs, name="layer")],
                  input_shape=shape, name="one")
    report = stack.analyze()
    text = export_torch(stack, None, report)
    if name in TORCHVISION_TYPES:
        _torchvision()
    namespace: dict = {"__name__": "exported"}
    exec(compile(text, f"<export of {name}>", "exec"), namespace)  # noqa: S102 - the test
    module = namespace["One"]().layer
    same_module(module, report.layers[0].layer, name)
    built = getattr(torch.nn, name)(*args, **kwargs) if hasattr(torch.nn, name) else None
    if built is not None:
        assert repr(module) == repr(built)
        if name == "PReLU":
            assert torch.equal(module.weight, built.weight)


# Graphs the examples do not cover: every kind of named tensor, merge and tensor function.
GRAPHS = {
    "split-pieces": """
input: [1, 6, 8, 8]
layers:
  - split: [[2, 4], {dim: 1}]
    outputs: [a, b]
    continue_with: b
  - Conv2d: {out_channels: 2, kernel_size: 1}
    save: c
  - sub: [a, c]
  - chunk: [2, {dim: 1}]
  - flatten: 1
outputs: [a, input]
""",
    "interpolate-upsample-sizes": """
input: [1, 3, 17, 19]
layers:
  - Conv2d: {out_channels: 4, kernel_size: 3, stride: 2}
    name: down
    save: low
  - MaxPool2d: {kernel_size: 2}
  - interpolate: {size_of: low, mode: nearest}
  - Upsample: {size_of: input, mode: bilinear, align_corners: false}
    name: up
    save: up
  - add: [input, input]
    save: doubled
  - from: up
    layers: [{Conv2d: {out_channels: 3, kernel_size: 1}}]
    save: proj
  - div: [doubled, proj]
""",
    "parallel-add-and-crop": """
input: [1, 4, 20, 20]
blocks:
  Branchy:
    params: {c: null}
    parallel:
      - Conv2d: {out_channels: $c, kernel_size: 3, padding: 1}
      - Conv2d: {out_channels: $c, kernel_size: 1}
      - - Conv2d: {out_channels: $c, kernel_size: 1}
        - ReLU
    merge: add
layers:
  - Branchy: {c: 8}
    name: b1
    save: skip
  - Branchy: {c: 8}
    repeat: 2
  - Conv2d: {out_channels: 8, kernel_size: 5}
  - cat: skip
    crop: center
  - mean: {dim: [2, 3], keepdim: true}
  - permute: [0, 2, 3, 1]
  - reshape: [1, -1]
  - Linear: {out_features: 3}
    name: head
""",
}


@pytest.mark.parametrize("label", sorted(GRAPHS))
def test_graphs_export(label: str) -> None:
    stack = load_text(f"name: {label}\n" + GRAPHS[label], f"{label}.yaml")
    report = stack.analyze()
    assert report.error is None, report.error
    check(stack, report, f"{label}.yaml")


@pytest.mark.parametrize("seed", range(60))
def test_random_networks_export(seed: int) -> None:
    """Random trees of residuals, branches, long skips (crop or not) and tensor functions
    (tests/solve's generators), exported and run in torch."""
    import random

    from conv_calc.graph.stack import Stack
    from tests.solve.test_solve_stack import _rand_nodes, _rand_unet

    rng = random.Random(9000 + seed)
    nodes = _rand_unet(rng, 2, rng.randint(1, 3)) if seed % 2 else \
        _rand_nodes(rng, 2, 3, rng.randint(2, 9), calls=True)
    stack = Stack(nodes, input_shape=(1, 2, 50), name="random")
    report = stack.analyze()
    if report.error is not None:
        with pytest.raises(ExportError, match=repr(report.failed.name)):
            export_torch(stack, None, report)
        return
    check(stack, report, "random.yaml")
