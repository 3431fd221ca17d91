"""``conv-calc layer`` with Keras 3 layers: exit code, stdout and stderr together.

Shapes, parameter counts and messages were checked against Keras 3.15 (torch backend,
PYTHONHASHSEED=0) on a ``keras.Input(batch_shape=...)``: the literals below are what
it gave (its default layer names aside: Keras numbers them, conv-calc says ``conv2d``).
"""

from __future__ import annotations

import json

import pytest

from tests.cli_runner import run

CONV_SAME = """\
keras.layers.Conv2D(64, 3, strides=2, padding='same')

input   [None, 224, 224, 3]
output  [None, 112, 112, 64]

  out = ceil(in / strides); 'same' pads max((out-1)*strides + k_eff - in, 0), the odd pixel after
  H_out = ceil(224 / 2) = 112  (padding 'same' pads max((112-1)*2 + 3 - 224, 0) = 1: 0 before, 1 after)
  W_out = ceil(224 / 2) = 112  (padding 'same' pads max((112-1)*2 + 3 - 224, 0) = 1: 0 before, 1 after)

receptive field (per spatial axis)
  size 3, jump 2, start 1, effective padding 0

params  1,792
MACs    21,676,032
"""


@pytest.mark.parametrize("spec", [
    "Conv2D(64, 3, strides=2, padding='same')",                  # detected: Keras-only name
    "keras.layers.Conv2D(64, 3, strides=2, padding='same')",
    "layers.Conv2D(64, 3, strides=2, padding='same')",
    "tf.keras.layers.Conv2D(64, 3, strides=2, padding='same')",
])
@pytest.mark.parametrize("shape", ["None,224,224,3", "Nonex224x224x3", "[None, 224, 224, 3]",
                                   "?x224x224x3"])
def test_conv2d_same_is_detected_and_explained(spec, shape):
    result = run("layer", spec, "--input", shape)
    assert (result.code, result.stdout, result.stderr) == (0, CONV_SAME, "")


def test_explicit_framework_and_spatial_only_input():
    result = run("layer", "Conv2D(64, 3, strides=2, padding='same')", "--input", "224",
                 "--framework", "keras")
    assert (result.code, result.stdout, result.stderr) == (0, CONV_SAME, "")


def test_known_batch():
    result = run("layer", "layers.MaxPooling2D(2)", "--input", "1x7x7x8")
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout == """\
keras.layers.MaxPooling2D(2)

input   [1, 7, 7, 8]
output  [1, 3, 3, 8]

  out = floor((in - pool_size) / strides) + 1
  H_out = floor((7 - 2) / 2) + 1 = floor(2.5) + 1 = 3
  W_out = floor((7 - 2) / 2) + 1 = floor(2.5) + 1 = 3

receptive field (per spatial axis)
  size 2, jump 2, start 1/2, effective padding 0

params  0
MACs    0
"""


@pytest.mark.parametrize("spec, shape, output, lines", [
    ("Conv1D(8, 3, padding='causal', dilation_rate=2)", "None,100,4", "[None, 100, 8]",
     ["out = ceil(in / strides); 'causal' pads dilation_rate*(kernel_size-1) before",
      "L_out = ceil(100 / 1) = 100  (padding 'causal' pads 2*(3-1) = 4 before, 0 after)"]),
    ("Conv2D(8, 3, dilation_rate=2)", "None,32,32,3", "[None, 28, 28, 8]",
     ["out = floor((in - dilation_rate*(kernel_size-1) - 1) / strides) + 1",
      "H_out = floor((32 - 2*(3-1) - 1) / 1) + 1 = floor(27) + 1 = 28"]),
    ("Conv2D(8, 7, strides=2, padding='same')", "None,224,224,3", "[None, 112, 112, 8]",
     ["H_out = ceil(224 / 2) = 112  (padding 'same' pads max((112-1)*2 + 7 - 224, 0) = 5: "
      "2 before, 3 after)"]),
    ("Conv2DTranspose(16, 3, strides=2, padding='same')", "None,28,28,8", "[None, 56, 56, 16]",
     ["out = in * strides",
      "H_out = 28*2 = 56  (the full (28-1)*2 + 3 = 57, cropped 0 before, 1 after)"]),
    ("Conv2DTranspose(16, 3, strides=2, padding='same', output_padding=1)", "None,28,28,8",
     "[None, 56, 56, 16]",
     ["out = (in - 1)*strides + k_eff % 2 + output_padding, "
      "k_eff = dilation_rate*(kernel_size-1) + 1",
      "H_out = (28 - 1)*2 + 3 % 2 + 1 = 56  (the full (28-1)*2 + 3 = 57, cropped 0 before, "
      "1 after)"]),
    ("Conv2DTranspose(16, 3, strides=2)", "None,28,28,8", "[None, 57, 57, 16]",
     ["out = (in - 1)*strides + max(k_eff, strides), k_eff = dilation_rate*(kernel_size-1) + 1",
      "H_out = (28 - 1)*2 + max(3, 2) = 57"]),
    ("Conv2DTranspose(16, 4, strides=2, output_padding=1)", "None,28,28,8", "[None, 59, 59, 16]",
     ["out = (in - 1)*strides + k_eff + output_padding, k_eff = dilation_rate*(kernel_size-1) + 1",
      "H_out = (28 - 1)*2 + 4 + 1 = 59  (the full (28-1)*2 + 4 = 58, with 0 before and 1 after "
      "added)"]),
    ("MaxPool2D(3, strides=2, padding='same')", "None,112,112,3", "[None, 56, 56, 3]",
     ["H_out = ceil(112 / 2) = 56  (padding 'same' pads max((56-1)*2 + 3 - 112, 0) = 1: "
      "0 before, 1 after)"]),
    ("UpSampling2D(2)", "None,7,7,3", "[None, 14, 14, 3]", ["H_out = 7 * 2 = 14"]),
    ("Cropping2D(((1, 2), (0, 1)))", "None,10,10,3", "[None, 7, 9, 3]",
     ["H_out = 10 - 1 - 2 = 7", "W_out = 10 - 0 - 1 = 9"]),
    ("ZeroPadding2D(((1, 2), (0, 1)))", "None,10,10,3", "[None, 13, 11, 3]",
     ["H_out = 10 + 1 + 2 = 13", "W_out = 10 + 0 + 1 = 11"]),
    ("Conv2D(8, 3, data_format='channels_first')", "32", "[None, 8, 30, 30]",
     ["H_out = floor((32 - 1*(3-1) - 1) / 1) + 1 = floor(29) + 1 = 30"]),
])
def test_formulas(spec, shape, output, lines):
    result = run("layer", spec, "--input", shape)
    assert (result.code, result.stderr) == (0, ""), result.stderr
    assert f"\noutput  {output}\n" in result.stdout
    for line in lines:
        assert f"\n  {line}\n" in result.stdout


@pytest.mark.parametrize("spec, shape, params", [
    ("SeparableConv2D(32, 3, padding='same')", "None,56,56,16", "688"),
    ("DepthwiseConv2D(3, strides=2, padding='same')", "None,112,112,32", "320"),
    ("keras.layers.Dense(10)", "None,128", "1,290"),
    ("Conv2DTranspose(16, 4, strides=2, output_padding=1)", "None,28,28,8", "2,064"),
])
def test_params_as_keras_counts_them(spec, shape, params):
    result = run("layer", spec, "--input", shape)
    assert result.code == 0 and f"\nparams  {params}\n" in result.stdout


INVALID = [
    ("keras.layers.Conv2D(64, 7, strides=2, padding='valid', dilation_rate=2)", "None,224,224,3",
     "error: Conv2D cannot be built:\n"
     "ValueError: `strides > 1` not supported in conjunction with `dilation_rate > 1`. "
     "Received: strides=(2, 2) and dilation_rate=(2, 2)\n"
     "hint: Keras refuses strides > 1 together with dilation_rate > 1: use one of them, or a "
     "strided layer followed by a dilated one.\n"),
    ("Conv2D(64, 300)", "None,224,224,3",
     "error: Conv2D fails in compute_output_shape:\n"
     "ValueError: Computed output size would be zero or negative. Received `inputs "
     "shape=(None, 224, 224, 3)`, `kernel shape=(300, 300, 3, 64)`, `dilation_rate=[1 1]`, "
     "`strides=(1, 1)`, `padding=valid`.\n"
     "hint: spatial axis 0 has 224 pixels but the kernel spans 300 (kernel 300, dilation 1): "
     "enlarge the input, shrink the kernel, or use padding='same'.\n"),
    ("Conv2D(64, 3)", "None,224,224",
     "error: Conv2D fails when called (input spec or build):\n"
     "ValueError: Input 0 with name 'None' of layer 'conv2d' is incompatible with the layer: "
     "expected min_ndim=4, found ndim=3. Full shape received: (None, 224, 224)\n"
     "hint: Conv2D takes at least 4 dimensions (batch first), got 3: (None, 224, 224).\n"),
    ("Conv2D(64, 3, groups=2)", "None,32,32,3",
     "error: Conv2D fails when called (input spec or build):\n"
     "ValueError: The number of input channels must be evenly divisible by the number of "
     "groups. Received groups=2, but the input has 3 channels (full input shape is "
     "(None, 32, 32, 3)).\n"
     "hint: 3 input channels cannot be split into 2 groups.\n"),
    ("Conv2D(64, 3, padding='causal')", "32",
     "error: Conv2D cannot be built:\n"
     "ValueError: The `padding` argument must be a list/tuple or one of {'same', 'valid'}. "
     "Received: causal\n"
     "hint: padding='causal' is not one of {'same', 'valid'} ('causal' exists for Conv1D "
     "only).\n"),
]


@pytest.mark.parametrize("spec, shape, stderr", INVALID, ids=[s for s, _, _ in INVALID])
def test_invalid_layers_exit_1_with_kerass_message(spec, shape, stderr):
    result = run("layer", spec, "--input", shape)
    assert result.code == 1
    title = spec if spec.startswith("keras.layers.") else "keras.layers." + spec
    expanded = "[None, 32, 32, 3]" if shape == "32" else "[" + shape.replace(",", ", ") + "]"
    assert result.stdout == f"{title}\n\ninput   {expanded}\n"
    assert result.stderr == stderr


def test_json_valid_and_invalid():
    ok = run("layer", "Conv2D(64, 3, strides=2, padding='same')", "-i", "None,224,224,3",
             "--format", "json")
    assert (ok.code, ok.stderr) == (0, "")
    doc = json.loads(ok.stdout)
    assert doc["framework"] == "keras" and doc["type"] == "Conv2D"
    assert doc["input_shape"] == [None, 224, 224, 3]
    assert doc["output_shape"] == [None, 112, 112, 64]
    assert (doc["params"], doc["macs"], doc["error"]) == (1792, 21676032, None)
    assert doc["receptive_field"]["size"] == [3, 3]
    assert doc["receptive_field"]["effective_padding"] == [0, 0]
    assert len(doc["formulas"]) == 2

    bad = run("layer", "Conv2D(64, 300)", "-i", "None,224,224,3", "--format", "json")
    assert (bad.code, bad.stderr) == (1, "")
    error = json.loads(bad.stdout)["error"]
    assert error["type"] == "ValueError"
    assert error["message"].startswith("Computed output size would be zero or negative.")
    assert error["hint"] and error["keras_stage"] == "compute_output_shape"


def test_short_form_with_framework_keras():
    result = run("layer", "conv2d", "--framework", "keras", "-i", "Nonex224x224x3", "--out", "64",
                 "-k", "3", "-s", "2", "-p", "same")
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout.startswith(
        "keras.layers.Conv2D(filters=64, kernel_size=3, strides=2, padding='same')\n")
    assert result.stdout.endswith(CONV_SAME.split("\n", 1)[1])
    pool = run("layer", "maxpool2d", "--framework", "keras", "-i", "112", "-k", "3", "-s", "2",
               "-p", "same")
    assert pool.code == 0 and "output  [None, 56, 56, 3]" in pool.stdout


def test_short_form_without_framework_stays_torch():
    result = run("layer", "conv2d", "-i", "224", "-k", "3")
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout.startswith("Conv2d(3, 3, kernel_size=(3, 3), stride=(1, 1))\n")


@pytest.mark.parametrize("spec, first_line", [
    ("Conv2d(3, 64, 3)", "Conv2d(3, 64, kernel_size=(3, 3), stride=(1, 1))"),   # torch name
    ("nn.ReLU()", "ReLU()"),
    ("ReLU()", "ReLU()"),                                # in both: torch unless written Keras
    ("keras.layers.ReLU()", "keras.layers.ReLU()"),
    ("MaxPool2D(2)", "keras.layers.MaxPool2D(2)"),       # Keras's alias of MaxPooling2D
    ("GlobalAveragePooling2D()", "keras.layers.GlobalAveragePooling2D()"),
])
def test_detection(spec, first_line):
    shape = "1x3x8x8" if not first_line.startswith("keras") else "None,8,8,3"
    result = run("layer", spec, "--input", shape)
    assert (result.code, result.stderr) == (0, ""), result.stderr
    assert result.stdout.split("\n", 1)[0] == first_line


@pytest.mark.parametrize("args, stderr", [
    (("layer", "Conv2D(64, 3)", "-i", "None,None,32,3"),
     "error: --input: the shape 'None,None,32,3' has an unknown size after the batch\n"
     "hint: only the batch may be None: give every spatial size and the channels, "
     "e.g. None,224,224,3.\n"),
    (("layer", "Conv2D(64, 3)"), "error: --input is required: the output shape depends on it\n"
     "hint: give the full shape, channels_last (--input None,224,224,3 or 1x224x224x3), or only "
     "the spatial size (--input 224).\n"),
    (("layer", "Conv2d(3, 64, 3)", "--framework", "keras", "-i", "8"),
     "error: unknown Keras layer 'Conv2d'\nhint: did you mean 'Conv2D'?\n"),
    (("layer", "nn.Conv2d(3, 64, 3)", "--framework", "keras", "-i", "8"),
     "error: nn.Conv2d is a torch.nn name, but --framework keras was given\n"
     "hint: write the Keras layer (e.g. keras.layers.Conv2D), or drop --framework keras.\n"),
    (("layer", "keras.layers.Add()", "-i", "None,4,4,3"),
     "error: Add merges several inputs; conv-calc layer explains one layer on one input\n"
     "hint: put it in a stack file (framework: keras) with `add:`/`mul:`/`sub:`/`cat:` over "
     "saved tensors.\n"),
    (("layer", "maxpool2d", "--framework", "keras", "-i", "8", "-k", "2", "--ceil-mode"),
     "error: MaxPooling2D has no argument for --ceil-mode\n"
     "hint: MaxPooling2D takes: -k/--kernel-size, -s/--stride, -p/--padding (Keras pools have "
     "no ceil_mode: use padding='same').\n"),
    (("layer", "Conv2DTranspose(8, 3)", "-i", "None,8,8,3", "--output-size", "16"),
     "error: --output-size does not apply to Keras layers\n"
     "hint: Keras's transposed convs take output_padding instead; Keras has no adaptive "
     "pools.\n"),
    (("layer", "Conv2D(64, 3, padding=k)", "-i", "8"),
     "error: cannot read the layer: 'k' is not a literal value (column 23)\n"
     "  Conv2D(64, 3, padding=k)\n"
     "                        ^\n"),
    # unreadable arguments: the Keras name still decides, so the shape is read as Keras's
    (("layer", "Conv2D(4, 3, strides=2**70)", "-i", "None,4,4,4"),
     "error: cannot read the layer: arguments must be numbers, strings, True/False/None, tuples "
     "or lists (nothing is evaluated) (column 22)\n"
     "  Conv2D(4, 3, strides=2**70)\n"
     "                       ^\n"
     "hint: write it as in Keras code, e.g. 'Conv2D(64, 3, strides=2)'.\n"),
    # an unknown batch is Keras's notion: a torch layer's --input is unchanged
    (("layer", "Conv2d(3, 64, 3)", "-i", "None,3,8,8"),
     "error: --input: the shape 'None,3,8,8' has 'None' where a whole number should be\n"),
])
def test_usage_errors_exit_2(args, stderr):
    result = run(*args)
    assert (result.code, result.stdout) == (2, ""), result
    assert result.stderr.startswith(stderr)
