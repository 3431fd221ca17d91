"""Reading `blocks:`: reusable blocks with `params`, each checked once, expanded at every use.

A definition is a list of items, or one item (sequential, residual, parallel or a
layer), with optional ``params`` (defaults; null = required). ``$name`` and integer
arithmetic over parameters (:func:`conv_calc.stackfile.args.evaluate`) stand for
values inside it. A block used inside itself is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from conv_calc.graph.nodes import LayerNode, Sequential, Source
from conv_calc.stackfile.args import UNKNOWN
from conv_calc.stackfile.values import Scope, ValueReader
from conv_calc.stackfile.vocabulary import COMMON, ITEM_KEYS, KEYWORDS, MAX_LAYERS
from conv_calc.stackfile.yaml_reader import YMap, YNode, YScalar, YSeq
from conv_calc.text import did_you_mean

__all__ = ["Block", "BlockReader"]


@dataclass(frozen=True)
class Block:
    """A definition under `blocks:`: its body and parameters (default and where declared)."""

    name: str
    key: YScalar
    body: YNode
    params: dict[str, tuple[Any, Source]]


class BlockReader(ValueReader):
    """Block definitions and uses; items themselves are :class:`~conv_calc.stackfile.items.ItemReader`'s."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.blocks: dict[str, Block] = {}
        #: Layers one expansion of a block made (its first use): a later use that would
        #: pass the limit is refused before it is expanded, so blocks that use blocks
        #: several times cannot build millions of nodes first.
        self.block_sizes: dict[str, int] = {}
        self.count = 0
        self.frames = 0  # block uses numbered, for expressions reading their incoming shape

    # Defined by ItemReader (conv_calc/stackfile/items.py): a block's body is items.
    def build_list(self, items: list[YNode], scope: Scope) -> tuple[Any, ...]:
        raise NotImplementedError

    def parse_item(self, node: YNode, scope: Scope) -> tuple[str, YScalar, Any, dict, dict] | None:
        raise NotImplementedError

    def build_core(self, kind: str, key: YScalar, value: Any, options: dict, scope: Scope,
                   source: Source) -> Any:
        raise NotImplementedError

    def define_blocks(self, node: YNode) -> None:
        if not isinstance(node, YMap):
            self.wrong_kind("`blocks`", node, "a mapping of block names to definitions")
            return
        for key, body in node.pairs:
            name = key.value
            if name in self.layers or name in KEYWORDS or name in ITEM_KEYS:
                self.problem(f"block name '{name}' is already taken by "
                             f"{'a torch layer' if name in self.layers else 'the format'}",
                             key.source, "give the block another name", "bad-value")
                continue
            if name.startswith("$") or not name:
                self.problem(f"block name '{name}' is not allowed", key.source,
                             "use a plain word such as Bottleneck", "bad-value")
                continue
            params: dict[str, tuple[Any, Source]] = {}
            if isinstance(body, YMap):
                rest = [(k, v) for k, v in body.pairs if k.value != "params"]
                found = body.get("params")
                if found is not None:
                    params = self.block_params(found[1])
                for k, _ in rest:
                    if k.value in COMMON[:2]:
                        self.problem(f"`{k.value}:` does not belong in a block definition", k.source,
                                     f"write `{k.value}:` where the block is used", "unknown-key")
                body = YMap([(k, v) for k, v in rest if k.value not in COMMON[:2]], body.source)
            elif not isinstance(body, YSeq):
                self.wrong_kind(f"block '{name}'", body,
                                "a list of layers, or a mapping such as `residual: [...]`")
                continue
            self.blocks[name] = Block(name, key, body, params)
        # Each definition is checked once on its own, so that a typo in a block used
        # sixteen times (or never) is reported once, at its line.
        for block in self.blocks.values():
            scope = Scope(params={p: UNKNOWN for p in block.params}, checking=True,
                           chain=(block.name,))
            self.block_body(block, block.body, scope, block.key.source)
        self.count = 0

    def block_params(self, node: YNode) -> dict[str, tuple[Any, Source]]:
        if not isinstance(node, YMap):
            self.wrong_kind("params", node, "a mapping of parameter names to defaults "
                            "(null: the parameter must be given)")
            return {}
        params = {}
        for key, value in node.pairs:
            if not key.value.isidentifier():
                self.problem(f"parameter name '{key.value}' is not a plain word", key.source,
                             "use letters, digits and _ (e.g. width, out_channels)", "bad-value")
                continue
            params[key.value] = (self.plain_value(value, Scope()), key.source)
        return params

    def block_body(self, block: Block, body: YNode, scope: Scope, source: Source) -> Any:
        if isinstance(body, YSeq):
            return Sequential(self.build_list(body.items, scope), source=source)
        parsed = self.parse_item(body, scope)
        if parsed is None:
            return None
        kind, key, value, options, _modifiers = parsed
        node = self.build_core(kind, key, value, options, scope, source)
        if node is None or isinstance(node, LayerNode):
            return node  # a one-layer block keeps the layer's own line
        return replace(node, source=source)

    def use_block(self, block: Block, key: YScalar, value: YNode | None, scope: Scope,
                  source: Source) -> Any:
        given: dict[str, Any] = {}
        if isinstance(value, YMap):
            for k, v in value.pairs:
                if k.value not in block.params:
                    hint = did_you_mean(k.value, block.params) or (
                        f"block '{block.name}' takes: {', '.join(block.params)}" if block.params
                        else f"block '{block.name}' takes no parameters")
                    self.problem(f"block '{block.name}' has no parameter '{k.value}'", k.source,
                                 hint, "unknown-argument", scope)
                    continue
                given[k.value] = self.plain_value(v, scope)
        elif value is not None and not (isinstance(value, YScalar) and value.value is None):
            self.wrong_kind(f"the parameters of block '{block.name}'", value,
                            "a mapping such as {width: 64}", scope)
        for p, (default, _) in block.params.items():
            if p not in given:
                if default is None:
                    self.problem(f"block '{block.name}' needs parameter '{p}'", key.source,
                                 f"write {block.name}: {{{p}: ...}}", "missing-key", scope)
                    given[p] = UNKNOWN
                else:
                    given[p] = default
        if scope.checking:
            return Sequential((), source=source)
        if block.name in scope.chain:
            cycle = " -> ".join((*scope.chain[scope.chain.index(block.name):], block.name))
            self.problem(f"block '{block.name}' uses itself ({cycle})", key.source,
                         "a block cannot contain itself, directly or through other blocks",
                         "bad-value")
            return None
        size = self.block_sizes.get(block.name)
        if size is not None and self.count + size > MAX_LAYERS:
            self.problem(f"block '{block.name}' makes {size:,} layers at each use: with it the "
                         f"network has more than {MAX_LAYERS:,} nodes", key.source,
                         "use the block fewer times, or split the network into smaller files",
                         "too-large", scope)
            self.stopped = True
            return None
        self.frames += 1
        inner = Scope(params=given, chain=(*scope.chain, block.name), depth=scope.depth + 1,
                       where=f" (in block '{block.name}' used at line {source.line})",
                       frame=self.frames)
        before = self.count
        node = self.block_body(block, block.body, inner, source)
        self.block_sizes.setdefault(block.name, self.count - before)
        return None if node is None else replace(node, frame=inner.frame)

