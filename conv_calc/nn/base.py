"""What every layer spec shares, and helpers that mimic torch's argument handling.

A layer spec mirrors one ``torch.nn`` class: the same name, the same
constructor signature and defaults, the same checks at construction; then
:meth:`Layer.output_shape` runs the checks torch runs in ``forward`` and returns
the shape torch would return. Nothing is ever computed on data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from conv_calc.errors import InvalidShapeError, LayerMeta, LayerValueError
from conv_calc.geometry import Axis, unchanged

__all__ = ["Layer", "as_shape", "ntuple", "per_axis", "fmt_list", "fmt_size", "InvalidShapeError"]


def as_shape(shape: Any) -> tuple[int, ...]:
    """Validate a tensor shape given by the user and return it as a tuple of ints.

    >>> as_shape([1, 3, 224, 224])
    (1, 3, 224, 224)
    """
    if isinstance(shape, (str, bytes)) or not isinstance(shape, Iterable):
        raise InvalidShapeError(f"input shape must be a list of sizes, got {shape!r}")
    dims = tuple(shape)
    for i, d in enumerate(dims):
        if isinstance(d, bool) or not isinstance(d, int):
            raise InvalidShapeError(
                f"input shape {fmt_list(dims)}: dimension {i} is {d!r}; sizes must be integers >= 0")
        if d < 0:
            raise InvalidShapeError(
                f"input shape {fmt_list(dims)}: dimension {i} is {d}; sizes must be integers >= 0")
    return tuple(int(d) for d in dims)


def ntuple(value: Any, n: int) -> tuple:
    """torch.nn.modules.utils._ntuple: an iterable becomes a tuple as it is
    (any length, strings split into characters); anything else is repeated n times.

    >>> ntuple(3, 2), ntuple([1], 2), ntuple('same', 2)
    ((3, 3), (1,), ('s', 'a', 'm', 'e'))
    """
    if isinstance(value, Iterable):
        return tuple(value)
    return (value,) * n


def per_axis(value: Any, n: int) -> tuple:
    """An int-or-sequence argument as ``n`` values, one per spatial dim (one value is repeated,
    as ATen's ``expand_param_if_needed`` does).

    >>> per_axis(3, 2), per_axis((2,), 3), per_axis([1, 2], 2)
    ((3, 3), (2, 2, 2), (1, 2))
    """
    if isinstance(value, (tuple, list)):
        value = tuple(value)
        return value * n if len(value) == 1 else value
    return (value,) * n


def fmt_list(values: Iterable[Any]) -> str:
    """A sequence printed as ATen prints an IntArrayRef: ``[1, 2, 3]``.

    >>> fmt_list((1, 2, 10))
    '[1, 2, 10]'
    """
    return "[" + ", ".join(str(v) for v in values) + "]"


def fmt_size(values: Iterable[Any]) -> str:
    """A shape printed as Python prints a ``torch.Size``.

    >>> fmt_size([6]), fmt_size([])
    ('torch.Size([6])', 'torch.Size([])')
    """
    return f"torch.Size({fmt_list(values)})"


class Layer(metaclass=LayerMeta):
    """Base class of the layer specs in :mod:`conv_calc.nn`.

    Subclasses define ``__init__`` with torch's signature (raising torch's
    construction errors) and override :meth:`output_shape`.
    """

    #: Constructor arguments a stack may leave out and infer from the incoming shape.
    inferable: ClassVar[tuple[str, ...]] = ()
    #: The output-size formula the layer follows (:data:`conv_calc.geometry.FAMILIES`).
    family: ClassVar[str | None] = None
    #: The number of spatial dims the class is written for (Conv2d: 2); None: any.
    spatial_dims: ClassVar[int | None] = None
    #: Whether forward takes an ``output_size`` (transposed convs, max-unpooling).
    forward_output_size: ClassVar[bool] = False
    #: torch.nn.Module.training: True as built; :meth:`eval` and :meth:`train` set it. Only
    #: the layers whose checks differ between the modes read it (batch and instance norm,
    #: feature dropout).
    training: bool = True

    def train(self, mode: bool = True) -> "Layer":
        """torch.nn.Module.train: set training mode (``mode=False``: eval); returns self.

        >>> from conv_calc.nn import BatchNorm2d
        >>> BatchNorm2d(3).eval().training, BatchNorm2d(3).eval().train().training
        (False, True)
        """
        if not isinstance(mode, bool):
            # torch/nn/modules/module.py: Module.train
            raise LayerValueError("training mode is expected to be boolean",
                                  hint=f"train() takes True or False, got {mode!r}.")
        self.training = mode
        return self

    def eval(self) -> "Layer":
        """torch.nn.Module.eval: ``self.train(False)``; returns self."""
        return self.train(False)

    @classmethod
    def infer_kwargs(cls, input_shape: tuple[int, ...]) -> dict[str, int]:
        """Values for the :attr:`inferable` arguments, read off ``input_shape``."""
        return {}

    def output_shape(self, input_shape: Iterable[int], **forward_kwargs: Any) -> tuple[int, ...]:
        """The shape of ``forward(torch.zeros(input_shape), **forward_kwargs)``."""
        raise NotImplementedError

    def axis_geometry(self, in_shape: Sequence[int],
                      out_shape: Sequence[int] | None = None) -> tuple[Axis, ...]:
        """What the layer does to each dim of ``in_shape`` (:mod:`conv_calc.geometry`).

        This default is for layers that keep the shape (activations, norms,
        dropout): every axis unchanged. A layer that changes the shape must say
        how, or this raises.
        """
        in_shape = tuple(in_shape)
        out = self.output_shape(in_shape) if out_shape is None else tuple(out_shape)
        if out != in_shape:
            raise NotImplementedError(
                f"{type(self).__name__} turns {in_shape} into {out} but does not say what it "
                "does to each axis: override axis_geometry")
        return unchanged(len(in_shape))

    def param_count(self) -> int:
        """``sum(p.numel() for p in module.parameters())`` in torch."""
        return 0

    def macs(self, input_shape: tuple[int, ...], output_shape: tuple[int, ...]) -> int:
        """Multiply-accumulate operations of one forward pass (0 where none)."""
        return 0
