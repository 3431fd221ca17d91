"""Power-average pooling: torch.nn.LPPool1d, LPPool2d, LPPool3d.

torch computes ``(sum x**p)**(1/p)`` as ``avg_pool(x**p, kernel_size, stride,
padding=0, ceil_mode) * prod(kernel_size)``, then ``**(1/p)``; for ``p = ±inf``
it calls ``max_pool`` instead. So the shapes and the messages are those of
AvgPool (or MaxPool) with no padding, plus a few Python-level ones from
``F.lp_pool*d`` itself (``float(norm_type)``, unpacking ``kernel_size``,
``1.0 / norm_type``).

Shape (torch.nn.LPPool2d), per spatial dim::

    out = floor((L - kernel_size) / stride + 1)     # stride defaults to kernel_size

>>> LPPool1d(2, 3, stride=2).output_shape((4, 16, 32))
(4, 16, 15)
>>> LPPool3d(float("inf"), 2).output_shape((1, 1, 4, 4, 4))
(1, 1, 2, 2, 2)
"""

from __future__ import annotations

import math
from typing import Any

from conv_calc.errors import LayerTypeError, LayerValueError, LayerZeroDivisionError
from conv_calc.geometry import Axis
from conv_calc.nn.base import Layer, as_shape, ntuple
from conv_calc.nn.pooling_args import pool_axes
from conv_calc.nn.pooling_avg import avg_pool
from conv_calc.nn.forward_kwargs import check_forward_kwargs
from conv_calc.nn.pooling_max import max_pool

__all__ = ["LPPool1d", "LPPool2d", "LPPool3d"]


def _float(value: Any) -> float:
    """Python's ``float(norm_type)`` in ``LPPool*d.forward``, with its own messages."""
    try:
        return float(value)
    except ValueError as err:
        raise LayerValueError(str(err), hint=f"norm_type={value!r} is not a number: "
                                             "use e.g. 2 or float('inf').") from None
    except TypeError as err:
        raise LayerTypeError(str(err), hint=f"norm_type={value!r} is not a number: "
                                            "use e.g. 2 or float('inf').") from None


class _LPPoolNd(Layer):
    """torch.nn.modules.pooling._LPPoolNd: stores the arguments as given."""

    family = "lppool"

    def __init__(self, norm_type: Any, kernel_size: Any, stride: Any = None,
                 ceil_mode: Any = False) -> None:
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def output_shape(self, input_shape: Any, **forward_kwargs: Any) -> tuple[int, ...]:
        """The shape of ``forward(torch.zeros(input_shape))`` (torch/nn/functional.py lp_pool*d)."""
        check_forward_kwargs(type(self).__name__, forward_kwargs)
        shape = as_shape(input_shape)
        nd = self.spatial_dims
        norm = _float(self.norm_type)
        if nd > 1:
            parts = ntuple(self.kernel_size, nd)
            if len(parts) != nd:
                # Python's own message for `kw, kh = _pair(kernel_size)`
                msg = (f"not enough values to unpack (expected {nd}, got {len(parts)})"
                       if len(parts) < nd else f"too many values to unpack (expected {nd})")
                raise LayerValueError(msg, hint=(
                    f"kernel_size={self.kernel_size!r} has {len(parts)} values: LPPool{nd}d "
                    f"needs a single int or exactly {nd}."))
        if math.isinf(norm):
            return max_pool(nd, shape, self.kernel_size, self.stride, 0, 1, self.ceil_mode)
        # F.lp_pool*d passes padding and ceil_mode by keyword when stride is None.
        out = avg_pool(nd, shape, self.kernel_size, self.stride, 0, self.ceil_mode,
                       keywords=self.stride is None)
        if nd == 1 and isinstance(self.kernel_size, (list, tuple)):
            # torch/nn/functional.py: lp_pool1d multiplies by kernel_size as given
            raise LayerTypeError(
                "mul(): argument 'other' (position 1) must be Tensor, not "
                f"{type(self.kernel_size).__name__}",
                hint=f"F.lp_pool1d multiplies by kernel_size itself, so it must be a plain "
                     f"int: write kernel_size={self.kernel_size[0]!r}.")
        if norm == 0:
            # torch/nn/functional.py: lp_pool*d, `.pow(1.0 / norm_type)`
            raise LayerZeroDivisionError(
                "float division by zero",
                hint="norm_type=0 makes F.lp_pool take the 1/0-th root: use a non-zero "
                     "norm_type (e.g. 1 or 2).")
        return out

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """A window on each spatial dim (no padding, no dilation)."""
        return pool_axes(len(tuple(in_shape)), self.spatial_dims, self.kernel_size, self.stride,
                         0, 1, self.ceil_mode)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(norm_type={self.norm_type}, "
                f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"ceil_mode={self.ceil_mode})")


class LPPool1d(_LPPoolNd):
    """torch.nn.LPPool1d: ``(N, C, L) -> (N, C, L_out)``, or unbatched ``(C, L)``.

    ``L_out = floor((L - kernel_size) / stride + 1)``; AvgPool1d's messages.

    >>> LPPool1d(2, 4).output_shape((3, 10))
    (3, 2)
    """

    spatial_dims = 1


class LPPool2d(_LPPoolNd):
    """torch.nn.LPPool2d: ``(N, C, H, W) -> (N, C, H_out, W_out)``, or unbatched ``(C, H, W)``.

    ``H_out = floor((H - kernel_size[0]) / stride[0] + 1)``; AvgPool2d's messages.

    >>> LPPool2d(1, (2, 3)).output_shape((1, 2, 8, 9))
    (1, 2, 4, 3)
    """

    spatial_dims = 2


class LPPool3d(_LPPoolNd):
    """torch.nn.LPPool3d: ``(N, C, D, H, W) -> (N, C, D_out, H_out, W_out)``, or unbatched.

    ``D_out = floor((D - kernel_size[0]) / stride[0] + 1)``; AvgPool3d's messages,
    so the input must be at least the kernel in every dim.

    >>> LPPool3d(2, 2, stride=1).output_shape((3, 4, 4, 4))
    (3, 3, 3, 3)
    """

    spatial_dims = 3
