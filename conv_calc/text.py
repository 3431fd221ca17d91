"""Words for messages: the one "did you mean" of conv-calc, for every layer of it to use.

>>> suggest("Conv2D", ["Conv2d", "Conv3d", "ReLU"])
['Conv2d']
>>> suggest("kernel", ["in_channels", "kernel_size", "stride"])
['kernel_size']
>>> did_you_mean("stide", ["stride", "padding"]), did_you_mean("xyz", ["stride"])
("did you mean 'stride'?", '')
>>> suggest("cc2o1", ["CC201", "CC202"], 1, fold=False, prefixes=False)
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

__all__ = ["suggest", "did_you_mean", "you_mean", "printable", "terminal_safe", "UNSAFE"]

# Control characters (C0, DEL, C1), line and paragraph separators, the bidi controls of
# "Trojan Source" (CVE-2021-42574) and lone surrogates (no character at all: they cannot
# even be encoded): a layer name, a path or a value can carry them into a terminal.
UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e"
                     "\u2066-\u2069\ufeff\ud800-\udfff]")
# The same, but newlines pass: for whole outputs, whose lines are conv-calc's own.
_UNSAFE_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f"
                             "\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` for one terminal line: unsafe characters as escapes (``\\n``, ``\\x1b``, ``\\u202e``).

    >>> printable("up\\n\\x1b[31m\\ud800")
    'up\\\\n\\\\x1b[31m\\\\ud800'
    """
    return UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def terminal_safe(text: str) -> str:
    """Whole output for a terminal or a log: newlines and tabs kept, every other unsafe
    character escaped as ``\\uXXXX`` (which is also how JSON escapes it, so JSON stays
    valid and means the same).

    >>> terminal_safe('{"name": "a\\x85\\u202e"}\\n')
    '{"name": "a\\\\u0085\\\\u202e"}\\n'
    """
    if not _UNSAFE_IN_TEXT.search(text):
        return text
    return _UNSAFE_IN_TEXT.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def suggest(word: str, candidates: Iterable[str], n: int = 3, *, fold: bool = True,
            prefixes: bool = True) -> list[str]:
    """Up to ``n`` candidates close to ``word``, closest first.

    With ``fold`` (the default) case is ignored and the same spelling in another
    case wins outright; with ``prefixes``, candidates that start with ``word``
    (of 3 characters or more) come before the others; then difflib's close
    matches (ratio 0.6 or more).
    """
    import difflib  # noqa: PLC0415 - deferred: only a misspelling needs it

    candidates = list(candidates)
    if not fold:
        found = [c for c in candidates if prefixes and len(word) >= 3 and c.startswith(word)]
        for c in difflib.get_close_matches(word, candidates, n=n, cutoff=0.6):
            if c not in found:
                found.append(c)
        return found[:n]
    lower = {c.lower(): c for c in candidates}
    if word.lower() in lower:
        return [lower[word.lower()]]
    found = [c for c in candidates
             if prefixes and len(word) >= 3 and c.lower().startswith(word.lower())]
    for c in difflib.get_close_matches(word.lower(), list(lower), n=n, cutoff=0.6):
        if lower[c] not in found:
            found.append(lower[c])
    return found[:n]


def you_mean(found: Sequence[str]) -> str:
    """``"did you mean 'x'?"`` (or ``"did you mean 'x' or 'y'?"``), or '' for no candidate."""
    if not found:
        return ""
    return "did you mean " + " or ".join(f"'{c}'" for c in found) + "?"


def did_you_mean(word: str, candidates: Iterable[str], n: int = 3, **options: bool) -> str:
    """:func:`you_mean` of :func:`suggest`: the hint for an unknown ``word``, or ''."""
    return you_mean(suggest(word, candidates, n, **options))
