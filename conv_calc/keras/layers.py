"""``conv_calc.keras.layers``: Keras 3 layer specs under their Keras class names.

>>> from conv_calc.keras import layers
>>> layers.MaxPooling2D(3, strides=2, padding="same").compute_output_shape((None, 112, 112, 64))
(None, 56, 56, 64)
"""

from conv_calc.keras.conv import (  # noqa: F401
    Conv1D, Conv1DTranspose, Conv2D, Conv2DTranspose, Conv3D, Conv3DTranspose,
    DepthwiseConv1D, DepthwiseConv2D, SeparableConv1D, SeparableConv2D,
)
from conv_calc.keras.pooling import *  # noqa: F401,F403
from conv_calc.keras.pooling import __all__ as _pooling
from conv_calc.keras.reshaping import *  # noqa: F401,F403
from conv_calc.keras.reshaping import __all__ as _reshaping
from conv_calc.keras.core import *  # noqa: F401,F403
from conv_calc.keras.core import __all__ as _core
from conv_calc.keras.merging import Average, Maximum, Minimum, Multiply, Subtract  # noqa: F401
from conv_calc.keras.normalization import LayerNormalization  # noqa: F401
from conv_calc.keras.preprocessing import Normalization, Rescaling  # noqa: F401
from conv_calc.keras.models import Identity, InputLayer, Sequential  # noqa: F401
from conv_calc.keras.applications import (  # noqa: F401 - keras.applications' own layers
    CustomScaleLayer, LayerScale, StochasticDepth,
)

__all__ = ["Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose",
           "Conv3DTranspose", "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D",
           "SeparableConv2D", *_pooling, *_reshaping, *_core, "Multiply", "Subtract", "Average",
           "Maximum", "Minimum", "LayerNormalization", "Normalization", "Rescaling", "Identity",
           "InputLayer", "Sequential", "LayerScale", "StochasticDepth", "CustomScaleLayer"]
