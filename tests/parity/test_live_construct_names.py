"""The row names of docs/stack-format.md's "From torch code to YAML", against live torch:
each construct as a tiny module, its rows as torch.fx traces it (a module's first call by its
``named_modules()`` name, the fx target; a second call and every function by fx's node name)."""

from __future__ import annotations

import pytest

from tests.docs_constructs import construct_rows

torch = pytest.importorskip("torch")
nn = torch.nn
F = torch.nn.functional


class Attribute(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        return self.conv1(x)


class SequentialChild(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU())

    def forward(self, x):
        return self.features(x)


class ModuleListEntry(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([nn.Conv2d(3, 8, 3), nn.Conv2d(8, 8, 3)])

    def forward(self, x):
        for block in self.blocks:
            x = block(x)
        return x


class Branches(nn.Module):
    def __init__(self):
        super().__init__()
        self.branch1 = nn.Conv2d(3, 8, 1)
        self.branch2 = nn.Sequential(nn.Conv2d(3, 8, 1), nn.ReLU())

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch2(x)], 1)


class TwoParallels(nn.Module):
    def __init__(self):
        super().__init__()
        self.a1, self.a2 = nn.Conv2d(3, 4, 1), nn.Conv2d(3, 4, 1)
        self.b1, self.b2 = nn.Conv2d(8, 4, 1), nn.Conv2d(8, 4, 1)

    def forward(self, x):
        x = torch.cat([self.a1(x), self.a2(x)], 1)
        return torch.cat([self.b1(x), self.b2(x)], 1)


class Functional(nn.Module):
    def forward(self, x):
        x = F.relu(x)
        s = x
        x = x * s
        t = x
        x = torch.cat([s, t], 1)
        return torch.flatten(x, 1)


class CalledTwice(nn.Module):
    def __init__(self):
        super().__init__()
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(3, 8, 1)

    def forward(self, x):
        return self.relu(self.conv(self.relu(x)))


MODULES = {"a module attribute": Attribute, "an `nn.Sequential` child": SequentialChild,
           "a `ModuleList` entry": ModuleListEntry, "a branch computed in forward": Branches,
           "branches held as attributes, merged in forward twice": TwoParallels,
           "functional calls: `F.relu`, `x * s`, `torch.cat`, `torch.flatten`": Functional,
           "a module called twice": CalledTwice}


def fx_rows(module: nn.Module) -> list[str]:
    seen: set[str] = set()
    rows = []
    for node in torch.fx.symbolic_trace(module).graph.nodes:
        if node.op == "call_module":
            rows.append(node.target if node.target not in seen else node.name)
            seen.add(node.target)
        elif node.op in ("call_function", "call_method"):
            rows.append(node.name)
    return rows


ROWS = construct_rows()


def test_every_construct_has_a_module():
    assert [c for c, _, _ in ROWS] == list(MODULES)


@pytest.mark.parametrize("construct, rows", [(c, r) for c, _, r in ROWS],
                         ids=[c for c, _, _ in ROWS])
def test_rows_are_torchs_names(construct, rows):
    module = MODULES[construct]()
    module(torch.zeros(1, 3, 16, 16))
    assert fx_rows(module) == rows
