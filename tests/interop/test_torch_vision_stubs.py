"""``conv-calc import torch`` beside a torchvision whose compiled ops do not load
(conv_calc/interop/torch_vision.py): the import is retried once with torchvision's two
op-registration modules stubbed, with a note on stderr; any other import error is
reported as before. Each case runs in a subprocess, so that the stubs and the purge of
``torchvision.*`` modules never touch this test process. The model file stands in for
torchvision: it fails as torchvision does unless the registration module is a stub.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]

MODEL = '''
import sys

stub = sys.modules.get("torchvision._meta_registrations")
if stub is None or getattr(stub, "__file__", None) is not None:
    raise RuntimeError({message!r})


def build():
    import torch
    return torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3))
'''


def _run(tmp_path: Path, message: str) -> subprocess.CompletedProcess:
    model = tmp_path / "model.py"
    model.write_text(MODEL.format(message=message))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "conv_calc", "import", "torch",
                           f"{model}:build", "--input", "1x3x8x8"],
                          capture_output=True, text=True, env=env, timeout=120, check=False)


def test_missing_torchvision_ops_are_stubbed_with_a_note(tmp_path: Path) -> None:
    done = _run(tmp_path, "operator torchvision::nms does not exist")
    assert done.returncode == 0, done.stderr
    assert "Conv2d" in done.stdout
    assert done.stderr.startswith("note: torchvision's compiled ops do not load beside this "
                                  "torch (operator torchvision::nms does not exist")


def test_other_import_errors_are_not_retried(tmp_path: Path) -> None:
    done = _run(tmp_path, "operator mylib::nms does not exist")
    assert done.returncode == 2
    assert "raised RuntimeError: operator mylib::nms does not exist" in done.stderr
    assert "note:" not in done.stderr
