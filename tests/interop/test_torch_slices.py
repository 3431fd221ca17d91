"""``conv-calc import torch`` on models that slice tensors (conv_calc/interop/torch_slices.py).

Each model is imported (which checks every row against torch's run), the file read back
without torch, and its output shape compared with torch's own, at the imported size and,
for a centre crop (which adapts as the slice does), at another size too. Needs torch.
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

from conv_calc.interop.torch_fx import ImportRefused, import_module  # noqa: E402
from conv_calc.stackfile.load import load_text  # noqa: E402
from conv_calc.stackfile.yaml_writer import dump_stack  # noqa: E402
from tests.cli_runner import run  # noqa: E402


class Trim(nn.Module):
    """torchvision style: a border trimmed off after a padded conv (x[..., 1:-1, 1:-1])."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=2)
        self.head = nn.Conv2d(8, 4, 1)

    def forward(self, x):
        x = self.conv(x)
        x = x[..., 1:-1, 1:-1]
        return self.head(x)


class UpCrop(nn.Module):
    """A U-Net step whose crop offsets are computed from shapes in forward."""

    def __init__(self) -> None:
        super().__init__()
        self.down = nn.Conv2d(1, 4, 3)
        self.pool = nn.MaxPool2d(2)
        self.mid = nn.Conv2d(4, 4, 3)
        self.up = nn.ConvTranspose2d(4, 4, 2, stride=2)

    def forward(self, x):
        skip = self.down(x)
        x = self.up(self.mid(self.pool(skip)))
        dh = (skip.shape[2] - x.shape[2]) // 2
        dw = (skip.shape[3] - x.shape[3]) // 2
        return torch.cat([x, skip[:, :, dh:dh + x.shape[2], dw:dw + x.shape[3]]], dim=1)


class Ghost(nn.Module):
    """GhostNet style: channels cut back after a cat (out[:, :oup, :, :])."""

    def __init__(self) -> None:
        super().__init__()
        self.primary = nn.Conv2d(3, 6, 1)
        self.cheap = nn.Conv2d(6, 6, 3, padding=1, groups=6)

    def forward(self, x):
        a = self.primary(x)
        out = torch.cat([a, self.cheap(a)], dim=1)
        return out[:, :10, :, :]


class Corner(nn.Module):
    """A top-left crop before a merge: not a centre crop, so split rows and `add: [a, b]`."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(2, 2, 3)

    def forward(self, x):
        y = self.conv(x)
        return x[:, :, :y.shape[2], :y.shape[3]] + y


class CropFirstSub(nn.Module):
    """cropped - y: a merge row computes x - saved, so the crop is not folded into it."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(2, 2, 3)

    def forward(self, x):
        y = self.conv(x)
        return x[:, :, 1:-1, 1:-1] - y


def _imported(model, shape):
    model.eval()
    imported = import_module(model, shape, None, type(model).__name__)
    text = dump_stack(imported.document, imported.header)
    return imported, text


def _torch_shape(model, shape):
    with torch.no_grad():
        return list(model(torch.zeros(shape)).shape)


@pytest.mark.parametrize("cls, shape", [(Trim, (1, 3, 20, 17)), (Ghost, (1, 3, 9, 9)),
                                        (Corner, (1, 2, 12, 10)), (CropFirstSub, (1, 2, 9, 9))])
def test_slices_import_as_split_rows_with_torch_shapes(cls, shape) -> None:
    torch.manual_seed(0)
    model = cls()
    imported, text = _imported(model, shape)
    report = load_text(text, "sliced.yaml").analyze()
    assert report.error is None
    assert list(report.output_shape) == _torch_shape(model, shape)
    assert "split:" in text and "crop:" not in text
    # a split's sizes are this input's: the rows are listed as holding for it only
    assert imported.frozen and all(r in {row.name for row in report.layers}
                                   for r in imported.frozen)


def test_trim_rows() -> None:
    imported, text = _imported(Trim(), (1, 3, 20, 17))
    report = load_text(text, "trim.yaml").analyze()
    rows = [(r.name, r.type, list(r.output_shape)) for r in report.layers]
    assert rows == [("conv", "Conv2d", [1, 8, 22, 19]),
                    ("split", "Tensor.split", [1, 8, 20, 19]),
                    ("split_1", "Tensor.split", [1, 8, 20, 17]),
                    ("head", "Conv2d", [1, 4, 20, 17])]


@pytest.mark.parametrize("size", [68, 100])
def test_centre_crop_from_shapes_is_crop_center(size: int) -> None:
    model = UpCrop()
    imported, text = _imported(model, (1, 1, 68, 68))
    assert "crop: center" in text and "saved_first: false" in text
    assert imported.frozen == []  # the crop adapts to the input as the slice does
    report = load_text(text, "upcrop.yaml").analyze(input_shape=(1, 1, size, size))
    assert report.error is None
    assert list(report.output_shape) == _torch_shape(model, (1, 1, size, size))
    assert [r.type for r in report.layers][-1] == "cat"


class Stepped(nn.Module):
    def forward(self, x):
        return x[:, :, ::2]


class Indexed(nn.Module):
    def forward(self, x):
        return x[:, 0]


class NewAxis(nn.Module):
    def forward(self, x):
        return x[:, None]


class Gathered(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("keep", torch.tensor([0, 1]))

    def forward(self, x):
        return x[:, self.keep]


@pytest.mark.parametrize("cls, words", [
    (Stepped, ("step 2 on axis 2", "step 1 only")),
    (Indexed, ("integer index (0), which drops an axis", "squeeze")),
    (NewAxis, ("adds an axis", "unsqueeze")),
    (Gathered, ("indexing with a tensor", "numbers known in advance")),
])
def test_slices_a_split_cannot_write_are_refused(cls, words) -> None:
    with pytest.raises(ImportRefused) as err:
        import_module(nn.Sequential(nn.Conv2d(2, 2, 1), cls()), (1, 2, 6, 6), None, "m")
    message, hint = str(err.value), err.value.hint
    assert message.startswith("operator.getitem (a tensor slice) in ")
    assert words[0] in message and words[1] in hint


def test_cli_imports_a_slicing_model(tmp_path) -> None:
    code = tmp_path / "trim.py"
    code.write_text("import torch\nfrom torch import nn\n\n"
                    "class Trim(nn.Module):\n"
                    "    def __init__(self):\n        super().__init__()\n"
                    "        self.conv = nn.Conv2d(3, 8, 3, padding=2)\n\n"
                    "    def forward(self, x):\n        return self.conv(x)[..., 1:-1, 1:-1]\n")
    result = run("import", "torch", f"{code}:Trim", "-i", "1,3,16,16")
    assert result.code == 0, result.stderr
    assert "continue_with" in result.stdout and "numbers in 2 rows" in result.stdout
    report = load_text(result.stdout, "trim.yaml").analyze()
    assert list(report.output_shape) == [1, 8, 16, 16]
