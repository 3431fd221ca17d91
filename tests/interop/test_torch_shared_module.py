"""A torch module called twice imports as two rows, the second with `shares:`: the file's
total is ``sum(p.numel() for p in model.parameters())``. Needs torch."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

from conv_calc.interop.torch_fx import import_module  # noqa: E402
from conv_calc.stackfile.load import load_text  # noqa: E402
from conv_calc.stackfile.yaml_writer import dump_stack  # noqa: E402


class Twice(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.conv(self.pool(self.relu(self.conv(x)))))


def test_a_module_called_twice_counts_its_parameters_once() -> None:
    model = Twice()
    imported = import_module(model, (1, 3, 16, 16), None, "Twice")
    text = dump_stack(imported.document, imported.header)
    assert text.count("shares: conv") == 1  # the ReLU has no weights to share
    report = load_text(text, "twice.yaml").analyze()
    assert [(r.name, r.params) for r in report.layers] == [
        ("conv", 84), ("relu", 0), ("pool", 0), ("conv_1", 0), ("relu_1", 0)]
    assert report.total_params == sum(p.numel() for p in model.parameters()) == 84
    with torch.no_grad():
        assert list(report.output_shape) == list(model(torch.zeros(1, 3, 16, 16)).shape)
