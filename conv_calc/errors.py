"""Every exception conv-calc raises.

A layer that torch would reject raises an exception that is an instance of the
same builtin class torch raises (``ValueError``, ``RuntimeError``, ...), whose
``str()`` is torch's message character for character, and which also carries a
plain-language ``hint``.

>>> err = LayerRuntimeError("negative padding is not supported",
...                         hint="padding=-1 is below 0: use padding >= 0.")
>>> isinstance(err, RuntimeError), str(err)
(True, 'negative padding is not supported')
>>> err.hint
'padding=-1 is below 0: use padding >= 0.'
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any, ClassVar

__all__ = [
    "ConvCalcError",
    "InputError",
    "InvalidShapeError",
    "StackDefinitionError",
    "StackFileError",
    "ConfigError",
    "SolveError",
    "ExportError",
    "ShapeError",
    "CtorError",
    "MergeRuntimeError",
    "MergeIndexError",
    "hint_of",
    "LayerError",
    "LayerValueError",
    "LayerRuntimeError",
    "LayerTypeError",
    "LayerIndexError",
    "LayerNotImplementedError",
    "LayerOverflowError",
    "LayerAssertionError",
    "LayerZeroDivisionError",
    "BACKEND_NOTE",
    "LayerMeta",
    "hint_of",
]

#: Appended to the hint of errors whose wording (or whether torch raises at all)
#: depends on torch's CPU backend; DESIGN.md section 1: we give the reference
#: kernels' answer.
BACKEND_NOTE = (
    "torch's wording here depends on the CPU backend (oneDNN or the reference "
    "kernels) and thread count; this is the reference kernels' message."
)


class ConvCalcError(Exception):
    """Base of all conv-calc errors: a message plus a ``hint``."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class LayerError(ConvCalcError):
    """An error torch would raise for a layer: at construction or in forward.

    ``stage`` is ``"init"`` or ``"forward"``; ``layer`` is the name of the layer
    in a stack (set by the stack analysis), or ``None``.
    """

    def __init__(self, message: str, *, hint: str = "", stage: str | None = None,
                 layer: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.stage = stage
        self.layer = layer

    @property
    def builtin(self) -> type[BaseException]:
        """The builtin exception class torch raises for this error."""
        for base in type(self).__mro__:
            if base.__module__ == "builtins" and base is not Exception:
                return base
        return Exception  # pragma: no cover - every subclass mixes in a builtin


class LayerValueError(LayerError, ValueError):
    """torch raises ``ValueError``."""


class LayerRuntimeError(LayerError, RuntimeError):
    """torch raises ``RuntimeError``."""


class LayerTypeError(LayerError, TypeError):
    """torch raises ``TypeError``."""


class LayerIndexError(LayerError, IndexError):
    """torch raises ``IndexError``."""

    def __str__(self) -> str:  # IndexError has no quoting, but be explicit
        return self.message


class LayerNotImplementedError(LayerError, NotImplementedError):
    """torch raises ``NotImplementedError``."""


class LayerOverflowError(LayerError, OverflowError):
    """torch lets Python's ``OverflowError`` through (``int(inf)`` in Upsample's size maths)."""


class LayerAssertionError(LayerError, AssertionError):
    """torch raises ``AssertionError`` (Hardtanh's ``max_val > min_val`` check)."""


class LayerZeroDivisionError(LayerError, ZeroDivisionError):
    """torch lets Python's ``ZeroDivisionError`` through (GroupNorm with ``num_groups=0``)."""


class MergeRuntimeError(LayerRuntimeError):
    """``torch.add`` / ``torch.cat`` raise RuntimeError for these shapes."""


class MergeIndexError(LayerIndexError):
    """``torch.cat`` raises IndexError for a dim out of range."""


# ---------------------------------------------------------------- conv-calc's own errors
# Not torch's: input that conv-calc cannot use. Each is a ValueError whose str() says what
# is wrong and where, with a hint on how to fix it.

class InputError(ConvCalcError, ValueError):
    """A user input conv-calc cannot use (the "ValueError with a hint" of every module).

    >>> err = ConfigError("pyproject.toml: [tool.conv-calc] select: not a list", "write select = [...]")
    >>> isinstance(err, ValueError), str(err), hint_of(err)
    (True, 'pyproject.toml: [tool.conv-calc] select: not a list', 'write select = [...]')
    """

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message, hint=hint)


class InvalidShapeError(InputError):
    """An input shape that no tensor can have (conv-calc's own check, not torch's)."""


class StackDefinitionError(InputError):
    """A malformed stack definition (not a network that breaks: that is ``Report.error``)."""


class ConfigError(InputError):
    """A broken lint configuration: ``str()`` says what and where, ``hint`` how to fix it."""


class ExportError(InputError):
    """A stack conv-calc cannot write as another framework's code (``conv-calc export``):
    ``str()`` names the row and what it cannot express."""


class SolveError(InputError):
    """A question that cannot be asked of this layer or stack (not "no solution": that is an
    answer)."""


class ShapeError(InputError):
    """A shape string that is not a list of sizes."""


class CtorError(InputError):
    """A constructor string that is not a call of a layer with literal arguments."""

    def __init__(self, message: str, text: str, column: int, *, hint: str = "") -> None:
        super().__init__(message, hint)
        self.text = text
        self.column = column

    def caret(self) -> str:
        """The input with a ``^`` under the offending column (two lines)."""
        line = self.text.splitlines()[0] if self.text.strip() else self.text
        col = max(1, min(self.column, len(line) + 1))
        return f"{line}\n{' ' * (col - 1)}^"


class StackFileError(ConvCalcError, ValueError):
    """A stack file that cannot be turned into a network; ``problems`` lists every problem found.

    ``str()`` is one ``file:line:column: message`` line per problem; ``hint`` is the
    first problem's hint.
    """

    def __init__(self, problems: Iterable[Any]) -> None:
        self.problems: tuple[Any, ...] = tuple(problems)
        first = self.problems[0] if self.problems else None
        super().__init__("\n".join(str(p) for p in self.problems) or "invalid stack file",
                         hint=first.hint if first else "")


def hint_of(error: object) -> str:
    """The hint of an error (or of a problem record), ``""`` for one without.

    >>> hint_of(LayerValueError("bad", hint="fix it")), hint_of(ValueError("bad"))
    ('fix it', '')
    """
    return getattr(error, "hint", "") or ""


# ---------------------------------------------------------------- stage marking
# Here rather than in conv_calc.nn.base so that conv_calc.keras can use it without
# importing every torch layer.

def _staged(method: Any, stage: str) -> Any:
    """``method`` marking the LayerErrors it raises with ``stage`` (when not already set)."""
    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except LayerError as err:
            if err.stage is None:
                err.stage = stage
            raise
    return wrapper


class LayerMeta(type):
    """Marks every error with its stage; turns Python's own argument-binding errors into
    the library's TypeError (conv_calc.keras subclasses this for Keras's stages).

    torch's message for a wrong keyword is Python's own
    (``Conv1d.__init__() got an unexpected keyword argument 'output_padding'``),
    so the text stays; the exception just gains a hint and a stage.
    """

    #: Methods whose errors are marked here, once, instead of at every raise site.
    stages: ClassVar[dict[str, str]] = {"output_shape": "forward"}
    type_error: ClassVar[type] = LayerTypeError
    library: ClassVar[str] = "torch.nn"

    def __new__(mcs, name: str, bases: tuple, namespace: dict[str, Any]) -> Any:
        for method_name, stage in mcs.stages.items():
            method = namespace.get(method_name)
            if method is not None:
                namespace[method_name] = _staged(method, stage)
        return super().__new__(mcs, name, bases, namespace)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except LayerError as err:
            if err.stage is None:
                err.stage = "init"
            raise
        except TypeError as err:
            meta = type(cls)
            raise meta.type_error(
                str(err), stage="init",
                hint=f"check the arguments against the signature of {meta.library}.{cls.__name__}",
            ) from None
