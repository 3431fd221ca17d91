"""Reading tensor-function items (`- flatten: {start_dim: 1}`, `- chunk: [2, 1]`) into Call nodes.

The item's value is the call's arguments, as torch takes them:

- nothing (`- squeeze`): no argument;
- a scalar (`- unsqueeze: 1`): one positional argument;
- a list (`- permute: [0, 2, 3, 1]`): the positional arguments (`x.permute(0, 2, 3, 1)`);
- a mapping (`- mean: {dim: [2, 3], keepdim: true}`): keyword arguments;
- a list ending in a mapping (`- chunk: [2, {dim: 1}]`): both (`x.chunk(2, dim=1)`).

Argument names and values are torch's and are checked by the function itself when the
network is analysed (a wrong one is torch's error at that row), except ``size_of: NAME``
(interpolate), which the reader resolves: the trailing sizes of a saved tensor or of the
input. chunk and split take ``outputs: [a, b]`` (the pieces saved by name, as
``a, b = x.chunk(2, dim=1)``) and ``continue_with: b`` (the piece the flow continues with;
the first by default).
"""

from __future__ import annotations

from typing import Any

from conv_calc.graph.nodes import Call, Source
from conv_calc.stackfile.values import Scope, describe
from conv_calc.stackfile.yaml_reader import INVALID, YMap, YScalar, YSeq
from conv_calc.text import did_you_mean

__all__ = ["CallReader", "INPUT"]

#: The name ``size_of`` (and ``from``) give the network's input.
INPUT = "input"


class CallReader:
    """A mixin of the item reader (:class:`conv_calc.stackfile.items.ItemReader`, whose
    ``arg_value``, ``tensor_name``, ``problem`` and ``wrong_kind`` it uses): function items."""

    saved: set[str]
    framework: Any
    arg_value: Any
    tensor_name: Any
    problem: Any
    wrong_kind: Any

    def build_call(self, kind: str, key: YScalar, value: Any, options: dict, scope: Scope,
                   source: Source) -> Call | None:
        if self.framework.name != "torch":
            self.problem(f"'{kind}' is a torch tensor function: a Keras stack has none",
                         key.source, "use Keras layers (Reshape, Permute, Flatten, ...)",
                         "unknown-layer", scope)
            return None
        args: tuple[Any, ...] = ()
        kwargs: dict[str, Any] = {}
        size_of = None
        ok = True
        keywords = value if isinstance(value, YMap) else None
        if isinstance(value, YSeq):
            items = list(value.items)
            if items and isinstance(items[-1], YMap):  # [2, {dim: 1}]: x.chunk(2, dim=1)
                keywords = items.pop()
            args = tuple(self.arg_value(v, kind, None, scope) for v in items)
        elif isinstance(value, YScalar) and value.value is not None:
            args = (self.arg_value(value, kind, None, scope),)
        for k, v in keywords.pairs if keywords is not None else ():
            if k.value == "size_of" and kind == "interpolate":
                size_of = self.size_of_name(k, v, scope)
                ok = ok and size_of is not None
                continue
            kwargs[k.value] = self.arg_value(v, k.value, None, scope)
        if size_of is not None:
            ok = ok and self.size_of_alone(keywords, scope)
        if any(a is INVALID for a in (*args, *kwargs.values())):
            ok = False
        outputs: tuple[str, ...] = ()
        index = 0
        if "outputs" in options:
            outputs = self.output_names(options["outputs"][1], scope)
        if "continue_with" in options:
            node = options["continue_with"][1]
            name = node.value if isinstance(node, YScalar) else None
            if name in outputs:
                index = outputs.index(name)
            else:
                hint = did_you_mean(str(name), outputs) if outputs else ""
                self.problem(f"continue_with: {describe(node)} is none of the outputs",
                             node.source, hint or "name one of the pieces listed in `outputs:` "
                             "(list them first)", "undefined-name", scope)
        if not scope.checking:
            self.saved.update(outputs)
        if not ok:
            return None
        return Call(kind, args, kwargs, outputs, index, size_of, source=source)

    def size_of_name(self, key: YScalar, node: Any, scope: Scope) -> str | None:
        name = self.tensor_name(key, node, scope)
        if name is None:
            return None
        if not scope.checking and name != INPUT and name not in self.saved:
            hint = did_you_mean(name, [INPUT, *self.saved])
            self.problem(f"no tensor was saved as '{name}' before this point", node.source,
                         hint or "write size_of: input (the network's input) or the name of a "
                         "tensor saved earlier with `- save: NAME`", "undefined-name", scope)
            return None
        return name

    def size_of_alone(self, value: YMap, scope: Scope) -> bool:
        """``size_of`` stands for ``size``: neither ``size`` nor ``scale_factor`` beside it."""
        for k, _ in value.pairs:
            if k.value in ("size", "scale_factor"):
                self.problem(f"`{k.value}:` and `size_of:` both give the output size", k.source,
                             "keep one: size_of takes the size of a saved tensor (or the input)",
                             "bad-value", scope)
                return False
        return True

    def output_names(self, node: Any, scope: Scope) -> tuple[str, ...]:
        items = node.items if isinstance(node, YSeq) else None
        names = [i.value for i in items or () if isinstance(i, YScalar)]
        if not items or len(names) != len(items) or not all(
                isinstance(n, str) and n and not n.startswith("$") for n in names):
            self.problem(f"outputs must be a list of names, got {describe(node)}", node.source,
                         "name each piece, as `x1, x2 = x.chunk(2, dim=1)` does: "
                         "outputs: [x1, x2]", "wrong-type", scope)
            return ()
        seen: set[str] = set()
        for item, name in zip(items, names):
            if name in seen or name == INPUT:
                self.problem(f"outputs: '{name}' " + ("is listed twice" if name in seen else
                             "is the network's input"), item.source,
                             "give each piece its own name", "bad-value", scope)
                return ()
            seen.add(name)
        return tuple(names)
