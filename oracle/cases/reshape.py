"""Cases for Flatten, Unflatten, Identity and Linear.

Unflatten errors that torch wraps as "unflatten got an unexpected error" carry a
C++ backtrace with addresses in torch's message, so they cannot be golden data:
they are left out here and checked by prefix in tests/parity/test_live_reshape.py.
"""

from __future__ import annotations

import random
from collections.abc import Iterator


def _c(cid, layer, args, kwargs, inp, fkw=None):
    return {"id": cid, "layer": layer, "args": list(args), "kwargs": dict(kwargs),
            "input": list(inp), "forward_kwargs": fkw or {}}


def _unflatten_unexpected(dim, sizes, shape) -> bool:
    """True when torch would report a backtrace-carrying 'unexpected error'."""
    if not isinstance(sizes, (list, tuple)) or not all(isinstance(s, int) for s in sizes):
        return False
    if not isinstance(dim, int) or isinstance(dim, bool):
        return False
    rank = max(len(shape), 1)
    if not sizes:
        return False
    if not shape and dim in (0, -1):
        return True
    if not -rank <= dim < rank or not sizes:
        return False
    seen = False
    for s in sizes:
        if s == -1:
            if seen:
                return True
            seen = True
        elif s < -1:
            return True
    d = shape[dim + rank if dim < 0 else dim]
    prod = 1
    for s in sizes:
        if s != -1:
            prod *= s
    return seen and prod == 0 and d == 0


def edge() -> Iterator[dict]:
    shapes = [(), (7,), (2, 3), (2, 3, 4), (2, 3, 4, 5), (0, 3, 4), (2, 0, 5), (1, 1, 1, 1, 1)]
    # Flatten: every start/end pair over a range wider than the rank.
    for shape in shapes:
        for s in range(-5, 5):
            for e in (-5, -2, -1, 0, 1, 3, 4):
                yield _c(f"edge/Flatten/{list(shape)}-s{s}-e{e}", "Flatten", [s, e], {}, shape)
    for bad in (1.0, None, True, "a", [1]):
        yield _c(f"edge/Flatten/start-{bad!r}", "Flatten", [bad], {}, (2, 3, 4))
        yield _c(f"edge/Flatten/end-{bad!r}", "Flatten", [1, bad], {}, (2, 3, 4))
        yield _c(f"edge/Flatten/both-{bad!r}", "Flatten", [bad, bad], {}, (2, 3, 4))
    yield _c("edge/Flatten/kw", "Flatten", [], {"start_dim": 0, "end_dim": 1}, (2, 3, 4))
    yield _c("edge/Flatten/badkw", "Flatten", [], {"dim": 0}, (2, 3, 4))
    yield _c("edge/Flatten/huge-zero-batch", "Flatten", [], {}, (0, 10**9, 10**9))
    yield _c("edge/Flatten/toomany", "Flatten", [1, 2, 3], {}, (2, 3, 4))

    # Unflatten
    usizes = [(2, 3), [2, 3], (2, -1), (-1, 3), (6,), (-1,), (5,), (2, 4), (0, -1), (0, 5), (3, 2, 1),
              (1, 6, 1), (), [], (2, True, 3), (True, 6), (0,), (1, -1, 1), (4, -1)]
    for shape in [(4, 6), (6,), (4, 0), (4, 0, 6), (2, 6, 6), (0, 6), (3, 4, 6)]:
        for dim in (-4, -3, -2, -1, 0, 1, 2, 3):
            for sizes in usizes:
                if _unflatten_unexpected(dim, sizes, shape):
                    continue
                yield _c(f"edge/Unflatten/{list(shape)}-d{dim}-{sizes!r}", "Unflatten", [dim, sizes], {}, shape)
    for bad in (2, "ab", None, 2.0, {"a": 1}):
        yield _c(f"edge/Unflatten/size-{bad!r}", "Unflatten", [1, bad], {}, (4, 6))
    for sizes in ((2.0, 3), (2, None), [2, "3"], (2, [3]), (None, 1.5)):
        yield _c(f"edge/Unflatten/elem-{sizes!r}", "Unflatten", [1, sizes], {}, (4, 6))
    for dim in (1.0, None, True, "a"):
        yield _c(f"edge/Unflatten/dim-{dim!r}", "Unflatten", [dim, (2, 3)], {}, (4, 6))
        yield _c(f"edge/Unflatten/dim-{dim!r}-empty", "Unflatten", [dim, ()], {}, (4, 6))
    yield _c("edge/Unflatten/0d-dim1", "Unflatten", [1, (1, -1)], {}, ())
    yield _c("edge/Unflatten/0d-dim-2", "Unflatten", [-2, (1,)], {}, ())
    yield _c("edge/Unflatten/out-of-range-and-empty", "Unflatten", [5, ()], {}, (4, 6))
    yield _c("edge/Unflatten/missing", "Unflatten", [1], {}, (4, 6))
    yield _c("edge/Unflatten/kw", "Unflatten", [], {"dim": 0, "unflattened_size": [2, 2]}, (4, 6))
    yield _c("edge/Unflatten/huge", "Unflatten", [1, (10**6, 10**6)], {}, (0, 10**12))
    yield _c("edge/Unflatten/huge-infer", "Unflatten", [1, (10**6, -1)], {}, (0, 10**12))

    # Identity
    for shape in shapes:
        yield _c(f"edge/Identity/{list(shape)}", "Identity", [], {}, shape)
    yield _c("edge/Identity/args", "Identity", [3, "x", None], {"a": 1, "b": [2]}, (2, 3))

    # Linear
    for shape in [(), (3,), (5,), (0,), (2, 3), (2, 5), (0, 3), (0, 5), (2, 0), (2, 6, 3), (2, 6, 5),
                  (2, 6, 7, 5), (2, 0, 5), (5, 3, 0), (1, 1, 1, 1, 1, 3), (4, 3, 1)]:
        for bias in (True, False):
            yield _c(f"edge/Linear/3-4-b{bias}-{list(shape)}", "Linear", [3, 4], {"bias": bias}, shape)
    for i, o, shape in [(0, 4, (2, 0)), (0, 4, (0,)), (3, 0, (2, 3)), (0, 0, (0, 0)), (0, 0, (5, 0)),
                        (1, 1, (1,)), (10**12, 0, (0, 10**12)), (10**12, 0, (2, 3)), (True, 4, (2, 1)),
                        (True, 4, (2, 2))]:
        yield _c(f"edge/Linear/{i}-{o}-{list(shape)}", "Linear", [i, o], {}, shape)
    for i, o in [(-1, 4), (3, -4), (-1, -2), (0, -1), (-5, 0), (3.0, 4), (3, 4.0), (None, 4), (3, None),
                 ("3", 4), (3, "4"), ([3], 4), (3, [4]), (3, (4,)), (3.5, -1), (-1, 2.0), (None, None),
                 (True, False), (False, 2), (2, True), (-1, True), (3.0, True)]:
        yield _c(f"edge/Linear/init-{i!r}-{o!r}", "Linear", [i, o], {}, (2, 3))
    for b in (None, 0, 1, "x", "", [], [0]):
        yield _c(f"edge/Linear/bias-{b!r}", "Linear", [3, 4], {"bias": b}, (2, 3))
    yield _c("edge/Linear/badkw", "Linear", [3, 4], {"x": 1}, (2, 3))
    yield _c("edge/Linear/missing", "Linear", [3], {}, (2, 3))
    yield _c("edge/Linear/toomany", "Linear", [3, 4, True, None, None, 5], {}, (2, 3))
    yield _c("edge/Linear/positional", "Linear", [3, 4, False, None, None], {}, (2, 3))
    yield _c("edge/Linear/kwonly", "Linear", [], {"in_features": 3, "out_features": 2}, (2, 3))


def random_cases(seed: int = 1234, n: int = 140) -> Iterator[dict]:
    rng = random.Random(seed)
    for k in range(n):
        rank = rng.randint(0, 5)
        shape = tuple(rng.choice([0, 1, 1, 2, 3, 4, 5, 6, 8]) for _ in range(rank))
        kind = rng.choice(["Flatten", "Unflatten", "Linear", "Linear"])
        if kind == "Flatten":
            yield _c(f"rand/Flatten/{k}", "Flatten", [rng.randint(-6, 5), rng.randint(-6, 5)], {}, shape)
        elif kind == "Unflatten":
            dim = rng.randint(-rank - 1, rank)
            sizes = tuple(rng.choice([-1, 0, 1, 2, 3, 4]) for _ in range(rng.randint(1, 3)))
            if rng.random() < 0.5 and shape and -rank <= dim < rank:
                # a factorisation that fits, sometimes with -1
                d = shape[dim]
                a = rng.choice([x for x in range(1, d + 1) if d % x == 0] or [1])
                sizes = (a, d // a) if d else (0, rng.randint(0, 3))
                if rng.random() < 0.3 and d:
                    sizes = (a, -1)
            if rng.random() < 0.3:
                sizes = list(sizes)
            if _unflatten_unexpected(dim, sizes, shape):
                continue
            yield _c(f"rand/Unflatten/{k}", "Unflatten", [dim, sizes], {}, shape)
        else:
            inf = shape[-1] if shape and rng.random() < 0.7 else rng.randint(0, 9)
            outf = rng.randint(0, 64)
            yield _c(f"rand/Linear/{k}", "Linear", [inf, outf], {"bias": rng.random() < 0.7}, shape)


def cases() -> Iterator[dict]:
    yield from edge()
    yield from random_cases()
