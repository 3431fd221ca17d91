"""torch's Python argument parser for whole signatures, with overloads: emulated once.

torch_args.py covers one int or int-list argument; tensor functions need the rest of
torch/csrc/utils/python_arg_parser.cpp: matching positional and keyword arguments
against each overload (``FunctionSignature::parse``), the var-args int list
(``x.reshape(2, -1)`` is ``x.reshape((2, -1))``), ``PythonArgParser::print_error``
and torch/csrc/utils/invalid_arguments.cpp (``format_invalid_args``, the
"received an invalid combination of arguments" message, printed as it is when
stderr is not a terminal). Signatures are written as torch's generated bindings
write them, so a torch upgrade is a diff of strings. Named-tensor (Dimname)
overloads are left out: torch 2.13 neither lists nor matches them for these calls.

>>> VIEW = [Signature("view(ScalarType dtype)"), Signature("view(SymIntArrayRef size)")]
>>> parse(VIEW, (2, -1), {})
{'size': [2, -1]}
>>> parse(VIEW, (2.0,), {})
Traceback (most recent call last):
  ...
conv_calc.errors.LayerTypeError: view() received an invalid combination of arguments - got (float), but expected one of:
 * (torch.dtype dtype)
      didn't match because some of the arguments have invalid types: (!float!)
 * (tuple of ints size)
      didn't match because some of the arguments have invalid types: (!float!)
<BLANKLINE>

Limits: keyword arguments are listed in the order given, where torch prints them in
its hash-map order (the same for one keyword); ints beyond int64 raise the message
without the C++ backtrace torch appends.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from conv_calc.errors import LayerTypeError
from conv_calc.nn.torch_args import is_index, is_int, tname, unpack_list, unpack_long

__all__ = ["Tensor", "TENSOR", "Signature", "parse"]


class Tensor:
    """Stands for a tensor argument (``torch.flatten(input, ...)``); its type prints as torch's."""

    def __repr__(self) -> str:
        return "Tensor"


TENSOR = Tensor()

_TYPE_NAMES = {"Tensor": "Tensor", "int64_t": "int", "SymInt": "int", "bool": "bool",
               "IntArrayRef": "tuple of ints", "SymIntArrayRef": "tuple of ints",
               "ScalarType": "torch.dtype", "c10::string_view": "str", "Scalar": "Number"}
_LISTS = ("IntArrayRef", "SymIntArrayRef")
#: python_arg_parser.cpp: numpy_compatibility_arg_names
_NUMPY_NAMES = {"dim": ("axis",), "keepdim": ("keepdims",), "input": ("x", "a", "x1"),
                "other": ("x2",)}
_MISSING = object()


class Param:
    """python_arg_parser.cpp: FunctionParameter, parsed from e.g. ``IntArrayRef[1]? dim``."""

    def __init__(self, fmt: str, keyword_only: bool) -> None:
        type_str, name = fmt.split(" ", 1)
        self.allow_none = type_str.endswith("?")
        type_str = type_str.rstrip("?")
        self.size = 0
        if "[" in type_str:
            type_str, size = type_str[:-1].split("[")
            self.size = int(size)
        self.type = type_str
        self.keyword_only = keyword_only
        self.optional = "=" in name
        self.name, _, self.default_str = name.partition("=")
        self.allow_none = self.allow_none or self.default_str == "None"
        self.default = _default(type_str, self.default_str) if self.optional else None

    @property
    def type_name(self) -> str:
        return _TYPE_NAMES[self.type]

    @property
    def is_list(self) -> bool:
        return self.type in _LISTS

    def check(self, obj: Any) -> tuple[bool, int | None]:
        """FunctionParameter::check: (matches, index of the offending list element)."""
        if self.type == "Tensor":
            return isinstance(obj, Tensor), None
        if self.type == "int64_t":
            return is_int(obj), None
        if self.type == "SymInt":
            return is_index(obj), None
        if self.type == "bool":
            return isinstance(obj, bool), None
        if self.type == "c10::string_view":
            return isinstance(obj, str), None
        if self.type == "Scalar":
            return isinstance(obj, (int, float, complex)), None
        if self.is_list:
            if isinstance(obj, (list, tuple)):
                # is_int_or_symint_list: only the first element is looked at here
                ok = not obj or is_index(obj[0])
                return ok, None if ok else 0
            return self.size > 0 and is_int(obj), None
        return False, None  # ScalarType: no dtype object can be written in a stack file


def _default(type_str: str, text: str) -> Any:
    if text == "None":
        return None
    if type_str in _LISTS:
        return [] if text == "{}" else [int(text)]
    if type_str == "bool":
        return text == "True"
    if type_str in ("int64_t", "SymInt"):
        return int(text)
    return text


class Signature:
    """python_arg_parser.cpp: FunctionSignature, from the binding's string.

    >>> s = Signature("mean(IntArrayRef[1]? dim, bool keepdim=False, *, ScalarType? dtype=None)")
    >>> s.name, s.min_args, s.max_args, s.max_pos_args, str(s)
    ('mean', 1, 3, 2, '(tuple of ints dim, bool keepdim = False, *, torch.dtype dtype = None)')
    """

    def __init__(self, fmt: str) -> None:
        self.name, _, rest = fmt.partition("(")
        self.params: list[Param] = []
        keyword_only = False
        for part in filter(None, rest.rstrip(")").split(", ")):
            if part == "*":
                keyword_only = True
            else:
                self.params.append(Param(part, keyword_only))
        self.max_args = len(self.params)
        self.min_args = sum(not p.optional for p in self.params)
        self.max_pos_args = sum(not p.keyword_only for p in self.params)

    def __str__(self) -> str:
        """FunctionSignature::toString, as print_error lists it."""
        parts, kw = [], False
        for p in self.params:
            if p.keyword_only and not kw:
                parts.append("*")
                kw = True
            parts.append(f"{p.type_name} {p.name}" + (f" = {p.default_str}" if p.optional else ""))
        return "(" + ", ".join(parts) + ")"

    def parse(self, args: Sequence[Any], kwargs: dict[str, Any], raise_: bool) -> dict | None:
        """FunctionSignature::parse: the matched arguments by name, None when they do not
        match (or torch's TypeError when ``raise_``)."""
        nargs = len(args)
        varargs = self.max_pos_args == 1 and self.params[0].is_list
        if nargs > self.max_pos_args and not varargs:
            return self._fail(raise_, self._extra_args, nargs)
        out: dict[str, Any] = {}
        pos = 0
        remaining = len(kwargs)
        for i, p in enumerate(self.params):
            is_kwd = False
            if pos < nargs:
                if p.keyword_only:
                    return self._fail(raise_, self._extra_args, nargs)
                obj = args[pos]
            else:
                obj, is_kwd = _MISSING, True
                for key in (p.name, *_NUMPY_NAMES.get(p.name, ())):
                    if key in kwargs:
                        obj = kwargs[key]
                        break
            varargs_eligible = varargs and pos == 0 and not is_kwd
            ok, failed = (False, None) if obj is _MISSING or obj is None else p.check(obj)
            if (obj is _MISSING and p.optional) or (obj is None and p.allow_none):
                out[p.name] = p.default
            elif obj is _MISSING:
                return self._fail(raise_, self._missing, i)
            elif ok:
                out[p.name] = obj
            elif varargs_eligible and is_index(args[0]):
                # x.permute(1, 2, 0) is x.permute((1, 2, 0)): every positional argument
                out[p.name] = list(args)
                pos = nargs
                continue
            elif not raise_:
                return None
            elif varargs_eligible and nargs > 1:
                # torch 2.13 reports a var-args call whose first element is no int as extra args
                self._extra_args(nargs, hint=f"{self.name}(*{p.name}) reads its arguments as "
                                             f"{p.name} only when the first one is an int, and it "
                                             f"is {obj!r}: write every element as an integer.")
            else:
                self._type_error(p, obj, None if is_kwd else pos + 1, failed)
            if not is_kwd:
                pos += 1
            elif obj is not _MISSING:
                remaining -= 1
        if pos < nargs:
            # a list given as a tuple, then more positional arguments: x.permute((2, 0, 1), 1)
            return self._fail(raise_, self._extra_args, nargs)
        if remaining > 0:
            return self._fail(raise_, self._extra_kwargs, kwargs, nargs)
        return out

    @staticmethod
    def _fail(raise_: bool, error: Any, *args: Any) -> None:
        if raise_:
            error(*args)
        return None

    def _extra_args(self, nargs: int, hint: str = "") -> None:
        # python_arg_parser.cpp: extra_args
        lo, hi = self.min_args, self.max_pos_args
        if lo != hi:
            msg = f"{self.name}() takes from {lo} to {hi} positional arguments but {nargs} were given"
        else:
            msg = (f"{self.name}() takes {hi} positional argument{'' if hi == 1 else 's'} "
                   f"but {nargs} {'was' if nargs == 1 else 'were'} given")
        raise LayerTypeError(msg, hint=hint or f"{self.name}{self} takes at most {hi} positional "
                                               f"argument{'' if hi == 1 else 's'}: drop the extra ones.")

    def _missing(self, idx: int) -> None:
        # python_arg_parser.cpp: missing_args (its plural is inverted: "1 ... arguments")
        names = [f'"{p.name}"' for p in self.params[idx:] if not p.optional]
        raise LayerTypeError(
            f"{self.name}() missing {len(names)} required positional argument"
            f"{'s' if len(names) == 1 else ''}: {', '.join(names)}",
            hint=f"{self.name}{self} needs {', '.join(names)}: give a value.")

    def _extra_kwargs(self, kwargs: dict[str, Any], nargs: int) -> None:
        # python_arg_parser.cpp: extra_kwargs
        names = [p.name for p in self.params]
        for key in kwargs:
            if key not in names:
                raise LayerTypeError(
                    f"{self.name}() got an unexpected keyword argument '{key}'",
                    hint=f"{self.name}{self} has no argument '{key}': check the spelling.")
            if names.index(key) < nargs:
                raise LayerTypeError(
                    f"{self.name}() got multiple values for argument '{key}'",
                    hint=f"'{key}' is given both by position and by keyword: give it once.")

    def _type_error(self, p: Param, obj: Any, pos: int | None, failed: int | None) -> None:
        # python_arg_parser.cpp: FunctionSignature::parse (raise_exception)
        where = f"{self.name}(): argument '{p.name}'" + (f" (position {pos})" if pos else "")
        hint = f"{p.name}={obj!r}: {self.name}{self} wants {p.type_name} here."
        if failed is not None and pos:
            raise LayerTypeError(f"{where} must be {p.type_name}, but found element of type "
                                 f"{tname(obj[failed])} at pos {failed}", hint=hint)
        raise LayerTypeError(f"{where} must be {p.type_name}, not {tname(obj)}", hint=hint)


def parse(signatures: Sequence[Signature], args: Sequence[Any], kwargs: dict[str, Any]) -> dict:
    """PythonArgParser::raw_parse then the unpacking of ints: the arguments by name.

    A list argument comes back as a list of ints (bools read as 0/1), an ``int[1]`` given
    as one int as a one-element list.
    """
    args = tuple(args)
    if len(signatures) == 1:
        sig, got = signatures[0], signatures[0].parse(args, kwargs, True)
    else:
        for sig in signatures:
            got = sig.parse(args, kwargs, False)
            if got is not None:
                break
        else:
            _print_error(signatures, args, kwargs)
    return _unpack(sig, got)


def _unpack(sig: Signature, got: dict) -> dict:
    """PythonArgs::intlist / toInt64: elements that are no ints, ints beyond int64."""
    out = {}
    for p in sig.params:
        value = got[p.name]
        if p.is_list and value is not None:
            hint = f"{p.name}={value!r}: every element must be an integer."
            if is_int(value):
                value = [unpack_long(value, hint)] * p.size
            else:
                value = unpack_list(sig.name, p.name, list(value), hint)
        elif p.type in ("int64_t", "SymInt") and value is not None:
            value = unpack_long(value, f"{p.name}={value} is outside torch's 64-bit integer range.")
        out[p.name] = value
    return out


def _print_error(signatures: Sequence[Signature], args: tuple, kwargs: dict[str, Any]) -> None:
    """PythonArgParser::print_error: one plausible overload reports its own error."""
    n = len(args) + len(kwargs)
    plausible = [s for s in signatures if s.min_args <= n <= s.max_args]
    if len(plausible) == 1:
        plausible[0].parse(args, kwargs, True)
    name = signatures[0].name
    options = [str(s) for s in signatures]
    raise LayerTypeError(
        format_invalid_args(args, kwargs, f"{name}()", options),
        hint=f"the arguments match none of torch's signatures for {name}(): "
             f"{'; '.join(name + o for o in options)}.")


# ------------------------------------------------ torch/csrc/utils/invalid_arguments.cpp

def _option(text: str) -> list[tuple[str, str]]:
    """_parseOption: (type, name) per ", "-separated part; "bool keepdim = False" becomes
    the type "bool keepdim =" named "False", a quirk the messages show."""
    out = []
    for arg in text[1:-1].split(", "):
        cut = arg.rfind(" ")
        out.append((arg[:cut] if cut >= 0 else arg, arg[cut + 1:]))
    return out


def _matches(type_name: str, obj: Any) -> bool:
    """_buildType(...)->is_matching: on the Python type's name."""
    accepted = {"float": ("float", "int", "long"), "int": ("int", "long")}
    return tname(obj) in accepted.get(type_name, (type_name,))


def _describe(obj: Any) -> str:
    if isinstance(obj, (list, tuple)):
        inner = ", ".join(tname(v) for v in obj)
        if isinstance(obj, tuple):
            return f"tuple of ({inner}{',' if len(obj) == 1 else ''})"
        return f"list of [{inner}]"
    return tname(obj)


def _arg_desc(args: tuple, kwargs: dict[str, Any]) -> str:
    """_argDesc (a trailing ", " stays when there are keywords only, as in torch)."""
    text = "".join(f"{tname(a)}, " for a in args) + "".join(f"{k}={tname(v)}, " for k, v in kwargs.items())
    return "(" + (text[:-2] if args else text) + ")"


def _formatted_arg_desc(option: list[tuple[str, str]], args: tuple, kwargs: dict[str, Any]) -> str:
    """_formattedArgDesc without colours: a mismatch is written !like this!."""
    text = ""
    for i in range(len(args) + len(kwargs)):
        is_kwarg = i >= len(args)
        obj = kwargs[option[i][1]] if is_kwarg else args[i]
        ok = i < len(option) and _matches(option[i][0], obj)
        body = (f"{option[i][1]}=" if is_kwarg else "") + _describe(obj)
        text += (body if ok else f"!{body}!") + ", "
    return "(" + (text[:-2] if args else text) + ")"


def format_invalid_args(args: tuple, kwargs: dict[str, Any], function_name: str,
                        options: list[str]) -> str:
    """format_invalid_args: the message for arguments that match no overload."""
    msg = f"{function_name} received an invalid combination of arguments - "
    parsed = [_option(o) for o in options]
    if len(options) == 1:
        unmatched = _unmatched_kwargs(parsed[0], kwargs)
        if unmatched:
            return msg + "got unrecognized keyword arguments: " + ", ".join(unmatched)
        desc = (_formatted_arg_desc(parsed[0], args, kwargs)
                if len(parsed[0]) == len(args) + len(kwargs) else _arg_desc(args, kwargs))
        return msg + f"got {desc}, but expected {options[0]}"
    msg += f"got {_arg_desc(args, kwargs)}, but expected one of:\n"
    for text, option in zip(options, parsed):
        msg += f" * {text}\n"
        if len(option) != len(args) + len(kwargs):
            continue
        unmatched = _unmatched_kwargs(option, kwargs)
        if unmatched:
            msg += "      didn't match because some of the keywords were incorrect: " + ", ".join(unmatched) + "\n"
        else:
            msg += ("      didn't match because some of the arguments have invalid types: "
                    + _formatted_arg_desc(option, args, kwargs) + "\n")
    return msg


def _unmatched_kwargs(option: list[tuple[str, str]], kwargs: dict[str, Any]) -> list[str]:
    """_tryMatchKwargs: keywords not named among the option's last len(kwargs) arguments."""
    names = [name for _, name in option[max(len(option) - len(kwargs), 0):]]
    return [k for k in kwargs if k not in names]
