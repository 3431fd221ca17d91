"""The shape of the package, as docs/architecture.md draws it: checked, not just described.

- imports flow one way: every conv_calc module sits in a layer, and imports only
  modules of its own package or of lower layers (deferred imports included);
- no import cycle, at most a dozen modules at the top level, none over 500 lines;
- importing the engine loads no CLI library and no YAML parser.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "conv_calc"

#: The layers of docs/architecture.md, lowest first. A module may import its own
#: package and anything in a lower layer.
LAYERS = (
    ("conv_calc.errors",),
    ("conv_calc.formulas", "conv_calc.geometry", "conv_calc.autopad", "conv_calc.text"),
    ("conv_calc.nn", "conv_calc.keras", "conv_calc.receptive"),
    ("conv_calc.graph",),
    ("conv_calc.stackfile",),
    ("conv_calc.lint", "conv_calc.solve", "conv_calc.interop"),
    ("conv_calc.render",),
    ("conv_calc.draw",),
    ("conv_calc.cli", "conv_calc.schema", "conv_calc.__main__"),
)


def _modules() -> dict[str, Path]:
    out = {}
    for path in PKG.rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = path
    return out


def _unit(module: str) -> str:
    """The package (or top-level module) a module belongs to."""
    parts = module.split(".")
    return ".".join(parts[:2])


def _layer(module: str) -> int:
    unit = _unit(module)
    for rank, units in enumerate(LAYERS):
        if unit in units:
            return rank
    raise AssertionError(f"{module} is in no layer of tests/test_architecture.py LAYERS "
                         "(add it there and to docs/architecture.md)")


def _imports(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_pkg else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            names = [mod] + [f"{mod}.{a.name}" for a in node.names]
        else:
            continue
        found.update(n for n in names if n.startswith("conv_calc."))
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _graph() -> dict[str, set[str]]:
    graph = {}
    for module, path in MODULES.items():
        targets = {_resolve(n) for n in _imports(path, module)}
        graph[module] = {t for t in targets if t and t != module and t != "conv_calc"}
    return graph


def test_imports_flow_down_the_layers():
    wrong = []
    for module, targets in _graph().items():
        if module in ("conv_calc",):
            continue
        for target in targets:
            if _unit(target) != _unit(module) and _layer(target) > _layer(module):
                wrong.append(f"{module} imports {target}")
    assert not wrong, "\n".join(sorted(wrong))


def test_no_import_cycle():
    graph = _graph()
    # Cycles inside one package through its __init__ re-exports are not cycles of ideas.
    seen: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(node: str) -> None:
        seen[node] = 1
        stack.append(node)
        for nxt in graph[node]:
            if seen.get(nxt) == 1:
                cycle = stack[stack.index(nxt):]
                if not all(MODULES[m].name == "__init__.py" or any(
                        m.startswith(p + ".") for p in cycle if MODULES[p].name == "__init__.py")
                        for m in cycle):
                    cycles.append(" -> ".join(cycle + [nxt]))
            elif nxt not in seen:
                visit(nxt)
        stack.pop()
        seen[node] = 2

    for module in sorted(graph):
        if module not in seen:
            visit(module)
    assert not cycles, "\n".join(cycles)


def test_a_dozen_top_level_modules_and_none_over_500_lines():
    top = [p.name for p in PKG.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert len(top) <= 12, sorted(top)
    long = {m: n for m, p in MODULES.items()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert not long, long


@pytest.mark.parametrize("code", [
    "import conv_calc; from conv_calc import nn; import conv_calc.keras.layers",
    "import conv_calc; from conv_calc import nn; "
    "conv_calc.Stack([nn.Conv2d(3, 8, 3), nn.ReLU()], input_shape=(1, 3, 32, 32)).analyze()",
])
def test_the_engine_loads_no_cli_library_and_no_yaml(code):
    probe = code + "; import sys; print(sorted(m for m in ('typer', 'rich', 'click', 'yaml') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT,
                         check=True)
    assert out.stdout.strip() == "[]"
