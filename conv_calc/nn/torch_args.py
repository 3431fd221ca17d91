"""torch's Python argument parser for int and int-list arguments, emulated once.

Mirrors torch/csrc/utils/python_arg_parser.cpp (``FunctionParameter::check``,
``PythonArgs::intlist`` / ``symintlist``) and torch/csrc/utils/python_numbers.h
(``THPUtils_unpackLong``). A generated binding such as ``max_pool2d`` or ``empty``
treats an ``int[]`` argument in two passes:

1. *check* (argument by argument, while matching the signature): an int is fine
   (repeated), a list/tuple is fine when its *first* element is an int (not a
   bool); anything else is refused with "must be tuple of ints, ...";
2. *unpack* (when the binding reads the list): every element must be an int
   (a bool passes as 0/1) that fits in int64; positions are 1-based.

A plain int beyond int64 fails in ``THPUtils_unpackLong`` with a ValueError.
Which arguments are unpacked in which order, and what each family's hint says,
stays with the caller.

>>> parse_int_list("empty", "size", 1, [3, True], hint="sizes must be ints")
[3, 1]
>>> parse_int_list("pad", "pad", 2, [1, 2**64], hint="use ints")
Traceback (most recent call last):
  ...
conv_calc.errors.LayerTypeError: pad(): argument 'pad' failed to unpack the object at pos 2 with error "Overflow when unpacking long long
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conv_calc.errors import LayerTypeError, LayerValueError

__all__: list[str] = []

INT64_MIN, INT64_MAX = -2**63, 2**63 - 1


def tname(value: Any) -> str:
    """The type name torch's messages print (``type(value).__name__``)."""
    return type(value).__name__


def is_int(value: Any) -> bool:
    """An int that is not a bool: what the parser's *check* pass accepts."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_index(value: Any) -> bool:
    """python_arg_parser.cpp is_int_or_symint: a non-bool with ``__index__`` (the SymInt lists)."""
    return not isinstance(value, bool) and hasattr(type(value), "__index__")


def fits_int64(value: int) -> bool:
    return INT64_MIN <= value <= INT64_MAX


def where(fn: str, name: str, pos: int | None) -> str:
    """``fn(): argument 'name' (position pos)``; a keyword argument is named without position."""
    return f"{fn}(): argument '{name}'" + (f" (position {pos})" if pos else "")


def type_error(fn: str, name: str, pos: int | None, value: Any, expected: str,
               hint: str) -> LayerTypeError:
    """python_arg_parser.cpp: FunctionParameter::check -- ``must be <expected>, not <type>``."""
    return LayerTypeError(f"{where(fn, name, pos)} must be {expected}, not {tname(value)}",
                          hint=hint)


def check_list_head(fn: str, name: str, pos: int | None, value: Any, hint: str,
                    accept: Callable[[Any], bool] = is_int) -> None:
    """The check pass on a list: only its first element is looked at (``accept``:
    ``is_int``, or ``is_index`` for the SymInt lists of conv_transpose)."""
    if len(value) and not accept(value[0]):
        # torch/csrc/utils/python_arg_parser.cpp: FunctionParameter::check (is_int_or_symint_list)
        raise LayerTypeError(
            f"{where(fn, name, pos)} must be tuple of ints, but found element of type "
            f"{tname(value[0])} at pos 0", hint=hint)


def unpack_error(fn: str, name: str, pos1: int, value: Any, hint: str) -> LayerTypeError:
    """PythonArgs::intlist: element ``pos1`` (1-based) is not an int."""
    return LayerTypeError(
        f"{fn}(): argument '{name}' failed to unpack the object at pos {pos1} with error "
        f"\"type must be tuple of ints,but got {tname(value)}\"", hint=hint)


def overflow_error(fn: str, name: str, pos1: int, hint: str) -> LayerTypeError:
    """PythonArgs::intlist -> THPUtils_unpackLong: element ``pos1`` beyond int64.

    torch appends a C++ backtrace ("Exception raised from THPUtils_unpackLong at ...") and a
    closing quote to this message; the backtrace holds memory addresses, so we leave it out.
    """
    return LayerTypeError(
        f"{fn}(): argument '{name}' failed to unpack the object at pos {pos1} with error "
        "\"Overflow when unpacking long long", hint=hint)


def unpack_list(fn: str, name: str, value: Any, hint: str | Callable[[int, Any], str],
                accept: Callable[[Any], bool] = lambda v: isinstance(v, int),
                start: int = 0) -> list[int]:
    """The unpack pass: each element from ``start`` must be an int (bools pass) within int64.

    ``hint`` is a string or ``hint(index, element)``.
    """
    for i, v in enumerate(value[start:], start=start):
        if not accept(v):
            # torch/csrc/utils/python_arg_parser.cpp: PythonArgs::intlist (unpacking)
            raise unpack_error(fn, name, i + 1, v, hint(i, v) if callable(hint) else hint)
        if not fits_int64(v):
            # torch/csrc/utils/python_numbers.h: THPUtils_unpackLong
            raise overflow_error(fn, name, i + 1, hint(i, v) if callable(hint) else hint)
    return [int(v) for v in value]


def parse_int_list(fn: str, name: str, pos: int | None, value: Any, hint: str) -> list[int]:
    """Both passes on one list argument: the head check, then every element unpacked."""
    check_list_head(fn, name, pos, value, hint)
    return unpack_list(fn, name, value, hint)


def unpack_long(value: int, hint: str) -> int:
    """THPUtils_unpackLong on a plain int: beyond int64 is a ValueError."""
    if not fits_int64(value):
        # torch/csrc/utils/python_numbers.h: THPUtils_unpackLong
        raise LayerValueError("Overflow when unpacking long long", hint=hint)
    return value


def check_int_arg(fn: str, name: str, pos: int, value: Any) -> None:
    """An ``int`` argument: bools and non-ints are refused by the check pass."""
    if not is_int(value):
        # torch/csrc/utils/python_arg_parser.cpp: FunctionSignature::parse
        raise type_error(fn, name, pos, value, "int",
                         hint=f"{name} must be a plain integer, got {value!r}.")


def check_int64(value: int, name: str) -> None:
    """An ``int`` argument beyond int64 (:func:`unpack_long` with a hint naming ``name``)."""
    unpack_long(value, hint=f"{name}={value} is outside torch's 64-bit integer range.")


def parse_int_array(fn: str, name: str, pos: int | None, value: Any, n: int,
                    hint: str) -> list[int]:
    """An ``int[n]`` argument on its own: an int repeated ``n`` times, or a list parsed
    by :func:`parse_int_list`; anything else fails the check pass."""
    if is_int(value):
        return [unpack_long(value, hint)] * n
    if not isinstance(value, (list, tuple)):
        # torch/csrc/utils/python_arg_parser.cpp: FunctionParameter::check (INT_LIST)
        raise type_error(fn, name, pos, value, "tuple of ints", hint)
    return parse_int_list(fn, name, pos, value, hint)


def no_overload_error(fn: str, name: str, value: Any, hint: str) -> LayerTypeError:
    """A Tensor method with a ``(Tensor name)`` and a ``(Number name)`` overload given neither
    (``Tensor.fill_``, ``Tensor.pow``): python_arg_parser.cpp's "invalid combination" report,
    which describes a list or tuple by its elements' types.

    >>> print(no_overload_error("pow", "exponent", (1,), hint=""))
    pow() received an invalid combination of arguments - got (tuple), but expected one of:
     * (Tensor exponent)
          didn't match because some of the arguments have invalid types: (!tuple of (int,)!)
     * (Number exponent)
          didn't match because some of the arguments have invalid types: (!tuple of (int,)!)
    <BLANKLINE>
    """
    # torch/csrc/utils/python_arg_parser.cpp: FunctionSignature::toString / _formattedArgDesc
    if isinstance(value, list):
        desc = f"list of [{', '.join(tname(v) for v in value)}]"
    elif isinstance(value, tuple):
        desc = f"tuple of ({', '.join(tname(v) for v in value)}{',' if len(value) == 1 else ''})"
    else:
        desc = tname(value)
    why = f"      didn't match because some of the arguments have invalid types: (!{desc}!)\n"
    return LayerTypeError(
        f"{fn}() received an invalid combination of arguments - got ({tname(value)}), but "
        f"expected one of:\n * (Tensor {name})\n{why} * (Number {name})\n{why}", hint=hint)


def check_float_arg(fn: str, name: str, pos: int, value: Any) -> None:
    """A ``double`` argument: ints and bools pass, anything else fails the check pass."""
    if not isinstance(value, (int, float)):
        # torch/csrc/utils/python_arg_parser.cpp: FunctionSignature::parse
        raise type_error(fn, name, pos, value, "float", hint=f"{name}={value!r}: it must be a number.")
