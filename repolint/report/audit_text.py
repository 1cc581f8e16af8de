"""`repolint audit` on a terminal: the summary panel, the checklist table, what to do next.

Rendered with rich objects (never markup). The marks read without colour: a
check mark for pass, a cross for fail, a dash for n/a (`ok`, `X`, `-` on a
terminal that is not UTF-8).
"""

from __future__ import annotations

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from repolint.audit.model import (
    ITEM_IDS,
    LEVEL_LABELS,
    NA,
    PASS,
    SHORT_LABELS,
    AuditReport,
    RepositoryAudit,
    percent_text,
)
from repolint.report.text import printable

MARKS: dict[str, str] = {PASS: "✓", "fail": "✗", NA: "\u2013"}
ASCII_MARKS: dict[str, str] = {PASS: "ok", "fail": "X", NA: "-"}
MARK_STYLE = {PASS: "green", "fail": "bold red", NA: "dim"}
LEVEL_STYLE = {"good": "green", "inconsistent": "yellow", "missing": "red"}
LEVEL_MARK = {"good": "✓", "inconsistent": "!", "missing": "✗"}
RISK_STYLE = {
    "CRITICAL": "bold white on red",
    "HIGH": "bold red",
    "MEDIUM": "yellow",
    "LOW": "green",
}


def marks_for(console: Console) -> dict[str, str]:
    encoding = (console.encoding or "").lower().replace("-", "")
    return MARKS if encoding.startswith("utf") else ASCII_MARKS


def score_text(report: AuditReport) -> str:
    if report.percent is None:
        return "no applicable item"
    shown = percent_text(report.percent)
    return f"{shown} ({report.passed} of {report.applicable} applicable items pass)"


def render_audit_text(console: Console, report: AuditReport) -> None:
    """Print the whole report."""
    console.print(summary_panel(report))
    if report.repositories:
        marks = marks_for(console)
        console.print(checklist_table(report, marks, console.width))
        console.print(_legend(marks, console.width))
        console.print()
        console.print(next_steps(report, marks))
    for note in report.notes:
        console.print(Text(f"note: {note}", style="yellow"))


def summary_panel(report: AuditReport) -> Panel:
    table = Table(box=box.SIMPLE_HEAD, expand=False, pad_edge=False)
    table.add_column("Pattern", style="bold", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Risk", no_wrap=True)
    table.add_column("Action")
    for row in report.summary:
        status = Text(f"{LEVEL_MARK[row.status]} {LEVEL_LABELS[row.status]}")
        status.stylize(LEVEL_STYLE[row.status])
        table.add_row(
            row.area,
            status,
            Text(row.risk, style=RISK_STYLE[row.risk]),
            Group(Text(printable(row.action)), Text(printable(row.detail), style="dim")),
        )
    count = len(report.repositories)
    title = Text(
        f"repolint audit: {count} repositor{'y' if count == 1 else 'ies'}, "
        f"{report.tests_found} test{'' if report.tests_found == 1 else 's'}, "
        f"score {score_text(report)}",
        style="bold",
    )
    return Panel(table, title=title, title_align="left", expand=False)


WIDE = 120
"""From this console width on, columns get two-line names; below it, numbers."""


def checklist_table(report: AuditReport, marks: dict[str, str], width: int = WIDE) -> Table:
    """Repositories x items. Narrow consoles number the columns (see the legend)."""
    wide = width >= WIDE
    table = Table(
        box=box.SQUARE if wide else box.SIMPLE_HEAD,
        title="Checklist",
        title_style="bold",
        title_justify="left",
        padding=(0, 1) if wide else (0, 0, 0, 1),
    )
    table.add_column("Repository", overflow="fold", min_width=12)
    for number, item in enumerate(ITEM_IDS, 1):
        label = SHORT_LABELS[item] if wide else str(number)
        table.add_column(
            label,
            justify="center",
            no_wrap=True,
            min_width=max(len(part) for part in label.split("\n")),
        )
    table.add_column("score", justify="right", no_wrap=True, min_width=5)
    for repo in report.repositories:
        cells = [Text(marks[c.status], style=MARK_STYLE[c.status]) for c in repo.checks]
        score = f"{repo.passed}/{repo.applicable}" if repo.applicable else "-"
        table.add_row(Text(printable(repo.name), style="bold"), *cells, score)
    return table


def _legend(marks: dict[str, str], width: int = WIDE) -> Text:
    text = Text()
    for status, word in ((PASS, "pass"), ("fail", "fail"), (NA, "n/a")):
        text.append(marks[status], style=MARK_STYLE[status])
        text.append(f" {word}   ")
    if width < WIDE:
        line = "columns:"
        for n, item in enumerate(ITEM_IDS, 1):
            entry = f"  {n} {item}"
            if len(line) + len(entry) > width - 1:
                text.append(f"\n{line}", style="dim")
                line = "        "
            line += entry
        text.append(f"\n{line}", style="dim")
    return text


def next_steps(report: AuditReport, marks: dict[str, str]) -> Group:
    """Per repository with a failed item: what to do, and where the evidence is."""
    parts: list[Text] = [Text("What to do next", style="bold underline")]
    todo = [r for r in report.repositories if any(c.status == "fail" for c in r.checks)]
    if not todo:
        parts.append(Text("Nothing: every applicable item passes.", style="green"))
    for repo in todo:
        parts.append(_repo_heading(repo))
        for check in repo.checks:
            if check.status != "fail":
                continue
            line = Text("  ")
            line.append(marks["fail"], style=MARK_STYLE["fail"])
            line.append(f" {check.item}: ", style="bold")
            line.append(printable(check.fix or check.message))
            line.append(
                f"\n      {printable(check.evidence)}: {printable(check.message)}", style="dim"
            )
            parts.append(line)
    return Group(*parts)


def _repo_heading(repo: RepositoryAudit) -> Text:
    text = Text("\n")
    text.append(printable(repo.name), style="bold")
    text.append(f"  {printable(repo.path)}:{repo.line}", style="dim")
    text.append(f"  {repo.passed}/{repo.applicable}")
    return text
