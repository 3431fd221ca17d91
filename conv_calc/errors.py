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

__all__ = [
    "ConvCalcError",
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
