"""Receptive-field arithmetic: exact, per spatial axis, through any layer and any merge.

DESIGN.md section 4 fixes the definitions. On one axis, ``D(u)`` is the set of
network-input coordinates that output index ``u`` depends on; input pixel ``i``
sits at coordinate ``i`` and every tensor is treated as extending without end,
so padding positions are just coordinates below 0 or from ``n`` on.

- ``size`` is the largest hull size ``max D(u) - min D(u) + 1``, ``size_min``
  the smallest over the ``u`` whose ``D(u)`` is not empty;
- ``jump`` is the distance in input pixels between neighbouring outputs
  (an exact ``Fraction`` after transposed convs and upsampling);
- ``effective_padding = -min D(0)`` and ``start = (min D(0) + max D(0)) / 2``.

>>> rf = chain_receptive_field([(3, 1, 1), (3, 1, 1)])       # two 3x3 convs, padding 1
>>> rf.size, rf.jump, rf.start, rf.effective_padding
((5,), (1,), (0,), (2,))
>>> conv = AxisMap.conv(3, stride=2, padding=1)
>>> up = AxisMap.transposed(3, stride=2, padding=1)
>>> s = AxisState.identity().then(conv).then(up)
>>> s.fields(n=None)                                          # phase dependent: 3 or 5 pixels
{'size': 5, 'size_min': 3, 'jump': 1, 'start': 0, 'effective_padding': 1}

How it is computed
------------------
Per axis the state is a *periodic table of hulls*: for the ``P`` output
positions ``u = 0 .. P-1`` of one period, the hull ``[lo(u), hi(u)]`` of
``D(u)`` (or "empty"), with ``lo(u + P) = lo(u) + S`` where ``S = P * jump`` is
an integer. Every layer maps its output ``o`` to a finite set of its input
positions ("taps") with ``T(o + a) = T(o) + b`` for some integers ``a, b``
(conv: ``a = 1, b = stride``; transposed conv: ``a = stride, b = 1``). The hull
of a union only needs the hulls, so the new table, over the new period
``a * P / gcd(P, b)``, is computed from the old table alone: a conv/pool chain
keeps ``P = 1`` and is the closed-form recurrence of Araujo et al.; transposed
convs and upsampling multiply the period, strided convs divide it again.

Merges take the union of the branches' hulls. Branches with the same jump are
merged into one table over the lcm of their periods; branches with different
jumps (misaligned in the sense of Araujo et al.) are kept as separate
*components* of the state, and every later layer maps each component on its
own (the hull of a union is still the union of hulls).

States, components and maps are immutable, so what a row's receptive field
needs (largest and smallest hull, first output that sees something, jump) is
computed once per table and cached on it; a state of one component reads its
fields from there without rescanning the period.

Conventions
-----------
- ``size`` and ``size_min`` are taken over all ``u`` (one period suffices)
  when the state has one component; with misaligned components the hull grows
  without bound with ``u``, so they are taken over the layer's real outputs
  ``u = 0 .. n-1`` instead (as the Distill misaligned example does).
- When the state has several components, ``jump`` is the largest of their
  jumps.
- When ``D(0)`` is empty (a transposed conv whose kernel is smaller than its
  stride), ``start`` and ``effective_padding`` are extrapolated from the first
  output ``u > 0`` that sees something: ``start = centre(D(u)) - u * jump`` and
  ``effective_padding = u * jump - min D(u)`` (with misaligned components, only
  among the real outputs, the domain of their sizes). When no output sees
  anything at all, ``size = size_min = 0`` and ``start = effective_padding = None``.
- Layers that mix a whole axis (``Linear`` on it, ``Flatten`` over it,
  ``Softmax`` along it) take the hull of everything the current tensor's axis
  covers, and the axis then has ``jump = 0``: every output sees the same
  range. After ``Flatten`` an axis stays in that state for the rest of the
  network. Adaptive pooling uses its real bins (which repeat with period
  ``out / gcd(in, out)``), so pooling to 1 sees the whole axis too.
- Interpolation (``Upsample``) follows torch's source-index arithmetic on the
  real output range (float32 as ATen computes it); nearest upsampling by an
  integer factor is the exact ``floor(o / f)``. Non-periodic maps (bilinear,
  fractional scales, ``torch.cat`` along a spatial dim) are repeated with the
  real output length as their period: exact on the real outputs, a convention
  outside them. A cat is kept piecewise (receptive_piecewise.py: each branch's
  table on its stretch), so a 10^8-position axis is never written out.
- Normalisation layers are treated as pointwise (their statistics are not
  dependencies), ``padding_mode`` is ignored (padding positions are virtual
  coordinates, as for zero padding), ``ceil_mode`` and ``output_padding``
  change output lengths but no dependency.
"""

from __future__ import annotations

from conv_calc.receptive.component import Component
from conv_calc.receptive.field import ReceptiveField, chain_receptive_field
from conv_calc.receptive.maps import AxisMap, Number
from conv_calc.receptive.state import AxisState, aligned

__all__ = [
    "Number", "ReceptiveField", "AxisMap", "AxisState", "Component",
    "chain_receptive_field", "aligned",
]
