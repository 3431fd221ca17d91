"""``conv-calc export --to torch`` without torch: the written text, refusals, the command.

The golden file fixes the exported code's form for one small example; regenerate it,
after checking the difference by eye, from the repository's root with
``python -m conv_calc export examples/residual.yaml --to torch > tests/golden/export_torch_residual.py.txt``.
tests/interop/test_torch_export_live.py runs the exported code in torch.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conv_calc.errors import ExportError
from conv_calc.interop.torch_export import export_torch
from conv_calc.stackfile.load import load_stack, load_text
from tests.cli_runner import run

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "export_torch_residual.py.txt"


def test_golden_text_of_a_small_file() -> None:
    stack = load_stack(str(ROOT / "examples" / "residual.yaml"))
    assert export_torch(stack, "examples/residual.yaml") == GOLDEN.read_text(encoding="utf-8")


@pytest.mark.slow  # every example analysed and exported: ~20 s on a shared machine
def test_the_code_is_valid_python_for_every_example() -> None:
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        if path.name.startswith("broken-"):
            continue
        compile(export_torch(load_stack(str(path)), path.name), path.name, "exec")


def test_generating_needs_no_torch() -> None:
    """The exporter writes code in a Python where torch cannot be imported."""
    code = textwrap.dedent(f"""
        import sys
        sys.modules["torch"] = None  # import torch now raises ImportError
        from conv_calc.interop.torch_export import export_torch
        from conv_calc.stackfile.load import load_stack
        for name in ("resnet18", "unet-small", "squeeze-excitation", "convnext_tiny"):
            text = export_torch(load_stack({str(ROOT / "examples")!r} + "/" + name + ".yaml"))
            assert text.startswith("# "), name
        print("ok")
    """)
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert done.stdout.strip() == "ok", done.stderr


def test_identical_blocks_share_a_class_with_the_differing_numbers_as_parameters() -> None:
    text = export_torch(load_stack(str(ROOT / "examples" / "resnet18.yaml")))
    assert "class BasicBlock(nn.Module):" in text and "def __init__(self, in_channels):" in text
    assert "            BasicBlock(64),\n            BasicBlock(64),\n" in text
    assert "            DownBlock(64, 128),\n" in text
    assert text.count("\nclass ") == 3  # BasicBlock, DownBlock, Resnet18


def test_eval_mode_is_applied() -> None:
    text = export_torch(load_stack(str(ROOT / "examples" / "aspp-eval-batch1.yaml")))
    assert "        self.eval()  # the stack file's mode: eval" in text


def test_named_tensors_and_outputs() -> None:
    text = export_torch(load_stack(str(ROOT / "examples" / "squeeze-excitation.yaml")))
    assert "        gated = self.se(expanded)\n" in text and "        x = out * x\n" in text
    assert "        return out, expanded\n" in text


def _stack(body: str):
    return load_text("input: [1, 3, 8, 8]\nlayers:\n" + textwrap.indent(body, "  "), "net.yaml")


@pytest.mark.parametrize("body, row", [
    ("- Conv2d: {out_channels: 4, kernel_size: 1}\n  name: forward\n", "forward"),
    ("- ReLU:\n  name: a\n- ReLU:\n  name: a.b\n", "a.b"),
])
def test_names_torch_refuses_are_refused_naming_the_row(body: str, row: str) -> None:
    with pytest.raises(ExportError) as info:
        export_torch(_stack(body))
    assert repr(row) in str(info.value) and info.value.hint


def test_keras_stacks_are_refused() -> None:
    stack = load_stack(str(ROOT / "examples" / "keras" / "mobilenet-v1.yaml"))
    with pytest.raises(ExportError, match="keras stack cannot be exported"):
        export_torch(stack)


def test_command_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "model.py"
    result = run("export", str(ROOT / "examples" / "tiny.yaml"), "--to", "torch", "-o", str(out))
    assert result.code == 0 and result.stdout == ""
    assert out.read_text(encoding="utf-8") == export_torch(
        load_stack(str(ROOT / "examples" / "tiny.yaml")), str(ROOT / "examples" / "tiny.yaml"))


def test_command_to_stdout() -> None:
    result = run("export", str(ROOT / "examples" / "tiny.yaml"), "--to", "torch")
    assert result.code == 0 and "class Tiny(" in result.stdout


@pytest.mark.parametrize("args, code, text", [
    (["examples/broken-unet-skip.yaml", "--to", "torch"], 1,
     "row 'cat' fails in torch, so it is not exported"),
    (["examples/keras/mobilenet-v1.yaml", "--to", "torch"], 2,
     "a keras stack cannot be exported --to torch"),
    (["examples/tiny.yaml", "--to", "onnx"], 2, "'onnx' is not one of 'torch'"),
    (["examples/tiny.yaml"], 2, "Missing option '--to'"),
    (["examples/tiny.yaml", "--to", "torch", "-o", "/nonexistent/dir/model.py"], 2, "cannot write"),
    (["no-such-file.yaml", "--to", "torch"], 2, "no-such-file.yaml"),
])
def test_command_failures(args: list[str], code: int, text: str, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run("export", *args)
    assert result.code == code
    assert text in result.stderr and "Traceback" not in result.stderr


def test_pieces_flow_as_the_file_says() -> None:
    """Shapes cannot tell chunk's pieces apart: the text must continue with the named one."""
    text = export_torch(load_stack(str(ROOT / "examples" / "shufflenet-v2-unit.yaml")))
    assert "        x1, x2 = x.chunk(chunks=2, dim=1)\n        x = self.branch2(x2)\n" in text
    assert "        x = torch.cat([x1, x], dim=1)\n" in text
    from conv_calc.graph.nodes import Call
    from conv_calc.graph.stack import Stack

    stack = Stack([Call("chunk", (2,), {"dim": 1}, index=1)], input_shape=(1, 4, 3, 3))
    assert "        x = x.chunk(2, dim=1)[1]\n" in export_torch(stack)


def test_size_of_reads_the_named_tensor() -> None:
    stack = _stack("- Conv2d: {out_channels: 4, kernel_size: 3, stride: 2}\n"
                   "- interpolate: {size_of: input, mode: nearest}\n")
    assert "        x = F.interpolate(out, mode='nearest', size=x.shape[-2:])\n" in \
        export_torch(stack)
    assert "import torch.nn.functional as F\n" in export_torch(stack)
