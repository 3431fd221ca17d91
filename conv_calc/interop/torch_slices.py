"""Tensor slices in a traced model (``x[:, :, 4:52, 4:52]``, ``x[..., 1:-1, 1:-1]``).

The stack format has no slice row, but two rows give exactly torch's shape and field:

- a *centre crop* read by one merge with the tensor it is cropped to (U-Net's
  ``torch.cat([enc1[:, :, 16:104, 16:104], x], dim=1)``, which ``conv-calc export`` writes for
  ``crop: center``) is the merge row with ``crop: center``: no row of its own, so that the
  round trip gives back the original rows;
- any other slice with step 1 is a ``split`` row per sliced axis, going on with the piece
  the slice takes (as the ONNX importer writes ``Slice``): the piece of a spatial axis is
  that axis cropped at the piece's offset, for shapes and receptive fields alike.

Steps, negative strides, tensors as indices, integer indices (which drop an axis) and
``None`` (which adds one) are refused with what to write instead.

>>> cuts((Ellipsis, slice(1, -1, None), slice(1, -1, None)), (1, 3, 8, 6), int)
[(2, 1, 7), (3, 1, 5)]
>>> cuts((slice(None), slice(0, 2, None)), (1, 3, 8, 8), int)
[(1, 0, 2)]
>>> centre_crop([(2, 4, 52), (3, 4, 52)], (1, 64, 56, 56), (1, 64, 48, 48))
True
>>> split_pieces(2, 1, 7, 8)
([1, 6, 1], 1)
"""

from __future__ import annotations

from typing import Any, Callable

from conv_calc.errors import hint_of
from conv_calc.interop.torch_layers import ImportRefused, refuse

__all__ = ["cuts", "centre_crop", "split_pieces", "refuse_slice", "hashable"]

_HINT = ("conv-calc writes slices with step 1 on any axis (x[:, :, a:b, c:d], x[..., 1:-1]) "
         "as split rows; write the model's slicing that way, or import a part of the model "
         "without it.")


def cuts(index: Any, shape: tuple[int, ...], resolve: Callable[[Any], Any]
         ) -> list[tuple[int, int, int]]:
    """The slice ``x[index]`` on a tensor of ``shape`` as ``(axis, start, stop)`` per axis it
    narrows (Python's clamping, as torch slices; an axis kept whole is left out).
    ``resolve`` turns an fx node in the index into its value (numbers read off shapes).
    Raises :class:`ImportRefused` for what a split cannot write."""
    items = list(index) if isinstance(index, tuple) else [index]
    if sum(item is Ellipsis for item in items) > 1:
        raise refuse("a slice with two Ellipses", _HINT)
    for item in items:
        if item is None:
            raise refuse("a slice that adds an axis (None in the index)",
                         "write x.unsqueeze(dim) instead of indexing with None; " + _HINT)
        if not isinstance(item, slice) and item is not Ellipsis:
            value = resolve(item)
            if isinstance(value, int) and not isinstance(value, bool):
                raise refuse(f"an integer index ({value}), which drops an axis",
                             "write a slice that keeps the axis (x[:, k:k + 1]) followed by "
                             "x.squeeze(dim), or x.select(dim, k) outside the imported part; "
                             + _HINT)
            raise refuse(f"indexing with {type(value).__name__}",
                         "a stack file slices with numbers known in advance (no tensors, "
                         "lists or masks as indices); " + _HINT)
    if Ellipsis in items:
        at = items.index(Ellipsis)
        fill = len(shape) - (len(items) - 1)
        items = items[:at] + [slice(None)] * max(fill, 0) + items[at + 1:]
    if len(items) > len(shape):
        raise refuse(f"a slice with {len(items)} indices on a tensor of {len(shape)} dims",
                     "torch raises IndexError for this index: check the model.")
    out = []
    for axis, (item, size) in enumerate(zip(items, shape)):
        start, stop, step = (resolve(v) if v is not None else None
                             for v in (item.start, item.stop, item.step))
        for value in (start, stop, step):
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise refuse(f"a slice bound {value!r} that is not an integer", _HINT)
        if step is not None and step != 1:
            raise refuse(f"a slice with step {step} on axis {axis}",
                         "conv-calc writes slices with step 1 only (a split row); a strided "
                         "slice is a subsampling that the stack format has no row for.")
        first, last, _ = slice(start, stop).indices(size)
        last = max(first, last)
        if (first, last) != (0, size):
            out.append((axis, first, last))
    return out


def centre_crop(narrowed: list[tuple[int, int, int]], shape: tuple[int, ...],
                target: tuple[int, ...]) -> bool:
    """True when ``narrowed`` (from :func:`cuts`) is ``crop: center`` of a tensor of
    ``shape`` to ``target``'s spatial size: batch and channels whole, each spatial axis
    ``[top, top + h)`` with ``top = (H - h) // 2``, as the walker crops."""
    if len(shape) != len(target) or len(shape) < 3:
        return False
    want = []
    for axis in range(2, len(shape)):
        big, small = shape[axis], target[axis]
        if small > big:
            return False
        top = (big - small) // 2
        if (top, top + small) != (0, big):
            want.append((axis, top, top + small))
    return narrowed == want


def split_pieces(axis: int, start: int, stop: int, size: int) -> tuple[list[int], int]:
    """The split sizes that cut ``[start, stop)`` out of an axis of ``size`` (empty pieces
    before and after left out) and the index of the piece the slice takes."""
    sizes = [start, stop - start, size - stop]
    keep = [sizes[0]] if sizes[0] else []
    return keep + [sizes[1]] + ([sizes[2]] if sizes[2] else []), len(keep)


def refuse_slice(error: ImportRefused, where: str) -> ImportRefused:
    """``error`` with the place the slice is in put in front."""
    return refuse(f"operator.getitem (a tensor slice) in {where}: {error}", hint_of(error))


def _operands(node: Any, op: str) -> list[Any] | None:
    """A merge node's two tensor operands, or None when it is not a two-operand merge."""
    if op == "cat":
        tensors = node.args[0] if node.args else node.kwargs.get("tensors")
        return list(tensors) if isinstance(tensors, (list, tuple)) and len(tensors) == 2 else None
    return list(node.args) if len(node.args) == 2 and not node.kwargs else None


# Merges a crop folds into, and whether the cropped tensor may come first (a merge row
# computes [saved, x] for cat, saved_first: false giving [x, saved]; x op saved otherwise,
# which is the same for add and mul either way round).
_FOLDS = {"cat": True, "add": True, "mul": True, "sub": False, "div": False}


def translate_getitem(tr: Any, node: Any, merges: dict[str, str]) -> None:
    """``x[index]`` on a tensor: nothing when it is a centre crop that its one reader, a
    merge, can take as ``crop: center`` (:attr:`tr.crops`), else split rows."""
    fx_node = type(node)
    source, index = node.args
    shape = tuple(tr.values[source])

    def resolve(v: Any) -> Any:
        if isinstance(v, fx_node):
            if v in tr.tensor or v in tr.params:
                raise refuse("indexing with a tensor",
                             "a stack file slices with numbers known in advance; indexing "
                             "with a tensor (a gather or a mask) has no stack-file row.")
            return tr.values[v]
        return v

    try:
        narrowed = cuts(index, shape, resolve)
    except ImportRefused as err:
        raise refuse_slice(err, tr.where(node)) from None
    if not narrowed:  # x[:, :], x[...]: the same tensor
        tr.tensor[node] = tr.tensor[source]
        return
    users = list(node.users)
    if len(users) == 1 and users[0].op in ("call_function", "call_method"):
        user = users[0]
        op = merges.get(tr.function(user))
        operands = _operands(user, op) if op in _FOLDS else None
        if operands is not None and node in operands:
            other = operands[1 - operands.index(node)]
            if isinstance(other, fx_node) and other is not node and other not in tr.crops \
                    and (operands.index(node) == 1 or _FOLDS[op]) \
                    and centre_crop(narrowed, shape, tuple(tr.values[other])):
                tr.crops[node] = source
                return
    x = tr.tensor[source]
    for k, (axis, start, stop) in enumerate(narrowed):
        sizes, take = split_pieces(axis, start, stop, shape[axis])
        base = node.name if k == len(narrowed) - 1 else f"{node.name}_dim{axis}"
        pieces = [f"{base}_p{j}" for j in range(len(sizes))]
        body: dict[str, Any] = {"split": [sizes, {"dim": axis}], "name": base,
                                "outputs": pieces}
        if take:
            body["continue_with"] = pieces[take]
        entry = tr.add(node, body, x, [], pieces=pieces)
        entry.out = x = pieces[take]
        tr.frozen.append(entry)  # the sizes are this input's: a slice adapts, a split does not
        shape = shape[:axis] + (stop - start,) + shape[axis + 1:]
    tr.tensor[node] = x


def crop_merge(tr: Any, node: Any, op: str) -> bool:
    """Write ``node`` as a merge with ``crop: center`` when one operand is a folded crop."""
    operands = _operands(node, op)
    if operands is None or not any(o in tr.crops for o in operands if hashable(o)):
        return False
    at = next(k for k, o in enumerate(operands) if hashable(o) and o in tr.crops)
    x = tr.tensor_arg(node, operands[1 - at])
    saved = tr.tensor[tr.crops[operands[at]]]
    body: dict[str, Any] = {op: saved, "name": node.name, "crop": "center"}
    if op == "cat":
        rest = dict(node.kwargs)
        dim = tr.value(node.args[1], node) if len(node.args) > 1 else \
            tr.value(rest.get("dim", 0), node)
        if dim != 1:
            body["dim"] = dim
        if at == 1:
            body["saved_first"] = False
    tr.add(node, body, x, [saved], shape=tr.values[node])
    return True


def hashable(value: Any) -> bool:
    """Whether ``value`` can be a dict key (fx arguments may be lists or slices)."""
    try:
        hash(value)
    except TypeError:
        return False
    return True
