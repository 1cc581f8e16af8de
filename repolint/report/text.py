"""Text reporters: `full` (source line, caret, help) and `concise` (one line each).

Rendered with rich `Text` objects, never markup, so messages holding `[...]`
print as written. Colour only on a terminal and when `NO_COLOR` is unset.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import IO

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from repolint.findings import FileError, Finding, Severity
from repolint.fixes.diff import fix_lines
from repolint.fixes.edits import Fix

TAB_SIZE = 4
SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow"}
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def printable(text: str) -> str:
    """`text` with control characters written as escapes (`\\n`, `\\x1b`), so a
    hostile file name can neither break an output line nor drive the terminal."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def make_console(file: IO[str] | None = None, *, colour: bool = True) -> Console:
    """A console that never wraps lines nor interprets markup or emoji codes;
    plain text (no ANSI codes at all) when not a terminal, `NO_COLOR` is set or
    `colour` is False (a report written to a file)."""
    plain = not colour or bool(os.environ.get("NO_COLOR"))
    if plain:
        return Console(
            file=file, highlight=False, markup=False, emoji=False, soft_wrap=True, color_system=None
        )
    return Console(file=file, highlight=False, markup=False, emoji=False, soft_wrap=True)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def fixable(finding: Finding, unsafe_fixes: bool = False) -> bool:
    """`--fix` would repair it (with `--unsafe-fixes`, also by an unsafe fix)."""
    return finding.fix is not None and finding.fix.applies(unsafe_fixes)


def header(finding: Finding, unsafe_fixes: bool = False) -> Text:
    """`path:line:col: CODE message`, with `[*]` after the code when `--fix` repairs it."""
    text = Text()
    text.append(printable(finding.path), style="bold")
    text.append(f":{finding.line}:{finding.column}: ")
    text.append(finding.code, style=SEVERITY_STYLE.get(finding.severity, "bold"))
    if fixable(finding, unsafe_fixes):
        text.append(" [*]", style="bold cyan")
    text.append(f" {printable(finding.message)}")
    return text


def _source_line(sources: Mapping[str, str], finding: Finding) -> str | None:
    text = sources.get(finding.path)
    if text is None:
        return None
    lines = text.splitlines()
    if not 1 <= finding.line <= len(lines):
        return None
    return lines[finding.line - 1].rstrip()


def caret_span(line: str, finding: Finding) -> tuple[int, int]:
    """Display cells (start, width) to underline under `line` (tabs expanded)."""
    start = max(finding.column - 1, 0)
    if finding.end_line == finding.line and finding.end_column > finding.column:
        end = finding.end_column - 1
    elif finding.end_line > finding.line:
        end = len(line)
    else:
        end = start + 1
    start = min(start, len(line))
    end = max(min(end, len(line)), start + 1)
    before = cell_len(line[:start].expandtabs(TAB_SIZE))
    width = cell_len(line[:end].expandtabs(TAB_SIZE)) - before
    return before, max(width, 1)


def snippet(finding: Finding, sources: Mapping[str, str]) -> Text | None:
    """The source line with a caret under the node, ruff style."""
    line = _source_line(sources, finding)
    if line is None:
        return None
    gutter = " " * len(str(finding.line))
    start, width = caret_span(line, finding)
    style = SEVERITY_STYLE.get(finding.severity, "bold")
    text = Text()
    text.append(f"{gutter} |\n", style="blue")
    text.append(f"{finding.line} | ", style="blue")
    text.append(line.expandtabs(TAB_SIZE) + "\n")
    text.append(f"{gutter} | ", style="blue")
    text.append(" " * start + "^" * width, style=style)
    text.append(f"\n{gutter} |", style="blue")
    return text


def render_full(
    console: Console,
    findings: Sequence[Finding],
    sources: Mapping[str, str],
    *,
    show_source: bool = True,
    unsafe_fixes: bool = False,
) -> None:
    """Each finding: header, source line with caret, `help:` hint, the fix's edit when
    `--fix` would apply it, blank line."""
    for finding in findings:
        console.print(header(finding, unsafe_fixes))
        shown = snippet(finding, sources) if show_source else None
        if shown is not None:
            console.print(shown)
        if finding.hint:
            indent = " " * len(str(finding.line)) if shown is not None else ""
            help_text = Text(f"{indent} = " if shown is not None else "  ")
            help_text.append("help", style="bold cyan")
            help_text.append(f": {finding.hint}")
            console.print(help_text)
        if finding.fix is not None and fixable(finding, unsafe_fixes):
            indent = " " * len(str(finding.line)) if shown is not None else ""
            _print_fix(console, finding.fix, sources, f"{indent} = " if shown is not None else "  ")
        console.print()


def _print_fix(console: Console, fix: Fix, sources: Mapping[str, str], lead: str) -> None:
    """`= fix (safe): message`, then the lines it changes, `-` before and `+` after."""
    text = Text(lead)
    text.append("fix", style="bold cyan")
    text.append(f" ({fix.applicability.value}): {printable(fix.message)}")
    console.print(text)
    pad = " " * len(lead)
    for line in fix_lines(fix, sources):
        style = "red" if line.startswith("- ") else "green" if line.startswith("+ ") else ""
        console.print(Text(pad + printable(line.expandtabs(TAB_SIZE)), style=style))


def render_concise(
    console: Console,
    findings: Sequence[Finding],
    sources: Mapping[str, str],
    *,
    show_source: bool = False,
    unsafe_fixes: bool = False,
) -> None:
    """One line per finding (`--show-source` adds the line and caret)."""
    for finding in findings:
        console.print(header(finding, unsafe_fixes))
        if show_source:
            shown = snippet(finding, sources)
            if shown is not None:
                console.print(shown)


def count_by_code(findings: Sequence[Finding]) -> list[tuple[str, str, int]]:
    """(code, name, count) rows, most frequent first, then by code."""
    counts = Counter(finding.code for finding in findings)
    names = {finding.code: finding.name for finding in findings}
    return sorted(
        ((code, names[code], count) for code, count in counts.items()),
        key=lambda row: (-row[2], row[0]),
    )


def render_statistics(
    console: Console, findings: Sequence[Finding], unsafe_fixes: bool = False
) -> None:
    """`--statistics`: count, code and rule name per line, aligned; `[*]` before the name
    of a rule some of whose problems `--fix` repairs (as ruff marks them)."""
    rows = count_by_code(findings)
    width = max((len(str(count)) for _, _, count in rows), default=1)
    repairable = {f.code for f in findings if fixable(f, unsafe_fixes)}
    marks = bool(repairable)
    for code, name, count in rows:
        text = Text(f"{count:>{width}}  ")
        text.append(f"{code:<6}", style="bold")
        if marks:
            text.append("  [*]" if code in repairable else "     ", style="bold cyan")
        text.append(f"  {name}".rstrip())
        console.print(text)


def summary(findings: Sequence[Finding], errors: Sequence[FileError]) -> str:
    """`Found 3 problems (2 errors, 1 warning).` or `All checks passed!`."""
    unreadable = f"{_plural(len(errors), 'path')} could not be checked." if errors else ""
    if not findings:
        if errors:
            return f"No problems found in the files checked; {unreadable}"
        return "All checks passed!"
    severities = Counter(finding.severity for finding in findings)
    parts = [
        _plural(severities[severity], word)
        for severity, word in ((Severity.ERROR, "error"), (Severity.WARNING, "warning"))
        if severities[severity]
    ]
    line = f"Found {_plural(len(findings), 'problem')} ({', '.join(parts)})."
    return f"{line[:-1]}; {unreadable}" if errors else line


def fixable_summary(findings: Sequence[Finding], unsafe_fixes: bool = False) -> str:
    """`[*] 2 fixable with `--fix` (3 more with `--unsafe-fixes`).`, or "" when no finding
    has a fix."""
    safe = sum(1 for f in findings if f.fix is not None and f.fix.is_safe)
    unsafe = sum(1 for f in findings if f.fix is not None and not f.fix.is_safe)
    if unsafe_fixes:
        total = safe + unsafe
        return f"[*] {total} fixable with `--fix --unsafe-fixes`." if total else ""
    if not safe and not unsafe:
        return ""
    if not safe:
        return f"No safe fixes available ({unsafe} fixable with `--fix --unsafe-fixes`)."
    more = f" ({unsafe} more with `--unsafe-fixes`)" if unsafe else ""
    return f"[*] {safe} fixable with `--fix`{more}."
