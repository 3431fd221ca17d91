"""The module tree of an exported stack: containers from row names, and what each becomes.

Every layer row is a module at its row name's path (``layer1.0.conv1``: module
``conv1`` in ``layer1.0`` in ``layer1``); merges and tensor functions belong to
the deepest container their name lies in. A container is

- ``seq``: its rows run as one chain through its children ``0``, ``1``, ... in
  order: an ``nn.Sequential``;
- ``block``: its rows run together, from tensors that come in to one tensor
  that goes out: a class with its own ``forward`` (a residual block, an
  Inception module, a U-Net stage taking its skip tensor);
- ``holder``: anything else (its rows interleave with others', or several of
  its tensors are read outside it): an ``nn.ModuleList`` / ``nn.ModuleDict``
  whose modules the enclosing forward calls one by one.

>>> from conv_calc import nn
>>> from conv_calc.graph.nodes import Residual, Sequential
>>> from conv_calc.graph.stack import Stack
>>> from conv_calc.interop.torch_program import program
>>> stack = Stack([Sequential((Residual(body=(nn.Conv2d(8, 8, 3, padding=1),)),), name="a"),
...                nn.ReLU()], input_shape=(1, 8, 4, 4))
>>> tree = module_tree(program(stack, stack.analyze()))
>>> [(".".join(m.path), m.kind) for m in tree.walk()]
[('', 'block'), ('a', 'block'), ('a.0', 'seq'), ('a.0.0', 'leaf'), ('1', 'leaf')]
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from conv_calc.errors import ExportError
from conv_calc.interop.torch_program import Op, Program, Var

__all__ = ["Mod", "module_tree", "RESERVED", "units"]

#: Names a module cannot have in torch: nn.Module's attributes (add_module refuses them) and
#: the methods of the containers conv-calc writes (checked against torch in tests/interop).
RESERVED = frozenset("""
T_destination add_module append apply bfloat16 buffers call_super_init children clear compile
cpu cuda double dump_patches eval extend extra_repr float forward get_buffer get_extra_state
get_parameter get_submodule half insert ipu items keys load_state_dict modules mtia
named_buffers named_children named_modules named_parameters parameters pop
register_backward_hook register_buffer register_forward_hook register_forward_pre_hook
register_full_backward_hook register_full_backward_pre_hook register_load_state_dict_post_hook
register_load_state_dict_pre_hook register_module register_parameter
register_state_dict_post_hook register_state_dict_pre_hook requires_grad_ set_extra_state
set_submodule share_memory state_dict to to_empty train training type update values xpu
zero_grad""".split())


@dataclass(eq=False)
class Mod:
    """A module of the exported tree: a leaf (one layer row, ``op``) or a container."""

    path: tuple[str, ...]
    op: Op | None = None
    children: dict[str, Mod] = field(default_factory=dict)
    ops: list[int] = field(default_factory=list)  # indices of the program's ops it holds
    kind: str = "leaf"
    inputs: list[Var] = field(default_factory=list)
    output: Var | None = None
    height: int = 0

    @property
    def name(self) -> str:
        return ".".join(self.path)

    def walk(self) -> Iterator[Mod]:
        yield self
        for child in self.children.values():
            yield from child.walk()

    @property
    def numbered(self) -> bool:
        """Whether the children are ``0``, ``1``, ... in order (a Sequential or ModuleList)."""
        return list(self.children) == [str(i) for i in range(len(self.children))]


def _check_name(part: str, row: str) -> None:
    # torch's add_module takes any string without a dot that is not an attribute already
    # (torchvision's regnet has "block1-0"); a leading underscore is left to torch's internals.
    if not part or part.startswith("_") or part in RESERVED:
        raise ExportError(
            f"row {row!r}: {part!r} cannot be a module name in torch",
            hint="torch refuses nn.Module's own attribute names (and conv-calc names starting "
                 "with _) as module names: rename the row (name: ...) in the stack file.")


def module_tree(prog: Program) -> Mod:
    """The tree of modules of ``prog``, each container's kind decided."""
    root = Mod((), kind="block")
    for index, op in enumerate(prog.ops):
        if op.kind != "layer":
            continue
        parts = op.name.split(".")
        node = root
        for depth, part in enumerate(parts):
            _check_name(part, op.name)
            last = depth == len(parts) - 1
            child = node.children.get(part)
            if child is None:
                child = node.children[part] = Mod(tuple(parts[:depth + 1]),
                                                  kind="leaf" if last else "holder")
                if last:
                    child.op = op
                    child.ops.append(index)
            elif last or child.kind == "leaf":
                raise ExportError(
                    f"row {op.name!r}: a module of that path exists already",
                    hint="two rows would be the same torch module: rename one (name: ...).")
            node = child
    # Merges and tensor functions: the deepest container their name lies in; a crop, the
    # merge that reads it.
    owners: dict[int, Mod] = {}
    for index in range(len(prog.ops) - 1, -1, -1):
        op = prog.ops[index]
        if op.kind == "layer":
            continue
        if op.kind == "crop":
            owners[index] = owners.get(index + 1, root)
            continue
        node = root
        for part in op.name.split(".")[:-1]:
            child = node.children.get(part)
            if child is None or child.kind == "leaf":
                break
            node = child
        owners[index] = node
    for index, owner in owners.items():
        owner.ops.append(index)
    _gather(root)
    _decide(root, prog)
    return root


def _gather(mod: Mod) -> list[int]:
    for child in mod.children.values():
        mod.ops.extend(_gather(child))
        mod.height = max(mod.height, child.height + 1)
    mod.ops.sort()
    return mod.ops


def _io(ops: list[Op], inside: set[int], prog: Program) -> tuple[list[Var], list[Var]]:
    """The tensors ops ``inside`` read from outside, and those of theirs read outside."""
    made = {id(v) for i in inside for v in prog.ops[i].outputs}
    inputs: list[Var] = []
    for i in sorted(inside):
        for v in prog.ops[i].inputs:
            if id(v) not in made and all(v is not u for u in inputs):
                inputs.append(v)
    read_outside = {id(v) for i, op in enumerate(ops) if i not in inside for v in op.inputs}
    read_outside |= {id(v) for v in prog.results}
    outputs = [v for i in sorted(inside) for v in prog.ops[i].outputs if id(v) in read_outside]
    return inputs, outputs


def _decide(mod: Mod, prog: Program) -> None:
    for child in mod.children.values():
        _decide(child, prog)
    if mod.kind == "leaf" or not mod.path:
        if not mod.path:
            mod.inputs, mod.output = [prog.input], None
        return
    contiguous = mod.ops and mod.ops[-1] - mod.ops[0] + 1 == len(mod.ops)
    if not contiguous:
        return
    inputs, outputs = _io(prog.ops, set(mod.ops), prog)
    if len(outputs) != 1 or not inputs:
        return
    mod.kind, mod.inputs, mod.output = "block", inputs, outputs[0]
    # A chain through children 0, 1, ... each called once, in order: nn.Sequential.
    steps = units(mod, prog)
    if mod.numbered and len(inputs) == 1 and \
            [s for s in steps if isinstance(s, Mod)] == list(mod.children.values()) and \
            len(steps) == len(mod.children):
        flow = inputs[0]
        for step in steps:
            if len(step.inputs) != 1 or step.inputs[0] is not flow:
                return
            flow = step.output
        if flow is mod.output:
            mod.kind = "seq"


def units(mod: Mod, prog: Program) -> list[Mod | int]:
    """What ``mod``'s forward runs, in order: modules it calls whole (leaves, blocks and
    sequentials, looking through holders) and op indices of its own merges and calls."""
    below: dict[int, Mod | int] = {}

    def visit(m: Mod) -> None:
        for child in m.children.values():
            if child.kind == "holder":
                visit(child)
            else:
                for i in child.ops:
                    below[i] = child
    visit(mod)
    steps: list[Mod | int] = []
    for i in mod.ops:
        step = below.get(i, i)
        if not steps or not isinstance(step, Mod) or steps[-1] is not step:
            steps.append(step)
    for step in steps:
        if isinstance(step, Mod) and step.kind == "leaf":
            step.inputs, step.output = list(step.op.inputs), step.op.outputs[0]
    return steps
