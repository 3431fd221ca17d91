"""How torch's Python argument parser treats the arguments of the pooling functions.

``F.max_pool2d`` and friends hand their arguments to C++ through torch's
generated bindings (torch/csrc/utils/python_arg_parser.cpp). That layer decides
which wrong *types* are rejected, and with which ``TypeError``:

- in a first pass, argument by argument in order: an ``int[N]`` accepts an int
  (repeated N times) or a list/tuple whose *first* element is an int (not a
  bool); a ``bool`` accepts only a bool; an ``int?`` accepts None or an int;
- then, when the binding reads the lists (C++ evaluates the call's arguments
  right to left), any later element that is not an int or a bool fails, the
  *last* such argument first.

>>> parse_args("max_pool2d", [("kernel_size", 2, [3, True], "ints", 2),
...                           ("ceil_mode", 6, False, "bool", 0)])
[(3, 1), False]
>>> try:
...     parse_args("avg_pool2d", [("kernel_size", 2, 2.5, "ints", 2)])
... except TypeError as err:
...     print(err)
avg_pool2d(): argument 'kernel_size' (position 2) must be tuple of ints, not float
"""

from __future__ import annotations

from typing import Any

from conv_calc.errors import LayerRuntimeError
from conv_calc.geometry import Axis, windows
from conv_calc.nn.base import per_axis
from conv_calc.nn.torch_args import (
    check_list_head, is_int, tname, type_error, unpack_list, unpack_long)

__all__ = ["parse_args", "cdiv", "div_rtn", "downcast_int", "wrap_int32", "INT32_MAX"]

INT32_MAX = 2**31 - 1


def cdiv(a: int, b: int) -> int:
    """C++ integer division (truncates toward zero), as ATen's ``a / b`` on int64.

    >>> cdiv(-1, 2), cdiv(7, 2)
    (0, 3)
    """
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def div_rtn(x: int, y: int) -> int:
    """aten/src/ATen/div_rtn.h: ``x / y`` rounded toward minus infinity, for int64 operands,
    but with the quotient and the remainder held in C++ ``int`` (32 bits, wrapping).

    That is why a block count of ``2**32 + 5`` passes torch's checks as 5, and why the
    remainder's low 32 bits, not its sign, decide the rounding.

    >>> div_rtn(-7, 2), div_rtn(2**32 + 5, 1), div_rtn(-2**63 + 1, 2**62)
    (-4, 5, -1)
    """
    def as_int(v: int) -> int:
        return (v + 2**31) % 2**32 - 2**31

    q = as_int(cdiv(x, y))
    r = as_int(x - cdiv(x, y) * y)
    if r != 0 and (r < 0) != (y < 0):
        q = as_int(q - 1)
    return q


def wrap_int32(value: int) -> int:
    """An output size as torch 2.13's CPU pooling reports it: wrapped to a 32-bit int.

    Observed, not read from the source: a size beyond int32 wraps around
    (2**31 + 5 -> -2147483643, 2**32 + 5 -> 5), except that a value that wraps
    to exactly -2**31 comes out as +2**31.

    >>> wrap_int32(2**31 + 5), wrap_int32(2**32 + 5), wrap_int32(2**31), wrap_int32(-3)
    (-2147483643, 5, 2147483648, -3)
    """
    wrapped = (value + 2**31) % 2**32 - 2**31
    return 2**31 if wrapped == -2**31 else wrapped


def downcast_int(values: tuple[int, ...], fn: str) -> None:
    """ATen's ``safe_downcast<int, int64_t>``: the 2d/3d pool kernels use 32-bit ints."""
    for v in values:
        if not -INT32_MAX - 1 <= v <= INT32_MAX:
            # c10/util/TypeCast.h: checked_convert (via safe_downcast in native/Pool.h)
            raise LayerRuntimeError(
                "value cannot be converted to type int without overflow",
                hint=f"{fn} stores kernel size, stride, padding and dilation as 32-bit ints; "
                     f"{v} does not fit: use values below 2**31.")


def parse_args(fn: str, specs: list[tuple[str, int, Any, str, int]]) -> list[Any]:
    """Check ``(name, position, value, kind, size)`` specs as torch's binding of ``fn`` does.

    ``position`` is None for an argument the caller passed by keyword.
    ``kind`` is ``"ints"`` (an ``int[size]``), ``"bool"`` or ``"int?"``. Returns
    the values as C++ sees them: int lists as tuples of ints (bools become 0/1).

    Raises LayerTypeError with torch's message (and LayerValueError for an int
    beyond int64).
    """
    # torch/csrc/utils/python_arg_parser.cpp: FunctionParameter::check, first pass
    for name, pos, value, kind, _size in specs:
        if kind == "ints":
            if isinstance(value, (list, tuple)):
                check_list_head(fn, name, pos, value,
                                hint=f"{name}={value!r}: torch accepts only whole numbers here; "
                                     f"write {name} as ints.")
            elif not is_int(value):
                raise type_error(fn, name, pos, value, "tuple of ints",
                                 hint=f"{name}={value!r} is a {tname(value)}: torch wants an int "
                                      f"or a tuple of ints here.")
        elif kind == "bool":
            if not isinstance(value, bool):
                raise type_error(fn, name, pos, value, "bool",
                                 hint=f"{name}={value!r}: torch accepts only True or False here.")
        elif kind == "int?":
            if value is not None and not is_int(value):
                raise type_error(fn, name, pos, value, "int",
                                 hint=f"{name}={value!r}: use a whole number or None.")
    # The generated binding reads its arguments right to left (C++ argument evaluation):
    # a list element fails with the parser's TypeError, a plain int beyond int64 with
    # THPUtils_unpackLong's ValueError (divisor_override=2**63, kernel_size=2**64).
    out: list[Any] = []
    for name, _pos, value, kind, size in reversed(specs):
        if kind == "ints" and isinstance(value, (list, tuple)):
            out.append(tuple(unpack_list(
                fn, name, value, hint=lambda i, item, name=name, value=value:
                f"{name}={value!r}: element {i} is {item!r}; torch accepts only ints within "
                "64 bits here.")))
        elif kind == "ints":
            out.append((unpack_long(value, hint=f"{name} is {value}, beyond a 64-bit integer."),)
                       * size)
        elif kind == "int?" and value is not None:
            out.append(unpack_long(value, hint=f"{name} is {value}, beyond a 64-bit integer."))
        else:
            out.append(value)
    return out[::-1]


def pool_axes(rank: int, nd: int, kernel_size: Any, stride: Any, padding: Any = 0,
              dilation: Any = 1, ceil_mode: Any = False) -> tuple[Axis, ...]:
    """A pool's window on each of the last ``nd`` of ``rank`` dims (no stride: the kernel's).

    >>> pool_axes(3, 1, 3, None, 1)[-1]
    Axis(kernel=3, stride=3, dilation=1, pad_left=1, pad_right=1, transposed=False)
    """
    k = per_axis(kernel_size, nd)
    s = per_axis(stride or kernel_size, nd)  # F.*_pool*d: `if not stride: stride = kernel_size`
    p, d = per_axis(padding, nd), per_axis(dilation, nd)
    return windows(rank, -nd, k, s, d, p, p, ceil_mode=bool(ceil_mode))
