"""The torch/Keras choice, in one place: what a framework means to the graph and its readers.

A stack is read and analysed for one framework (``Stack.framework``). Everything
that differs between them is answered here, by :data:`TORCH` or :data:`KERAS`:

==========================  ===============================  ===============================
                            torch (``conv_calc.nn``)         Keras 3 (``conv_calc.keras``)
==========================  ===============================  ===============================
layer registry              ``conv_calc.nn.LAYERS``          ``conv_calc.keras.LAYERS``
the input                   sizes >= 0                       the batch may be None
spatial axes                the last ones (N, C, ...)        before the channels (N, ..., C),
                                                             unless channels_first
a layer's output            ``output_shape``; channels       as on ``keras.Input``: input
                            inferred when left out           spec, build, output shape
merges                      ``torch.cat`` / ``torch.add``    ``Concatenate`` / ``Add`` /
                            / ``mul`` / ``sub`` / ``div``    ``Multiply`` / ``Subtract``
``cat``'s default dim       1 (the channels)                 -1 (the channels)
stack-file arguments        the constructor's, type-checked  the constructor's and Layer's
                                                             own keywords, unchecked
==========================  ===============================  ===============================

>>> get("keras").cat_dim, TORCH.cat_dim, TORCH.registry()["Conv2d"].__name__
(-1, 1, 'Conv2d')
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

from conv_calc.graph.infer import inferred_kwargs
from conv_calc.graph.nodes import LayerNode, StackDefinitionError, children
from conv_calc.nn import LAYERS as TORCH_LAYERS
from conv_calc.nn.base import Layer, as_shape, fmt_list
from conv_calc.nn.merge import add_shape, cat_shape
from conv_calc.errors import LayerRuntimeError
from conv_calc.nn.tensor_checks import check_size_nonnegative, check_storage, wrap_int64
from conv_calc.nn.tensor_ops import elementwise
from conv_calc.nn.torch_args import INT64_MAX
from conv_calc.receptive.layers import layer_axis_maps, layer_dimensionality

__all__ = ["Framework", "TORCH", "KERAS", "FRAMEWORKS", "KERAS_BASE_KWARGS", "get", "is_layer",
           "layer_class"]

#: Keyword arguments every Keras layer takes (keras/src/layers/layer.py: Layer.__init__).
KERAS_BASE_KWARGS = ("name", "dtype", "trainable", "autocast", "activity_regularizer",
                     "input_shape", "input_dim")


def check_allocatable(shape: tuple) -> tuple:
    """``shape`` if torch can make a float32 tensor of it, else StackDefinitionError with
    torch's reason (sizes are int64; the bytes must fit in int64 too).

    >>> check_allocatable((1, 3, 2**40, 2**40))
    Traceback (most recent call last):
    ...
    conv_calc.errors.StackDefinitionError: the input cannot exist in torch: Storage size calculation overflowed with sizes=[1, 3, 1099511627776, 1099511627776]
    """
    known = [d for d in shape if d is not None]
    for pos, size in enumerate(shape):
        if size is not None and size > INT64_MAX:
            # python_numbers.h THPUtils_unpackLong, through torch.empty's argument parser.
            raise StackDefinitionError(
                f"the input cannot exist in torch: size {size} (dimension {pos}) does not fit "
                "in 64 bits (torch.empty: Overflow when unpacking long long)",
                hint="sizes are int64 in torch: at most 9223372036854775807")
    try:
        check_storage(known, hint="")
    except LayerRuntimeError as err:
        raise StackDefinitionError(
            f"the input cannot exist in torch: {err}",
            hint="its float32 bytes would not fit in 64 bits: use smaller sizes") from None
    return shape


def is_layer(node: Any) -> bool:
    """A built layer of either framework (conv_calc.nn or conv_calc.keras)."""
    if isinstance(node, Layer):
        return True
    # Only look for Keras layers once conv_calc.keras is loaded: importing it costs a
    # torch-only analysis a sixth of its run time, and no Keras layer exists without it.
    keras_base = sys.modules.get("conv_calc.keras.base")
    return keras_base is not None and isinstance(node, keras_base.KerasLayer)


def layer_class(node: Any, registry: Mapping[str, type]) -> type | None:
    """The class of a layer node (built, or by its type name in ``registry``); None otherwise."""
    if is_layer(node):
        return type(node)
    if isinstance(node, LayerNode):
        if node.layer is not None:
            return type(node.layer)
        return registry.get(node.type)  # type: ignore[arg-type]
    return None


def first_layers(nodes: Sequence[Any]) -> Any:
    """The layer nodes of a tree in execution order (blocks entered, saves and merges skipped)."""
    for node in nodes:
        if is_layer(node) or isinstance(node, LayerNode):
            yield node
        for inner in children(node):
            yield from first_layers(inner)


class Framework:
    """What the graph, the stack-file reader and lint need to know about one framework."""

    #: "torch" or "keras": the value of a stack file's `framework:`.
    name = ""
    #: The dim ``cat:`` and ``parallel:`` concatenate along by default (the channels).
    cat_dim = 1
    #: Whether the input's first size (the batch) may be unknown (None).
    unknown_batch = False
    #: Whether stack-file argument values are type-checked (Keras validates them itself).
    typed_arguments = True
    #: The merges over named tensors the framework has (``cat:``, ``add:``, ``mul:``, ...).
    merges: tuple[str, ...] = ("cat", "add", "mul", "sub", "div")
    #: The merges that take exactly two tensors (torch.add(a, b)); Keras's merge layers take
    #: a list (Subtract refuses any but two with its own error, when the network is analysed).
    binary_merges: tuple[str, ...] = ("add", "mul", "sub", "div")

    def registry(self) -> Mapping[str, type]:
        """Layer class by class name."""
        raise NotImplementedError

    def layer_kwargs(self, name: str) -> tuple[str, ...] | None:
        """Keywords a layer takes besides its signature's (None: ``**kwargs`` as declared)."""
        return None

    def check_input(self, shape: Sequence[Any]) -> tuple:
        """The input shape as a tuple; StackDefinitionError when no tensor has it."""
        raise NotImplementedError

    def spatial_dims(self, nodes: Sequence[Any], shape: tuple) -> tuple[int, ...]:
        """The negative dims of the input's spatial axes, from the first layer that has some."""
        raise NotImplementedError

    def build(self, node: LayerNode, shape: tuple) -> Any:
        """The layer of a LayerNode given by type name, for an input of ``shape``."""
        raise NotImplementedError

    def output_shape(self, layer: Any, shape: tuple) -> tuple:
        raise NotImplementedError

    def params(self, layer: Any, shape: tuple) -> int:
        raise NotImplementedError

    def macs(self, layer: Any, shape: tuple, out: tuple) -> int:
        raise NotImplementedError

    def merge_shape(self, op: str, shapes: list[tuple], dim: int) -> tuple:
        """The shape of the merge ``op`` ("cat", "add", "mul", "sub", "div") of ``shapes``."""
        raise NotImplementedError

    def axis_maps(self, layer: Any, shape: tuple, out: tuple,
                  dims: tuple[int | None, ...]) -> tuple[list, tuple[int | None, ...]]:
        """Per tracked axis, the layer's AxisMap (receptive fields), and the new dims: read off
        the layer's own geometry, which torch and Keras layers answer alike."""
        return layer_axis_maps(layer, shape, out, dims)


class _Torch(Framework):
    name = "torch"

    def registry(self) -> Mapping[str, type]:
        return TORCH_LAYERS

    def check_input(self, shape: Sequence[Any]) -> tuple:
        try:
            shape = as_shape(shape)
        except ValueError as err:
            raise StackDefinitionError(str(err)) from None
        return check_allocatable(shape)

    def spatial_dims(self, nodes: Sequence[Any], shape: tuple) -> tuple[int, ...]:
        nd = None
        for node in first_layers(nodes):
            cls = layer_class(node, TORCH_LAYERS)
            nd = layer_dimensionality(cls) if cls is not None else None
            if nd:
                break
        if not nd:
            nd = max(0, len(shape) - 2)
        nd = min(nd, len(shape))
        return tuple(range(-nd, 0))

    def build(self, node: LayerNode, shape: tuple) -> Any:
        cls = TORCH_LAYERS[node.type]  # type: ignore[index]
        kwargs = dict(node.kwargs)
        kwargs.update(inferred_kwargs(cls, tuple(node.args), kwargs, shape))
        return cls(*node.args, **kwargs)

    def output_shape(self, layer: Any, shape: tuple) -> tuple:
        return tuple(layer.output_shape(shape))

    def params(self, layer: Any, shape: tuple) -> int:
        return layer.param_count()

    def macs(self, layer: Any, shape: tuple, out: tuple) -> int:
        return layer.macs(shape, out)

    def merge_shape(self, op: str, shapes: list[tuple], dim: int) -> tuple:
        if op in ("mul", "sub", "div"):
            return elementwise(op, shapes)
        if op == "add":
            shape = shapes[0]
            for other in shapes[1:]:
                before, shape = shape, add_shape(shape, other)
                # torch.add allocates its result: broadcast sizes whose bytes overflow
                # int64 fail there, as they do for mul, sub and div.
                check_storage(shape, hint=f"adding shapes {fmt_list(before)} and "
                              f"{fmt_list(other)} gives {fmt_list(shape)}, too large for "
                              "torch: check which dims should be 1.")
            return shape
        shape = cat_shape(shapes, dim)
        # torch.cat sums the sizes in int64 (wrapping) and allocates the result: a sum
        # past 2**63 - 1 is a negative dimension, one whose bytes overflow is refused.
        sizes = [wrap_int64(d) for d in shape]
        hint = (f"the concatenation has shape {fmt_list(shape)}, too large for torch: "
                "check the dim and the sizes of the tensors joined.")
        check_size_nonnegative(sizes, hint)
        check_storage(sizes, hint)
        return shape



def _keras() -> Any:
    # Deferred for start-up time: importing conv_calc.keras costs a torch-only analysis
    # a sixth of its run time, so it is loaded by the first Keras stack only.
    from conv_calc.graph import keras_support

    return keras_support


class _Keras(Framework):
    name = "keras"
    cat_dim = -1
    merges = ("cat", "add", "mul", "sub")  # Concatenate, Add, Multiply, Subtract
    binary_merges = ()
    unknown_batch = True
    typed_arguments = False

    def registry(self) -> Mapping[str, type]:
        return _keras().STACK_LAYERS

    def layer_kwargs(self, name: str) -> tuple[str, ...] | None:
        # Keras layers take **kwargs, but only Layer's own keywords (and LeakyReLU its
        # deprecated `alpha`).
        return KERAS_BASE_KWARGS + (("alpha",) if name == "LeakyReLU" else ())

    def check_input(self, shape: Sequence[Any]) -> tuple:
        shape = tuple(shape)
        if not shape or None in shape[1:] or any(
                d is not None and (isinstance(d, bool) or not isinstance(d, int) or d < 0)
                for d in shape):
            raise StackDefinitionError(
                f"a Keras input shape is a list of sizes >= 0 where only the batch may be None, "
                f"got {list(shape)}")
        # The backend (torch here) holds every size as int64 and the tensor's bytes too.
        return check_allocatable(shape)

    def spatial_dims(self, nodes: Sequence[Any], shape: tuple) -> tuple[int, ...]:
        """The dims between the batch and the channels, or after the channels when the
        first spatial layer says data_format='channels_first'."""
        ks = _keras()
        rank, kwargs = max(0, len(shape) - 2), {}
        for node in first_layers(nodes):
            cls = layer_class(node, ks.LAYERS)
            if cls is not None and ks.layer_rank(cls):
                layer = node if is_layer(node) else node.layer
                rank = ks.layer_rank(cls)
                kwargs = vars(layer) if layer is not None else dict(node.kwargs)
                break
        rank = min(rank, max(0, len(shape) - 2))
        return ks.spatial_dims(None, kwargs, rank)

    def build(self, node: LayerNode, shape: tuple) -> Any:
        # As on a symbolic keras.Input: nothing inferred (Keras reads the channels from the shape).
        return _keras().STACK_LAYERS[node.type](*node.args, **dict(node.kwargs))

    def output_shape(self, layer: Any, shape: tuple) -> tuple:
        return _keras().symbolic_shape(layer, shape)

    def params(self, layer: Any, shape: tuple) -> int:
        return _keras().params(layer, shape)

    def macs(self, layer: Any, shape: tuple, out: tuple) -> int:
        return _keras().macs(layer, shape)

    def merge_shape(self, op: str, shapes: list[tuple], dim: int) -> tuple:
        return _keras().merge_shape(op, shapes, dim)



TORCH: Framework = _Torch()
KERAS: Framework = _Keras()
_BY_NAME = {f.name: f for f in (TORCH, KERAS)}
#: The values of a stack file's `framework:` key (and of the CLI's --framework).
FRAMEWORKS = tuple(_BY_NAME)


def get(name: str) -> Framework:
    """The framework called ``name``; StackDefinitionError for any other name."""
    found = _BY_NAME.get(name) if isinstance(name, str) else None
    if found is None:
        raise StackDefinitionError(f"framework must be one of {', '.join(FRAMEWORKS)}, "
                                   f"got {name!r}")
    return found
