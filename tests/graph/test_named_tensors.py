"""Tensors by name (`save:` / `from:` on any item, merges over named tensors, `outputs:`,
named parallel branches, row positions) against torch 2.13.

The expected rows, merge names, output shapes and errors are tests/golden/named_tensors.json,
written by oracle/named_tensors_oracle.py from hand-written torch modules (replayed here
without torch; re-run live when torch is installed). examples/squeezenet1_1.yaml is compared
row by row with torchvision's own model (tests/golden/torchvision/squeezenet1_1.json).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import conv_calc
from conv_calc import nn
from conv_calc.graph.nodes import Combine, From, MERGE_OPS, Parallel, Save, StackDefinitionError
from conv_calc.graph.stack import Stack
from conv_calc.render.fit import plain_table
from conv_calc.render.report import report_dict
from conv_calc.stackfile.problems import StackFileError

ROOT = Path(__file__).parent.parent.parent
GOLDEN = json.loads((ROOT / "tests" / "golden" / "named_tensors.json").read_text())
CASES = {case["id"]: case for case in GOLDEN["cases"]}


def _analyze(case: dict):
    stack = conv_calc.load_stack(case["stack"], filename=f"{case['id']}.yaml")
    return stack, stack.analyze()


@pytest.mark.parametrize("case_id", list(CASES))
def test_rows_match_torch(case_id):
    case = CASES[case_id]
    _, report = _analyze(case)
    modules = [(r.name, r.type, list(r.output_shape), r.params)
               for r in report.layers if r.layer is not None]
    assert modules == [(r["name"], r["type"], r["out"], r["params"]) for r in case["rows"]]


@pytest.mark.parametrize("case_id", list(CASES))
def test_merges_are_named_as_torch_fx_names_the_calls(case_id):
    case = CASES[case_id]
    _, report = _analyze(case)
    merges = [r.name for r in report.layers if r.type in MERGE_OPS]
    if report.error is not None:
        merges.append(report.failed.name)
    if any("." in name for name in merges):
        # Inside a block a merge row is named under the block (Mixed_5b.cat); torch.fx
        # names the whole model's calls in one namespace.
        assert [m.rsplit(".", 1)[-1] for m in merges] == case["functions"]
    else:
        assert merges == case["functions"]


@pytest.mark.parametrize("case_id", list(CASES))
def test_outputs_and_errors_match_torch(case_id):
    case = CASES[case_id]
    stack, report = _analyze(case)
    if "error" in case:
        assert report.error is not None
        assert report.error.builtin.__name__ == case["error"]["class"]
        assert str(report.error) == case["error"]["message"]
        assert report.error.hint
        assert report.outputs == {}
        return
    assert report.error is None
    if stack.outputs:
        assert [list(s) for s in report.outputs.values()] == case["outputs"]
    else:
        assert [list(report.output_shape)] == case["outputs"]


def test_golden_cases_cover_every_construct():
    text = "\n".join(case["stack"] for case in GOLDEN["cases"])
    for word in ("save:", "from: input", "layers:", "outputs:", "mul:", "sub:", "div:",
                 "add: [", "cat: [", "branch1x1:", "repeat:"):
        assert word in text, word
    assert sum("error" in case for case in GOLDEN["cases"]) >= 5


def test_oracle_reproduces_committed_data():
    torch = pytest.importorskip("torch")
    from oracle import named_tensors_oracle as oracle

    for case_id, text, module, shape in oracle._cases():
        torch.manual_seed(0)
        rec = oracle._record(module, shape)
        case = CASES[case_id]
        assert case["stack"] == text.lstrip("\n")
        for key in ("rows", "functions", "outputs", "error"):
            assert rec.get(key) == case.get(key), (case_id, key)


# ------------------------------------------------------------------ squeezenet1_1

def test_squeezenet_example_matches_torchvision_row_by_row():
    golden = json.loads((ROOT / "tests" / "golden" / "torchvision" / "squeezenet1_1.json")
                        .read_text())
    report = conv_calc.load_stack(str(ROOT / "examples" / "squeezenet1_1.yaml")).analyze()
    assert report.error is None
    # Module rows only: the torch.cat calls are rows of their own here, and the
    # torch.flatten(x, 1) of forward is the last row, a Flatten named `flatten`.
    rows = [r for r in report.layers if r.layer is not None and r.name != "flatten"]
    theirs = golden["eval"]["rows"]
    assert len(rows) == len(theirs) == 57
    for ours, row in zip(rows, theirs):
        assert (ours.name, ours.type, [list(ours.input_shape)], list(ours.output_shape),
                ours.params, ours.macs) == \
            (row["name"], row["type"], row["in"], row["out"], row["params"], row["macs"])
    assert list(report.output_shape) == golden["eval"]["output"]
    assert report.total_params == golden["params"]
    assert report.total_macs == golden["eval"]["macs"]
    assert [r.name for r in report.layers if r.type == "cat"][:2] == \
        ["features.3.cat", "features.4.cat"]


# ------------------------------------------------------------------ Python API

def test_python_api_from_combine_outputs():
    net = [nn.Conv2d(3, 8, 3, padding=1), Save("a"),
           From("input", (nn.Conv2d(3, 8, 1),)), Save("b"),
           Combine("mul", ("a", "b")), Save("m"),
           Combine("cat", ("a", "b", "m"), dim=1)]
    report = Stack(net, outputs=("m", "b")).analyze((1, 3, 8, 8))
    assert [(r.name, r.output_shape) for r in report.layers] == [
        ("0", (1, 8, 8, 8)), ("1", (1, 8, 8, 8)), ("mul", (1, 8, 8, 8)), ("cat", (1, 24, 8, 8))]
    assert dict(report.outputs) == {"m": (1, 8, 8, 8), "b": (1, 8, 8, 8)}
    assert report.layers[2].receptive_field.size == (3, 3)  # the union of 3x3 and 1x1
    doc = report_dict(report)
    assert doc["outputs"] == {"m": [1, 8, 8, 8], "b": [1, 8, 8, 8]}
    assert list(doc)[-1] == "outputs"  # JSON only gains fields, at the end
    table = plain_table(report)
    assert "output m" in table and "output b" in table
    assert Stack(net).analyze((1, 3, 8, 8)).outputs == {}


def test_broadcast_merge_receptive_field_reads_position_zero():
    net = [Save("x"), nn.AdaptiveAvgPool2d(1), Save("s"), Combine("mul", ("s", "x"))]
    report = Stack(net).analyze((1, 4, 8, 8))
    mul = report.layers[-1]
    assert mul.output_shape == (1, 4, 8, 8)
    assert mul.receptive_field.size == (8, 8)  # the pooled gate sees everything


@pytest.mark.parametrize("nodes, message", [
    ([From("a", (nn.ReLU(),))], "'a' is used, but no tensor was saved"),
    ([Save("a"), Combine("mul", ("a", "a", "a"))], "mul takes two tensors"),
    ([Save("a"), Combine("pow", ("a", "a"))], "op must be one of cat, add, mul, sub, div"),
    ([Save("input")], "'input' is the network's input"),
])
def test_python_api_definition_errors(nodes, message):
    with pytest.raises(StackDefinitionError, match=message):
        Stack(nodes).analyze((1, 3, 8, 8))


def test_outputs_must_be_saved():
    with pytest.raises(StackDefinitionError, match="'nope' is used"):
        Stack([nn.ReLU()], outputs=("nope",)).analyze((1, 3, 8, 8))


def test_unnamed_parallel_adds_no_level_for_named_layers():
    """torchvision's Fire: expand1x1 sits directly under the block, unnamed layers keep
    the branch position."""
    from conv_calc.graph.nodes import LayerNode, Sequential
    block = Sequential((Parallel(((LayerNode(type="Conv2d", kwargs={"out_channels": 4,
                                                                   "kernel_size": 1},
                                             name="expand1x1"),),
                                  (LayerNode(type="Conv2d", kwargs={"out_channels": 4,
                                                                   "kernel_size": 1}),))),),
                       name="fire")
    names = [r.name for r in Stack([block]).analyze((1, 3, 8, 8)).layers]
    assert names == ["fire.expand1x1", "fire.0.1.0", "fire.cat"]


# ------------------------------------------------------------------ file problems

def problems(text: str) -> list[tuple[str, int, int]]:
    with pytest.raises(StackFileError) as info:
        conv_calc.load_stack(text, filename="net.yaml")
    for p in info.value.problems:
        assert p.hint, p
    return [(p.message, p.source.line, p.source.column) for p in info.value.problems]


HEAD = "input: [1, 3, 8, 8]\nlayers:\n  - Conv2d: {out_channels: 4, kernel_size: 1}\n    save: a\n"


@pytest.mark.parametrize("tail, expected", [
    ("  - from: b\n    ReLU:\n", ("no tensor was saved as 'b' before this point", 5, 11)),
    ("  - layers: [ReLU]\n", ("`layers:` runs a list on a saved tensor and needs `from:`", 5, 5)),
    ("  - mul: [a, a, a]\n", ("mul: takes two tensor names (torch.mul(a, b)), got 3", 5, 10)),
    ("  - add: [a, c]\n", ("no tensor was saved as 'c' before this point", 5, 14)),
    ("  - cat: []\n", ("cat: needs at least one tensor name", 5, 10)),
    ("  - cat: [a, a]\n    crop: center\n",
     ("`crop:` applies to `cat: NAME` (a saved tensor merged with the current one), not to a "
      "list of names", 6, 5)),
    ("  - save: input\n", ("'input' is the network's input and cannot be saved over", 5, 11)),
    ("  - ReLU:\n    save: input\n", ("'input' is the network's input and cannot be saved over",
                                      6, 11)),
    ("  - save: b\n    from: a\n", ("`from:` does not apply to a `save:` item", 6, 5)),
    ("  - parallel:\n      p: {ReLU: null, name: r}\n",
     ("a named branch takes its name from its key", 6, 23)),
    ("  - parallel:\n      a.b: [ReLU]\n", ("a branch name must be a word without dots, got string 'a.b'", 6, 7)),
    ("outputs: [a, z]\n", ("no tensor was saved as 'z' before this point", 5, 14)),
    ("outputs: [a, a]\n", ("'a' is listed twice in `outputs:`", 5, 14)),
    ("outputs: a\n", ("`outputs` must be a list of saved tensor names, got string 'a'",
                      5, 10)),
])
def test_problems_have_file_line_column(tail, expected):
    assert expected in problems(HEAD + tail)


def test_keras_files_have_no_div():
    """Keras has Add, Multiply, Subtract and Concatenate layers (tests/graph/test_keras_graph.py),
    no Divide."""
    text = ("framework: keras\ninput: [null, 8, 8, 3]\nlayers:\n  - Conv2D: {filters: 4, "
            "kernel_size: 1}\n    save: a\n  - div: [a, a]\n")
    assert ("`div:` is not available for keras stack files", 6, 5) in problems(text)


def test_adaptive_pool3d_on_a_4d_input_reads_the_axes_torch_reads():
    """The input's spatial axes are those the first layer with spatial axes reads: a 4-d input
    to AdaptiveAvgPool3d is torch's unbatched (C, D, H, W); after a Conv2d it is
    (N, C, H, W) and the pool's depth axis is the channels (docs/stack-format.md, Layers)."""
    first = Stack([nn.AdaptiveAvgPool3d(2)]).analyze((1, 3, 8, 8)).layers[-1]
    later = Stack([nn.Conv2d(3, 3, 1), nn.AdaptiveAvgPool3d(2)]).analyze((1, 3, 8, 8)).layers[-1]
    assert first.output_shape == later.output_shape == (1, 2, 2, 2)
    assert first.receptive_field.size == (2, 4, 4)
    assert later.receptive_field.size == (4, 4)
