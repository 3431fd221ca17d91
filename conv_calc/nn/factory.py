"""torch's size parsing for the parameter factories (``torch.empty`` / ``torch.zeros``).

Linear, the norms and PReLU build their parameters with ``torch.empty(size)``, so
what a bad size raises is the Python argument parser's or the allocator's error.
Split off from norm.py so that reshape.py and activation.py share it.

>>> parse_size("empty", [3, True], "num_parameters")
[3, 1]
"""

from __future__ import annotations

from typing import Any

from conv_calc.errors import LayerRuntimeError
from conv_calc.nn.tensor_checks import check_storage
from conv_calc.nn.torch_args import is_int, parse_int_list, type_error, unpack_list

__all__: list[str] = []


def parse_size(func: str, size: Any, name: str, *, negative: str = "empty") -> list[int]:
    """What ``torch.<func>(size)`` raises for a size that is an int or a list of ints.

    Order: the parser (type of the first element, then each element unpacked), then the
    factory's sign check, then the storage-size overflow check. ``negative`` picks the sign
    message: ``empty`` names the sizes, ``zeros`` (one int) has its own wording.
    """
    if isinstance(size, (list, tuple)):
        sizes = parse_int_list(func, "size", 1, size, hint=f"{name}={size!r}: every size must be an integer.")
    else:
        if not is_int(size):
            # torch/csrc/utils/python_arg_parser.cpp: FunctionSignature::parse
            raise type_error(func, "size", 1, size, "tuple of ints",
                             hint=f"{name}={size!r}: it must be an integer >= 0.")
        # A single int is read as a one-element list, so it is unpacked as element 1.
        sizes = unpack_list(func, "size", [size], hint=f"{name}={size} is outside torch's 64-bit "
                            "integer range: use a realistic size.")
    for v in sizes:
        if v < 0:
            if negative == "zeros":
                # aten/src/ATen/native/TensorFactories.cpp: zeros (symint path)
                raise LayerRuntimeError("zeros: Dimension size must be non-negative.",
                                        hint=f"{name}={v} is negative: use a count >= 0.")
            # aten/src/ATen/EmptyTensor.cpp: check_size_nonnegative
            raise LayerRuntimeError(
                f"Trying to create tensor with negative dimension {v}: [{', '.join(map(str, sizes))}]",
                hint=f"{name} has a negative size {v}: sizes must be >= 0.")
    check_storage(sizes, hint=f"{name} asks for a float32 tensor of more than 2**63 bytes: use realistic sizes.")
    return sizes
