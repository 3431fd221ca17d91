"""Tensor functions (conv_calc.nn.FUNCTIONS): shape tables, errors, hints.

Every expected value below was observed with torch 2.13.0 (CPU); the thousands of
generated cases are in tests/golden/torch_tensor_ops.jsonl.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conv_calc import nn
from conv_calc.errors import LayerError
from conv_calc.nn.arg_parser import Signature
from conv_calc.nn.tensor_ops import contiguous_strides, elementwise

F = nn.FUNCTIONS


@pytest.mark.parametrize("name, inputs, args, kwargs, expected", [
    ("torch.add", [(8, 1, 6, 1), (7, 1, 5)], (), {}, (8, 7, 6, 5)),
    ("torch.mul", [(8, 64, 7, 7), (8, 64, 1, 1)], (), {}, (8, 64, 7, 7)),
    ("torch.sub", [(2, 1), (1, 0)], (), {}, (2, 0)),
    ("torch.div", [(), (2, 3)], (), {"rounding_mode": "trunc"}, (2, 3)),
    ("torch.flatten", [(2, 3, 4)], (1,), {}, (2, 12)),
    ("torch.flatten", [()], (), {}, (1,)),
    ("Tensor.flatten", [(2, 3, 4)], (), {"end_dim": 1}, (6, 4)),
    ("Tensor.reshape", [(2, 3, 4)], (6, -1), {}, (6, 4)),
    ("Tensor.reshape", [(2, 3, 4)], ([-1, 12],), {}, (2, 12)),
    ("Tensor.reshape", [(2, 3, 4)], (1, True, -1), {}, (1, 1, 24)),
    ("Tensor.view", [(2, 3, 4)], (), {"size": (4, -1)}, (4, 6)),
    ("Tensor.view", [(1,)], ((),), {}, ()),
    ("Tensor.permute", [(2, 3, 4)], (-1, 0, 1), {}, (4, 2, 3)),
    ("Tensor.permute", [()], ((),), {}, ()),
    ("Tensor.transpose", [(2, 3, 4)], (0,), {"dim1": 1}, (3, 2, 4)),
    ("Tensor.squeeze", [(2, 1, 4)], (), {}, (2, 4)),
    ("Tensor.squeeze", [(2, 1, 4)], (1, 2), {}, (2, 4)),
    ("Tensor.squeeze", [(2, 1, 4)], (0,), {}, (2, 1, 4)),
    ("Tensor.unsqueeze", [(2, 3, 4)], (-4,), {}, (1, 2, 3, 4)),
    ("Tensor.chunk", [(10,)], (6,), {}, ((2,), (2,), (2,), (2,), (2,))),
    ("Tensor.chunk", [(13,)], (6,), {}, ((3,), (3,), (3,), (3,), (1,))),
    ("Tensor.chunk", [(0,)], (3,), {}, ((0,), (0,), (0,))),
    ("Tensor.chunk", [(10,)], (2**62,), {}, ((1,),) * 10),
    ("Tensor.split", [(10,)], (3,), {}, ((3,), (3,), (3,), (1,))),
    ("Tensor.split", [(4, 6)], (2,), {"dim": 1}, ((4, 2),) * 3),
    ("Tensor.split", [(0,)], ([],), {}, ()),
    ("Tensor.split", [(5,)], ([2**63 - 1, 2**63 - 1, 7],), {}, ((5,), (0,), (2,))),
    ("Tensor.mean", [(8, 64, 7, 7)], ((2, 3),), {"keepdim": True}, (8, 64, 1, 1)),
    ("Tensor.mean", [(2, 3, 4)], (None, True), {}, (1, 1, 1)),
    ("Tensor.sum", [(2, 3, 4)], (), {"axis": 1, "keepdims": True}, (2, 1, 4)),
    ("Tensor.sum", [(2, 3, 4)], ((),), {}, ()),
    ("Tensor.amax", [(0, 3, 4)], ((1, 2),), {}, (0,)),
])
def test_shapes(name, inputs, args, kwargs, expected):
    assert F[name](*inputs, *args, **kwargs) == expected


@pytest.mark.parametrize("name, inputs, args, kwargs, exc, message", [
    ("torch.add", [(5, 2, 3), (4, 3)], (), {}, RuntimeError,
     "The size of tensor a (2) must match the size of tensor b (4) at non-singleton dimension 1"),
    ("torch.add", [(1, 100000, 1), (1, 1, 100000)], (), {}, RuntimeError,
     "[enforce fail at alloc_cpu.cpp:127] err == 0. DefaultCPUAllocator: can't allocate memory: "
     "you tried to allocate 40000000000 bytes. Error code 12 (Cannot allocate memory)"),
    ("torch.div", [(2, 3), (4, 3)], (), {"rounding_mode": "x"}, RuntimeError,
     "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'x'"),
    ("torch.flatten", [(2, 3, 4)], (2, 1), {}, RuntimeError,
     "flatten() has invalid args: start_dim cannot come after end_dim"),
    ("torch.flatten", [(2, 3, 4)], (), {"start_dim": 2.0}, TypeError,
     "flatten(): argument 'start_dim' must be int, not float"),
    ("torch.flatten", [(2**62 + 1, 2, 0)], (0, 1), {}, RuntimeError,
     "/__w/pytorch/pytorch/build/aten/src/ATen/RegisterCPU_3.cpp:5710: SymIntArrayRef expected "
     "to contain only concrete integers"),
    ("Tensor.reshape", [(7,)], (2, -1), {}, RuntimeError, "shape '[2, -1]' is invalid for input of size 7"),
    ("Tensor.reshape", [(7,)], (-2, 7), {}, RuntimeError, "invalid shape dimension -2 at index 0 of shape [-2, 7]"),
    ("Tensor.reshape", [(2, 3, 4)], (6.0, -1), {}, TypeError,
     "reshape() takes 1 positional argument but 2 were given"),
    ("Tensor.reshape", [(2, 3, 4)], (6, -1.0), {}, TypeError,
     "reshape(): argument 'shape' failed to unpack the object at pos 2 with error "
     "\"type must be tuple of ints,but got float\""),
    ("Tensor.reshape", [(2, 3, 4)], (), {}, TypeError,
     "reshape() missing 1 required positional arguments: \"shape\""),
    ("Tensor.reshape", [(0,)], (2**62, 2**62, 0), {}, RuntimeError, "numel: integer multiplication overflow"),
    ("Tensor.reshape", [(0,)], (0, 2**62, 2), {}, RuntimeError, "Stride calculation overflowed"),
    ("Tensor.view", [(2, 3, 4)], (6.0, -1), {}, TypeError,
     "view() received an invalid combination of arguments - got (float, int), but expected one of:\n"
     " * (torch.dtype dtype)\n * (tuple of ints size)\n"),
    ("Tensor.view", [(2, 3, 4)], (), {"size": 6.0}, TypeError,
     "view() received an invalid combination of arguments - got (size=float, ), but expected one of:\n"
     " * (torch.dtype dtype)\n      didn't match because some of the keywords were incorrect: size\n"
     " * (tuple of ints size)\n      didn't match because some of the arguments have invalid types: "
     "(!size=float!, )\n"),
    ("Tensor.permute", [(2, 3, 4)], (2, 0), {}, RuntimeError,
     "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the "
     "desired ordering of dimensions i.e. input.dim() = 3 is not equal to len(dims) = 2"),
    ("Tensor.permute", [(2, 3, 4)], (2, 0, -4), {}, IndexError,
     "Dimension out of range (expected to be in range of [-3, 2], but got -4)"),
    ("Tensor.transpose", [(2, 3, 4)], (True, 1), {}, TypeError,
     "transpose(): argument 'dim0' (position 1) must be int, not bool"),
    ("Tensor.squeeze", [(2, 1, 4)], ((1, -2),), {}, RuntimeError, "dim 1 appears multiple times in the list of dims"),
    ("Tensor.squeeze", [(2, 1, 4)], (1.0,), {}, TypeError,
     "squeeze() received an invalid combination of arguments - got (float), but expected one of:\n"
     " * ()\n      didn't match because some of the arguments have invalid types: (!float!)\n"
     " * (int dim)\n      didn't match because some of the arguments have invalid types: (!float!)\n"
     " * (tuple of ints dim)\n      didn't match because some of the arguments have invalid types: (!float!)\n"),
    ("Tensor.unsqueeze", [(2, 3, 4)], (4,), {}, IndexError,
     "Dimension out of range (expected to be in range of [-4, 3], but got 4)"),
    ("Tensor.chunk", [()], (2,), {}, RuntimeError, "chunk expects at least a 1-dimensional tensor"),
    ("Tensor.chunk", [(10,)], (2**63 - 1,), {}, RuntimeError,
     "split_size can only be 0 if dimension size is 0, but got dimension size of 10"),
    ("Tensor.chunk", [(0,)], (2**62,), {}, RuntimeError, "cannot create std::vector larger than max_size()"),
    ("Tensor.split", [(10,)], (True,), {}, TypeError,
     "split() received an invalid combination of arguments - got (Tensor, bool, int), but expected one of:\n"
     " * (Tensor input, int split_size, int dim = 0)\n      didn't match because some of the arguments "
     "have invalid types: (Tensor, !bool!, !int!)\n * (Tensor input, tuple of ints split_size, int dim = 0)\n"
     "      didn't match because some of the arguments have invalid types: (Tensor, !bool!, !int!)\n"),
    ("Tensor.split", [(10,)], ([3, 6], -1), {}, RuntimeError,
     "split_with_sizes expects split_sizes to sum exactly to 10 (input tensor's size at dimension -1), "
     "but got split_sizes=[3, 6]"),
    ("Tensor.split", [(4, 6)], (), {"split_size_or_sections": 2}, TypeError,
     "Tensor.split() got an unexpected keyword argument 'split_size_or_sections'"),
    ("Tensor.split", [(2**41, 0)], (2,), {}, RuntimeError, "std::bad_alloc"),
    ("Tensor.mean", [(2, 3, 4)], (1, 1), {}, TypeError, "mean(): argument 'keepdim' (position 2) must be bool, not int"),
    ("Tensor.mean", [()], ([0, 0, 1],), {}, IndexError,
     "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    ("Tensor.sum", [(2, 3, 4)], (1, True, 3), {}, TypeError,
     "sum() takes from 1 to 2 positional arguments but 3 were given"),
    ("Tensor.amax", [(0, 3, 4)], (), {}, RuntimeError,
     "amax(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim "
     "with the 'dim' argument."),
    ("Tensor.amax", [(0, 3)], ((1, -2),), {}, IndexError, "amax(): Expected reduction dim -2 to have non-zero size."),
])
def test_errors(name, inputs, args, kwargs, exc, message):
    with pytest.raises(exc) as info:
        F[name](*inputs, *args, **kwargs)
    assert str(info.value) == message
    assert isinstance(info.value, LayerError) and info.value.hint


@pytest.mark.parametrize("strides, size, ok", [
    ((1, 12, 4), (4, 6), True),
    ((1, 12, 4), (4, 2, 3), True),
    ((1, 12, 4), (-1,), False),
    ((1, 12, 4), (6, -1), False),
])
def test_view_of_a_permuted_tensor(strides, size, ok):
    """torch.zeros(2, 3, 4).permute(2, 0, 1): shape (4, 2, 3), strides (1, 12, 4)."""
    assert tuple(strides[i] for i in range(3)) == tuple(contiguous_strides((2, 3, 4))[d] for d in (2, 0, 1))
    if ok:
        assert F["Tensor.view"]((4, 2, 3), *size, input_strides=strides)
        return
    with pytest.raises(RuntimeError, match="^view size is not compatible"):
        F["Tensor.view"]((4, 2, 3), *size, input_strides=strides)
    assert F["Tensor.reshape"]((4, 2, 3), *size)  # reshape copies instead


def test_hints_name_the_numbers():
    with pytest.raises(RuntimeError) as info:
        F["Tensor.split"]((10,), [3, 6])
    assert "add up to 9, but dim 0 has 10" in info.value.hint  # tensor_reduce.sum shadows the builtin
    with pytest.raises(TypeError) as info:
        F["Tensor.reshape"]((2, 3, 4), 6.0, -1)
    assert "6.0" in info.value.hint


def test_elementwise_fold():
    assert elementwise("add", [(1, 64, 8, 8), (1, 64, 1, 1), (64, 8, 1)]) == (1, 64, 8, 8)
    with pytest.raises(RuntimeError, match=r"tensor a \(4\) must match the size of tensor b \(5\)"):
        elementwise("mul", [(4, 3), (1, 3), (5, 3)])
    with pytest.raises(ValueError):
        elementwise("pow", [(1,), (1,)])
    with pytest.raises(ValueError):
        elementwise("add", [])


def test_registry_names_torch_spellings():
    assert set(F) == {
        "torch.add", "torch.sub", "torch.mul", "torch.div", "torch.flatten", "Tensor.flatten",
        "Tensor.reshape", "Tensor.view", "Tensor.permute", "Tensor.transpose", "Tensor.squeeze",
        "Tensor.unsqueeze", "Tensor.chunk", "Tensor.split", "Tensor.mean", "Tensor.sum", "Tensor.amax"}


@pytest.mark.parametrize("fmt, text", [
    ("squeeze()", "()"),
    ("split(Tensor input, SymInt split_size, int64_t dim=0)", "(Tensor input, int split_size, int dim = 0)"),
    ("amax(IntArrayRef[1]? dim={}, bool keepdim=False)", "(tuple of ints dim = {}, bool keepdim = False)"),
])
def test_signature_strings(fmt, text):
    assert str(Signature(fmt)) == text


def test_engine_imports_only_the_standard_library():
    code = ("import sys, conv_calc.nn.tensor_ops, conv_calc.nn.tensor_dims, conv_calc.nn.tensor_reduce; "
            "print(sorted(m for m in ('torch', 'numpy', 'typer', 'rich', 'yaml') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parent.parent.parent)
    assert done.stdout.strip() == "[]", done.stderr
