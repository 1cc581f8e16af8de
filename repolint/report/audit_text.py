"""`repolint audit` on a terminal: what a lead reads first, in at most 80 columns.

The default report is the headline (repositories, bases, tests, score), the
executive summary, "fix first" (the actions closing the most failing verdicts,
riskiest first), the generic bases with the verdicts their subclasses share,
the verdicts counted per item (with why the n/a ones do not apply), and notes.
`--verbose` adds the per-repository table and each repository's failing items.

Rendered with rich objects (never markup). The marks read without colour: a
check mark for pass, a cross for fail, a dash for n/a (`ok`, `X`, `-` on a
terminal that is not UTF-8).
"""

from __future__ import annotations

import textwrap

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from repolint.audit.model import (
    ITEM_IDS,
    LEVEL_LABELS,
    NA,
    PASS,
    SHORT_LABELS,
    AuditReport,
    Check,
    RepositoryAudit,
)
from repolint.report.audit_parts import counted, headline, per_item, shared_failures
from repolint.report.text import printable

MARKS: dict[str, str] = {PASS: "✓", "fail": "✗", NA: "\u2013"}
ASCII_MARKS: dict[str, str] = {PASS: "ok", "fail": "X", NA: "-"}
MARK_STYLE = {PASS: "green", "fail": "bold red", NA: "dim"}
LEVEL_STYLE = {"good": "green", "partial": "yellow", "missing": "red"}
LEVEL_MARK = {"good": "✓", "partial": "!", "missing": "✗"}
NARROW = 80
"""The default report's width: it fits an 80-column terminal."""
FIX_FIRST = 5
"""How many actions the terminal shows (all are in the JSON, markdown and HTML)."""
RISK_STYLE = {
    "CRITICAL": "bold white on red",
    "HIGH": "bold red",
    "MEDIUM": "yellow",
    "LOW": "green",
}


def marks_for(console: Console) -> dict[str, str]:
    encoding = (console.encoding or "").lower().replace("-", "")
    return MARKS if encoding.startswith("utf") else ASCII_MARKS


def render_audit_text(console: Console, report: AuditReport, *, verbose: bool = False) -> None:
    """Print the report: the lead's page, then (verbose) the per-repository detail."""
    width = max(40, min(console.width, NARROW))
    marks = marks_for(console)
    for part in lead_page(report, marks, width, FIX_FIRST if not verbose else None):
        console.print(part)
    if verbose and report.repositories:
        console.print()
        console.print(checklist_table(report, marks, console.width))
        console.print(_legend(marks, console.width))
        console.print()
        console.print(next_steps(report, marks))
    elif report.repositories:
        console.print()
        console.print(
            Text(
                fill(
                    "Per repository: repolint audit --verbose, or --output-format html, "
                    "markdown or json.",
                    width,
                ),
                style="dim",
            )
        )


def fill(text: str, width: int, indent: str = "") -> str:
    """`text` wrapped to `width` columns, every line after `indent`."""
    return textwrap.fill(
        printable(text),
        width=width,
        initial_indent=indent,
        subsequent_indent=indent,
        break_on_hyphens=False,
        break_long_words=True,
    )


def lead_page(
    report: AuditReport, marks: dict[str, str], width: int, limit: int | None = FIX_FIRST
) -> list[Text]:
    """Headline, summary, fix first, bases, verdicts per item, notes: each line fits `width`."""
    out = [Text(fill(f"repolint audit: {headline(report)}", width), style="bold")]
    for note in report.notes:
        out.append(Text(fill(f"note: {note}", width), style="yellow"))
    if not report.repositories and not report.bases:
        return out  # the note says what was looked for: no summary of nothing
    out += [Text(), Text("Summary", style="bold underline")]
    for row in report.summary:
        line = Text("  ")
        line.append(f"{row.area:<24}", style="bold")
        status = f"{LEVEL_MARK[row.status]} {LEVEL_LABELS[row.status]}"
        line.append(f"{status:<11}", style=LEVEL_STYLE[row.status])
        line.append(row.risk, style=RISK_STYLE[row.risk])
        out.append(line)
        out.append(Text(fill(row.action, width, "      ")))
    if report.actions:
        out += [Text(), Text("Fix first", style="bold underline")]
        shown = report.actions if limit is None else report.actions[:limit]
        for number, action in enumerate(shown, 1):
            head = Text(f"  {number}. ")
            head.append(f"{action.risk:<8}", style=RISK_STYLE[action.risk])
            head.append(f" {action.item}: {counted(action.repositories, 'repository')}")
            out.append(head)
            text = f"{action.text}: {action.where}" if action.where else action.text
            out.append(Text(fill(text, width, "      ")))
        rest = len(report.actions) - len(shown)
        if rest > 0:
            out.append(Text(f"      ... {rest} more (--verbose)", style="dim"))
    for base in report.bases:
        out += [Text(), _base_block(base, marks, width)]
    if report.repositories:
        out += [Text(), *_per_item(report, marks, width)]
    return out


def _base_block(base: RepositoryAudit, marks: dict[str, str], width: int) -> Text:
    """A base once: where, how many inherit from it, its applicable verdicts."""
    text = Text()
    text.append(f"Base {printable(base.name)}", style="bold underline")
    where = f"{base.path}:{base.line}, inherited by {counted(len(base.subclasses), 'repository')}"
    text.append("\n" + fill(where, width, "  "), style="dim")
    line = "  "
    for check in base.checks:
        if check.status == NA:
            continue
        entry = f"{marks[check.status]} {check.item}  "
        if len(line) + len(entry) > width:
            text.append("\n" + line.rstrip())
            line = "  "
        line += entry
    text.append("\n" + line.rstrip())
    return text


def _per_item(report: AuditReport, marks: dict[str, str], width: int) -> list[Text]:
    """One line per item: how many repositories pass, fail, do not apply (and why)."""
    title = f"Verdicts per item ({counted(len(report.repositories), 'repository')})"
    out = [Text(title, style="bold underline")]
    head = f"  {'item':<26}{marks[PASS]:>5}{marks['fail']:>5}{marks[NA]:>5}  n/a because"
    out.append(Text(head, style="dim"))
    room = width - 2 - 26 - 15 - 2
    for row in per_item(report):
        why = row.na_because
        if len(why) > room:
            why = why[: max(room - 1, 0)] + "…"
        line = Text(f"  {row.item:<26}")
        for status, count in ((PASS, row.passed), ("fail", row.failed), (NA, row.na)):
            line.append(f"{count:>5}", style=MARK_STYLE[status] if count else "dim")
        if why:
            line.append(f"  {printable(why)}", style="dim")
        out.append(line)
    return out


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


def _failure(check: Check, marks: dict[str, str]) -> Text:
    line = Text("  ")
    line.append(marks["fail"], style=MARK_STYLE["fail"])
    line.append(f" {check.item}: ", style="bold")
    line.append(printable(check.fix or check.message))
    line.append(f"\n      {printable(check.evidence)}: {printable(check.message)}", style="dim")
    return line


def next_steps(report: AuditReport, marks: dict[str, str]) -> Group:
    """What to do: once for the failures repositories share through inherited code,
    then per repository for its own."""
    parts: list[Text] = [Text("What to do next", style="bold underline")]
    todo = [r for r in report.repositories if any(c.status == "fail" for c in r.checks)]
    if not todo:
        parts.append(Text("Nothing: every applicable item passes.", style="green"))
    shared = shared_failures(report)
    for (item, _), repos in shared.items():
        heading = Text("\nShared by ")
        heading.append(counted(len(repos), "repository"), style="bold")
        heading.append(" (inherited code: one fix closes them all)", style="dim")
        parts += [heading, _failure(repos[0].check(item), marks)]
    for repo in todo:
        own = [
            c
            for c in repo.checks
            if c.status == "fail" and repo not in shared.get((c.item, c.evidence), [])
        ]
        parts.append(_repo_heading(repo))
        parts += [_failure(check, marks) for check in own]
    return Group(*parts)


def _repo_heading(repo: RepositoryAudit) -> Text:
    text = Text("\n")
    text.append(printable(repo.name), style="bold")
    text.append(f"  {printable(repo.path)}:{repo.line}", style="dim")
    text.append(f"  {repo.passed}/{repo.applicable}")
    return text
