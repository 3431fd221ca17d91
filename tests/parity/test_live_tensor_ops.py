"""Live parity: tensor functions (conv_calc.nn.FUNCTIONS) in conv-calc vs real torch.

Skipped when torch is not installed. Arguments are drawn the way a stack file or a
careless caller could write them: ints (some beyond +-2**62), floats, bools, None,
strings, tuples and lists, by position or by keyword. Two things are kept out, as in
oracle/cases/tensor_ops.py: ints beyond int64 (torch's message then carries a C++
backtrace), and two keywords on view/squeeze/div, whose "invalid combination"
message lists keywords in torch's hash-map order.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oracle.codec import encode
from tests.golden_cases import conv_calc_outcome, describe

torch = pytest.importorskip("torch")
from oracle.torch_oracle import run_case  # noqa: E402  (after the torch check)

SHAPE = st.lists(st.integers(0, 5), max_size=4)
BIG = st.sampled_from([2**62, 2**63 - 1, -2**63, -2**62 - 1, -2**62])
SIZE = st.one_of(st.integers(-3, 8), BIG)
ODD = st.sampled_from([1.0, True, False, None, "a", 2.5])
DIM = st.one_of(st.integers(-5, 5), st.integers(-5, 5), ODD)
INT_SEQ = st.one_of(st.lists(st.integers(-5, 5), max_size=4),
                    st.lists(st.integers(-5, 5), max_size=4).map(tuple))
ANY_SEQ = st.one_of(INT_SEQ, st.lists(st.one_of(st.integers(-5, 5), ODD), max_size=3).map(tuple))
DIM_ARG = st.one_of(DIM, ANY_SEQ)

ELEMENTWISE = ["torch.add", "torch.sub", "torch.mul", "torch.div"]
FUNCTIONS = ELEMENTWISE + ["torch.flatten", "Tensor.flatten", "Tensor.reshape", "Tensor.view",
                           "Tensor.permute", "Tensor.transpose", "Tensor.squeeze", "Tensor.unsqueeze",
                           "Tensor.chunk", "Tensor.split", "Tensor.mean", "Tensor.sum", "Tensor.amax"]


@st.composite
def _broadcastable(draw, shape):
    """A shape that broadcasts with ``shape`` more often than not."""
    tail = shape[draw(st.integers(0, len(shape))):]
    return [d if draw(st.integers(0, 9)) < 7 else draw(st.sampled_from([1, 0, d + 1])) for d in tail]


def _maybe_keyword(draw, name: str, args: list, allow: bool = True) -> tuple[list, dict]:
    """Move the last positional argument to a keyword (sometimes a misspelt one)."""
    if allow and args and draw(st.integers(0, 3)) == 0:
        key = draw(st.sampled_from([name, name, "foo"]))
        return args[:-1], {key: args[-1]}
    return args, {}


@st.composite
def function_cases(draw):
    fn = draw(st.sampled_from(FUNCTIONS))
    shape = draw(SHAPE)
    case = {"id": "live", "function": fn, "inputs": [shape], "args": [], "kwargs": {}}
    if fn in ELEMENTWISE:
        others = [draw(_broadcastable(shape)) for _ in range(draw(st.integers(1, 3)))]
        case["inputs"] = [shape, *others]
        if len(others) > 1:
            case["fold"] = True
        elif fn == "torch.div" and draw(st.booleans()):
            case["kwargs"] = {"rounding_mode": draw(st.sampled_from([None, "trunc", "floor", "x", 1]))}
    elif fn in ("torch.flatten", "Tensor.flatten"):
        args = draw(st.lists(DIM, max_size=3))
        case["args"], case["kwargs"] = _maybe_keyword(draw, draw(st.sampled_from(["start_dim", "end_dim"])), args)
    elif fn in ("Tensor.reshape", "Tensor.view"):
        sizes = draw(st.lists(SIZE, max_size=4))
        if draw(st.integers(0, 4)) == 0:
            sizes[draw(st.integers(0, max(len(sizes) - 1, 0))):] = [draw(ODD)]
        form = draw(st.sampled_from(["varargs", "tuple", "list", "keyword"]))
        if form == "varargs":
            case["args"] = sizes
        elif form == "keyword":
            case["kwargs"] = {"shape" if fn == "Tensor.reshape" else "size": tuple(sizes)}
        else:
            case["args"] = [tuple(sizes) if form == "tuple" else sizes]
        if fn == "Tensor.view" and len(shape) > 1 and draw(st.booleans()):
            case["input_permute"] = draw(st.permutations(range(len(shape))))
    elif fn == "Tensor.permute":
        dims = draw(st.permutations(range(len(shape))))
        if draw(st.booleans()):
            dims = draw(st.lists(DIM, max_size=5))
        case["args"] = dims if draw(st.booleans()) else [tuple(dims)]
    elif fn == "Tensor.transpose":
        case["args"], case["kwargs"] = _maybe_keyword(draw, "dim1", [draw(DIM), draw(DIM)])
    elif fn == "Tensor.squeeze":
        args = draw(st.one_of(st.just([]), st.lists(DIM_ARG, min_size=1, max_size=1),
                              st.lists(st.integers(-5, 5), min_size=2, max_size=3)))
        case["args"], case["kwargs"] = _maybe_keyword(draw, "dim", args)
    elif fn == "Tensor.unsqueeze":
        case["args"], case["kwargs"] = _maybe_keyword(draw, "dim", [draw(DIM)])
    elif fn == "Tensor.chunk":
        args = [draw(st.one_of(st.integers(-1, 8), ODD, BIG))] + draw(st.lists(DIM, max_size=1))
        case["args"], case["kwargs"] = _maybe_keyword(draw, "dim", args)
    elif fn == "Tensor.split":
        size = draw(st.one_of(st.integers(-1, 7), ODD, BIG, st.lists(st.one_of(st.integers(-1, 6), BIG), max_size=4),
                              st.lists(st.integers(0, 6), max_size=3).map(tuple)))
        args = [size] + draw(st.lists(DIM, max_size=1))
        case["args"], case["kwargs"] = _maybe_keyword(draw, "dim", args)
    else:
        args = [draw(st.one_of(st.none(), DIM_ARG))]
        if draw(st.booleans()):
            args.append(draw(st.one_of(st.booleans(), ODD)))
        case["args"] = args
        if draw(st.integers(0, 3)) == 0:
            names = ["dim", "keepdim"][:len(args)]
            case["args"], case["kwargs"] = [], dict(zip(names, args))
    return case


def _strip_backtrace(outcome: dict) -> dict:
    if "message" in outcome:
        outcome = dict(outcome, message=outcome["message"].split("\nException raised from")[0])
    return outcome


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(function_cases())
def test_tensor_functions_match_live_torch(case):
    record = run_case(torch, encode(case))
    if record is None:  # torch cannot create the inputs
        return
    got = conv_calc_outcome(case)
    hinted = got.pop("_hinted", None)
    assert got == _strip_backtrace(record["expect"]), describe(case)
    if "stage" in got:
        assert hinted, f"{describe(case)}: the error carries no hint"
