"""Two more shape-keeping activations: Threshold and Softmax2d.

Shape: input ``(*)`` -> output ``(*)``; Softmax2d takes ``(N, C, H, W)`` or ``(C, H, W)`` and
normalises over C (dim -3). No parameters, no MACs. Kept apart from
:mod:`conv_calc.nn.activation` (already long); they reuse its Scalar checks.

>>> Threshold(0.1, 20).output_shape((2, 3))
(2, 3)
>>> Softmax2d().output_shape((2, 3, 12, 13))
(2, 3, 12, 13)
>>> Softmax2d().output_shape((2, 3))
Traceback (most recent call last):
  ...
conv_calc.errors.LayerValueError: Softmax2d: expected input to be 3D or 4D, got 2D instead
"""

from __future__ import annotations

from typing import Any

from conv_calc.errors import LayerTypeError, LayerValueError
from conv_calc.nn.activation import _check_scalars, _Elementwise
from conv_calc.nn.base import Layer, as_shape
from conv_calc.nn.forward_kwargs import check_forward_kwargs

__all__ = ["Threshold", "Softmax2d"]


class Threshold(_Elementwise):
    """``x if x > threshold else value`` element-wise (torch.nn.Threshold).

    >>> Threshold(0.1, 20, inplace=True)
    Threshold(threshold=0.1, value=20, inplace=True)

    Raises TypeError in forward when threshold or value is not a number (named after
    ``threshold_`` when inplace is truthy), OverflowError for an int beyond 64 bits and
    RuntimeError for a value beyond float32's range.
    """

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def __repr__(self) -> str:
        # torch/nn/modules/activation.py: Threshold.extra_repr
        inplace = ", inplace=True" if self.inplace else ""
        return f"Threshold(threshold={self.threshold}, value={self.value}{inplace})"

    def _check(self) -> None:
        # torch/nn/functional.py: _threshold -> _VF.threshold(input, threshold, value)
        _check_scalars(self._fn("threshold"), (("threshold", 2, self.threshold),
                                               ("value", 3, self.value)))


class Softmax2d(Layer):
    """Softmax over the channels at every pixel (torch.nn.Softmax2d): ``F.softmax(x, -3)``.

    >>> Softmax2d().output_shape((3, 8, 8))
    (3, 8, 8)

    Raises TypeError at construction for any argument (torch's ``Module.__init__``) and
    ValueError in forward unless the input is 3-d or 4-d.
    """

    spatial_dims = 2

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # torch/nn/modules/module.py: Module.__init__ (Softmax2d has no __init__ of its own):
        # keywords are reported before positional arguments.
        if kwargs:
            raise LayerTypeError(
                f"Softmax2d.__init__() got an unexpected keyword argument '{next(iter(kwargs))}'",
                hint="Softmax2d takes no arguments: it always normalises over the channel dim.")
        if args:
            raise LayerTypeError(
                f"Softmax2d.__init__() takes 1 positional argument but {len(args) + 1} were given",
                hint="Softmax2d takes no arguments: it always normalises over the channel dim.")

    def __repr__(self) -> str:
        return "Softmax2d()"

    def output_shape(self, input_shape: Any, **forward_kwargs: Any) -> tuple[int, ...]:
        check_forward_kwargs(self, forward_kwargs)
        shape = as_shape(input_shape)
        if len(shape) not in (3, 4):
            # torch/nn/modules/activation.py: Softmax2d.forward
            raise LayerValueError(
                f"Softmax2d: expected input to be 3D or 4D, got {len(shape)}D instead",
                hint=f"Softmax2d works on (N, C, H, W) or (C, H, W); this input is "
                     f"{len(shape)}-d. For other ranks use Softmax(dim=...).")
        return shape
