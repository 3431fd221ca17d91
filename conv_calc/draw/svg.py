"""A small SVG writer (standard library only) and the colours every picture shares.

Output is deterministic: attributes in the order given, numbers written the same way
every time (at most two decimals, no trailing zeros), no timestamps or ids from memory,
so tests can compare pictures byte for byte.

>>> svg = Svg(40, 20, title="a <cell>")
>>> svg.rect(0, 0, 10.5, 10, fill=shade(1, 2))
>>> svg.text(20, 15, "3 & 4", font_size=12)
>>> print(svg.render(), end="")
<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" viewBox="0 0 40 20" font-family="DejaVu Sans, Verdana, Arial, sans-serif">
<title>a &lt;cell&gt;</title>
<rect x="0" y="0" width="10.5" height="10" fill="#4292c6"/>
<text x="20" y="15" font-size="12">3 &amp; 4</text>
</svg>
"""

from __future__ import annotations

from math import log1p
from typing import Any
from xml.sax.saxutils import escape, quoteattr

__all__ = ["Svg", "num", "shade", "ink_on", "FONT", "PAD_FILL", "LINE", "ACCENT", "MUTED",
           "KERNEL", "OUTPUT"]

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
#: Padding cells (coordinates outside the tensor), grid lines, the highlighted output /
#: receptive-field outline, secondary text, kernel taps, output cells.
PAD_FILL = "#e6e6e6"
LINE = "#9a9a9a"
ACCENT = "#d62728"
MUTED = "#555555"
KERNEL = "#ff7f0e"
OUTPUT = "#2ca02c"

# A sequential blue scale (light to dark), one stop per ninth: counts are shaded by
# their fraction of the largest count, so equal counts look equal in every picture.
_SCALE = ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6aaed6", "#4292c6", "#2171b5",
          "#08519c", "#08306b")


def num(x: float) -> str:
    """A coordinate as SVG text: an int as is, else at most two decimals.

    >>> num(3), num(2.5), num(1 / 3), num(-0.0)
    ('3', '2.5', '0.33', '0')
    """
    if float(x).is_integer():
        return str(int(x))
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def shade(count: int, largest: int) -> str:
    """The fill of a cell holding ``count`` when the largest count is ``largest``; 0 is white.

    Up to 64 the scale is linear in the count; beyond, logarithmic, so the many small
    counts at the edge of a deep network's region stay visible beside its huge centre.

    >>> shade(0, 4), shade(4, 4), shade(1, 4), shade(10, 1000) == shade(100, 1000)
    ('#ffffff', '#08306b', '#9ecae1', False)
    """
    if count <= 0 or largest <= 0:
        return "#ffffff"
    if largest > 64:
        fraction = log1p(count) / log1p(largest)
    else:
        fraction = count / largest
    step = round((len(_SCALE) - 2) * fraction)
    return _SCALE[max(1, min(len(_SCALE) - 1, step + 1))]


def ink_on(fill: str) -> str:
    """Black or white text, whichever reads on ``fill``.

    >>> ink_on("#08306b"), ink_on("#f7fbff")
    ('#ffffff', '#000000')
    """
    r, g, b = (int(fill[i:i + 2], 16) for i in (1, 3, 5))
    return "#ffffff" if 0.299 * r + 0.587 * g + 0.114 * b < 140 else "#000000"


def _attrs(attrs: dict[str, Any]) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        text = num(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
            else str(value)
        parts.append(f" {name}={quoteattr(text)}")
    return "".join(parts)


class Svg:
    """An SVG document built element by element; :meth:`render` gives the text."""

    def __init__(self, width: float, height: float, title: str | None = None) -> None:
        self.width, self.height = width, height
        self.parts: list[str] = []
        if title:
            self.parts.append(f"<title>{escape(title)}</title>")

    def element(self, tag: str, content: str | None = None, **attrs: Any) -> None:
        if content is None:
            self.parts.append(f"<{tag}{_attrs(attrs)}/>")
        else:
            self.parts.append(f"<{tag}{_attrs(attrs)}>{escape(content)}</{tag}>")

    def rect(self, x: float, y: float, width: float, height: float, **attrs: Any) -> None:
        self.element("rect", x=x, y=y, width=width, height=height, **attrs)

    def line(self, x1: float, y1: float, x2: float, y2: float, **attrs: Any) -> None:
        self.element("line", x1=x1, y1=y1, x2=x2, y2=y2, **attrs)

    def circle(self, cx: float, cy: float, r: float, **attrs: Any) -> None:
        self.element("circle", cx=cx, cy=cy, r=r, **attrs)

    def text(self, x: float, y: float, content: str, **attrs: Any) -> None:
        self.element("text", str(content), x=x, y=y, **attrs)

    def open(self, tag: str, **attrs: Any) -> None:
        self.parts.append(f"<{tag}{_attrs(attrs)}>")

    def close(self, tag: str) -> None:
        self.parts.append(f"</{tag}>")

    def raw(self, text: str) -> None:
        """Already-written SVG markup (a nested picture, a pattern definition)."""
        self.parts.append(text)

    def render(self) -> str:
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{num(self.width)}" '
                f'height="{num(self.height)}" viewBox="0 0 {num(self.width)} {num(self.height)}" '
                f'font-family="{FONT}">')
        return "\n".join([head, *self.parts, "</svg>"]) + "\n"
