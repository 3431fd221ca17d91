"""Tensors by name in a stack file: `save:` and `from:` on any item, merges over named tensors,
named parallel branches, and the top-level `outputs:`.

```yaml
- save: x                         # keep the current tensor (an item of its own)
- Conv2d: {out_channels: 8, kernel_size: 1}
  save: gate_in                   # ... or on any item: keep what the item gives
- from: x                         # run an item (or `layers: [...]`) on a saved tensor
  layers: [AdaptiveAvgPool2d: {output_size: 1}, Sigmoid]
  save: scale
- mul: [gate_in, scale]           # torch.mul(gate_in, scale); also cat (with dim), add, sub, div
- parallel:                       # branches by name: rows `<block>.branch1x1...`
    branch1x1: {Conv2d: {out_channels: 64, kernel_size: 1}}
    branch5x5: [Conv2d: {out_channels: 48, kernel_size: 1}, Conv2d: {out_channels: 64, kernel_size: 5, padding: 2}]
```

:class:`TensorItems` is a mixin of :class:`conv_calc.stackfile.items.ItemReader`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from conv_calc.graph.nodes import INPUT, Combine, From, Save, Sequential, Source
from conv_calc.stackfile.values import Scope, describe
from conv_calc.stackfile.yaml_reader import YMap, YScalar, YSeq
from conv_calc.text import did_you_mean

__all__ = ["TensorItems"]


class TensorItems:
    """`save:` / `from:` modifiers, `cat: [a, b]`-style merges, named branches."""

    saved: set[str]

    # ------------------------------------------------------------------ names

    def saved_name(self, key: YScalar, node: Any, scope: Scope, what: str) -> str | None:
        """A name of a saved tensor (or `input`) that is read here; a problem when unknown."""
        name = self.tensor_name(key, node, scope)  # type: ignore[attr-defined]
        if name is None or scope.checking or name == INPUT or name in self.saved:
            return name
        hint = did_you_mean(name, [*self.saved, INPUT])
        self.problem(  # type: ignore[attr-defined]
            f"no tensor was saved as '{name}' before this point", node.source,
            hint or f"add `save: {name}` to an earlier item (or write `{what}: input` for the "
            "network's input)", "undefined-name", scope)
        return None

    def new_name(self, key: YScalar, node: Any, scope: Scope) -> str | None:
        """The name a `save:` keeps a tensor under."""
        name = self.tensor_name(key, node, scope)  # type: ignore[attr-defined]
        if name == INPUT:
            self.problem("'input' is the network's input and cannot be saved over", node.source,
                         "choose another name, e.g. save: x0", "bad-value", scope)
            return None
        if name is not None and not scope.checking:
            self.saved.add(name)
        return name

    # ------------------------------------------------------------------ modifiers

    def with_modifiers(self, out: list[tuple[Any, bool]], kind: str, modifiers: dict,
                       scope: Scope, source: Source, reads: str | None) -> list[tuple[Any, bool]]:
        """Wrap an item's nodes in its `from:` and follow them by its `save:`."""
        if "from" in modifiers and out and reads is not None:
            if kind == "layers" and len(out) == 1 and isinstance(out[0][0], Sequential) \
                    and out[0][0].name is None:
                inner = out[0][0].nodes  # spliced: the list's layers take positions here
            else:
                inner = tuple(node for node, _ in out)
            out = [(From(reads, tuple(inner), source=source), False)]
        if "save" in modifiers and out:
            key, value = modifiers["save"]
            name = self.new_name(key, value, scope)
            if name is not None:
                out = [*out, (Save(name, source=key.source), False)]
        return out

    def reads_from(self, kind: str, key: YScalar, modifiers: dict, scope: Scope) -> str | None:
        """The tensor named by the item's `from:` (checked before the item is read)."""
        if "from" not in modifiers:
            if kind == "layers":
                self.problem("`layers:` runs a list on a saved tensor and needs `from:`",
                             key.source, "add `from: NAME` (or `from: input`) to this item, or "
                             "write `sequential:` for a nested block", "missing-key", scope)
            return None
        k, v = modifiers["from"]
        if kind == "save":
            self.problem("`from:` does not apply to a `save:` item", k.source,
                         "put `save: NAME` on the item that runs on the tensor", "unknown-key",
                         scope)
            return None
        return self.saved_name(k, v, scope, "from")

    def read_inputs(self, key: YScalar, node: Any) -> dict[str, tuple]:
        """The top-level `inputs: {name: shape}`: the network's inputs besides `input`, each a
        tensor known by name from the start (a Keras model with several inputs)."""
        if not isinstance(node, YMap) or not node.pairs:
            self.problem(f"`inputs` must be a mapping of names to shapes, got {describe(node)}",
                         node.source, "write e.g. inputs: {mask: [1, 1, 64, 64]}; the first input "
                         "stays `input:`", "wrong-type")
            return {}
        inputs = {}
        for k, shape_node in node.pairs:
            name = k.value
            if not isinstance(name, str) or not name or name == INPUT:
                self.problem(f"an input name must be a word other than 'input', got {describe(k)}",
                             k.source, "`input:` is the first input; name the others, e.g. "
                             "mask: [1, 1, 64, 64]", "bad-value")
                continue
            shape = self.input_shape(shape_node)  # type: ignore[attr-defined]
            if shape is None:
                if isinstance(shape_node, YScalar) and shape_node.value is None:
                    self.problem(f"inputs: '{name}' has no shape", shape_node.source,
                                 "give its shape, e.g. [1, 1, 64, 64]", "bad-value")
                continue
            inputs[name] = shape
            self.saved.add(name)
        return inputs

    def read_outputs(self, key: YScalar, node: Any) -> tuple[str, ...]:
        """The top-level `outputs: [a, b]`: names of saved tensors (or `input`)."""
        if not isinstance(node, YSeq) or not node.items:
            self.problem(f"`outputs` must be a list of saved tensor names, got {describe(node)}",
                         node.source, "write e.g. outputs: [p3, p4], names given to `save:` "
                         "earlier", "wrong-type")
            return ()
        names = []
        for item in node.items:
            name = self.saved_name(key, item, Scope(), "outputs")
            if name is not None:
                if name in names:
                    self.problem(f"'{name}' is listed twice in `outputs:`", item.source,
                                 "list each output once", "bad-value")
                    continue
                names.append(name)
        return tuple(names)

    # ------------------------------------------------------------------ merges

    def build_combine(self, kind: str, key: YScalar, value: YSeq, options: dict, scope: Scope,
                      source: Source) -> Any:
        """`cat: [a, b, c]` (with `dim:`), `add: [a, b]`, `mul`, `sub`, `div`."""
        self.count += 1  # type: ignore[attr-defined]
        if kind not in self.framework.merges:  # type: ignore[attr-defined]
            self.problem(f"`{kind}:` is not available for {self.framework.name} stack files",
                         key.source, f"use one of: {', '.join(self.framework.merges)}",
                         "unknown-key", scope)
            return None
        for name in ("crop", "saved_first"):
            if name in options:
                self.problem(f"`{name}:` applies to `{kind}: NAME` (a saved tensor merged with "
                             "the current one), not to a list of names", options[name][0].source,
                             "remove it, or merge one saved tensor with the flow", "unknown-key",
                             scope)
        names = []
        for item in value.items:
            name = self.saved_name(key, item, scope, kind)
            if name is not None:
                names.append(name)
        binary = self.framework.binary_merges  # type: ignore[attr-defined]
        if kind in binary and len(value.items) != 2:
            self.problem(f"{kind}: takes two tensor names (torch.{kind}(a, b)), got "
                         f"{len(value.items)}", value.source,
                         f"write {kind}: [a, b]; chain two items for more", "bad-value", scope)
            return None
        if not value.items:
            self.problem(f"{kind}: needs at least one tensor name", value.source,
                         f"write {kind}: [a, b] with names saved earlier", "bad-value", scope)
            return None
        if len(names) != len(value.items):
            return None
        dim = self.framework.cat_dim  # type: ignore[attr-defined]
        if "dim" in options:
            dim = self.int_option(options["dim"][1], "dim", scope, dim)  # type: ignore[attr-defined]
        return Combine(kind, tuple(names), dim=dim, source=source)

    # ------------------------------------------------------------------ named branches

    def named_branches(self, value: YMap, scope: Scope) -> list[tuple[Any, ...]]:
        """`parallel: {name: branch, ...}`: each branch a module of that name."""
        branches: list[tuple[Any, ...]] = []
        for k, branch in value.pairs:
            bname = k.value
            if not isinstance(bname, str) or not bname or "." in bname:
                self.problem(f"a branch name must be a word without dots, got {describe(k)}",
                             k.source, "write e.g. branch1x1: [...]", "bad-value", scope)
                continue
            if isinstance(branch, YSeq):
                nodes = self.build_list(branch.items, scope)  # type: ignore[attr-defined]
                branches.append((Sequential(nodes, name=bname, source=branch.source),))
                continue
            if isinstance(branch, YMap) and branch.get("name") is not None:
                self.problem("a named branch takes its name from its key", branch.get("name")[0].source,
                             f"remove `name:` (the rows are named '{bname}')", "unknown-key", scope)
            out = [n for n, _ in self.build_item(branch, scope)]  # type: ignore[attr-defined]
            modules = [n for n in out if not isinstance(n, Save)]
            if len(modules) == 1 and not isinstance(modules[0], From):
                branches.append(tuple(replace(n, name=bname) if n is modules[0] else n
                                      for n in out))
            elif out:
                branches.append((Sequential(tuple(out), name=bname, source=k.source),))
        return branches
