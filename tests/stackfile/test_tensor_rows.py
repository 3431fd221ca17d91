"""Tensor functions as stack rows (`- flatten: {start_dim: 1}`): the golden replay, names, reader.

tests/golden/stack_tensor_rows.jsonl (oracle/tensor_rows_oracle.py, torch 2.13.0) holds
chains of calls with torch's shapes, first failure and torch.fx's names; each chain is
written as a stack file here and must give the same rows, names and error.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import conv_calc
from conv_calc.graph.nodes import Call, SizeOf
from conv_calc.graph.stack import Stack
from conv_calc.nn import Upsample
from conv_calc.stackfile.load import load_text

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "stack_tensor_rows.jsonl"
CASES = [json.loads(line) for line in GOLDEN.read_text().splitlines()]


def case_yaml(case: dict) -> str:
    """The chain as a stack file (JSON is YAML)."""
    items = []
    for call in case["calls"]:
        args, kwargs = call.get("args", []), dict(call.get("kwargs", {}))
        if call.get("size_of"):
            kwargs["size_of"] = call["size_of"]
        value = [*args, kwargs] if args and kwargs else args if args else kwargs or None
        item = {call["fn"]: value}
        if call.get("outputs"):
            item["outputs"] = call["outputs"]
            item["continue_with"] = call["outputs"][call.get("index", 0)]
        items.append(item)
    return json.dumps({"input": case["input"], "layers": items})


def load(text: str) -> Stack:
    return load_text(text, "net.yaml")


def test_golden_counts() -> None:
    ok = sum(c["expect"]["error"] is None for c in CASES)
    kinds = {c["expect"]["error"]["type"] for c in CASES if c["expect"]["error"]}
    assert len(CASES) >= 800 and ok >= 250
    assert {"RuntimeError", "IndexError", "ValueError", "TypeError", "NotImplementedError"} <= kinds


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_replay(case: dict) -> None:
    # A stack file's input has sizes >= 1; an empty input goes through analyze's override.
    text = case_yaml(dict(case, input=[max(s, 1) for s in case["input"]]))
    report = load(text).analyze(input_shape=case["input"])
    want = case["expect"]
    rows = report.layers
    got_shapes = [list(r.output_shape) for r in rows]
    err = want["error"]
    if err is None:
        assert report.error is None, report.error
        assert got_shapes == want["shapes"]
    else:
        assert report.error is not None, got_shapes
        assert got_shapes == want["shapes"]
        assert report.failed.index == err["call"]
        assert [c.__name__ for c in type(report.error).__mro__ if c.__module__ == "builtins"][0] \
            == err["type"]
        assert str(report.error) == err["message"]
        assert report.error.stage == "forward" and report.error.hint
    if want["fx"] is not None:
        assert [r.name for r in rows] == want["fx"]
    for row in rows:
        assert row.params == 0 and row.macs == 0
        assert row.type.startswith(("torch.", "Tensor.", "F."))


def test_shufflenet_split_and_shuffle() -> None:
    """torchvision's InvertedResidual (stride 1): x1, x2 = x.chunk(2, dim=1);
    out = cat((x1, branch2(x2)), 1); channel_shuffle (view, transpose, contiguous, view)."""
    stack = load("""
input: [1, 116, 28, 28]
layers:
  - chunk: {chunks: 2, dim: 1}
    outputs: [x1, x2]
    continue_with: x2
  - sequential:
      - Conv2d: {out_channels: 58, kernel_size: 1, bias: false}
      - BatchNorm2d
      - ReLU
    name: branch2
  - cat: x1
  - view: [1, 2, 58, 28, 28]
  - transpose: [1, 2]
  - contiguous
  - view: [1, -1, 28, 28]
""")
    report = stack.analyze()
    assert report.error is None
    assert [(r.name, r.type, r.output_shape) for r in report.layers] == [
        ("chunk", "Tensor.chunk", (1, 58, 28, 28)),
        ("branch2.0", "Conv2d", (1, 58, 28, 28)),
        ("branch2.1", "BatchNorm2d", (1, 58, 28, 28)),
        ("branch2.2", "ReLU", (1, 58, 28, 28)),
        ("cat", "cat", (1, 116, 28, 28)),
        ("view", "Tensor.view", (1, 2, 58, 28, 28)),
        ("transpose", "Tensor.transpose", (1, 58, 2, 28, 28)),
        ("contiguous", "Tensor.contiguous", (1, 58, 2, 28, 28)),
        ("view_1", "Tensor.view", (1, 116, 28, 28)),
    ]


def test_view_after_transpose_needs_contiguous() -> None:
    """Without .contiguous(), torch's view fails: the strides are tracked."""
    report = load("""
input: [1, 8, 4, 4]
layers:
  - view: [1, 2, 4, 4, 4]
  - transpose: [1, 2]
  - view: [1, -1, 4, 4]
""").analyze()
    assert report.failed.name == "view_1" and isinstance(report.error, RuntimeError)
    assert str(report.error).startswith("view size is not compatible with input tensor's size")
    ok = load("""
input: [1, 8, 4, 4]
layers:
  - view: [1, 2, 4, 4, 4]
  - transpose: [1, 2]
  - reshape: [1, -1, 4, 4]
  - permute: [0, 2, 3, 1]
  - view: [1, 4, 32]
""").analyze()
    assert ok.error is not None and ok.failed.name == "view_1"
    assert load("""
input: [1, 8, 4, 4]
layers:
  - permute: [0, 2, 3, 1]
  - view: [1, 16, 8]
""").analyze().error is None


def test_size_of_input_and_saved() -> None:
    """fcn / deeplabv3 heads: F.interpolate(x, size=input.shape[-2:], mode='bilinear')."""
    report = load("""
input: [1, 3, 64, 48]
layers:
  - Conv2d: {out_channels: 8, kernel_size: 3, stride: 2, padding: 1}
  - save: c1
  - Conv2d: {out_channels: 8, kernel_size: 3, stride: 2, padding: 1}
  - interpolate: {size_of: c1, mode: bilinear, align_corners: false}
  - Upsample: {size_of: input, mode: bilinear}
    name: up
  - interpolate: [{size_of: input}]
""").analyze()
    assert report.error is None
    assert [(r.name, r.output_shape) for r in report.layers] == [
        ("0", (1, 8, 32, 24)), ("1", (1, 8, 16, 12)), ("interpolate", (1, 8, 32, 24)),
        ("up", (1, 8, 64, 48)), ("interpolate_1", (1, 8, 64, 48))]


def test_python_api() -> None:
    stack = Stack([Call("flatten", (1,)), Upsample(size=4)], input_shape=(2, 3, 4, 4))
    assert [r.output_shape for r in stack.analyze().layers[:1]] == [(2, 48)]
    from conv_calc.graph.nodes import LayerNode
    up = Stack([Call("chunk", (2, 1), outputs=("a", "b")),
                LayerNode(type="Upsample", kwargs={"size": SizeOf("b")})],
               input_shape=(1, 4, 6, 6)).analyze()
    assert up.error is None and up.layers[-1].output_shape == (1, 2, 6, 6)
    with pytest.raises(ValueError, match="never saved|no tensor was saved"):
        Stack([LayerNode(type="Upsample", kwargs={"size": SizeOf("nope")})],
              input_shape=(1, 4, 6, 6)).analyze()
    with pytest.raises(ValueError, match="unknown tensor function"):
        Stack([Call("flaten")], input_shape=(1, 4)).analyze()


@pytest.mark.parametrize("text, message, where", [
    ("  - chunk: 2\n    outputs: a", "outputs must be a list of names", (4, 14)),
    ("  - chunk: 2\n    outputs: [a, a]", "outputs: 'a' is listed twice", (4, 18)),
    ("  - chunk: 2\n    outputs: [a, b]\n    continue_with: c", "is none of the outputs", (5, 20)),
    ("  - interpolate: {size_of: enc}", "no tensor was saved as 'enc'", (3, 28)),
    ("  - interpolate: {size_of: input, size: 3}", "`size:` and `size_of:` both", (3, 35)),
    ("  - Upsample: {size_of: x1}", "no tensor was saved as 'x1'", (3, 25)),
    ("  - flatten: {start_dim: 1}\n    outputs: [a]", "`outputs:` does not apply to flatten", (4, 5)),
    ("  - flaten: 1", "unknown layer 'flaten'", (3, 5)),
])
def test_reader_problems(text: str, message: str, where: tuple[int, int]) -> None:
    with pytest.raises(conv_calc.StackFileError) as info:
        load(f"input: [1, 4, 8, 8]\nlayers:\n{text}\n")
    problems = info.value.problems
    assert any(message in p.message and (p.source.line, p.source.column) == where
               for p in problems), [(p.message, p.source) for p in problems]
    assert all(p.hint for p in problems)


def test_unknown_function_suggests() -> None:
    with pytest.raises(conv_calc.StackFileError) as info:
        load("input: [1, 4, 8, 8]\nlayers:\n  - permut: [0, 2, 3, 1]\n")
    assert "permute" in info.value.problems[0].hint


def test_names_do_not_collide() -> None:
    from conv_calc.nn import LAYERS
    from conv_calc.stackfile.vocabulary import CALLS, KEYWORDS, OPTIONS
    assert not set(CALLS) & set(LAYERS)
    assert len(set(KEYWORDS)) == len(KEYWORDS)
    assert not set(CALLS) & {o for opts in OPTIONS.values() for o in opts}


def test_repeat_and_name() -> None:
    """Copies of a function are named as fx names repeated calls; `name:` names the row."""
    report = load("""
input: [2, 3]
layers:
  - unsqueeze: 0
    repeat: 2
  - squeeze:
    repeat: 2
    name: sq
  - Linear: {out_features: 4}
  - sum: 0
    name: total
""").analyze()
    assert [(r.name, r.output_shape) for r in report.layers] == [
        ("unsqueeze", (1, 2, 3)), ("unsqueeze_1", (1, 1, 2, 3)), ("sq.squeeze", (2, 3)),
        ("sq.squeeze_1", (2, 3)), ("1", (2, 4)), ("total", (4,))]


def test_keras_stack_has_no_tensor_functions() -> None:
    with pytest.raises(conv_calc.StackFileError) as info:
        load("framework: keras\ninput: [null, 8, 8, 3]\nlayers:\n  - flatten\n")
    assert "torch tensor function" in info.value.problems[0].message


# Receptive fields through function rows on a 1x1x15x15 input, as torch's autograd gives
# them (tests/parity/test_live_tensor_rows.py checks the same cases live):
# (layers, size, size_min, effective_padding).
RF_CASES = [
    ("[{Conv2d: {out_channels: 1, kernel_size: [5, 1]}}, {transpose: [2, 3]}, "
     "{Conv2d: {out_channels: 1, kernel_size: [3, 1]}}]", (5, 3), (5, 3), (0, 0)),
    ("[{Conv2d: {out_channels: 1, kernel_size: 3}}, {chunk: {chunks: 3, dim: 2}, "
     "outputs: [a, b, c], continue_with: c}, {Conv2d: {out_channels: 1, kernel_size: 3}}]",
     (5, 5), (5, 5), (-10, 0)),
    ("[{Conv2d: {out_channels: 1, kernel_size: 3}}, {split: [[4, 9], {dim: 3}], "
     "outputs: [a, b], continue_with: b}, {Conv2d: {out_channels: 1, kernel_size: 3}}]",
     (5, 5), (5, 5), (0, -4)),
    ("[{Conv2d: {out_channels: 1, kernel_size: 3, stride: 2}}, "
     "{mean: {dim: 2, keepdim: true}}, {Conv2d: {out_channels: 1, kernel_size: [1, 3]}}]",
     (15, 7), (15, 7), (0, 0)),
    ("[{Conv2d: {out_channels: 1, kernel_size: 3, stride: 2}}, "
     "{interpolate: {size_of: input, mode: bilinear, align_corners: false}}]",
     (5, 5), (3, 3), (0, 0)),
    ("[{Conv2d: {out_channels: 1, kernel_size: 3}}, {sum: {dim: 3, keepdim: true}}]",
     (3, 15), (3, 15), (0, 0)),
]


@pytest.mark.parametrize("layers, size, size_min, padding", RF_CASES)
def test_receptive_fields(layers: str, size, size_min, padding) -> None:
    rf = load(f"input: [1, 1, 15, 15]\nlayers: {layers}\n").analyze().layers[-1].receptive_field
    assert (rf.size, rf.size_min, rf.effective_padding) == (size, size_min, padding)


def test_merged_axes_are_whole() -> None:
    """A reshape that merges H and W makes both fields the whole axis (documented), even
    when a later reshape undoes it; an axis that keeps its own place is followed."""
    rows = load("""
input: [1, 1, 15, 15]
layers:
  - Conv2d: {out_channels: 2, kernel_size: 3}
  - reshape: [1, 2, 169]
  - reshape: [2, 13, 13]
""").analyze().layers
    assert rows[0].receptive_field.size == (3, 3)
    assert rows[1].receptive_field.size == (15, 15) and rows[1].receptive_field.dims == (None, None)
    kept = load("""
input: [1, 1, 15, 15]
layers:
  - Conv2d: {out_channels: 2, kernel_size: 3}
  - reshape: [2, 1, 13, 13]
  - flatten: {start_dim: 0, end_dim: 1}
""").analyze().layers
    assert kept[-1].receptive_field.size == (3, 3) and kept[-1].receptive_field.dims == (-2, -1)
