"""The stack-file JSON Schema: draft-07, in step with the loader, and every example valid."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conv_calc.graph.framework import KERAS_BASE_KWARGS
from conv_calc.stackfile import schema, vocabulary
from conv_calc.stackfile.schema import stack_schema
from conv_calc.stackfile.yaml_reader import parse
from conv_calc.stackfile.problems import Collector
from tests.stackfile.test_spec_fakes import LAYERS

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def plain(path: Path):
    """The example as JSON data, read with conv-calc's own YAML rules."""
    from conv_calc.stackfile.yaml_reader import YMap, YScalar, YSeq

    def convert(node):
        if isinstance(node, YMap):
            return {k.value: convert(v) for k, v in node.pairs}
        if isinstance(node, YSeq):
            return [convert(item) for item in node.items]
        assert isinstance(node, YScalar)
        return node.value

    collector = Collector()
    tree = parse(path.read_text(encoding="utf-8"), str(path), collector)
    assert not collector.problems
    return convert(tree)


@pytest.mark.parametrize("prefix", ["", "keras_"])
def test_every_item_kind_takes_the_keys_the_reader_takes(prefix):
    """Each kind of item accepts exactly its own keys (conv_calc.stackfile.vocabulary)."""
    defs = stack_schema(LAYERS)["definitions"]
    for kind in vocabulary.KEYWORDS:
        own = kind in ("sequential", "residual", "parallel", "layers")
        item = defs[prefix + kind] if own else defs[kind]
        required = [kind, "from"] if kind == "layers" else [kind]  # `layers:` only with `from:`
        assert item["required"] == required and item["additionalProperties"] is False
        common = () if kind == "save" else vocabulary.COMMON  # a save has no name, repeat or expect
        assert set(item["properties"]) == {kind, *common, *vocabulary.OPTIONS.get(kind, ())}
    assert defs["parallel"]["properties"]["merge"] == {"enum": list(vocabulary.MERGES)}
    assert set(defs["expect"]["properties"]) == set(vocabulary.EXPECT_KEYS)
    rf = defs["expect"]["properties"]["receptive_field"]["anyOf"][1]
    assert set(rf["properties"]) == set(vocabulary.RF_KEYS)


def test_top_level_keys_are_the_readers():
    s = stack_schema(LAYERS)
    assert list(s["properties"]) == list(vocabulary.TOP_KEYS)
    assert s["properties"]["version"] == {"const": vocabulary.FORMAT_VERSION}
    assert s["properties"]["framework"]["enum"] == list(vocabulary.FRAMEWORKS)


def test_shape_of_the_schema():
    s = stack_schema(LAYERS)
    assert s["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert set(s["properties"]) == set(vocabulary.TOP_KEYS)
    conv = s["definitions"]["layer:Conv2d"]["properties"]["Conv2d"]["anyOf"][1]
    assert {"in_channels", "out_channels", "kernel_size", "padding_mode"} <= set(conv["properties"])
    assert conv["additionalProperties"] is False
    assert "$defs" not in json.dumps(s)  # draft-07 uses definitions
    json.dumps(s)  # serialisable


def test_committed_schema_file_is_valid_json_draft07():
    data = json.loads((ROOT / "docs" / "stack.schema.json").read_text())
    assert data["$schema"] == schema.SCHEMA_URI


@pytest.fixture(scope="module")
def validator():
    jsonschema = pytest.importorskip("jsonschema")  # optional: skipped where it is not installed
    s = stack_schema(LAYERS)
    jsonschema.Draft7Validator.check_schema(s)
    return jsonschema.Draft7Validator(s)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_is_valid(validator, path):
    errors = [e.message for e in validator.iter_errors(plain(path))]
    assert errors == []


@pytest.mark.parametrize("doc", [
    {"input": [1, 3, 8, 8]},                                           # no layers
    {"layers": [{"Conv2d": {"kernel": 3}}]},                           # unknown argument
    {"layers": [{"Conv2d": {"kernel_size": "3x3"}}]},                  # string kernel
    {"layers": [{"Conv2d": {"kernel_size": 3}, "nmae": "x"}]},         # not a block use: two kinds
    {"layers": [{"ReLU": None, "shortcut": []}]},                      # option of another kind
    {"layers": [{"name": "x"}]},                                       # no kind
    {"layers": [], "extra": 1},                                        # unknown top-level key
    {"layers": [], "input": [1, 0]},                                   # zero size
    {"layers": [{"save": "a", "name": "b"}]},                          # save has no name
    {"layers": [{"parallel": [["ReLU"]], "merge": "mul"}]},
    {"layers": [], "version": 2},
    {"layers": [{"layers": ["ReLU"]}]},                                # layers: without from:
    {"layers": [{"mul": ["a", "b", "c"]}]},                            # two operands
    {"layers": [{"save": "input"}]},                                   # the input's name
    {"layers": [{"ReLU": None, "save": "input"}]},
    {"layers": [{"parallel": {"a.b": "ReLU"}}]},                       # a dot in a branch name
    {"layers": [], "outputs": "a"},                                    # outputs: a list
    {"layers": [{"ReLU": None, "repeat": {"start": 1}}]},              # repeat without count
    {"layers": [{"ReLU": None, "repeat": {"count": 2, "strat": 1}}]},
    {"layers": [{"ReLU": None, "repeat": {"count": 2, "index": "1j"}}]},
])
def test_broken_documents_are_invalid(validator, doc):
    assert list(validator.iter_errors(doc))


@pytest.mark.parametrize("doc", [
    {"layers": ["ReLU", {"BatchNorm2d": None, "name": "bn"}, {"MyBlock": {"w": 3}, "repeat": 2}]},
    {"layers": [{"Conv2d": {"out_channels": 8, "kernel_size": [3, 3], "padding": "same",
                            "bias": False}}]},
    {"layers": [{"BatchNorm2d": {"eps": 1e-5, "momentum": None}}]},
    {"blocks": {"B": {"params": {"w": None}, "sequential": [{"Conv2d": {"out_channels": "$w * 4"}}]}},
     "layers": ["B"]},
    {"layers": [{"Conv2d": {"out_channels": 8}, "save": "a", "name": "c"},
                {"from": "input", "layers": ["ReLU"], "save": "b"},
                {"from": "a", "MyBlock": {"w": 1}},
                {"mul": ["a", "b"]}, {"sub": "a"}, {"cat": ["a", "b", "input"], "dim": 1},
                {"parallel": {"branch1x1": {"Conv2d": {"out_channels": 4}},
                              "branch3x3": ["ReLU", "ReLU"]}, "name": "mixed"}],
     "outputs": ["a", "b"]},
    {"blocks": {"B": {"sequential": [{"Conv2d": {"out_channels": "($in_channels + 1) // 2",
                                                 "kernel_size": ["$k", "2 * $k"]}}]}},
     "layers": [{"B": None, "name": "b{i}", "repeat": {"count": "$n", "start": 1, "index": "i"}}]},
])
def test_good_documents_are_valid(validator, doc):
    assert [e.message for e in validator.iter_errors(doc)] == []


# ---------------------------------------------------------------- the real registries, Keras too

KERAS_EXAMPLES = sorted((ROOT / "examples" / "keras").glob("*.yaml"))


def test_committed_schema_file_is_current():
    """docs/stack.schema.json is `conv-calc schema` output: regenerate it when layers change.

        conv-calc schema > docs/stack.schema.json
    """
    expected = json.dumps(stack_schema(), indent=2, ensure_ascii=False) + "\n"
    assert (ROOT / "docs" / "stack.schema.json").read_text(encoding="utf-8") == expected, \
        "docs/stack.schema.json is stale: run `conv-calc schema > docs/stack.schema.json`"


def test_schema_does_not_depend_on_the_hash_seed():
    import subprocess
    import sys

    outputs = {subprocess.run([sys.executable, "-m", "conv_calc.stackfile.schema"], capture_output=True,
                              text=True, check=True, cwd=ROOT,
                              env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}).stdout
               for seed in ("1", "2")}
    assert len(outputs) == 1


def test_keras_layers_and_arguments_come_from_the_registry():
    from conv_calc.keras import LAYERS as KERAS
    from conv_calc.stackfile.args import signature_of

    s = stack_schema()
    names = {k.split(":", 1)[1] for k in s["definitions"] if k.startswith("keras:")}
    # every Keras layer but a model file's structure (a stack has `input:` and `sequential:`)
    assert names == set(KERAS) - {"InputLayer", "Sequential"}
    conv = s["definitions"]["keras:Conv2D"]["properties"]["Conv2D"]["anyOf"][1]
    assert set(conv["properties"]) == set(signature_of(KERAS["Conv2D"])[0]) | set(
        KERAS_BASE_KWARGS)
    assert {"filters", "kernel_size", "strides", "padding", "dilation_rate",
            "data_format"} <= set(conv["properties"])
    assert conv["additionalProperties"] is False
    assert s["if"] == {"properties": {"framework": {"const": "keras"}}, "required": ["framework"]}


@pytest.fixture(scope="module")
def real_validator():
    jsonschema = pytest.importorskip("jsonschema")
    s = stack_schema()
    jsonschema.Draft7Validator.check_schema(s)
    return jsonschema.Draft7Validator(s)


@pytest.mark.parametrize("path", EXAMPLES + KERAS_EXAMPLES,
                         ids=lambda p: str(p.relative_to(ROOT / "examples")))
def test_every_example_is_valid_against_the_real_schema(real_validator, path):
    assert [e.message for e in real_validator.iter_errors(plain(path))] == []


@pytest.mark.parametrize("doc", [
    {"framework": "keras", "input": [None, 32, 32, 3],
     "layers": [{"Conv2D": {"filters": 8, "kernel_size": 3, "strides": 2, "padding": "same"}},
                "BatchNormalization", {"ReLU": {"max_value": 6}},
                {"MaxPooling2D": {"pool_size": [2, 2]}}, {"LeakyReLU": {"alpha": 0.1}},
                {"Conv2D": {"filters": 8, "kernel_size": 1, "name": "proj", "dtype": "float32"}},
                {"residual": [{"Conv2D": {"filters": 8, "kernel_size": 3, "padding": "same"}}]},
                {"parallel": [[{"Conv2D": {"filters": 4, "kernel_size": 1}}], "ReLU"]},
                "GlobalAveragePooling2D", {"Dense": {"units": 10}}]},
    {"framework": "keras",
     "blocks": {"B": {"params": {"f": None}, "sequential": [{"Conv2D": {"filters": "$f",
                                                                       "kernel_size": 3}}]},
                "L": [{"DepthwiseConv2D": {"kernel_size": 3}}]},
     "layers": [{"B": {"f": 8}}, "L"]},
])
def test_good_keras_documents_are_valid(real_validator, doc):
    assert [e.message for e in real_validator.iter_errors(doc)] == []


# A name that is no layer of the file's framework reads as a block use (blocks are named
# freely), so the schema catches the other framework's vocabulary through the arguments of
# names both share (ReLU) or of the file's own layers; the loader reports unknown names.
@pytest.mark.parametrize("doc", [
    {"framework": "keras", "layers": [{"ReLU": {"inplace": True}}]},                # torch's arg
    {"framework": "keras", "layers": [{"Conv2D": {"filters": 8, "kernel": 3}}]},   # unknown arg
    {"framework": "keras", "layers": [{"Conv2D": {"filters": 8, "stride": 2}}]},   # torch's name
    {"framework": "keras", "layers": [{"residual": [{"Conv2D": {"out_channels": 8}}]}]},
    {"framework": "keras", "layers": [], "blocks": {"B": [{"Dense": {"out_features": 8}}]}},
    {"framework": "keras", "layers": [], "blocks": {"Conv2D": ["ReLU"]}},          # reserved
    {"framework": "keras", "layers": [{"Conv2D": {"filters": {"a": 1}}}]},         # a mapping
    {"layers": [{"ReLU": {"max_value": 6}}]},                                      # torch file
    {"framework": "jax", "layers": []},
])
def test_broken_keras_documents_are_invalid(real_validator, doc):
    assert list(real_validator.iter_errors(doc))


def test_repeat_keys_are_the_readers():
    from conv_calc.stackfile.vocabulary import REPEAT_KEYS

    mapping = stack_schema()["definitions"]["repeat"]["anyOf"][2]
    assert tuple(mapping["properties"]) == REPEAT_KEYS
