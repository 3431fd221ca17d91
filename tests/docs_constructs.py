"""The table "From torch code to YAML" of docs/stack-format.md, parsed: construct, YAML
items and row names, for the tests that keep it true (conv-calc's side and torch's)."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "stack-format.md"


def construct_rows() -> list[tuple[str, str, list[str]]]:
    """(construct, the YAML items as block text, the claimed row names) per table row."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("### From torch code to YAML", 1)[1].split("\n## ", 1)[0]
    out = []
    for line in section.splitlines():
        if not line.startswith("| ") or line.startswith("| construct"):
            continue
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        construct, _torch, yaml_cell, rows_cell = cells
        items = re.findall(r"`([^`]+)`", yaml_cell)
        out.append((construct, "".join(f"  {item}\n" for item in items),
                    re.findall(r"`([^`]+)`", rows_cell)))
    return out
