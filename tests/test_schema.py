"""The stack-file JSON Schema: draft-07, in step with the loader, and every example valid."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conv_calc import schema, spec
from conv_calc.schema import stack_schema
from conv_calc.spec_yaml import parse
from conv_calc.spec_errors import Collector
from tests.test_spec_fakes import LAYERS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def plain(path: Path):
    """The example as JSON data, read with conv-calc's own YAML rules."""
    from conv_calc.spec_yaml import YMap, YScalar, YSeq

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


def test_constants_agree_with_the_loader():
    assert schema.KEYWORDS == spec.KEYWORDS
    assert schema.COMMON == spec.COMMON
    assert schema.OPTIONS == spec.OPTIONS
    assert schema.TOP_KEYS == spec.TOP_KEYS
    assert schema.FORMAT_VERSION == spec.FORMAT_VERSION


def test_shape_of_the_schema():
    s = stack_schema(LAYERS)
    assert s["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert set(s["properties"]) == set(spec.TOP_KEYS)
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
])
def test_good_documents_are_valid(validator, doc):
    assert [e.message for e in validator.iter_errors(doc)] == []
