"""The ``forward`` of an exported module: one statement per module call, merge or function.

A block's forward runs its :func:`~conv_calc.interop.torch_tree.units` in order.
Tensors get names as a person would give them: the flow is ``x`` as long as
nothing else needs the old value, a tensor the stack file saved keeps its
name (``skip1``), a residual's input is ``identity``, and the other values read
again later are ``out``, ``out_1``, ... (a name is reused once its value is dead).

>>> from conv_calc import nn
>>> from conv_calc.graph.nodes import LayerNode, Residual
>>> from conv_calc.graph.stack import Stack
>>> from conv_calc.interop.torch_program import program
>>> from conv_calc.interop.torch_tree import module_tree
>>> stack = Stack([LayerNode(nn.ReLU(), name="relu"),
...                Residual(body=(nn.Conv2d(8, 8, 3, padding=1),), name="block")],
...               input_shape=(1, 8, 4, 4))
>>> prog = program(stack, stack.analyze())
>>> root = module_tree(prog)
>>> print("\\n".join(forward_lines(root, prog)))
def forward(self, x):
    x = self.relu(x)
    x = self.block(x)
    return x
>>> print("\\n".join(forward_lines(root.children["block"], prog)))
def forward(self, x):
    out = self[0](x)
    x = out + x
    return x
"""

from __future__ import annotations

import keyword
from collections.abc import Callable

from conv_calc.errors import ExportError
from conv_calc.interop.torch_ctor import literal
from conv_calc.interop.torch_program import Op, Program, Var
from conv_calc.interop.torch_tree import Mod, units
from conv_calc.nn.tensor_calls import MULTI

__all__ = ["forward_lines", "access", "identifier", "OPERATORS"]

#: Elementwise merges written as Python operators (torch runs the same kernels).
OPERATORS = {"add": "+", "sub": "-", "mul": "*", "div": "/"}
_TAKEN = frozenset({"self", "torch", "nn", "F"})


def identifier(text: str) -> str:
    """``text`` as a Python variable name.

    >>> identifier("skip-1"), identifier("lambda"), identifier("2x")
    ('skip_1', 'lambda_', 't_2x')
    """
    out = "".join(c if c.isalnum() or c == "_" else "_" for c in text) or "t"
    if out[0].isdigit():
        out = "t_" + out
    if keyword.iskeyword(out) or out in _TAKEN:
        out += "_"
    return out


def access(mod: Mod, target: Mod, kinds: Callable[[tuple[str, ...]], Mod]) -> str:
    """The expression for module ``target`` inside ``mod``'s methods (``self.layer1[0].conv1``)."""
    expr = "self"
    for depth in range(len(mod.path), len(target.path)):
        parent = kinds(target.path[:depth])
        part = target.path[depth]
        if parent.numbered:  # an nn.Sequential, nn.ModuleList or a class subclassing one
            expr += f"[{part}]"
        elif parent.kind == "holder":
            expr += f"[{part!r}]"
        elif part.isidentifier() and not keyword.iskeyword(part):
            expr += f".{part}"
        else:
            expr = f"getattr({expr}, {part!r})"
    return expr


class _Names:
    """Variable names by liveness: a name is free again after its value's last read."""

    def __init__(self, last_use: dict[int, int], reads: dict[int, int]) -> None:
        self.last_use = last_use
        self.reads = reads  # how many statements read each value
        self.names: dict[int, str] = {}
        self.holder: dict[str, Var] = {}

    def free(self, name: str, at: int, taken: set[str]) -> bool:
        held = self.holder.get(name)
        return name not in taken and (held is None or self.last_use.get(id(held), -1) <= at)

    def assign(self, v: Var, at: int, taken: set[str], param: bool = False,
               keep: bool = False) -> str:
        """Name ``v``, written by statement ``at`` (a parameter: -1).

        A saved name is used where the value is read again later (not only by the next
        statement), or always with ``keep`` (several results, the network's named outputs,
        a block's several inputs) and for a crop. A block's one input is ``x``.
        """
        flow = self.reads.get(id(v), 0) <= 1 and self.last_use.get(id(v), -1) <= at + 1
        saved = None
        if v.saved and v.saved != "input" and \
                (keep or v.role == "crop" or not (flow or param)):
            saved = identifier(v.saved)
        wanted = [saved] if saved else []
        if v.role == "identity" and not param and not saved and self.reads.get(id(v), 0) > 1:
            wanted.append("identity")
        wanted += ["x", "out"] + [f"out_{k}" for k in range(1, 1000)]
        chosen = None
        for name in wanted:
            if self.free(name, at, taken):
                chosen = name
                break
            if name == saved:  # a saved name still in use: the same name, numbered
                chosen = next((f"{name}_{k}" for k in range(1, 1000)
                               if self.free(f"{name}_{k}", at, taken)), None)
                if chosen:
                    break
        assert chosen is not None  # more than a thousand live values: not a network
        self.names[id(v)] = chosen
        self.holder[chosen] = v
        taken.add(chosen)
        return chosen

    def __getitem__(self, v: Var) -> str:
        return self.names[id(v)]


def _call_text(op: Op, n: _Names) -> str:
    node = op.node
    x = n[op.inputs[0]]
    args = [literal(a) for a in node.args] + [f"{k}={literal(v)}" for k, v in node.kwargs.items()]
    if node.size_of is not None:
        ref = op.inputs[1]
        k = len(op.inputs[0].shape) - 2
        if k <= 0 or k > len(ref.shape):
            raise ExportError(
                f"row {op.name!r}: size_of {node.size_of!r} on a {len(op.inputs[0].shape)}-d "
                "tensor cannot be written as ref.shape[-k:]",
                hint="give interpolate's size as numbers in the stack file.")
        args.append(f"size={n[ref]}.shape[-{k}:]")
    text = ", ".join([x] + args)
    if node.function == "flatten":
        return f"torch.flatten({text})"
    if node.function == "interpolate":
        return f"F.interpolate({text})"
    call = f"{x}.{node.function}({', '.join(args)})"
    if node.function in MULTI and not node.outputs:
        return f"{call}[{node.index}]"
    return call


def _crop_text(op: Op, n: _Names) -> str:
    saved, like = op.inputs
    spatial = len(like.shape) - 2
    lead = len(saved.shape) - spatial
    if spatial < 1 or lead < 0:
        raise ExportError("a centre crop without spatial dims cannot be written",
                          hint="crop only tensors with spatial dims.")
    index = [":"] * lead
    for big, small in zip(saved.shape[lead:], like.shape[2:]):
        top = (big - small) // 2
        index.append(f"{top}:{top + small}")
    return f"{n[saved]}[{', '.join(index)}]"


def _statement(step: Mod | int, mod: Mod, prog: Program, kinds
               ) -> tuple[list[Var], list[Var], Callable]:
    """What one step reads, what it writes, and its text given the names."""
    if isinstance(step, Mod):
        where = access(mod, step, kinds)
        return step.inputs, [step.output], \
            lambda n: f"{where}({', '.join(n[v] for v in step.inputs)})"
    op = prog.ops[step]
    if op.kind == "call":
        outs = op.outputs if op.node.function in MULTI and op.node.outputs else \
            [op.outputs[op.node.index if op.node.function in MULTI else 0]]
        return op.inputs, outs, lambda n: _call_text(op, n)
    if op.kind == "crop":
        return [op.inputs[0]], op.outputs, lambda n: _crop_text(op, n)
    if op.op == "cat":
        return op.inputs, op.outputs, \
            lambda n: f"torch.cat([{', '.join(n[v] for v in op.inputs)}], dim={op.dim})"
    sign = OPERATORS[op.op]
    return op.inputs, op.outputs, lambda n: f" {sign} ".join(n[v] for v in op.inputs)


def forward_lines(mod: Mod, prog: Program, kinds: Callable | None = None) -> list[str]:
    """``def forward(...)`` of ``mod`` (a block or the root) as lines of code."""
    if kinds is None:
        index = {m.path: m for m in mod.walk()}
        kinds = index.__getitem__
    statements = [_statement(step, mod, prog, kinds) for step in units(mod, prog)]
    results = prog.results if not mod.path else [mod.output]
    end = len(statements)
    last_use: dict[int, int] = {}
    count: dict[int, int] = {}
    for at, (reads, _, _) in enumerate(statements):
        for v in reads:
            last_use[id(v)] = at
            count[id(v)] = count.get(id(v), 0) + 1
    for v in results:
        last_use[id(v)] = end
    names = _Names(last_use, count)
    named = prog.results if prog.result_names and not mod.path else []
    taken: set[str] = set()
    params = [names.assign(v, -1, taken, param=True, keep=len(mod.inputs) > 1)
              for v in mod.inputs]
    lines = [f"def forward(self, {', '.join(params)}):"]
    for at, (reads, writes, text) in enumerate(statements):
        body = text(names)
        taken = set()
        targets = [names.assign(v, at, taken, keep=len(writes) > 1 or v in named)
                   for v in writes]
        lines.append(f"    {', '.join(targets)} = {body}")
    lines.append(f"    return {', '.join(names[v] for v in results)}")
    return lines
