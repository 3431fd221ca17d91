"""The JSON Schema (draft-07) of stack files, for editors and CI.

Built from :data:`conv_calc.nn.LAYERS` (every layer with its constructor's argument
names) and the item kinds of :mod:`conv_calc.spec`. It checks structure and types;
shapes and torch's own rules are conv-calc's job. No YAML import here.

    python -m conv_calc.schema > docs/stack.schema.json

>>> schema = stack_schema()
>>> schema["$schema"], sorted(schema["required"])
('http://json-schema.org/draft-07/schema#', ['layers'])
"""

from __future__ import annotations

import json
from typing import Any

from conv_calc.spec_args import STRING_CHOICES, category, signature_of

__all__ = ["stack_schema", "SCHEMA_URI"]

SCHEMA_URI = "http://json-schema.org/draft-07/schema#"

# Kept equal to conv_calc.spec (which imports YAML, so it is not imported here);
# tests/test_schema.py checks that they agree.
KEYWORDS = ("sequential", "residual", "parallel", "save", "cat", "add")
COMMON = ("name", "repeat", "expect")
OPTIONS = {"residual": ("shortcut",), "parallel": ("merge", "dim"),
           "cat": ("dim", "crop", "saved_first"), "add": ("crop", "saved_first")}
TOP_KEYS = ("version", "name", "framework", "input", "layers", "blocks", "expect")
FORMAT_VERSION = 1

_EXPR = {"type": "string", "pattern": r"^\$",
         "description": "a block parameter: $name, or integer arithmetic such as $width * 4"}


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


def _item_object(kind: str, value: dict[str, Any], extra: dict[str, Any] | None = None,
                 common: tuple[str, ...] = COMMON, description: str = "") -> dict[str, Any]:
    props: dict[str, Any] = {kind: value}
    for key in common:
        props[key] = _ref(key)
    props.update(extra or {})
    schema: dict[str, Any] = {"type": "object", "required": [kind], "properties": props,
                              "additionalProperties": False}
    if description:
        schema["description"] = description
    return schema


def stack_schema(layers: dict[str, type] | None = None) -> dict[str, Any]:
    """The draft-07 JSON Schema of the stack-file format, as a dict (``json.dumps`` it)."""
    if layers is None:
        from conv_calc.nn import LAYERS as layers  # noqa: N811 - the registry
    names = sorted(layers)
    definitions: dict[str, Any] = {
        "expr": _EXPR,
        "value": {"not": {"type": "object"},
                  "description": "a number, string, boolean, null or list"},
        "name": {"type": "string", "minLength": 1,
                 "description": "the row name; nested names are joined with '.'"},
        "repeat": {"anyOf": [{"type": "integer", "minimum": 1}, _ref("expr")],
                   "description": "N copies; named NAME.0 ... NAME.N-1, or by position"},
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
                                   ("size", "size_min", "jump", "start", "effective_padding")}}]},
            },
        },
        "items": {"type": "array", "items": _ref("item")},
        "items_or_null": {"anyOf": [{"type": "null"}, _ref("items")]},
    }
    item_kinds: list[dict[str, Any]] = [{"enum": names, "description": "a layer with all "
                                         "arguments defaulted or inferred"},
                                        {"type": "string", "pattern": r"^[^$]",
                                         "description": "a block defined under `blocks:`"}]
    for name in names:
        params, var_kw = signature_of(layers[name])
        args = {"type": "object", "properties": {p: _arg_schema(p, d) for p, d in params.items()},
                "additionalProperties": _ref("value") if var_kw else False}
        doc = getattr(layers[name], "__doc__", None) or ""
        definitions[f"layer:{name}"] = _item_object(
            name, {"anyOf": [{"type": "null"}, args]},
            description=f"torch.nn.{name}" + (f": {doc.strip().splitlines()[0]}" if doc.strip() else ""))
        item_kinds.append(_ref(f"layer:{name}"))
    structural = {
        "sequential": _item_object("sequential", _ref("items_or_null"),
                                   description="a nested, named block run in order"),
        "residual": _item_object("residual", _ref("items_or_null"),
                                 {"shortcut": _ref("items_or_null")},
                                 description="body(x) + shortcut(x); no shortcut: the identity"),
        "parallel": _item_object("parallel", {"type": "array", "minItems": 1, "items": {
            "anyOf": [_ref("items"), _ref("item")]}},
            {"merge": {"enum": ["cat", "add"]}, "dim": {"anyOf": [{"type": "integer"}, _ref("expr")]}},
            description="branches on the same input, merged by torch.cat (default) or torch.add"),
        "save": _item_object("save", {"type": "string", "minLength": 1}, common=(),
                             description="keep the current tensor under a name for a later cat/add"),
        "cat": _item_object("cat", {"type": "string", "minLength": 1},
                            {"dim": {"anyOf": [{"type": "integer"}, _ref("expr")]},
                             "crop": {"enum": ["center", None]},
                             "saved_first": {"type": "boolean"}},
                            description="torch.cat([saved, x], dim) with a saved tensor"),
        "add": _item_object("add", {"type": "string", "minLength": 1},
                            {"crop": {"enum": ["center", None]}, "saved_first": {"type": "boolean"}},
                            description="torch.add(x, saved) with a saved tensor"),
    }
    for kind, schema in structural.items():
        definitions[kind] = schema
        item_kinds.append(_ref(kind))
    reserved = [*names, *KEYWORDS, *{o for opts in OPTIONS.values() for o in opts}]
    definitions["block_use"] = {
        "type": "object", "minProperties": 1, "maxProperties": 4,
        "description": "a block from `blocks:` with its parameters",
        "properties": {key: _ref(key) for key in COMMON},
        "propertyNames": {"anyOf": [{"enum": list(COMMON)}, {"not": {"enum": reserved}}]},
        "not": {"propertyNames": {"enum": list(COMMON)}},
        "additionalProperties": {"anyOf": [{"type": "null"},
                                           {"type": "object", "additionalProperties": _ref("value")}]},
    }
    item_kinds.append(_ref("block_use"))
    definitions["item"] = {"anyOf": item_kinds}
    definitions["block"] = {
        "description": "a reusable block: a list of layers, or one item (sequential, residual, "
                       "parallel or a layer) with optional `params` (defaults; null = required)",
        "anyOf": [_ref("items"), {
            "type": "object",
            "properties": {"params": {"type": "object", "additionalProperties": _ref("value")}},
            "propertyNames": {"not": {"enum": ["name", "repeat"]}},
        }],
    }
    return {
        "$schema": SCHEMA_URI,
        "title": "conv-calc stack file",
        "description": "A convolutional network for conv-calc: an input shape and a list of "
                       "torch.nn layers (see docs/stack-format.md).",
        "type": "object",
        "required": ["layers"],
        "additionalProperties": False,
        "properties": {
            "version": {"const": FORMAT_VERSION},
            "name": {"type": "string"},
            "framework": {"enum": ["torch", "keras"],
                          "description": "torch (default): torch.nn layers; keras: Keras 3 "
                                         "layers, channels_last (docs/keras.md)"},
            "input": {"type": "array", "minItems": 1,
                      "items": {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}]},
                      "description": "the input shape as PyTorch sees it, e.g. [1, 3, 224, 224] "
                                     "(Keras: [null, 224, 224, 3], the batch may be null)"},
            "layers": _ref("items_or_null"),
            "blocks": {"type": "object", "additionalProperties": _ref("block"),
                       "propertyNames": {"not": {"enum": reserved}}},
            "expect": _ref("expect"),
        },
        "definitions": definitions,
    }


def main() -> None:
    print(json.dumps(stack_schema(), indent=2))


if __name__ == "__main__":
    main()
