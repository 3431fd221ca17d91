"""Cases for the layers that rearrange elements: PixelShuffle, PixelUnshuffle, ChannelShuffle,
Fold, Unfold, MaxUnpool1d/2d/3d.

Left out: ints beyond int64 *inside* a list or tuple (Fold, Unfold and MaxUnpool expand
every argument to a tuple), whose torch message carries a C++ backtrace with addresses;
tests/parity/test_live_rearrange.py compares those up to the backtrace. Inputs are kept
small: a huge value appears only where torch fails before allocating (int64 overflow, a
zero batch, an allocation far beyond the machine's memory).
"""

from __future__ import annotations

import random
from collections.abc import Iterator

SHUFFLE_SHAPES = [(), (4,), (4, 3), (4, 3, 3), (8, 3, 3), (9, 2, 2), (1, 8, 3, 3), (2, 4, 2, 2),
                  (1, 9, 3, 6), (0, 8, 2, 2), (1, 0, 3, 3), (1, 4, 0, 3), (1, 4, 2, 0),
                  (0, 4, 2, 4), (2, 1, 8, 3, 3), (1, 2, 3, 4, 4, 4), (1, 1, 1, 4, 2, 2),
                  (2, 2, 2, 2, 4, 6, 6)]
BAD = [2.0, 2.5, True, False, None, "2", [2], (2,)]


def _c(cid, layer, args, kwargs, inp, fkw=None):
    return {"id": cid, "layer": layer, "args": list(args), "kwargs": dict(kwargs),
            "input": list(inp), "forward_kwargs": fkw or {}}


def _blocks(size, k, d, p, s):
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


def shuffle_cases() -> Iterator[dict]:
    for layer in ("PixelShuffle", "PixelUnshuffle", "ChannelShuffle"):
        for r in (1, 2, 3, 0, -1):
            for shape in SHUFFLE_SHAPES:
                yield _c(f"edge/{layer}/r{r}-{list(shape)}", layer, [r], {}, shape)
        for v in BAD + [2**63, -2**63 - 1, 2**64]:
            yield _c(f"edge/{layer}/arg-{v!r}", layer, [v], {}, (1, 8, 4, 4))
            yield _c(f"edge/{layer}/arg-{v!r}-2d", layer, [v], {}, (4, 4))
        yield _c(f"edge/{layer}/missing", layer, [], {}, (1, 8, 4, 4))
        yield _c(f"edge/{layer}/toomany", layer, [2, 3], {}, (1, 8, 4, 4))
        yield _c(f"edge/{layer}/badkw", layer, [2], {"inplace": True}, (1, 8, 4, 4))
        for fkw in ({"x": 1}, {"input": 1}, {"upscale_factor": 2}):
            yield _c(f"edge/{layer}/forward-{list(fkw)[0]}", layer, [2], {}, (1, 8, 4, 4), fkw)
    yield _c("edge/PixelShuffle/kw", "PixelShuffle", [], {"upscale_factor": 2}, (1, 8, 4, 4))
    yield _c("edge/PixelUnshuffle/kw", "PixelUnshuffle", [], {"downscale_factor": 2}, (1, 2, 4, 4))
    yield _c("edge/ChannelShuffle/kw", "ChannelShuffle", [], {"groups": 2}, (1, 4, 4))
    # r**2 overflow, int64-wrapped output sizes, resize_ limits (zero batch or channels)
    for r, shape in [(3037000499, (0, 0, 1, 1)), (3037000500, (0, 0, 1, 1)), (2**32, (1, 8, 3, 3)),
                     (2**62, (0, 0, 1, 1)), (2**31, (0, 0, 1, 1)), (2**31, (1, 0, 3, 3)),
                     (2**31, (2, 0, 1, 1)), (2**31, (0, 0, 2**31, 1)), (2**31, (0, 0, 2**32, 1)),
                     (2**31, (0, 0, 2**33 - 4, 1)), (2**31, (0, 0, 2**33, 1)),
                     (2**31, (0, 0, 2**32 + 1, 1)), (2**31, (0, 0, 1, 2**32 + 1)),
                     (2**31, (0, 0, 2**32 + 2**31, 1)), (2**31, (0, 4, 2**32 + 2**31, 1)),
                     (2**20, (0, 0, 2**22, 1)), (2**20, (0, 0, 2**30, 2**30)),
                     (2**16, (1, 0, 2**20, 2**20)), (2, (0, 4, 2**20, 2**20)),
                     (2**40, (1, 0, 2**20, 2**20)), (-2**63, (1, 4, 2, 2))]:
        for layer in ("PixelShuffle", "PixelUnshuffle", "ChannelShuffle"):
            yield _c(f"edge/{layer}/huge-{r}-{list(shape)}", layer, [r], {}, shape)
    for g, shape in [(2**62, (1, 4, 3)), (2**62, (0, 0, 3)), (-2**62, (1, 4, 3)),
                     (-2**62 - 1, (1, 4, 3)), (2**63 - 1, (1, 0, 3))]:
        yield _c(f"edge/ChannelShuffle/groups-{g}-{list(shape)}", "ChannelShuffle", [g], {}, shape)


UNFOLD_SHAPES = [(), (5,), (4, 5), (4, 0), (0, 5), (3, 4, 5), (0, 4, 5), (3, 0, 5), (3, 4, 0),
                 (1, 3, 4, 5), (0, 3, 4, 5), (2, 1, 6, 6), (1, 0, 4, 5), (1, 3, 0, 5), (1, 3, 4, 0),
                 (1, 1, 3, 4, 5), (1, 1, 1, 3, 4, 5)]


def unfold_cases() -> Iterator[dict]:
    for shape in UNFOLD_SHAPES:
        for k in (1, 2, (2, 3), 5, 0):
            yield _c(f"edge/Unfold/k{k}-{list(shape)}", "Unfold", [k], {}, shape)
    # argument combinations on one input
    for k in (1, 2, (1, 4), 0, (2, -1)):
        for d in (1, 2, 0, (1, 2)):
            for p in (0, 2, -1):
                for s in (1, 3, 0, (1, 2)):
                    yield _c(f"edge/Unfold/k{k}-d{d}-p{p}-s{s}", "Unfold", [k],
                             {"dilation": d, "padding": p, "stride": s}, (1, 2, 5, 6))
    for name in ("kernel_size", "dilation", "padding", "stride"):
        for v in BAD + [(2, 2, 2), (), [1, 1], (True, 2), (2, 2.0), [2, None], "ab", (1, 2, 3, 4)]:
            kwargs = {"kernel_size": 2, name: v}
            yield _c(f"edge/Unfold/{name}-{v!r}", "Unfold", [], kwargs, (1, 3, 4, 5))
    yield _c("edge/Unfold/two-bad", "Unfold", [2.0], {"stride": "a"}, (1, 3, 4, 5))
    yield _c("edge/Unfold/two-bad-tail", "Unfold", [(2, 2.0)], {"stride": (1, 1.0)}, (1, 3, 4, 5))
    yield _c("edge/Unfold/all-bad-values", "Unfold", [0], {"dilation": 0, "padding": -1,
                                                           "stride": 0}, (4, 5))
    yield _c("edge/Unfold/missing", "Unfold", [], {}, (1, 3, 4, 5))
    yield _c("edge/Unfold/badkw", "Unfold", [2], {"foo": 1}, (1, 3, 4, 5))
    yield _c("edge/Unfold/toomany", "Unfold", [2, 1, 0, 1, 5], {}, (1, 3, 4, 5))
    yield _c("edge/Unfold/positional", "Unfold", [2, 2, 1, 2], {}, (1, 3, 4, 5))
    yield _c("edge/Unfold/forward-kw", "Unfold", [2], {}, (1, 3, 4, 5), {"kernel_size": 2})
    # int32 block counts, int64 output sizes, resize_ limits
    for k, d, p, s, shape in [
            (2**31, 1, 0, 1, (1, 3, 4, 5)), (2**32, 1, 0, 1, (1, 3, 4, 5)),
            ((2**32 + 10, 1), 1, 0, 1, (1, 3, 4, 5)), ((3 * 2**31, 1), 1, 0, 1, (1, 3, 4, 5)),
            (2**33, 1, 0, 1, (1, 3, 4, 5)), (2**40, 1, 0, 1, (1, 3, 4, 5)),
            (2**61, 1, 0, 1, (1, 3, 4, 5)), (2**61 + 1, 1, 0, 1, (1, 3, 4, 5)),
            (2**62 - 1, 1, 0, 1, (1, 3, 4, 5)), (2**62, 1, 0, 1, (1, 3, 4, 5)),
            (2**62 + 1, 1, 0, 1, (1, 3, 4, 5)), (2**63 - 1, 1, 0, 1, (1, 3, 4, 5)),
            ((2**62, 1), 1, 0, 1, (1, 3, 4, 5)), ((2**63 - 1, 1), 1, 0, 1, (1, 3, 4, 5)),
            (2, (2**31, 2**31), 0, 1, (1, 3, 4, 5)), (2, (2**31 + 1, 1), 0, 1, (1, 3, 4, 5)),
            (2, 2**62, 0, 1, (1, 3, 4, 5)), (2, 2**63 - 1, 0, 1, (1, 3, 4, 5)),
            (2, 1, 0, (2**32, 1), (1, 3, 4, 5)), (2, 1, 0, (2**31, 1), (1, 3, 4, 5)),
            (2, 1, 0, 2**63 - 1, (1, 3, 4, 5)), ((2**31, 1), 1, 0, (2**31, 1), (1, 3, 4, 5)),
            ((2**32 + 5, 1), 1, 0, (3, 1), (1, 3, 4, 5)), ((2**32 + 7, 1), 1, 0, (3, 1), (1, 3, 4, 5)),
            ((3 * 2**32 + 3, 1), 1, 0, (3, 1), (1, 3, 4, 5)),
            (1, 1, (2**30, 0), 1, (1, 3, 4, 5)), (1, 1, (2**30 - 2, 0), 1, (1, 3, 4, 5)),
            (2, 1, (2**30, 0), 1, (1, 3, 4, 5)), (2, 1, (2**31, 0), 1, (1, 3, 4, 5)),
            (1, 1, 2**20, 1, (1, 3, 4, 5)), (1, 1, 2**17, 1, (1, 3, 4, 5)),
            (1, 1, 2**20, 1, (0, 3, 4, 5)), (1, 1, 2**61, 1, (0, 3, 4, 5)),
            (1, 1, 2**62, 1, (0, 3, 4, 5)), (1, 1, 2**61, 1, (1, 3, 4, 5)),
            (1, 1, (2**31, 2**31), 1, (0, 3, 4, 5)), (2**62, 1, 0, 1, (3, 4, 5)),
            (1, 1, 2**62, 1, (3, 4, 5)), (1, 1, 2**62 - 1, 2**62, (1, 3, 4, 5))]:
        yield _c(f"edge/Unfold/huge-k{k}-d{d}-p{p}-s{s}-{list(shape)}", "Unfold", [k],
                 {"dilation": d, "padding": p, "stride": s}, shape)


def fold_cases() -> Iterator[dict]:
    base = {"output_size": (4, 5), "kernel_size": 2}
    for shape in [(), (12,), (12, 12), (1, 12, 12), (0, 12, 12), (12, 0), (0, 12), (1, 0, 12),
                  (1, 12, 0), (1, 11, 12), (1, 12, 11), (1, 1, 12, 12), (1, 1, 1, 12, 12),
                  (2, 8, 12), (3, 24, 12)]:
        yield _c(f"edge/Fold/base-{list(shape)}", "Fold", [], base, shape)
    # consistent and inconsistent L over argument combinations
    for o in ((4, 5), (1, 1)):
        for k in (1, 2, (1, 3), 0):
            for d in (1, 2, 0):
                for p in (0, 1, -1):
                    for s in (1, 2, 0):
                        oo = (o, o) if isinstance(o, int) else o
                        kk = (k, k) if isinstance(k, int) else k
                        nb = 1
                        for i in range(2):
                            nb *= _blocks(oo[i], kk[i], d, p, s) if s > 0 else 0
                        planes = 3 * max(kk[0] * kk[1], 1)
                        length = nb if nb > 0 else 1
                        yield _c(f"edge/Fold/o{o}-k{k}-d{d}-p{p}-s{s}", "Fold", [o, k],
                                 {"dilation": d, "padding": p, "stride": s}, (1, planes, length))
    for o, k, p, shape in [((-1, -1), 2, 0, (1, 4, 1)), ((-1, -1), 2, 1, (1, 4, 1)),
                           ((-1, -1), 2, 2, (1, 4, 4)), ((0, 0), 2, 1, (1, 4, 4)),
                           ((0, 0), 2, 1, (1, 4, 1)), ((0, 1), 1, 0, (1, 4, 1)),
                           ((-1, -1), 2, 0, (1, 4, 4)), ((1, 1), 5, 0, (1, 25, 9)),
                           ((1, 1), 5, 0, (1, 25, 1)), ((1, 1), 2, 1, (1, 12, 4)),
                           ((-3, 3), 2, 0, (1, 4, 1)), ((0, 0), 1, 0, (1, 12, 0))]:
        yield _c(f"edge/Fold/odd-{o}-{k}-{p}-{list(shape)}", "Fold", [o, k], {"padding": p}, shape)
    yield _c("edge/Fold/neg-stride", "Fold", [(-3, 3), 2], {"stride": (-2, 4)}, (1, 4, 1))
    yield _c("edge/Fold/stride-2-4", "Fold", [(3, 3), 2], {"stride": (2, 4)}, (1, 4, 1))
    for name in ("output_size", "kernel_size", "dilation", "padding", "stride"):
        for v in BAD + [(2, 2, 2), (), [4, 4], (True, 2), (2, 2.0), [2, None], "ab"]:
            kwargs = dict(base, **{name: v})
            yield _c(f"edge/Fold/{name}-{v!r}", "Fold", [], kwargs, (1, 12, 12))
    yield _c("edge/Fold/missing-kernel", "Fold", [4], {}, (1, 12, 9))
    yield _c("edge/Fold/badkw", "Fold", [4, 2], {"foo": 1}, (1, 12, 9))
    yield _c("edge/Fold/positional", "Fold", [(4, 5), 2, 1, 0, 1], {}, (1, 12, 12))
    yield _c("edge/Fold/toomany", "Fold", [(4, 5), 2, 1, 0, 1, 1], {}, (1, 12, 12))
    yield _c("edge/Fold/all-bad-values", "Fold", [(3, 3), 0],
             {"dilation": 0, "padding": -1, "stride": 0}, (1, 4, 4))
    yield _c("edge/Fold/bad-d-p", "Fold", [(3, 3), 2], {"dilation": 0, "padding": -1}, (1, 4, 4))
    # huge values: kernel product overflow, int32 block counts, resize_ limits
    for o, k, d, p, s, shape in [
            ((2**31, 1), (2**31, 1), 1, 0, 1, (1, 4, 1)), ((2**31 + 1, 1), 2, 1, 0, 1, (1, 4, 1)),
            ((2**32 + 1, 1), (2, 1), 1, 0, 1, (1, 4, 1)), ((2**32 + 2, 2), (2, 1), 1, 0, 1, (1, 4, 1)),
            ((2**32 + 2, 2), (2, 1), 1, 0, 1, (1, 4, 2)), ((2**32 + 2, 1), (2, 1), 1, 0, 1, (1, 4, 2)),
            ((2**32 + 2, 1), (2, 1), 1, 0, 1, (0, 4, 2)), ((2**32 + 1, 1), (2, 1), 1, 0, (2**32, 1),
                                                           (1, 4, 1)),
            ((2**32 + 2, 1), (2, 1), 1, (0, 2**40), 1, (0, 4, 2)), ((1, 1), 2, 1, (2**31, 0), 1, (1, 4, 1)),
            ((1, 1), 2, 1, (2**30, 0), 1, (1, 4, 1)), (4, 2**32, 1, 0, 1, (1, 12, 9)),
            (4, 2**62, 1, 0, 1, (1, 12, 9)), (4, (2**32, 2**31), 1, 0, 1, (1, 12, 9)),
            (4, (2**63 - 1, 1), 1, 0, 1, (1, 12, 9)), ((70000, 70000), 1, 1, 0, 1, (1, 1, 1)),
            ((2**31 + 5, 3), 1, 1, 0, 1, (1, 1, 1)), ((2**31 - 1, 3), 1, 1, 0, 1, (1, 1, 1)),
            ((1, 1), (2**31, 1), 1, 0, 1, (1, 2**31, 1)), ((2**40, 1), 1, 1, 0, 1, (0, 1, 2**40)),
            ((2**62, 2), 1, 1, 0, 1, (0, 1, 2**63 - 2)), ((2**31, 2**31), 1, 1, 0, 1, (0, 1, 2**62)),
            ((2**40, 2**23), 1, 1, 0, 1, (0, 1, 2**63 - 1)), ((2**33, 1), 1, 1, 0, 1, (1, 1, 2**33)),
            ((2**20, 2**20), 1, 1, 0, 1, (0, 2**20, 2**40))]:
        yield _c(f"edge/Fold/huge-o{o}-k{k}-d{d}-p{p}-s{s}-{list(shape)}", "Fold", [o, k],
                 {"dilation": d, "padding": p, "stride": s}, shape)


UNPOOL_SHAPES = {1: [(), (4,), (3, 4), (1, 3, 4), (0, 3, 4), (1, 0, 4), (1, 3, 0), (3, 0), (0, 4),
                     (1, 3, 4, 5), (1, 1, 3, 4, 5)],
                 2: [(), (5,), (4, 5), (3, 4, 5), (1, 3, 4, 5), (0, 3, 4, 5), (1, 0, 4, 5),
                     (1, 3, 0, 5), (1, 3, 4, 0), (0, 4, 5), (3, 0, 5), (1, 1, 3, 4, 5),
                     (1, 1, 1, 3, 4, 5)],
                 3: [(), (6,), (5, 6), (4, 5, 6), (3, 4, 5, 6), (1, 3, 4, 5, 6), (0, 3, 4, 5, 6),
                     (1, 0, 4, 5, 6), (1, 3, 4, 0, 6), (0, 4, 5, 6), (1, 1, 3, 4, 5, 6)]}


def unpool_cases() -> Iterator[dict]:
    for nd in (1, 2, 3):
        layer = f"MaxUnpool{nd}d"
        shape = UNPOOL_SHAPES[nd][{1: 3, 2: 4, 3: 5}[nd]]
        for s in UNPOOL_SHAPES[nd]:
            for k, kw in ((2, {}), (3, {"stride": 2, "padding": 1}), (1, {})):
                yield _c(f"edge/{layer}/k{k}-{kw}-{list(s)}", layer, [k], kw, s)
        for k in (2, 3, 0, -1):
            for st in (None, 1, 0, -1):
                for p in (0, 1, 3):
                    kwargs = {"padding": p} if st is None else {"stride": st, "padding": p}
                    yield _c(f"edge/{layer}/k{k}-s{st}-p{p}", layer, [k], kwargs, shape)
                    yield _c(f"edge/{layer}/k{k}-s{st}-p{p}-ones", layer, [k], kwargs,
                             shape[:2] + (1,) * nd)
        for name in ("kernel_size", "stride", "padding"):
            values = BAD + ["ab", (2,) * (nd + 1), (2,) * max(nd - 1, 1), (), [1] * nd,
                            (True,) * nd, (2.0,) * nd]
            for v in {repr(v): v for v in values}.values():
                kwargs = {"kernel_size": 2, name: v}
                yield _c(f"edge/{layer}/{name}-{v!r}", layer, [], kwargs, shape)
        spatial = shape[2:]
        default = tuple(2 * n for n in spatial)
        outs = (default, list(default), [*shape[:2], *default], tuple(d + 1 for d in default),
                tuple(d - 1 for d in default), tuple(d + 2 for d in default),
                tuple(d - 2 for d in default), default[:-1], default + (1,), [], None, 5, "ab",
                (7.5,) * nd, tuple(list(default[:-1]) + [9.5]), (True,) * nd,
                tuple([True] + list(default[1:])), [None] * nd, (-1,) * nd)
        for out in {repr(o): o for o in outs}.values():
            yield _c(f"edge/{layer}/output_size-{out!r}", layer, [2], {}, shape,
                     {"output_size": out})
        yield _c(f"edge/{layer}/output_size-neg-ok", layer, [1], {"stride": 2, "padding": 1},
                 shape[:2] + (1,) * nd, {"output_size": (0,) * nd})
        yield _c(f"edge/{layer}/output_size-unbatched", layer, [2], {}, shape[1:],
                 {"output_size": [2 * n + 1 for n in spatial]})
        for ind in (shape[:-1] + (shape[-1] + 1,), shape[1:], shape + (1,), (), [0] + list(shape[1:])):
            yield _c(f"edge/{layer}/indices-{list(ind)}", layer, [2], {}, shape,
                     {"indices": list(ind)})
        yield _c(f"edge/{layer}/indices-unbatched-empty", layer, [2], {}, (3,) + spatial[:-1] + (0,),
                 {"indices": [3, *spatial]})
        for fkw in ({"x": 1}, {"input": 1}, {"output_size": None, "foo": 2}):
            yield _c(f"edge/{layer}/forward-{list(fkw)}", layer, [2], {}, shape, fkw)
        yield _c(f"edge/{layer}/missing", layer, [], {}, shape)
        yield _c(f"edge/{layer}/badkw", layer, [2], {"dilation": 1}, shape)
        yield _c(f"edge/{layer}/toomany", layer, [2, 2, 0, 1], {}, shape)
        yield _c(f"edge/{layer}/kw", layer, [], {"kernel_size": 3, "stride": 1, "padding": 1}, shape)
        # resize_ limits: huge kernels with a zero batch or a single element
        for k, s in ((2**31, (1,) * (nd + 1)), (2**40, (1,) * (nd + 2)), (2**62, (1,) * (nd + 2)),
                     (2**40, (0,) + (1,) * (nd + 1)), (2**62, (0,) + (1,) * (nd + 1)),
                     (2**31, (1,) * (nd + 2)), (2**21, (0, 1) + (1,) * nd)):
            yield _c(f"edge/{layer}/huge-k{k}-{list(s)}", layer, [k], {}, s)
    yield _c("edge/MaxUnpool2d/stride-3-on-2d", "MaxUnpool2d", [2], {"stride": (2, 2, 2)}, (1, 1, 1, 1))
    yield _c("edge/MaxUnpool3d/stride-4", "MaxUnpool3d", [2], {"stride": (2, 2, 2, 2)}, (1, 1, 1, 1, 1))
    yield _c("edge/MaxUnpool3d/float-stride-explicit", "MaxUnpool3d", [2], {"stride": 2.0},
             (1, 1, 1, 1, 1), {"output_size": (2, 2, 2)})
    yield _c("edge/MaxUnpool3d/float-pad-explicit", "MaxUnpool3d", [2], {"padding": 2.0},
             (1, 1, 1, 1, 1), {"output_size": (0, 0, 0)})
    yield _c("edge/MaxUnpool2d/1-kernel-5d", "MaxUnpool2d", [(2,)], {}, (1, 1, 3, 4, 5))
    yield _c("edge/MaxUnpool2d/3-kernel-5d", "MaxUnpool2d", [(2, 2, 2)], {"padding": (0, 0, 0)},
             (1, 1, 3, 4, 5))
    yield _c("edge/MaxUnpool2d/huge-output", "MaxUnpool2d", [2**40], {}, (1, 1, 1, 1),
             {"output_size": (2**40 + 1, 2**40 - 1)})
    yield _c("edge/MaxUnpool2d/huge-stride-zero-batch", "MaxUnpool2d", [2**40], {"stride": 1},
             (0, 1, 2**20, 1))


def random_cases(seed: int = 3141, n: int = 160) -> Iterator[dict]:
    rng = random.Random(seed)
    for i in range(n):
        kind = rng.choice(["PixelShuffle", "PixelUnshuffle", "ChannelShuffle", "Unfold", "Fold",
                           "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d"])
        if kind in ("PixelShuffle", "PixelUnshuffle", "ChannelShuffle"):
            r = rng.choice([1, 2, 2, 3, 4, 0, -1])
            shape = [rng.choice([0, 1, 2, 3, 4, 6, 8, 9, 12, 16]) for _ in range(rng.randint(2, 6))]
            yield _c(f"rand/{kind}/{i}", kind, [r], {}, shape)
        elif kind == "Unfold":
            shape = [rng.randint(0, 3), rng.randint(1, 4), rng.randint(1, 9), rng.randint(1, 9)]
            if rng.random() < 0.2:
                shape = shape[1:]
            kwargs = {"kernel_size": (rng.randint(1, 4), rng.randint(1, 4)),
                      "dilation": rng.choice([1, 1, 2, (1, 3)]), "padding": rng.choice([0, 0, 1, 2]),
                      "stride": rng.choice([1, 1, 2, 3, (2, 1)])}
            yield _c(f"rand/Unfold/{i}", "Unfold", [], kwargs, shape)
        elif kind == "Fold":
            o = (rng.randint(1, 9), rng.randint(1, 9))
            k = (rng.randint(1, 3), rng.randint(1, 3))
            d, p, s = rng.choice([1, 1, 2]), rng.choice([0, 0, 1]), rng.choice([1, 1, 2, 3])
            nb = _blocks(o[0], k[0], d, p, s) * _blocks(o[1], k[1], d, p, s)
            length = nb if rng.random() < 0.8 and nb > 0 else rng.randint(1, 30)
            c = rng.randint(1, 3) * k[0] * k[1] + (rng.random() < 0.1)
            shape = [rng.randint(0, 2), c, length] if rng.random() < 0.8 else [c, length]
            yield _c(f"rand/Fold/{i}", "Fold", [o, k], {"dilation": d, "padding": p, "stride": s},
                     shape)
        else:
            nd = int(kind[-2])
            k = rng.randint(1, 4)
            s = rng.choice([None, 1, 2, 3])
            p = rng.randint(0, (k - 1) // 2 + 1)
            spatial = [rng.randint(1, 5) for _ in range(nd)]
            shape = [rng.randint(0, 2), rng.randint(1, 3)] + spatial
            fkw = {}
            if rng.random() < 0.3:
                stride = s or k
                fkw["output_size"] = [(n - 1) * stride + k - 2 * p + rng.randint(-stride, stride)
                                      for n in spatial]
            kwargs = {"padding": p} if s is None else {"stride": s, "padding": p}
            yield _c(f"rand/{kind}/{i}", kind, [k], kwargs, shape, fkw)


def cases() -> Iterator[dict]:
    yield from shuffle_cases()
    yield from unfold_cases()
    yield from fold_cases()
    yield from unpool_cases()
    yield from random_cases()
