"""The output-size formulas, one spatial dimension at a time.

Pure functions on Python ints; ``//`` floors toward minus infinity exactly as
ATen's ``div_rtn`` does, so negative intermediate values behave as in torch.
No argument checking happens here: the layers in :mod:`conv_calc.nn` check
arguments with torch's messages before they call these.

>>> conv_output_size(224, kernel_size=7, stride=2, padding=3)
112
>>> conv_transpose_output_size(56, kernel_size=4, stride=2, padding=1)
112
>>> pool_output_size(112, kernel_size=3, stride=2, padding=1, ceil_mode=True)
57
"""

from __future__ import annotations

__all__ = [
    "effective_kernel_size",
    "conv_output_size",
    "conv_transpose_output_size",
    "pool_output_size",
    "same_padding",
    "adaptive_pool_bin",
]


def effective_kernel_size(kernel_size: int, dilation: int = 1) -> int:
    """The span of a dilated kernel: ``dilation * (kernel_size - 1) + 1``.

    >>> effective_kernel_size(3, dilation=2)
    5
    """
    return dilation * (kernel_size - 1) + 1


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0,
                     dilation: int = 1, padding_right: int | None = None) -> int:
    """``floor((L + p_left + p_right - dilation*(k-1) - 1) / stride) + 1``.

    torch.nn.Conv*d "Shape:" section, with the symmetric padding ``2p``
    generalised to a left and a right pad (``padding_right`` defaults to
    ``padding``).

    >>> conv_output_size(10, 3)
    8
    >>> conv_output_size(10, 3, stride=2, padding=1, dilation=2)
    4
    """
    right = padding if padding_right is None else padding_right
    return (size + padding + right - effective_kernel_size(kernel_size, dilation)) // stride + 1


def conv_transpose_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0,
                               output_padding: int = 0, dilation: int = 1) -> int:
    """``(L - 1)*stride - 2*padding + dilation*(k - 1) + output_padding + 1``.

    torch.nn.ConvTranspose*d "Shape:" section.

    >>> conv_transpose_output_size(7, 3, stride=2, padding=1, output_padding=1)
    14
    """
    return ((size - 1) * stride - 2 * padding + dilation * (kernel_size - 1)
            + output_padding + 1)


def pool_output_size(size: int, kernel_size: int, stride: int, padding: int = 0,
                     dilation: int = 1, ceil_mode: bool = False) -> int:
    """The pooling output length, ATen ``pooling_output_shape`` (native/Pool.h).

    ``floor_or_ceil((L + 2p - d*(k-1) - 1) / s) + 1``; with ``ceil_mode`` the
    last window is dropped when it would start inside the right padding, i.e.
    when ``(out - 1) * s >= L + p``.

    >>> pool_output_size(5, kernel_size=2, stride=2, padding=1, ceil_mode=True)
    3
    >>> pool_output_size(8, kernel_size=1, stride=3, ceil_mode=True)
    3
    """
    numerator = size + 2 * padding - effective_kernel_size(kernel_size, dilation)
    if ceil_mode:
        numerator += stride - 1
    out = numerator // stride + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    return out


def same_padding(kernel_size: int, dilation: int = 1) -> tuple[int, int]:
    """The (left, right) zero padding of ``padding='same'`` at stride 1.

    The total ``dilation*(k-1)`` is split with the odd element on the right,
    as torch's ``_ConvNd.__init__`` does.

    >>> same_padding(3), same_padding(4), same_padding(3, dilation=2)
    ((1, 1), (1, 2), (2, 2))
    """
    total = dilation * (kernel_size - 1)
    left = total // 2
    return left, total - left


def adaptive_pool_bin(index: int, in_size: int, out_size: int) -> tuple[int, int]:
    """The half-open input range ``[start, end)`` pooled into output ``index``.

    ATen AdaptivePooling.h: ``start = floor(i*L/out)``, ``end = ceil((i+1)*L/out)``.

    >>> [adaptive_pool_bin(i, 10, 4) for i in range(4)]
    [(0, 3), (2, 5), (5, 8), (7, 10)]
    """
    start = (index * in_size) // out_size
    end = -((-(index + 1) * in_size) // out_size)
    return start, end
