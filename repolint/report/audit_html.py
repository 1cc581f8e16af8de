"""`repolint audit --output-format html`: one self-contained page, readable and printable.

No script, no external asset: the style sheet is inline and the marks are text
(check, cross, dash) with their word beside them for screen readers, so the page
reads the same printed in black and white.
"""

from __future__ import annotations

import re
from html import escape

from repolint.audit.model import (
    ITEMS,
    LEVEL_LABELS,
    NA,
    PASS,
    AuditReport,
    Check,
    RepositoryAudit,
)
from repolint.report.audit_parts import counted, few, headline, per_item, shared_failures

MARKS = {PASS: "✓", "fail": "✗", NA: "\u2013"}
WORDS = {PASS: "pass", "fail": "fail", NA: "n/a"}
CLASSES = {PASS: "pass", "fail": "fail", NA: "na"}

STYLE = """
:root { color-scheme: light; --pass: #1a7f37; --fail: #cf222e; --na: #8c959f; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328;
       margin: 0; background: #fff; }
main { max-width: 1200px; margin: 0 auto; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line);
     padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
code, .path { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
              font-size: 12px; }
.score { font-size: 16px; margin: 0 0 8px; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid var(--line); padding: 4px 8px; vertical-align: top; text-align: left; }
thead th { background: #f6f8fa; }
#checklist td { text-align: center; font-size: 16px; min-width: 30px; }
#checklist thead th.item { height: 150px; white-space: nowrap; vertical-align: bottom; }
#checklist thead th.item span { writing-mode: vertical-rl; transform: rotate(180deg); }
#checklist th[scope=row] small { display: block; color: #59636e; font-weight: normal; }
td.pass, .mark.pass { color: var(--pass); }
td.fail, .mark.fail { color: var(--fail); font-weight: bold; }
td.na, .mark.na { color: var(--na); }
.level-good { color: var(--pass); } .level-partial { color: #9a6700; }
.level-missing { color: var(--fail); }
.risk { font-weight: bold; padding: 1px 6px; border-radius: 4px; }
.risk-CRITICAL { background: var(--fail); color: #fff; } .risk-HIGH { color: var(--fail); }
.risk-MEDIUM { color: #9a6700; } .risk-LOW { color: var(--pass); }
.detail { color: #59636e; font-size: 12px; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
.legend, .note { color: #59636e; }
table.evidence { width: 100%; font-size: 12px; }
table.evidence td:first-child { white-space: nowrap; }
ul.todo { margin: 4px 0; padding-left: 20px; }
ol.actions li { margin: 2px 0; }
table.counts td:nth-child(n+2):nth-child(-n+4) { text-align: right; }
@media print {
  body { font-size: 10px; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  tr, .repo { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def rich_text(text: str) -> str:
    """Escaped text whose `backticked` parts are set as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text))


def render_audit_html(report: AuditReport) -> str:
    """The same order as the terminal: headline and notes, summary, fix first, bases,
    verdicts per item; then the per-repository checklist, next steps and evidence."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>repolint audit</title>",
        f"<style>{STYLE}</style></head><body><main>",
        "<h1>repolint audit</h1>",
        f'<p class="score"><strong>{escape(headline(report))}</strong></p>',
    ]
    parts += [f'<p class="note">note: {escape(n)}</p>' for n in report.notes]
    parts.append(_summary(report))
    if report.actions:
        parts.append(_fix_first(report))
    if report.bases:
        parts.append(_bases(report))
    if report.repositories:
        parts += [_per_item(report), _checklist(report), _next_steps(report), _evidence(report)]
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def _fix_first(report: AuditReport) -> str:
    items = "".join(
        f'<li><span class="risk risk-{a.risk}">{a.risk}</span> <code>{escape(a.item)}</code> '
        f"({counted(a.repositories, 'repository')}): {rich_text(a.text)}"
        + (f": {rich_text(a.where)}" if a.where else "")
        + "</li>"
        for a in report.actions
    )
    return f'<section><h2>Fix first</h2><ol class="actions" id="fix-first">{items}</ol></section>'


def _bases(report: AuditReport) -> str:
    rows = []
    for base in report.bases:
        marks = " ".join(
            f'<span class="mark {CLASSES[c.status]}" title="{escape(c.message)}">'
            f"{MARKS[c.status]}</span>&nbsp;{c.item}"
            for c in base.checks
            if c.status != NA
        )
        rows.append(
            f'<tr><th scope=row>{escape(base.name)}<div class="path">{escape(base.path)}:'
            f"{base.line}</div></th><td>{escape(few(base.subclasses))}</td><td>{marks}</td></tr>"
        )
    return (
        "<section><h2>Bases</h2><p>Verdicts their subclasses inherit, shown once.</p>"
        '<table id="bases"><thead><tr><th>Base</th><th>Inherited by</th><th>Verdicts</th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def _per_item(report: AuditReport) -> str:
    rows = "".join(
        f"<tr><td>{r.item}</td><td>{r.passed}</td><td>{r.failed}</td><td>{r.na}</td>"
        f"<td>{escape(r.na_because)}</td></tr>"
        for r in per_item(report)
    )
    return (
        "<section><h2>Verdicts per item</h2>"
        '<table class="counts" id="per-item"><thead><tr><th>Item</th><th>pass</th>'
        f"<th>fail</th><th>n/a</th><th>n/a because</th></tr></thead><tbody>{rows}</tbody>"
        "</table></section>"
    )


def _summary(report: AuditReport) -> str:
    rows = []
    for row in report.summary:
        rows.append(
            f"<tr><th scope=row>{escape(row.area)}</th>"
            f'<td class="level-{row.status}">{LEVEL_LABELS[row.status]}</td>'
            f'<td><span class="risk risk-{row.risk}">{row.risk}</span></td>'
            f'<td>{rich_text(row.action)}<div class="detail">{escape(row.detail)}</div></td></tr>'
        )
    return (
        "<section><h2>Executive summary</h2>"
        '<table id="summary"><thead><tr><th>Pattern</th><th>Status</th><th>Risk</th>'
        f"<th>Action</th></tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def _checklist(report: AuditReport) -> str:
    head = "".join(
        f'<th class="item" title="{escape(text)}"><span>{item}</span></th>' for item, text in ITEMS
    )
    rows = []
    for repo in report.repositories:
        cells = []
        for check in repo.checks:
            tip = escape(f"{check.evidence}: {check.message}")
            cells.append(
                f'<td class="{CLASSES[check.status]}" data-item="{check.item}" '
                f'data-status="{check.status}" title="{tip}">{MARKS[check.status]}'
                f'<span class="sr"> {WORDS[check.status]}</span></td>'
            )
        model = f"<small>{escape(repo.model)}</small>" if repo.model else ""
        name = escape(repo.name)
        rows.append(
            f'<tr data-repository="{name}"><th scope=row>{name}{model}</th>'
            f"{''.join(cells)}<td>{repo.passed}/{repo.applicable}</td></tr>"
        )
    legend = " · ".join(
        f'<span class="mark {CLASSES[s]}">{MARKS[s]}</span> {WORDS[s]}' for s in (PASS, "fail", NA)
    )
    return (
        "<section><h2>Checklist</h2>"
        f'<table id="checklist"><thead><tr><th>Repository</th>{head}<th>Score</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        f'<p class="legend">{legend}. Hover a mark for its evidence; all of it is listed below.</p>'
        "</section>"
    )


def _heading(repo: RepositoryAudit) -> str:
    return (
        f"<h3>{escape(repo.name)} <small>({repo.passed}/{repo.applicable})</small></h3>"
        f'<div class="path">{escape(repo.path)}:{repo.line}</div>'
    )


def _todo(check: Check) -> str:
    return (
        f"<li><strong>{check.item}</strong>: {rich_text(check.fix or check.message)} "
        f'<span class="detail">(<span class="path">{escape(check.evidence)}</span>: '
        f"{escape(check.message)})</span></li>"
    )


def _next_steps(report: AuditReport) -> str:
    todo = [r for r in report.repositories if any(c.status == "fail" for c in r.checks)]
    if not todo:
        nothing = "<p>Nothing: every applicable item passes.</p>"
        return f"<section><h2>What to do next</h2>{nothing}</section>"
    shared = shared_failures(report)
    blocks = [
        f'<div class="repo"><h3>Shared by {len(repos)} repositories</h3>'
        '<p class="detail">Inherited code: one fix closes them all.</p>'
        f'<ul class="todo">{_todo(repos[0].check(item))}</ul></div>'
        for (item, _), repos in shared.items()
    ]
    for repo in todo:
        items = "".join(
            _todo(c)
            for c in repo.checks
            if c.status == "fail" and repo not in shared.get((c.item, c.evidence), [])
        )
        blocks.append(f'<div class="repo">{_heading(repo)}<ul class="todo">{items}</ul></div>')
    return f"<section><h2>What to do next</h2>{''.join(blocks)}</section>"


def _evidence(report: AuditReport) -> str:
    blocks = []
    for repo in report.repositories:
        rows = "".join(
            f"<tr><td>{c.item}</td>"
            f'<td class="{CLASSES[c.status]}">{MARKS[c.status]} {WORDS[c.status]}</td>'
            f'<td class="path">{escape(c.evidence)}</td><td>{escape(c.message)}</td></tr>'
            for c in repo.checks
        )
        blocks.append(
            f'<div class="repo">{_heading(repo)}<table class="evidence"><thead><tr><th>Item</th>'
            f"<th>Verdict</th><th>Evidence</th><th>Why</th></tr></thead><tbody>{rows}</tbody>"
            "</table></div>"
        )
    return f"<section><h2>Evidence</h2>{''.join(blocks)}</section>"
