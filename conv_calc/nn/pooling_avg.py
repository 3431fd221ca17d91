"""Average pooling: torch.nn.AvgPool1d, AvgPool2d, AvgPool3d.

Shape (torch.nn.AvgPool2d), per spatial dim::

    out = floor((L + 2*padding - kernel_size) / stride + 1)

(``ceil`` with ``ceil_mode=True``, minus one when the last window would start in
the right padding). AvgPool1d runs as AvgPool2d on ``(N, C, 1, L)``, so its
messages show that view; AvgPool3d requires the unpadded input to be at least
the kernel.

>>> AvgPool2d(2).output_shape((1, 3, 9, 9))
(1, 3, 4, 4)
>>> AvgPool1d(3, stride=2, padding=1, ceil_mode=True).output_shape((2, 4, 10))
(2, 4, 6)
"""

from __future__ import annotations

from typing import Any

from conv_calc.nn.base import Layer, as_shape, ntuple
from conv_calc.geometry import Axis
from conv_calc.nn.pooling_args import parse_args, pool_axes
from conv_calc.nn.forward_kwargs import check_forward_kwargs
from conv_calc.nn.pooling_checks import avg_pool2d, avg_pool3d
from conv_calc.nn.pooling_checks1d import avg_pool1d

__all__ = ["AvgPool1d", "AvgPool2d", "AvgPool3d", "avg_pool"]


def avg_pool(nd: int, shape: tuple[int, ...], kernel_size: Any, stride: Any = None,
             padding: Any = 0, ceil_mode: Any = False, count_include_pad: Any = True,
             divisor_override: Any = None, keywords: bool = False) -> tuple[int, ...]:
    """``F.avg_pool{nd}d``: argument parsing, then the ATen kernel (stride None means []).

    ``keywords``: padding and ceil_mode were passed by keyword (``F.lp_pool*d``
    without a stride), which drops "(position N)" from torch's TypeErrors.
    """
    fn = f"avg_pool{nd}d"
    specs = [("kernel_size", 2, kernel_size, "ints", nd),
             ("stride", 3, [] if stride is None else stride, "ints", nd),
             ("padding", None if keywords else 4, padding, "ints", nd),
             ("ceil_mode", None if keywords else 5, ceil_mode, "bool", 0),
             ("count_include_pad", 6, count_include_pad, "bool", 0)]
    if nd > 1:
        specs.append(("divisor_override", 7, divisor_override, "int?", 0))
    k, s, p, ceil, _cip, *divisor = parse_args(fn, specs)
    if nd == 1:
        return avg_pool1d(shape, k, s, p, ceil)
    kernel = avg_pool2d if nd == 2 else avg_pool3d
    return kernel(shape, k, s, p, ceil, divisor[0])


class _AvgPoolNd(Layer):
    """torch.nn.modules.pooling._AvgPoolNd: the shared repr."""

    family = "avgpool"

    def output_shape(self, input_shape: Any, **forward_kwargs: Any) -> tuple[int, ...]:
        """The shape of ``forward(torch.zeros(input_shape))``."""
        check_forward_kwargs(type(self).__name__, forward_kwargs)
        return avg_pool(self.spatial_dims, as_shape(input_shape), self.kernel_size, self.stride,
                        self.padding, self.ceil_mode, self.count_include_pad,
                        getattr(self, "divisor_override", None))

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """A window on each spatial dim."""
        return pool_axes(len(tuple(in_shape)), self.spatial_dims, self.kernel_size, self.stride,
                         self.padding, 1, self.ceil_mode)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding})")


class AvgPool1d(_AvgPoolNd):
    """torch.nn.AvgPool1d: ``(N, C, L) -> (N, C, L_out)``, or unbatched ``(C, L)``.

    ``L_out = floor((L + 2*padding - kernel_size) / stride + 1)``; the arguments
    are stored as 1-tuples (``_single``).

    >>> AvgPool1d(4).output_shape((16, 100))
    (16, 25)
    """

    spatial_dims = 1

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: Any = False, count_include_pad: Any = True) -> None:
        self.kernel_size = ntuple(kernel_size, 1)
        self.stride = ntuple(stride if stride is not None else kernel_size, 1)
        self.padding = ntuple(padding, 1)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad


class AvgPool2d(_AvgPoolNd):
    """torch.nn.AvgPool2d: ``(N, C, H, W) -> (N, C, H_out, W_out)``, or unbatched ``(C, H, W)``.

    ``H_out = floor((H + 2*padding[0] - kernel_size[0]) / stride[0] + 1)``.
    ``divisor_override=0`` is rejected before anything else is looked at, even
    the input's rank; an input with fewer than 3 dims raises IndexError.

    >>> AvgPool2d((2, 3), stride=1).output_shape((5, 6, 7))
    (5, 5, 5)
    """

    spatial_dims = 2

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: Any = False, count_include_pad: Any = True,
                 divisor_override: Any = None) -> None:
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override


class AvgPool3d(_AvgPoolNd):
    """torch.nn.AvgPool3d: ``(N, C, D, H, W) -> (N, C, D_out, H_out, W_out)``, or unbatched.

    Each of D, H, W follows the AvgPool1d formula; the unpadded input must be
    at least the kernel in every dim (``input image ... smaller than kernel size``).

    >>> AvgPool3d(2, stride=1, padding=1).output_shape((1, 1, 4, 4, 4))
    (1, 1, 5, 5, 5)
    """

    spatial_dims = 3

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: Any = False, count_include_pad: Any = True,
                 divisor_override: Any = None) -> None:
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override
