"""Other frameworks' models in and out (``conv-calc import``, ``conv-calc export``).

An importer turns a model that exists (PyTorch code, a ``.keras`` or Keras JSON file,
an ONNX file) into a *stack document*: the plain values a stack file holds, which
:func:`conv_calc.stackfile.yaml_writer.dump_stack` writes and
:func:`conv_calc.stackfile.load.load_stack` reads like any hand-written file. So
``conv-calc stack model.keras`` and the file ``conv-calc import keras`` writes give
the same table by construction.

:data:`FILE_READERS` maps a file suffix to the importer ``conv-calc stack`` uses for
it: ``(module, function)``, the function taking a path and returning
``(document, header_lines)``. The modules are imported only when such a file is
read: torch and onnx are optional extras.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

__all__ = ["FILE_NOTES", "FILE_READERS", "file_notes", "file_reader"]

#: File suffix -> (module, function) reading such a file into a stack document.
FILE_READERS: dict[str, tuple[str, str]] = {}
FILE_READERS[".onnx"] = ("conv_calc.interop.onnx_file", "read_onnx")


#: File suffix -> (module, function) giving notes on an analysis of such a file: the
#: function takes the path and the report and returns lines (what the file alone cannot
#: settle, e.g. a padding Keras chose for the size the model was saved at).
FILE_NOTES: dict[str, tuple[str, str]] = {}


def _lookup(table: dict[str, tuple[str, str]], path: str) -> Callable[..., Any] | None:
    suffix = path[path.rfind("."):].lower() if "." in path else ""
    entry = table.get(suffix)
    if entry is None:
        return None
    module, function = entry
    return getattr(importlib.import_module(module), function)


def file_notes(path: str) -> Callable[[str, Any], list[str]] | None:
    """The notes function for ``path``'s kind of model file, or None.

    >>> file_notes("net.yaml") is None
    True
    """
    return _lookup(FILE_NOTES, path)


def file_reader(path: str) -> Callable[[str], tuple[dict[str, Any], list[str]]] | None:
    """The importer ``conv-calc stack`` uses for ``path``, or None for a stack file.

    >>> file_reader("net.yaml") is None
    True
    """
    return _lookup(FILE_READERS, path)

FILE_READERS[".keras"] = ("conv_calc.interop.keras_file", "read_keras_file")
FILE_NOTES[".keras"] = ("conv_calc.interop.keras_file", "size_notes")
