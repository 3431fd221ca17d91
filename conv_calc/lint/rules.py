"""The lint rules: stable codes, names, default severities and a short doc page each.

Codes never change meaning and are never reused; new rules only add codes.

- ``CC0xx`` the file cannot be turned into a network (read, YAML, format);
- ``CC1xx`` torch would raise (a layer, or a ``torch.add`` / ``torch.cat`` merge);
- ``CC2xx`` the network runs but something is probably not what was meant;
- ``CC3xx`` an ``expect:`` in the file does not hold.

>>> RULES["CC201"].name, RULES["CC201"].severity
('checkerboard-risk', 'warning')
>>> lookup("dropped-input").code
'CC202'
>>> "CC203" in DEFAULT_SELECT, "CC202" in DEFAULT_SELECT
(False, True)
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Rule", "RULES", "DEFAULT_SELECT", "SEVERITIES", "lookup", "matches"]

#: Severities from the lowest; ``--fail-on`` and ``severity`` overrides use these names.
SEVERITIES = ("warning", "error")


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: ``code`` (CC123), ``name`` (kebab-case), default ``severity``, docs;
    ``default``: in the rules checked unless ``select`` says otherwise."""

    code: str
    name: str
    severity: str
    summary: str
    doc: str
    suppressible: bool = True
    default: bool = True


def _rule(code: str, name: str, severity: str, summary: str, doc: str,
          suppressible: bool = True, default: bool = True) -> Rule:
    return Rule(code, name, severity, summary, doc.strip(), suppressible, default)


_ALL = (
    _rule("CC001", "unreadable-file", "error",
          "the file cannot be read",
          """
The path does not exist, is not a file, or cannot be opened. conv-calc exits 2
(unreadable input), after linting every other file.

Fix: check the path and its permissions.
""", suppressible=False),
    _rule("CC002", "invalid-yaml", "error",
          "the file is not valid YAML, or uses a YAML feature conv-calc refuses",
          """
Syntax errors, undecodable bytes, tags (`!!python/...`), anchors and aliases,
merge keys, a key written twice in one mapping, nesting too deep. Each problem is reported at its line and column; the network is not
analysed.

Fix: as the hint says; docs/stack-format.md lists the YAML rules.
""", suppressible=False),
    _rule("CC003", "invalid-stack-file", "error",
          "the YAML is not a valid stack file",
          """
Unknown layers or arguments, a value of the wrong type, a missing `input:` or
`layers:`, an unknown key, a merge with a name never saved, a number or a
repeat beyond the supported size, ... Every problem of
the file is reported, each at its line and column; the network is not analysed.

Fix: as the hint says (it suggests the closest known name).
""", suppressible=False),
    _rule("CC004", "invalid-suppression", "error",
          "a `# conv-calc: ignore[...]` comment names a code or rule that does not exist",
          """
A suppression that names an unknown code (`CC999`), an unknown rule name or a
selector that is not a code prefix (`CC2`) silences nothing; conv-calc says so
instead of guessing, so a typo cannot hide every finding on a line.

Fix: use the codes and names `conv-calc rules` lists, separated by commas:
`# conv-calc: ignore[CC201, dropped-input]`.
""", suppressible=False),
    _rule("CC101", "torch-error", "error",
          "a layer raises in torch (constructor or forward)",
          """
PyTorch 2.13 would raise at this layer: the message is torch's, word for word,
and the hint names the cause with your numbers. The layer's line is where the
layer is written (inside a block definition for a block's layers). The analysis
stops there: later layers are not checked.

Example:

    - Conv2d: {in_channels: 65, out_channels: 128, kernel_size: 3}   # input has 64
""", suppressible=True),
    _rule("CC102", "merge-mismatch", "error",
          "torch.add / torch.cat of tensors whose shapes do not fit",
          """
A residual addition, a parallel block's merge or a `cat:` / `add:` of a saved
tensor would raise in torch (torch's message and a hint are given). Typical
causes: a stride on one branch only, unpadded convolutions on one branch, a
decoder whose upsampling does not restore the encoder's size (see CC207).
""", suppressible=True),
    _rule("CC201", "checkerboard-risk", "warning",
          "transposed convolution whose kernel size is not divisible by its stride",
          """
With kernel k and stride s, k % s != 0 makes neighbouring output positions
receive different numbers of kernel taps (uneven overlap), the usual source of
checkerboard artifacts (Odena, Dumoulin and Olah, "Deconvolution and
Checkerboard Artifacts", Distill 2016). The receptive field then depends on the
output position (`size` differs from `size_min`).

Fix: a kernel divisible by the stride (k=4, s=2), or resize-then-convolve
(Upsample + Conv2d).
"""),
    _rule("CC202", "dropped-input", "warning",
          "a strided layer never reads the last input rows/columns",
          """
For a convolution or pooling with stride s > 1, the output size is
floor((n + 2p - k_eff) / s) + 1: when (n + 2p - k_eff) % s = r is not 0, the
last r positions of the padded input are never read. When r is larger than the
right padding p, real input rows (or columns) are silently dropped; the message
says how many. Rows that another conv or pool reading the same tensor reads
are not lost (ResNet's 1x1 stride-2 shortcut beside its 3x3 stride-2 conv) and
are not reported. A block used several times is reported once, at its line,
with the input sizes of its other uses.

Fix: the hint gives the padding that reads every row (at every use of a
block), or the input sizes that would; or use ceil_mode=True for pooling.
"""),
    _rule("CC203", "rf-exceeds-input", "warning",
          "the receptive field is larger than the input",
          """
At this layer one output sees more input positions (receptive field size) than
the input has: every output's window reaches past the input into the padding,
so part of what later layers compute is zeros (or reflected borders). Reported
once per file, at the first such layer.

Off by default: nearly every deep classification network trips it at its usual
input size (ResNet-50's reaches 235 at layer3.4.conv2 on a 224 input), where
it is by design. Select it (`--select CC203`, or `select = ["ALL"]`) to see
where a small input stops being seen whole.

Fix: a larger input, fewer or less strided layers, or accept it (suppress the
rule).
""", default=False),
    _rule("CC204", "rf-covers-input", "warning",
          "layers that widen a receptive field which already covers the whole input",
          """
After the named layer every output already depends on every input position;
the layers reported here read such a tensor and still grow the receptive field
(kernel > 1 on a spatial axis), so they cannot add context, only padding.
Reported once per file, at the first such layer, with the number of such layers.
Layers are followed along the tensors they read: a branch taken before the
field grew is not counted.

Off by default: the receptive field counts every input position an output
depends on, so a global pooling (squeeze-excitation gates, attention) makes it
cover the input at once, and the usual depth of torchvision's networks at 224
goes past it. Select it (`--select CC204`, or `select = ["ALL"]`) when sizing a
network to its input.

Fix: fewer downsampling stages for this input size, or a larger input.
""", default=False),
    _rule("CC205", "same-padding-asymmetric", "warning",
          "padding='same' with an even effective kernel pads one side more",
          """
With padding='same', torch pads d*(k-1) in total, d*(k-1)//2 on the left/top
and the rest on the right/bottom. When the effective kernel d*(k-1)+1 is even
(an even kernel with an odd dilation), the right side gets one more, so each
output is centred half a pixel off its input position.

Fix: an odd kernel size, or explicit padding if the shift is intended.
"""),
    _rule("CC206", "excess-padding", "warning",
          "padding larger than 'same' needs",
          """
A convolution with padding p > k_eff // 2 (k_eff = d*(k-1)+1) pads more than
keeping the size needs: the output grows, and its border positions mostly (or,
when p >= k_eff, only) see padding.

Fix: padding = k_eff // 2 (or padding='same' at stride 1).
"""),
    _rule("CC207", "skip-size-mismatch", "warning",
          "a decoder upsampling does not restore the size of the encoder tensor it is merged with",
          """
In a U-Net-like network, the transposed convolution (or upsampling) before a
`cat:` / `add:` of a saved encoder tensor gives a different spatial size from
the saved tensor (typically an odd encoder size halved by a stride-2 layer),
so torch.cat fails (CC102) or only broadcasting hides it. The hint gives the
output_padding that restores the size when one exists, or the crop.

Fix: output_padding=1 on the transposed conv, `crop: center` on the merge, or
an input size divisible by 2**depth.
"""),
    _rule("CC208", "misaligned-branches", "warning",
          "merged branches whose outputs are not centred on the same input positions",
          """
Branches merged by add or cat have a different jump (distance between outputs
in input pixels) or the same output index is centred on different input
positions (Araujo, Norris and Sim, "Computing Receptive Fields of Convolutional
Neural Networks", Distill 2019). The merged features then mix information from
shifted positions.

Not reported: branches aligned on average over one period of outputs (a U-Net's
2x2 stride-2 up-convolution gives both outputs of a window one centre; no
padding or crop changes that), and branches whose outputs all end at the same
input position (causal convolutions beside their residual, as in WaveNet).

Fix: the hint says which branch is centred how far from the other: an even
kernel shifts by half a pixel (use kernels of the same parity); a whole number
of positions is padding or cropping that branch.
"""),
    _rule("CC209", "ceil-mode-dropped-window", "warning",
          "ceil_mode=True adds a window that would start in the right padding; torch drops it",
          """
With ceil_mode=True the formula ceil((n + 2p - k_eff) / s) + 1 can count a last
window that starts past the input, in the right padding. torch drops such a
window (the "last pooling starts inside the image" rule), so the output is one
smaller than the ceil formula says.

Fix: if you counted on the ceil formula, change the padding or the input size.
"""),
    _rule("CC301", "expect-output-shape", "error",
          "an expect: output_shape does not hold",
          """
The layer (or the network, for a top-level `expect:`) produces another shape
than the file says. The message gives both.
"""),
    _rule("CC302", "expect-receptive-field", "error",
          "an expect: receptive_field value does not hold",
          """
`expect: {receptive_field: {size: 35}}` (or size_min, jump, start,
effective_padding; one value for every axis or a list, one per axis) differs
from the computed receptive field.
"""),
    _rule("CC303", "expect-params", "error",
          "an expect: params count does not hold",
          """
The parameter count (torch's sum(p.numel() for p in m.parameters())) of the
layer, the block (summed over its layers) or the network differs from the file.
"""),
    _rule("CC304", "expect-macs", "error",
          "an expect: macs count does not hold",
          """
The multiply-accumulate count of the layer, block or network differs from the
file.
"""),
)

#: Every rule by code, in code order (an explicit registry, not discovery).
RULES: dict[str, Rule] = {r.code: r for r in _ALL}
_BY_NAME: dict[str, Rule] = {r.name: r for r in _ALL}
#: What is checked when no ``select`` is given: every rule but the opt-in ones (ruff's
#: model: ``ALL``, a prefix or a code selects an opt-in rule explicitly).
DEFAULT_SELECT: tuple[str, ...] = tuple(r.code for r in _ALL if r.default)


def lookup(code_or_name: str) -> Rule | None:
    """The rule with this code (any case) or name, else None."""
    key = code_or_name.strip()
    return RULES.get(key.upper()) or _BY_NAME.get(key.lower())


def matches(code: str, selectors: tuple[str, ...]) -> bool:
    """Whether ``code`` is chosen by a selector: a code, a prefix (``CC2``), a name or ``ALL``.

    >>> matches("CC202", ("CC2",)), matches("CC202", ("CC1", "ALL")), matches("CC101", ("CC2",))
    (True, True, False)
    """
    rule = RULES.get(code)
    for sel in selectors:
        if sel == "ALL" or code.startswith(sel) or (rule is not None and rule.name == sel):
            return True
    return False
