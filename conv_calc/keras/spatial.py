"""What the Keras layers that act on each spatial axis separately share.

ZeroPadding, Cropping and UpSampling index the shape directly, as Keras does, so a
wrong rank fails with Python's own IndexError/TypeError (:func:`python_errors`);
errors raised inside ``call`` come wrapped as Keras wraps them (:func:`call_error`).

>>> from conv_calc.keras.padding import Cropping2D
>>> Cropping2D(1).compute_output_shape((None, 5))
Traceback (most recent call last):
...
conv_calc.keras.base.KerasIndexError: tuple index out of range
"""

from __future__ import annotations

from typing import Any

from conv_calc.keras.base import KerasLayer, as_keras_shape, wrap_builtin
from conv_calc.keras.errors import WRAP_PREFIX, KerasTypeError

__all__ = ["SpatialLayer", "python_errors", "call_error"]


def python_errors(method: Any) -> Any:
    """Keras indexes shapes directly: a wrong rank gives Python's IndexError/TypeError."""
    def wrapper(self: Any, input_shape: Any) -> Any:
        shape = as_keras_shape(input_shape)
        try:
            return method(self, shape)
        except (IndexError, TypeError, AttributeError) as exc:
            if isinstance(exc, KerasTypeError):
                raise
            raise wrap_builtin(exc, hint=f"{type(self).__name__} cannot read the input shape "
                                         f"{shape}: it needs rank {self.rank + 2}.") from None
    wrapper.__name__ = method.__name__
    wrapper.__doc__ = method.__doc__
    return wrapper


def call_error(name: str, cls: type, hint: str) -> Exception:
    """An error raised inside ``call`` by Keras or the backend, wrapped by Keras."""
    return wrap_builtin(cls(f"{WRAP_PREFIX} {name}.call()."), hint=hint)


class SpatialLayer(KerasLayer):
    """Shared by the layers that act on each spatial axis separately."""

    data_format = "channels_last"

    def _spatial(self, shape: tuple) -> tuple:
        start = self._spatial_start()
        return tuple(shape[start:start + self.rank])
