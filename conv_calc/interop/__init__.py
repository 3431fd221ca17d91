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

__all__ = ["FILE_READERS", "file_reader"]

#: File suffix -> (module, function) reading such a file into a stack document.
FILE_READERS: dict[str, tuple[str, str]] = {}
FILE_READERS[".onnx"] = ("conv_calc.interop.onnx_file", "read_onnx")


def file_reader(path: str) -> Callable[[str], tuple[dict[str, Any], list[str]]] | None:
    """The importer ``conv-calc stack`` uses for ``path``, or None for a stack file.

    >>> file_reader("net.yaml") is None
    True
    """
    suffix = path[path.rfind("."):].lower() if "." in path else ""
    entry = FILE_READERS.get(suffix)
    if entry is None:
        return None
    module, function = entry
    return getattr(importlib.import_module(module), function)
