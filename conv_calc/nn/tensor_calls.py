"""A tensor function call as a layer: its output shape(s), its errors and its geometry.

A stack file's function rows (``- flatten: {start_dim: 1}``, ``- chunk: [2, 1]``) run
:class:`TensorCall`, which calls one of :data:`conv_calc.nn.FUNCTIONS` (or
:func:`interpolate`, ``F.interpolate``) with torch's own arguments and answers the
geometry protocol (:mod:`conv_calc.geometry`) for receptive fields:

- ``permute`` / ``transpose`` / ``squeeze`` / ``unsqueeze`` move axes (``dim_shift``);
- ``flatten`` / ``reshape`` / ``view``: an axis that keeps its own place in the new shape
  moves there; an axis merged with others or split apart is mixed into the whole new
  axis (its receptive field becomes the whole axis: ``MERGED``);
- ``chunk`` / ``split`` keep every axis; piece k of a split *along* an axis is that axis
  cropped from its offset (a window of kernel 1);
- ``mean`` / ``sum`` / ``amax`` mix each reduced axis whole (kept as size 1 with
  ``keepdim``, gone without);
- ``interpolate`` resamples as ``nn.Upsample`` does.

Parameters and MACs are 0 (conv-calc counts multiply-accumulates of layers with
weights only).

>>> TensorCall("chunk", (2,), {"dim": 1}).outputs((1, 6, 4, 4))
((1, 3, 4, 4), (1, 3, 4, 4))
>>> [a.dim_shift for a in TensorCall("permute", (0, 2, 3, 1)).axis_geometry((1, 8, 4, 5))]
[0, 2, -1, -1]
>>> TensorCall("transpose", (1, 5)).output_shape((1, 2, 3))
Traceback (most recent call last):
  ...
conv_calc.errors.LayerIndexError: Dimension out of range (expected to be in range of [-3, 2], but got 5)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from conv_calc.errors import LayerTypeError, LayerValueError
from conv_calc.geometry import MERGED, POINTWISE, WHOLE, Axis, shift
from conv_calc.nn import tensor_dims, tensor_ops, tensor_reduce
from conv_calc.nn.base import Layer, as_shape
from conv_calc.nn.tensor_checks import wrap_dim
from conv_calc.nn.tensor_ops import contiguous_strides
from conv_calc.nn.upsample import Upsample, interpolate_shape

__all__ = ["TensorCall", "TorchSize", "WORDS", "MULTI", "interpolate", "contiguous", "fx_name", "view_strides"]


def interpolate(input_shape: Sequence[int], /, *args: Any, **kwargs: Any) -> tuple[int, ...]:
    """``F.interpolate(input, size=None, scale_factor=None, mode='nearest', align_corners=None,
    recompute_scale_factor=None, antialias=False)`` on a shape, with torch's errors.

    >>> interpolate((1, 3, 7, 9), size=(14, 18), mode="bilinear", align_corners=False)
    (1, 3, 14, 18)
    """
    try:
        got = _interpolate_args(None, *args, **kwargs)
    except TypeError as err:
        raise LayerTypeError(str(err), hint="F.interpolate takes (input, size=None, scale_factor="
                                            "None, mode='nearest', align_corners=None, "
                                            "recompute_scale_factor=None, antialias=False).") from None
    shape = as_shape(input_shape)
    size, scale, mode, align, recompute, antialias = got
    if isinstance(scale, list):  # F.interpolate takes a list as a tuple
        scale = tuple(scale)
    return interpolate_shape(shape, size, scale, mode, align, recompute, antialias)


def contiguous(input_shape: Sequence[int], /, *args: Any, **kwargs: Any) -> tuple[int, ...]:
    """``x.contiguous()``: the same shape, laid out contiguously (a view needs that after
    permute / transpose).

    >>> contiguous((2, 3))
    (2, 3)
    """
    hint = "x.contiguous() takes no argument here (memory_format is not modelled)."
    if args:
        n = len(args)
        raise LayerTypeError(f"contiguous() takes 0 positional arguments but {n} "
                             f"{'was' if n == 1 else 'were'} given", hint=hint)
    for key, value in kwargs.items():
        if key != "memory_format":
            raise LayerTypeError(f"contiguous() got an unexpected keyword argument '{key}'",
                                 hint=hint)
        raise LayerTypeError("contiguous(): argument 'memory_format' must be torch.memory_format, "
                             f"not {type(value).__name__}", hint=hint)
    return as_shape(input_shape)


class TorchSize(tuple):
    """A shape as torch prints it (``torch.Size([14, 14])``): ``size_of``'s value, as
    ``input.shape[-2:]`` is in torch code."""

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(str(v) for v in self)}])"


def _interpolate_args(input: Any, size: Any = None,  # noqa: A002 - torch's name
                      scale_factor: Any = None, mode: str = "nearest",
                      align_corners: Any = None, recompute_scale_factor: Any = None,
                      antialias: bool = False) -> tuple:
    return size, scale_factor, mode, align_corners, recompute_scale_factor, antialias


# Python names the function in its own binding errors: torch's is `interpolate`.
_interpolate_args.__qualname__ = _interpolate_args.__name__ = "interpolate"


#: The stack-file word of each function -> (its torch spelling, the function).
WORDS: dict[str, tuple[str, Any]] = {
    "flatten": ("torch.flatten", tensor_ops.flatten),
    "reshape": ("Tensor.reshape", tensor_ops.reshape),
    "view": ("Tensor.view", tensor_ops.view),
    **{n: (f"Tensor.{n}", getattr(tensor_dims, n))
       for n in ("permute", "transpose", "squeeze", "unsqueeze")},
    **{n: (f"Tensor.{n}", getattr(tensor_reduce, n)) for n in ("chunk", "split", "mean", "sum", "amax")},
    "contiguous": ("Tensor.contiguous", contiguous),
    "interpolate": ("F.interpolate", interpolate),
}
#: The functions that return several tensors.
MULTI = ("chunk", "split")
#: Names torch.fx does not give a node as they are (Python builtins): it starts at ``_1``.
_FX_BUILTINS = frozenset({"sum"})


def fx_name(word: str, k: int) -> str:
    """The name torch.fx gives the ``k``-th call (from 0) of ``word`` in one graph.

    >>> fx_name("mean", 0), fx_name("mean", 2), fx_name("sum", 0), fx_name("sum", 1)
    ('mean', 'mean_2', 'sum_1', 'sum_2')
    """
    if word in _FX_BUILTINS:
        k += 1
    return word if k == 0 else f"{word}_{k}"


class TensorCall(Layer):
    """One call of a tensor function: ``word`` (a key of :data:`WORDS`), its positional and
    keyword arguments as torch takes them, and which piece continues (``index``, for
    chunk and split)."""

    def __init__(self, word: str, args: Sequence[Any] = (), kwargs: Mapping[str, Any] | None = None,
                 index: int = 0) -> None:
        if word not in WORDS:
            raise LayerValueError(f"unknown tensor function {word!r}",
                                  hint=f"one of: {', '.join(WORDS)}")
        self.word = word
        self.function = WORDS[word][0]
        self.args = tuple(args)
        self.kwargs = dict(kwargs or {})
        self.index = index

    def __repr__(self) -> str:
        parts = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return f"{self.function}({', '.join(['x', *parts])})"

    def outputs(self, input_shape: Sequence[int], strides: Sequence[int] | None = None
                ) -> tuple[tuple[int, ...], ...]:
        """Every tensor the call returns (one, or chunk's and split's pieces); ``strides``
        are the input's (None: contiguous), which only ``view`` reads."""
        kwargs = dict(self.kwargs)
        if self.word == "view" and strides is not None:
            kwargs["input_strides"] = tuple(strides)
        out = WORDS[self.word][1](tuple(input_shape), *self.args, **kwargs)
        return tuple(out) if self.word in MULTI else (tuple(out),)

    def out_strides(self, shape: tuple[int, ...], strides: tuple[int, ...] | None,
                    out: tuple[int, ...]) -> tuple[int, ...] | None:
        """The strides of the result (None: contiguous), for a call that succeeded.

        view and reshape keep the memory when computeStride allows it (reshape copies
        otherwise), permute / transpose / squeeze / unsqueeze move strides, chunk and
        split keep them; reductions, interpolate and contiguous allocate contiguously.
        """
        word = self.word
        if word in ("mean", "sum", "amax", "interpolate", "contiguous"):
            return None
        got = self._strides(shape, tuple(contiguous_strides(shape)) if strides is None
                            else tuple(strides), out)
        return None if got is None or got == contiguous_strides(out) else got

    def _strides(self, shape: tuple[int, ...], strides: tuple[int, ...],
                 out: tuple[int, ...]) -> tuple[int, ...] | None:
        word = self.word
        if word in ("chunk", "split"):
            return strides
        if word in ("view", "reshape", "flatten"):
            return view_strides(shape, strides, out)
        got = self._bound(shape)
        n = len(shape)
        if word in ("permute", "transpose"):
            where = _dim_moves(word, shape, out, got)
            moved = [0] * len(out)
            for i, j in where.items():
                moved[j] = strides[i]
            return tuple(moved)
        if word == "squeeze":
            kept = _dim_moves(word, shape, out, got)
            return tuple(strides[i] for i in sorted(kept))
        d = wrap_dim(got["dim"], n + 1)  # unsqueeze: ATen inferUnsqueezeGeometry
        new = list(strides)
        new.insert(d, 1 if d >= n else shape[d] * strides[d])
        return tuple(new)

    def output_shape(self, input_shape: Any, **forward_kwargs: Any) -> tuple[int, ...]:
        pieces = self.outputs(as_shape(input_shape))
        if self.index >= len(pieces):
            raise LayerValueError(
                f"not enough values to unpack (expected {self.index + 1}, got {len(pieces)})",
                hint=f"{self.word} gives {len(pieces)} pieces here: continue with one of them.")
        return pieces[self.index]

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        return self.piece_geometry(tuple(in_shape), self.index)

    def piece_geometry(self, shape: tuple[int, ...], index: int) -> tuple[Axis, ...]:
        """The geometry of piece ``index`` (0 for the functions with one result)."""
        n = len(shape)
        word, got = self.word, self._bound(shape)
        if word == "interpolate":
            return _interpolate_geometry(shape, self.outputs(shape)[0], got)
        if word in ("chunk", "split"):
            pieces = self.outputs(shape)
            d = wrap_dim(got.get("dim", 0), n) if n else 0
            axes = [POINTWISE] * n
            if n:
                offset = sum(p[d] for p in pieces[:index])
                axes[d] = shift(-offset, -(shape[d] - offset - pieces[index][d]))
            return tuple(axes)
        if word in ("mean", "sum", "amax"):
            dims = got.get("dim")
            dims = [dims] if isinstance(dims, int) else list(dims or ())
            drop = {wrap_dim(d, n) for d in dims} if dims else set(range(n))
            if got.get("keepdim"):
                return tuple(WHOLE if i in drop else POINTWISE for i in range(n))
            kept = [i for i in range(n) if i not in drop]
            return _moved(n, len(kept), {i: j for j, i in enumerate(kept)}, drop)
        out = self.outputs(shape)[0]
        if word in ("permute", "transpose", "squeeze", "unsqueeze"):
            return _moved(n, len(out), _dim_moves(word, shape, out, got), set())
        # flatten, reshape, view: axes that keep their own place move there, the rest mix
        where, mixed = _regroup(shape, out)
        return _moved(n, len(out), where, mixed)

    def _bound(self, shape: tuple[int, ...]) -> dict[str, Any]:
        """The arguments by torch's parameter names (only those the geometry reads)."""
        a, k = self.args, self.kwargs
        names = {"chunk": ("chunks", "dim"), "split": ("split_size", "dim"),
                 "mean": ("dim", "keepdim"), "sum": ("dim", "keepdim"), "amax": ("dim", "keepdim"),
                 "transpose": ("dim0", "dim1"), "squeeze": ("dim",), "unsqueeze": ("dim",),
                 "interpolate": ("size", "scale_factor", "mode", "align_corners",
                                 "recompute_scale_factor", "antialias")}.get(self.word, ())
        got = dict(zip(names, a))
        got.update(k)
        got["args"] = a
        if self.word == "split" and "split_size_or_sections" in k:
            got["split_size"] = k["split_size_or_sections"]
        return got


def view_strides(shape: Sequence[int], strides: Sequence[int], new: Sequence[int]
                 ) -> tuple[int, ...] | None:
    """aten/src/ATen/TensorUtils.cpp computeStride: the strides of ``new`` viewing memory laid
    out as (``shape``, ``strides``), or None (contiguous) where it cannot (reshape copies).

    >>> view_strides((4, 2, 3), (1, 12, 4), (4, 6)), view_strides((4, 2, 3), (1, 12, 4), (24,))
    ((1, 4), None)
    """
    if math.prod(shape) == 0 or not shape:
        return None
    result = [0] * len(new)
    view_d = len(new) - 1
    base = strides[-1]
    tensor_numel = view_numel = 1
    for d in range(len(shape) - 1, -1, -1):
        tensor_numel *= shape[d]
        if d == 0 or (shape[d - 1] != 1 and strides[d - 1] != tensor_numel * base):
            while view_d >= 0 and (view_numel < tensor_numel or new[view_d] == 1):
                result[view_d] = view_numel * base
                view_numel *= new[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if d > 0:
                base = strides[d - 1]
                tensor_numel = view_numel = 1
    return tuple(result) if view_d == -1 else None


def _moved(n: int, n_out: int, where: Mapping[int, int], mixed: set[int]) -> tuple[Axis, ...]:
    """Axis i goes to output position ``where[i]``; those in ``mixed`` are mixed away."""
    axes = []
    for i in range(n):
        if i in where:
            axes.append(Axis(kind="pointwise", dim_shift=(where[i] - n_out) - (i - n)))
        else:
            axes.append(MERGED)
    return tuple(axes)


def _dim_moves(word: str, shape: tuple[int, ...], out: tuple[int, ...],
               got: Mapping[str, Any]) -> dict[int, int]:
    n = len(shape)
    if word == "permute":  # dims as var-args, one list, or dims=
        dims = got.get("dims", got["args"][0] if len(got["args"]) == 1 and
                       not isinstance(got["args"][0], int) else got["args"])
        return {wrap_dim(d, n): j for j, d in enumerate(dims)}
    if word == "transpose":
        if not n:
            return {}
        d0, d1 = wrap_dim(got["dim0"], n), wrap_dim(got["dim1"], n)
        where = {i: i for i in range(n)}
        where[d0], where[d1] = d1, d0
        return where
    if word == "unsqueeze":
        d = wrap_dim(got["dim"], n + 1)
        return {i: i + (i >= d) for i in range(n)}
    # squeeze: the dropped dims are the size-1 dims that are gone
    dims = got.get("dim")
    if dims is None:
        drop = {i for i in range(n) if shape[i] == 1}
    else:
        listed = [dims] if isinstance(dims, int) else list(dims)
        drop = {wrap_dim(d, n) for d in listed if shape[wrap_dim(d, n)] == 1} if n else set()
    kept = [i for i in range(n) if i not in drop]
    return {i: j for j, i in enumerate(kept)}


def _regroup(shape: tuple[int, ...], out: tuple[int, ...]) -> tuple[dict[int, int], set[int]]:
    """A row-major reshape from ``shape`` to ``out``: input axis i that is output axis j on its
    own (the products before both are equal, and their sizes) maps to j; every other axis is
    mixed into a merged or split group."""
    where: dict[int, int] = {}
    if math.prod(shape) == 0:
        return where, set(range(len(shape)))
    i = j = 0
    n, m = len(shape), len(out)
    while i < n and j < m:
        if shape[i] == out[j]:
            where[i] = j
            i, j = i + 1, j + 1
            continue
        if shape[i] == 1:
            i += 1
            continue
        if out[j] == 1:
            j += 1
            continue
        pi, pj = shape[i], out[j]
        i, j = i + 1, j + 1
        while pi != pj:
            if pi < pj:
                pi *= shape[i]
                i += 1
            else:
                pj *= out[j]
                j += 1
    return where, set(range(n)) - set(where)


def _interpolate_geometry(shape: tuple[int, ...], out: tuple[int, ...],
                          got: Mapping[str, Any]) -> tuple[Axis, ...]:
    if got.get("antialias"):  # antialiasing filters' taps are not modelled: the whole axis
        return (POINTWISE, POINTWISE) + (WHOLE,) * (len(shape) - 2)
    layer = Upsample(size=got.get("size"), scale_factor=got.get("scale_factor"),
                     mode=got.get("mode", "nearest"), align_corners=got.get("align_corners"),
                     recompute_scale_factor=got.get("recompute_scale_factor"))
    return layer.axis_geometry(shape, out)


def _permute_moves(args: Sequence[Any], kwargs: Mapping[str, Any], n: int) -> dict[int, int]:
    dims = kwargs.get("dims", args[0] if len(args) == 1 and not isinstance(args[0], int) else args)
    return {wrap_dim(d, n): j for j, d in enumerate(dims)}
