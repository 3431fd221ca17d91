"""``conv-calc stack`` pauses the cyclic garbage collector while it works, and only then."""

from __future__ import annotations

import gc

from conv_calc.cli.entry import main


def test_collector_paused_during_the_run_and_restored(tmp_path, monkeypatch, capsys):
    seen = []
    from conv_calc.cli import stack as stack_cli

    real = stack_cli._write

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(stack_cli, "_write", spy)
    path = tmp_path / "net.yaml"
    path.write_text("version: 1\ninput: [1, 3, 8, 8]\nlayers:\n  - ReLU\n")
    assert gc.isenabled()
    assert main(["stack", str(path), "--format", "json"]) == 0
    assert seen == [False]
    assert gc.isenabled()
    assert main(["stack", str(tmp_path / "missing.yaml")]) == 2  # restored on failures too
    assert gc.isenabled()
    gc.disable()
    try:  # left off when the caller had it off
        assert main(["stack", str(path)]) == 0
        assert not gc.isenabled()
    finally:
        gc.enable()
    capsys.readouterr()
