"""A network: its node tree, its default input shape, and what its file says it must produce."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from conv_calc.graph.analysis import analyze
from conv_calc.graph.framework import get as get_framework
from conv_calc.graph.mode import DEFAULT_MODE, check_mode
from conv_calc.graph.nodes import Expect, Node, Source, StackDefinitionError
from conv_calc.graph.report import Report

__all__ = ["Stack"]


@dataclass(frozen=True, eq=False)
class Stack:
    """A network: a list of nodes and an optional default input shape.

    ``framework`` is "torch" (conv_calc.nn layers) or "keras" (conv_calc.keras
    layers, channels_last). A stack read from a file also carries the file's
    format ``version``, its top-level ``expect:`` and the ``expect:`` of its
    items (``expectations``, keyed by the item's source). ``mode`` is "train" (the
    default, as torch builds modules) or "eval" (as after ``model.eval()``): the mode
    every layer is analysed in (:mod:`conv_calc.graph.mode`).
    """

    layers: tuple[Node, ...]
    input_shape: tuple[int, ...] | None = None
    name: str | None = None
    source: str | None = None
    framework: str = "torch"
    version: int | None = None
    expect: Expect | None = None
    expectations: Mapping[Source, Expect] = field(default_factory=dict)
    #: Names of saved tensors that are the network's outputs (``outputs:``); the report
    #: gives each one's shape (``report.outputs``).
    outputs: tuple[str, ...] = ()
    mode: str = DEFAULT_MODE
    #: The network's inputs besides the first (``inputs:``): name -> shape, each a tensor
    #: read by name (``from:``, merges) from the start; ``--input`` changes only the first.
    inputs: Mapping[str, tuple] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_mode(self.mode)
        object.__setattr__(self, "layers", tuple(self.layers))
        object.__setattr__(self, "outputs", tuple(self.outputs))
        if self.input_shape is not None:
            object.__setattr__(self, "input_shape", tuple(self.input_shape))
        object.__setattr__(self, "expectations", MappingProxyType(dict(self.expectations)))
        object.__setattr__(self, "inputs", MappingProxyType(
            {name: tuple(shape) for name, shape in dict(self.inputs).items()}))

    def analyze(self, input_shape: Sequence[int] | None = None, mode: str | None = None) -> Report:
        """Run every layer's shape checks in order; never raises for a network that breaks.

        Returns one :class:`~conv_calc.graph.report.Row` per layer and per merge,
        in execution order, with the receptive field of each (conv_calc.receptive).
        When a layer fails (at construction or in its shape checks), ``report.error``
        is that :class:`~conv_calc.errors.LayerError` with ``.layer`` set to the
        row name, ``report.failed`` says where, and ``report.layers`` holds
        the rows before it. ``mode`` ("train" or "eval") overrides the stack's;
        ``report.mode`` says which was used.

        Raises :class:`~conv_calc.errors.StackDefinitionError` (a ``ValueError``)
        for a malformed definition: no input shape, an unknown layer type, a node
        that is not a node, a merge of a name never saved.

        >>> from conv_calc import nn
        >>> report = Stack([nn.Conv2d(3, 8, 3, padding=1), nn.MaxPool2d(2)]).analyze((1, 3, 32, 32))
        >>> [(r.name, r.output_shape, r.receptive_field.size) for r in report.layers]
        [('0', (1, 8, 32, 32), (3, 3)), ('1', (1, 8, 16, 16), (4, 4))]
        >>> net = Stack([nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8)], input_shape=(1, 3, 3, 3))
        >>> net.analyze().error
        LayerValueError('Expected more than 1 value per channel when training, got input size torch.Size([1, 8, 1, 1])')
        >>> net.analyze(mode="eval").output_shape
        (1, 8, 1, 1)
        """
        shape = self.input_shape if input_shape is None else input_shape
        if shape is None:
            raise StackDefinitionError(
                "no input shape: give one in the stack (input: [1, 3, 224, 224]) or to analyze()")
        return analyze(self.layers, shape, self.framework, self.outputs,
                       self.mode if mode is None else check_mode(mode), self.inputs)

    def with_spatial_sizes(self, sizes: Sequence[int]) -> tuple[int, ...]:
        """The stack's input shape with its spatial sizes replaced: one size for every
        spatial axis (``224``) or one per axis (``(224, 320)``); batch and channels kept.
        This is what a spatial-only ``--input`` means in every command.

        >>> from conv_calc import nn
        >>> net = Stack([nn.Conv2d(3, 8, 3)], input_shape=(2, 3, 32, 32))
        >>> net.with_spatial_sizes([224]), net.with_spatial_sizes([224, 320])
        ((2, 3, 224, 224), (2, 3, 224, 320))
        """
        if self.input_shape is None:
            raise StackDefinitionError(
                f"--input {'x'.join(map(str, sizes))} gives spatial sizes only, and the stack has "
                "no input: to know the batch and the channels, give the whole shape",
                hint="for example --input 1x3x224x224")
        shape = list(self.input_shape)
        dims = get_framework(self.framework).spatial_dims(self.layers, tuple(shape))
        if len(sizes) == 1:
            sizes = list(sizes) * len(dims)
        if len(sizes) != len(dims) or not dims:
            raise StackDefinitionError(
                f"--input {'x'.join(map(str, sizes))}: the input {list(shape)} has {len(dims)} "
                f"spatial {'axis' if len(dims) == 1 else 'axes'}: give one size, one per "
                "spatial axis, or the whole shape",
                hint=f"for example --input {'x'.join(['224'] * max(1, len(dims)))}")
        for dim, size in zip(dims, sizes):
            shape[dim] = size
        return tuple(shape)
