"""``conv-calc import onnx FILE [--input SHAPE] [-o OUT]``: an ONNX file as a stack file.

The reader is :func:`conv_calc.interop.onnx_file.read_onnx` (the one ``conv-calc stack
model.onnx`` uses); problems (no onnx package, not an ONNX file, an op conv-calc cannot
write, a dynamic input without ``--input``) exit 2 with the message and a hint.
"""

from __future__ import annotations

from typing import Any

from conv_calc.cli.ctor import ShapeError, parse_shape
from conv_calc.cli.exits import fail
from conv_calc.errors import InputError, hint_of

__all__ = ["read"]


def read(file: str, input_text: str | None) -> tuple[dict[str, Any], list[str]]:
    """``file``'s stack document and header, for :func:`conv_calc.cli.imports.write_document`."""
    shape = None
    if input_text is not None:
        try:
            shape = parse_shape(input_text)
        except ShapeError as err:
            fail(f"--input: {err}", err.hint)
    # Deferred: the onnx package and the importer load only for this command.
    from conv_calc.interop.onnx_file import read_onnx

    try:
        document, header = read_onnx(file, input_shape=shape)
    except InputError as err:
        fail(str(err), hint_of(err))
    return document, header
