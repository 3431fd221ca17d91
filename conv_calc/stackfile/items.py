"""Reading the items of `layers:` (and of blocks): layers, blocks, repeats and the structural kinds.

An item is one mapping (or a bare name) with its kind (a layer class, a block,
or one of :data:`~conv_calc.stackfile.vocabulary.KEYWORDS`), the kind's options,
and ``name:``, ``repeat:``, ``expect:``. Each becomes a node of
:mod:`conv_calc.graph.nodes`; every problem is recorded, none stops the reading.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from conv_calc.graph.nodes import (
    INPUT, LayerNode, Merge, Parallel, Position, Residual, Save, Sequential, SizeOf, Source,
)
from conv_calc.stackfile.args import UNKNOWN, category, layer_arguments, signature_of
from conv_calc.stackfile.blocks import BlockReader
from conv_calc.stackfile.calls import CallReader
from conv_calc.stackfile.expect import read_expect
from conv_calc.stackfile.tensors import TensorItems
from conv_calc.stackfile.repeats import Repeat, fill_name, placeholders, uses_name
from conv_calc.stackfile.values import Scope, describe, span
from conv_calc.stackfile.vocabulary import (
    CALLS, COMMON, CROPS, ITEM_KEYS, KEYWORDS, MAX_LAYERS, MAX_NEST, MERGES, OPTIONS, REPEAT_KEYS,
)
from conv_calc.stackfile.yaml_reader import INVALID, YMap, YNode, YScalar, YSeq
from conv_calc.text import did_you_mean

__all__ = ["ItemReader"]


class ItemReader(TensorItems, BlockReader, CallReader):
    """Items to nodes; the saved tensor names and the items' ``expect:`` seen so far."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.saved: set[str] = set()
        self.stopped = False
        self.expectations: dict[Source, Any] = {}

    def build_list(self, items: list[YNode], scope: Scope) -> tuple[Any, ...]:
        if scope.depth > MAX_NEST:
            if not self.stopped:
                self.problem(f"blocks are nested deeper than {MAX_NEST} levels",
                             items[0].source if items else None, "flatten the network",
                             "too-deep", scope)
            self.stopped = True
            return ()
        out: list[tuple[Any, bool]] = []
        for item in items:
            if self.stopped:
                break
            out.extend(self.build_item(item, scope))
        return tuple(replace(node, name=Position(i)) if positional else node
                     for i, (node, positional) in enumerate(out))

    def classify(self, word: str) -> str | None:
        if word in self.layers:
            return "layer"
        if word in self.blocks:
            return "block"
        if word in KEYWORDS:
            return word
        return None

    def parse_item(self, node: YNode, scope: Scope) -> tuple[str, YScalar, Any, dict, dict] | None:
        """(kind, kind key, kind value, options, modifiers) of one list item, or None."""
        if isinstance(node, YScalar):
            if not isinstance(node.value, str):
                self.wrong_kind("a layer", node, "a layer name or a mapping such as "
                                "`Conv2d: {out_channels: 8, kernel_size: 3}`", scope)
                return None
            kind = self.classify(node.value)
            if kind is None:
                self.unknown_layer(node, scope)
                return None
            return kind, node, None, {}, {}
        if isinstance(node, YSeq):
            self.problem("a list cannot stand for a layer", node.source,
                         "wrap nested layers in `sequential: [...]`, or remove the extra '- '",
                         "wrong-type", scope)
            return None
        kinds = [(k, v) for k, v in node.pairs if k.value not in ITEM_KEYS]
        known = [(k, v) for k, v in kinds if self.classify(k.value)]
        options = {k.value: (k, v) for k, v in node.pairs if k.value in ITEM_KEYS}
        if not kinds and "save" in options:
            kinds = [options.pop("save")]  # `- save: NAME`: an item of its own
            known = kinds
        if not known:
            if kinds:
                self.unknown_layer(kinds[0][0], scope)
                for k, _ in kinds[1:]:
                    self.unknown_key(k, COMMON, scope)
            else:
                self.problem("this item names no layer", node.source,
                             "write e.g. `- Conv2d: {...}`; `name:`, `repeat:` and `expect:` go "
                             "next to the layer's name", "missing-key", scope)
            return None
        key, value = known[0]
        kind = self.classify(key.value) or ""
        for k, _ in known[1:]:
            self.problem(f"one item holds both '{key.value}' (line {key.source.line}) and "
                         f"'{k.value}'", k.source,
                         "start each layer with its own '- ' at the same indentation",
                         "unknown-key", scope)
        allowed = (*COMMON, *OPTIONS.get(kind, ()))
        for k, _ in kinds:
            if not self.classify(k.value):
                self.unknown_key(k, allowed, scope)
        for name, (k, _) in options.items():
            if name not in allowed:
                owner = [kd for kd, opts in OPTIONS.items() if name in opts]
                self.problem(f"`{name}:` does not apply to {key.value}", k.source,
                             f"`{name}:` belongs to "
                             f"{' and '.join('layer' if o == 'layer' else f'`{o}:`' for o in owner)} "
                             "items",
                             "unknown-key", scope)
        modifiers = {n: options[n] for n in COMMON if n in options}
        opts = {n: options[n] for n in OPTIONS.get(kind, ()) if n in options}
        return kind, key, value, opts, modifiers

    def unknown_layer(self, key: YScalar, scope: Scope) -> None:
        candidates = [*self.layers, *self.blocks, *KEYWORDS]
        hint = did_you_mean(key.value, candidates)
        if not hint:
            hint = ("not a torch.nn layer conv-calc knows, a block under `blocks:`, or one of "
                    + ", ".join(KEYWORDS))
        self.problem(f"unknown layer '{key.value}'", key.source, hint, "unknown-layer", scope)

    def unknown_key(self, key: YScalar, allowed: tuple[str, ...], scope: Scope) -> None:
        hint = did_you_mean(key.value, allowed) or f"an item may have: {', '.join(allowed)}"
        self.problem(f"unknown key '{key.value}' in this item", key.source, hint, "unknown-key", scope)

    def build_item(self, node: YNode, scope: Scope) -> list[tuple[Any, bool]]:
        parsed = self.parse_item(node, scope)
        if parsed is None:
            return []
        kind, key, value, options, modifiers = parsed
        source = span(key.source, node.source if isinstance(node, YMap) else key.source,
                       node if isinstance(node, YMap) else None)
        name = None
        if "name" in modifiers:
            k, v = modifiers["name"]
            if kind == "save":
                self.problem("a `save:` has no name of its own", k.source,
                             "the saved tensor's name is the value of `save:`", "unknown-key", scope)
            elif isinstance(v, YScalar) and isinstance(v.value, str) and v.value:
                name = v.value
            else:
                self.wrong_kind("name", v, "a non-empty string", scope)
        repeat, index = None, None
        if "repeat" in modifiers:
            repeat, index = self.read_repeat(*modifiers["repeat"], kind, scope)
            scope = scope.with_names({index: UNKNOWN}) if repeat is None else scope
        if name is not None and placeholders(name):
            name = self.check_placeholders(name, modifiers["name"][1], index, scope)
        reads = self.reads_from(kind, key, modifiers, scope)
        out = self.build_parsed(kind, key, value, options, modifiers, scope, source, name,
                                repeat, node)
        return self.with_modifiers(out, kind, modifiers, scope, source, reads)

    def build_parsed(self, kind: str, key: YScalar, value: Any, options: dict, modifiers: dict,
                     scope: Scope, source: Source, name: str | None, repeat: Repeat | None,
                     node: YNode) -> list[tuple[Any, bool]]:
        if repeat is None:
            core = self.build_core(kind, key, value, options, scope, source)
            if core is None:
                return []
            self.read_item_expect(modifiers, source, scope)
            if name is not None:
                return [(replace(core, name=fill_name(name, scope.params or {})), False)]
            return [(core, kind == "block")]
        per_copy = uses_name(node, repeat.index)
        copies: list[Any] = []
        for k in repeat.values():
            inner = scope.with_names({repeat.index: UNKNOWN if scope.checking else k})
            before = self.count
            core = self.build_core(kind, key, value, options, inner, source)
            if core is None:
                return []
            if not copies:
                self.read_item_expect(modifiers, source, scope)
                extra = (self.count - before) * (repeat.count - 1)
                if self.count + extra > MAX_LAYERS:
                    self.problem(f"repeat: {repeat.count} makes the network larger than "
                                 f"{MAX_LAYERS:,} nodes", modifiers["repeat"][1].source,
                                 "lower the repeat count", "too-large", scope)
                    self.stopped = True
                    return []
                if not per_copy or scope.checking:
                    self.count += extra
                    copies = [core] * repeat.count
                    break
            copies.append(core)
        if name is not None and placeholders(name):
            return [(replace(c, name=fill_name(name, {**(scope.params or {}), repeat.index: k})),
                     False) for c, k in zip(copies, repeat.values())]
        if kind not in CALLS:  # a call is named as fx names calls, never by position
            copies = [replace(c, name=Position(i)) for i, c in enumerate(copies)]
        if name is not None:
            return [(Sequential(tuple(copies), name=name, source=source), False)]
        return [(c, kind not in CALLS) for c in copies]

    def read_item_expect(self, modifiers: dict, source: Source, scope: Scope) -> None:
        if "expect" in modifiers:
            expect = read_expect(self, *modifiers["expect"], scope)
            if expect is not None and not scope.checking:
                self.expectations[source] = expect

    def check_placeholders(self, name: str, node: YNode, index: str | None,
                           scope: Scope) -> str | None:
        """``name`` when each of its ``{NAME}`` placeholders has a value here, else None."""
        visible = {*(scope.params or {}), *((index,) if index else ())}
        for p in placeholders(name):
            if p not in visible:
                hint = did_you_mean(p, visible) or (
                    f"{{{index}}} is the repeat's index" if index else
                    "a placeholder is the index of a repeat (`repeat: {count: 6, start: 1}` "
                    "with `name: layer{i}`) or a block parameter")
                self.problem(f"name '{name}': nothing is called '{p}' here", node.source, hint,
                             "undefined-name", scope)
                return None
        return name

    def read_repeat(self, key: YScalar, node: YNode, kind: str,
                    scope: Scope) -> tuple[Repeat | None, str]:
        """The repeat, or None (a problem, or a count not known yet); and the index's name."""
        if not isinstance(node, YMap):
            count = self.repeat_count(key, node, kind, scope)
            return (None if count is None else Repeat(count)), "i"
        found = {k.value: (k, v) for k, v in node.pairs}
        for k, _ in node.pairs:
            if k.value not in REPEAT_KEYS:
                self.problem(f"unknown key '{k.value}' in `repeat:`", k.source,
                             did_you_mean(k.value, REPEAT_KEYS) or
                             "`repeat:` takes count, start and index", "unknown-key", scope)
        index = "i"
        if "index" in found:
            v = found["index"][1]
            if isinstance(v, YScalar) and isinstance(v.value, str) and v.value.isidentifier():
                index = v.value
            else:
                self.wrong_kind("index", v, "a plain name such as i or j", scope)
        start = 0
        if "start" in found:
            start = self.int_option(found["start"][1], "start", scope, 0)
        if "count" not in found:
            self.problem("`repeat:` needs `count:`", node.source,
                         "write e.g. repeat: {count: 6, start: 1}", "missing-key", scope)
            return None, index
        count = self.repeat_count(key, found["count"][1], kind, scope)
        return (None if count is None else Repeat(count, start, index)), index

    def repeat_count(self, key: YScalar, node: YNode, kind: str, scope: Scope) -> int | None:
        if kind == "save":
            self.problem("a `save:` cannot be repeated", key.source, "", "unknown-key", scope)
            return None
        value = self.scalar_value(node, scope) if isinstance(node, YScalar) else INVALID
        if value is UNKNOWN:
            return None
        if value is INVALID or isinstance(value, bool) or not isinstance(value, int):
            if value is not INVALID or not isinstance(node, YScalar):
                self.wrong_kind("repeat", node, "a whole number of copies (1 or more)", scope)
            return None
        if value < 1:
            self.problem(f"repeat: {value} is below 1", node.source,
                         "write the number of copies, 1 or more (remove the item to drop it)",
                         "bad-value", scope)
            return None
        if value > MAX_LAYERS:
            self.problem(f"repeat: {value} is more than {MAX_LAYERS:,}", node.source,
                         "lower the repeat count", "too-large", scope)
            return None
        return value

    def build_core(self, kind: str, key: YScalar, value: Any, options: dict, scope: Scope,
                   source: Source) -> Any:
        if kind == "layer":
            self.count += 1
            if self.count > MAX_LAYERS and not self.stopped:
                self.problem(f"the network has more than {MAX_LAYERS:,} nodes", source,
                             "split it into smaller files", "too-large", scope)
                self.stopped = True
            layer = self.build_layer(key, value, scope, source)
            if "shares" in options and layer is not None:
                shares = options["shares"][1]
                if isinstance(shares, YScalar) and isinstance(shares.value, str) and shares.value:
                    return replace(layer, shares=shares.value)
                self.wrong_kind("shares", shares, "the name of an earlier row (the same layer "
                                "called again)", scope)
            return layer
        if kind == "block":
            return self.use_block(self.blocks[key.value], key, value, scope, source)
        if kind in ("sequential", "layers"):
            return Sequential(self.sub_list(value, kind, scope), source=source)
        if kind == "residual":
            body = self.sub_list(value, "residual", scope)
            shortcut: tuple[Any, ...] = ()
            if "shortcut" in options:
                shortcut = self.sub_list(options["shortcut"][1], "shortcut", scope)
            return Residual(body, shortcut, source=source)
        if kind == "parallel":
            return self.build_parallel(value, options, scope, source)
        if kind == "save":
            self.count += 1
            saved = self.new_name(key, value, scope)
            return None if saved is None else Save(saved, source=source)
        if kind in CALLS:  # a tensor function: a list is its positional arguments
            self.count += 1
            return self.build_call(kind, key, value, options, scope, source)
        if isinstance(value, YSeq):  # a merge over saved tensors: cat: [a, b]
            return self.build_combine(kind, key, value, options, scope, source)
        self.count += 1
        return self.build_merge(kind, key, value, options, scope, source)

    def sub_list(self, node: Any, what: str, scope: Scope) -> tuple[Any, ...]:
        if isinstance(node, YSeq):
            return self.build_list(node.items, scope.deeper())
        if node is None or isinstance(node, YScalar) and node.value is None:
            return ()
        self.wrong_kind(f"`{what}`", node, "a list of layers (one '- ' item each)", scope)
        return ()

    def build_parallel(self, value: Any, options: dict, scope: Scope, source: Source) -> Any:
        branches: list[tuple[Any, ...]] = []
        if isinstance(value, YMap) and value.pairs:
            branches = self.named_branches(value, scope.deeper())
        elif not isinstance(value, YSeq) or not value.items:
            self.wrong_kind("`parallel`", value if value is not None else YScalar(None, "", source),
                            "a list of branches (each a list of layers) or a mapping of branch "
                            "names to branches", scope)
        else:
            inner = scope.deeper()
            for branch in value.items:
                items = branch.items if isinstance(branch, YSeq) else [branch]
                branches.append(self.build_list(items, inner))
        merge, dim = "cat", self.framework.cat_dim
        if "merge" in options:
            node = options["merge"][1]
            merge = self.scalar_value(node, scope)
            if merge not in MERGES:
                self.problem(f"merge: got {describe(node)}", node.source,
                             "write merge: cat (torch.cat) or merge: add (torch.add)", "wrong-type",
                             scope)
                merge = "cat"
        if "dim" in options:
            dim = self.int_option(options["dim"][1], "dim", scope, dim)
        return Parallel(tuple(branches), merge=merge, dim=dim, source=source)

    def build_merge(self, kind: str, key: YScalar, value: Any, options: dict, scope: Scope,
                    source: Source) -> Any:
        saved = self.tensor_name(key, value, scope)
        if saved is None:
            return None
        if kind not in self.framework.merges:
            self.problem(f"`{kind}:` is not available for {self.framework.name} stack files",
                         key.source, f"use one of: {', '.join(self.framework.merges)}",
                         "unknown-key", scope)
            return None
        if not scope.checking and saved not in self.saved and saved != INPUT:
            hint = did_you_mean(saved, self.saved)
            self.problem(f"no tensor was saved as '{saved}' before this point", value.source,
                         hint or "add `- save: NAME` earlier in the network, where the tensor "
                         "to keep is", "undefined-name", scope)
        dim, crop, saved_first = self.framework.cat_dim, None, True
        if "dim" in options:
            dim = self.int_option(options["dim"][1], "dim", scope, dim)
        if "crop" in options:
            node = options["crop"][1]
            crop = self.scalar_value(node, scope)
            if crop is not None and crop not in CROPS:
                self.problem(f"crop: got {describe(node)}", node.source,
                             "write crop: center (crop the saved tensor to the current size, as "
                             "the original U-Net does)", "wrong-type", scope)
                crop = None
        if "saved_first" in options:
            node = options["saved_first"][1]
            saved_first = self.scalar_value(node, scope)
            if not isinstance(saved_first, bool):
                self.wrong_kind("saved_first", node, "true or false", scope)
                saved_first = True
        return Merge(saved, op=kind, dim=dim, crop=crop, saved_first=saved_first, source=source)

    def build_layer(self, key: YScalar, value: Any, scope: Scope, source: Source) -> LayerNode:
        cls = self.layers[key.value]
        kwargs: dict[str, Any] = {}
        if isinstance(value, YMap):
            params, var_kw = layer_arguments(cls, key.value, self.framework)
            for k, v in value.pairs:
                arg = k.value
                if arg == "size_of" and getattr(cls, "family", None) == "upsample" and \
                        self.framework.name == "torch":
                    name = self.size_of_name(k, v, scope)  # nn.Upsample(size=ref.shape[-2:])
                    if name is not None and self.size_of_alone(value, scope):
                        kwargs["size"] = SizeOf(name)
                    continue
                if arg not in params and not var_kw:
                    hint = did_you_mean(arg, params)
                    if arg in COMMON:
                        hint = (f"to set the item's {arg}, write `{arg}:` at the same indentation "
                                f"as `{key.value}:`, not inside its arguments")
                    self.problem(f"{key.value} has no argument '{arg}'", k.source,
                                 hint or f"{key.value} takes: {', '.join(params)}",
                                 "unknown-argument", scope)
                    continue
                cat = category(arg, params.get(arg)) if self.framework.typed_arguments else None
                kwargs[arg] = self.arg_value(v, arg, cat, scope)
        elif value is not None and not (isinstance(value, YScalar) and value.value is None):
            example = ", ".join(f"{p}: ..." for p in list(signature_of(cls)[0])[:2])
            self.problem(f"{key.value}: the arguments must be a mapping, got {describe(value)}",
                         value.source, f"write keyword arguments, e.g. {key.value}: {{{example}}}",
                         "wrong-type", scope)
        return LayerNode(type=key.value, kwargs=kwargs, source=source)
