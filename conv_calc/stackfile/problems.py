"""Problems found in a stack file, and the one exception that carries them all.

This module imports no YAML: the CLI and lint can catch :class:`StackFileError`
and read its :class:`Problem` records without loading the parser.

>>> from conv_calc.graph.nodes import Source
>>> err = StackFileError([Problem("unknown layer 'Conv2D'", hint="did you mean 'Conv2d'?",
...                               source=Source("net.yaml", 3, 5), code="unknown-layer")])
>>> isinstance(err, ValueError), str(err)
(True, "net.yaml:3:5: unknown layer 'Conv2D'")
>>> err.problems[0].hint
"did you mean 'Conv2d'?"
"""

from __future__ import annotations

from dataclasses import dataclass

from conv_calc.errors import StackFileError
from conv_calc.graph.nodes import Source

__all__ = ["Problem", "StackFileError", "Collector", "CODES"]

#: Stable problem codes (lint and JSON output may rely on them; only ever add).
CODES = {
    "unreadable": "the file cannot be read or decoded",
    "yaml-syntax": "the text is not valid YAML",
    "yaml-feature": "a YAML feature conv-calc refuses: tags, anchors, aliases, merge keys",
    "duplicate-key": "a key appears twice in one mapping",
    "too-deep": "nesting beyond the supported depth",
    "too-large": "a number or an expanded network beyond the supported size",
    "not-a-mapping": "the document or an item has the wrong YAML kind",
    "missing-key": "a required key is absent",
    "unknown-key": "a key that the format does not define",
    "unknown-layer": "a layer or block name that does not exist",
    "unknown-argument": "an argument the layer's constructor does not take",
    "wrong-type": "a value of the wrong type",
    "bad-value": "a value outside what the format allows (e.g. a size below 1)",
    "undefined-name": "a reference to a saved tensor, block or parameter that is not defined",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in a stack file: what is wrong, how to fix it, and where."""

    message: str
    hint: str = ""
    source: Source | None = None
    code: str = "bad-value"

    def __str__(self) -> str:
        return f"{self.source}: {self.message}" if self.source is not None else self.message


class Collector:
    """Gathers problems instead of stopping at the first one (as packaging does).

    Identical problems (same message at the same place) are kept once, so a block
    used sixteen times reports its typo once.
    """

    def __init__(self, limit: int = 1000) -> None:
        self.problems: list[Problem] = []
        self._seen: set[tuple[str, Source | None]] = set()
        self.limit = limit

    def add(self, message: str, source: Source | None, *, hint: str = "",
            code: str = "bad-value", context: str = "") -> None:
        """Record a problem; ``context`` (e.g. which block use) is appended to the
        message but not used to tell problems apart."""
        key = (message, source)
        if key in self._seen or len(self.problems) >= self.limit:
            return
        self._seen.add(key)
        self.problems.append(Problem(message + context, hint, source, code))

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            ordered = sorted(self.problems, key=lambda p: (
                (p.source.line, p.source.column) if p.source is not None else (0, 0)))
            raise StackFileError(ordered)
