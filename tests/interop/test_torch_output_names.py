"""``output_names`` on a model names its outputs in the imported file (what
``conv-calc export --to torch`` writes for a stack file's ``outputs:``); names that cannot
be used leave the rows' names. Needs torch."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

from conv_calc.interop.torch_fx import import_module  # noqa: E402
from conv_calc.stackfile.load import load_text  # noqa: E402
from conv_calc.stackfile.yaml_writer import dump_stack  # noqa: E402


class Two(nn.Module):
    def __init__(self, names) -> None:
        super().__init__()
        if names is not None:
            self.output_names = names
        self.a = nn.Conv2d(1, 2, 3)
        self.b = nn.Conv2d(2, 2, 1)

    def forward(self, x):
        p = self.a(x)
        q = self.b(p)
        return q, p


@pytest.mark.parametrize("names, expected", [
    (("head", "skip"), ["head", "skip"]),
    (None, ["b", "a"]),                      # no names: the rows that make them
    (("head",), ["b", "a"]),                 # one name for two outputs
    (("x", "x"), ["b", "a"]),                # a name twice
    (("head", "input"), ["b", "a"]),         # the network's input
    (("head", "not a name"), ["b", "a"]),
    ("hs", ["b", "a"]),                      # not a tuple
])
def test_output_names_are_honoured_when_they_fit(names, expected) -> None:
    imported = import_module(Two(names), (1, 1, 8, 8), None, "Two")
    assert imported.document["outputs"] == expected
    report = load_text(dump_stack(imported.document, imported.header), "two.yaml").analyze()
    assert list(report.outputs) == expected
    assert [list(s) for s in report.outputs.values()] == [[1, 2, 6, 6], [1, 2, 6, 6]]


class Clash(nn.Module):
    """An output name that another saved tensor already has: the rows' names stay."""

    output_names = ("a", "out")

    def __init__(self) -> None:
        super().__init__()
        self.a = nn.Conv2d(1, 2, 3)
        self.b = nn.Conv2d(2, 2, 1)
        self.c = nn.Conv2d(2, 2, 1)

    def forward(self, x):
        p = self.a(x)
        q = self.b(p)
        r = self.c(p)
        return q + r, r


def test_a_clashing_output_name_leaves_the_row_names() -> None:
    imported = import_module(Clash(), (1, 1, 8, 8), None, "Clash")
    assert imported.document["outputs"] == ["add", "c"]
