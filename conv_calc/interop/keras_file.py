"""Keras files in: a ``.keras`` zip's ``config.json`` (or ``model.to_json()`` text) -> a stack document.

A ``.keras`` file (Keras 3's ``model.save``) is a zip holding ``config.json`` (every
layer's class, arguments and inbound nodes), ``metadata.json`` and the weights.
Only ``config.json`` is read, with the standard library: no Keras, no TensorFlow.
The text is size-capped and checked before it is used; every problem is an
:class:`~conv_calc.errors.InputError` saying what and where, with a hint.

:func:`read_keras_file` is the importer ``conv-calc stack model.keras`` and
``conv-calc import keras`` use (registered in :data:`conv_calc.interop.FILE_READERS`);
:mod:`conv_calc.interop.keras_graph` turns the checked config into the document.

>>> import io, json
>>> text = json.dumps({"class_name": "Sequential", "config": {"name": "s", "layers": [
...     {"class_name": "InputLayer", "config": {"batch_shape": [None, 8, 8, 3]}},
...     {"class_name": "Conv2D", "config": {"name": "c", "filters": 4, "kernel_size": 3}}]}})
>>> document, header = read_keras_text(text, "s.json")
>>> document["input"], document["layers"]
([None, 8, 8, 3], [{'Conv2D': {'filters': 4, 'kernel_size': 3}, 'name': 'c'}])
"""

from __future__ import annotations

import json
import os
import zipfile
import zlib
from typing import Any

from conv_calc.errors import InputError
from conv_calc.stackfile.files import TooLarge, check_regular, hint_for, read_bounded

__all__ = ["MAX_CONFIG_BYTES", "load_config", "read_keras_file", "read_keras_text", "size_notes"]

#: The largest config.json (or JSON file) read, in bytes: keras.applications'
#: largest (InceptionResNetV2) is under 1 MB.
MAX_CONFIG_BYTES = 64 * 1024 * 1024
#: The member of a .keras zip that holds the model's configuration.
CONFIG_MEMBER = "config.json"
ZIP_MAGIC = b"PK\x03\x04"


def _error(message: str, hint: str) -> InputError:
    return InputError(message, hint=hint)


def _read_member(path: str, archive: zipfile.ZipFile) -> bytes:
    try:
        info = archive.getinfo(CONFIG_MEMBER)
    except KeyError:
        names = ", ".join(archive.namelist()[:5]) or "nothing"
        raise _error(f"the zip holds no {CONFIG_MEMBER} (it holds {names})",
                     "a .keras file is written by Keras 3's model.save('model.keras'); a "
                     "TensorFlow SavedModel or an .h5 file is not one") from None
    if info.file_size > MAX_CONFIG_BYTES:
        raise _error(f"{CONFIG_MEMBER} is {info.file_size} bytes, over the "
                     f"{MAX_CONFIG_BYTES} bytes conv-calc reads",
                     "a model's configuration is far smaller; the file may be damaged")
    with archive.open(info) as handle:
        # file_size is the zip's own claim: read no more than the cap in any case.
        data = handle.read(MAX_CONFIG_BYTES + 1)
    if len(data) > MAX_CONFIG_BYTES:
        raise _error(f"{CONFIG_MEMBER} is over the {MAX_CONFIG_BYTES} bytes conv-calc reads",
                     "a model's configuration is far smaller; the file may be damaged")
    return data


def _read_bytes(path: str) -> tuple[bytes, str]:
    """The JSON text of ``path`` (a .keras zip or a JSON file) and what it was."""
    try:
        # A FIFO or a device would block open() or never end: refused before opening.
        check_regular(path)
        with open(path, "rb") as handle:
            head = handle.read(4)
    except OSError as err:
        raise _error(f"cannot read it: {err.strerror or err}", hint_for(err)) from None
    if head == ZIP_MAGIC:
        try:
            with zipfile.ZipFile(path) as archive:
                return _read_member(path, archive), CONFIG_MEMBER
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError,
                EOFError, ValueError, zlib.error) as err:
            if isinstance(err, InputError):
                raise
            raise _error(f"not a readable zip ({err})",
                         "the .keras file may be truncated; save the model again") from None
    if path.lower().endswith(".keras"):
        raise _error("not a zip, so not a .keras file",
                     "a .keras file is written by Keras 3's model.save('model.keras'); for "
                     "model.to_json() text, use a .json file with `conv-calc import keras`")
    try:
        return read_bounded(path, MAX_CONFIG_BYTES), "model JSON"
    except TooLarge:
        raise _error(f"over the {MAX_CONFIG_BYTES} bytes conv-calc reads",
                     "model.to_json() text is far smaller; is this the right file?") from None
    except OSError as err:
        raise _error(f"cannot read it: {err.strerror or err}", hint_for(err)) from None


def load_config(text: bytes | str, where: str) -> dict[str, Any]:
    """The parsed model configuration: a JSON object with ``class_name`` and ``config``.

    >>> load_config('{"class_name": "Sequential", "config": {"layers": []}}', "m.json")["class_name"]
    'Sequential'
    >>> load_config("[1, 2", "m.json")
    Traceback (most recent call last):
    ...
    conv_calc.errors.InputError: m.json: not valid JSON (line 1, column 6: Expecting ',' delimiter)
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise _error(f"{where}: not UTF-8 text (byte {err.start})",
                         "give a .keras file or the text model.to_json() returns") from None
    try:
        config = json.loads(text)
    except json.JSONDecodeError as err:
        raise _error(f"{where}: not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})",
                     "give a .keras file or the text model.to_json() returns") from None
    except RecursionError:
        raise _error(f"{where}: the JSON is nested too deeply to be a model configuration",
                     "give a .keras file or the text model.to_json() returns") from None
    if isinstance(config, dict) and "class_name" not in config and \
            isinstance(config.get("config"), dict) and "model_config" in config:
        config = config["model_config"]  # an .h5's attribute layout, written out as JSON
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str) or \
            not isinstance(config.get("config"), dict):
        raise _error(f"{where}: not a Keras model configuration (no class_name and config at "
                     "the top)", "give a .keras file or the text model.to_json() returns")
    return config


def read_keras_text(text: bytes | str, where: str, origins: list[str] | None = None
                    ) -> tuple[dict[str, Any], list[str]]:
    """A stack document and its header lines from model JSON text (``where`` names it);
    ``origins``, when given, receives the Keras layer each ``layers:`` item comes from."""
    # Deferred: keras_graph imports the Keras layer specs, which this module's checks do not need.
    from conv_calc.interop.keras_graph import build_document

    return build_document(load_config(text, where), where, origins)


def read_keras_file(path: str, origins: list[str] | None = None
                    ) -> tuple[dict[str, Any], list[str]]:
    """The importer for ``.keras`` files (and ``model.to_json()`` files): (document, header)."""
    text, where = _read_bytes(path)
    document, header = read_keras_text(text, where, origins)
    return document, [f"imported from {os.path.basename(path)} by conv-calc import keras",
                      *header]


def size_notes(path: str, report: Any) -> list[str]:
    """What the analysis of ``path`` (a .keras file) cannot take from the file alone.

    Keras chose some paddings from the input size when the model was built
    (``imagenet_utils.correct_pad``: an asymmetric ``ZeroPadding2D`` before a strided
    'valid' conv); analysed at a size where that layer's input has the other parity,
    keras.applications would have chosen another padding. (A layer called more than once
    needs no note: its later calls' rows have ``shares:`` and count no parameters.)
    """
    from conv_calc.interop.keras_graph import graph_facts

    text, where = _read_bytes(path)
    facts = graph_facts(load_config(text, where), where)
    rows = {row.name: row for row in report.layers}
    notes = []
    for name, saved_shape, pads in facts["size_dependent"]:
        row = rows.get(name)
        if row is None or row.input_shape is None:
            continue
        now = row.input_shape[1:-1]
        then = saved_shape[1:-1]
        # A model saved without a fixed size: correct_pad took it as even ("adjust = (1, 1)").
        changed = [axis for axis, (a, b) in enumerate(zip(now, then))
                   if a is not None and (a - (0 if b is None else b)) % 2]
        if changed:
            # correct_pad: (k // 2 - 1, k // 2) for an even size, (k // 2, k // 2) for odd.
            keras_pads = [list(p) if axis not in changed else
                          ([p[1], p[1]] if now[axis] % 2 else [p[1] - 1, p[1]])
                          for axis, p in enumerate(pads)]
            notes.append(
                f"{name}: ZeroPadding2D padding {pads} pads one pixel more after than before, "
                f"as imagenet_utils.correct_pad does for the input {list(then)} this layer had "
                f"when the model was saved; here its input is {list(now)}, for which "
                f"correct_pad (keras.applications) would pad {keras_pads}. The file's padding "
                "is used, as the loaded model does; from here on the rows differ from the "
                "model keras.applications builds at this input size.")
    return notes
