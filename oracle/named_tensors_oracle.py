"""Ground truth for tensors by name: `save:` / `from:`, merges over named tensors, several
outputs, named parallel branches and row positions, from torch 2.13 itself.

Usage (from the repository root, with torch==2.13.0)::

    python -m oracle.named_tensors_oracle      # writes tests/golden/named_tensors.json

Each case is a stack file (YAML text) and the same network written by hand as a torch
module. The module is run on zeros: its leaf modules' calls (forward hooks) give the rows,
named by ``named_modules()``; ``torch.fx.symbolic_trace`` gives the names of the functional
calls (``mul``, ``add``, ``cat``, ``add_1``, ...) in execution order; the outputs' shapes,
or the exception torch raises (class and message). tests/graph/test_named_tensors.py replays
the file without torch and re-runs these cases when torch is installed.
"""

from __future__ import annotations

import json
import operator
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "tests" / "golden" / "named_tensors.json"
_FUNCTIONS = ("add", "mul", "sub", "div", "cat")


def _cases() -> list[tuple[str, str, Any, tuple[int, ...]]]:
    """(id, stack-file text, torch module, input shape)."""
    import torch
    from torch import nn

    class SE(nn.Module):  # torchvision.ops.SqueezeExcitation's layout
        def __init__(self, c: int, s: int) -> None:
            super().__init__()
            self.avgpool = nn.AdaptiveAvgPool2d(1)
            self.fc1 = nn.Conv2d(c, s, 1)
            self.activation = nn.ReLU()
            self.fc2 = nn.Conv2d(s, c, 1)
            self.scale_activation = nn.Sigmoid()

        def forward(self, x):
            scale = self.scale_activation(self.fc2(self.activation(self.fc1(self.avgpool(x)))))
            return scale * x

    se = """
input: [1, 16, 8, 8]
layers:
  - save: x
  - AdaptiveAvgPool2d: {output_size: 1}
    name: avgpool
  - Conv2d: {out_channels: 4, kernel_size: 1}
    name: fc1
  - ReLU:
    name: activation
  - Conv2d: {out_channels: 16, kernel_size: 1}
    name: fc2
  - Sigmoid:
    name: scale_activation
  - mul: x
"""

    class Gate(nn.Module):  # from: x, a list on a saved tensor, cat/add/sub/div over names
        def __init__(self) -> None:
            super().__init__()
            self.stem = nn.Conv2d(3, 8, 3, padding=1)
            self.a = nn.Conv2d(8, 8, 1)
            self.b1 = nn.Conv2d(8, 8, 3, padding=1)
            self.b2 = nn.ReLU()
            self.proj = nn.Conv2d(3, 8, 1)

        def forward(self, x):
            s = self.stem(x)
            a = self.a(s)
            b = self.b2(self.b1(s))
            p = self.proj(x)
            y = torch.add(a, b)
            z = torch.sub(y, p)
            w = torch.div(z, b)
            c = torch.cat([w, a, x], dim=1)
            return torch.cat([c, c], 1)

    gate = """
input: [1, 3, 8, 8]
layers:
  - Conv2d: {out_channels: 8, kernel_size: 3, padding: 1}
    name: stem
    save: s
  - Conv2d: {out_channels: 8, kernel_size: 1}
    name: a
    save: a
  - from: s
    layers:
      - Conv2d: {out_channels: 8, kernel_size: 3, padding: 1}
        name: b1
      - ReLU:
        name: b2
    save: b
  - from: input
    Conv2d: {out_channels: 8, kernel_size: 1}
    name: proj
    save: p
  - add: [a, b]
    save: y
  - sub: [y, p]
    save: z
  - div: [z, b]
    save: w
  - cat: [w, a, input]
    save: c
  - cat: [c, c]
"""

    class Mixed(nn.Module):  # named branches: attributes of the block
        def __init__(self) -> None:
            super().__init__()
            self.branch1x1 = nn.Conv2d(8, 4, 1)
            self.branch5x5 = nn.Sequential(nn.Conv2d(8, 2, 1), nn.Conv2d(2, 4, 5, padding=2))
            self.branch_pool = nn.Sequential(nn.AvgPool2d(3, 1, 1), nn.Conv2d(8, 2, 1))

        def forward(self, x):
            return torch.cat([self.branch1x1(x), self.branch5x5(x), self.branch_pool(x)], 1)

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.stem = nn.Conv2d(3, 8, 3)
            self.Mixed_5b = Mixed()
            self.relu = nn.ReLU()

        def forward(self, x):
            return self.relu(self.Mixed_5b(self.stem(x)))

    mixed = """
input: [1, 3, 12, 12]
blocks:
  Mixed:
    parallel:
      branch1x1: {Conv2d: {out_channels: 4, kernel_size: 1}}
      branch5x5:
        - Conv2d: {out_channels: 2, kernel_size: 1}
        - Conv2d: {out_channels: 4, kernel_size: 5, padding: 2}
      branch_pool:
        - AvgPool2d: {kernel_size: 3, stride: 1, padding: 1}
        - Conv2d: {out_channels: 2, kernel_size: 1}
layers:
  - Conv2d: {out_channels: 8, kernel_size: 3}
    name: stem
  - Mixed:
    name: Mixed_5b
  - ReLU:
    name: relu
"""

    class Body(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.body = nn.Sequential(nn.Conv2d(3, 3, 1))

        def forward(self, x):
            return self.body(x)

    positions = nn.Sequential(nn.Conv2d(3, 3, 1), nn.Sequential(Body()),
                              nn.Sequential(Body(), Body()),
                              nn.Sequential(nn.ReLU(), nn.ReLU()))
    positions_yaml = """
input: [1, 3, 8, 8]
blocks:
  B:
    sequential:
      - sequential:
          - Conv2d: {out_channels: 3, kernel_size: 1}
        name: body
layers:
  - Conv2d: {out_channels: 3, kernel_size: 1}
  - sequential:
      - B
  - sequential:
      - B
      - save: x
      - B
  - sequential:
      - ReLU:
        repeat: 2
"""

    class Outputs(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.c1 = nn.Conv2d(3, 4, 3, stride=2, padding=1)
            self.c2 = nn.Conv2d(4, 4, 3, stride=2, padding=1)

        def forward(self, x):
            p1 = self.c1(x)
            p2 = self.c2(p1)
            return p1, p2

    outputs = """
input: [1, 3, 16, 16]
layers:
  - Conv2d: {out_channels: 4, kernel_size: 3, stride: 2, padding: 1}
    name: c1
    save: p1
  - Conv2d: {out_channels: 4, kernel_size: 3, stride: 2, padding: 1}
    name: c2
    save: p2
outputs: [p1, p2]
"""

    class Bad(nn.Module):
        def __init__(self, op: str, c1: int, c2: int, k2: int) -> None:
            super().__init__()
            self.op = op
            self.c1 = nn.Conv2d(3, c1, 1)
            self.c2 = nn.Conv2d(3, c2, k2)

        def forward(self, x):
            a = self.c1(x)
            b = self.c2(x)
            if self.op == "cat":
                return torch.cat([a, b], 1)
            return getattr(torch, self.op)(a, b)

    def bad(op: str, c1: int, c2: int, k2: int) -> str:
        return f"""
input: [1, 3, 8, 8]
layers:
  - Conv2d: {{out_channels: {c1}, kernel_size: 1}}
    name: c1
    save: a
  - from: input
    Conv2d: {{out_channels: {c2}, kernel_size: {k2}}}
    name: c2
    save: b
  - {op}: [a, b]
"""

    cases = [
        ("squeeze_excitation", se, SE(16, 4), (1, 16, 8, 8)),
        ("from_and_merges", gate, Gate(), (1, 3, 8, 8)),
        ("named_branches", mixed, Net(), (1, 3, 12, 12)),
        ("positions", positions_yaml, positions, (1, 3, 8, 8)),
        ("outputs", outputs, Outputs(), (1, 3, 16, 16)),
    ]
    for op, c1, c2, k2 in [("mul", 8, 4, 1), ("add", 8, 8, 3), ("sub", 1, 8, 3),
                           ("div", 8, 1, 1), ("mul", 8, 1, 3), ("cat", 8, 4, 3)]:
        cases.append((f"{op}_{c1}_{c2}_{k2}", bad(op, c1, c2, k2), Bad(op, c1, c2, k2),
                      (1, 3, 8, 8)))
    return cases


def _record(module: Any, shape: tuple[int, ...]) -> dict[str, Any]:
    import torch
    import torch.fx

    rows: list[dict[str, Any]] = []
    names = {m: n for n, m in module.named_modules()}
    hooks = []
    for name, m in module.named_modules():
        if next(m.children(), None) is None:
            def hook(mod, args, out, name=name):
                rows.append({"name": name, "type": type(mod).__name__,
                             "out": list(out.shape),
                             "params": sum(p.numel() for p in mod.parameters())})
            hooks.append(m.register_forward_hook(hook))
    del names
    rec: dict[str, Any] = {}
    try:
        with torch.no_grad():
            out = module(torch.zeros(shape))
        rec["outputs"] = [list(t.shape) for t in out] if isinstance(out, tuple) else \
            [list(out.shape)]
    except Exception as exc:  # noqa: BLE001 - the recorded outcome
        rec["error"] = {"class": type(exc).__name__, "message": str(exc)}
    for h in hooks:
        h.remove()
    rec["rows"] = rows
    graph = torch.fx.symbolic_trace(module).graph
    rec["functions"] = [n.name for n in graph.nodes if n.op == "call_function"
                        and getattr(n.target, "__name__", "") in _FUNCTIONS
                        or n.op == "call_function" and n.target in (operator.mul, operator.add)]
    return rec


def main() -> None:
    import torch

    data = {"format": 1, "torch": torch.__version__, "cases": []}
    for case_id, text, module, shape in _cases():
        torch.manual_seed(0)
        data["cases"].append({"id": case_id, "stack": text.lstrip("\n"), "input": list(shape),
                              **_record(module, shape)})
    OUT.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(data['cases'])} cases)")


if __name__ == "__main__":
    main()
