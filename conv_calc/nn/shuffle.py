"""Layers that move elements between channels and space: PixelShuffle, PixelUnshuffle,
ChannelShuffle.

Shape (torch "Shape:" sections), with ``r`` the factor and ``*`` any batch dims::

    PixelShuffle(r):    (*, C * r**2, H, W) -> (*, C, H * r, W * r)
    PixelUnshuffle(r):  (*, C, H * r, W * r) -> (*, C * r**2, H, W)
    ChannelShuffle(g):  (N, C, *) -> (N, C, *)      (C divisible by g)

No parameters, no MACs. Nothing is checked at construction; forward parses the factor
(an ``int``), then runs the ATen checks (aten/src/ATen/native/PixelShuffle.h,
ChanelShuffle.cpp) and sizes the output with ``resize_``.

>>> PixelShuffle(3).output_shape((1, 9, 4, 4))
(1, 1, 12, 12)
>>> PixelUnshuffle(2).output_shape((1, 2, 4, 6))
(1, 8, 2, 3)
>>> ChannelShuffle(2).output_shape((1, 4, 2, 2))
(1, 4, 2, 2)
>>> PixelShuffle(3).output_shape((1, 8, 4, 4))
Traceback (most recent call last):
  ...
conv_calc.errors.LayerRuntimeError: pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=8 is not divisible by 9

Quirk kept from torch: PixelUnshuffle returns an *empty* input unchanged (the CPU kernel
clones it), so ``(0, 2, 4, 4)`` stays ``(0, 2, 4, 4)`` while PixelShuffle reshapes an
empty input like any other.
"""

from __future__ import annotations

from typing import Any

from conv_calc.errors import LayerRuntimeError, LayerValueError
from conv_calc.geometry import Axis, placed
from conv_calc.nn.base import Layer, as_shape, fmt_list
from conv_calc.nn.forward_kwargs import check_forward_kwargs
from conv_calc.nn.tensor_checks import check_resize, wrap_int64
from conv_calc.nn.torch_args import INT64_MAX, check_int64, check_int_arg

__all__ = ["PixelShuffle", "PixelUnshuffle", "ChannelShuffle"]


def _prod(values) -> int:
    out = 1
    for v in values:
        out *= v
    return out


def _parse_factor(fn: str, name: str, value: Any) -> int:
    """The binding's ``int`` argument (position 2): a plain int within int64."""
    check_int_arg(fn, name, 2, value)
    check_int64(value, name)
    return value


def _check_rank(fn: str, shape: tuple[int, ...]) -> None:
    if len(shape) < 3:
        # aten/src/ATen/native/PixelShuffle.h: check_pixel_shuffle_shapes / check_pixel_unshuffle_shapes
        raise LayerRuntimeError(
            f"{fn} expects input to have at least 3 dimensions, but got input with "
            f"{len(shape)} dimension(s)",
            hint=f"{fn} works on (*, C, H, W); the input {fmt_list(shape)} has {len(shape)} "
                 "dim(s): give it channel, height and width.")


def _check_positive(fn: str, name: str, r: int) -> None:
    if r <= 0:
        # aten/src/ATen/native/PixelShuffle.h: check_pixel_shuffle_shapes / check_pixel_unshuffle_shapes
        raise LayerRuntimeError(f"{fn} expects a positive {name}, but got {r}",
                                hint=f"{name}={r}: use a factor of 1 or more.")


def _resize(out: list[int]) -> tuple[int, ...]:
    check_resize(out, hint=f"the output {fmt_list(out)} is too large for torch to size (int64 "
                           "overflow or more memory than the machine has): use a smaller factor "
                           "or input.")
    return tuple(out)


class PixelShuffle(Layer):
    """torch.nn.PixelShuffle: ``(*, C * r**2, H, W) -> (*, C, H * r, W * r)``.

    >>> PixelShuffle(2).output_shape((8, 3, 3))
    (2, 6, 6)

    Raises TypeError for a non-int factor, ValueError beyond int64 or when r**2 overflows,
    RuntimeError for fewer than 3 dims, r <= 0 or C not divisible by r**2.
    """

    def __init__(self, upscale_factor: int) -> None:
        self.upscale_factor = upscale_factor

    def __repr__(self) -> str:
        return f"PixelShuffle(upscale_factor={self.upscale_factor})"

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """H and W: output ``o`` reads input ``o // r`` (a transposed window of kernel and
        stride ``r``, as nearest upsampling). Dim -3 (the channels, but a spatial axis in a
        5-d input) gathers ``r**2`` neighbours: output ``c`` reads ``c*r**2 .. c*r**2 + r**2 - 1``.

        >>> [(a.kernel, a.stride, a.transposed) for a in PixelShuffle(2).axis_geometry((1, 1, 8, 4, 4))]
        [(1, 1, False), (1, 1, False), (4, 4, False), (2, 2, True), (2, 2, True)]
        """
        r = self.upscale_factor
        return placed(len(tuple(in_shape)), -3, (Axis(r * r, r * r), Axis(r, r, transposed=True),
                                                 Axis(r, r, transposed=True)))

    def output_shape(self, input_shape: Any, **forward_kwargs: Any) -> tuple[int, ...]:
        check_forward_kwargs(self, forward_kwargs)
        shape = as_shape(input_shape)
        r = _parse_factor("pixel_shuffle", "upscale_factor", self.upscale_factor)
        _check_rank("pixel_shuffle", shape)
        _check_positive("pixel_shuffle", "upscale_factor", r)
        if r > INT64_MAX // r:
            # aten/src/ATen/native/PixelShuffle.h: check_pixel_shuffle_shapes (TORCH_CHECK_VALUE)
            raise LayerValueError(
                f"upscale factor is too large, (upscale_factor)^2 overflowed: upscale_factor={r}",
                hint=f"upscale_factor={r}: its square does not fit in 64 bits; use a realistic "
                     "factor.")
        *batch, c, h, w = shape
        if c % (r * r):
            # aten/src/ATen/native/PixelShuffle.h: check_pixel_shuffle_shapes
            raise LayerRuntimeError(
                "pixel_shuffle expects its input's 'channel' dimension to be divisible by the "
                f"square of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}",
                hint=f"PixelShuffle({r}) turns every {r * r} channels into one {r}x{r} block, and "
                     f"{c} channels do not split that way: give a multiple of {r * r} channels "
                     f"(e.g. a conv with {max(c // (r * r), 1) * r * r} out_channels before it).")
        # aten/src/ATen/native/PixelShuffle.cpp: pixel_shuffle_cpu sizes the output in int64
        # (wrapping) and resizes an empty tensor to it.
        return _resize([*batch, c // (r * r), wrap_int64(h * r), wrap_int64(w * r)])


class PixelUnshuffle(Layer):
    """torch.nn.PixelUnshuffle: ``(*, C, H * r, W * r) -> (*, C * r**2, H, W)``.

    >>> PixelUnshuffle(3).output_shape((1, 1, 12, 12))
    (1, 9, 4, 4)

    Raises TypeError for a non-int factor, ValueError beyond int64, RuntimeError for fewer
    than 3 dims, r <= 0, or H or W not divisible by r.
    """

    def __init__(self, downscale_factor: int) -> None:
        self.downscale_factor = downscale_factor

    def __repr__(self) -> str:
        return f"PixelUnshuffle(downscale_factor={self.downscale_factor})"

    def axis_geometry(self, in_shape: Any, out_shape: Any = None) -> tuple[Axis, ...]:
        """H and W: output ``o`` reads inputs ``o*r .. o*r + r - 1`` (a window of kernel and
        stride ``r``). Dim -3 (a spatial axis in a 5-d input) spreads each position over
        ``r**2`` outputs: output ``c`` reads ``c // r**2`` (a transposed window).

        >>> [(a.kernel, a.stride, a.transposed) for a in PixelUnshuffle(2).axis_geometry((1, 1, 3, 4, 4))]
        [(1, 1, False), (1, 1, False), (4, 4, True), (2, 2, False), (2, 2, False)]
        """
        r = self.downscale_factor
        return placed(len(tuple(in_shape)), -3, (Axis(r * r, r * r, transposed=True), Axis(r, r),
                                                 Axis(r, r)))

    def output_shape(self, input_shape: Any, **forward_kwargs: Any) -> tuple[int, ...]:
        check_forward_kwargs(self, forward_kwargs)
        shape = as_shape(input_shape)
        r = _parse_factor("pixel_unshuffle", "downscale_factor", self.downscale_factor)
        _check_rank("pixel_unshuffle", shape)
        _check_positive("pixel_unshuffle", "downscale_factor", r)
        *batch, c, h, w = shape
        for name, axis, size in (("height", -2, h), ("width", -1, w)):
            if size % r:
                # aten/src/ATen/native/PixelShuffle.h: check_pixel_unshuffle_shapes
                raise LayerRuntimeError(
                    f"pixel_unshuffle expects {name} to be divisible by downscale_factor, but "
                    f"input.size({axis})={size} is not divisible by {r}",
                    hint=f"PixelUnshuffle({r}) folds {r}x{r} blocks into channels, so the {name} "
                         f"must be a multiple of {r}; {size} is not: crop or pad it to "
                         f"{size // r * r or r}.")
        if _prod(shape) == 0:
            # aten/src/ATen/native/PixelShuffle.cpp: pixel_unshuffle_cpu returns self.clone()
            return shape
        return _resize([*batch, wrap_int64(c * r * r), h // r, w // r])


class ChannelShuffle(Layer):
    """torch.nn.ChannelShuffle: ``(N, C, *) -> (N, C, *)``, channels regrouped.

    >>> ChannelShuffle(3).output_shape((2, 6, 5))
    (2, 6, 5)

    Raises TypeError for a non-int groups, ValueError beyond int64, RuntimeError for fewer
    than 3 dims, groups <= 0, or C not divisible by groups.
    """

    def __init__(self, groups: int) -> None:
        self.groups = groups

    def __repr__(self) -> str:
        return f"ChannelShuffle(groups={self.groups})"

    def output_shape(self, input_shape: Any, **forward_kwargs: Any) -> tuple[int, ...]:
        check_forward_kwargs(self, forward_kwargs)
        shape = as_shape(input_shape)
        g = _parse_factor("channel_shuffle", "groups", self.groups)
        if len(shape) <= 2:
            # aten/src/ATen/native/ChanelShuffle.cpp: channel_shuffle
            raise LayerRuntimeError(
                f"channel_shuffle expects input with > 2 dims, but got input with sizes "
                f"{fmt_list(shape)}",
                hint=f"channel_shuffle works on (N, C, *) with at least one dim after C; the "
                     f"input {fmt_list(shape)} has {len(shape)}.")
        if g <= 0:
            # aten/src/ATen/native/ChanelShuffle.cpp: channel_shuffle
            raise LayerRuntimeError(
                f"Number of groups to divide channels in must be positive. Value of groups:{g}",
                hint=f"groups={g}: use 1 or more groups.")
        c = shape[1]
        if c % g:
            # aten/src/ATen/native/ChanelShuffle.cpp: channel_shuffle
            raise LayerRuntimeError(
                f"Number of channels must be divisible by groups. Got {c} channels and {g} groups.",
                hint=f"{c} channels cannot be split into {g} equal groups: pick groups dividing "
                     f"{c} (as the grouped conv before it does).")
        return shape
