"""The stack-file format's words, declared once: the reader and the JSON Schema both use them.

docs/stack-format.md describes them. No YAML import here.

>>> KEYWORDS[:6]
('sequential', 'residual', 'parallel', 'save', 'cat', 'add')
>>> CALLS
('flatten', 'reshape', 'view', 'permute', 'transpose', 'squeeze', 'unsqueeze', 'chunk', 'split', 'mean', 'sum', 'amax', 'contiguous', 'interpolate')
>>> OPTIONS["cat"], sorted(ITEM_KEYS - set(COMMON))
(('dim', 'crop', 'saved_first'), ['continue_with', 'crop', 'dim', 'merge', 'outputs', 'saved_first', 'shortcut'])
"""

from __future__ import annotations

from conv_calc.graph.framework import FRAMEWORKS
from conv_calc.nn.tensor_calls import MULTI, WORDS

__all__ = ["FORMAT_VERSION", "TOP_KEYS", "FRAMEWORKS", "KEYWORDS", "CALLS", "COMMON", "OPTIONS", "ITEM_KEYS",
           "MERGES", "CROPS", "EXPECT_KEYS", "RF_KEYS", "MAX_LAYERS", "MAX_NEST", "MAX_BYTES"]

#: The format version this reader reads (the top-level `version:`).
FORMAT_VERSION = 1
#: The keys of the document.
TOP_KEYS = ("version", "name", "framework", "input", "layers", "blocks", "expect")
#: Tensor functions as items (`- flatten: {start_dim: 1}`): torch's names, all lower case,
#: so none is a torch.nn layer name (conv_calc/nn/tensor_calls.py).
CALLS = tuple(WORDS)
#: Item kinds that are not layers.
KEYWORDS = ("sequential", "residual", "parallel", "save", "cat", "add", *CALLS)
#: Keys any item may carry next to its kind.
COMMON = ("name", "repeat", "expect")
#: Keys only some kinds take.
OPTIONS = {"residual": ("shortcut",), "parallel": ("merge", "dim"),
           "cat": ("dim", "crop", "saved_first"), "add": ("crop", "saved_first"),
           **{word: ("outputs", "continue_with") for word in MULTI}}
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
MAX_LAYERS = 1_000_000
#: Deepest nesting of blocks inside blocks once expanded.
MAX_NEST = 50
#: Largest stack file read, in bytes.
MAX_BYTES = 64 * 1024 * 1024
