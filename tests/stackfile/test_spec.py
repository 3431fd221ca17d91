"""Stack files: what loads, into which nodes, and every problem with its line and column."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import conv_calc
from conv_calc.stackfile.load import load_file, load_stack
from conv_calc.stackfile.problems import StackFileError
from conv_calc.graph.nodes import Expect, LayerNode, Merge, Parallel, Residual, Save, Sequential, Source
from tests.stackfile.test_spec_fakes import LAYERS

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"


def load(text: str):
    return load_stack(textwrap.dedent(text).lstrip("\n"), filename="net.yaml", layers=LAYERS)


def problems(text: str) -> list[tuple[str, int, int, str]]:
    with pytest.raises(StackFileError) as info:
        load(text)
    return [(p.message, p.source.line, p.source.column, p.hint) for p in info.value.problems]


def layer_nodes(nodes, prefix=""):
    """(dotted name, LayerNode) in execution order; unnamed containers add no prefix."""
    for node in nodes:
        name = getattr(node, "name", None)
        full = prefix if isinstance(node, Save) or name is None else (
            f"{prefix}.{name}" if prefix else name)
        if isinstance(node, LayerNode):
            yield full, node
        elif isinstance(node, Sequential):
            yield from layer_nodes(node.nodes, full)
        elif isinstance(node, Residual):
            yield from layer_nodes(node.body, full)
            yield from layer_nodes(node.shortcut, full)
        elif isinstance(node, Parallel):
            for branch in node.branches:
                yield from layer_nodes(branch, full)


# -- what good files load to ---------------------------------------------------------

def test_chain_from_design_doc():
    stack = load("""
        input: [1, 3, 224, 224]
        layers:
          - Conv2d: {out_channels: 64, kernel_size: 7, stride: 2, padding: 3, bias: false}
            name: conv1
          - BatchNorm2d
          - ReLU
          - MaxPool2d: {kernel_size: 3, stride: 2, padding: 1}
    """)
    assert stack.input_shape == (1, 3, 224, 224)
    conv, bn, relu, pool = stack.layers
    assert conv == LayerNode(type="Conv2d", kwargs={"out_channels": 64, "kernel_size": 7, "stride": 2,
                                                    "padding": 3, "bias": False},
                             name="conv1", source=Source("net.yaml", 3, 5, 4, 16))
    assert (bn.type, bn.kwargs, bn.name, bn.source.line, bn.source.column) == ("BatchNorm2d", {}, None, 5, 5)
    assert relu.type == "ReLU" and pool.kwargs["kernel_size"] == 3


@pytest.mark.parametrize("written, value", [
    ("[3, 3]", (3, 3)),              # YAML lists are tuples
    ("3", 3),
    ("same", "same"),
    ("valid", "valid"),
    ("[1, [2]]", (1, (2,))),
    ("true", True),                  # torch takes bools as ints: not the loader's business
    ("-1", -1),                      # torch rejects it at construction, with its own message
    ("0", 0),
    ("null", None),
    ("$k", 5),
    ("$k * 2 + 1", 11),
])
def test_argument_values_passed_on(written, value):
    stack = load(f"""
        input: [1, 3, 8, 8]
        blocks:
          B:
            params: {{k: 5}}
            sequential:
              - Conv2d: {{out_channels: 4, kernel_size: 3, padding: {written}}}
        layers:
          - B
    """)
    assert stack.layers[0].nodes[0].kwargs["padding"] == value


@pytest.mark.parametrize("written, value", [
    ("1e-5", 1e-5), ("1.0e-5", 1e-5), (".001", 0.001), ("1", 1), ("null", None), (".inf", float("inf")),
])
def test_float_arguments(written, value):
    stack = load(f"""
        input: [1, 3, 8, 8]
        layers:
          - BatchNorm2d: {{eps: {written}, momentum: {written}}}
    """)
    assert stack.layers[0].kwargs == {"eps": value, "momentum": value}


def test_residual_parallel_save_merge():
    stack = load("""
        input: [1, 8, 16, 16]
        layers:
          - save: skip
          - residual:
              - Conv2d: {out_channels: 8, kernel_size: 3, padding: 1}
            name: res
          - residual:
              - Conv2d: {out_channels: 16, kernel_size: 3, stride: 2, padding: 1}
            shortcut:
              - Conv2d: {out_channels: 16, kernel_size: 1, stride: 2}
          - parallel:
              - [Conv2d: {out_channels: 4, kernel_size: 1}]
              - Conv2d: {out_channels: 4, kernel_size: 3, padding: 1}
              - - Conv2d: {out_channels: 4, kernel_size: 1}
                - Conv2d: {out_channels: 4, kernel_size: 3, padding: 2, dilation: 2}
            name: aspp
          - Upsample: {scale_factor: 2}
          - cat: skip
            crop: center
            dim: 1
          - add: skip
            saved_first: false
    """)
    save, res, proj, aspp, _up, cat, add = stack.layers
    assert save == Save("skip", source=save.source)
    assert isinstance(res, Residual) and res.name == "res" and res.shortcut == ()
    assert isinstance(proj, Residual) and len(proj.shortcut) == 1 and proj.name is None
    assert isinstance(aspp, Parallel) and [len(b) for b in aspp.branches] == [1, 1, 2]
    assert (aspp.merge, aspp.dim, aspp.name) == ("cat", 1, "aspp")
    assert (cat.saved, cat.op, cat.crop, cat.dim, cat.saved_first) == ("skip", "cat", "center", 1, True)
    assert isinstance(add, Merge) and (add.op, add.saved_first) == ("add", False)


def test_repeat_names_stay_unique():
    stack = load("""
        input: [1, 8, 16, 16]
        blocks:
          Block:
            residual:
              - Conv2d: {out_channels: 8, kernel_size: 3, padding: 1}
                name: conv
        layers:
          - Block
            # unnamed items in a list are numbered by position, as nn.Sequential does
          - sequential:
              - Block
              - Block:
                repeat: 2
            name: layer1
          - Block:
            repeat: 3
            name: layer2
          - ReLU:
            repeat: 2
    """)
    names = [name for name, _ in layer_nodes(stack.layers)]
    assert names == ["0.conv", "layer1.0.conv", "layer1.1.conv", "layer1.2.conv",
                     "layer2.0.conv", "layer2.1.conv", "layer2.2.conv", "3", "4"]


def test_resnet50_by_blocks():
    stack = load_file(EXAMPLES / "resnet50.yaml", layers=LAYERS)
    rows = list(layer_nodes(stack.layers))
    # stem 4 + 16 bottlenecks x 9 + 4 downsample x 2 + avgpool, flatten, fc
    assert len(rows) == 159
    names = [name for name, _ in rows]
    assert names[:5] == ["conv1", "bn1", "relu", "maxpool", "layer1.0.conv1"]
    assert "layer3.5.conv3" in names and "layer4.0.downsample.0" in names
    assert len([n for n, node in rows if node.type == "Conv2d"]) == 53
    widths = {name: node.kwargs["out_channels"] for name, node in rows if name.endswith("conv3")}
    assert widths["layer1.2.conv3"] == 256 and widths["layer4.0.conv3"] == 2048
    strides = {name: node.kwargs.get("stride") for name, node in rows if name.endswith(".conv2")}
    assert strides["layer2.0.conv2"] == 2 and strides["layer1.0.conv2"] == 1
    assert stack.expect == Expect(output_shape=(1, 1000), params=25557032, source=stack.expect.source)
    (where, layer4), = stack.expectations.items()
    assert layer4.output_shape == (1, 2048, 7, 7) and where.line > 1


def test_expect_on_layers_and_top():
    stack = load("""
        input: [1, 3, 8, 8]
        layers:
          - Conv2d: {out_channels: 4, kernel_size: 3}
            expect:
              output_shape: [1, 4, 6, 6]
              params: 112
              receptive_field: {size: 3, jump: [1, 1], start: "1/2"}
        expect: {output_shape: [1, 4, 6, 6], macs: 3888}
    """)
    expect = stack.expectations[stack.layers[0].source]
    assert expect.output_shape == (1, 4, 6, 6) and expect.params == 112
    assert expect.receptive_field["jump"] == (1, 1) and str(expect.receptive_field["start"]) == "1/2"
    assert stack.expect.macs == 3888 and stack.expect.source.line == 8


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_loads(path):
    stack = load_file(path, layers=LAYERS)
    assert stack.layers and stack.source == str(path)


def test_load_stack_accepts_paths_text_and_bytes(tmp_path):
    f = tmp_path / "net.yaml"
    f.write_text("input: [1, 3, 8, 8]\nlayers: [ReLU]\n")
    for arg in (f, str(f), f.read_bytes(), f.read_text()):
        assert load_stack(arg, layers=LAYERS).layers[0].type == "ReLU"
    assert load_stack(str(f), layers=LAYERS).source == str(f)


def test_lazy_public_api_keeps_yaml_unloaded():
    import subprocess
    import sys
    code = ("import sys, conv_calc; assert 'yaml' not in sys.modules; "
            "conv_calc.load_stack; assert 'yaml' in sys.modules; print(conv_calc.StackFileError)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "StackFileError" in out.stdout
    assert conv_calc.StackFileError is StackFileError


# -- broken files: message, line, column ---------------------------------------------

BROKEN = [
    # (id, yaml, [(message, line, column)], a word the first hint contains)
    ("unknown-layer-case", "layers:\n  - Conv2D: {out_channels: 8}\n",
     [("unknown layer 'Conv2D'", 2, 5)], "'Conv2d'"),
    ("unknown-layer-lower", "layers:\n  - conv2d\n", [("unknown layer 'conv2d'", 2, 5)], "'Conv2d'"),
    ("unknown-layer-far", "layers:\n  - Frobnicate\n", [("unknown layer 'Frobnicate'", 2, 5)], "blocks"),
    ("misspelled-argument", "layers:\n  - Conv2d: {out_channels: 8, kernel: 3}\n",
     [("Conv2d has no argument 'kernel'", 2, 31)], "'kernel_size'"),
    ("name-inside-arguments", "layers:\n  - Conv2d:\n      out_channels: 8\n      name: c1\n",
     [("Conv2d has no argument 'name'", 4, 7)], "same indentation"),
    ("string-kernel", 'layers:\n  - Conv2d: {out_channels: 8, kernel_size: "3x3"}\n',
     [("kernel_size: got string '3x3'", 2, 44)], "write 3 or [3, 3]"),
    ("exponent-int", "layers:\n  - Conv2d: {out_channels: 1e3, kernel_size: 3}\n",
     [("out_channels: got 1e3, a float", 2, 28)], "write 1000"),
    ("octal-looking", "layers:\n  - MaxPool2d: {kernel_size: 010}\n",
     [("kernel_size: got string '010'", 2, 30)], "write 10"),
    ("tuple-string", "layers:\n  - MaxPool2d: {kernel_size: '(2, 2)'}\n",
     [("kernel_size: got string '(2, 2)'", 2, 30)], "[2, 2]"),
    ("yes-is-a-string", "layers:\n  - Conv2d: {out_channels: 8, kernel_size: 3, bias: yes}\n",
     [("bias: got string 'yes'", 2, 53)], "true or false"),
    ("on-is-a-string", "layers:\n  - ReLU: {inplace: on}\n", [("inplace: got string 'on'", 2, 21)],
     "true or false"),
    ("float-string", "layers:\n  - LeakyReLU: {negative_slope: abc}\n",
     [("negative_slope: got string 'abc'", 2, 33)], "number"),
    ("mapping-value", "layers:\n  - MaxPool2d: {kernel_size: {h: 3}}\n",
     [("kernel_size: got a mapping", 2, 30)], "indentation"),
    ("positional-args", "layers:\n  - Conv2d: [3, 8, 3]\n",
     [("Conv2d: the arguments must be a mapping, got a list", 2, 13)], "keyword"),
    ("two-layers-one-item", "layers:\n  - Conv2d: {out_channels: 8, kernel_size: 3}\n    ReLU:\n",
     [("one item holds both 'Conv2d' (line 2) and 'ReLU'", 3, 5)], "'- '"),
    ("misspelled-name-key", "layers:\n  - ReLU:\n    nmae: r\n",
     [("unknown key 'nmae' in this item", 3, 5)], "'name'"),
    ("option-of-other-kind", "layers:\n  - ReLU:\n    shortcut: []\n",
     [("`shortcut:` does not apply to ReLU", 3, 5)], "`residual:`"),
    ("no-kind", "layers:\n  - name: x\n", [("this item names no layer", 2, 5)], "Conv2d"),
    ("nested-list", "layers:\n  - [ReLU]\n", [("a list cannot stand for a layer", 2, 5)], "sequential"),
    ("undefined-save", "layers:\n  - save: enc1\n  - cat: enc2\n",
     [("no tensor was saved as 'enc2' before this point", 3, 10)], "'enc1'"),
    ("save-after-use", "layers:\n  - add: x\n  - save: x\n",
     [("no tensor was saved as 'x' before this point", 2, 10)], "save"),
    ("bad-merge", "layers:\n  - parallel: [[ReLU], [ReLU]]\n    merge: mul\n",
     [("merge: got string 'mul'", 3, 12)], "cat"),
    ("bad-crop", "layers:\n  - save: a\n  - cat: a\n    crop: left\n",
     [("crop: got string 'left'", 4, 11)], "center"),
    ("repeat-zero", "layers:\n  - ReLU:\n    repeat: 0\n", [("repeat: 0 is below 1", 3, 13)], "1 or more"),
    ("repeat-string", "layers:\n  - ReLU:\n    repeat: many\n",
     [("repeat must be a whole number of copies (1 or more), got string 'many'", 3, 13)], ""),
    ("unknown-block", "blocks:\n  Block: [ReLU]\nlayers:\n  - Blok\n",
     [("unknown layer 'Blok'", 4, 5)], "'Block'"),
    ("unknown-block-param", "blocks:\n  B:\n    params: {w: 1}\n    sequential: [ReLU]\nlayers:\n  - B: {x: 2}\n",
     [("block 'B' has no parameter 'x'", 6, 9)], "takes: w"),
    ("missing-block-param", "blocks:\n  B:\n    params: {w: null}\n    sequential: [ReLU]\nlayers:\n  - B\n",
     [("block 'B' needs parameter 'w'", 6, 5)], "B: {w: ...}"),
    ("undefined-param", "blocks:\n  B:\n    params: {width: 1}\n    sequential:\n"
                        "      - Conv2d: {out_channels: $widht, kernel_size: 1}\n"
                        "layers:\n  - B\n",
     [("unknown name '$widht'", 5, 32)], "'$width'"),
    ("param-outside-block", "layers:\n  - Conv2d: {out_channels: $w, kernel_size: 1}\n",
     [("'$w' refers to a block parameter outside a block definition", 2, 28)], "blocks"),
    ("param-type-at-use", "blocks:\n  B:\n    params: {k: 1}\n    sequential:\n"
                          "      - MaxPool2d: {kernel_size: $k}\n"
                          "layers:\n  - B: {k: '3x3'}\n",
     [("kernel_size: got string '3x3' (in block 'B' used at line 7)", 5, 34)], "[3, 3]"),
    ("block-uses-itself", "blocks:\n  A:\n    sequential: [B]\n  B:\n    sequential: [A]\nlayers:\n  - A\n",
     [("block 'A' uses itself (A -> B -> A)", 5, 18)], "itself"),
    ("block-named-like-layer", "blocks:\n  ReLU: [ReLU]\nlayers: []\n",
     [("block name 'ReLU' is already taken by a torch layer", 2, 3)], "another name"),
    ("missing-layers", "input: [1, 3, 8, 8]\n", [("missing `layers:`", 1, 1)], "layers"),
    ("unknown-top-key", "input: [1, 3, 8, 8]\nlayer: []\n", [("missing `layers:`", 1, 1), ("unknown top-level key 'layer'", 2, 1)],
     "list"),
    ("layer-at-top", "Conv2d: {out_channels: 3}\nlayers: []\n",
     [("unknown top-level key 'Conv2d'", 1, 1)], "under `layers:`"),
    ("zero-and-negative-input", "input: [1, 0, -3, 8]\nlayers: []\n",
     [("input: size 0 is below 1", 1, 12), ("input: size -3 is below 1", 1, 15)], "at least 1"),
    ("input-as-string", "input: 1x3x224x224\nlayers: []\n", [("input: got string '1x3x224x224'", 1, 8)],
     "[1, 3, 224, 224]"),
    ("input-float", "input: [1, 3.0]\nlayers: []\n", [("input: got 3.0, a float as a size", 1, 12)],
     "integers"),
    ("version", "version: 2\nlayers: []\n", [("unsupported format version 2", 1, 10)], "version 1"),
    ("not-a-mapping", "- ReLU\n", [("a stack file must be a mapping with `input:` and `layers:`, got a list",
                                    1, 1)], "under `layers:`"),
    ("layers-not-list", "layers: ReLU\n", [("`layers` must be a list of layers (one '- ' item each), "
                                            "got string 'ReLU'", 1, 9)], ""),
    ("expect-typo", "layers: []\nexpect: {output_shpe: [1]}\n",
     [("unknown key 'output_shpe' in expect", 2, 10)], "'output_shape'"),
    ("syntax", "layers:\n  - Conv2d: {out_channels: 8\n", [
        ("while parsing a flow mapping: expected ',' or '}', but got '<stream end>'", 3, 1)], "syntax"),
    ("bare-name-then-key", "layers:\n  - BatchNorm2d\n    name: bn1\n",
     [("mapping values are not allowed here", 3, 9)], "`- BatchNorm2d:`"),
    ("tab-indent", "layers:\n\t- ReLU\n",
     [("while scanning for the next token: found character '\\t' that cannot start any token", 2, 1)],
     "tabs"),
    ("empty", "", [("the file is empty", 1, 1)], "layers"),
    ("comment-only", "# nothing\n", [("the file is empty", 1, 1)], "layers"),
]


@pytest.mark.parametrize("text, expected, hint", [case[1:] for case in BROKEN],
                         ids=[case[0] for case in BROKEN])
def test_broken_files(text, expected, hint):
    found = problems(text)
    assert [(m, line, col) for m, line, col, _ in found] == expected
    assert hint in found[0][3]


def test_all_problems_reported_at_once():
    found = problems("""\
        input: [1, 3, 0, 8]
        layers:
          - Conv2D: {out_channels: 8}
          - Conv2d: {out_channels: 8, kernel: 3, bias: yes}
          - cat: nowhere
        extras: 1
    """)
    assert [(line, col) for _, line, col, _ in found] == [(1, 15), (3, 5), (4, 31), (4, 48), (5, 10), (6, 1)]


def test_block_problems_reported_once_not_per_use():
    found = problems("""\
        blocks:
          B:
            sequential:
              - Conv2d: {out_channels: 8, kernal_size: 3}
        layers:
          - B:
            repeat: 16
          - B
    """)
    assert [(m, line) for m, line, _, _ in found] == [("Conv2d has no argument 'kernal_size'", 4)]


def test_stack_file_error_is_a_value_error_with_hint():
    with pytest.raises(ValueError) as info:
        load("layers:\n  - Conv2D\n")
    assert str(info.value) == "net.yaml:2:5: unknown layer 'Conv2D'"
    assert info.value.hint == "did you mean 'Conv2d'?"
    assert info.value.problems[0].code == "unknown-layer"


def test_unreadable_files(tmp_path):
    with pytest.raises(StackFileError) as info:
        load_file(tmp_path / "missing.yaml", layers=LAYERS)
    assert "cannot read" in str(info.value) and info.value.problems[0].code == "unreadable"
    with pytest.raises(StackFileError, match="directory"):
        load_file(tmp_path, layers=LAYERS)
