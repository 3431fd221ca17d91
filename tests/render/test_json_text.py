"""The JSON writer: the same bytes as ``json.dumps(indent=2)``, streamed a row at a time."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conv_calc.render import report as render
from conv_calc.render.json_text import JsonWriter, dumps
from conv_calc.stackfile.load import load_file, load_text

ROOT = Path(__file__).resolve().parents[2]

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8))
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner),
                            st.dictionaries(st.text(max_size=4), inner, max_size=4)),
    max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(document=documents, ascii_only=st.booleans())
def test_same_text_as_json_dumps(document, ascii_only):
    assert dumps(document, ensure_ascii=ascii_only) == json.dumps(
        document, indent=2, ensure_ascii=ascii_only)


def test_repeated_flat_lists_are_written_at_their_own_depth():
    # the cache of flat lists is per depth: the same list nested deeper is indented deeper
    document = {"a": [1, 2], "b": {"c": [1, 2]}, "d": [[1, 2], ["x", 2]]}
    assert dumps(document) == json.dumps(document, indent=2)


def test_keys_and_refusals_as_json():
    for document in ({1: "int", 1.5: "float", None: "none"}, {True: "bool", False: 0}):
        assert dumps(document) == json.dumps(document, indent=2)
    with pytest.raises(TypeError, match="not JSON serializable"):
        dumps([Fraction(1, 2)])
    with pytest.raises(TypeError, match="keys must be"):
        dumps({(1, 2): 3})


def test_writer_depth():
    assert JsonWriter().text({"a": [1]}, depth=1) == '{\n    "a": [\n      1\n    ]\n  }'


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.name)
def test_report_json_is_the_report_dict(path):
    report = load_file(path).analyze()
    expected = json.dumps(render.report_dict(report, str(path)), indent=2, ensure_ascii=False) + "\n"
    assert render.report_json(report, str(path)) == expected


@pytest.mark.parametrize("text", [
    # a failing layer: error and failed entries around the rows
    ("version: 1\ninput: [1, 3, 8, 8]\nlayers:\n  - Conv2d: {out_channels: 4, kernel_size: 3}\n"
     "  - Conv2d: {out_channels: 4, kernel_size: 9}\n"),
    # no rows at all, and a name holding the marker the rows are spliced at
    "version: 1\ninput: [1, 3, 8, 8]\nlayers:\n  - Conv2d: {out_channels: 4, kernel_size: 9}\n",
    "version: 1\ninput: [1, 3, 8, 8]\nlayers:\n  - ReLU:\n    name: \"\\0rows\\0\"\n",
])
def test_report_json_edge_cases(text):
    report = load_text(text).analyze()
    expected = json.dumps(render.report_dict(report, "f"), indent=2, ensure_ascii=False) + "\n"
    assert render.report_json(report, "f") == expected
