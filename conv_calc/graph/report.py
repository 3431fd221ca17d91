"""The result of analysing a network: one row per layer and per merge, and where it stopped."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from conv_calc.errors import LayerError
from conv_calc.graph.nodes import Source
from conv_calc.nn.base import Layer

__all__ = ["Row", "FailedLayer", "Report"]


@dataclass(frozen=True)
class Row:
    """One analysed layer (or merge) in execution order."""

    index: int
    name: str
    type: str
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    params: int
    macs: int
    receptive_field: Any  # conv_calc.receptive.ReceptiveField, or None when not defined
    source: Source | None = None
    layer: Layer | None = None


@dataclass(frozen=True)
class FailedLayer:
    """The layer at which the analysis stopped."""

    index: int
    name: str
    type: str
    input_shape: tuple[int, ...] | None
    source: Source | None = None


@dataclass(frozen=True)
class Report:
    """The result of :meth:`conv_calc.graph.stack.Stack.analyze`."""

    input_shape: tuple[int, ...]
    layers: tuple[Row, ...]
    error: LayerError | None = None
    failed: FailedLayer | None = None
    #: The shape of each tensor the stack names in ``outputs:`` (empty without it;
    #: empty too when the analysis stopped).
    outputs: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    #: "train" or "eval": the mode the layers were analysed in (conv_calc.graph.mode).
    mode: str = "train"
    #: What the analysis could not do while the network itself is fine (a receptive-field
    #: period past what conv-calc follows): printed beside the table.
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def output_shape(self) -> tuple[int, ...] | None:
        if self.error is not None:
            return None
        return self.layers[-1].output_shape if self.layers else self.input_shape

    @property
    def total_params(self) -> int:
        return sum(row.params for row in self.layers)

    @property
    def total_macs(self) -> int:
        return sum(row.macs for row in self.layers)
