"""The stack-file format's words, declared once: the reader and the JSON Schema both use them.

docs/stack-format.md describes them. No YAML import here.

>>> KEYWORDS[:10]
('sequential', 'residual', 'parallel', 'save', 'cat', 'add', 'mul', 'sub', 'div', 'layers')
>>> CALLS
('flatten', 'reshape', 'view', 'permute', 'transpose', 'squeeze', 'unsqueeze', 'chunk', 'split', 'mean', 'sum', 'amax', 'contiguous', 'interpolate')
>>> OPTIONS["cat"], sorted(ITEM_KEYS - set(COMMON))
(('dim', 'crop', 'saved_first'), ['continue_with', 'crop', 'dim', 'merge', 'outputs', 'saved_first', 'shares', 'shortcut'])
"""

from __future__ import annotations

from conv_calc.graph.framework import FRAMEWORKS
from conv_calc.graph.mode import MODES
from conv_calc.nn.tensor_calls import MULTI, WORDS

__all__ = ["FORMAT_VERSION", "TOP_KEYS", "FRAMEWORKS", "MODES", "KEYWORDS", "CALLS", "COMMON",
           "OPTIONS", "ITEM_KEYS", "TENSOR_MERGES", "MERGES", "CROPS", "REPEAT_KEYS", "EXPECT_KEYS",
           "RF_KEYS", "MAX_LAYERS", "MAX_NEST", "MAX_BYTES"]

#: The format version this reader reads (the top-level `version:`).
FORMAT_VERSION = 1
#: The keys of the document.
TOP_KEYS = ("version", "name", "framework", "mode", "input", "inputs", "layers", "blocks",
            "expect", "outputs")
#: Tensor functions as items (`- flatten: {start_dim: 1}`): torch's names, all lower case,
#: so none is a torch.nn layer name (conv_calc/nn/tensor_calls.py).
CALLS = tuple(WORDS)
#: Item kinds that are not layers (`layers:` only with `from:`).
KEYWORDS = ("sequential", "residual", "parallel", "save", "cat", "add", "mul", "sub", "div",
            "layers", *CALLS)
#: Keys any item may carry next to its kind (`save:` alone is also an item of its own).
COMMON = ("name", "repeat", "expect", "save", "from")
#: The keys of a mapping `repeat:` ({count: 6, start: 1, index: i}).
REPEAT_KEYS = ("count", "start", "index")
#: Keys only some kinds take.
OPTIONS = {"residual": ("shortcut",), "parallel": ("merge", "dim"),
           "cat": ("dim", "crop", "saved_first"), "add": ("crop", "saved_first"),
           "mul": ("crop",), "sub": ("crop",), "div": ("crop",),
           **{word: ("outputs", "continue_with") for word in MULTI},
           "layer": ("shares",)}  # a layer called again: `shares: ROW`, the row it is
#: Merges over saved tensors: `cat: [a, b]`, `add: [a, b]`, ... (and `cat: NAME` with the flow).
TENSOR_MERGES = ("cat", "add", "mul", "sub", "div")
#: Every key an item may have besides its kind.
ITEM_KEYS = frozenset(COMMON).union(*OPTIONS.values())
#: The values of a parallel block's `merge:` (the ops of `cat:` and `add:` items).
MERGES = ("cat", "add")
#: The values of `crop:`.
CROPS = ("center",)
#: The keys of `expect:`, and of its `receptive_field:`.
EXPECT_KEYS = ("output_shape", "params", "macs", "receptive_field")
RF_KEYS = ("size", "size_min", "jump", "start", "effective_padding")
#: Most nodes an expanded network may have (repeats multiply).
MAX_LAYERS = 100_000
#: Deepest nesting of blocks inside blocks once expanded.
MAX_NEST = 50
#: Largest stack file read, in bytes.
MAX_BYTES = 64 * 1024 * 1024
