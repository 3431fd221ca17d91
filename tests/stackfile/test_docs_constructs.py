"""docs/stack-format.md stays true: each YAML cell of "From torch code to YAML" gives the rows
it claims (torch's side: tests/parity/test_live_construct_names.py), and "Supported layers"
is the output of ``conv-calc layers``, so it lists exactly the registered layers."""

from __future__ import annotations

import re

import pytest

from conv_calc.nn import LAYERS
from conv_calc.render.catalog import catalog, render_text
from conv_calc.stackfile.load import load_text
from tests.docs_constructs import DOC, construct_rows

ROWS = construct_rows()


def test_the_table_has_every_construct():
    constructs = " ".join(c for c, _, _ in ROWS)
    for word in ("attribute", "Sequential", "ModuleList", "branch", "F.relu", "torch.cat",
                 "torch.flatten", "x * s", "twice"):
        assert word in constructs, word


@pytest.mark.parametrize("construct, items, rows", ROWS, ids=[r[0] for r in ROWS])
def test_yaml_gives_the_rows_claimed(construct, items, rows):
    report = load_text("input: [1, 3, 16, 16]\nlayers:\n" + items).analyze()
    assert report.error is None
    assert [row.name for row in report.layers] == rows


def test_supported_layers_is_the_registry():
    text = DOC.read_text(encoding="utf-8")
    listing = re.search(r"<!-- conv-calc layers: begin -->\n```text\n(.*?)```\n"
                        r"<!-- conv-calc layers: end -->", text, re.S)
    assert listing is not None
    assert listing.group(1) == render_text(catalog("torch")), (
        "docs/stack-format.md: paste the output of `conv-calc layers` into Supported layers")
    listed = re.findall(r"^  (\w+)\(", listing.group(1), re.M)
    assert sorted(listed) == sorted(LAYERS)
