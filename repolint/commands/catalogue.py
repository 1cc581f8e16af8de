"""`repolint rules`, `repolint explain CODE` and `repolint docs`: the rule catalogue.

The rules, the docs renderer and rich's Markdown load inside the commands, so
that importing the CLI (`repolint --version`, `repolint check`) stays light.
"""

from __future__ import annotations

import difflib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, NoReturn

import click

from repolint.commands.usage import OneLineCommand
from repolint.config import split_commas

if TYPE_CHECKING:
    from repolint.rules.base import Rule

EXIT_CLEAN, EXIT_STALE, EXIT_ERROR = 0, 1, 2
_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow"}


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_ERROR)


# -- finding rules -----------------------------------------------------------------


def _key(text: str) -> str:
    return text.strip().lower().replace("_", "-")


def _all_rules() -> Sequence[type[Rule]]:
    from repolint.docs.render import sorted_rules

    return sorted_rules()


def find_rule(text: str, rules: Sequence[type[Rule]] | None = None) -> type[Rule] | None:
    """A rule by code or name, in any case, with `_` or `-` (`rpl301`, `lazy_load_per_row`)."""
    key = _key(text)
    rules = _all_rules() if rules is None else rules
    return next((r for r in rules if key in (r.code.lower(), r.name)), None)


def _suggestion(text: str, rules: Sequence[type[Rule]] | None = None) -> str:
    """`; did you mean RPL301 (lazy-load-per-row)?`, or nothing."""
    rules = _all_rules() if rules is None else rules
    by_key = {r.code.lower(): r for r in rules} | {r.name: r for r in rules}
    close = difflib.get_close_matches(_key(text), list(by_key), n=1, cutoff=0.75)
    if not close:
        return ""
    rule = by_key[close[0]]
    return f"; did you mean {rule.code} ({rule.name})?"


def select_rules(selectors: Sequence[str]) -> list[type[Rule]]:
    """Rules whose code starts with a selector (`RPL3`, `RPL`) or whose name is one."""
    ordered = list(_all_rules())
    if not selectors:
        return ordered
    chosen: set[str] = set()
    for selector in selectors:
        key = _key(selector)
        matched = [r for r in ordered if r.code.lower().startswith(key) or r.name == key]
        if not matched:
            _fail(f"no rule matches `{selector}`{_suggestion(selector)} (see `repolint rules`)")
        chosen |= {r.code for r in matched}
    return [r for r in ordered if r.code in chosen]


# -- repolint rules ----------------------------------------------------------------


def rule_json(rule: type[Rule]) -> dict[str, object]:
    from repolint.docs.render import page_name, since

    return {
        "code": rule.code,
        "name": rule.name,
        "summary": rule.summary,
        "severity": rule.severity.value,
        "default_enabled": rule.default_enabled,
        "since": since(rule),
        "page": f"rules/{page_name(rule)}",
    }


@click.command(
    "rules",
    cls=OneLineCommand,
    short_help="List the rules.",
    help="List every rule: code, name, severity, whether it is on by default, and what "
    "it flags. `repolint explain CODE` shows one rule's page.",
)
@click.option(
    "--select",
    multiple=True,
    metavar="CODES",
    help="Only these comma-separated codes, prefixes (RPL3) or names.",
)
@click.option(
    "--output-format",
    type=click.Choice(("full", "concise", "json")),
    default="full",
    show_default=True,
    help="full: a table; concise: one line per rule; json: an array of objects.",
)
def rules(select: tuple[str, ...], output_format: str) -> None:
    """Print the rule table."""
    from rich.table import Table
    from rich.text import Text

    from repolint.docs.render import default_text
    from repolint.report.text import make_console

    chosen = select_rules(split_commas(select))
    if output_format == "json":
        click.echo(json.dumps([rule_json(r) for r in chosen], indent=2))
        return
    if output_format == "concise":
        width = max((len(r.name) for r in chosen), default=0)
        for r in chosen:
            click.echo(
                f"{r.code}  {r.name:<{width}}  {r.severity.value:<7}  "
                f"{default_text(r):<3}  {r.summary}"
            )
        return
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("Code", "Name", "Severity", "Default", "Summary"):
        table.add_column(column, no_wrap=column != "Summary")
    for r in chosen:
        table.add_row(
            Text(r.code, style="bold"),
            Text(r.name),
            Text(r.severity.value, style=_SEVERITY_STYLE.get(r.severity.value, "")),
            Text(default_text(r)),
            Text(r.summary),
        )
    console = make_console(sys.stdout)
    if not _is_terminal(sys.stdout):
        console.width = 1000  # piped: one line per rule, as wide as it needs
    with console.capture() as captured:
        console.print(table)
    for line in captured.get().splitlines():
        click.echo(line.rstrip())


# -- repolint explain ----------------------------------------------------------------


def _is_terminal(stream: IO[str]) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@click.command(
    "explain",
    cls=OneLineCommand,
    short_help="Show a rule's documentation.",
    help="Show the documentation of a rule, given by code (RPL301, rpl301) or name "
    "(lazy-load-per-row): what it flags, why, an example and the fix. Rendered in a "
    "terminal, plain Markdown when piped.",
)
@click.argument("rule")
def explain(rule: str) -> None:
    """Print a rule's page."""
    found = find_rule(rule)
    if found is None:
        _fail(f"unknown rule `{rule}`{_suggestion(rule)} (see `repolint rules`)")
    from rich.console import Console
    from rich.markdown import Markdown

    from repolint.docs.examples import example_message
    from repolint.docs.render import page_body

    try:
        message = example_message(found)
    except Exception:  # a rule still being written: show the page without it
        message = None
    body = page_body(found, message)
    if _is_terminal(sys.stdout):
        Console(file=sys.stdout, highlight=False).print(Markdown(body))
    else:
        click.echo(body, nl=False)


# -- repolint docs -------------------------------------------------------------------


def default_docs_dir() -> Path:
    """`rules/` of the source checkout repolint runs from, else `./rules`."""
    root = Path(__file__).resolve().parents[2]
    pyproject = root / "pyproject.toml"
    try:
        if 'name = "repolint"' in pyproject.read_text(encoding="utf-8"):
            return root / "rules"
    except OSError:
        pass
    return Path("rules")


def _label(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@click.command(
    "docs",
    cls=OneLineCommand,
    short_help="Regenerate the rule catalogue (rules/).",
    help="Render the rule catalogue (an index and one page per rule) from the rules' "
    "docstrings, and compare it with the folder. Without --write, print the diff of "
    "what would change.",
)
@click.option("--write", is_flag=True, help="Write the changes to the folder.")
@click.option("--check", is_flag=True, help="Print nothing but the stale files; exit 1 if any.")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The catalogue folder (default: rules/ of the source checkout, else ./rules).",
)
def docs(write: bool, check: bool, directory: Path | None) -> None:
    """Compare, check or write the catalogue folder."""
    from repolint.docs.render import ForeignFileError, apply, plan, render_catalogue

    if write and check:
        _fail("--write and --check cannot be used together")
    directory = directory if directory is not None else default_docs_dir()
    if directory.exists() and not directory.is_dir():
        _fail(f"{directory}: not a folder")
    _warn_about_docs()
    changes = plan(directory, render_catalogue())
    shown = _label(directory).rstrip("/") + "/"
    if not changes:
        click.echo(f"{shown} is up to date")
        return
    if write:
        try:
            apply(changes)
        except (ForeignFileError, OSError) as exc:
            _fail(str(exc))
        for change in changes:
            click.echo(f"{change.kind}d {_label(change.path)}")
        return
    if check:
        for change in changes:
            click.echo(f"would {change.kind} {_label(change.path)}")
        click.echo(f"{shown} is stale: run `repolint docs --write`", err=True)
        sys.exit(EXIT_STALE)
    for change in changes:
        click.echo(change.diff(_label(change.path)), nl=False)
    click.echo(f"{len(changes)} file(s) would change: run `repolint docs --write`", err=True)


def _warn_about_docs() -> None:
    """Convention problems of each rule's docs, and examples that do not do what
    they show, on stderr: they do not stop the render."""
    from repolint.docs.docstring import doc_problems
    from repolint.docs.examples import example_problems

    for rule in _all_rules():
        try:
            problems = doc_problems(rule) + example_problems(rule)
        except Exception as exc:  # a rule still being written
            problems = [f"its examples crash the engine: {type(exc).__name__}: {exc}"]
        for problem in problems:
            first, *rest = problem.splitlines()
            click.echo(f"warning: {rule.code}: {first}", err=True)
            for line in rest:
                click.echo(f"    {line}", err=True)
