"""ONNX ``auto_pad`` (NOTSET, SAME_UPPER, SAME_LOWER, VALID) as per-axis pads, integers only.

From the ONNX operator spec (Conv, MaxPool, AveragePool; onnx/docs/Operators.md):

    "auto_pad must be either NOTSET, SAME_UPPER, SAME_LOWER or VALID. Where
    default value is NOTSET, which means explicit padding is used. SAME_UPPER or
    SAME_LOWER mean pad the input so that
    `output_shape[i] = ceil(input_shape[i] / strides[i])` for each axis `i`. The
    padding is split between the two sides equally or almost equally (depending
    on whether it is even or odd). In case the padding is an odd number, the
    extra padding is added at the end for SAME_UPPER and at the beginning for
    SAME_LOWER."

    VALID: output_spatial_shape[i] = ceil((input_spatial_shape[i]
           - ((kernel_spatial_shape[i] - 1) * dilations[i] + 1) + 1) / strides_spatial_shape[i])
    SAME:  pad_shape[i] = (output_spatial_shape[i] - 1) * strides_spatial_shape[i]
           + ((kernel_spatial_shape[i] - 1) * dilations[i] + 1) - input_spatial_shape[i]

The total pad is clamped at 0 (as onnx's reference implementation and every
runtime do: a kernel smaller than the stride never gets negative padding).
SAME_UPPER is TF/Keras 'same'.

>>> auto_pad_axis("SAME_UPPER", 224, 7, stride=2), auto_pad_axis("SAME_LOWER", 224, 7, stride=2)
((2, 3), (3, 2))
>>> auto_pad_output_size("VALID", 224, 7, stride=2), auto_pad_output_size("SAME_UPPER", 224, 7, 2)
(109, 112)
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["AUTO_PAD", "auto_pad_axis", "auto_pad", "auto_pad_output_size"]

AUTO_PAD = ("NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID")


def _check(mode: str, stride: int, kernel: int, dilation: int) -> None:
    if mode not in AUTO_PAD:
        raise ValueError(f"auto_pad must be one of {', '.join(AUTO_PAD)}; got {mode!r}")
    if mode == "NOTSET":
        raise ValueError("auto_pad NOTSET means explicit pads: give 'pads' instead")
    if stride < 1 or kernel < 1 or dilation < 1:
        raise ValueError(f"stride, kernel and dilation must be >= 1; got stride={stride}, "
                         f"kernel={kernel}, dilation={dilation}")


def auto_pad_output_size(mode: str, size: int, kernel: int, stride: int = 1,
                         dilation: int = 1) -> int:
    """The output length under ``mode``: ceil(n / s) for SAME_*, the VALID formula otherwise.

    >>> auto_pad_output_size("VALID", 5, 3, 2), auto_pad_output_size("SAME_LOWER", 5, 3, 2)
    (2, 3)
    """
    _check(mode, stride, kernel, dilation)
    if mode == "VALID":
        span = (kernel - 1) * dilation + 1
        return -((-(size - span + 1)) // stride)  # ceil, integers only
    return -((-size) // stride)


def auto_pad_axis(mode: str, size: int, kernel: int, stride: int = 1,
                  dilation: int = 1) -> tuple[int, int]:
    """(begin, end) pads of one axis; SAME_LOWER puts the odd pixel at the beginning.

    >>> auto_pad_axis("SAME_UPPER", 5, 2), auto_pad_axis("SAME_LOWER", 5, 2), auto_pad_axis("VALID", 5, 2)
    ((0, 1), (1, 0), (0, 0))
    """
    _check(mode, stride, kernel, dilation)
    if mode == "VALID":
        return 0, 0
    out = -((-size) // stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    small, big = total // 2, total - total // 2
    return (small, big) if mode == "SAME_UPPER" else (big, small)


def auto_pad(mode: str, sizes: Sequence[int], kernel: Sequence[int],
             strides: Sequence[int] | None = None,
             dilations: Sequence[int] | None = None) -> tuple[int, ...]:
    """ONNX ``pads`` for every spatial axis: ``(x1_begin, x2_begin, ..., x1_end, x2_end, ...)``.

    >>> auto_pad("SAME_LOWER", (5, 6), (2, 3), strides=(1, 2))
    (1, 1, 0, 0)
    """
    n = len(sizes)
    strides = tuple(strides) if strides is not None else (1,) * n
    dilations = tuple(dilations) if dilations is not None else (1,) * n
    pairs = [auto_pad_axis(mode, sizes[i], kernel[i], strides[i], dilations[i]) for i in range(n)]
    return tuple(p[0] for p in pairs) + tuple(p[1] for p in pairs)
