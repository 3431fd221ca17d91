"""Problems and rows of a model file (.keras, .onnx) located in that file, not in the YAML.

``conv-calc stack model.keras`` reads the stack document an importer makes, written as YAML
text the user never sees: a problem or a failing row located at ``model.keras:12:5`` would
point at a line of that text. :class:`Locator` maps each line of the text to the
``layers:`` item it belongs to, and each item to where it comes from in the model file
(``Keras layer 'p1', config.layers[4]``, ``ONNX node '/conv1/Conv', Conv graph.node[0]``,
given by the importer); :meth:`Locator.stack` and :meth:`Locator.problems` put that place
in every :class:`~conv_calc.graph.nodes.Source` (its ``where``), which is then printed
instead of the line and column.

>>> text = "name: n\\nlayers:\\n  - ReLU: {}\\n    name: a\\n  - Tanh: {}\\n    name: b\\n"
>>> loc = Locator(text, ["Keras layer 'a'", "Keras layer 'b'"])
>>> from conv_calc.graph.nodes import Source
>>> str(loc.source(Source("m.keras", 6, 5))), str(loc.source(Source("m.keras", 1, 1)))
("m.keras (Keras layer 'b')", 'm.keras (the model)')
"""

from __future__ import annotations

import dataclasses
from typing import Any

from conv_calc.errors import StackFileError
from conv_calc.graph import nodes as graph_nodes
from conv_calc.graph.nodes import Source

__all__ = ["Locator", "default_origins"]

_WHOLE = "the model"  # a place outside every item: the document's own keys


def default_origins(document: dict[str, Any]) -> list[str]:
    """``layer 'NAME'`` per item of ``document``, for an importer that gives no origins."""
    return [f"layer '{item.get('name')}'" if isinstance(item, dict) and item.get("name")
            else f"layers[{k}]" for k, item in enumerate(document.get("layers") or [])]


class Locator:
    """Where each line of a written stack document comes from in the model file."""

    def __init__(self, text: str, origins: list[str]) -> None:
        self.origins = origins
        self.starts: list[int] = []  # 1-based first line of each `layers:` item
        inside = False
        for number, line in enumerate(text.splitlines(), 1):
            if line and not line[0].isspace() and not line.startswith("#"):
                inside = line.startswith("layers:")  # a top-level key: the list starts or ends
            elif inside and line.startswith("  - "):
                self.starts.append(number)

    def where(self, line: int) -> str:
        """The model-file place of a line of the text."""
        k = -1
        for i, start in enumerate(self.starts):
            if start > line:
                break
            k = i
        if k < 0 or k >= len(self.origins):
            return _WHOLE
        return self.origins[k]

    def source(self, source: Any) -> Any:
        if not isinstance(source, Source) or source.where is not None:
            return source
        return source._replace(where=self.where(source.line))

    def problems(self, err: StackFileError) -> StackFileError:
        """``err`` with each problem located in the model file."""
        return StackFileError([dataclasses.replace(p, source=self.source(p.source))
                               if dataclasses.is_dataclass(p) and getattr(p, "source", None)
                               else p for p in err.problems])

    def stack(self, stack: Any) -> Any:
        """``stack`` with every node's source located in the model file."""
        return self._relocate(stack)

    def _relocate(self, obj: Any) -> Any:
        if isinstance(obj, Source):
            return self.source(obj)
        if isinstance(obj, tuple):
            items = tuple(self._relocate(v) for v in obj)
            return obj if all(a is b for a, b in zip(items, obj)) else type(obj)(items) \
                if type(obj) is tuple else obj
        # Only the graph's own node types: built layers and values hold no source.
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type) and \
                type(obj).__module__ in (graph_nodes.__name__, "conv_calc.graph.stack"):
            changes = {}
            for f in dataclasses.fields(obj):
                if not f.init:
                    continue
                value = getattr(obj, f.name)
                new = self._relocate(value)
                if new is not value:
                    changes[f.name] = new
            return dataclasses.replace(obj, **changes) if changes else obj
        return obj
