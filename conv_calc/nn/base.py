"""What every layer spec shares, and helpers that mimic torch's argument handling.

A layer spec mirrors one ``torch.nn`` class: the same name, the same
constructor signature and defaults, the same checks at construction; then
:meth:`Layer.output_shape` runs the checks torch runs in ``forward`` and returns
the shape torch would return. Nothing is ever computed on data.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any, ClassVar

from conv_calc.errors import LayerError, LayerTypeError

__all__ = ["Layer", "as_shape", "ntuple", "fmt_list", "fmt_size", "InvalidShapeError"]


class InvalidShapeError(ValueError):
    """An input shape that no tensor can have (conv-calc's own check, not torch's).

    >>> try:
    ...     as_shape([1, -3, 8])
    ... except InvalidShapeError as err:
    ...     print(err)
    input shape [1, -3, 8]: dimension 1 is -3; sizes must be integers >= 0
    """


def as_shape(shape: Any) -> tuple[int, ...]:
    """Validate a tensor shape given by the user and return it as a tuple of ints.

    >>> as_shape([1, 3, 224, 224])
    (1, 3, 224, 224)
    """
    if isinstance(shape, (str, bytes)) or not isinstance(shape, Iterable):
        raise InvalidShapeError(f"input shape must be a list of sizes, got {shape!r}")
    dims = tuple(shape)
    for i, d in enumerate(dims):
        if isinstance(d, bool) or not isinstance(d, int):
            raise InvalidShapeError(
                f"input shape {fmt_list(dims)}: dimension {i} is {d!r}; sizes must be integers >= 0")
        if d < 0:
            raise InvalidShapeError(
                f"input shape {fmt_list(dims)}: dimension {i} is {d}; sizes must be integers >= 0")
    return tuple(int(d) for d in dims)


def ntuple(value: Any, n: int) -> tuple:
    """torch.nn.modules.utils._ntuple: an iterable becomes a tuple as it is
    (any length, strings split into characters); anything else is repeated n times.

    >>> ntuple(3, 2), ntuple([1], 2), ntuple('same', 2)
    ((3, 3), (1,), ('s', 'a', 'm', 'e'))
    """
    if isinstance(value, Iterable):
        return tuple(value)
    return (value,) * n


def fmt_list(values: Iterable[Any]) -> str:
    """A sequence printed as ATen prints an IntArrayRef: ``[1, 2, 3]``.

    >>> fmt_list((1, 2, 10))
    '[1, 2, 10]'
    """
    return "[" + ", ".join(str(v) for v in values) + "]"


def fmt_size(values: Iterable[Any]) -> str:
    """A shape printed as Python prints a ``torch.Size``.

    >>> fmt_size([6]), fmt_size([])
    ('torch.Size([6])', 'torch.Size([])')
    """
    return f"torch.Size({fmt_list(values)})"


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


class _LayerMeta(type):
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


class Layer(metaclass=_LayerMeta):
    """Base class of the layer specs in :mod:`conv_calc.nn`.

    Subclasses define ``__init__`` with torch's signature (raising torch's
    construction errors) and override :meth:`output_shape`.
    """

    #: Constructor arguments a stack may leave out and infer from the incoming shape.
    inferable: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def infer_kwargs(cls, input_shape: tuple[int, ...]) -> dict[str, int]:
        """Values for the :attr:`inferable` arguments, read off ``input_shape``."""
        return {}

    def output_shape(self, input_shape: Iterable[int], **forward_kwargs: Any) -> tuple[int, ...]:
        """The shape of ``forward(torch.zeros(input_shape), **forward_kwargs)``."""
        raise NotImplementedError

    def param_count(self) -> int:
        """``sum(p.numel() for p in module.parameters())`` in torch."""
        return 0

    def macs(self, input_shape: tuple[int, ...], output_shape: tuple[int, ...]) -> int:
        """Multiply-accumulate operations of one forward pass (0 where none)."""
        return 0
