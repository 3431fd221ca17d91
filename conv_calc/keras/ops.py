"""Keras 3's shape arithmetic as pure functions, one axis at a time, integers only.

Mirrors keras/src/ops/operation_utils.py (``compute_conv_output_shape``,
``compute_pooling_output_shape``) and keras/src/backend/common/backend_utils.py
(``_get_output_shape_given_tf_padding``, the transposed-conv padding
conversion). Keras computes with ``np.floor(x / s)``; here ``//`` gives the same
integers for every size below 2**53 and the exact ones beyond.

Per axis (``n`` input size, ``k`` kernel, ``s`` stride, ``d`` dilation,
``k_eff = d * (k - 1) + 1``)::

    valid:   out = (n - k_eff) // s + 1
    same:    out = ceil(n / s) = (n - 1) // s + 1
             total pad = max((out - 1) * s + k_eff - n, 0),
             left = total // 2, right = total - left   (the extra pixel at the end)
    causal:  out = (n - 1) // s + 1, left = k_eff - 1, right = 0   (Conv1D only)
    transposed, output_padding None:   valid (n - 1) * s + max(k_eff, s);  same n * s
    transposed, output_padding op:     valid (n - 1) * s + k_eff + op;
                                       same  (n - 1) * s + k_eff % 2 + op

>>> conv_output_length(7, 3, stride=2, padding="same"), same_padding(7, 3, stride=2)
(4, (1, 1))
>>> same_padding(8, 3, stride=2)
(0, 1)
>>> deconv_output_length(5, 3, stride=2, padding="valid"), deconv_output_length(5, 3, 2, "same", 1)
(11, 10)
"""

from __future__ import annotations

from conv_calc.formulas import effective_kernel_size
from conv_calc.geometry import Axis as AxisGeometry  # noqa: F401 - the name docs/keras.md uses

__all__ = ["AxisGeometry", "torch_int", "conv_output_length", "same_padding", "conv_padding",
           "deconv_output_length", "deconv_padding"]


def torch_int(value: object) -> bool:
    """Whether torch's argument parser takes ``value`` as an element of an int list.

    torch/csrc/utils/python_arg_parser.cpp (``IntArrayRef``): a bool or a float element
    fails with TypeError ("must be tuple of ints"), and so does an int outside int64
    ("failed to unpack the object ... Overflow"). Keras's standardize_tuple lets all of
    those through, so a layer holding one fails only when the torch backend is called.

    >>> torch_int(2), torch_int(True), torch_int(2.0), torch_int(2 ** 63)
    (True, False, False, False)
    """
    return (isinstance(value, int) and not isinstance(value, bool)
            and -2 ** 63 <= value < 2 ** 63)


def conv_output_length(n: int, kernel: int, stride: int = 1, padding: str = "valid",
                       dilation: int = 1) -> int:
    """Output length of a conv or pool axis under Keras's padding rule (see module doc).

    >>> conv_output_length(10, 3), conv_output_length(10, 3, 3, "same"), conv_output_length(1, 4, 1, "causal")
    (8, 4, 1)
    """
    if padding == "valid":
        return (n - effective_kernel_size(kernel, dilation)) // stride + 1
    return (n - 1) // stride + 1


def same_padding(n: int, kernel: int, stride: int = 1, dilation: int = 1) -> tuple[int, int]:
    """The (left, right) zero padding TF/Keras 'same' implies; the odd pixel goes to the end.

    >>> same_padding(224, 7, stride=2), same_padding(5, 1, stride=2)
    ((2, 3), (0, 0))
    """
    out = (n - 1) // stride + 1
    total = max((out - 1) * stride + effective_kernel_size(kernel, dilation) - n, 0)
    return total // 2, total - total // 2


def conv_padding(n: int | None, kernel: int, stride: int, padding: str,
                 dilation: int = 1) -> tuple[int, int] | None:
    """(left, right) padding for 'valid' / 'same' / 'causal'; None when 'same' meets an unknown size."""
    if padding == "valid":
        return 0, 0
    if padding == "causal":
        return effective_kernel_size(kernel, dilation) - 1, 0
    if n is None:
        return None
    return same_padding(n, kernel, stride, dilation)


def deconv_output_length(n: int | None, kernel: int, stride: int, padding: str,
                         output_padding: int | None = None, dilation: int = 1) -> int | None:
    """keras/src/backend/common/backend_utils.py: _get_output_shape_given_tf_padding.

    >>> deconv_output_length(4, 1, 3, "valid"), deconv_output_length(4, 4, 2, "same")
    (12, 8)
    """
    if n is None:
        return None
    k = effective_kernel_size(kernel, dilation)
    if padding == "valid":
        op = max(k, stride) - k if output_padding is None else output_padding
        return (n - 1) * stride + k + op
    if output_padding is None:
        return n * stride
    return (n - 1) * stride + k % 2 + output_padding


def deconv_padding(kernel: int, stride: int, padding: str, output_padding: int | None = None,
                   dilation: int = 1) -> tuple[int, int]:
    """(crop_left, crop_right) from the full ``(n - 1) * s + k_eff`` transposed output.

    backend_utils.py: _convert_conv_transpose_padding_args_from_keras_to_jax gives
    the pads of the equivalent dilated conv; the crops are ``k_eff - 1 - pad``.

    >>> deconv_padding(3, 2, "same"), deconv_padding(4, 2, "same"), deconv_padding(3, 2, "valid")
    ((0, 1), (1, 1), (0, 0))
    """
    k = effective_kernel_size(kernel, dilation)
    if padding == "valid":
        op = max(k, stride) - k if output_padding is None else output_padding
        left, right = k - 1, k - 1 + op
    else:
        pad_len = stride + k - 2 if output_padding is None else k + k % 2 - 2 + output_padding
        left = min(pad_len // 2 + pad_len % 2, k - 1)
        right = pad_len - left
    return k - 1 - left, k - 1 - right
