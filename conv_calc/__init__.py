"""conv-calc: output shapes, receptive fields and PyTorch's errors for convolutional networks.

>>> import conv_calc
>>> from conv_calc import nn
>>> nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3).output_shape((1, 3, 224, 224))
(1, 64, 112, 112)
"""

__version__ = "0.1.0"

from conv_calc import errors, nn  # noqa: E402

__all__ = ["__version__", "errors", "nn", "load_stack", "StackFileError", "Problem"]

# Loaded on first use, so that `import conv_calc` does not import PyYAML.
_LAZY = {"load_stack": "conv_calc.spec", "StackFileError": "conv_calc.spec_errors",
         "Problem": "conv_calc.spec_errors"}


def __getattr__(name: str):  # PEP 562
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'conv_calc' has no attribute {name!r}")
