"""Keras 3 semantics: layer specs mirroring ``keras.layers``, without Keras installed.

``conv_calc.keras.layers.<Name>(**kwargs)`` takes Keras's constructor arguments
and defaults (channels_last unless ``data_format="channels_first"``) and answers
``compute_output_shape(input_shape)`` (``None`` allowed for unknown dims) and
``call_shape(input_shape)`` as Keras 3.15 does, raising Keras's exception
class and message. ``LAYERS`` maps class names to classes.

>>> from conv_calc.keras import LAYERS
>>> LAYERS["Conv2D"](32, 3, strides=2, padding="same").output_shape((None, 7, 7, 3))
(None, 4, 4, 32)
"""

from conv_calc.keras import layers

__all__ = ["layers", "LAYERS"]

#: Keras class name -> conv-calc spec class.
LAYERS = {name: getattr(layers, name) for name in layers.__all__
          if isinstance(getattr(layers, name), type)}
