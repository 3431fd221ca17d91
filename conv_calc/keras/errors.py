"""Keras's exceptions as conv-calc errors: the builtin class, the message, a hint, a stage.

Stages are where Keras raises: ``"init"`` (the constructor),
``"compute_output_shape"`` (the symbolic shape) and ``"call"`` (calling the
layer on a tensor: the input-spec check, ``build``, then ``call``).
"""

from __future__ import annotations

from conv_calc.errors import (
    LayerError,
    LayerRuntimeError,
    LayerTypeError,
    LayerValueError,
)

__all__ = ["KerasError", "KerasValueError", "KerasTypeError", "KerasRuntimeError",
           "WRAP_PREFIX"]

#: Keras wraps errors raised inside ``Layer.call`` (by the backend) in a message
#: starting with this text (keras/src/utils/traceback_utils.py); only that first
#: line is conv-calc's contract, the rest is the backend's.
WRAP_PREFIX = "Exception encountered when calling"

KerasError = LayerError
KerasValueError = LayerValueError
KerasTypeError = LayerTypeError
KerasRuntimeError = LayerRuntimeError
