"""``conv-calc import torch`` live: small hand-written torch models, imported, then read
back without torch and compared row by row with what torch itself does.

The reference for each module row is a forward hook on the real module (its name from
``named_modules()``, the k-th repeated call ``name_k``, its output shape and parameter
count); functional rows are compared by their output shapes from a torch.fx run. Needs
torch (CI has it); skipped without.
"""

from __future__ import annotations

import json
import sys

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn
F = torch.nn.functional

import conv_calc  # noqa: E402
from conv_calc.interop.torch_fx import ImportRefused, import_module  # noqa: E402
from conv_calc.stackfile.yaml_writer import dump_stack  # noqa: E402
from tests.cli_runner import run  # noqa: E402

pytestmark = pytest.mark.slow


# ---------------------------------------------------------------- models that import exactly

class Block(nn.Module):
    """A residual block whose ReLU module runs twice (rows relu, relu_1)."""

    def __init__(self, c: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.conv2(out)
        out += x
        return self.relu(out)


class SameConv(nn.Conv2d):
    """A subclass that only changes the constructor: a leaf, written as Conv2d."""

    def __init__(self, cin: int, cout: int) -> None:
        super().__init__(cin, cout, kernel_size=3, padding=1)


class Mixed(nn.Module):
    """Functional calls, merges by name, a chunk, a channel shuffle, a layer scale and an
    interpolation back to the input's size."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = SameConv(3, 8)
        self.blocks = nn.Sequential(Block(8), Block(8))
        self.branch = nn.Sequential(nn.Conv2d(4, 4, 1), nn.Hardswish())
        self.scale = nn.Parameter(torch.ones(8, 1, 1))
        self.head = nn.Conv2d(8, 5, 1)
        self.fc = nn.Linear(8, 10)

    def forward(self, x):
        size = x.shape[-2:]
        y = F.relu(self.stem(x))
        y = self.blocks(y)
        a, b = y.chunk(2, dim=1)
        y = torch.cat([a, self.branch(b)], 1)
        n, c, h, w = y.size()
        y = y.view(n, 2, c // 2, h, w).transpose(1, 2).contiguous().view(n, c, h, w)
        y = self.scale * y
        y = F.max_pool2d(y, 3, 2, 1)
        y = F.avg_pool2d(y, 2, ceil_mode=True)
        seg = F.interpolate(self.head(y), size=size, mode="bilinear", align_corners=False)
        z = F.adaptive_avg_pool2d(y, 1)
        z = torch.flatten(F.dropout(z, 0.2, self.training), 1)
        return {"out": seg, "logits": self.fc(z + y.mean([2, 3]))}


class Plain(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Linear(4 * 3 * 3, 2)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def torch_rows(model, shape):
    """(name, class name, output shape, params) of every leaf module call, from hooks."""
    rows, calls, handles = [], {}, []
    for name, module in model.named_modules():
        if not list(module.children()) and name:
            def hook(mod, args, out, name=name):
                k = calls.get(name, 0)
                calls[name] = k + 1
                rows.append((f"{name}_{k}" if k else name, tuple(out.shape),
                             sum(p.numel() for p in mod.parameters())))
            handles.append(module.register_forward_hook(hook))
    with torch.no_grad():
        out = model(torch.zeros(shape))
    for h in handles:
        h.remove()
    return rows, out


@pytest.mark.parametrize("factory, shape, mode", [
    (Plain, (2, 1, 8, 8), "train"),
    (Mixed, (1, 3, 16, 16), "eval"),
    (Mixed, (2, 3, 20, 24), "train"),
])
def test_imported_file_matches_torch_row_by_row(factory, shape, mode):
    torch.manual_seed(0)
    model = factory()
    imported = import_module(model, shape, mode, factory.__name__)
    text = dump_stack(imported.document, imported.header)
    stack = conv_calc.load_stack(text)  # no torch below: the file alone
    report = stack.analyze()
    assert report.error is None
    assert report.mode == mode
    ours = [(r.name, tuple(r.output_shape), r.params) for r in report.layers
            if r.name in set(imported.module_rows)]
    getattr(model, mode)()
    want, out = torch_rows(model, shape)
    assert ours == want
    # Module rows come first among equals: every module of the model has its row.
    if isinstance(out, dict):
        assert report.outputs == {imported.document["outputs"][i]: tuple(t.shape)
                                  for i, t in enumerate(out.values())}
    else:
        assert tuple(report.layers[-1].output_shape) == tuple(out.shape)


def test_rows_are_named_as_named_modules_and_calls_under_their_module():
    model = Mixed().eval()
    imported = import_module(model, (1, 3, 16, 16))
    stack = conv_calc.load_stack(dump_stack(imported.document, imported.header))
    names = [r.name for r in stack.analyze().layers]
    assert names == [
        "stem", "relu", "blocks.0.conv1", "blocks.0.bn1", "blocks.0.relu", "blocks.0.conv2",
        "blocks.0.add", "blocks.0.relu_1", "blocks.1.conv1", "blocks.1.bn1", "blocks.1.relu",
        "blocks.1.conv2", "blocks.1.add", "blocks.1.relu_1", "chunk", "branch.0", "branch.1",
        "cat", "view", "transpose", "contiguous", "view_1", "scale", "max_pool2d",
        "avg_pool2d", "head", "interpolate", "adaptive_avg_pool2d", "dropout", "flatten",
        "mean", "add", "fc"]
    # The module rows are named_modules()'s names, a second call with _1.
    modules = {n for n, m in model.named_modules() if not list(m.children())}
    assert {n for n in imported.module_rows if not n.endswith("_1")} == modules
    assert [n for n in imported.module_rows if n.endswith("_1")] == ["blocks.0.relu_1",
                                                                    "blocks.1.relu_1"]
    # Top-level calls are named as torch.fx names them.
    graph = torch.fx.symbolic_trace(Mixed().eval()).graph
    fx_names = {n.name for n in graph.nodes}
    for name in ("relu", "cat", "max_pool2d", "avg_pool2d", "interpolate", "flatten",
                 "dropout", "mean", "chunk", "view_1"):
        assert name in fx_names
    items = {i.get("name"): i for i in imported.document["layers"]}
    assert items["interpolate"]["interpolate"]["size_of"] == "input"  # size=x.shape[-2:]
    assert items["max_pool2d"] == {"MaxPool2d": {"kernel_size": 3, "stride": 2, "padding": 1},
                                   "name": "max_pool2d"}
    assert imported.frozen == ["view", "view_1"]  # n, c // 2, h, w read off the input
    assert items["scale"]["LayerScale"] == {"shape": [8, 1, 1]}
    assert items["stem"]["Conv2d"]["kernel_size"] == 3  # SameConv, written as Conv2d
    # The two identical residual blocks are one definition, used twice.
    assert list(imported.document["blocks"]) == ["Block"]
    assert items["blocks"]["sequential"] == [{"Block": None, "name": "0"},
                                             {"Block": None, "name": "1"}]


def test_header_says_where_the_file_came_from():
    imported = import_module(Plain(), (1, 1, 8, 8), "eval", "tests:Plain")
    assert imported.header[0] == "Imported by conv-calc import torch from tests:Plain"
    assert imported.header[1] == f"input 1x1x8x8, mode eval, torch {torch.__version__}"
    assert imported.document["mode"] == "eval"


# ---------------------------------------------------------------- refusals

class PadSame(nn.Conv2d):
    """Pads itself from the input size: a changed forward, so traced into, then refused."""

    def forward(self, x):
        return F.conv2d(F.pad(x, [1, 1, 1, 1]), self.weight, self.bias)


class Branchy(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.inner = nn.ModuleDict({"gate": _Gate()})

    def forward(self, x):
        return self.inner["gate"](x)


class _Gate(nn.Module):
    def forward(self, x):
        if x.sum() > 0:
            return x
        return -x


class Attention(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.attn = nn.MultiheadAttention(8, 2, batch_first=True)

    def forward(self, x):
        return self.attn(x, x, x, need_weights=False)[0]


class Scaled(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 1)

    def forward(self, x):
        return self.conv(x) * 0.5


class TwoInputs(nn.Module):
    def forward(self, x, y):
        return x + y


class WithPad(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = PadSame(3, 4, 3)

    def forward(self, x):
        return self.conv(x)


@pytest.mark.parametrize("factory, shape, words", [
    (WithPad, (1, 3, 8, 8), ["torch.nn.functional.pad", "module 'conv'", "PadSame"]),
    (Branchy, (1, 3, 8, 8), ["torch.fx cannot trace module 'inner.gate'", "_Gate"]),
    (Attention, (1, 4, 8), ["attention op (torch.nn.MultiheadAttention)", "module 'attn'"]),
    (Scaled, (1, 3, 8, 8), ["operator.mul", "a number"]),
    (TwoInputs, (1, 3), ["second input 'y'"]),
])
def test_what_cannot_be_written_is_refused_with_its_place(factory, shape, words):
    with pytest.raises(ImportRefused) as info:
        import_module(factory(), shape)
    for word in words:
        assert word in str(info.value)
    assert info.value.hint


def test_a_data_dependent_branch_hint_says_so():
    with pytest.raises(ImportRefused) as info:
        import_module(Branchy(), (1, 3, 8, 8))
    assert "data-dependent control flow" in info.value.hint


def test_forward_hooks_are_refused():
    model = Plain()
    model.features[0].register_forward_hook(lambda m, a, o: o * 2)
    with pytest.raises(ImportRefused, match="module 'features.0'.*forward hooks"):
        import_module(model, (1, 1, 8, 8))


def test_an_input_the_model_rejects_is_refused():
    with pytest.raises(ImportRefused, match="fails on this input at node 'classifier'"):
        import_module(Plain(), (1, 1, 10, 10))


# ---------------------------------------------------------------- the command

MODEL_FILE = '''
import torch
from torch import nn

def build(width=4):
    return nn.Sequential(nn.Conv2d(3, width, 3, stride=2), nn.BatchNorm2d(width), nn.ReLU())
'''


def test_command_writes_a_file_that_stack_reads(tmp_path):
    code = tmp_path / "net.py"
    code.write_text(MODEL_FILE)
    out = tmp_path / "net.yaml"
    result = run("import", "torch", f"{code}:build", "--input", "1x3x9x9", "--kwargs",
                 '{"width": 6}', "--eval", "-o", str(out))
    assert result.code == 0, result.stderr
    text = out.read_text()
    assert text.startswith(f"# Imported by conv-calc import torch from {code}:build with "
                           '{"width": 6}\n')
    stack = run("stack", str(out), "--format", "json")
    assert stack.code == 0
    rows = json.loads(stack.stdout)["layers"]
    assert [(r["name"], r["output_shape"]) for r in rows] == [
        ("0", [1, 6, 4, 4]), ("1", [1, 6, 4, 4]), ("2", [1, 6, 4, 4])]


@pytest.mark.parametrize("args, message", [
    (["nowhere.py:build"], "no file 'nowhere.py'"),
    (["{code}:missing"], "has no callable 'missing'"),
    (["{code}:build", "--kwargs", "{"], "--kwargs is not JSON"),
    (["{code}:build", "--kwargs", '{"depth": 3}'], "unexpected keyword argument 'depth'"),
    (["{code}"], "is not MODULE:CALLABLE"),
])
def test_command_errors_are_exit_2_with_a_hint(tmp_path, args, message):
    code = tmp_path / "net.py"
    code.write_text(MODEL_FILE)
    args = [a.replace("{code}", str(code)) for a in args]
    result = run("import", "torch", *args, "--input", "1x3x9x9")
    assert result.code == 2
    assert message in result.stderr
    assert "hint: " in result.stderr
    assert "Traceback" not in result.stderr


def test_without_torch_the_command_says_what_to_install(tmp_path, monkeypatch):
    code = tmp_path / "net.py"
    code.write_text(MODEL_FILE)
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    result = run("import", "torch", f"{code}:build", "--input", "1x3x9x9")
    assert result.code == 2
    assert "needs PyTorch, which is not installed" in result.stderr
    assert "conv-calc[torch]" in result.stderr
