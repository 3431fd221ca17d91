"""``conv-calc import torch MODEL --input SHAPE``: the command around
:mod:`conv_calc.interop.torch_fx` (argument checks, errors as exit 2); the document is
written by :func:`conv_calc.cli.imports.write_document`."""

from __future__ import annotations

import json
import sys
from typing import Any

from conv_calc.cli.ctor import parse_shape
from conv_calc.cli.exits import fail
from conv_calc.errors import InputError, hint_of

__all__ = ["run_import_torch"]


def _kwargs(text: str | None) -> dict[str, Any]:
    if text is None:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        fail(f"--kwargs is not JSON: {err.msg} at column {err.colno}",
             """write a JSON object, e.g. --kwargs '{"weights": null, "num_classes": 10}'.""")
    except ValueError as err:  # Python's int digit limit: a number of over 4,300 digits
        fail(f"--kwargs cannot be read: {err}",
             """numbers in --kwargs are Python ints of at most 4,300 digits.""")
    except RecursionError:
        # json's decoder recurses once per nesting level.
        fail("--kwargs is nested too deeply to read",
             """write a JSON object of keyword arguments, e.g. --kwargs '{"weights": null}'.""")
    if not isinstance(value, dict):
        fail(f"--kwargs must be a JSON object, got {type(value).__name__}",
             """write a JSON object, e.g. --kwargs '{"weights": null}'.""")
    return value


def run_import_torch(model: str, shape_text: str, kwargs_text: str | None,
                     mode: str | None) -> tuple[dict[str, Any], list[str]]:
    """Import ``model``: the stack document and its header; every refusal is exit 2 with
    its hint."""
    kwargs = _kwargs(kwargs_text)
    try:
        shape = parse_shape(shape_text)
    except InputError as err:
        fail(f"--input: {err}", hint_of(err) or "write the shape as 1x3x224x224.")
    # Deferred: the importer (and torch, inside it) only for this command.
    from conv_calc.interop.torch_fx import import_torch  # noqa: PLC0415

    try:
        imported = import_torch(model, shape, kwargs, mode)
    except InputError as err:
        fail(str(err), hint_of(err))
    for note in imported.notes:
        sys.stderr.write(f"note: {note}\n")
    return imported.document, imported.header
