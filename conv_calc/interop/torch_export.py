"""``conv-calc export FILE --to torch``: a stack file as a PyTorch module, written as code.

:func:`export_torch` writes one Python file that imports only torch (and
``torchvision.ops`` for its layers). The model is one class named after the
stack; its ``named_modules()`` are the stack's layer rows (containers make the
dotted paths real: ``layer1.0.conv1``), every module is called once, under its
own name, and ``forward`` on ``torch.zeros(input)`` gives every row's shape.

How it is written (a person's code, not a trace):

- a chain of numbered modules is an ``nn.Sequential``; a group of rows that runs
  together from its inputs to one output is a class with its own ``forward``
  (:mod:`conv_calc.interop.torch_tree`); instances alike but for their numbers
  share one class, the numbers that differ becoming constructor parameters
  (named after the arguments they fill: ``in_channels``, ``stride``);
- a class is named after the stack file's block where it comes from one
  (``BasicBlock``), else after its path (``Layer1``);
- constructor arguments are the literals torch prints (``print(model)``), read
  off conv-calc's layers (:mod:`conv_calc.interop.torch_ctor`);
- ``mode: eval`` ends ``__init__`` with ``self.eval()``.

What it cannot write exits with :class:`~conv_calc.errors.ExportError` naming
the row: a Keras stack, a network conv-calc reports broken, a name torch refuses.

>>> from conv_calc import nn
>>> from conv_calc.graph.stack import Stack
>>> tiny = Stack([nn.Conv2d(3, 8, 3), nn.ReLU()], input_shape=(1, 3, 8, 8), name="tiny")
>>> text = export_torch(tiny)
>>> print(text[text.index("class"):text.index("if __name__")].strip())
class Tiny(nn.Sequential):
    \"\"\"tiny.\"\"\"
<BLANKLINE>
    def __init__(self):
        super().__init__(
            nn.Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1)),
            nn.ReLU(),
        )
<BLANKLINE>
    def forward(self, x):
        x = self[0](x)
        x = self[1](x)
        return x
"""

from __future__ import annotations

import keyword
import os
import textwrap
from dataclasses import dataclass, field

from conv_calc import __version__
from conv_calc.errors import ExportError
from conv_calc.graph.stack import Stack
from conv_calc.interop.torch_ctor import HELPERS, TORCHVISION_OPS, constructor, literal
from conv_calc.interop.torch_forward import forward_lines, identifier
from conv_calc.interop.torch_program import Program, program
from conv_calc.interop.torch_tree import Mod, module_tree
from conv_calc.stackfile.vocabulary import ITEM_KEYS, KEYWORDS

__all__ = ["export_torch", "class_name"]

_MARK = "\x00"  # where a constructor argument goes in a class template
_INDENT = "    "


def class_name(text: str) -> str:
    """A CamelCase class name for a stack or block name.

    >>> class_name("resnet18"), class_name("unet-small"), class_name("3d net"), class_name("")
    ('Resnet18', 'UnetSmall', 'Net3dNet', 'Net')
    """
    parts = "".join(c if c.isalnum() else " " for c in text).split()
    out = "".join(p[0].upper() + p[1:] for p in parts)
    if not out or not out[0].isalpha() or not out.isidentifier():
        out = "Net" + out
    return out


@dataclass(eq=False)
class _Class:
    name: str
    base: str
    members: list[Mod]
    params: list[str] = field(default_factory=list)
    init: list[str] = field(default_factory=list)      # lines, parameters filled in
    forward: list[str] = field(default_factory=list)


class _Writer:
    def __init__(self, prog: Program, root: Mod, taken: set[str]) -> None:
        self.prog = prog
        self.root = root
        self.index = {m.path: m for m in root.walk()}
        self.classes: list[_Class] = []
        self.of: dict[int, tuple[_Class, list]] = {}  # id(block) -> its class, its arguments
        self.taken = taken
        self.used: set[str] = set()  # callees used (helpers, torchvision.ops)

    # -------------------------------------------------------------- constructor expressions

    def expr(self, mod: Mod, depth: int, hint: tuple[str, ...]
             ) -> tuple[str, list[tuple[tuple[str, ...], object]]]:
        """The expression building ``mod``, with _MARK for every literal, and the literals
        as (parameter name hint, value)."""
        pad = _INDENT * (depth + 1)
        if mod.kind == "leaf":
            ctor = constructor(mod.op.row.layer, mod.name)
            self.used.add(ctor.callee)
            slots = ctor.slots()
            return ctor.render([_MARK] * len(slots)), \
                [(hint + (k,), v) for k, v in slots]
        if mod.kind == "block":
            cls, values = self.of[id(mod)]
            return f"{cls.name}({', '.join([_MARK] * len(values))})", \
                [(hint + (p,), v) for p, v in zip(cls.params, values)]
        slots: list[tuple[tuple[str, ...], object]] = []
        items = []
        for key, child in mod.children.items():
            text, inner = self.expr(child, depth + 1, hint + (identifier(key),))
            slots += inner
            items.append(f"{pad}{key!r}: {text}," if not mod.numbered and mod.kind == "holder"
                         else f"{pad}{text},")
        end = _INDENT * depth
        body = "\n".join(items)
        if mod.kind == "seq":
            return f"nn.Sequential(\n{body}\n{end})", slots
        if mod.numbered:
            return f"nn.ModuleList([\n{body}\n{end}])", slots
        return f"nn.ModuleDict({{\n{body}\n{end}}})", slots

    def init(self, mod: Mod) -> tuple[list[str], list, str]:
        """``__init__``'s body lines of a class for ``mod`` (with marks), its literals, its base."""
        slots: list = []
        if mod.numbered and mod.children:
            lines = ["super().__init__("]
            for key, child in mod.children.items():
                text, inner = self.expr(child, 1, (identifier(key),))
                slots += inner
                lines.append(f"{_INDENT}{text},")
            return lines + [")"], slots, "nn.Sequential"
        lines = ["super().__init__()"]
        for key, child in mod.children.items():
            text, inner = self.expr(child, 0, (identifier(key),))
            slots += inner
            lines.append(f"self.{key} = {text}" if key.isidentifier() and not keyword.iskeyword(key)
                         else f"self.add_module({key!r}, {text})")
        return lines, slots, "nn.Module"

    # -------------------------------------------------------------- classes

    def build(self) -> None:
        blocks = sorted((m for m in self.root.walk() if m.kind == "block" and m.path),
                        key=lambda m: m.height)
        # Lowest first: a block's __init__ calls its child blocks' classes.
        for height in sorted({m.height for m in blocks}):
            level = [m for m in blocks if m.height == height]
            groups: dict[tuple, list[tuple[Mod, list, list[str], str]]] = {}
            for m in level:
                lines, slots, base = self.init(m)
                forward = forward_lines(m, self.prog, self.index.__getitem__)
                key = ("\n".join(lines), "\n".join(forward), base)
                groups.setdefault(key, []).append((m, slots, forward, base))
            for (template, _, base), members in groups.items():
                self.make_class(template, base, members)

    def make_class(self, template: str, base: str, members: list) -> None:
        """One class for blocks written alike: arguments that differ become parameters."""
        _, slots, forward, _ = members[0]
        params: list[str] = []
        by_vector: dict[tuple, str] = {}
        texts: list[str] = []
        for j, (hint, value) in enumerate(slots):
            vector = tuple(repr(m[1][j][1]) for m in members)
            if len(set(vector)) == 1:
                texts.append(literal(value))
                continue
            if vector not in by_vector:
                name = _short(hint, params)
                by_vector[vector] = name
                params.append(name)
            texts.append(by_vector[vector])
        pieces = template.split(_MARK)
        body = pieces[0] + "".join(t + p for t, p in zip(texts, pieces[1:]))
        cls = _Class(self.unique(self.name_of([m[0] for m in members])), base,
                     [m[0] for m in members], params, body.split("\n"), forward)
        for m, member_slots, _, _ in members:
            values = []
            for p in params:
                j = texts.index(p)
                values.append(member_slots[j][1])
            self.of[id(m)] = (cls, values)
        self.classes.append(cls)

    def name_of(self, members: list[Mod]) -> str:
        for m in members:
            word = _block_word(self.prog, m.name)
            if word:
                return class_name(word)
        m = members[0]
        named = [p for p in m.path if not p.isdigit()]
        if named and not m.path[-1].isdigit():
            return class_name(m.path[-1])
        return class_name((named[-1] if named else "") + " block")

    def unique(self, name: str) -> str:
        out, k = name, 1
        while out in self.taken:
            k += 1
            out = f"{name}{k}"
        self.taken.add(out)
        return out


def _short(hint: tuple[str, ...], taken: list[str]) -> str:
    """The shortest tail of ``hint`` not taken: ``('conv1', 'out_channels')`` ->
    ``out_channels``, else ``conv1_out_channels``.

    >>> _short(("conv1", "out_channels"), ["out_channels"])
    'conv1_out_channels'
    """
    for k in range(1, len(hint) + 1):
        name = identifier("_".join(hint[-k:]))
        if name not in taken:
            return name
    name, k = identifier("_".join(hint)), 2
    while f"{name}_{k}" in taken:
        k += 1
    return f"{name}_{k}"


def _block_word(prog: Program, path: str) -> str | None:
    """The block name a stack file uses at ``path`` (``- BasicBlock: {planes: 64}``)."""
    source = prog.sources.get(path)
    if source is None or not os.path.isfile(source.file):
        return None
    try:
        with open(source.file, encoding="utf-8") as handle:
            line = handle.read().splitlines()[source.line - 1]
    except (OSError, IndexError, UnicodeDecodeError):
        return None
    text = line[source.column - 1:]
    word = ""
    for c in text:
        if not (c.isalnum() or c == "_"):
            break
        word += c
    rest = text[len(word):].lstrip()
    # A block use is `- Name: {...}` or `- Name`; anything else is not the file we read.
    if not word or word in KEYWORDS or word in ITEM_KEYS or rest[:1] not in ("", ":", "#"):
        return None
    return word


def _class_text(name: str, base: str, params: list[str], init: list[str], forward: list[str],
                doc: str, attributes: tuple[str, ...] = ()) -> str:
    doc = _plain_text(doc).replace("\\", "\\\\").replace('"', '\\"')
    text = textwrap.fill(f'"""{doc}"""', width=92, initial_indent=_INDENT,
                         subsequent_indent=_INDENT, break_on_hyphens=False)
    lines = [f"class {name}({base}):", text, ""]
    if attributes:
        lines += [f"    {line}" for line in attributes] + [""]
    lines.append(f"    def __init__(self{''.join(', ' + p for p in params)}):")
    lines += [f"        {line}" if line else "" for line in init]
    lines.append("")
    lines += [f"    {line}" for line in forward]
    return "\n".join(lines) + "\n"


def _plain_text(text: str) -> str:
    """``text`` on one line (names in comments and docstrings come from the user's file).

    >>> _plain_text("a\\nb\\tc")
    'a b c'
    """
    return "".join(" " if ord(c) < 32 or c == "\x7f" else c for c in text)


def _used_as(members: list[Mod]) -> str:
    names = [m.name for m in members]
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    return f"{'Rows' if len(names) > 1 else 'Row'} {shown} of the stack file."


def _shape_text(shape: tuple[int, ...]) -> str:
    return ", ".join(str(n) for n in shape)


def export_torch(stack: Stack, source: str | None = None, report=None) -> str:
    """The PyTorch code for ``stack`` (``source``: the file's name, for the header).

    ``report`` is ``stack.analyze()`` when the caller has it. Raises
    :class:`~conv_calc.errors.ExportError` for what cannot be written.
    """
    label = source or stack.source or "the stack"
    if stack.framework != "torch":
        raise ExportError(
            f"{label}: a {stack.framework} stack cannot be exported to PyTorch",
            hint="--to torch writes torch stack files (torch.nn layers); this file describes "
                 "Keras layers, whose arguments and layout differ.")
    if stack.input_shape is None:
        raise ExportError(f"{label}: the stack has no input shape",
                          hint="give one (input: [1, 3, 224, 224]) so every layer can be built.")
    if stack.inputs:
        # forward(self, x) takes one tensor; the other inputs would need parameters of
        # their own, which the writer does not produce.
        raise ExportError(
            f"a network with several inputs ({', '.join(stack.inputs)} besides `input`) "
            "cannot be exported to PyTorch yet",
            hint="--to torch writes forward(self, x) for one input: export the part that "
                 "reads only `input`, or remove `inputs:`.")
    report = stack.analyze() if report is None else report
    if report.error is not None:
        row = report.failed.name if report.failed else "?"
        raise ExportError(
            f"row {row!r} fails: {report.error}",
            hint="conv-calc exports networks that run: fix that row first (conv-calc stack "
                 "shows the hint).")
    prog = program(stack, report)
    again = next((op for op in prog.ops if getattr(op.node, "shares", None)), None)
    if again is not None:
        # Each row is a module of its own in the exported file: a module called twice would
        # count its parameters twice in torch, where the stack file counts them once.
        raise ExportError(
            f"row {again.name!r} is a layer called again (shares: {again.node.shares}), which "
            "--to torch cannot write yet",
            hint="export a copy without `shares:` (each call a module of its own, its "
                 "parameters counted per call).")
    root = module_tree(prog)
    stem = os.path.splitext(os.path.basename(source or stack.source or ""))[0]
    top = class_name(stack.name or stem or "net")
    taken = {top, "nn", "torch", "F", *HELPERS, *TORCHVISION_OPS}
    writer = _Writer(prog, root, taken)
    writer.build()
    init, slots, base = writer.init(root)
    pieces = "\n".join(init).split(_MARK)
    init = (pieces[0] + "".join(literal(v) + p for (_, v), p in zip(slots, pieces[1:]))).split("\n")
    if report.mode == "eval":
        init.append("self.eval()  # the stack file's mode: eval (as after model.eval())")
    forward = forward_lines(root, prog, writer.index.__getitem__)
    doc = f"{stack.name or stem or 'The network'}" + (f", from {source}." if source else ".")
    classes = [_class_text(c.name, c.base, c.params, c.init, c.forward, _used_as(c.members))
               for c in writer.classes]
    # forward's variable names are not in torch.fx's graph: the class says what the outputs
    # are called, and conv-calc import torch names them so (the round trip keeps `outputs:`).
    names = (f"output_names = {literal(tuple(prog.result_names))}  # the stack file's "
             "outputs: (read by conv-calc import torch)",) if prog.result_names else ()
    classes.append(_class_text(top, base, [], init, forward, doc, names))
    helpers = [HELPERS[n] for n in HELPERS if n in writer.used]
    vision = sorted(n for n in TORCHVISION_OPS if n in writer.used)
    body = "\n\n".join(helpers + classes)
    shape = _shape_text(report.input_shape)
    head = [(f"# {top}: PyTorch code written by conv-calc {__version__} "
             f"(conv-calc export --to torch{' ' + _plain_text(source) if source else ''})."),
            (f"# {top}()(torch.zeros({shape})) gives every row of conv-calc's table its shape "
             f"(mode: {report.mode})."),
            "import torch"]
    if "F." in body:
        head.append("import torch.nn.functional as F")
    head.append("from torch import nn")
    if vision:
        head.append(f"from torchvision.ops import {', '.join(vision)}")
    outputs = [report.outputs[n] for n in prog.result_names] if prog.result_names \
        else [report.output_shape]
    main = ["if __name__ == \"__main__\":", f"    model = {top}()"]
    if prog.result_names:
        main += [f"    outputs = model(torch.zeros({shape}))",
                 *[f"    print(outputs[{i}].shape)  # torch.Size({list(s)})" if len(outputs) > 1
                   else f"    print(outputs.shape)  # torch.Size({list(s)})"
                   for i, s in enumerate(outputs)]]
    else:
        main.append(f"    print(model(torch.zeros({shape})).shape)  "
                    f"# torch.Size({list(outputs[0])})")
    return "\n".join(head) + "\n\n\n" + body + "\n\n" + "\n".join(main) + "\n"
