"""`repolint audit --output-format markdown`: pastes into an issue, a pull request or a wiki."""

from __future__ import annotations

from repolint.audit.model import ITEM_IDS, LEVEL_LABELS, NA, PASS, AuditReport
from repolint.report.audit_text import score_text

MARKS = {PASS: "✅", "fail": "❌", NA: "\u2796"}
LEVEL_MARKS = {"good": "✅", "inconsistent": "⚠️", "missing": "❌"}


def cell(text: str) -> str:
    """Text safe inside a table cell: one line, pipes and asterisks escaped."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("\n", " ")


def render_audit_markdown(report: AuditReport) -> str:
    count = len(report.repositories)
    lines = [
        "# repolint audit",
        "",
        f"**Score: {score_text(report)}**: {count} repositor{'y' if count == 1 else 'ies'}, "
        f"{report.tests_found} test(s).",
        "",
        "## Executive summary",
        "",
        "| Pattern | Status | Risk | Action |",
        "|---------|--------|------|--------|",
    ]
    for row in report.summary:
        status = f"{LEVEL_MARKS[row.status]} {LEVEL_LABELS[row.status]}"
        action = f"{cell(row.action)}<br>*{cell(row.detail)}*"
        lines.append(f"| {row.area} | {status} | {row.risk} | {action} |")
    if report.repositories:
        lines += ["", "## Checklist", ""]
        lines.append("| Repository | Model | " + " | ".join(ITEM_IDS) + " | Score |")
        lines.append("|---|---|" + ":-:|" * len(ITEM_IDS) + "--:|")
        for repo in report.repositories:
            marks = " | ".join(MARKS[c.status] for c in repo.checks)
            score = f"{repo.passed}/{repo.applicable}"
            lines.append(f"| `{cell(repo.name)}` | {cell(repo.model or '')} | {marks} | {score} |")
        lines += ["", f"{MARKS[PASS]} pass · {MARKS['fail']} fail · {MARKS[NA]} n/a", ""]
        lines += ["## What to do next", ""]
        todo = [r for r in report.repositories if any(c.status == "fail" for c in r.checks)]
        if not todo:
            lines.append("Nothing: every applicable item passes.")
        for repo in todo:
            lines += [
                f"### `{repo.name}` ({repo.passed}/{repo.applicable})",
                "",
                f"`{repo.path}:{repo.line}`",
                "",
            ]
            for check in repo.checks:
                if check.status == "fail":
                    lines.append(
                        f"- [ ] **{check.item}**: {check.fix or check.message} "
                        f"(`{check.evidence}`: {check.message})"
                    )
            lines.append("")
    for note in report.notes:
        lines += ["", f"> note: {note}"]
    return "\n".join(lines).rstrip() + "\n"
