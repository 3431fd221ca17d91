"""The JSON Schema (draft-07) of stack files, for editors and CI.

Built from :data:`conv_calc.nn.LAYERS` and, for ``framework: keras`` files,
:data:`conv_calc.keras.LAYERS` (every layer with the arguments the reader takes,
:func:`conv_calc.stackfile.args.layer_arguments`) and the words of
:mod:`conv_calc.stackfile.vocabulary`, as the reader uses them. It checks structure and types;
shapes and torch's own rules are conv-calc's job. No YAML import here.

    python -m conv_calc.stackfile.schema > docs/stack.schema.json

>>> schema = stack_schema()
>>> schema["$schema"], sorted(schema["required"])
('http://json-schema.org/draft-07/schema#', ['layers'])
"""

from __future__ import annotations

import json
from typing import Any

from conv_calc.graph.framework import KERAS, TORCH, Framework
from conv_calc.nn.tensor_calls import MULTI, WORDS
from conv_calc.stackfile.args import STRING_CHOICES, category, layer_arguments
from conv_calc.stackfile.vocabulary import (
    CALLS, COMMON, CROPS, FORMAT_VERSION, FRAMEWORKS, KEYWORDS, MERGES, MODES, OPTIONS, RF_KEYS,
)

__all__ = ["stack_schema", "SCHEMA_URI"]

SCHEMA_URI = "http://json-schema.org/draft-07/schema#"

_EXPR = {"type": "string", "pattern": r"\$",
         "description": "an expression: $name, or integer arithmetic over $names such as "
                        "$width * 4, ($c + 1) // 2, $in_channels // 2 or $c + $i * 32"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/definitions/{name}"}


def _arg_schema(name: str, default: Any) -> dict[str, Any]:
    cat = category(name, default)
    if cat == "int":
        scalar: list[dict[str, Any]] = [{"type": ["integer", "boolean", "null"]}, _ref("expr")]
        choices = STRING_CHOICES.get(name)
        if choices:
            scalar.append({"enum": list(choices)})
        return {"anyOf": [*scalar, {"type": "array", "items": {"anyOf": scalar}}]}
    if cat == "float":
        scalar = [{"type": ["number", "boolean", "null"]}, _ref("expr")]
        return {"anyOf": [*scalar, {"type": "array", "items": {"anyOf": scalar}}]}
    if cat == "bool":
        return {"anyOf": [{"type": ["boolean", "integer", "null"]}, _ref("expr")]}
    return _ref("value")


def _common_ref(key: str) -> dict[str, Any]:
    """The definition of a key any item may carry (`save:` and `from:` name tensors)."""
    return _ref({"save": "save_as", "from": "from"}.get(key, key))


def _item_object(kind: str, value: dict[str, Any], extra: dict[str, Any] | None = None,
                 common: tuple[str, ...] = COMMON, description: str = "") -> dict[str, Any]:
    props: dict[str, Any] = {kind: value}
    for key in common:
        props[key] = _common_ref(key)
    props.update(extra or {})
    schema: dict[str, Any] = {"type": "object", "required": [kind], "properties": props,
                              "additionalProperties": False}
    if description:
        schema["description"] = description
    return schema


_SHARES = {"type": "string", "minLength": 1,
           "description": "the row of this layer's first call: the same layer called again, "
                          "its parameters counted there"}


def _layer_defs(layers: dict[str, type], fw: Framework) -> dict[str, Any]:
    """``layer:Conv2d`` (torch) or ``keras:Conv2D`` definitions: each layer with its arguments."""
    keras = fw is KERAS
    defs: dict[str, Any] = {}
    for name in sorted(layers):
        # As the reader: Keras's **kwargs are only Layer's own keywords, and values go to
        # the layer unchecked (Keras validates them).
        params, var_kw = layer_arguments(layers[name], name, fw)
        props = {p: _arg_schema(p, d) if fw.typed_arguments else _ref("value")
                 for p, d in params.items()}
        if not keras and getattr(layers[name], "family", None) == "upsample":  # size=t.shape[-2:]
            props["size_of"] = {"type": "string", "minLength": 1,
                                "description": "size: the trailing sizes of a saved tensor "
                                               "(or input)"}
        args = {"type": "object", "properties": props,
                "additionalProperties": _ref("value") if var_kw else False}
        where = "keras.layers" if keras else "torch.nn"
        doc = getattr(layers[name], "__doc__", None) or ""
        defs[f"{'keras' if keras else 'layer'}:{name}"] = _item_object(
            name, {"anyOf": [{"type": "null"}, args]}, {"shares": _SHARES},
            description=f"{where}.{name}" + (f": {doc.strip().splitlines()[0]}" if doc.strip() else ""))
    return defs


def _call_defs() -> dict[str, Any]:
    """``flatten``, ``chunk``, ...: a tensor function item (conv_calc/stackfile/calls.py)."""
    args = {"anyOf": [{"type": "null"}, _ref("value"),
                      {"type": "array", "items": {"anyOf": [_ref("value"), {
                          "type": "object", "additionalProperties": _ref("value")}]}},
                      {"type": "object", "additionalProperties": _ref("value")}],
            "description": "the call's arguments as torch takes them: a value (one positional), "
                           "a list (positional; a mapping at its end holds keywords) or a "
                           "mapping (keywords)"}
    defs = {}
    for word in CALLS:
        extra = {}
        if word in MULTI:
            extra = {"outputs": {"type": "array", "minItems": 1, "uniqueItems": True,
                                 "items": {"type": "string", "minLength": 1},
                                 "description": "names for the pieces, as a, b = x.chunk(2)"},
                     "continue_with": {"type": "string", "minLength": 1,
                                       "description": "the piece the flow continues with "
                                                      "(default: the first)"}}
        defs[word] = _item_object(word, args, extra,
                                            description=f"{WORDS[word][0]}: a tensor function row")
    return defs


def _structure_defs(layers: dict[str, type], keras: bool) -> dict[str, Any]:
    """The item, items, block and structural definitions of one framework.

    torch's keep their plain names (``item``, ``items``, ``residual``...); Keras's
    are prefixed ``keras_`` and refer to Keras layers only. save/cat/add hold no
    layers and are shared.
    """
    p = "keras_" if keras else ""
    names = sorted(layers)
    layer_kind = "keras" if keras else "layer"
    merge = "Concatenate (default, axis -1) or Add" if keras else "torch.cat (default) or torch.add"
    item_kinds: list[dict[str, Any]] = [{"enum": names, "description": "a layer with all "
                                         "arguments defaulted or inferred"},
                                        {"type": "string", "pattern": r"^[^$]",
                                         "description": "a block defined under `blocks:`"}]
    item_kinds += [_ref(f"{layer_kind}:{name}") for name in names]
    defs: dict[str, Any] = {
        f"{p}items": {"type": "array", "items": _ref(f"{p}item")},
        f"{p}items_or_null": {"anyOf": [{"type": "null"}, _ref(f"{p}items")]},
        f"{p}sequential": _item_object("sequential", _ref(f"{p}items_or_null"),
                                       description="a nested, named block run in order"),
        f"{p}residual": _item_object("residual", _ref(f"{p}items_or_null"),
                                     {"shortcut": _ref(f"{p}items_or_null")},
                                     description="body(x) + shortcut(x); no shortcut: the identity"),
        f"{p}layers": {**_item_object("layers", _ref(f"{p}items_or_null"),
                                      description="run a list on a saved tensor (with `from:`)"),
                       "required": ["layers", "from"]},
        f"{p}parallel": _item_object("parallel", {"anyOf": [
            {"type": "array", "minItems": 1, "items": {"anyOf": [_ref(f"{p}items"), _ref(f"{p}item")]}},
            {"type": "object", "minProperties": 1, "propertyNames": {"pattern": r"^[^.]+$"},
             "additionalProperties": {"anyOf": [_ref(f"{p}items"), _ref(f"{p}item")]},
             "description": "branches by name: rows <block>.<branch name>..."}]},
            {"merge": {"enum": list(MERGES)}, "dim": {"anyOf": [{"type": "integer"}, _ref("expr")]}},
            description=f"branches on the same input, merged by {merge}"),
    }
    item_kinds += [_ref(f"{p}{kind}") for kind in ("sequential", "residual", "parallel", "layers")]
    item_kinds += [_ref(kind) for kind in ("save", "cat", "add", "mul", "sub", "div")]
    if not keras:  # tensor functions are torch's
        item_kinds.append({"enum": list(CALLS), "description": "a tensor function with no argument"})
        item_kinds += [_ref(word) for word in CALLS]
    reserved = [*names, *KEYWORDS, *sorted({o for opts in OPTIONS.values() for o in opts})]
    defs[f"{p}block_use"] = {
        "type": "object", "minProperties": 1, "maxProperties": 1 + len(COMMON),
        "description": "a block from `blocks:` with its parameters",
        "properties": {key: _common_ref(key) for key in COMMON},
        "propertyNames": {"anyOf": [{"enum": list(COMMON)}, {"not": {"enum": reserved}}]},
        "not": {"propertyNames": {"enum": list(COMMON)}},
        "additionalProperties": {"anyOf": [{"type": "null"},
                                           {"type": "object", "additionalProperties": _ref("value")}]},
    }
    item_kinds.append(_ref(f"{p}block_use"))
    defs[f"{p}item"] = {"anyOf": item_kinds}
    defs[f"{p}block"] = {
        "description": "a reusable block: a list of layers, or one item (sequential, residual, "
                       "parallel or a layer) with optional `params` (defaults; null = required)",
        "anyOf": [_ref(f"{p}items"), {
            "type": "object",
            "properties": {"params": {"type": "object", "additionalProperties": _ref("value")}},
            "propertyNames": {"not": {"enum": ["name", "repeat"]}},
        }],
    }
    defs[f"{p}blocks"] = {"type": "object", "additionalProperties": _ref(f"{p}block"),
                          "propertyNames": {"not": {"enum": reserved}}}
    return defs


def stack_schema(layers: dict[str, type] | None = None,
                 keras_layers: dict[str, type] | None = None) -> dict[str, Any]:
    """The draft-07 JSON Schema of the stack-file format, as a dict (``json.dumps`` it).

    ``layers`` are the torch layers (default :data:`conv_calc.nn.LAYERS`),
    ``keras_layers`` those of ``framework: keras`` files (default
    :data:`conv_calc.keras.LAYERS`); an ``if``/``then``/``else`` on ``framework``
    picks the layer vocabulary of ``layers`` and ``blocks``.

    >>> s = stack_schema()
    >>> s["if"], sorted(s["then"]["properties"]), "keras:Conv2D" in s["definitions"]
    ({'properties': {'framework': {'const': 'keras'}}, 'required': ['framework']}, \
['blocks', 'layers'], True)
    """
    if layers is None:
        layers = dict(TORCH.registry())
    if keras_layers is None:
        keras_layers = dict(KERAS.registry())
    definitions: dict[str, Any] = {
        "expr": _EXPR,
        "value": {"not": {"type": "object"},
                  "description": "a number, string, boolean, null or list"},
        "name": {"type": "string", "minLength": 1,
                 "description": "the row name; nested names are joined with '.'"},
        "repeat": {"anyOf": [
            {"type": "integer", "minimum": 1}, _ref("expr"),
            {"type": "object", "required": ["count"], "additionalProperties": False,
             "properties": {  # the keys of vocabulary.REPEAT_KEYS (tests/stackfile/test_schema.py)
                 "count": {"anyOf": [{"type": "integer", "minimum": 1}, _ref("expr")]},
                 "start": {"anyOf": [{"type": "integer"}, _ref("expr")],
                           "description": "the first copy's $i (default 0)"},
                 "index": {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]*$",
                           "description": "the index's name (default i): $i, and {i} in names"}}}],
                   "description": "N copies; named NAME.0 ... NAME.N-1, or by position; "
                                  "{count, start} numbers them: $i, and name: layer{i}"},
        "size_list": {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": r"^-?\d+(/\d+)?$"},
                                {"type": "array", "items": {"anyOf": [
                                    {"type": "integer"},
                                    {"type": "string", "pattern": r"^-?\d+(/\d+)?$"}]}}]},
        "expect": {
            "type": "object", "additionalProperties": False,
            "description": "what this layer (or the network) must produce; checked by lint",
            "properties": {
                "output_shape": {"type": "array", "items": {"type": "integer", "minimum": 0}},
                "params": {"type": "integer", "minimum": 0},
                "macs": {"type": "integer", "minimum": 0},
                "receptive_field": {"anyOf": [{"type": "integer"}, {
                    "type": "object", "additionalProperties": False,
                    "properties": {k: _ref("size_list") for k in
                                   RF_KEYS}}]},
            },
        },
        "save_as": {"type": "string", "minLength": 1, "not": {"const": "input"},
                    "description": "keep this item's result under a name"},
        "from": {"type": "string", "minLength": 1,
                 "description": "run this item on a saved tensor (`input`: the network's input)"},
        "tensors": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "save": _item_object("save", {"type": "string", "minLength": 1, "not": {"const": "input"}},
                             common=(), description="keep the current tensor under a name"),
        "cat": _item_object("cat", {"anyOf": [{"type": "string", "minLength": 1},
                                              {**_ref("tensors"), "minItems": 1}]},
                            {"dim": {"anyOf": [{"type": "integer"}, _ref("expr")]},
                             "crop": {"enum": [*CROPS, None]},
                             "saved_first": {"type": "boolean"}},
                            description="concatenate a saved tensor: torch.cat([saved, x], dim), "
                                        "or saved tensors: cat: [a, b] is torch.cat([a, b], dim); "
                                        "Keras: Concatenate(axis=dim, default -1)"),
    }
    for op, what in (("add", "Keras: Add()"), ("mul", "Keras: Multiply()"), ("sub", "torch only"),
                     ("div", "torch only")):
        definitions[op] = _item_object(
            op, {"anyOf": [{"type": "string", "minLength": 1},
                           {"allOf": [_ref("tensors"), {"minItems": 2, "maxItems": 2}]}]},
            {"crop": {"enum": [*CROPS, None]},
             **({"saved_first": {"type": "boolean"}} if op == "add" else {})},
            description=f"torch.{op}(x, saved) with a saved tensor's name, or torch.{op}(a, b) "
                        f"with [a, b]; {what}")
    definitions.update(_layer_defs(layers, TORCH))
    definitions.update(_structure_defs(layers, keras=False))
    definitions.update(_call_defs())
    definitions.update(_layer_defs(keras_layers, KERAS))
    definitions.update(_structure_defs(keras_layers, keras=True))
    return {
        "$schema": SCHEMA_URI,
        "title": "conv-calc stack file",
        "description": "A convolutional network for conv-calc: an input shape and a list of "
                       "torch.nn layers, or Keras 3 layers with `framework: keras` "
                       "(see docs/stack-format.md, docs/keras.md).",
        "type": "object",
        "required": ["layers"],
        "additionalProperties": False,
        "properties": {
            "version": {"const": FORMAT_VERSION},
            "name": {"type": "string"},
            "framework": {"enum": list(FRAMEWORKS),
                          "description": "torch (default): torch.nn layers; keras: Keras 3 "
                                         "layers, channels_last (docs/keras.md)"},
            "mode": {"enum": list(MODES),
                     "description": "train (default: a freshly built torch module is in "
                                    "training mode) or eval (as after model.eval()): the mode "
                                    "every layer is checked in"},
            "input": {"type": "array", "minItems": 1,
                      "items": {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}]},
                      "description": "the input shape as PyTorch sees it, e.g. [1, 3, 224, 224] "
                                     "(Keras: [null, 224, 224, 3], the batch may be null)"},
            "inputs": {"type": "object", "minProperties": 1,
                       "propertyNames": {"not": {"const": "input"}},
                       "additionalProperties": {
                           "type": "array", "minItems": 1,
                           "items": {"anyOf": [{"type": "integer", "minimum": 1},
                                               {"type": "null"}]}},
                       "description": "the network's other inputs by name, e.g. {mask: [1, 1, "
                                      "64, 64]}: tensors read with from: or merges, as a saved "
                                      "tensor is"},
            "layers": {"description": "the network, in order: layers (torch.nn class names, or "
                                      "keras.layers names with `framework: keras`) and blocks"},
            "blocks": {"description": "reusable blocks by name, used as layers are"},
            "expect": _ref("expect"),
            "outputs": {**_ref("tensors"), "minItems": 1,
                        "description": "saved tensors that are the network's outputs"},
        },
        # The vocabulary of `layers` and `blocks` depends on `framework`.
        "if": {"properties": {"framework": {"const": "keras"}}, "required": ["framework"]},
        "then": {"properties": {"layers": _ref("keras_items_or_null"),
                                "blocks": _ref("keras_blocks")}},
        "else": {"properties": {"layers": _ref("items_or_null"), "blocks": _ref("blocks")}},
        "definitions": definitions,
    }


def main() -> None:
    print(json.dumps(stack_schema(), indent=2))


if __name__ == "__main__":
    main()
