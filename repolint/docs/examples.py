"""Run a rule page's Example and Use-instead code inside the prelude project."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from repolint.docs.docstring import docstring_of, parse_doc, snippet_files
from repolint.findings import FileError, Finding
from repolint.rules import ALL_RULES
from repolint.rules.base import Rule
from repolint.settings import Settings

PRELUDE = Path(__file__).resolve().parent / "prelude"
"""The small project every snippet is analysed in (see `prelude/app/`)."""
PARSE_ERROR_CODE = "RPL000"


@dataclass(frozen=True)
class SnippetRun:
    """The files a section's code made and what every rule found in them."""

    files: Mapping[str, str]
    findings: tuple[Finding, ...]
    errors: tuple[FileError, ...]

    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def describe(self) -> str:
        """The findings as `path:line:col: CODE message` lines, or `(none)`."""
        lines = [f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}" for f in self.findings]
        lines += [f"error: {e.path}: {e.message}" for e in self.errors]
        return "\n".join(lines) or "(none)"


def prelude_files(prelude: Path = PRELUDE) -> dict[str, Path]:
    """The prelude's Python files by path relative to it (`app/models.py`)."""
    return {p.relative_to(prelude).as_posix(): p for p in sorted(prelude.rglob("*.py"))}


def run_snippets(files: Mapping[str, str], prelude: Path = PRELUDE) -> SnippetRun:
    """Analyse `files` (relative path -> source) as part of the prelude project,
    with every rule enabled (opt-in ones too), and return their findings.

    Nothing is written: the files exist only for the engine. A file named like a
    prelude file replaces it.
    """
    from repolint.engine import analyse  # heavy: only when examples run

    root = prelude.resolve()
    targets = {root / rel: text for rel, text in files.items()}
    context = [p for rel, p in prelude_files(root).items() if rel not in files]
    result = analyse(
        list(targets),
        Settings(project_root=str(root)),
        frozenset(rule.code for rule in ALL_RULES),
        display={path: path.relative_to(root).as_posix() for path in targets},
        overrides=targets,
        roots=[root],
        context=context,
    )
    findings = sorted(result.findings, key=Finding.sort_key)
    return SnippetRun(dict(files), tuple(findings), tuple(result.errors))


def run_section(rule: type[Rule], title: str) -> SnippetRun | None:
    """Run the Python code of one section of the rule's page (None without any).
    Cached: a docstring does not change while repolint runs."""
    return _run_section(docstring_of(rule), title)


@functools.cache
def _run_section(docstring: str, title: str) -> SnippetRun | None:
    section = parse_doc(docstring).section(title)
    files = snippet_files(section) if section is not None else {}
    return run_snippets(files) if files else None


def example_problems(rule: type[Rule]) -> list[str]:
    """The Example must give the rule's code; Use instead must give nothing at all."""
    problems: list[str] = []
    example = run_section(rule, "Example")
    if example is not None and rule.code not in example.codes():
        problems.append(
            f"`## Example` gives no {rule.code} finding; it gives:\n{example.describe()}"
        )
    if example is not None and example.errors:
        problems.append(f"`## Example` could not be analysed:\n{example.describe()}")
    fixed = run_section(rule, "Use instead")
    if fixed is not None and (fixed.findings or fixed.errors):
        problems.append(f"`## Use instead` is not clean; it gives:\n{fixed.describe()}")
    return problems


def example_message(rule: type[Rule]) -> str | None:
    """The message the rule gives on its own Example, for its page.

    None for RPL000, whose message depends on the running Python, and when the
    Example gives no such finding.
    """
    if rule.code == PARSE_ERROR_CODE:
        return None
    example = run_section(rule, "Example")
    if example is None:
        return None
    return next((f.message for f in example.findings if f.code == rule.code), None)
