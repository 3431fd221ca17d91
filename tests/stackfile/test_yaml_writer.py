"""The stack-file writer: what it writes reads back as the same document."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conv_calc.stackfile.problems import Collector
from conv_calc.stackfile.yaml_reader import YMap, YScalar, YSeq, parse
from conv_calc.stackfile.yaml_writer import dump_stack

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def plain(node):
    """The reader's tree as plain values."""
    if isinstance(node, YScalar):
        return node.value
    if isinstance(node, YSeq):
        return [plain(item) for item in node.items]
    assert isinstance(node, YMap)
    return {k.value: plain(v) for k, v in node.pairs}


def read_back(text: str):
    collector = Collector()
    tree = parse(text, "written.yaml", collector)
    assert not collector.problems, [str(p) for p in collector.problems]
    return plain(tree)


@pytest.mark.parametrize("path", sorted(EXAMPLES.rglob("*.yaml")), ids=lambda p: p.name)
def test_every_example_round_trips(path):
    collector = Collector()
    document = plain(parse(path.read_text(encoding="utf-8"), path.name, collector))
    assert read_back(dump_stack(document, header=["from " + path.name])) == document


def test_layout_matches_hand_written_files():
    text = dump_stack({"version": 1, "name": "net", "input": [1, 3, 8, 8], "layers": [
        {"Conv2d": {"out_channels": 4, "kernel_size": [3, 3], "padding": "same"},
         "name": "conv"},
        {"parallel": {"a": ["ReLU"], "b": [{"MaxPool2d": {"kernel_size": 1}}]}},
    ]}, header=["two\nlines"])
    assert text == (
        "# two\n# lines\nversion: 1\nname: net\ninput: [1, 3, 8, 8]\nlayers:\n"
        "  - Conv2d: {out_channels: 4, kernel_size: [3, 3], padding: same}\n"
        "    name: conv\n"
        "  - parallel:\n      a: [ReLU]\n      b:\n        - MaxPool2d: {kernel_size: 1}\n")


@pytest.mark.parametrize("value", ["yes", "no", "on", "null", "1e5", "0x10", "010", "12:30",
                                   "a: b", "#x", "- x", " pad", "", "it's", "tab\there",
                                   "\x1b[2J", "é", "true", "~", "*alias", "&a", "!tag", "[x]",
                                   "{x}", ".5", "-1", "+1", ".inf", "$a * 2", "features.0"])
def test_strings_read_back_as_strings(value):
    assert read_back(dump_stack({"name": value, "xs": [value]})) == {"name": value,
                                                                    "xs": [value]}


scalars = (st.none() | st.booleans() | st.integers(-10**18, 10**18)
           | st.floats(allow_nan=False, allow_infinity=True)
           | st.text(st.characters(exclude_categories=("Cs",)), max_size=12))
documents = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), inner, max_size=4),
    max_leaves=20)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), documents,
                       min_size=1, max_size=4))
def test_any_document_round_trips(document):
    assert read_back(dump_stack(document)) == document
