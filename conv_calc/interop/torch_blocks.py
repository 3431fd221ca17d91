"""The rows of an imported model arranged as a stack file: nested blocks, saved tensors.

:func:`arrange` takes the rows in execution order (:class:`conv_calc.interop.torch_graph.Entry`)
and writes the ``layers:`` list, in one of two shapes:

- *nested* (the default): a module's rows sit in a named ``sequential:`` of that module
  (``layer1`` holding ``0`` holding ``conv1``), so the walker gives every row its
  ``named_modules()`` name from the nesting; a functional call is named under the module
  whose forward made it, as the walker names calls (``layer1.0.add``, ``conv1.relu``);
  sibling modules of one class whose rows are written identically become one definition
  under ``blocks:`` (ResNet's ``BasicBlock``), used by name;
- *flat*: one list, every row with its full name; the fallback when nesting would change
  a row (:func:`conv_calc.interop.torch_fx.import_module` checks both against torch).

Saved tensors are named where they are read: a module's tensor entering it is
``in<depth>`` (saved first thing in the block), any other by the path of the row that made it
relative to the innermost block holding both (``downsample_1``), so that identical blocks
read the same names.

>>> join("layer1", "0"), relative("layer1.0.bn2", "layer1")
('layer1.0', '0_bn2')
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any, Callable

from conv_calc.nn import LAYERS
from conv_calc.nn.tensor_calls import fx_name

__all__ = ["arrange", "join", "relative"]

INPUT = "input"
MERGE_WORDS = ("cat", "add", "mul", "sub", "div")


def join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def relative(path: str, ancestor: str) -> str:
    """``path`` below ``ancestor``, as one save name (dots become underscores)."""
    rest = path[len(ancestor) + 1:] if ancestor else path
    return rest.replace(".", "_")


def _inside(path: str, group: str) -> bool:
    return not group or path == group or path.startswith(group + ".")


def _common(a: str, b: str) -> str:
    out = []
    for x, y in zip(a.split(".") if a else [], b.split(".") if b else []):
        if x != y:
            break
        out.append(x)
    return ".".join(out)


@dataclass
class Group:
    """A module's rows while it runs: its path, its children, the tensor entering it."""

    path: str
    entering: str
    children: list[Any] = field(default_factory=list)
    save_input: str | None = None
    parent: Group | None = None

    @property
    def depth(self) -> int:
        return len(self.path.split(".")) if self.path else 0


def _tree(entries: list[Any], flat: bool) -> tuple[Group, dict[int, Group]]:
    """The groups (a module's consecutive rows); ``owner[id(entry)]`` its innermost group."""
    root = Group("", INPUT)
    owner: dict[int, Group] = {}
    stack = [root]
    current = INPUT
    for entry in entries:
        target = "" if flat else entry.group
        while not _inside(target, stack[-1].path):
            stack.pop()
        while stack[-1].path != target:
            top = stack[-1]
            segment = target[len(top.path) + 1 if top.path else 0:].split(".")[0]
            group = Group(join(top.path, segment), current, parent=top)
            top.children.append(group)
            stack.append(group)
        stack[-1].children.append(entry)
        owner[id(entry)] = stack[-1]
        current = entry.out
    return root, owner


def arrange(entries: list[Any], outputs: list[str], flat: bool,
            class_of: Callable[[str], str], output_names: tuple[str, ...] = ()
            ) -> tuple[list[Any], dict[str, Any], list[str], list[str]]:
    """``(layers, blocks, outputs, row names)``: the items, the block definitions, the
    ``outputs:`` names (empty when the result is the last row's) and every row's name as
    the walker will give it, in order. ``class_of(path)`` is the class name of the module
    at ``path`` (the name of a block definition); ``output_names`` the names the model
    gives its outputs (see :func:`_rename_outputs`)."""
    root, owner = _tree(entries, flat)
    made = {}  # tensor id -> (entry, its row path)
    names = _local_names(entries, owner, flat)
    for entry in entries:
        path = names[id(entry)][1]
        for t in entry.pieces or [entry.out]:
            made[t] = (entry, path)
    # Which tensors are read by name, by whom; the flow's own tensor needs no name.
    reads: list[tuple[Any, str]] = []
    current = INPUT
    for entry in entries:
        if entry.reads is not None and entry.reads != current:
            entry.body["from"] = entry.reads
            reads.append((entry, entry.reads))
        reads += [(entry, t) for t in entry.named]
        current = entry.out
    final = outputs if outputs != [current] else []
    # A tensor read as the one entering an enclosing group is that group's input.
    name_of: dict[tuple[int, str], str] = {}
    by_tensor: dict[str, list[str]] = {}
    for entry, t in reads:
        group = owner[id(entry)]
        entering = None
        g: Group | None = group
        while g is not None and g.path:  # the innermost group that t entered
            if g.entering == t:
                entering = g
                break
            g = g.parent
        if t == INPUT:
            name_of[(id(entry), t)] = INPUT
        elif entering is not None and not flat:
            entering.save_input = f"in{entering.depth}"
            name_of[(id(entry), t)] = entering.save_input
        else:
            by_tensor.setdefault(t, []).append(group.path)
    for t in final:
        if t != INPUT:
            by_tensor.setdefault(t, []).append("")
    saved: dict[str, str] = {}
    for t, groups in by_tensor.items():
        producer, path = made[t]
        common = owner[id(producer)].path
        for g in groups:
            common = _common(common, g)
        saved[t] = t if flat else relative(path, common) + _piece_suffix(producer, t)
    _rename_outputs(saved, final, output_names, set(name_of.values()))
    for entry, t in reads:
        name_of.setdefault((id(entry), t), saved.get(t, t))
    # Write each entry's body with its names.
    for entry in entries:
        body = entry.body
        body["name"] = names[id(entry)][0]
        key = next(iter(body))
        resolve = (lambda t, e=entry: name_of[(id(e), t)])
        if key in MERGE_WORDS:  # `cat: [a, b]`, or `cat: a` with the flow (crop: center)
            body[key] = resolve(body[key]) if isinstance(body[key], str) else \
                [resolve(t) for t in body[key]]
        elif isinstance(body[key], dict) and "size_of" in body[key] and \
                body[key]["size_of"] != INPUT:
            body[key]["size_of"] = resolve(body[key]["size_of"])
        if "from" in body:
            body["from"] = resolve(body["from"])
        if entry.pieces:
            going_on = body.get("continue_with")
            body["outputs"] = [saved.get(t, f"{relative(names[id(entry)][1], owner[id(entry)].path)}"
                                              f"{_piece_suffix(entry, t)}") for t in entry.pieces]
            if going_on is not None:  # a slice's split goes on with the piece it takes
                body["continue_with"] = body["outputs"][entry.pieces.index(going_on)]
        elif entry.out in saved:
            body["save"] = saved[entry.out]
    layers = _items(root)
    blocks: dict[str, Any] = {}
    if not flat:
        layers = _blocks(layers, root, blocks, class_of)
    rows = [names[id(e)][1] for e in entries]
    return layers, blocks, [saved.get(t, t) if t != INPUT else t for t in final], rows


def _rename_outputs(saved: dict[str, str], final: list[str], names: tuple[str, ...],
                    taken: set[str]) -> None:
    """Save the outputs under the model's ``output_names`` (the variables
    ``conv-calc export`` returns) instead of the rows' names, when they name every output
    once and no other saved tensor has one of them; else leave the rows' names.

    >>> saved = {"add": "add", "expand": "expand", "relu": "relu"}
    >>> _rename_outputs(saved, ["add", "expand"], ("out", "expanded"), set()); saved
    {'add': 'out', 'expand': 'expanded', 'relu': 'relu'}
    >>> saved = {"add": "add", "relu": "out"}
    >>> _rename_outputs(saved, ["add"], ("out",), set()); saved["add"]
    'add'
    """
    if not final or len(names) != len(final) or len(set(names)) != len(names) \
            or len(set(final)) != len(final) or INPUT in final:
        return
    others = taken | {v for t, v in saved.items() if t not in final}
    if others & set(names):
        return
    for t, name in zip(final, names):
        saved[t] = name


def _piece_suffix(entry: Any, t: str) -> str:
    return f"_{entry.pieces.index(t)}" if entry.pieces and t in entry.pieces else ""


def _local_names(entries: list[Any], owner: dict[int, Group],
                 flat: bool) -> dict[int, tuple[str, str]]:
    """Each entry's ``(name in its list, full row name)``; a call is named by its base
    and a count in its group, skipping the names of the group's modules."""
    modules = {e.row for e in entries if e.params is not None}
    taken: set[str] = set()
    counts: dict[tuple[int, str], int] = {}
    out: dict[int, tuple[str, str]] = {}
    for entry in entries:
        group = owner[id(entry)]
        if entry.params is not None:
            local = entry.body["name"] if flat else entry.local
            full = join(group.path, local)
        elif flat:
            local = full = entry.body["name"]
        else:
            while True:
                k = counts.get((id(group), entry.local), 0)
                counts[(id(group), entry.local)] = k + 1
                local = fx_name(entry.local, k)
                full = join(group.path, local)
                if full not in modules and full not in taken:
                    break
        row = full
        k = 1
        while row in taken:  # a module's second call: name_1, as the walker names it
            row = f"{full}_{k}"
            k += 1
        taken.add(row)
        out[id(entry)] = (local, row)
    return out


def _items(group: Group) -> list[Any]:
    items: list[Any] = []
    if group.save_input is not None:
        items.append({"save": group.save_input})
    for child in group.children:
        if isinstance(child, Group):
            items.append({"sequential": _items(child), "name": child.path.rsplit(".", 1)[-1]})
        else:
            items.append(child.body)
    return items


def _blocks(items: list[Any], group: Group, blocks: dict[str, Any],
            class_of: Callable[[str], str]) -> list[Any]:
    """Replace sibling groups written identically (two or more) by uses of a block."""
    children = [c for c in group.children if isinstance(c, Group)]
    subgroups = [i for i in items if isinstance(i, dict) and "sequential" in i]
    for child, item in zip(children, subgroups):
        item["sequential"] = _blocks(item["sequential"], child, blocks, class_of)
    shapes: dict[str, list[dict[str, Any]]] = {}
    for child, item in zip(children, subgroups):
        shapes.setdefault(json.dumps(item["sequential"], sort_keys=True), []).append(
            (child, item))
    out = []
    replaced: dict[int, dict[str, Any]] = {}
    for key, uses in shapes.items():
        if len(uses) < 2:
            continue
        name = _block_name(class_of(uses[0][0].path), key, blocks)
        if name is None:
            continue
        blocks.setdefault(name, {"sequential": copy.deepcopy(uses[0][1]["sequential"])})
        for _, item in uses:
            replaced[id(item)] = {name: None, "name": item["name"]}
    for item in items:
        out.append(replaced.get(id(item), item))
    return out


def _block_name(cls: str, key: str, blocks: dict[str, Any]) -> str | None:
    if not cls or cls in LAYERS or cls in ("Sequential", "ModuleList", "ModuleDict") \
            or not cls[0].isupper():
        return None
    for k in range(1, 100):
        name = cls if k == 1 else f"{cls}{k}"
        if name not in blocks or json.dumps(blocks[name]["sequential"], sort_keys=True) == key:
            return name
    return None
