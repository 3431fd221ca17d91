"""Upsampling: ``Upsample``, ``UpsamplingNearest2d``, ``UpsamplingBilinear2d``.

Shape (torch "Shape:" section): :math:`D_{out} = \\lfloor D_{in} \\times
\\text{scale\\_factor} \\rfloor` per spatial dim, or ``size``. The product is
taken in float64 exactly as torch does (``10 * 1.1 -> 11``), which is the one
place in conv-calc where floats are right. ``scale_factor`` 0 (or any falsy
value) counts as not given. ``mode='area'`` runs adaptive average pooling
(:mod:`conv_calc.nn.adaptive`).

>>> Upsample(scale_factor=2, mode="bilinear").output_shape((1, 3, 16, 16))
(1, 3, 32, 32)
>>> Upsample(scale_factor=1.1).output_shape((1, 1, 10))
(1, 1, 11)
>>> Upsample(size=(4, 5)).output_shape((2, 3, 8))
Traceback (most recent call last):
  ...
conv_calc.errors.LayerValueError: Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of [8] and output size of (4, 5). Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.
"""

from __future__ import annotations

import math
from typing import Any

from conv_calc.errors import (LayerNotImplementedError, LayerOverflowError,
                              LayerRuntimeError, LayerTypeError, LayerValueError)
from conv_calc.nn.adaptive import _avg_nd, _parse_int_list
from conv_calc.geometry import Axis, bins, placed, resample
from conv_calc.nn.base import Layer, as_shape, fmt_list, per_axis
from conv_calc.nn.forward_kwargs import check_forward_kwargs
from conv_calc.nn.tensor_checks import check_storage, check_strides

__all__ = ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"]

_MODES_MSG = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"
_KERNELS = {  # (mode, input rank) -> the ATen function torch calls
    ("nearest", 3): "upsample_nearest1d", ("nearest", 4): "upsample_nearest2d",
    ("nearest", 5): "upsample_nearest3d", ("nearest-exact", 3): "_upsample_nearest_exact1d",
    ("nearest-exact", 4): "_upsample_nearest_exact2d",
    ("nearest-exact", 5): "_upsample_nearest_exact3d", ("linear", 3): "upsample_linear1d",
    ("bilinear", 4): "upsample_bilinear2d", ("trilinear", 5): "upsample_trilinear3d",
    ("bicubic", 4): "upsample_bicubic2d",
}
_WRONG_RANK = {(3, "bilinear"): 4, (3, "trilinear"): 5, (4, "linear"): 3, (4, "trilinear"): 5,
               (5, "linear"): 3, (5, "bilinear"): 4}


def _float(value: Any) -> float:
    """Python's ``float()`` with its own errors, as torch's constructor calls it."""
    try:
        return float(value)
    except (TypeError, ValueError) as err:
        cls = LayerTypeError if isinstance(err, TypeError) else LayerValueError
        # torch/nn/modules/upsampling.py: Upsample.__init__ (float(scale_factor))
        raise cls(str(err), hint=f"scale_factor={value!r} is not a number: give a float or a "
                                 "tuple of floats (a list is not accepted).") from None


def _trunc(value: float) -> int:
    """``int(x)`` on a float (torch.sym_int), with Python's errors for inf and NaN."""
    try:
        return int(value)
    except (OverflowError, ValueError) as err:
        cls = LayerValueError if isinstance(err, ValueError) else LayerOverflowError
        raise cls(str(err), hint="the scale factor makes an infinite or NaN size: give a finite "
                                 "scale_factor.") from None


class Upsample(Layer):
    """torch.nn.Upsample: nearest / linear / bilinear / bicubic / trilinear / area resizing.

    >>> Upsample(size=7, mode="nearest-exact").output_shape((2, 4, 3, 3))
    (2, 4, 7, 7)
    """

    family = "upsample"

    def __init__(self, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                 align_corners: bool | None = None,
                 recompute_scale_factor: bool | None = None) -> None:
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(_float(f) for f in scale_factor)
        else:
            self.scale_factor = _float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def __repr__(self) -> str:
        if self.scale_factor is not None:
            info = f"scale_factor={self.scale_factor!r}"
        else:
            info = f"size={self.size!r}"
        return f"{self.name}({info}, mode={self.mode!r})"

    def output_shape(self, input_shape: Any, **forward_kwargs: Any) -> tuple[int, ...]:
        """The shape of ``forward(torch.zeros(input_shape))``: F.interpolate's checks in order."""
        # UpsamplingNearest2d/Bilinear2d inherit torch's Upsample.forward
        check_forward_kwargs("Upsample", forward_kwargs)
        shape = as_shape(input_shape)
        return interpolate_shape(shape, self.size, self.scale_factor, self.mode,
                                 self.align_corners, self.recompute_scale_factor)

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """Each spatial dim resampled by ``mode`` ('area' is adaptive average pooling)."""
        in_shape = tuple(in_shape)
        out = self.output_shape(in_shape) if out_shape is None else tuple(out_shape)
        nd = len(in_shape) - 2
        sf = self.scale_factor
        # F.interpolate computes the source index from the scale factor when one is used
        scales = per_axis(sf, nd) if sf is not None and not self.recompute_scale_factor \
            else (None,) * nd
        axes = [bins(in_shape[j - nd], out[j - nd]) if self.mode == "area" else
                resample(self.mode, in_shape[j - nd], out[j - nd], scales[j], self.align_corners)
                for j in range(nd)]
        return placed(len(in_shape), -nd, axes)


class UpsamplingNearest2d(Upsample):
    """torch.nn.UpsamplingNearest2d: ``Upsample(size, scale_factor, mode='nearest')``.

    >>> UpsamplingNearest2d(scale_factor=3).output_shape((1, 1, 2, 2))
    (1, 1, 6, 6)
    """

    spatial_dims = 2

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """torch.nn.UpsamplingBilinear2d: bilinear with ``align_corners=True``.

    >>> UpsamplingBilinear2d(size=(5, 9)).output_shape((1, 1, 2, 2))
    (1, 1, 5, 9)
    """

    spatial_dims = 2

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


def interpolate_shape(shape: tuple[int, ...], size: Any, scale_factor: Any, mode: str,
                      align_corners: Any, recompute_scale_factor: Any,
                      antialias: bool = False) -> tuple[int, ...]:
    """``F.interpolate`` (torch/nn/functional.py) on a shape: checks in torch's order.

    >>> interpolate_shape((1, 1, 100), None, 1.1, "linear", None, None)
    (1, 1, 110)
    """
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            # torch/nn/functional.py: interpolate
            raise LayerValueError(
                "align_corners option can only be set with the interpolating modes: "
                "linear | bilinear | bicubic | trilinear",
                hint=f"mode={mode!r} has no corners to align: drop align_corners or use an "
                     "interpolating mode.")
    elif align_corners is None:
        align_corners = False
    ndim = len(shape)
    dim = ndim - 2
    spatial = list(shape[2:])
    if size is not None and scale_factor is not None:
        # torch/nn/functional.py: interpolate
        raise LayerValueError("only one of size or scale_factor should be defined",
                              hint="give either size or scale_factor, not both.")
    scale_factors = output_size = None
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                # torch/nn/functional.py: interpolate
                raise LayerValueError(
                    "Input and output must have the same number of spatial dimensions, but got "
                    f"input with spatial dimensions of {fmt_list(spatial)} and output size of "
                    f"{size!r}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                    "output size in (o1, o2, ...,oK) format.",
                    hint=f"size has {len(size)} entries but the input {fmt_list(shape)} has "
                         f"{max(dim, 0)} spatial dims: give one size per spatial dim.")
            if not all(isinstance(x, int) for x in size):
                types = ", ".join(f"<class '{type(x).__name__}'>" for x in size)
                # torch/nn/functional.py: interpolate
                raise LayerTypeError(
                    "expected size to be one of int or Tuple[int] or Tuple[int, int] or "
                    f"Tuple[int, int, int], but got size with types [{types}]",
                    hint=f"size {size!r} must hold ints only.")
            output_size = size  # a tuple stays a tuple: torch's type errors print which
        else:
            output_size = [size for _ in range(dim)]
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                # torch/nn/functional.py: interpolate
                raise LayerValueError(
                    "Input and scale_factor must have the same number of spatial dimensions, but "
                    f"got input with spatial dimensions of {fmt_list(spatial)} and scale_factor "
                    f"of shape {scale_factor!r}. Please provide input tensor in (N, C, d1, d2, "
                    "...,dK) format and scale_factor in (s1, s2, ...,sK) format.",
                    hint=f"scale_factor has {len(scale_factor)} entries but the input "
                         f"{fmt_list(shape)} has {max(dim, 0)} spatial dims.")
            scale_factors = scale_factor  # torch/nn/functional.py keeps a tuple a tuple
        else:
            scale_factors = [scale_factor for _ in range(dim)]
    else:
        # torch/nn/functional.py: interpolate
        raise LayerValueError("either size or scale_factor should be defined",
                              hint="give size or a non-zero scale_factor (0 counts as not "
                                   "given).")
    if recompute_scale_factor and size is not None:
        # torch/nn/functional.py: interpolate
        raise LayerValueError("recompute_scale_factor is not meaningful with an explicit size.",
                              hint="drop recompute_scale_factor or use scale_factor.")
    if mode == "area" and output_size is None:
        recompute_scale_factor = True
    if recompute_scale_factor:
        # Python float maths, then int() (torch.sym_int), exactly as interpolate does.
        output_size = [_trunc(shape[i + 2] * scale_factors[i]) for i in range(dim)]
        scale_factors = None
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and ndim == 4):
        # torch/nn/functional.py: interpolate (F.interpolate's antialias=True)
        raise LayerValueError(
            "Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires "
            "a 4-D tensor as input",
            hint="antialias works with mode 'bilinear', 'bicubic' or 'lanczos' on a 4-d "
                 "(N, C, H, W) input only.")
    if antialias and mode == "lanczos" and not align_corners:
        mode = "bilinear"  # _upsample_lanczos2d_aa: the same output size
    if mode == "area" and ndim in (3, 4, 5):
        n = ndim - 2
        if n == 1:
            from conv_calc.nn.adaptive import AdaptiveAvgPool1d
            return AdaptiveAvgPool1d(output_size).output_shape(shape)
        out = _parse_int_list(f"adaptive_avg_pool{n}d", output_size, n)
        return _avg_nd(shape, out, n)
    kernel = _KERNELS.get((mode, ndim))
    if kernel is None:
        if mode in ("lanczos",) and ndim == 4:
            # torch/nn/functional.py: interpolate
            if align_corners:
                raise LayerValueError("Lanczos mode does not support align_corners=True",
                                      hint="lanczos needs align_corners=False.")
            raise LayerValueError("Lanczos mode requires antialias=True",
                                  hint="nn.Upsample cannot pass antialias=True; use "
                                       "F.interpolate for lanczos.")
        if (ndim, mode) in _WRONG_RANK:
            need = _WRONG_RANK[(ndim, mode)]
            # torch/nn/functional.py: interpolate
            raise LayerNotImplementedError(
                f"Got {ndim}D input, but {mode} mode needs {need}D input",
                hint=f"mode={mode!r} works on {need}D (N, C, ...) inputs; the input "
                     f"{fmt_list(shape)} is {ndim}D: pick the mode matching the rank.")
        # torch/nn/functional.py: interpolate
        raise LayerNotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {ndim}D) for the "
            f"modes: {_MODES_MSG} (got {mode})",
            hint=f"Upsample takes (N, C, L), (N, C, H, W) or (N, C, D, H, W) with a known mode; "
                 f"got a {ndim}D input and mode={mode!r}.")
    return _upsample_kernel(kernel, shape, output_size, scale_factors, align_corners)


def _upsample_kernel(kernel: str, shape: tuple[int, ...], output_size: Any,
                     scale_factors: Any, align_corners: Any = False) -> tuple[int, ...]:
    n = len(shape) - 2
    _parse_kernel_args(kernel, output_size, align_corners, scale_factors, n)
    if output_size is not None:
        out = [int(v) for v in output_size]
    else:
        out = []
        for i in range(n):
            odim = float(shape[i + 2]) * scale_factors[i]
            if math.isnan(odim) or math.isinf(odim) or not -2.0**63 <= odim < 2.0**63:
                # c10/util/TypeCast.h: checked_convert (UpSample.cpp: compute_output_size)
                raise LayerRuntimeError(
                    "value cannot be converted to type int64_t without overflow",
                    hint=f"{shape[i + 2]} x {scale_factors[i]} is not a finite int64 size: "
                         "give a finite scale_factor.")
            out.append(int(odim))
    names = ("W",) if n == 1 else ("H", "W") if n == 2 else ("D", "H", "W")
    ins = shape[2:]
    if not all(s > 0 for s in ins) or not all(o > 0 for o in out):
        fin = ", ".join(f"{k}: {v}" for k, v in zip(names, ins))
        fout = ", ".join(f"{k}: {v}" for k, v in zip(names, out))
        join = " and output" if n == 1 else " output"
        # aten/src/ATen/native/UpSample.h: upsample_{1,2,3}d_common_check
        raise LayerRuntimeError(
            f"Input and output sizes should be greater than 0, but got input ({fin}){join} "
            f"({fout})",
            hint=f"upsampling {fmt_list(ins)} to {fmt_list(out)}: every input and output "
                 "spatial size must be at least 1; raise size or scale_factor.")
    if shape[1] == 0:
        # aten/src/ATen/native/UpSample*.cpp meta: "allow for empty batch size but not other dims"
        raise LayerRuntimeError(
            f"Non-empty {n + 2}D data tensor expected but got a tensor with sizes "
            f"{fmt_list(shape)}",
            hint=f"the input {fmt_list(shape)} has 0 channels: only the batch may be empty.")
    result = list(shape[:2]) + out
    hint = f"the output {fmt_list(result)} is too large to allocate: lower size or scale_factor."
    check_storage(result, hint)
    check_strides(result, hint)
    return tuple(result)


def _scales_sig(n: int) -> str:
    names = ("scales",) if n == 1 else ("scales_h", "scales_w") if n == 2 else (
        "scales_d", "scales_h", "scales_w")
    return ", ".join(f"float {name} = None" for name in names)


def _type_desc(value: Any) -> str:
    """How torch's argument parser names a value's type: ``list of [int, int]``,
    ``tuple of (float,)``, ``NoneType``."""
    if isinstance(value, (list, tuple)):
        types = ", ".join(type(v).__name__ for v in value)
        if isinstance(value, list):
            return f"list of [{types}]"
        return f"tuple of ({types},)" if len(value) == 1 else f"tuple of ({types})"
    return type(value).__name__


def _parse_kernel_args(kernel: str, output_size: Any, align_corners: Any, scale_factors: Any,
                       n: int) -> None:
    """torch's argument parser for ``kernel(input, output_size, [align_corners,]
    scale_factors)``: a first ``output_size`` element that is not an int (a bool included)
    or an ``align_corners`` that is not a bool (``1``, ``'a'``) matches neither overload."""
    linear = "linear" in kernel or "cubic" in kernel
    values = list(output_size) if output_size is not None else []
    bad_size = bool(values) and not (isinstance(values[0], int)
                                     and not isinstance(values[0], bool))
    bad_ac = linear and not isinstance(align_corners, bool)
    if not (bad_size or bad_ac):
        return
    args = [output_size] + ([align_corners] if linear else []) + [scale_factors]
    got = ", ".join(type(a).__name__ for a in args)
    # the parser marks every argument but the tensor and a well-typed bool
    marked = ", ".join(_type_desc(a) if isinstance(a, bool) else f"!{_type_desc(a)}!"
                       for a in args)
    ac = "bool align_corners, " if linear else ""
    if bad_size:
        hint = f"size={values[0]!r} is not an int: give an int or a tuple of ints."
    else:
        hint = (f"align_corners={align_corners!r} is not a bool: torch accepts only True, "
                "False or None.")
    # torch/csrc/utils/python_arg_parser.cpp: PythonArgParser::raw_parse (no overload matched)
    raise LayerTypeError(
        f"{kernel}() received an invalid combination of arguments - got (Tensor, {got}), but "
        "expected one of:\n"
        f" * (Tensor input, tuple of ints output_size, {ac}tuple of floats scale_factors)\n"
        f"      didn't match because some of the arguments have invalid types: (Tensor, "
        f"{marked})\n"
        f" * (Tensor input, tuple of ints output_size, {ac}{_scales_sig(n)}, *, Tensor out = "
        "None)\n",
        hint=hint)
