"""A synthetic deep network of any length, as a stack file and as conv-calc nodes.

One description (:func:`layers`) gives both the YAML text (:func:`yaml_text`) and the
:class:`~conv_calc.graph.stack.Stack` (:func:`stack`), so a benchmark can time the file
route and the engine alone on the same network. The pattern repeats every ten
layers and keeps the shape (1, 16, 64, 64): 3x3 convs, a dilated conv, a strided
conv and a transposed conv that undoes it (so receptive fields grow, jumps go
through fractions and back), batch norms and ReLUs.

>>> [t for t, _ in layers(4)]
['Conv2d', 'BatchNorm2d', 'ReLU', 'Conv2d']
>>> stack(20).analyze().output_shape
(1, 16, 64, 64)
"""

from __future__ import annotations

from typing import Any

INPUT = (1, 16, 64, 64)
PATTERN: tuple[tuple[str, dict[str, Any]], ...] = (
    ("Conv2d", {"out_channels": 16, "kernel_size": 3, "padding": 1}),
    ("BatchNorm2d", {}),
    ("ReLU", {}),
    ("Conv2d", {"out_channels": 16, "kernel_size": 3, "padding": 2, "dilation": 2}),
    ("BatchNorm2d", {}),
    ("ReLU", {}),
    ("Conv2d", {"out_channels": 32, "kernel_size": 3, "stride": 2, "padding": 1}),
    ("BatchNorm2d", {}),
    ("ReLU", {}),
    ("ConvTranspose2d", {"out_channels": 16, "kernel_size": 4, "stride": 2, "padding": 1}),
)


def layers(n: int) -> list[tuple[str, dict[str, Any]]]:
    """The first ``n`` layers of the repeating pattern: (torch class name, kwargs)."""
    return [PATTERN[i % len(PATTERN)] for i in range(n)]


def yaml_text(n: int) -> str:
    """The network as a stack file (in_channels / num_features left to inference)."""
    lines = ["version: 1", f"name: synthetic-{n}", f"input: {list(INPUT)}", "layers:"]
    for type_, kwargs in layers(n):
        if kwargs:
            args = ", ".join(f"{k}: {v}" for k, v in kwargs.items())
            lines.append(f"  - {type_}: {{{args}}}")
        else:
            lines.append(f"  - {type_}")
    return "\n".join(lines) + "\n"


def stack(n: int) -> Any:
    """The network as a :class:`~conv_calc.graph.stack.Stack` of :class:`LayerNode` (no YAML)."""
    from conv_calc.graph.nodes import LayerNode
    from conv_calc.graph.stack import Stack

    return Stack([LayerNode(type=t, kwargs=dict(kw)) for t, kw in layers(n)], input_shape=INPUT)
