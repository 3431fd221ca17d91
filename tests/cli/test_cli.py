"""``conv-calc`` entry point and ``conv-calc layer``: exit code, stdout and stderr together."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.cli_runner import PINNED_ENV, run


def test_version():
    result = run("--version")
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout.startswith("conv-calc ")


def test_help_teaches_with_examples():
    result = run("--help")
    assert result.code == 0 and result.stderr == ""
    assert "conv-calc layer conv2d --input 224 -k 7 -s 2 -p 3" in result.stdout
    layer_help = run("layer", "--help")
    assert layer_help.code == 0
    assert "conv-calc layer maxpool2d --input 112 -k 3 -s 2 -p 1 --ceil-mode" in layer_help.stdout
    assert "\x1b[" not in layer_help.stdout


def test_help_has_no_ansi_in_github_actions():
    result = run("layer", "--help", env={"GITHUB_ACTIONS": "true"})
    assert result.code == 0 and "\x1b[" not in result.stdout


def test_unknown_command_is_a_usage_error():
    result = run("nope")
    assert result.code == 2 and result.stdout == ""
    assert "No such command 'nope'" in result.stderr


CONV_TEXT = """\
Conv2d(3, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3))

input   [1, 3, 224, 224]
output  [1, 64, 112, 112]

  out = floor((in + 2*padding - dilation*(kernel_size-1) - 1) / stride) + 1
  H_out = floor((224 + 2*3 - 1*(7-1) - 1) / 2) + 1 = floor(111.5) + 1 = 112
  W_out = floor((224 + 2*3 - 1*(7-1) - 1) / 2) + 1 = floor(111.5) + 1 = 112
"""


def test_layer_constructor_form():
    result = run("layer", "Conv2d(3, 64, kernel_size=7, stride=2, padding=3)",
                 "--input", "1x3x224x224")
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout.startswith(CONV_TEXT)
    # torch: sum(p.numel()) = 64*3*7*7 + 64; flop_counter FLOPs // 2
    assert "params  9,472\nMACs    118,013,952\n" in result.stdout


@pytest.mark.parametrize("args", [
    ("layer", "nn.Conv2d(3, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3))",
     "--input", "224"),
    ("layer", "(conv1): Conv2d(3, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3))",
     "-i", "224x224"),
    ("layer", "torch.nn.Conv2d(3, 64, 7, 2, 3)", "--input", "1,3,224,224"),
])
def test_layer_constructor_spellings_and_input_forms(args):
    result = run(*args)
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout.startswith(CONV_TEXT)


def test_layer_short_form():
    result = run("layer", "conv2d", "--input", "224", "-k", "7", "-s", "2", "-p", "3",
                 "--out", "64")
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout.startswith(CONV_TEXT)


def test_layer_short_form_channels_from_input():
    result = run("layer", "conv1d", "--input", "1x16x1000", "--out", "32", "-k", "3", "-d", "4")
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout.startswith("Conv1d(16, 32, kernel_size=(3,), stride=(1,), dilation=(4,))")
    assert "  L_out = floor((1000 + 2*0 - 4*(3-1) - 1) / 1) + 1 = floor(991) + 1 = 992\n" \
        in result.stdout


def test_layer_pool_ceil_mode_drops_a_window_in_the_padding():
    result = run("layer", "maxpool1d", "--input", "1x1x5", "-k", "2", "-s", "2", "-p", "1",
                 "--ceil-mode")
    assert (result.code, result.stderr) == (0, "")
    assert "output  [1, 1, 3]\n" in result.stdout
    assert ("  L_out = ceil((5 + 2*1 - 1*(2-1) - 1) / 2) + 1 = ceil(2.5) + 1 = 4 - 1 = 3  "
            "(the last window would start at (4-1)*2 = 6 >= 5 + 1, inside the right padding, "
            "so it is dropped)\n") in result.stdout


def test_layer_avgpool_formula():
    result = run("layer", "AvgPool2d(3, stride=2)", "--input", "1x8x10x9")
    assert (result.code, result.stderr) == (0, "")
    assert "  H_out = floor((10 + 2*0 - 3) / 2) + 1 = floor(3.5) + 1 = 4\n" in result.stdout
    assert "  W_out = floor((9 + 2*0 - 3) / 2) + 1 = floor(3) + 1 = 4\n" in result.stdout


def test_layer_transposed_with_output_size():
    result = run("layer", "convtranspose2d", "-i", "1x64x56x56", "--in", "64", "--out", "3",
                 "-k", "4", "-s", "2", "-p", "1", "--output-size", "113")
    assert (result.code, result.stderr) == (0, "")
    assert "output  [1, 3, 113, 113]\n" in result.stdout
    assert ("  H_out = (56 - 1)*2 - 2*1 + 1*(4-1) + 1 + 1 = 113  (output_padding 1, chosen to "
            "reach output_size 113)\n") in result.stdout


def test_layer_json():
    result = run("layer", "Conv2d(3, 64, kernel_size=7, stride=2, padding=3)", "--input",
                 "224", "--format", "json")
    assert (result.code, result.stderr) == (0, "")
    doc = json.loads(result.stdout)
    assert doc["schema_version"] == 1
    assert (doc["type"], doc["input_shape"], doc["output_shape"]) == \
        ("Conv2d", [1, 3, 224, 224], [1, 64, 112, 112])
    assert (doc["params"], doc["macs"], doc["error"]) == (9472, 118013952, None)
    assert doc["formulas"][0].startswith("H_out = floor((224 + 2*3")


def test_layer_invalid_prints_torch_message_and_hint():
    result = run("layer", "Conv2d(3, 64, kernel_size=7)", "--input", "1x4x224x224")
    assert result.code == 1
    assert result.stdout == "Conv2d(3, 64, kernel_size=(7, 7), stride=(1, 1))\n\ninput   " \
                            "[1, 4, 224, 224]\nmode    train\n"
    lines = result.stderr.splitlines()
    assert lines[0] == "error: Conv2d fails in forward:"
    assert lines[1] == ("RuntimeError: Given groups=1, weight of size [64, 3, 7, 7], expected "
                        "input[1, 4, 224, 224] to have 3 channels, but got 4 channels instead")
    assert lines[2].startswith("hint: ")


def test_layer_invalid_json():
    result = run("layer", "Conv2d(3, 64, 3, padding=-1)", "--input", "8", "-f", "json")
    assert (result.code, result.stderr) == (1, "")
    doc = json.loads(result.stdout)
    assert doc["output_shape"] is None
    assert doc["error"]["type"] == "RuntimeError"
    assert doc["error"]["message"] == "negative padding is not supported"
    assert doc["error"]["hint"]


def test_layer_invalid_at_construction():
    result = run("layer", "Conv2d(3, 64, 3, groups=2)", "--input", "8")
    assert result.code == 1
    assert "error: Conv2d cannot be built:\nValueError: in_channels must be divisible by groups\n" \
        in result.stderr


@pytest.mark.parametrize("args, stderr_start", [
    (("layer", "Conv2d(3, 64, kernel_size=k)", "--input", "8"),
     "error: cannot read the layer: 'k' is not a literal value (column 27)\n"
     "  Conv2d(3, 64, kernel_size=k)\n"
     "                            ^\n"),
    (("layer", "Conv2d(3, 64, 3)", "--input", "1x3xa"),
     "error: --input: the shape '1x3xa' has 'a' where a whole number should be\n"),
    (("layer", "Conv2d(3, 64, 3)", "--input", "1x-3"),
     "error: --input: the shape '1x-3' has the negative size -3\n"),
    (("layer", "Conv2d(3, 64, 3)"), "error: --input is required"),
    # Without --framework, Conv2D is read as Keras (tests/cli/test_cli_keras.py).
    (("layer", "Conv2D(3, 64, 3)", "--input", "8", "--framework", "torch"),
     "error: unknown layer 'Conv2D'"),
    (("layer", "Conv2x(3, 64, 3)", "--input", "8"),
     "error: unknown layer 'Conv2x'\nhint: did you mean 'Conv2d'"),
    (("layer", "conv2d", "--input", "8"), "error: Conv2d needs kernel_size: give -k/--kernel-size"),
    (("layer", "avgpool2d", "--input", "8", "-k", "2", "-d", "2"),
     "error: AvgPool2d has no argument for -d/--dilation"),
    (("layer", "Conv2d(3, 64, 3)", "--input", "8", "-k", "3"),
     "error: -k/--kernel-size only go with the short form"),
    (("layer", "conv2d", "--input", "8", "-k", "3x"),
     "error: -k/--kernel-size: the value '3x' has '' where a whole number should be"),
    (("layer", "relu", "--input", "8", "--output-size", "3"),
     "error: --output-size does not apply to ReLU"),
])
def test_layer_usage_errors_exit_2(args, stderr_start):
    result = run(*args)
    assert result.code == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith(stderr_start) or stderr_start in result.stderr


def test_layer_unknown_case_is_matched():
    result = run("layer", "MAXPOOL2D", "--input", "8", "-k", "2")
    assert result.code == 0 and "output  [1, 3, 4, 4]" in result.stdout


def test_no_traceback_for_odd_layers():
    for text in ("Conv2d(" + "1," * 3000 + ")", "Conv2d(" + "9" * 5000 + ")", "\x00",
                 "Conv2d(3, 64, kernel_size='3x3')", "Conv2d(3, 64, 3, stride=0.5)",
                 "Conv2d(3, 64, 3, padding='foo')", "Linear(4, 2)"):
        result = run("layer", text, "--input", "1x3x8x8")
        assert result.code in (0, 1, 2), (text, result)
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr, \
            (text, result.stderr)


def test_internal_errors_exit_2_without_traceback(monkeypatch):
    from conv_calc.cli import layer as cli_layer
    def boom(*args, **kwargs):
        raise KeyError("surprise")
    monkeypatch.setattr(cli_layer, "run", boom)
    result = run("layer", "conv2d", "--input", "8", "-k", "3")
    assert result.code == 2 and result.stdout == ""
    assert result.stderr.startswith("conv-calc: internal error (KeyError: 'surprise')\n")
    assert "Traceback" not in result.stderr
    debug = run("layer", "conv2d", "--input", "8", "-k", "3", env={"CONV_CALC_DEBUG": "1"})
    assert debug.code == 2 and "Traceback" in debug.stderr


def test_keyboard_interrupt_exits_130(monkeypatch):
    from conv_calc.cli import layer as cli_layer
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(cli_layer, "run", interrupted)
    result = run("layer", "conv2d", "--input", "8", "-k", "3")
    assert result.code == 130


def test_python_dash_m_and_startup_imports():
    """python -m conv_calc is the same program; `layer` loads neither rich nor yaml."""
    env = {k: v for k, v in PINNED_ENV.items() if v is not None}
    code = ("import sys; from conv_calc.cli.app import main; "
            "rc = main(['layer', 'conv2d', '--input', '8', '-k', '3']); "
            "print(sorted(m for m in ('rich', 'yaml', 'conv_calc.stackfile.schema', 'conv_calc.stackfile.load') "
            "if m in sys.modules)); sys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**env, "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "[]"
    proc = subprocess.run([sys.executable, "-m", "conv_calc", "--version"], capture_output=True,
                          text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("conv-calc ")
