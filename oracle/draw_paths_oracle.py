"""Ground truth for path counts (conv-calc draw overlap / draw rf) from torch 2.13 itself.

Usage (from the repository root, with torch==2.13.0)::

    python -m oracle.draw_paths_oracle      # writes tests/golden/draw_paths.json

Each case of tests/draw/cases.py (one-channel networks, no bias, summing pools) is run in
torch with every weight one on an all-ones input (tests/draw/torch_ones.py): every row's
output, channels summed, is its overlap map; the gradient of one output of the last row
with respect to the input, channels summed, is the region that output sees. Every 7th
output position of the last row is recorded. tests/draw/test_paths.py replays the file
without torch and re-runs the cases live when torch is installed.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "tests" / "golden" / "draw_paths.json"
#: Every STEP-th output position of a case's last row gets its region recorded.
STEP = 7


def _ints(t: Any) -> Any:
    """A float64 tensor of whole numbers as nested lists of ints."""
    values = t.tolist()

    def cast(v: Any) -> Any:
        return [cast(x) for x in v] if isinstance(v, list) else int(round(v))
    return cast(values)


def torch_case(text: str) -> dict[str, Any]:
    """The overlap map of every row and the sampled regions of the last row, from torch."""
    import torch

    from conv_calc.stackfile.load import load_text
    from tests.draw.torch_ones import run_ones

    stack = load_text(text)
    x, outs = run_ones(stack)
    overlap = {name: _ints(y[0].sum(0).detach()) for name, y in outs.items()}
    last = list(outs)[-1]
    y = outs[last]
    regions = []
    positions = itertools.product(*(range(n) for n in y.shape[2:]))
    for pos in itertools.islice(positions, 0, None, STEP):
        (grad,) = torch.autograd.grad(y[(0, slice(None)) + pos].sum(), x, retain_graph=True)
        regions.append({"position": list(pos), "counts": _ints(grad[0].sum(0))})
    return {"overlap": overlap, "row": last, "regions": regions}


def main() -> None:
    import torch

    from tests.draw.cases import CASES

    doc = {"torch": torch.__version__.split("+")[0], "step": STEP,
           "cases": {name: torch_case(text) for name, text in CASES.items()}}
    OUT.write_text(json.dumps(doc, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(doc['cases'])} cases)")


if __name__ == "__main__":
    main()
