"""conv-calc: output shapes, receptive fields and PyTorch's errors for convolutional networks.

>>> import conv_calc
>>> from conv_calc import nn
>>> nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3).output_shape((1, 3, 224, 224))
(1, 64, 112, 112)
"""

__version__ = "0.1.0"

__all__ = ["__version__", "errors", "nn", "Stack", "Report", "load_stack", "StackFileError",
           "Problem"]

# Everything is loaded on first use: `conv-calc --version` and the CLI's start-up
# should not pay for the layer registry, and `import conv_calc` never imports PyYAML.
_LAZY = {
    "errors": ("conv_calc.errors", None),
    "nn": ("conv_calc.nn", None),
    "Stack": ("conv_calc.graph.stack", "Stack"),
    "Report": ("conv_calc.graph.report", "Report"),
    "load_stack": ("conv_calc.stackfile.load", "load_stack"),
    "StackFileError": ("conv_calc.stackfile.problems", "StackFileError"),
    "Problem": ("conv_calc.stackfile.problems", "Problem"),
}


def __getattr__(name: str):  # PEP 562
    if name in _LAZY:
        import importlib

        module_name, attr = _LAZY[name]
        module = importlib.import_module(module_name)
        return module if attr is None else getattr(module, attr)
    raise AttributeError(f"module 'conv_calc' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
