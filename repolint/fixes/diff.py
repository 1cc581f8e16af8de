"""Unified diffs of edited files (`repolint check --diff`), and of one fix (the `full` report)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

from repolint.fixes.edits import Fix
from repolint.fixes.text import SourceText


def unified_diff(display: str, before: str, after: str) -> str:
    """`--- a/path` / `+++ b/path` hunks with three lines of context; line endings shown as
    `\\n` (the file keeps its own)."""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"a/{display}",
        tofile=f"b/{display}",
    )
    out = []
    for line in lines:
        body = line.rstrip("\r\n")
        out.append(body + "\n")
        if not line.endswith(("\n", "\r")):
            out.append("\\ No newline at end of file\n")
    return "".join(out)


def fix_lines(fix: Fix, sources: Mapping[str, str]) -> list[str]:
    """The lines a fix changes, `-` before and `+` after, per file it edits (for the
    `full` report); empty for a file whose text the report does not have."""
    out: list[str] = []
    for path in sorted(fix.paths()):
        text = sources.get(path)
        if text is None:
            continue
        edits = [e for e in fix.edits if e.path == path]
        after = SourceText(text, "utf-8").apply(edits)
        if after is None:
            continue
        first = min(e.line for e in edits)
        before_lines = text.splitlines()
        after_lines = after.text.splitlines()
        tail = len(before_lines) - max(e.end_line for e in edits)
        old = before_lines[first - 1 : len(before_lines) - tail]
        new = after_lines[first - 1 : len(after_lines) - tail]
        if len(fix.paths()) > 1:
            out.append(f"{path}:")
        out.extend(f"- {line}" for line in old)
        out.extend(f"+ {line}" for line in new)
    return out


def diff_count_line(changed: Sequence[str], fixed: int) -> str:
    """`Would fix 3 problems in 2 files.` (standard error of `--diff`)."""
    problems = f"{fixed} problem{'' if fixed == 1 else 's'}"
    files = f"{len(changed)} file{'' if len(changed) == 1 else 's'}"
    return f"Would fix {problems} in {files}." if fixed else "No fixes available."
