"""Reading `expect:`: what an item (or the network) must produce, checked later by lint (CC3xx).

>>> rf_number("1/2"), rf_number(("3", 4)), rf_number("x")
(Fraction(1, 2), (3, 4), None)
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from conv_calc.graph.nodes import Expect
from conv_calc.stackfile.values import Scope, ValueReader
from conv_calc.stackfile.vocabulary import EXPECT_KEYS, RF_KEYS
from conv_calc.stackfile.yaml_reader import YMap, YNode, YScalar
from conv_calc.text import did_you_mean

__all__ = ["read_expect", "rf_number"]


def read_expect(r: ValueReader, key: YScalar, node: YNode, scope: Scope) -> Expect | None:
    """The :class:`~conv_calc.graph.nodes.Expect` of an `expect:` mapping (problems to ``r``)."""
    if not isinstance(node, YMap):
        r.wrong_kind("expect", node, "a mapping such as {output_shape: [1, 64, 56, 56]}", scope)
        return None
    fields: dict[str, Any] = {}
    for k, v in node.pairs:
        if k.value not in EXPECT_KEYS:
            hint = did_you_mean(k.value, EXPECT_KEYS) or f"expect takes: {', '.join(EXPECT_KEYS)}"
            r.problem(f"unknown key '{k.value}' in expect", k.source, hint, "unknown-key", scope)
        elif k.value == "receptive_field":
            fields["receptive_field"] = _read_rf(r, v, scope)
        elif k.value == "output_shape":
            value = r.plain_value(v, scope)
            if (not isinstance(value, tuple) or not value
                    or any(type(d) is not int or d < 0 for d in value)):
                r.wrong_kind("expect.output_shape", v, "a list of sizes, e.g. [1, 64, 56, 56]", scope)
            else:
                fields["output_shape"] = value
        else:
            value = r.plain_value(v, scope)
            if type(value) is not int or value < 0:
                r.wrong_kind(f"expect.{k.value}", v, "a whole number", scope)
            else:
                fields[k.value] = value
    return Expect(**fields, source=key.source)


def _read_rf(r: ValueReader, node: YNode, scope: Scope) -> dict[str, Any]:
    if isinstance(node, YScalar) and type(node.value) is int:
        return {"size": node.value}
    if not isinstance(node, YMap):
        r.wrong_kind("expect.receptive_field", node, "a mapping such as {size: 35}", scope)
        return {}
    result: dict[str, Any] = {}
    for k, v in node.pairs:
        if k.value not in RF_KEYS:
            hint = did_you_mean(k.value, RF_KEYS) or f"receptive_field takes: {', '.join(RF_KEYS)}"
            r.problem(f"unknown key '{k.value}' in expect.receptive_field", k.source, hint,
                      "unknown-key", scope)
            continue
        value = rf_number(r.plain_value(v, scope))
        if value is None:
            r.wrong_kind(f"expect.receptive_field.{k.value}", v,
                         "an integer, a fraction such as \"1/2\", or a list of them", scope)
        else:
            result[k.value] = value
    return result


def rf_number(value: Any) -> Any:
    """An int, a Fraction (from "p/q") or a tuple of them; None for anything else."""
    if isinstance(value, tuple):
        items = [rf_number(v) for v in value]
        return None if not items or any(i is None or isinstance(i, tuple) for i in items) else tuple(items)
    if type(value) is int:
        return value
    if isinstance(value, str):
        try:
            f = Fraction(value)
        except (ValueError, ZeroDivisionError):
            return None
        return int(f) if f.denominator == 1 else f
    return None
