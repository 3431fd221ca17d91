"""``conv-calc lint``, ``conv-calc rules`` and ``conv-calc rule CODE``: the CI edge of lint.

The engine (:mod:`conv_calc.lint.core`) yields findings; this module finds the
files, reads the config, picks the format and decides the exit code:

- 0 nothing at or above ``--fail-on`` (default ``error``; warnings alone pass);
- 1 findings at or above it (a malformed file is a finding);
- 2 usage, a broken config, an unreadable input (after every other file was linted);
- 130 interrupted (``conv_calc.cli.exits.guarded``).

The commands are registered by :mod:`conv_calc.cli.app`. Only light modules are
imported at module level: registering the commands must not cost ``conv-calc
--version`` anything measurable, so the lint engine, its config reader and the
renderers are imported where they are used (each marked "deferred: start-up").
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import sys
import textwrap
from collections.abc import Iterator
from enum import Enum
from typing import Annotated, Any, NoReturn, Optional

import typer

from conv_calc.cli.exits import EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, fail
from conv_calc.cli.options import MODE, mode_of

__all__ = ["lint_command", "rules_command", "rule_command", "LINT_HELP", "run", "collect"]

_SKIP_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})
_STACK_SNIFF = re.compile(rb"(?m)^layers[ \t]*:")
STDIN = "-"


class LintFormat(str, Enum):
    full = "full"
    concise = "concise"
    json = "json"
    github = "github"
    sarif = "sarif"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"


class RulesFormat(str, Enum):
    text = "text"
    json = "json"


LINT_HELP = """Check stack files for CI: torch errors, merge mismatches, malformed files,
risky layers (warnings with stable codes) and unmet `expect:` keys.

Every file is checked in one process and every problem of each file is
reported. Directories are searched for *.yaml / *.yml stack files (or the
`files` globs of [tool.conv-calc] in pyproject.toml).

\b
  conv-calc lint models/
  conv-calc lint net.yaml --format concise --select CC1,CC2 --ignore CC204
  conv-calc lint models/ --format sarif --output-file conv-calc.sarif
  conv-calc lint models/ --fail-on warning

\b
Suppress one finding with `# conv-calc: ignore[CC202]` on its line.
Formats: full (default on a terminal), concise (default when piped),
json, github (default when GITHUB_ACTIONS=true), sarif. See docs/lint.md.
Exit codes: 0 clean (warnings pass unless --fail-on warning), 1 findings,
2 usage, config error or unreadable file, 130 interrupted.
"""


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


def lint_command(
    paths: Annotated[list[str], typer.Argument(
        metavar="FILE_OR_DIR", help="Stack files or directories; '-' reads stdin.")],
    fmt: Annotated[Optional[LintFormat], typer.Option(
        "--format", "--output-format", "-f",
        help="full, concise, json, github or sarif.", show_default=False)] = None,
    output_file: Annotated[Optional[str], typer.Option(
        "--output-file", "-o", metavar="PATH",
        help="Write the report to PATH instead of stdout.")] = None,
    select: Annotated[Optional[list[str]], typer.Option(
        "--select", metavar="CODES",
        help="Only these rules (codes, prefixes such as CC2, names); replaces the config's.")
    ] = None,
    ignore: Annotated[Optional[list[str]], typer.Option(
        "--ignore", metavar="CODES", help="Skip these rules (added to the config's).")] = None,
    fail_on: Annotated[Optional[FailOn], typer.Option(
        "--fail-on", help="Lowest severity that makes the exit code 1 (default: error).",
        show_default=False)] = None,
    exit_zero: Annotated[bool, typer.Option(
        "--exit-zero", help="Exit 0 even with findings (still 2 for usage/unreadable).")
    ] = False,
    config: Annotated[Optional[str], typer.Option(
        "--config", metavar="PYPROJECT",
        help="Read [tool.conv-calc] from this file instead of the nearest pyproject.toml.")
    ] = None,
    isolated: Annotated[bool, typer.Option(
        "--isolated", help="Ignore every configuration file.")] = False,
    force_exclude: Annotated[bool, typer.Option(
        "--force-exclude",
        help="Apply the files/exclude globs (and skip non-stack YAML) to files named on the "
             "command line too (for pre-commit).")] = False,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No summary line on stderr.")] = False,
    train: Annotated[Optional[bool], typer.Option(
        *MODE.decls, help=MODE.help, show_default=False)] = None,
) -> None:
    code = run(paths, fmt=None if fmt is None else fmt.value, output_file=output_file,
               select=_split(select), ignore=_split(ignore),
               fail_on=None if fail_on is None else fail_on.value, exit_zero=exit_zero,
               config=config, isolated=isolated, force_exclude=force_exclude, quiet=quiet,
               mode=mode_of(train))
    if code:
        raise typer.Exit(code)


def rules_command(
    fmt: Annotated[RulesFormat, typer.Option("--format", "-f", help="text or json.")
                   ] = RulesFormat.text,
) -> None:
    """List the lint rules: code, default severity, name, summary (and which are opt-in)."""
    from conv_calc.lint.rules import RULES  # deferred: start-up

    if fmt is RulesFormat.json:
        from conv_calc.render.report import dumps  # deferred: start-up

        doc = [{"code": r.code, "name": r.name, "severity": r.severity, "summary": r.summary,
                "default": r.default} for r in RULES.values()]
        sys.stdout.write(dumps(doc))
        return
    width = max(len(r.name) for r in RULES.values())
    # One line per rule for grep; on a terminal the summaries wrap under themselves.
    columns = shutil.get_terminal_size().columns if sys.stdout.isatty() else 0
    for r in RULES.values():
        opt_in = "" if r.default else " (off by default: --select it)"
        head = f"{r.code}  {r.severity:<7}  {r.name:<{width}}  "
        text = head + r.summary + opt_in
        if columns and len(text) > columns and columns - len(head) >= 20:
            text = textwrap.fill(r.summary + opt_in, columns, initial_indent=head,
                                 subsequent_indent=" " * len(head), break_on_hyphens=False)
        sys.stdout.write(text + "\n")


def rule_command(
    code: Annotated[str, typer.Argument(metavar="CODE", help="A code (CC201) or name.")],
) -> None:
    """Explain one lint rule: what it checks, why, and how to fix it."""
    from conv_calc.lint.rules import RULES, lookup  # deferred: start-up

    found = lookup(code)
    if found is None:
        from conv_calc.text import suggest, you_mean  # deferred: start-up

        close = suggest(code.upper(), RULES, 1, fold=False, prefixes=False) or suggest(
            code.lower(), [r.name for r in RULES.values()], 1, fold=False, prefixes=False)
        fail(f"unknown rule {code!r}",
             (you_mean(close) + " " if close else "") + "`conv-calc rules` lists them.")
    sys.stdout.write(f"{found.code} {found.name} ({found.severity})\n\n{found.summary}.\n\n"
                     f"{found.doc}\n")
    if not found.suppressible:
        sys.stdout.write("\nThis rule cannot be suppressed by a comment.\n")
    else:
        sys.stdout.write(f"\nSuppress it on one line with `# conv-calc: ignore[{found.code}]`, "
                         "or in pyproject.toml: [tool.conv-calc] ignore = "
                         f"[\"{found.code}\"].\n")


# ------------------------------------------------------------------ files

def _display(path: str) -> str:
    """The name findings carry: relative to the current directory, with '/'."""
    absolute = os.path.abspath(path)
    try:
        rel = os.path.relpath(absolute)
    except ValueError:  # another drive (Windows)
        rel = absolute
    if rel == ".." or rel.startswith(".." + os.sep):
        rel = absolute
    return rel.replace(os.sep, "/")


def _rel_to(path: str, root: str) -> str:
    rel = os.path.relpath(os.path.abspath(path), root)
    return rel.replace(os.sep, "/")


def _selected(path: str, cfg: Any) -> bool:
    from conv_calc.lint.config import DEFAULT_FILES, matches_glob  # deferred: start-up

    rel = _rel_to(path, cfg.root)
    if any(matches_glob(rel, g) for g in cfg.exclude):
        return False
    return any(matches_glob(rel, g) for g in (cfg.files or DEFAULT_FILES))


def _special(path: str) -> bool:
    """A FIFO, socket or device found in a directory: opening it could block forever.
    (Named on the command line it is read: `conv-calc lint <(generate)` is a FIFO.)
    A dangling symlink is not special: it is reported as unreadable."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode)


def collect(paths: list[str], cfg: Any, force_exclude: bool) -> Iterator[tuple[str, bool]]:
    """(path, sniff) for every file to lint, in order; sniff: skip it unless it has `layers:`."""
    seen: set[str] = set()  # absolute, normalised: "./a.yaml", "a.yaml" and "d/../a.yaml" are one
    stdin = False
    for given in paths:
        if given == STDIN:
            if not stdin:
                stdin = True
                yield given, False
            continue
        if os.path.isdir(given):
            for top, dirs, files in os.walk(given):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
                for name in sorted(files):
                    path = os.path.join(top, name)
                    key = os.path.normcase(os.path.abspath(path))
                    if key in seen or not _selected(path, cfg) or _special(path):
                        continue
                    seen.add(key)
                    yield path, cfg.files is None
            continue
        key = os.path.normcase(os.path.abspath(given))
        if key in seen:
            continue
        seen.add(key)
        if force_exclude and os.path.exists(given):
            if not _selected(given, cfg):
                continue
            yield given, cfg.files is None
        else:
            yield given, False


# ------------------------------------------------------------------ the command

def _settings(cfg: Any, select: list[str], ignore: list[str]) -> Any:
    """The Settings of the run: the config's, with the command line's --select/--ignore."""
    from conv_calc.lint.config import check_selector  # deferred: start-up
    from conv_calc.lint.core import Settings

    sel = tuple(check_selector(s, "--select") for s in select) if select else cfg.select
    ign = cfg.ignore + tuple(check_selector(s, "--ignore") for s in ignore)
    return Settings(select=sel, ignore=ign, severity=cfg.severity)


def _choose_format(fmt: str | None, cfg: Any) -> str:
    if fmt:
        return fmt
    if cfg.output_format:
        return cfg.output_format
    if os.environ.get("GITHUB_ACTIONS") == "true":
        return "github"
    return "full" if sys.stdout.isatty() else "concise"


def _config_failure(err: Any, fmt: str | None, output_file: str | None) -> NoReturn:
    """A broken config or selector: exit 2 with the message on stderr, and still a document
    for the machine formats (json, sarif) and an annotation for github, where the report goes."""
    from conv_calc.render import lint as lint_render  # deferred: start-up
    from conv_calc.render.report import dumps
    text = ""
    if fmt == "json":
        doc = lint_render.json_document([], EXIT_USAGE)
        doc["error"] = {"message": str(err), "hint": err.hint}
        text = dumps(doc)
    elif fmt == "sarif":
        doc = lint_render.sarif_document([])
        doc["runs"][0]["invocations"] = [{
            "executionSuccessful": False, "exitCode": EXIT_USAGE,
            "toolExecutionNotifications": [{
                "level": "error",
                "message": {"text": str(err) + (f"\nhint: {err.hint}" if err.hint else "")}}]}]
        text = dumps(doc)
    elif fmt == "github":
        text = lint_render.github_error(str(err), err.hint)
    if text:
        _emit(text, output_file)
    fail(str(err), err.hint)


def _emit(text: str, output_file: str | None) -> None:
    """The report: to ``output_file`` or standard output."""
    if output_file:
        try:
            with open(output_file, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
        except OSError as err:
            fail(f"cannot write {output_file}: {err.strerror or err}",
                 "check the directory exists and is writable")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _model_file(path: str, name: str, settings: Any, mode: str | None) -> Any:
    """A model file given by name (.keras, .onnx): linted as the stack file its importer
    writes (`conv-calc import`); its findings' lines are that file's. None for other files."""
    from conv_calc.errors import InputError  # deferred: start-up
    from conv_calc.interop import file_reader
    from conv_calc.lint import core as lint
    from conv_calc.lint.findings import finding
    from conv_calc.stackfile.files import check_regular, hint_for
    from conv_calc.stackfile.yaml_writer import dump_stack

    try:
        reader = file_reader(path)
    except ImportError:
        reader = None
    if reader is None:
        return None
    try:
        # A FIFO or a device is unreadable here as for a stack file (CC001, exit 2),
        # whatever the reader would make of it.
        check_regular(path)
    except OSError as err:
        f = finding("CC001", f"cannot read {name}: {err.strerror or err}", hint_for(err), None,
                    name)
        return lint.FileResult(name, (f,), unreadable=True)
    try:
        document, header = reader(path)
    except (InputError, OSError, ValueError) as err:
        hint = getattr(err, "hint", "") or "check the file with conv-calc stack"
        # A missing optional package (onnx) is a file that cannot be read here, not a bad file.
        unreadable = isinstance(err, OSError) or isinstance(err.__cause__, ImportError)
        f = finding("CC001" if unreadable else "CC003", f"{err}", hint, None, name)
        return lint.FileResult(name, (f,), unreadable=unreadable)
    text = dump_stack(document, [*header, f"(lint: line numbers refer to this text; "
                                          f"conv-calc import writes it)"])
    return lint.lint_bytes(text.encode("utf-8"), name, settings, mode)


def run(paths: list[str], *, fmt: str | None, output_file: str | None, select: list[str],
        ignore: list[str], fail_on: str | None, exit_zero: bool, config: str | None,
        isolated: bool, force_exclude: bool, quiet: bool, mode: str | None = None) -> int:
    from conv_calc.lint import core as lint  # deferred: start-up
    from conv_calc.lint.config import ConfigError, LintConfig, load_config
    from conv_calc.render import lint as lint_render
    from conv_calc.stackfile.files import read_bounded
    from conv_calc.stackfile.vocabulary import MAX_BYTES

    try:
        cfg = LintConfig(root=os.path.abspath(".")) if isolated else load_config(config)
        if cfg.path is None:
            cfg = LintConfig(root=os.path.abspath("."))
    except ConfigError as err:  # the config's output-format is unknown: flag or environment
        _config_failure(err, fmt or _choose_format(None, LintConfig()), output_file)
    chosen = _choose_format(fmt, cfg)
    try:
        settings = _settings(cfg, select, ignore)
    except ConfigError as err:
        _config_failure(err, chosen, output_file)
    threshold = fail_on or cfg.fail_on

    results: list[Any] = []
    # Only JSON writes each file's rows; the other formats need its findings, mode and
    # lines, so the rest is dropped as each file is done (memory flat over many files).
    keep = (lambda r: r) if chosen == "json" else lint.slim
    for path, sniff in collect(paths, cfg, force_exclude):
        if path == STDIN:
            results.append(keep(lint.lint_stdin(settings, mode)))
            continue
        name = _display(path)
        model = _model_file(path, name, settings, mode)
        if model is not None:
            results.append(keep(model))
            continue
        if sniff:
            try:
                data = read_bounded(path, MAX_BYTES)
            except OSError:
                results.append(keep(lint.lint_path(path, settings, name, mode)))
                continue
            if not _STACK_SNIFF.search(data):
                continue
            results.append(keep(lint.lint_bytes(data, name, settings, mode)))
        else:
            results.append(keep(lint.lint_path(path, settings, name, mode)))

    rank = lint.SEVERITY_RANK
    failing = any(rank[f.severity] >= rank[threshold] for r in results for f in r.findings)
    if any(r.unreadable for r in results):
        code = EXIT_USAGE
    elif exit_zero or not failing:
        code = EXIT_OK
    else:
        code = EXIT_PROBLEM

    _emit(lint_render.render(chosen, results, code), output_file)
    if chosen == "github":
        _github_extras(results, lint_render)
    if chosen in ("full", "concise", "github") and not quiet:
        sys.stderr.write(lint_render.summary(results))
    if not results and not quiet and chosen in ("full", "concise", "github"):
        sys.stderr.write("warning: no stack files found in the given paths\n")
    return code


def _github_extras(results: list, lint_render: Any) -> None:
    if lint_render.github_overflow(results):
        sys.stderr.write(
            f"GitHub shows at most {lint_render.GITHUB_LIMIT} error and "
            f"{lint_render.GITHUB_LIMIT} warning annotations per step; every finding:\n")
        sys.stderr.write(lint_render.concise(results))
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        try:
            with open(summary_path, "a", encoding="utf-8") as f:
                f.write(lint_render.step_summary(results)[: 1024 * 1024 - 1])
        except OSError:
            pass  # the summary is a convenience; the annotations are already out
