"""Max pooling: torch.nn.MaxPool1d, MaxPool2d, MaxPool3d, and ``F.max_pool*d``'s dispatch.

Shape (torch.nn.MaxPool2d), per spatial dim::

    out = floor((L + 2*padding - dilation*(kernel_size - 1) - 1) / stride + 1)

(``ceil`` with ``ceil_mode=True``, minus one when the last window would start in
the right padding).

>>> MaxPool2d(3, stride=2, padding=1).output_shape((1, 64, 112, 112))
(1, 64, 56, 56)
>>> MaxPool1d(2, stride=2, padding=1, ceil_mode=True).output_shape((4, 5))
(4, 3)
"""

from __future__ import annotations

from typing import Any

from conv_calc.nn.base import Layer, as_shape
from conv_calc.geometry import Axis
from conv_calc.nn.pooling_args import parse_args, pool_axes
from conv_calc.nn.forward_kwargs import check_forward_kwargs
from conv_calc.nn.pooling_checks import max_pool2d_with_indices, max_pool3d_with_indices
from conv_calc.nn.pooling_checks1d import max_pool1d, max_pool1d_with_indices

__all__ = ["MaxPool1d", "MaxPool2d", "MaxPool3d", "max_pool"]


def max_pool(nd: int, shape: tuple[int, ...], kernel_size: Any, stride: Any, padding: Any,
             dilation: Any, ceil_mode: Any, return_indices: Any = False) -> tuple[int, ...]:
    """``F.max_pool{nd}d``: argument parsing, then the ATen kernel it dispatches to.

    ``return_indices`` picks the ``*_with_indices`` function as torch's
    ``boolean_dispatch`` does (any truthy value), which for 1d is another kernel.
    """
    fn = f"max_pool{nd}d" + ("_with_indices" if return_indices else "")
    if stride is None:  # torch/nn/functional.py: _max_pool{nd}d, stride None -> []
        stride = []
    k, s, p, d, ceil = parse_args(fn, [
        ("kernel_size", 2, kernel_size, "ints", nd), ("stride", 3, stride, "ints", nd),
        ("padding", 4, padding, "ints", nd), ("dilation", 5, dilation, "ints", nd),
        ("ceil_mode", 6, ceil_mode, "bool", 0)])
    if nd == 1:
        kernel = max_pool1d_with_indices if return_indices else max_pool1d
    else:
        kernel = max_pool2d_with_indices if nd == 2 else max_pool3d_with_indices
    return kernel(shape, k, s, p, d, ceil)


class _MaxPoolNd(Layer):
    """torch.nn.modules.pooling._MaxPoolNd: stores the arguments as given."""

    family = "maxpool"

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 dilation: Any = 1, return_indices: Any = False, ceil_mode: Any = False) -> None:
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def output_shape(self, input_shape: Any, **forward_kwargs: Any) -> tuple[int, ...]:
        """The values' shape (the indices, with ``return_indices=True``, have the same)."""
        check_forward_kwargs(type(self).__name__, forward_kwargs)
        return max_pool(self.spatial_dims, as_shape(input_shape), self.kernel_size, self.stride,
                        self.padding, self.dilation, self.ceil_mode, self.return_indices)

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """A window on each spatial dim."""
        return pool_axes(len(tuple(in_shape)), self.spatial_dims, self.kernel_size, self.stride,
                         self.padding, self.dilation, self.ceil_mode)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}, "
                f"ceil_mode={self.ceil_mode})")


class MaxPool1d(_MaxPoolNd):
    """torch.nn.MaxPool1d: ``(N, C, L) -> (N, C, L_out)``, or unbatched ``(C, L)``.

    ``L_out = floor((L + 2*padding - dilation*(kernel_size-1) - 1) / stride + 1)``.
    Without ``return_indices`` torch runs its own 1d kernel (``max_pool1d() ...``
    messages, padding limited to kernel_size/2); with it, the 2d kernel on
    ``(N, C, 1, L)``, whose messages show that 4-d view.

    >>> MaxPool1d(3, stride=2).output_shape((8, 16, 50))
    (8, 16, 24)

    Raises RuntimeError and TypeError as torch does (see pooling_checks).
    """

    spatial_dims = 1


class MaxPool2d(_MaxPoolNd):
    """torch.nn.MaxPool2d: ``(N, C, H, W) -> (N, C, H_out, W_out)``, or unbatched ``(C, H, W)``.

    ``H_out = floor((H + 2*padding[0] - dilation[0]*(kernel_size[0]-1) - 1) / stride[0] + 1)``.
    The padding must be at most half of the effective (dilated) kernel and, in
    the CPU kernel, at most half of the kernel itself.

    >>> MaxPool2d(2).output_shape((3, 7, 7))
    (3, 3, 3)
    """

    spatial_dims = 2


class MaxPool3d(_MaxPoolNd):
    """torch.nn.MaxPool3d: ``(N, C, D, H, W) -> (N, C, D_out, H_out, W_out)``, or unbatched.

    Each of D, H, W follows the MaxPool1d formula with its own kernel, stride,
    padding and dilation.

    >>> MaxPool3d((1, 2, 2)).output_shape((1, 4, 8, 16, 16))
    (1, 4, 8, 8, 8)
    """

    spatial_dims = 3
