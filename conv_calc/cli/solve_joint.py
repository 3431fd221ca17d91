"""`conv-calc solve input-sizes --square / --joint`: the text and JSON of a joint answer.

The engine is :mod:`conv_calc.solve.joint`; :mod:`conv_calc.cli.solve` parses the
options and calls :func:`joint_report`.
"""

from __future__ import annotations

from typing import Any

from conv_calc.solve.joint import JointAnswer
from conv_calc.solve.sets import ClosedForm, members_upto

__all__ = ["joint_report", "form_text"]


def form_text(form: ClosedForm) -> str:
    """A closed form, a finite run of consecutive sizes written ``lo..hi``.

    >>> form_text(ClosedForm(0, (), tuple(range(1, 33)))), form_text(ClosedForm(16, (32,), ()))
    ('1..32', '16k (k >= 2)')
    """
    ex = form.exceptions
    if not form.period and len(ex) > 2 and ex[-1] - ex[0] == len(ex) - 1:
        return f"{ex[0]}..{ex[-1]}"
    return form.text()


def _x(values: Any) -> str:
    return "x".join(str(v) for v in values)


def joint_report(ans: JointAnswer, square: bool, lo: int, hi: int, limit: int,
                 list_all: bool) -> tuple[list[str], dict]:
    """The lines after the header, and the JSON fields, for --square or --joint."""
    names = [a.axis for a in ans.axes]
    lines: list[str] = []
    if not ans.separable:
        lines.append(f"  not separable: {ans.reason}")
        if ans.example and ans.example_error == "(accepted)":
            lines.append(f"  for example {_x(ans.example)} works")
        elif ans.example:
            lines.append(f"  for example {_x(ans.example)} fails: {ans.example_error}")
        lines.append("  solve cannot answer for all axes at once here; ask per axis "
                     "(without --square/--joint) or check sizes with `conv-calc stack`")
        return lines, {"separable": False, "reason": ans.reason,
                       "example": None if ans.example is None else list(ans.example),
                       "example_error": ans.example_error or None}
    exceptions = [{"layer": e.layer, "sizes": {n: form_text(f) for n, f in zip(names, e.forms)},
                   "example": list(e.example or ()), "error": e.error}
                  for e in ans.exceptions]
    payload: dict = {"separable": True, "exceptions": exceptions}
    if square:
        classes = list(ans.square_classes)
        from conv_calc.solve.sets import count_in  # deferred: small

        count = count_in(classes, lo, hi)
        lines.append(f"  {'x'.join(['n'] * len(names))}: "
                     + (form_text(ans.square) if classes else "no size works"))
        if classes:
            lines.append(f"      smallest {ans.square_smallest()}; {count} size(s) in {lo}..{hi}")
            sizes = members_upto(classes, lo, hi, limit) if (list_all or count <= 30) else None
            if sizes:
                lines.append("      " + ", ".join(map(str, sizes)))
                if count > len(sizes):
                    lines.append(f"      (the first {len(sizes):,} of {count:,} listed: "
                                 "narrow --range for the others)")
            # as per axis: at most `limit` sizes, the smallest; count has them all
            payload.update({"sizes": sizes,
                            "sizes_truncated": sizes is not None and count > len(sizes)})
        payload.update({"closed_form": form_text(ans.square) if classes else None,
                        "smallest": ans.square_smallest(), "count": count})
        return lines, payload
    lines.append("  every combination of these sizes works" + (
        ", except the ones below" if ans.exceptions else "") + ":")
    for a in ans.axes:
        lines.append(f"  {a.axis} (dim {a.dim}): " + (form_text(a.form) if a.classes else
                                                      "no size works"))
    for e, row in zip(ans.exceptions, exceptions):
        where = " and ".join(f"{n} {'=' if t.isdigit() else 'in'} {t}"
                             for n, t in row["sizes"].items())
        lines.append(f"  except {where} together: {e.layer} then sees a "
                     f"{'x'.join(['1'] * len(names))} map")
        if e.example:
            lines.append(f"      e.g. {_x(e.example)}: {e.error}")
    payload["axes"] = [{"axis": a.axis, "dim": a.dim,
                        "closed_form": form_text(a.form) if a.classes else None,
                        "smallest": a.smallest} for a in ans.axes]
    return lines, payload
