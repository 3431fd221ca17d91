"""Cases for tensor functions: torch.add/sub/mul/div (and folds), torch.flatten, and
Tensor.reshape/view/permute/transpose/squeeze/unsqueeze/chunk/split/mean/sum/amax.

A case names the function as torch spells it and lists its input shapes
(oracle/torch_oracle.py). Left out on purpose:
- ints beyond int64: torch appends a C++ backtrace (with addresses) to their message;
- two or more keyword arguments where torch lists them in an "invalid combination"
  message: it prints them in its hash-map order;
- shapes whose tensor torch cannot create (contiguous strides beyond int64): the
  oracle skips them.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

BIG = 2**62
ODD = [1.0, True, None, "a", (1,), [1], 2.5]


def _f(cid: str, function: str, inputs, args=(), kwargs=None, **extra) -> dict:
    case = {"id": cid, "function": function, "inputs": [list(s) for s in inputs],
            "args": list(args), "kwargs": dict(kwargs or {})}
    case.update(extra)
    return case


def _r(v) -> str:
    return repr(v).replace(" ", "")


SHAPES = [(), (1,), (3,), (0,), (2, 3), (1, 3), (2, 1), (4, 3), (3, 2), (0, 3), (2, 0), (1, 1, 3),
          (5, 2, 3), (2, 1, 1, 3), (1, 0, 1), (0, 1)]


def elementwise() -> Iterator[dict]:
    for a, b in itertools.product(SHAPES, SHAPES):
        yield _f(f"edge/add/{_r(a)}+{_r(b)}", "torch.add", [a, b])
    small = [(), (3,), (2, 3), (2, 1), (4, 3), (0, 3), (1, 1, 3), (5, 2, 3)]
    for op in ("sub", "mul", "div"):
        for a, b in itertools.product(small, small):
            yield _f(f"edge/{op}/{_r(a)}-{_r(b)}", f"torch.{op}", [a, b])
    for rm in (None, "trunc", "floor", "round", "", "Floor", 1, 1.5, True, ["floor"]):
        for a, b in [((2, 3), (2, 3)), ((2, 3), (4, 3))]:
            yield _f(f"edge/div/rounding-{_r(rm)}-{_r(a)}{_r(b)}", "torch.div", [a, b],
                     kwargs={"rounding_mode": rm})
    folds = [[(1, 64, 8, 8), (1, 64, 1, 1), (64, 8, 1)], [(4, 3), (1, 3), (5, 3)],
             [(2, 3), (2, 3), (2, 3), (2, 3)], [(1,), (3, 1), (1, 4), (2, 1, 1)],
             [(2, 3), (3,), (2, 1), (4, 1, 3)], [(0, 3), (1, 3), (3,)], [(3,), (4,), (5,)],
             [(2, 1, 4), (1, 3, 1), (2, 3, 4), (2, 3, 5)], [(5,)], [(), (), ()]]
    for op in ("add", "sub", "mul", "div"):
        for i, shapes in enumerate(folds):
            yield _f(f"edge/fold-{op}/{i}", f"torch.{op}", shapes, fold=True)
    # Zero-element results with sizes near int64 (the strides of the result do not overflow).
    for a, b in [((0, 2**40, 1), (0, 1, 2**20)), ((BIG, 0), (1, 1)), ((0, 1), (BIG, 0))]:
        yield _f(f"edge/add/big-{_r(a)}+{_r(b)}", "torch.add", [a, b])


FLAT_SHAPES = [(), (7,), (2, 3), (2, 3, 4), (2, 3, 4, 5), (0, 3, 4), (2, 0, 5), (1, 1, 1, 1, 1)]


def flatten() -> Iterator[dict]:
    for shape in FLAT_SHAPES:
        for s, e in itertools.product(range(-5, 5), (-5, -2, -1, 0, 1, 3, 4)):
            yield _f(f"edge/flatten/{_r(shape)}-s{s}-e{e}", "torch.flatten", [shape], [s, e])
        yield _f(f"edge/flatten/{_r(shape)}-default", "torch.flatten", [shape])
    for bad in ODD:
        yield _f(f"edge/flatten/start-{_r(bad)}", "torch.flatten", [(2, 3, 4)], [bad])
        yield _f(f"edge/flatten/end-{_r(bad)}", "torch.flatten", [(2, 3, 4)], [1, bad])
        yield _f(f"edge/flatten/kw-start-{_r(bad)}", "torch.flatten", [(2, 3, 4)], [], {"start_dim": bad})
        yield _f(f"edge/Tensor.flatten/start-{_r(bad)}", "Tensor.flatten", [(2, 3, 4)], [bad])
    for cid, args, kw in [("kw", [], {"start_dim": 1, "end_dim": 2}), ("kw-end", [], {"end_dim": 1}),
                          ("badkw", [], {"dim": 0}), ("toomany", [0, 1, 2], {}),
                          ("twice", [0], {"start_dim": 1}), ("kw-x", [], {"start_dim": 0, "foo": 1})]:
        yield _f(f"edge/flatten/{cid}", "torch.flatten", [(2, 3, 4)], args, kw)
        yield _f(f"edge/Tensor.flatten/{cid}", "Tensor.flatten", [(2, 3, 4)], args, kw)
    for shape, s, e in [((2**62 + 1, 2, 0), 0, 1), ((2**61, 6, 0), 0, 1), ((0, 2**61, 2, 1), 0, 2),
                        ((0, 10**9, 10**9), 1, -1), ((2**61, 4, 0), 0, 1), ((BIG, 2, 0), 0, 1),
                        ((0, 2**31, 2**31), 0, -1), ((3, 0, BIG // 4), 0, 1), ((2**40, 2**22, 0), 0, 2)]:
        yield _f(f"edge/flatten/big-{_r(shape)}-{s}-{e}", "torch.flatten", [shape], [s, e])


def reshape_view() -> Iterator[dict]:
    inputs = [(2, 3, 4), (7,), (), (1,), (0,), (0, 4), (4, 0, 3), (6, 1)]
    sizes = [(24,), (6, -1), (-1, 6), (-1,), (2, 12), (5, -1), (5, 3), (-1, -1), (2, -2), (-2, 12),
             (0, -1), (-1, 0), (0,), (), (1,), (1, 1, 1), (2, 3, 4), (4, 3, 2), (1, -1, 1), (3, 0),
             (0, 5), (-1, 7), (7, 1), (BIG, 0), (0, BIG), (BIG, -1), (-1, BIG), (-3, 0), (0, -3)]
    for fn in ("Tensor.reshape", "Tensor.view"):
        tag = fn.split(".")[1]
        for shape, size in itertools.product(inputs, sizes):
            yield _f(f"edge/{tag}/{_r(shape)}-{_r(size)}", fn, [shape], list(size))
        for size in [(6, -1), [6, -1], (), [], (24,), (6.0, 4), [6, 4.0], (True, 24), (1, True, 24),
                     ("a",), (None,), ((6,), 4), [[6], 4], (6, (4,))]:
            yield _f(f"edge/{tag}/one-{_r(size)}", fn, [(2, 3, 4)], [size])
        for args in [(6.0, 4), (6, 4.0), (True, 24), (1, True, 24), ("a", 24), (None, 24), ((6,), 4),
                     (6, (4,)), (6, [4]), (6.0,), ("a",), (None,), (True,), (24,), ()]:
            yield _f(f"edge/{tag}/args-{_r(args)}", fn, [(2, 3, 4)], list(args))
        kw = "shape" if tag == "reshape" else "size"
        for cid, args, kwargs in [("kw", [], {kw: (6, -1)}), ("kw-float", [], {kw: 6.0}),
                                  ("kw-list-float", [], {kw: [6.0, 4]}), ("kw-other", [], {"foo": 1}),
                                  ("kw-dtype", [], {"dtype": 1}), ("twice", [6], {kw: (1,)}),
                                  ("kw-extra", [6, 4], {"foo": 1}), ("kw-none", [], {kw: None})]:
            yield _f(f"edge/{tag}/{cid}", fn, [(2, 3, 4)], args, kwargs)
    # Empty tensors with sizes whose products wrap at 64 bits.
    for shape, size in [((0,), (BIG, BIG, 0)), ((0,), (BIG, 4, -1)), ((0,), (BIG, BIG, -1)),
                        ((0,), (0, 2**40, 2**40)), ((0,), (0, BIG, 2)), ((0,), (0, 2**61, 3)),
                        ((0,), (0, BIG, 4)), ((0,), (BIG, 2, 0)), ((0, 5), (BIG, 2, 0)),
                        ((0,), (BIG, BIG, 2, 0)), ((0,), (2**40, 2**40, 0)), ((0, 3), (3, 0)),
                        ((0, BIG, 1), (BIG, 0)), ((0, BIG, 1), (0, BIG, 1)), ((4, 0), (0, 2**62, 2)),
                        ((0,), (2**32, 2**32, 0)), ((0,), (2**31, 2**32, 0, 1)),
                        # the product wraps around to the element count: computeStride refuses
                        ((1,), (2**63 - 1, 2**63 - 1)), ((3,), (2**63 - 1, 2**63 - 1, -1)),
                        ((1,), (-1, 2**63 - 1, 2**63 - 1)), ((2, 3), (2**63 - 1, 2**63 - 1, 6))]:
        for fn in ("Tensor.reshape", "Tensor.view"):
            yield _f(f"edge/{fn.split('.')[1]}/big-{_r(shape)}-{_r(size)}", fn, [shape], list(size))
    # Sizes below -2**62 are no concrete SymInts.
    for shape, size in [((0,), (-2**63, 0)), ((0,), (-2**63, 1)), ((0,), (-1, -2**63)), ((2,), (-2**62, 0)),
                        ((2,), (-2**62 - 1, 0)), ((), (-2**63,)), ((0,), (-2**63, -1, -1)), ((0,), (-3, -2**63))]:
        for fn in ("Tensor.reshape", "Tensor.view"):
            yield _f(f"edge/{fn.split('.')[1]}/neg-{_r(shape)}-{_r(size)}", fn, [shape], list(size))


def view_strided() -> Iterator[dict]:
    """Views of permuted tensors: contiguity decides."""
    for shape in [(2, 3, 4), (2, 1, 4), (1, 3, 1), (2, 3, 1, 5), (0, 3, 4), (4, 1), (3, 2)]:
        n = len(shape)
        numel = 1
        for d in shape:
            numel *= d
        targets = [(-1,), (numel,), (shape[-1], -1), (-1, shape[0]), (1, -1), (-1, 1)]
        for perm in itertools.permutations(range(n)):
            p = [shape[d] for d in perm]
            targets_p = targets + [tuple(p), (p[0], -1), (-1, p[-1]), tuple(p) + (1,), (1,) + tuple(p)]
            if n >= 3:
                targets_p += [(p[0] * p[1], -1), (p[0], p[1] * p[2]) + tuple(p[3:]), (-1, p[1], p[2]) + tuple(p[3:])]
            for t in dict.fromkeys(targets_p):
                yield _f(f"edge/view-strided/{_r(shape)}-p{_r(perm)}-{_r(t)}", "Tensor.view", [shape],
                         list(t), input_permute=list(perm))
        yield _f(f"edge/reshape-strided/{_r(shape)}", "Tensor.reshape", [shape], [-1],
                 input_permute=list(reversed(range(n))))


def moves() -> Iterator[dict]:
    shapes = [(), (5,), (2, 3), (2, 3, 4), (2, 1, 4, 1), (0, 3, 1)]
    for shape in shapes:
        n = len(shape)
        for perm in list(itertools.permutations(range(n)))[:6]:
            yield _f(f"edge/permute/{_r(shape)}-{_r(perm)}", "Tensor.permute", [shape], list(perm))
            yield _f(f"edge/permute/{_r(shape)}-t{_r(perm)}", "Tensor.permute", [shape], [tuple(perm)])
            neg = [d - n for d in perm]
            yield _f(f"edge/permute/{_r(shape)}-neg{_r(neg)}", "Tensor.permute", [shape], [neg])
        for dims in [(0,), (0, 0), (0, 1), (1, 0), (0, 1, 2), (0, -3), (2, 0, 0), (2, 0, 3), (2, 0, -4),
                     (-1, -2, 2), (0, 1, 2, 3), (4, 0, 1, 2), (0, 0, 0, 0), ()]:
            yield _f(f"edge/permute/{_r(shape)}-d{_r(dims)}", "Tensor.permute", [shape], [dims])
        for d0, d1 in itertools.product(range(-4, 4), (-4, -1, 0, 1, 3)):
            yield _f(f"edge/transpose/{_r(shape)}-{d0}-{d1}", "Tensor.transpose", [shape], [d0, d1])
        for dim in range(-5, 5):
            yield _f(f"edge/unsqueeze/{_r(shape)}-{dim}", "Tensor.unsqueeze", [shape], [dim])
    for args, kwargs in [((2.0, 0, 1), {}), ((2, 0, 1.0), {}), ((True, 0, 2), {}), (("a",), {}), ((None,), {}),
                         ((2.0,), {}), (([2.0, 0, 1],), {}), (([2, 0, 1.0],), {}), ((), {}),
                         ((), {"dims": (2, 0, 1)}), ((2,), {"dims": (1,)}), (((2, 0, 1), 1), {}),
                         ((), {"dims": 2.0}), ((), {"foo": 1}), (((2, 0, 1),), {"foo": 1})]:
        yield _f(f"edge/permute/args-{_r(args)}-{_r(kwargs)}", "Tensor.permute", [(2, 3, 4)], args, kwargs)
    for args, kwargs in [((0,), {}), ((0, 1.0), {}), ((0.0, 1), {}), (("a", 1), {}), (("a", "b"), {}),
                         ((True, 1), {}), ((0, None), {}), ((0, 1, 2), {}), ((), {}), ((0,), {"dim1": 1}),
                         ((0,), {"dim0": 1}), ((), {"dim0": 0, "dim1": 2}), ((), {"dim0": 0.0, "dim1": 2}),
                         ((0, 1), {"foo": 1}), (((0, 1),), {})]:
        yield _f(f"edge/transpose/args-{_r(args)}-{_r(kwargs)}", "Tensor.transpose", [(2, 3, 4)], args, kwargs)
    for args, kwargs in [((1.0,), {}), (((1,),), {}), ((None,), {}), ((True,), {}), (("a",), {}), ((), {}),
                         ((0, 1), {}), ((), {"dim": 0}), ((), {"dim": 1.0}), ((), {"d": 0})]:
        yield _f(f"edge/unsqueeze/args-{_r(args)}-{_r(kwargs)}", "Tensor.unsqueeze", [(2, 3, 4)], args, kwargs)
    # squeeze
    for shape in [(), (1,), (2, 1, 4), (1, 1, 1), (1, 0, 1), (2, 3), (3, 1, 1, 2, 1)]:
        yield _f(f"edge/squeeze/{_r(shape)}-all", "Tensor.squeeze", [shape])
        for dim in range(-6, 6):
            yield _f(f"edge/squeeze/{_r(shape)}-{dim}", "Tensor.squeeze", [shape], [dim])
        for dims in [(0,), (0, 1), (1, 0), (0, 0), (0, -1), (1, -2), (1, 3), (-1, -2, -3), (), [0, 2], [2, 0, 1]]:
            yield _f(f"edge/squeeze/{_r(shape)}-t{_r(dims)}", "Tensor.squeeze", [shape], [dims])
    for args, kwargs in [((1.0,), {}), (("a",), {}), ((None,), {}), ((True,), {}), (((1.0,),), {}),
                         ((("a",),), {}), (((1, 1.0),), {}), (([True, 1],), {}), ((1, 2), {}), ((1, 2.0), {}),
                         ((1.0, 2), {}), ((), {"dim": 1}), ((), {"dim": (1,)}), ((), {"dim": 1.0}),
                         ((), {"dim": None}), ((1,), {"dim": 2}), ((), {"foo": 1}), (((1,), 2), {})]:
        yield _f(f"edge/squeeze/args-{_r(args)}-{_r(kwargs)}", "Tensor.squeeze", [(2, 1, 4)], args, kwargs)


def splits() -> Iterator[dict]:
    for size in range(0, 14):
        for chunks in range(1, 15):
            yield _f(f"edge/chunk/{size}-{chunks}", "Tensor.chunk", [(size,)], [chunks])
            if size % 3 == 0 and chunks % 2:
                yield _f(f"edge/chunk/2x{size}-{chunks}-d1", "Tensor.chunk", [(2, size)], [chunks, 1])
        for split_size in range(0, 12):
            yield _f(f"edge/split/{size}-{split_size}", "Tensor.split", [(size,)], [split_size])
    for shape, args, kwargs in [
            ((5,), [0], {}), ((5,), [-1], {}), ((), [2], {}), ((), [2, 0], {}), ((), [0], {}), ((5,), [0, 3], {}),
            ((5,), [2, 3], {}), ((5,), [2, -2], {}), ((6, 4), [3, -1], {}), ((6, 4), [3], {"dim": 1}),
            ((5,), [2.0], {}), ((5,), [True], {}), ((5,), [None], {}), ((5,), ["a"], {}), ((5,), [(2,)], {}),
            ((5,), [2, 1.0], {}), ((5,), [2, None], {}), ((5,), [], {}), ((5,), [], {"chunks": 2, "dim": 0}),
            ((5,), [2], {"foo": 1}), ((5,), [2, 0, 0], {}), ((5,), [2], {"chunks": 3}),
            ((10,), [2**63 - 1], {}), ((10,), [BIG], {}), ((0,), [BIG], {}), ((0,), [2**63 - 1], {}),
            ((10,), [2**63 - 2], {}), ((3,), [2**63 - 3], {}), ((0, 3), [5, 0], {}), ((1,), [5], {}),
            ((BIG, 0), [3], {}), ((BIG, 0), [BIG - 1], {}), ((5,), [-2**63], {}), ((0,), [2**61], {}),
            ((2**62, 0), [2], {})]:
        yield _f(f"edge/chunk/x-{_r(shape)}-{_r(args)}-{_r(kwargs)}", "Tensor.chunk", [shape], args, kwargs)
    lists = [[3, 7], (3, 7), [3, 6], [3, 8], [11, -1], [3, -1], [3, 8, -1], [], [10], [0, 10, 0], [5, 5, 0, 0],
             [3.0, 7], [3, 7.0], [True, 9], [1, True, 8], (None,), ["a"], [[3], 7], [-1, 11]]
    for sizes in lists:
        for shape, dim in [((10,), 0), ((10,), -1), ((4, 10), 1), ((4, 10), -1), ((10, 4), 0), ((10,), 1),
                           ((), 0), ((0,), 0)]:
            yield _f(f"edge/split/{_r(shape)}-{_r(sizes)}-d{dim}", "Tensor.split", [shape], [sizes, dim])
    for shape, args, kwargs in [
            ((10,), [3.0], {}), ((10,), [True], {}), ((10,), [False], {}), ((10,), ["a"], {}), ((10,), [None], {}),
            ((10,), [3, 1.0], {}), ((10,), [[3, 7], 1.0], {}), ((10,), [3, None], {}), ((10,), [3, "a"], {}),
            ((10,), [3, True], {}), ((4, 6), [2], {"dim": 1}), ((4, 6), [], {"split_size": 2}),
            ((4, 6), [], {"split_size_or_sections": 2}), ((4, 6), [], {}), ((4, 6), [2, 1, 0], {}),
            ((4, 6), [2], {"foo": 1}), ((4, 6), [2], {"split_size": 1}), ((4, 6), [(2, 2)], {}),
            ((10,), [2**63 - 1], {}), ((10,), [BIG], {}), ((0,), [0], {}), ((0,), [3], {}), ((0,), [[]], {}),
            ((), [1], {}), ((), [[1]], {}), ((5,), [-1, 3], {}), ((5,), [0, 3], {}), ((5,), [[-1], 3], {}),
            ((0,), [[BIG, BIG, BIG, BIG]], {}), ((2, 3), [[1, 1]], {"dim": -1}),
            ((5,), [[2**63 - 1, 2**63 - 1, 7]], {}), ((5,), [[2**63 - 1, 6]], {}), ((5,), [[3, 2**63 - 1, 2**63 - 1]], {}),
            ((5,), [[-2**63, 5]], {}), ((), [[-2**63]], {}), ((5,), [[-2**63], 3], {}), ((5,), [[-5, -2**63]], {}),
            ((5,), [-2**63], {}), ((2**41, 0), [2], {}), ((2**62, 0), [1], {}), ((BIG, 0), [2**59], {})]:
        yield _f(f"edge/split/x-{_r(shape)}-{_r(args)}-{_r(kwargs)}", "Tensor.split", [shape], args, kwargs)


def reductions() -> Iterator[dict]:
    shapes = [(), (5,), (2, 3, 4), (0, 3, 4), (3, 0, 4), (2, 1, 0), (1, 1)]
    dims = [None, 0, 1, -1, -2, 3, -4, (), [], (1,), (0, 2), (1, 1), (1, -2), (2, 0), [0, 1, 2], (0, 5), (5,),
            (0, -1), (0, 0, 5), (5, 0, 0)]
    for fn in ("mean", "sum", "amax"):
        for shape in shapes:
            yield _f(f"edge/{fn}/{_r(shape)}-noargs", f"Tensor.{fn}", [shape])
            for dim in dims:
                yield _f(f"edge/{fn}/{_r(shape)}-{_r(dim)}", f"Tensor.{fn}", [shape], [dim])
                yield _f(f"edge/{fn}/{_r(shape)}-{_r(dim)}-keep", f"Tensor.{fn}", [shape], [dim, True])
        for args, kwargs in [
                ((1.0,), {}), (("a",), {}), ((True,), {}), (((1.0,),), {}), (((1, 1.0),), {}), (([True, 1],), {}),
                ((1, 1), {}), ((1, None), {}), ((1, "a"), {}), ((1, 2), {}), ((1, True, 3), {}),
                ((), {"dim": 1.0}), ((), {"keepdim": True}), ((), {"foo": 1}), ((), {"dim": 1, "keepdim": True}),
                ((1,), {"keepdim": True}), ((), {"dim": None, "keepdim": True}), ((), {"axis": 1}),
                ((1,), {"keepdims": True}), ((), {"dim": (1,), "keepdim": 1}), ((None, None), {}),
                ((1, True), {"dtype": None}), ((None, True), {}), ((), {"dim": []}), ((1,), {"dim": 2}),
                ((1,), {"dtype": "float32"}), ((), {"dim": 1, "foo": 2})]:
            yield _f(f"edge/{fn}/args-{_r(args)}-{_r(kwargs)}", f"Tensor.{fn}", [(2, 3, 4)], args, kwargs)
        yield _f(f"edge/{fn}/65d", f"Tensor.{fn}", [(1,) * 65], [0])
        yield _f(f"edge/{fn}/65d-all", f"Tensor.{fn}", [(1,) * 65])
        yield _f(f"edge/{fn}/64d", f"Tensor.{fn}", [(1,) * 64], [(0, 63)])
    yield _f("edge/squeeze/65d", "Tensor.squeeze", [(1,) * 65], [(0,)])
    yield _f("edge/squeeze/65d-int", "Tensor.squeeze", [(1,) * 65], [0])


# ----------------------------------------------------------------- random

def _shape(rng: random.Random, rank: int | None = None) -> tuple[int, ...]:
    rank = rng.randint(0, 4) if rank is None else rank
    return tuple(rng.choice([0, 1, 1, 2, 2, 3, 4, 5, 6]) for _ in range(rank))


def _dim(rng: random.Random, rank: int):
    return rng.randint(-rank - 2, rank + 1) if rng.random() < 0.9 else rng.choice(ODD)


def random_cases(seed: int = 20260213, n: int = 1400) -> Iterator[dict]:
    rng = random.Random(seed)
    fns = ["torch.add", "torch.mul", "torch.sub", "fold", "torch.flatten", "Tensor.reshape", "Tensor.view",
           "Tensor.view-strided", "Tensor.permute", "Tensor.transpose", "Tensor.squeeze", "Tensor.unsqueeze",
           "Tensor.chunk", "Tensor.split", "Tensor.mean", "Tensor.sum", "Tensor.amax"]
    for k in range(n):
        fn = rng.choice(fns)
        shape = _shape(rng)
        rank = len(shape)
        cid = f"rand/{fn}/{k:04d}"
        if fn in ("torch.add", "torch.mul", "torch.sub"):
            other = tuple(d if rng.random() < 0.6 else rng.choice([1, 1, d + 1, 0])
                          for d in shape[rng.randint(0, rank):])
            pair = [shape, other] if rng.random() < 0.5 else [other, shape]
            yield _f(cid, fn, pair)
        elif fn == "fold":
            shapes = [tuple(d if rng.random() < 0.7 else 1 for d in shape) for _ in range(rng.randint(2, 4))]
            if rng.random() < 0.3:
                shapes[rng.randrange(len(shapes))] = _shape(rng, rank)
            yield _f(cid, rng.choice(["torch.add", "torch.mul", "torch.div"]), shapes, fold=True)
        elif fn == "torch.flatten":
            yield _f(cid, fn, [shape], [_dim(rng, rank), _dim(rng, rank)][:rng.randint(0, 2)])
        elif fn in ("Tensor.reshape", "Tensor.view"):
            numel = 1
            for d in shape:
                numel *= d
            sizes = list(_shape(rng, rng.randint(0, 4)))
            if rng.random() < 0.6 and sizes:
                sizes[rng.randrange(len(sizes))] = -1
            if rng.random() < 0.3:
                sizes = [numel]
            args = [tuple(sizes)] if rng.random() < 0.3 else sizes
            yield _f(cid, fn, [shape], args)
        elif fn == "Tensor.view-strided":
            shape = _shape(rng, rng.randint(2, 4))
            perm = list(range(len(shape)))
            rng.shuffle(perm)
            p = [shape[d] for d in perm]
            cut = rng.randint(0, len(p) - 1)
            merged = 1
            for d in p[cut:cut + 2]:
                merged *= d
            sizes = p[:cut] + [merged] + p[cut + 2:]
            yield _f(cid, "Tensor.view", [shape], sizes, input_permute=perm)
        elif fn == "Tensor.permute":
            dims = list(range(rank))
            rng.shuffle(dims)
            if rng.random() < 0.3 and dims:
                dims[rng.randrange(rank)] = _dim(rng, rank)
            if rng.random() < 0.15:
                dims = dims[:-1] if dims else [0]
            yield _f(cid, fn, [shape], dims if rng.random() < 0.5 else [dims])
        elif fn == "Tensor.transpose":
            yield _f(cid, fn, [shape], [_dim(rng, rank), _dim(rng, rank)])
        elif fn == "Tensor.squeeze":
            choice = rng.random()
            args = [] if choice < 0.2 else [_dim(rng, rank)] if choice < 0.6 else \
                [tuple(rng.randint(-rank - 1, rank) for _ in range(rng.randint(0, 3)))]
            yield _f(cid, fn, [shape], args)
        elif fn == "Tensor.unsqueeze":
            yield _f(cid, fn, [shape], [rng.randint(-rank - 2, rank + 1)])
        elif fn == "Tensor.chunk":
            yield _f(cid, fn, [shape], [rng.randint(-1, 8), _dim(rng, rank)])
        elif fn == "Tensor.split":
            dim = _dim(rng, rank) if rng.random() < 0.3 else rng.randint(-rank, max(rank - 1, 0))
            if rng.random() < 0.5:
                arg = rng.randint(-1, 7)
            else:
                size = shape[dim] if isinstance(dim, int) and not isinstance(dim, bool) and -rank <= dim < rank else 4
                arg = [rng.randint(0, max(size, 1)) for _ in range(rng.randint(1, 3))]
                if rng.random() < 0.6:
                    arg[-1] = size - sum(arg[:-1])
            yield _f(cid, fn, [shape], [arg, dim])
        else:
            choice = rng.random()
            dim = None if choice < 0.2 else _dim(rng, rank) if choice < 0.5 else \
                [rng.randint(-rank - 1, rank) for _ in range(rng.randint(0, 3))]
            args = [dim] + ([rng.random() < 0.5] if rng.random() < 0.5 else [])
            yield _f(cid, fn, [shape], args)


def cases() -> Iterator[dict]:
    yield from elementwise()
    yield from flatten()
    yield from reshape_view()
    yield from view_strided()
    yield from moves()
    yield from splits()
    yield from reductions()
    yield from random_cases()
