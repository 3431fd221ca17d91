"""Path counts on a dense grid: what an all-ones input through all-ones weights gives.

A receptive field (:mod:`conv_calc.receptive`) says *which* input positions an
output depends on; here we count *how many* chains of kernel taps join them.
Per axis, a layer is an integer matrix ``M[o][i]`` = the number of its taps by
which output ``o`` reads input ``i`` (taps on padding read nothing, so they
count zero). A layer's taps are a product over its axes, so its N-d count
matrix is the product of the per-axis ones: a grid is mapped one axis at a
time.

- Forward from an all-ones input, the grid of a layer's output is the
  checkerboard (overlap) map: ``conv_transpose`` of ones with weights of ones.
- Backward from a one-hot output position (the transposed matrices), the grid
  over the input is the exact region that position sees, each pixel weighted by
  its number of paths: the gradient of that output with all weights one.

Rows are kept sparse (``(input index, count)`` pairs), counts are exact ints.

>>> from conv_calc.geometry import Axis
>>> up = axis_rows(Axis(3, stride=2, pad_left=1, transposed=True), 4, 7)
>>> [sum(c for _, c in row) for row in up]          # the transposed conv's uneven overlap
[1, 2, 1, 2, 1, 2, 1]
>>> grid = Grid.ones((4, 4)).mapped(0, up, 7).mapped(1, up, 7)
>>> grid.rows()[1]
[2, 4, 2, 4, 2, 4, 2]
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod
from typing import Sequence

from conv_calc.errors import InputError
from conv_calc.formulas import adaptive_pool_bin
from conv_calc.geometry import Axis
from conv_calc.receptive.layers import interpolate_taps

__all__ = ["Rows", "axis_rows", "identity_rows", "transpose", "Grid", "MAX_CELLS", "check_cells"]

#: The rows of one per-axis count matrix: for each output, its ``(input, count)`` pairs.
Rows = tuple[tuple[tuple[int, int], ...], ...]

#: The largest grid (cells over the tracked spatial axes) counted; pure Python costs
#: about a microsecond per cell and tap, so a bigger tensor is refused, not waited for.
MAX_CELLS = 1 << 20


def check_cells(lengths: Sequence[int], what: str) -> None:
    """Refuse a grid over ``MAX_CELLS`` cells, naming it.

    >>> check_cells((2048, 1024), "layer 'up'")
    Traceback (most recent call last):
    ...
    conv_calc.errors.InputError: layer 'up': a 2048x1024 grid is more than the 1048576 cells counted
    """
    if prod(lengths) > MAX_CELLS:
        size = "x".join(map(str, lengths))
        raise InputError(f"{what}: a {size} grid is more than the {MAX_CELLS} cells counted",
                         hint="give a smaller input shape (--input): the picture and the "
                              "counts repeat with the layer's period anyway.")


def identity_rows(n: int) -> Rows:
    """Output ``o`` reads input ``o`` once."""
    return tuple(((o, 1),) for o in range(n))


def _from_lists(lists: Sequence[dict[int, int]]) -> Rows:
    return tuple(tuple(sorted(d.items())) for d in lists)


def axis_rows(axis: Axis, n_in: int, n_out: int) -> Rows:
    """The per-axis count matrix of one :class:`~conv_calc.geometry.Axis`, as rows.

    >>> axis_rows(Axis(3, stride=1, pad_left=1), 3, 3)     # padding taps read nothing
    (((0, 1), (1, 1)), ((0, 1), (1, 1), (2, 1)), ((1, 1), (2, 1)))
    >>> axis_rows(Axis(kind="whole", dim_shift=None), 3, 1)
    (((0, 1), (1, 1), (2, 1)),)
    """
    kind = axis.kind
    # Counted before anything is built: one axis longer than a whole grid may be (a long
    # 1-d signal through large transposed strides) would otherwise fill memory here.
    check_cells((max(n_in, n_out),), "an axis")
    lists: list[dict[int, int]] = [{} for _ in range(n_out)]
    if kind == "pointwise":
        return tuple(((o, 1),) if o < n_in else () for o in range(n_out))
    if kind == "whole" or (kind == "window" and axis.pad_left is None):
        if n_in * n_out > MAX_CELLS:
            check_cells((n_out, n_in), "a layer that mixes a whole axis")
        return tuple(tuple((i, 1) for i in range(n_in)) for _ in range(n_out))
    if kind == "bins":
        for o in range(n_out):
            lo, hi = adaptive_pool_bin(o, n_in, n_out)
            lists[o] = {i: 1 for i in range(lo, hi)}
        return _from_lists(lists)
    if kind == "resample":
        taps = interpolate_taps(axis.mode or "nearest", n_in, n_out, axis.scale,
                                axis.align_corners)
        return tuple(tuple((i, 1) for i in t) for t in taps)
    k, s, d, p = axis.kernel, axis.stride, axis.dilation, axis.pad_left
    if axis.transposed:
        # Input i stamps the kernel into outputs i*s - p + t*d; what falls outside is cropped.
        for i in range(n_in):
            for t in range(k):
                o = i * s - p + t * d
                if 0 <= o < n_out:
                    lists[o][i] = lists[o].get(i, 0) + 1
        return _from_lists(lists)
    for o in range(n_out):
        row = lists[o]
        for t in range(k):
            i = o * s - p + t * d
            if 0 <= i < n_in:
                row[i] = row.get(i, 0) + 1
    return _from_lists(lists)


def transpose(rows: Rows, n_in: int) -> Rows:
    """The transposed matrix: for each input, its ``(output, count)`` pairs.

    >>> transpose((((0, 1), (1, 2)), ((1, 1),)), 2)
    (((0, 1),), ((0, 2), (1, 1)))
    """
    lists: list[dict[int, int]] = [{} for _ in range(n_in)]
    for o, row in enumerate(rows):
        for i, c in row:
            lists[i][o] = c
    return _from_lists(lists)


@dataclass(frozen=True)
class Grid:
    """Integer counts over the tracked spatial axes, row-major (``shape`` may be ``()``).

    >>> Grid.ones((2, 3)).rows()
    [[1, 1, 1], [1, 1, 1]]
    """

    shape: tuple[int, ...]
    values: tuple[int, ...]

    @classmethod
    def ones(cls, shape: Sequence[int]) -> Grid:
        check_cells(shape, "the network's input")
        return cls(tuple(shape), (1,) * prod(shape))

    @classmethod
    def zeros(cls, shape: Sequence[int]) -> Grid:
        # Checked here too: a row's output can outgrow the input (a transposed conv with
        # stride 1000 on 64x64 made 4*10^9 cells: out of memory).
        check_cells(shape, "a tensor of the network")
        return cls(tuple(shape), (0,) * prod(shape))

    @classmethod
    def one_hot(cls, shape: Sequence[int], position: Sequence[int]) -> Grid:
        check_cells(shape, "a tensor of the network")
        values = [0] * prod(shape)
        flat = 0
        for n, p in zip(shape, position):
            flat = flat * n + p
        values[flat] = 1
        return cls(tuple(shape), tuple(values))

    def mapped(self, axis: int, rows: Rows, n_out: int) -> Grid:
        """The grid with axis ``axis`` mapped through ``rows`` (one row per new position)."""
        shape = self.shape
        outer = prod(shape[:axis])
        n_in = shape[axis]
        inner = prod(shape[axis + 1:])
        new_shape = shape[:axis] + (n_out,) + shape[axis + 1:]
        check_cells(new_shape, "a tensor of the network")
        vals = self.values
        out = [0] * (outer * n_out * inner)
        for a in range(outer):
            src = a * n_in * inner
            dst = a * n_out * inner
            for o, row in enumerate(rows):
                base = dst + o * inner
                for i, c in row:
                    at = src + i * inner
                    for b in range(inner):
                        v = vals[at + b]
                        if v:
                            out[base + b] += c * v
        return Grid(new_shape, tuple(out))

    def plus(self, other: Grid) -> Grid:
        return Grid(self.shape, tuple(a + b for a, b in zip(self.values, other.values)))

    def rows(self) -> list:
        """Nested lists, one level per axis (an int for a 0-d grid)."""
        def nest(vals: Sequence[int], shape: tuple[int, ...]) -> list:
            if len(shape) <= 1:
                return list(vals)
            step = prod(shape[1:])
            return [nest(vals[j * step:(j + 1) * step], shape[1:]) for j in range(shape[0])]
        if not self.shape:
            return self.values[0]
        return nest(self.values, self.shape)

    def plane(self, at: Sequence[int] | None = None) -> list[list[int]]:
        """Rows over the first two axes (a 1-d grid: one row); further axes at ``at``
        (default: their middle).

        >>> Grid(tuple((2, 2, 3)), tuple(range(12))).plane()
        [[1, 4], [7, 10]]
        """
        shape = self.shape
        if not shape:
            return [[self.values[0]]]
        if len(shape) == 1:
            return [list(self.values)]
        rest = shape[2:]
        at = tuple(at) if at is not None else tuple(n // 2 for n in rest)
        inner = prod(rest)
        offset = 0
        for n, p in zip(rest, at):
            offset = offset * n + p
        return [[self.values[(r * shape[1] + c) * inner + offset] for c in range(shape[1])]
                for r in range(shape[0])]
