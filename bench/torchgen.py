"""Write the PyTorch script a user would run today for a conv-calc stack.

The script imports torch, builds the network as plain ``torch.nn`` modules on the
meta device (no memory for weights, no arithmetic) and runs one forward pass on an
empty tensor of the input shape, then prints the output shape. That is the route
conv-calc replaces, and the one ``bench/run.py`` times it against.

The script is generated from the same :class:`~conv_calc.graph.stack.Stack` that
``conv-calc stack`` analyses, so both sides see the same network. Arguments a
stack file may leave out (``in_channels``, ``num_features``, ...) are written
explicitly, read off the incoming shape of each row of conv-calc's report, as a
user writing the torch code would have to.

    python bench/torchgen.py examples/resnet50.yaml > /tmp/resnet50_torch.py
"""

from __future__ import annotations

import sys
from typing import Any

from conv_calc.graph.nodes import LayerNode, Merge, Parallel, Residual, Save, Sequential
from conv_calc.graph.stack import Stack

__all__ = ["torch_script", "PRELUDE"]

#: The generic modules the generated script uses for blocks, branches and long skips.
PRELUDE = '''\
import torch
from torch import nn


class Seq(nn.Module):
    """Modules in order; Save keeps the tensor, Merge brings a kept one back (U-Net skips)."""

    def __init__(self, *mods):
        super().__init__()
        self.mods = nn.ModuleList(mods)

    def forward(self, x, saved=None):
        saved = {} if saved is None else saved
        for m in self.mods:
            if isinstance(m, Save):
                saved[m.key] = x
            elif isinstance(m, Merge):
                x = m(x, saved[m.key])
            elif isinstance(m, (Seq, Residual, Parallel)):
                x = m(x, saved)
            else:
                x = m(x)
        return x


class Residual(nn.Module):
    def __init__(self, body, shortcut):
        super().__init__()
        self.body, self.shortcut = body, shortcut

    def forward(self, x, saved):
        return torch.add(self.body(x, saved), self.shortcut(x, saved))


class Parallel(nn.Module):
    def __init__(self, branches, merge, dim):
        super().__init__()
        self.branches, self.merge, self.dim = nn.ModuleList(branches), merge, dim

    def forward(self, x, saved):
        outs = [b(x, saved) for b in self.branches]
        if self.merge == "cat":
            return torch.cat(outs, dim=self.dim)
        out = outs[0]
        for o in outs[1:]:
            out = torch.add(out, o)
        return out


class Save(nn.Module):
    def __init__(self, key):
        super().__init__()
        self.key = key


class Merge(nn.Module):
    def __init__(self, key, op, dim, crop, saved_first):
        super().__init__()
        self.key, self.op, self.dim, self.crop, self.saved_first = key, op, dim, crop, saved_first

    def forward(self, x, s):
        if self.crop == "center":
            n = x.dim() - 2
            index = [slice(None)] * (s.dim() - n)
            for big, small in zip(s.shape[-n:], x.shape[-n:]):
                top = (big - small) // 2
                index.append(slice(top, top + small))
            s = s[tuple(index)]
        if self.op == "add":
            return torch.add(x, s)
        return torch.cat([s, x] if self.saved_first else [x, s], dim=self.dim)

'''


class _Writer:
    def __init__(self, rows: list[Any]) -> None:
        self.rows = list(rows)
        self.at = 0

    def next_row(self) -> Any:
        row = self.rows[self.at]
        self.at += 1
        return row

    def seq(self, nodes: tuple[Any, ...], indent: int) -> str:
        pad = " " * indent
        items = [self.node(n, indent + 4) for n in nodes]
        if not items:
            return "Seq()"
        return "Seq(\n" + "".join(f"{pad}    {item},\n" for item in items) + f"{pad})"

    def node(self, node: Any, indent: int) -> str:
        if isinstance(node, LayerNode):
            return self.layer(node)
        if isinstance(node, Sequential):
            return self.seq(node.nodes, indent)
        if isinstance(node, Residual):
            body = self.seq(node.body, indent)
            short = self.seq(node.shortcut, indent)
            self.next_row()  # the add
            return f"Residual({body}, {short})"
        if isinstance(node, Parallel):
            branches = [self.seq(b, indent) for b in node.branches]
            self.next_row()  # the cat / add
            return f"Parallel([{', '.join(branches)}], {node.merge!r}, {node.dim})"
        if isinstance(node, Save):
            return f"Save({node.name!r})"
        if isinstance(node, Merge):
            self.next_row()
            return (f"Merge({node.saved!r}, {node.op!r}, {node.dim}, {node.crop!r}, "
                    f"{node.saved_first!r})")
        raise TypeError(f"torchgen: unsupported node {node!r}")

    def layer(self, node: LayerNode) -> str:
        from conv_calc.nn import LAYERS

        if node.layer is not None:
            raise TypeError("torchgen: only LayerNode(type=..., kwargs=...) nodes are supported")
        row = self.next_row()
        kwargs = dict(node.kwargs)
        cls = LAYERS[node.type]
        if cls.inferable and not node.args:
            for key, value in cls.infer_kwargs(row.input_shape).items():
                kwargs.setdefault(key, value)
        parts = [repr(a) for a in node.args] + [f"{k}={v!r}" for k, v in kwargs.items()]
        return f"nn.{node.type}({', '.join(parts)})"


def torch_script(stack: Stack) -> str:
    """The torch script for ``stack``: build on the meta device, one forward, print the shape."""
    report = stack.analyze()
    if report.error is not None:
        raise ValueError(f"torchgen: the network fails in conv-calc: {report.error}")
    writer = _Writer(report.layers)
    body = writer.seq(stack.layers, 4)
    if writer.at != len(report.layers):
        raise AssertionError("torchgen: the walk and conv-calc's rows disagree")
    return (PRELUDE
            + f"def build():\n    return {body}\n\n\n"
            + "with torch.device('meta'):\n"
            + "    model = build()\n"
            + f"    out = model(torch.empty({tuple(stack.input_shape)!r}))\n"
            + "print(tuple(out.shape))\n")


if __name__ == "__main__":
    from conv_calc.stackfile.load import load_file

    sys.stdout.write(torch_script(load_file(sys.argv[1])))
