"""Cross-check cases for Linear, reshaping, normalisation, dropout and activation layers.

Written independently of the family generators (oracle/cases/reshape.py,
norm.py, activation.py): every constructor argument drawn from a wide menu of
forms (ints over wide ranges, floats, bools, None, strings, lists vs tuples,
one-element and empty lists, negatives, NaN/inf, huge values with a zero
batch), passed positionally or by keyword, inputs of every rank 0-6 with zero
sizes, and unknown forward keyword arguments. The first part keeps every
mismatch the cross-check found (and literal edge cases); the second part is
seeded random configurations.
"""

from __future__ import annotations

import random

BN = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d"]
IN = ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"]
DROP = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout"]
PLAIN = ["ReLU", "SELU", "SiLU", "Mish", "Hardswish", "Hardsigmoid", "ReLU6"]
NOARG = ["Sigmoid", "Tanh"]
ACT = PLAIN + NOARG + ["LeakyReLU", "PReLU", "ELU", "CELU", "GELU", "Hardtanh", "Softplus",
                       "Softmax", "LogSoftmax"]
ALL = ["Linear", "Flatten", "Unflatten", "Identity", *BN, *IN, "GroupNorm", "LayerNorm", *DROP, *ACT]

#: positional order of each constructor (torch.nn's signatures)
SIG = {
    "Linear": ["in_features", "out_features", "bias", "device", "dtype"],
    "Flatten": ["start_dim", "end_dim"],
    "Unflatten": ["dim", "unflattened_size"],
    "Identity": [],
    **{m: ["num_features", "eps", "momentum", "affine", "track_running_stats"] for m in BN + IN},
    "GroupNorm": ["num_groups", "num_channels", "eps", "affine"],
    "LayerNorm": ["normalized_shape", "eps", "elementwise_affine", "bias"],
    **{m: ["p", "inplace"] for m in DROP},
    **{m: ["inplace"] for m in PLAIN},
    **{m: [] for m in NOARG},
    "LeakyReLU": ["negative_slope", "inplace"],
    "PReLU": ["num_parameters", "init"],
    "ELU": ["alpha", "inplace"],
    "CELU": ["alpha", "inplace"],
    "GELU": ["approximate"],
    "Hardtanh": ["min_val", "max_val", "inplace", "min_value", "max_value"],
    "Softplus": ["beta", "threshold"],
    "Softmax": ["dim"],
    "LogSoftmax": ["dim"],
}
HUGE = [2**31, 2**31 - 1, 2**32 + 1, 2**63 - 1, 2**63, 10**20, -2**63 - 1]
NAN, INF = float("nan"), float("inf")


def _case(cid, layer, kwargs=None, inp=(), args=(), fkw=None):
    return {"id": cid, "layer": layer, "args": list(args), "kwargs": dict(kwargs or {}),
            "input": list(inp), "forward_kwargs": dict(fkw or {})}


# --------------------------------------------------------------------------- edge cases

def edge_cases():
    """Literal cases: every mismatch the cross-check found, and hand-picked corners."""
    E = "edge"
    # found by a live hypothesis run: instance norm with running stats on an empty batch
    yield _case(f"{E}/InstanceNorm1d/stats-empty-batch", "InstanceNorm1d",
                {"num_features": 1, "track_running_stats": True, "eps": 0, "momentum": None}, [0, 0])
    for shp in ([0, 0, 0], [0, 0, 4], [2, 0, 4], [0, 2, 4], [0, 0]):  # found by test_live_norm
        for nf in (1, 3):
            yield _case(f"{E}/InstanceNorm1d/stats-nf{nf}-{'x'.join(map(str, shp))}", "InstanceNorm1d",
                        {"num_features": nf, "track_running_stats": True}, shp)
    for layer, shp in (("InstanceNorm1d", [0, 3, 5]), ("InstanceNorm2d", [0, 3, 4, 4]),
                       ("InstanceNorm3d", [0, 3, 2, 2, 2]), ("InstanceNorm1d", [0, 5]),
                       ("InstanceNorm1d", [2, 0, 5]), ("InstanceNorm1d", [0, 0, 5]),
                       ("InstanceNorm2d", [0, 4, 4]), ("InstanceNorm1d", [3, 0])):
        for tr in (True, False):
            for aff in (True, False):
                yield _case(f"{E}/{layer}/empty-{'x'.join(map(str, shp))}-t{int(tr)}a{int(aff)}", layer,
                            {"num_features": 3, "track_running_stats": tr, "affine": aff}, shp)


def fixed_cases():
    """One literal case per mismatch class the cross-check found and fixed."""
    F = "edge/fixed"
    x2 = [2, 3]
    # forward keyword arguments: Python's message names the class defining forward in torch
    for layer, kw in (("ReLU6", {}), ("BatchNorm2d", {"num_features": 3}), ("InstanceNorm1d", {"num_features": 3}),
                      ("Sigmoid", {}), ("Linear", {"in_features": 3, "out_features": 2}), ("Identity", {}),
                      ("LogSoftmax", {"dim": 1}), ("Dropout3d", {}), ("GroupNorm", {"num_groups": 1, "num_channels": 3}),
                      ("LayerNorm", {"normalized_shape": 3}), ("Flatten", {}), ("PReLU", {})):
        shp = [2, 3, 4, 4] if layer == "BatchNorm2d" else [2, 3, 4] if "Norm" in layer else x2
        for fk in ({"x": 1}, {"input": 1}, {"dim": 1, "x": 2}):
            yield _case(f"{F}/{layer}/fkw-{'-'.join(fk)}", layer, kw, shp, fkw=fk)
    # Scalar arguments: int beyond int64/uint64, then float32 range, in argument order
    for layer, name in (("LeakyReLU", "negative_slope"), ("ELU", "alpha"), ("CELU", "alpha"), ("Softplus", "beta"),
                        ("Softplus", "threshold"), ("Hardtanh", "max_val"), ("PReLU", "init")):
        for v in (2**63 - 1, 2**63, 2**64 - 1, 2**64, -2**63, -2**63 - 1, 10**20, 1e39, -1e39, 3.5e38):
            kw = {name: v}
            if layer == "Hardtanh":
                kw["min_val"] = -INF
            yield _case(f"{F}/{layer}/{name}-{v!r}", layer, kw, x2)
    yield _case(f"{F}/Softplus/both-bad", "Softplus", {"beta": 1e39, "threshold": 10**20}, x2)
    yield _case(f"{F}/Hardtanh/both-bad", "Hardtanh", {"min_val": -1e39, "max_val": 2**64}, x2)
    # inplace=True calls the underscore variant, whose name the parser's messages carry
    for layer, name in (("LeakyReLU", "negative_slope"), ("ELU", "alpha"), ("CELU", "alpha")):
        for inplace in (True, 1, 0):
            for v in ("0.1", 1e39, 10**20):
                yield _case(f"{F}/{layer}/inplace{inplace!r}-{v!r}", layer, {name: v, "inplace": inplace}, x2)
    yield _case(f"{F}/Hardtanh/inplace-overflow", "Hardtanh", {"min_val": -1e39, "inplace": True}, x2)
    # PReLU's init as a sequence: the parser describes the element types
    for v in ([0.1], (0.1, 2), [], (), [1, "a"], [[1]], ((1,),), None, "x"):
        yield _case(f"{F}/PReLU/init-{v!r}", "PReLU", {"init": v}, x2)
    # int arguments beyond int64: the parser's ValueError
    for v in (2**63, -2**63 - 1, 10**20):
        yield _case(f"{F}/Softmax/dim-{v}", "Softmax", {"dim": v}, x2)
        yield _case(f"{F}/Flatten/start-{v}", "Flatten", {"start_dim": v}, x2)
        yield _case(f"{F}/Flatten/end-{v}-type", "Flatten", {"start_dim": v, "end_dim": "x"}, x2)
        yield _case(f"{F}/Unflatten/dim-{v}", "Unflatten", {"dim": v, "unflattened_size": [3]}, x2)
        yield _case(f"{F}/GroupNorm/groups-{v}", "GroupNorm", {"num_groups": v, "num_channels": 0, "affine": False}, x2)
    # size lists: only element 0's type is checked up front, the others when unpacked
    for sz in ([1, 2.0], [True], [2, True], [1.0], [2, None], [2, "a"], [], [True, 2], (2.0,), (2, 2.0),
               [2, -1], [-1, 2], [2**62, 4], [2**63 - 1], [3, 2**62, 0]):
        yield _case(f"{F}/PReLU/size-{sz!r}", "PReLU", {"num_parameters": sz}, [2, 3, 4])
        yield _case(f"{F}/BatchNorm1d/size-{sz!r}", "BatchNorm1d", {"num_features": sz}, [2, 3, 4])
        yield _case(f"{F}/LayerNorm/size-{sz!r}", "LayerNorm", {"normalized_shape": sz}, [2, 3, 4])
        yield _case(f"{F}/LayerNorm/noaff-{sz!r}", "LayerNorm", {"normalized_shape": sz,
                                                                "elementwise_affine": False}, [2, 3, 4])
    for v in (2**63 - 1, 2**62):  # (-2**63 is a symbolic int to torch: not modelled)
        yield _case(f"{F}/Linear/out-{v}", "Linear", {"in_features": 3, "out_features": v}, [0, 3])
        yield _case(f"{F}/Linear/in-{v}", "Linear", {"in_features": v, "out_features": 0}, [0, 3])
        yield _case(f"{F}/BatchNorm1d/nf-{v}", "BatchNorm1d", {"num_features": v, "affine": False}, [0, 3])
    # 0-d and multi-dim statistics (num_features given as a size list)
    for layer, shp in (("InstanceNorm1d", [0, 0, 4]), ("InstanceNorm1d", [0, 1, 4]), ("InstanceNorm1d", [2, 1, 4]),
                       ("InstanceNorm1d", [1, 0, 4]), ("BatchNorm1d", [0, 1, 4]), ("BatchNorm2d", [1, 1, 1, 0])):
        for nf in ((), [1, 3], [3]) if layer.startswith("Instance") else ((), [3]):
            for tr, aff in ((True, False), (False, True), (True, True)):
                yield _case(f"{F}/{layer}/nf{nf!r}-{'x'.join(map(str, shp))}-t{int(tr)}a{int(aff)}", layer,
                            {"num_features": nf, "track_running_stats": tr, "affine": aff}, shp)


# --------------------------------------------------------------------------- values

#: huge values that fail before torch allocates anything (a size of 2**31 would really be allocated)
HUGE_SIZE = [-2**31, -2**40, -2**63, 2**63, 10**20]


def _odd_int(rng: random.Random, good: int, size: bool = True):
    """A degenerate value where torch expects one int (``size``: a parameter's size)."""
    huge = rng.choice(HUGE_SIZE if size else HUGE)
    return rng.choice([0, -1, -rng.randint(2, 300), True, False, 2.0, 2.5, None, "3", "",
                       [good], (good,), [], (), [good, good], huge, NAN, INF, -0.0])


def _int_arg(rng, lo, hi, odd_p):
    good = rng.randint(lo, hi)
    return _odd_int(rng, good, size=False) if rng.random() < odd_p else good


def _float_arg(rng, good, odd_p):
    """A float argument (eps, momentum, alpha, p ...), sometimes a degenerate one."""
    if rng.random() >= odd_p:
        return good
    return rng.choice([0, 0.0, -0.0, 1, -1, 2, 0.5, 1.5, -1e-5, 1e-300, True, False, None, "0.1",
                       [0.1], (0.1,), NAN, INF, -INF, 1e39, -1e39, 3.5e38, 10**20, 2**63])


def _bool_arg(rng, odd_p):
    if rng.random() >= odd_p:
        return rng.choice([True, False])
    return rng.choice([0, 1, 2, None, "yes", "", 0.0, [], [0], NAN])


def _shape(rng, prefer=None, huge_from=1):
    """An input shape: the preferred ranks mostly, any rank 0..6 sometimes (huge sizes with a
    zero batch only from dim ``huge_from`` on)."""
    if prefer and rng.random() < 0.75:
        rank = rng.choice(prefer)
    else:
        rank = rng.randint(0, 6)
    cap = rng.choice([1, 3, 8, 40, 300]) if rank <= 2 else rng.choice([1, 2, 4, 9])
    shape = [rng.randint(1, cap) for _ in range(rank)]
    r = rng.random()
    if r < 0.15 and shape:
        shape[rng.randrange(rank)] = 0
    elif r < 0.22 and rank > huge_from:
        shape[0] = 0
        shape[rng.randrange(huge_from, rank)] = rng.choice([2**31 + 1, 3 * 10**9, 10**6, 2**40])
    elif r < 0.35 and shape:
        shape[0] = 1
    numel = 1
    for d in shape:
        numel *= d
    if numel > 2_000_000:
        shape = [min(d, 30) for d in shape]
    return shape


def _split(rng, layer, kw):
    """Pass a prefix of the signature positionally, the rest by keyword."""
    args = []
    if rng.random() < 0.45:
        for name in SIG[layer]:
            if name in kw and rng.random() < 0.85:
                args.append(kw.pop(name))
            else:
                break
    return args, kw


def _channels_like(rng, shape, dim):
    """A feature count that matches the input's dim most of the time."""
    if len(shape) > dim and rng.random() < 0.7 and shape[dim] <= 100_000:
        return shape[dim]  # (a huge matching size would really be allocated by torch)
    return rng.randint(0, 12)


# --------------------------------------------------------------------------- per layer

def _rand(rng, layer):
    """(kwargs, input_shape, forward_kwargs) for one random case of ``layer``."""
    odd = rng.choice([0.0, 0.05, 0.15, 0.4])
    kw: dict = {}
    if layer in BN or layer in IN:
        n = int(layer[-2])
        if layer in BN:
            ranks = [2, 3] if n == 1 else [n + 2]
        else:
            ranks = [n + 1, n + 2]
        # torch allocates per-channel statistics even for an empty batch (memory-dependent)
        shape = _shape(rng, ranks, huge_from=2)
        cdim = 1 if (layer in BN or len(shape) == n + 2) else 0
        kw["num_features"] = (_channels_like(rng, shape, cdim) if rng.random() >= odd
                              else _odd_int(rng, 3))
        if rng.random() < 0.4:
            kw["eps"] = _float_arg(rng, rng.choice([1e-5, 1e-3, 0.1]), odd)
        if rng.random() < 0.4:
            kw["momentum"] = _float_arg(rng, rng.choice([0.1, None, 0.5, 1.0]), odd)
        if rng.random() < 0.5:
            kw["affine"] = _bool_arg(rng, odd)
        if rng.random() < 0.5:
            kw["track_running_stats"] = _bool_arg(rng, odd)
        if rng.random() < 0.15:
            kw["bias"] = _bool_arg(rng, odd)
        return kw, shape, {}
    if layer == "GroupNorm":
        shape = _shape(rng, [2, 3, 4, 5], huge_from=2)
        c = _channels_like(rng, shape, 1)
        divs = [g for g in range(1, max(c, 1) + 1) if c % g == 0] or [1]
        kw["num_groups"] = rng.choice(divs) if rng.random() >= odd else _odd_int(rng, 2)
        kw["num_channels"] = c if rng.random() >= odd else _odd_int(rng, c)
        if rng.random() < 0.3:
            kw["eps"] = _float_arg(rng, 1e-5, odd)
        if rng.random() < 0.4:
            kw["affine"] = _bool_arg(rng, odd)
        if rng.random() < 0.15:
            kw["bias"] = _bool_arg(rng, odd)
        return kw, shape, {}
    if layer == "LayerNorm":
        shape = _shape(rng, [1, 2, 3, 4])
        k = rng.randint(0, min(3, len(shape))) if shape else 0
        ns = list(shape[len(shape) - k:]) if k else [rng.randint(1, 9)]
        if rng.random() < 0.25 and ns:
            ns[rng.randrange(len(ns))] = rng.randint(0, 9)
        r = rng.random()
        if r < 0.25 and len(ns) == 1:
            norm = ns[0]
        elif r < 0.5:
            norm = tuple(ns)
        elif r < 0.5 + odd:
            norm = rng.choice([[], (), -1, [-2], [3, -1], [2.0], [True], [2, True], "3", None, 2.5,
                               [[3]], [None], torch_size_like(ns)])
        else:
            norm = ns
        kw["normalized_shape"] = norm
        if any(isinstance(v, int) and v > 100_000 for v in (ns if isinstance(ns, list) else [])):
            kw["elementwise_affine"] = False  # torch would really allocate a huge weight
        if rng.random() < 0.3:
            kw["eps"] = _float_arg(rng, 1e-5, odd)
        if rng.random() < 0.4 and "elementwise_affine" not in kw:
            kw["elementwise_affine"] = _bool_arg(rng, odd)
        if rng.random() < 0.3:
            kw["bias"] = _bool_arg(rng, odd)
        return kw, shape, {}
    if layer == "Linear":
        shape = _shape(rng, [1, 2, 3])
        kw["in_features"] = (_channels_like(rng, shape, len(shape) - 1 if shape else 0)
                             if rng.random() >= odd else _odd_int(rng, 4))
        kw["out_features"] = rng.randint(0, 300) if rng.random() >= odd else _odd_int(rng, 5)
        if rng.random() < 0.3:
            kw["bias"] = _bool_arg(rng, odd)
        return kw, shape, {}
    if layer == "Flatten":
        shape = _shape(rng)
        if rng.random() < 0.7:
            kw["start_dim"] = _int_arg(rng, -7, 6, odd)
        if rng.random() < 0.7:
            kw["end_dim"] = _int_arg(rng, -7, 6, odd)
        return kw, shape, {}
    if layer == "Unflatten":
        shape = _shape(rng)
        dim = rng.randint(-len(shape) - 1, len(shape)) if rng.random() < 0.9 else _odd_int(rng, 1, size=False)
        kw["dim"] = dim
        target = shape[dim] if isinstance(dim, int) and not isinstance(dim, bool) and -len(shape) <= dim < len(shape) else rng.randint(0, 12)
        fac = _factor(rng, target)
        r = rng.random()
        if r < odd:
            fac = rng.choice([[], (), [-1, -1], [0, -1], [-2, target], [2.0, 3], [True, 2], [2, True],
                              [None], 6, "23", [target, 1, -1], [[2]], [2**63, 0]])
        elif r < 0.3:
            fac[rng.randrange(len(fac))] = -1
        elif r < 0.45:
            fac = [rng.randint(0, 6) for _ in range(rng.randint(1, 3))]
        kw["unflattened_size"] = tuple(fac) if isinstance(fac, list) and rng.random() < 0.5 else fac
        return kw, shape, {}
    if layer == "Identity":
        shape = _shape(rng)
        if rng.random() < 0.5:
            kw = {rng.choice(["a", "in_features", "x"]): rng.choice([1, None, "s"])}
        return kw, shape, {}
    if layer in DROP:
        shape = _shape(rng, {"Dropout1d": [2, 3], "Dropout2d": [3, 4], "Dropout3d": [4, 5]}.get(layer))
        if rng.random() < 0.8:
            kw["p"] = _float_arg(rng, rng.choice([0.0, 0.1, 0.5, 1.0, 1, 0]), max(odd, 0.1))
        if rng.random() < 0.3:
            kw["inplace"] = _bool_arg(rng, odd)
        return kw, shape, {}
    shape = _shape(rng)
    if layer in PLAIN:
        if rng.random() < 0.3:
            kw["inplace"] = _bool_arg(rng, odd)
    elif layer in NOARG:
        if rng.random() < odd:
            kw = rng.choice([{"inplace": True}, {"dim": 1}])
    elif layer in ("LeakyReLU", "ELU", "CELU"):
        name = "negative_slope" if layer == "LeakyReLU" else "alpha"
        if rng.random() < 0.8:
            kw[name] = _float_arg(rng, rng.choice([0.01, 1.0, 0.2, -1.0, 0]), max(odd, 0.2))
        if rng.random() < 0.2:
            kw["inplace"] = _bool_arg(rng, odd)
    elif layer == "PReLU":
        shape = _shape(rng, [1, 2, 3, 4])
        if rng.random() < 0.8:
            kw["num_parameters"] = (rng.choice([1, _channels_like(rng, shape, 1 if len(shape) >= 2 else 0)])
                                    if rng.random() >= odd else
                                    rng.choice([_odd_int(rng, 3), [3], [2, 3], (1,), [], [True], [1, 2.0]]))
        if rng.random() < 0.3:
            kw["init"] = _float_arg(rng, 0.25, max(odd, 0.2))
    elif layer == "GELU":
        if rng.random() < 0.7:
            kw["approximate"] = rng.choice(["none", "tanh"]) if rng.random() >= odd else rng.choice(
                ["None", "Tanh", "", "exact", None, 1, True, ["tanh"]])
    elif layer == "Hardtanh":
        for name in ("min_val", "max_val", "min_value", "max_value"):
            if rng.random() < (0.5 if name.endswith("val") else 0.15):
                good = rng.choice([-1.0, 0.0, 1.0, 6.0, -3, 2])
                kw[name] = _float_arg(rng, good, max(odd, 0.1))
        if rng.random() < 0.2:
            kw["inplace"] = _bool_arg(rng, odd)
    elif layer == "Softplus":
        for name in ("beta", "threshold"):
            if rng.random() < 0.6:
                kw[name] = _float_arg(rng, rng.choice([1.0, 2, 0.5, 20.0, 0, -1]), max(odd, 0.2))
    elif layer in ("Softmax", "LogSoftmax"):
        if rng.random() < 0.85:
            kw["dim"] = _int_arg(rng, -len(shape) - 1, len(shape), odd)
    return kw, shape, {}


def torch_size_like(ns):
    """A plain tuple standing for torch.Size (JSON cannot carry a torch.Size)."""
    return tuple(ns)


def _factor(rng, n):
    """Split n into 1-3 factors (a list)."""
    if n <= 1:
        return [n] + ([1] if rng.random() < 0.5 else [])
    out = []
    rest = n
    for _ in range(rng.randint(0, 2)):
        divs = [d for d in range(2, min(rest, 64) + 1) if rest % d == 0]
        if not divs:
            break
        d = rng.choice(divs)
        out.append(d)
        rest //= d
    out.append(rest)
    rng.shuffle(out)
    return out


def _unreproducible(case) -> bool:
    """torch appends a C++ backtrace (with addresses) to some messages: such a case can never
    replay to the letter, so it is left out (conv-calc gives the message without it)."""
    from tests.golden_cases import conv_calc_outcome  # noqa: PLC0415 - only to filter

    msg = conv_calc_outcome(case).get("message", "")
    return msg.startswith("unflatten got an unexpected error") or "Overflow when unpacking" in msg


def random_cases(count: int, seed: int, layers=None):
    rng = random.Random(seed)
    layers = layers or ALL
    i = 0
    while i < count:
        layer = rng.choice(layers)
        kw, shape, fkw = _rand(rng, layer)
        if rng.random() < 0.03:
            fkw = {rng.choice(["dim", "inplace", "output_size", "x", "input"]): 1}
        if rng.random() < 0.02:
            kw[rng.choice(["foo", "inplace", "dim", "bias"])] = rng.choice([1, None, "cpu"])
        args, kw = _split(rng, layer, kw)
        case = _case(f"rand/{layer}/{seed}-{i:04d}", layer, kw, shape, args, fkw)
        if _unreproducible(case):
            continue
        i += 1
        yield case


def cases():
    yield from edge_cases()
    yield from (c for c in fixed_cases() if not _unreproducible(c))
    yield from random_cases(1500, 20240614)
