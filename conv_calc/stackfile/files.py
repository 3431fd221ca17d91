"""Reading a user's file or standard input, with the work bounded before it is done.

Every command reads its inputs here, so the same rules hold everywhere:

- only regular files: a FIFO would block forever and a device (``/dev/zero``,
  ``/dev/urandom``) never ends, so both are refused before they are opened;
- at most ``limit`` bytes, from a file or from standard input alike: the reader
  stops one byte past the limit instead of holding whatever arrives.

Failures are :class:`OSError`\\ s with a ``strerror`` a person can read, so callers
keep their one "cannot read FILE: reason" path.

>>> import os, tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     path = os.path.join(d, "net.yaml")
...     _ = open(path, "w").write("layers: []\\n")
...     read_bounded(path, 100)
b'layers: []\\n'
>>> read_bounded("/dev/null", 100)
Traceback (most recent call last):
...
conv_calc.stackfile.files.NotRegular: [Errno 22] it is a character device, not a regular file
"""

from __future__ import annotations

import errno
import os
import stat
from typing import BinaryIO

__all__ = ["TooLarge", "NotRegular", "read_bounded", "read_stream_bounded", "check_regular",
           "hint_for"]

_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


class TooLarge(OSError):
    """More than the limit: the input was not read to its end."""

    hint = "a stack file is text of a few kilobytes; check that this is the file meant"

    def __init__(self, limit: int) -> None:
        super().__init__(errno.EFBIG, f"it is larger than {_size(limit)}")
        self.limit = limit


class NotRegular(OSError):
    """A FIFO, a device or a socket: refused before it is opened."""

    hint = "conv-calc reads regular files; to read from a pipe, give '-' and pipe into it"


def hint_for(err: OSError) -> str:
    """What to do about a file that could not be read.

    >>> hint_for(TooLarge(10)), hint_for(FileNotFoundError(2, "no such file"))[:14]
    ('a stack file is text of a few kilobytes; check that this is the file meant', 'check the path')
    """
    if isinstance(err, (NotRegular, TooLarge)):
        return err.hint
    return "check the path and the file's permissions"


def _size(limit: int) -> str:
    return f"{limit // 2**20} MiB" if limit >= 2**20 else f"{limit} bytes"


def check_regular(path: str) -> None:
    """Raise :class:`OSError` unless ``path`` is a regular file (symbolic links followed)."""
    mode = os.stat(path).st_mode
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "it is a directory")
    for test, kind in _KINDS:
        if test(mode):
            raise NotRegular(errno.EINVAL, f"it is {kind}, not a regular file")


def read_bounded(path: str, limit: int) -> bytes:
    """The bytes of the regular file ``path``; :class:`TooLarge` past ``limit`` bytes."""
    check_regular(path)
    with open(path, "rb") as handle:
        return read_stream_bounded(handle, limit)


def read_stream_bounded(stream: BinaryIO, limit: int) -> bytes:
    """At most ``limit`` bytes of ``stream`` (standard input); :class:`TooLarge` past that.

    >>> import io
    >>> read_stream_bounded(io.BytesIO(b"abc"), 3)
    b'abc'
    >>> read_stream_bounded(io.BytesIO(b"abcd"), 3)
    Traceback (most recent call last):
    ...
    conv_calc.stackfile.files.TooLarge: [Errno 27] it is larger than 3 bytes
    """
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(limit)
    return data
