"""`repolint check --fix`, `--unsafe-fixes`, `--diff`, `--fix-only`, `--show-fixes`:
the options, and what is printed or written once the fix rounds are done."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TypeVar

import click

from repolint.fixes.apply import Analyse, FixOutcome, fix_rounds
from repolint.fixes.diff import unified_diff
from repolint.fixes.layout import line_length
from repolint.report.text import printable

F = TypeVar("F", bound=Callable[..., object])

_FIX_OPTIONS = (
    click.option(
        "--fix/--no-fix",
        default=False,
        help="Apply the safe fixes, then report what is left.",
    ),
    click.option(
        "--unsafe-fixes/--no-unsafe-fixes",
        default=False,
        help="Also apply (with --fix, --diff) or offer the unsafe fixes: those that change "
        "what a query loads or how a session behaves.",
    ),
    click.option(
        "--diff",
        is_flag=True,
        help="Print the fixes as a unified diff and change nothing; exit 1 when there is "
        "something to fix.",
    ),
    click.option(
        "--fix-only",
        is_flag=True,
        help="Apply the fixes and report nothing else (exit 0 unless an error).",
    ),
    click.option(
        "--show-fixes",
        is_flag=True,
        help="List the fixes applied (with --fix), or show each available fix's edit.",
    ),
)


def fix_options(command: F) -> F:
    """Add the fix options, in the order above in --help."""
    for option in reversed(_FIX_OPTIONS):
        command = option(command)
    return command


@dataclass(frozen=True)
class FixOptions:
    """The fix options of one `check`."""

    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    fix_only: bool = False
    show_fixes: bool = False

    @property
    def applying(self) -> bool:
        """Rounds of fixes run (written with --fix/--fix-only, shown with --diff)."""
        return self.fix or self.diff or self.fix_only

    @property
    def any(self) -> bool:
        return self.applying or self.unsafe_fixes or self.show_fixes


NO_FIXES = FixOptions()


def run_fixes(analyse: Analyse, opts: FixOptions, project_root: str) -> FixOutcome:
    """The fix rounds over the files on disk (keeping the project's line length)."""
    return fix_rounds(
        analyse, read_bytes, unsafe=opts.unsafe_fixes, line_length=line_length(project_root)
    )


def read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def write_fixed(outcome: FixOutcome) -> list[str]:
    """Write every changed file in place (same encoding and line endings); return errors."""
    errors = []
    for path in outcome.changed():
        try:
            with open(path, "r+b") as handle:  # keeps the file's mode, owner and links
                handle.write(outcome.texts[path].encode())
                handle.truncate()
        except OSError as exc:
            shown = outcome.displays.get(path, str(path))
            errors.append(f"error: {printable(shown)}: cannot write the fixes: {exc.strerror}")
    return errors


def diff_text(outcome: FixOutcome) -> str:
    """The unified diff of every changed file, in display order."""
    parts = []
    for path in outcome.changed():
        shown = outcome.displays.get(path, str(path)).replace(os.sep, "/")
        parts.append(unified_diff(shown, outcome.originals[path].text, outcome.texts[path].text))
    return "".join(parts)


def fixed_line(outcome: FixOutcome, *, would: bool = False) -> str:
    """`Fixed 3 problems in 2 files.` (`Would fix ...` for --diff)."""
    fixed, files = len(outcome.fixed), len(outcome.changed())
    if not fixed:
        return "No fixes available." if would else ""
    verb = "Would fix" if would else "Fixed"
    return f"{verb} {_count(fixed, 'problem')} in {_count(files, 'file')}."


def show_fixes(outcome: FixOutcome, stream: IO[str]) -> None:
    """`--show-fixes` after `--fix`: per file, how many problems of each code were fixed."""
    by_file: dict[str, Counter[tuple[str, str]]] = {}
    for finding in outcome.fixed:
        by_file.setdefault(finding.path, Counter())[(finding.code, finding.name)] += 1
    for path in sorted(by_file):
        click.echo(f"- {printable(path)}:", file=stream)
        for (code, name), count in sorted(by_file[path].items()):
            click.echo(f"    {count} x {code} ({name})", file=stream)


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
