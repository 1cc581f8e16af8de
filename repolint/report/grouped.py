"""`--output-format grouped`: the problems under the file they are in, as ruff groups them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import groupby

from rich.console import Console
from rich.text import Text

from repolint.findings import Finding
from repolint.report.text import SEVERITY_STYLE, fixable, printable, snippet


def render_grouped(
    console: Console,
    findings: Sequence[Finding],
    sources: Mapping[str, str],
    *,
    show_source: bool = False,
    unsafe_fixes: bool = False,
) -> None:
    """Each file's name, then one indented `line:col CODE message` line per problem, the
    positions aligned (`--show-source` adds the line and caret); a blank line between files."""
    for path, group in groupby(findings, key=lambda f: f.path):
        in_file = list(group)
        console.print(Text(printable(path) + ":", style="bold underline"))
        width = max(len(f"{f.line}:{f.column}") for f in in_file)
        for finding in in_file:
            line = Text("  " + f"{finding.line}:{finding.column}".ljust(width) + " ")
            line.append(finding.code, style=SEVERITY_STYLE.get(finding.severity, "bold"))
            if fixable(finding, unsafe_fixes):
                line.append(" [*]", style="bold cyan")
            line.append(f" {printable(finding.message)}")
            console.print(line)
            shown = snippet(finding, sources) if show_source else None
            if shown is not None:
                console.print(shown)
        console.print()
