"""``conv-calc layers``: every layer a stack file may use, with its constructor signature.

The list is read off the registries (:data:`conv_calc.nn.LAYERS`, :data:`conv_calc.keras.LAYERS`,
:data:`conv_calc.nn.tensor_calls.WORDS`, the merge words of the stack-file vocabulary), never
written by hand, so it cannot drift from what the loader accepts.

>>> doc = catalog("torch")
>>> doc["groups"][0]["name"], doc["groups"][0]["layers"][1]["name"]
('conv', 'Conv2d')
>>> signature_text(doc["groups"][0]["layers"][1]["name"], "torch").startswith(
...     "Conv2d(in_channels, out_channels, kernel_size, stride=1")
True
"""

from __future__ import annotations

import inspect
import textwrap
from typing import Any

from conv_calc.graph.framework import get as get_framework
from conv_calc.nn.tensor_calls import WORDS
from conv_calc.stackfile.vocabulary import MERGES

__all__ = ["SCHEMA_VERSION", "catalog", "signature_text", "render_text", "layer_names"]

#: The version of the JSON document; it only ever gains fields.
SCHEMA_VERSION = 1

#: Groups of the layers without a ``family``, by the module that defines them.
_MODULE_GROUPS = {
    "norm": "norm", "norm_group": "norm", "norm_local": "norm", "norm_sync": "norm",
    "activation": "activation", "activation_extra": "activation",
    "pooling": "global pooling", "reshape": "reshape and linear", "reshaping": "reshape",
    "core": "core", "merging": "merge", "dropout": "dropout", "unpool": "unpool",
    "fold": "fold", "shuffle": "shuffle", "torchvision_ops": "torchvision.ops",
}


def _group(cls: type) -> str:
    family = getattr(cls, "family", None)
    if family:
        return family
    module = cls.__module__.rsplit(".", 1)[-1]
    return _MODULE_GROUPS.get(module, module)


def _parameters(cls: type) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for name, p in list(inspect.signature(cls.__init__).parameters.items())[1:]:
        if p.kind is p.VAR_KEYWORD:
            out.append({"name": "**" + name})
        elif p.kind is p.VAR_POSITIONAL:
            out.append({"name": "*" + name})
        elif p.default is p.empty:
            out.append({"name": name})
        else:
            out.append({"name": name, "default": p.default})
    return out


def _param_text(p: dict[str, Any]) -> str:
    return f"{p['name']}={p['default']!r}" if "default" in p else p["name"]


def signature_text(name: str, framework: str = "torch") -> str:
    """``Conv2d(in_channels, out_channels, kernel_size, stride=1, ...)`` with the defaults."""
    cls = get_framework(framework).registry()[name]
    return f"{name}({', '.join(_param_text(p) for p in _parameters(cls))})"


def layer_names(framework: str = "torch") -> list[str]:
    """Every registered layer name, in registry order."""
    return list(get_framework(framework).registry())


def catalog(framework: str = "torch") -> dict[str, Any]:
    """The document ``conv-calc layers --format json`` prints."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for name, cls in get_framework(framework).registry().items():
        groups.setdefault(_group(cls), []).append(
            {"name": name, "signature": signature_text(name, framework),
             "parameters": _parameters(cls)})
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION, "framework": framework,
        "groups": [{"name": g, "layers": layers} for g, layers in groups.items()],
    }
    # A Keras stack has no tensor functions (the loader points at Reshape, Permute, ...).
    doc["tensor_functions"] = ([{"item": word, "torch": torch_name}
                                for word, (torch_name, _) in WORDS.items()]
                               if framework == "torch" else [])
    doc["merges"] = {"items": list(get_framework(framework).merges),
                     "parallel_merge": list(MERGES)}
    return doc


def _wrapped(text: str, width: int = 80, indent: str = "  ") -> list[str]:
    """A signature broken after commas, continuation lines under the opening parenthesis."""
    head = text.partition("(")[0]
    sub = indent + " " * (len(head) + 1)
    return textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent=sub,
                         break_long_words=False, break_on_hyphens=False)


def render_text(doc: dict[str, Any], width: int = 80) -> str:
    """The plain-text list: one block per group, each signature wrapped to ``width``."""
    lines: list[str] = []
    n = sum(len(g["layers"]) for g in doc["groups"])
    lines.append(f"{n} {doc['framework']} layers (constructor signatures, torch's defaults)"
                 if doc["framework"] == "torch" else
                 f"{n} {doc['framework']} layers (constructor signatures, Keras's defaults)")
    for group in doc["groups"]:
        lines += ["", f"{group['name']}:"]
        for layer in group["layers"]:
            lines += _wrapped(layer["signature"], width)
    if doc["tensor_functions"]:
        lines += ["", "tensor functions (stack-file item, then what torch calls):"]
        pad = max(len(t["item"]) for t in doc["tensor_functions"]) + 2
        lines += [f"  {t['item']:<{pad}}{t['torch']}" for t in doc["tensor_functions"]]
    if doc["framework"] != "torch":
        lines += ["", "tensor functions: none in a Keras stack (use Reshape, Permute, Flatten)"]
    lines += ["", "merges:"]
    lines += textwrap.wrap("items over saved tensors: " + ", ".join(doc["merges"]["items"])
                           + "; a parallel block's merge: " + ", ".join(doc["merges"]["parallel_merge"]),
                           width=width, initial_indent="  ", subsequent_indent="  ")
    return "\n".join(lines) + "\n"
