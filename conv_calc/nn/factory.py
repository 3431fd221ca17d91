"""torch's size parsing for the parameter factories (``torch.empty`` / ``torch.zeros``).

Linear, the norms and PReLU build their parameters with ``torch.empty(size)``, so
what a bad size raises is the Python argument parser's or the allocator's error.
Split off from norm.py so that reshape.py and activation.py share it.

>>> parse_size("empty", [3, True], "num_parameters")
[3, 1]
"""

from __future__ import annotations

from typing import Any

from conv_calc.errors import LayerRuntimeError, LayerTypeError, LayerValueError

__all__: list[str] = []

INT64_MIN, INT64_MAX = -2**63, 2**63 - 1


def _tname(value: Any) -> str:
    return type(value).__name__


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def overflow_error(func: str, pos: int, name: str, value: Any, arg: str = "size") -> LayerTypeError:
    """torch/csrc/utils/python_arg_parser.cpp: an int-list element beyond int64.

    torch appends a C++ backtrace ("Exception raised from THPUtils_unpackLong at ...") and a
    closing quote to this message; the backtrace holds memory addresses, so we leave it out.
    """
    return LayerTypeError(
        f"{func}(): argument '{arg}' failed to unpack the object at pos {pos} with error "
        "\"Overflow when unpacking long long",
        hint=f"{name}={value} is outside torch's 64-bit integer range: use a realistic size.")


def check_int64(value: int, name: str) -> None:
    """An ``int`` argument beyond int64 (torch/csrc/utils/python_numbers.h: THPUtils_unpackLong)."""
    if not INT64_MIN <= value <= INT64_MAX:
        raise LayerValueError("Overflow when unpacking long long",
                              hint=f"{name}={value} is outside torch's 64-bit integer range.")


def parse_int_list(func: str, arg: str, size: list | tuple, name: str) -> list[int]:
    """torch's Python argument parser for an int list argument (position 1 or 2 is named
    by the caller's message; only the first element's type is checked up front)."""
    pos_text = "(position 1)" if arg == "size" else "(position 2)"
    if size and not _is_int(size[0]):
        # torch/csrc/utils/python_arg_parser.cpp: is_int_or_symint_list checks item 0
        raise LayerTypeError(
            f"{func}(): argument '{arg}' {pos_text} must be tuple of ints, but found element of "
            f"type {_tname(size[0])} at pos 0",
            hint=f"{name}={size!r}: every size must be an integer.")
    sizes = []
    for i, v in enumerate(size):
        if not isinstance(v, int):
            # torch/csrc/utils/python_arg_parser.cpp: PythonArgs::intlist unpacks each element
            raise LayerTypeError(
                f"{func}(): argument '{arg}' failed to unpack the object at pos {i + 1} with error "
                f"\"type must be tuple of ints,but got {_tname(v)}\"",
                hint=f"{name}={size!r}: every size must be an integer.")
        if not INT64_MIN <= v <= INT64_MAX:
            raise overflow_error(func, i + 1, name, v, arg)
        sizes.append(int(v))
    return sizes


def parse_size(func: str, size: Any, name: str, *, negative: str = "empty") -> list[int]:
    """What ``torch.<func>(size)`` raises for a size that is an int or a list of ints.

    Order: the parser (type of the first element, then each element unpacked), then the
    factory's sign check, then the storage-size overflow check. ``negative`` picks the sign
    message: ``empty`` names the sizes, ``zeros`` (one int) has its own wording.
    """
    if isinstance(size, (list, tuple)):
        sizes = parse_int_list(func, "size", size, name)
    else:
        if not _is_int(size):
            # torch/csrc/utils/python_arg_parser.cpp: FunctionSignature::parse
            raise LayerTypeError(f"{func}(): argument 'size' (position 1) must be tuple of ints, not {_tname(size)}",
                                 hint=f"{name}={size!r}: it must be an integer >= 0.")
        if not INT64_MIN <= size <= INT64_MAX:
            raise overflow_error(func, 1, name, size)
        sizes = [size]
    for v in sizes:
        if v < 0:
            if negative == "zeros":
                # aten/src/ATen/native/TensorFactories.cpp: zeros (symint path)
                raise LayerRuntimeError("zeros: Dimension size must be non-negative.",
                                        hint=f"{name}={v} is negative: use a count >= 0.")
            # aten/src/ATen/EmptyTensor.cpp: check_size_nonnegative
            raise LayerRuntimeError(
                f"Trying to create tensor with negative dimension {v}: [{', '.join(map(str, sizes))}]",
                hint=f"{name} has a negative size {v}: sizes must be >= 0.")
    check_storage(sizes, name)
    return sizes


def check_storage(sizes: list[int], name: str, itemsize: int = 4) -> None:
    """aten/src/ATen/EmptyTensor.cpp: computeStorageNbytesContiguous (uint64 maths, overflow
    sticky even when a later size is 0; the limit is int64's maximum)."""
    prod, overflow = 1, False
    for v in sizes:
        prod *= v
        if prod >= 2**64:
            overflow = True
            prod %= 2**64
    nbytes = prod * itemsize
    if overflow or nbytes > INT64_MAX:
        raise LayerRuntimeError(
            f"Storage size calculation overflowed with sizes=[{', '.join(map(str, sizes))}]",
            hint=f"{name} asks for a float32 tensor of more than 2**63 bytes: use realistic sizes.")
