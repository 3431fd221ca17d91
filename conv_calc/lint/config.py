"""``[tool.conv-calc]`` in the nearest ``pyproject.toml`` that has that table: lint settings.

Discovery walks up from the start directory and stops at the first
``pyproject.toml`` with a ``[tool.conv-calc]`` table (one without it is
skipped, as ruff does). A file that cannot be parsed, an unknown key or a
value of the wrong kind is a :class:`ConfigError` (the CLI exits 2: never
"continue with defaults").

.. code-block:: toml

    [tool.conv-calc]
    select = ["ALL"]                      # codes, prefixes ("CC2") or rule names
    ignore = ["CC204"]
    severity = {CC202 = "error"}          # per code or prefix: "error" or "warning"
    files = ["models/**/*.yaml"]          # which files are architecture files
    exclude = ["models/legacy/**"]
    fail-on = "warning"                   # "error" (default) or "warning"
    output-format = "concise"

>>> cfg = parse_config({"tool": {"conv-calc": {"ignore": ["CC204"], "fail-on": "warning"}}}, "p")
>>> cfg.ignore, cfg.fail_on
(('CC204',), 'warning')
>>> matches_glob("models/a/b.yaml", "models/**/*.yaml"), matches_glob("x/net.yml", "*.yml")
(True, True)
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from conv_calc.errors import ConfigError
from conv_calc.lint.rules import DEFAULT_SELECT, RULES, SEVERITIES, lookup
from conv_calc.stackfile.files import hint_for, read_bounded
from conv_calc.stackfile.vocabulary import MAX_BYTES
from conv_calc.text import did_you_mean

__all__ = ["LintConfig", "ConfigError", "find_config", "load_config", "parse_config",
           "matches_glob", "check_glob", "check_selector", "FORMATS", "DEFAULT_FILES"]

FORMATS = ("full", "concise", "json", "github", "sarif")
DEFAULT_FILES = ("*.yaml", "*.yml")
_KEYS = ("select", "ignore", "severity", "files", "exclude", "fail-on", "output-format")


@dataclass(frozen=True)
class LintConfig:
    """The lint settings; ``path`` is the pyproject.toml they come from (None: defaults)."""

    path: str | None = None
    root: str = "."
    select: tuple[str, ...] = DEFAULT_SELECT
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    files: tuple[str, ...] | None = None  # None: not configured (*.yaml, *.yml that look like stacks)
    exclude: tuple[str, ...] = ()
    fail_on: str = "error"
    output_format: str | None = None



def _toml():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ModuleNotFoundError:
            return None
    return tomllib


def _read(path: str) -> dict[str, Any]:
    toml = _toml()
    if toml is None:
        raise ConfigError(f"{path}: cannot read TOML on this Python",
                          "install tomli (Python 3.10) or use Python 3.11+")
    try:
        text = read_bounded(path, MAX_BYTES).decode("utf-8")
        return toml.loads(text)
    except OSError as err:
        raise ConfigError(f"cannot read {path}: {err.strerror or err}", hint_for(err)) from None
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path}: not UTF-8 text (byte {err.start + 1})",
                          "TOML files are UTF-8; save it as UTF-8 without a byte-order mark"
                          ) from None
    except toml.TOMLDecodeError as err:
        raise ConfigError(f"{path}: invalid TOML: {err}", "fix the TOML syntax") from None
    except RecursionError:
        # tomllib recurses once per nested inline table or array.
        raise ConfigError(f"{path}: invalid TOML: nested too deeply",
                          "a [tool.conv-calc] table needs two levels at most") from None


def find_config(start: str = ".") -> str | None:
    """The nearest pyproject.toml at or above ``start`` with a [tool.conv-calc] table."""
    here = os.path.abspath(start)
    while True:
        candidate = os.path.join(here, "pyproject.toml")
        if os.path.isfile(candidate):
            tool = _read(candidate).get("tool")
            if isinstance(tool, dict) and "conv-calc" in tool:
                return candidate
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def load_config(path: str | None = None, start: str = ".") -> LintConfig:
    """The config at ``path`` (a pyproject.toml), or the one discovered from ``start``."""
    if path is None:
        path = find_config(start)
        if path is None:
            return LintConfig()
    elif not os.path.exists(path):
        raise ConfigError(f"config file {path} does not exist", "check the --config path")
    # A directory, a FIFO or a device: _read names what it is (read_bounded refuses it).
    return parse_config(_read(path), path)


def _strings(table: dict, key: str, path: str) -> tuple[str, ...]:
    value = table[key]
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: [tool.conv-calc] {key} must be a list of strings, got {value!r}",
                          f'e.g. {key} = ["CC201"]' if key in ("select", "ignore")
                          else f'e.g. {key} = ["models/**/*.yaml"]')
    return tuple(value)


def check_selector(sel: str, where: str) -> str:
    """A selector as stored (codes upper-cased); ConfigError when it selects nothing."""
    if sel.upper() == "ALL":
        return "ALL"
    rule = lookup(sel)
    if rule is not None:
        return rule.code if sel.upper() == rule.code else rule.name
    if any(code.startswith(sel.upper()) for code in RULES) and sel.upper().startswith("CC"):
        return sel.upper()
    close = did_you_mean(sel, list(RULES) + [r.name for r in RULES.values()], n=1, fold=False,
                         prefixes=False)
    raise ConfigError(f"{where}: unknown rule {sel!r}",
                      close or "see `conv-calc rules` for the codes and names")


def parse_config(doc: dict[str, Any], path: str) -> LintConfig:
    """Validate the [tool.conv-calc] table of a parsed pyproject.toml."""
    tool = doc.get("tool", {})
    table = tool.get("conv-calc", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.conv-calc] must be a table, got {table!r}",
                          'write it as a table: [tool.conv-calc] then select = ["ALL"] below')
    for key in table:
        if key not in _KEYS:
            close = did_you_mean(key, _KEYS, n=1, fold=False, prefixes=False)
            raise ConfigError(f"{path}: unknown key {key!r} in [tool.conv-calc]",
                              close or f"the keys are: {', '.join(_KEYS)}")
    where = f"{path}: [tool.conv-calc]"
    kw: dict[str, Any] = {"path": path, "root": os.path.dirname(os.path.abspath(path))}
    for key in ("select", "ignore"):
        if key in table:
            kw[key] = tuple(check_selector(s, f"{where} {key}") for s in _strings(table, key, path))
    if "severity" in table:
        sev = table["severity"]
        if not isinstance(sev, dict):
            raise ConfigError(f"{where} severity must be a table", 'e.g. severity = {CC202 = "error"}')
        pairs = []
        for sel, level in sev.items():
            if level not in SEVERITIES:
                raise ConfigError(f"{where} severity.{sel} must be one of {', '.join(SEVERITIES)}, "
                                  f"got {level!r}", 'e.g. severity = {CC202 = "error"}')
            pairs.append((check_selector(sel, f"{where} severity"), level))
        kw["severity"] = tuple(pairs)
    for key in ("files", "exclude"):
        if key in table:
            kw[key] = tuple(check_glob(g, f"{where} {key}") for g in _strings(table, key, path))
    if "fail-on" in table:
        if table["fail-on"] not in SEVERITIES:
            raise ConfigError(f"{where} fail-on must be one of {', '.join(SEVERITIES)}, "
                              f"got {table['fail-on']!r}", 'e.g. fail-on = "warning"')
        kw["fail_on"] = table["fail-on"]
    if "output-format" in table:
        if table["output-format"] not in FORMATS:
            raise ConfigError(f"{where} output-format must be one of {', '.join(FORMATS)}, "
                              f"got {table['output-format']!r}", 'e.g. output-format = "concise"')
        kw["output_format"] = table["output-format"]
    return LintConfig(**kw)


_GLOB_UNSUPPORTED = re.compile(r"[\[\]{}!\\]")


def check_glob(pattern: str, where: str) -> str:
    """``pattern`` if it can match a file below the config's directory; else ConfigError.

    Patterns are relative to the pyproject.toml, with ``/``; ``*``, ``?`` and
    ``**`` (a whole path segment) are the only wildcards: brackets, braces, ``!``
    and backslashes would be taken literally and silently match nothing.

    >>> check_glob("models/**/*.yaml", "files")
    'models/**/*.yaml'
    >>> check_glob("models/*.{yaml,yml}", "files")
    Traceback (most recent call last):
    ...
    conv_calc.errors.ConfigError: files: unsupported character '{' in glob 'models/*.{yaml,yml}'
    """
    def bad(why: str, hint: str) -> ConfigError:
        return ConfigError(f"{where}: {why} in glob {pattern!r}" if why[0] != "!" else
                           f"{where}: glob {pattern!r} {why[1:]}", hint)

    if not pattern.strip():
        raise bad("!is empty", 'e.g. "models/**/*.yaml"')
    m = _GLOB_UNSUPPORTED.search(pattern)
    if m:
        raise bad(f"unsupported character {m.group()!r}",
                  "only *, ? and ** are wildcards; write one pattern per alternative, "
                  'e.g. ["models/*.yaml", "models/*.yml"]')
    if pattern.startswith("/") or re.match(r"[A-Za-z]:", pattern):
        raise bad("!is absolute", "globs are relative to the directory of the pyproject.toml: "
                  'e.g. "models/**/*.yaml"')
    while pattern.startswith("./"):
        pattern = pattern[2:]  # matched against "models/a.yaml", never "./models/a.yaml"
    segments = pattern.rstrip("/").split("/")
    if ".." in segments:
        raise bad("!leaves the project", "globs match paths below the pyproject.toml's directory")
    for seg in segments:
        if "**" in seg and seg != "**":
            raise bad(f"!has '**' inside the segment {seg!r}",
                      "'**' must be a whole path segment (models/**/x.yaml); '*' matches "
                      "within one segment")
    return pattern


_GLOB_CACHE: dict[str, re.Pattern[str]] = {}


def _glob_regex(pattern: str) -> re.Pattern[str]:
    if pattern not in _GLOB_CACHE:
        out, i = [], 0
        while i < len(pattern):
            c = pattern[i]
            if pattern.startswith("**/", i):
                out.append("(?:.*/)?")
                i += 3
                continue
            if pattern.startswith("**", i):
                out.append(".*")
                i += 2
                continue
            out.append("[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c))
            i += 1
        _GLOB_CACHE[pattern] = re.compile("".join(out) + r"\Z")
    return _GLOB_CACHE[pattern]


def matches_glob(relpath: str, pattern: str) -> bool:
    """gitignore-like: ``**`` spans directories; a pattern without ``/`` matches the base name."""
    relpath = relpath.replace(os.sep, "/")
    while relpath.startswith("./"):
        relpath = relpath[2:]
    pattern = pattern.rstrip("/")
    target = relpath if "/" in pattern else relpath.rsplit("/", 1)[-1]
    return _glob_regex(pattern).match(target) is not None
