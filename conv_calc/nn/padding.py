"""Padding layers: ``ZeroPad``, ``ConstantPad``, ``ReflectionPad``, ``ReplicationPad``, ``CircularPad`` 1d/2d/3d.

Shape (torch "Shape:" sections): each padded dim grows by its two pads,
:math:`W_{out} = W_{in} + \\text{padding\\_left} + \\text{padding\\_right}`
(and likewise H, D). An int pads every side; a tuple lists
``(left, right, top, bottom, front, back)``; negative pads crop. The
constructor never checks anything: ``F.pad`` does, in forward
(:mod:`conv_calc.nn.padding_checks`).

>>> ReflectionPad2d((1, 1, 2, 0)).output_shape((1, 3, 8, 8))
(1, 3, 10, 10)
>>> ZeroPad1d(2).output_shape((4, 10))
(4, 14)
>>> CircularPad1d(2).output_shape((3,))
Traceback (most recent call last):
  ...
conv_calc.errors.LayerValueError: expected 2D or 3D input (got 1D input)
"""

from __future__ import annotations

from typing import Any

from conv_calc.errors import LayerValueError
from conv_calc.geometry import Axis, placed, shift
from conv_calc.nn.base import Layer, as_shape, ntuple
from conv_calc.nn.padding_checks import pad_shape
from conv_calc.nn.forward_kwargs import check_forward_kwargs

__all__ = [
    "CircularPad1d", "CircularPad2d", "CircularPad3d",
    "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
    "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
    "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d",
    "ZeroPad1d", "ZeroPad2d", "ZeroPad3d",
]


class _PadNd(Layer):
    """Shared forward: ``F.pad(input, self.padding, mode)``."""

    mode = "constant"
    padding: tuple
    family = "pad"

    def _pad_value(self) -> Any:
        return None

    def output_shape(self, input_shape: Any, **forward_kwargs: Any) -> tuple[int, ...]:
        """The shape of ``forward(torch.zeros(input_shape))``; see the module docstring."""
        # torch defines forward on the private bases: _ConstantPadNd.forward() for ZeroPad2d
        owner = next(c.__name__ for c in type(self).__mro__ if c.__name__.endswith("PadNd"))
        check_forward_kwargs(owner, forward_kwargs)
        shape = as_shape(input_shape)
        self._check_input_dim(shape)
        return pad_shape(shape, self.padding, self.mode, self._pad_value())

    def _check_input_dim(self, shape: tuple[int, ...]) -> None:
        pass

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """Each padded dim shifted by its first pad (negative pads crop)."""
        pad = tuple(self.padding)  # (left, right, top, bottom, front, back): the last dim first
        pairs = [shift(pad[2 * i], pad[2 * i + 1]) for i in range(len(pad) // 2)]
        return placed(len(tuple(in_shape)), -len(pairs), pairs[::-1])

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.padding})"


class _CircularPadNd(_PadNd):
    mode = "circular"

    def _check_input_dim(self, shape: tuple[int, ...]) -> None:
        lo = self.spatial_dims + 1
        if len(shape) not in (lo, lo + 1):
            # torch/nn/modules/padding.py: CircularPad{N}d._check_input_dim
            raise LayerValueError(
                f"expected {lo}D or {lo + 1}D input (got {len(shape)}D input)",
                hint=f"{type(self).__name__} takes (C, ...) or (N, C, ...) with "
                     f"{self.spatial_dims} spatial dim(s), i.e. a {lo}D or {lo + 1}D input; got "
                     f"{len(shape)}D.")


class _ConstantPadNd(_PadNd):
    mode = "constant"

    def __init__(self, value: float) -> None:
        self.value = value

    def _pad_value(self) -> Any:
        return self.value

    def __repr__(self) -> str:
        return f"{type(self).__name__}(padding={self.padding}, value={self.value})"


class _ReflectionPadNd(_PadNd):
    mode = "reflect"


class _ReplicationPadNd(_PadNd):
    mode = "replicate"


class CircularPad1d(_CircularPadNd):
    """torch.nn.CircularPad1d: wrap-around padding of the last 1 dim(s); pads <= size.

    >>> CircularPad1d(1).output_shape((1, 2, 3))
    (1, 2, 5)
    """

    spatial_dims = 1

    def __init__(self, padding: Any) -> None:
        self.padding = ntuple(padding, 2)


class ConstantPad1d(_ConstantPadNd):
    """torch.nn.ConstantPad1d: pad the last 1 dim(s) with ``value``; negative pads crop.

    >>> ConstantPad1d(1, 3.5).output_shape((1, 2, 3))
    (1, 2, 5)
    """

    spatial_dims = 1

    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(value)
        self.padding = ntuple(padding, 2)


class ReflectionPad1d(_ReflectionPadNd):
    """torch.nn.ReflectionPad1d: mirror padding of the last 1 dim(s); each pad < size.

    >>> ReflectionPad1d(2).output_shape((1, 2, 3))
    (1, 2, 7)
    """

    spatial_dims = 1

    def __init__(self, padding: Any) -> None:
        self.padding = ntuple(padding, 2)


class ReplicationPad1d(_ReplicationPadNd):
    """torch.nn.ReplicationPad1d: edge-repeating padding of the last 1 dim(s).

    >>> ReplicationPad1d(4).output_shape((1, 2, 3))
    (1, 2, 11)
    """

    spatial_dims = 1

    def __init__(self, padding: Any) -> None:
        self.padding = ntuple(padding, 2)


class ZeroPad1d(ConstantPad1d):
    """torch.nn.ZeroPad1d: ``ConstantPad1d(padding, 0.0)``.

    >>> ZeroPad1d(1).output_shape((2, 3))
    (2, 5)
    """

    spatial_dims = 1

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.padding})"


class CircularPad2d(_CircularPadNd):
    """torch.nn.CircularPad2d: wrap-around padding of the last 2 dim(s); pads <= size.

    >>> CircularPad2d(1).output_shape((1, 2, 3, 3))
    (1, 2, 5, 5)
    """

    spatial_dims = 2

    def __init__(self, padding: Any) -> None:
        self.padding = ntuple(padding, 4)


class ConstantPad2d(_ConstantPadNd):
    """torch.nn.ConstantPad2d: pad the last 2 dim(s) with ``value``; negative pads crop.

    >>> ConstantPad2d(1, 3.5).output_shape((1, 2, 3, 3))
    (1, 2, 5, 5)
    """

    spatial_dims = 2

    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(value)
        self.padding = ntuple(padding, 4)


class ReflectionPad2d(_ReflectionPadNd):
    """torch.nn.ReflectionPad2d: mirror padding of the last 2 dim(s); each pad < size.

    >>> ReflectionPad2d(2).output_shape((1, 2, 3, 3))
    (1, 2, 7, 7)
    """

    spatial_dims = 2

    def __init__(self, padding: Any) -> None:
        self.padding = ntuple(padding, 4)


class ReplicationPad2d(_ReplicationPadNd):
    """torch.nn.ReplicationPad2d: edge-repeating padding of the last 2 dim(s).

    >>> ReplicationPad2d(4).output_shape((1, 2, 3, 3))
    (1, 2, 11, 11)
    """

    spatial_dims = 2

    def __init__(self, padding: Any) -> None:
        self.padding = ntuple(padding, 4)


class ZeroPad2d(ConstantPad2d):
    """torch.nn.ZeroPad2d: ``ConstantPad2d(padding, 0.0)``.

    >>> ZeroPad2d(1).output_shape((2, 3, 3))
    (2, 5, 5)
    """

    spatial_dims = 2

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.padding})"


class CircularPad3d(_CircularPadNd):
    """torch.nn.CircularPad3d: wrap-around padding of the last 3 dim(s); pads <= size.

    >>> CircularPad3d(1).output_shape((1, 2, 3, 3, 3))
    (1, 2, 5, 5, 5)
    """

    spatial_dims = 3

    def __init__(self, padding: Any) -> None:
        self.padding = ntuple(padding, 6)


class ConstantPad3d(_ConstantPadNd):
    """torch.nn.ConstantPad3d: pad the last 3 dim(s) with ``value``; negative pads crop.

    >>> ConstantPad3d(1, 3.5).output_shape((1, 2, 3, 3, 3))
    (1, 2, 5, 5, 5)
    """

    spatial_dims = 3

    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(value)
        self.padding = ntuple(padding, 6)


class ReflectionPad3d(_ReflectionPadNd):
    """torch.nn.ReflectionPad3d: mirror padding of the last 3 dim(s); each pad < size.

    >>> ReflectionPad3d(2).output_shape((1, 2, 3, 3, 3))
    (1, 2, 7, 7, 7)
    """

    spatial_dims = 3

    def __init__(self, padding: Any) -> None:
        self.padding = ntuple(padding, 6)


class ReplicationPad3d(_ReplicationPadNd):
    """torch.nn.ReplicationPad3d: edge-repeating padding of the last 3 dim(s).

    >>> ReplicationPad3d(4).output_shape((1, 2, 3, 3, 3))
    (1, 2, 11, 11, 11)
    """

    spatial_dims = 3

    def __init__(self, padding: Any) -> None:
        self.padding = ntuple(padding, 6)


class ZeroPad3d(ConstantPad3d):
    """torch.nn.ZeroPad3d: ``ConstantPad3d(padding, 0.0)``.

    >>> ZeroPad3d(1).output_shape((2, 3, 3, 3))
    (2, 5, 5, 5)
    """

    spatial_dims = 3

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.padding})"
