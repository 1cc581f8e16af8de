"""`repolint audit --output-format markdown`: pastes into an issue, a pull request or a wiki."""

from __future__ import annotations

from repolint.audit.model import ITEM_IDS, LEVEL_LABELS, NA, PASS, AuditReport, Check
from repolint.report.audit_parts import counted, few, headline, per_item, shared_failures

MARKS = {PASS: "✅", "fail": "❌", NA: "\u2796"}
LEVEL_MARKS = {"good": "✅", "partial": "⚠️", "missing": "❌"}


def cell(text: str) -> str:
    """Text safe inside a table cell: one line, pipes and asterisks escaped."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("\n", " ")


def _todo(check: Check) -> str:
    return (
        f"- [ ] **{check.item}**: {check.fix or check.message} "
        f"(`{check.evidence}`: {check.message})"
    )


def render_audit_markdown(report: AuditReport) -> str:
    """Headline and notes, summary, fix first, bases, verdicts per item, then the
    per-repository checklist and what to do next."""
    lines = ["# repolint audit", "", f"**{cell(headline(report))}**", ""]
    lines += [f"> note: {cell(note)}" for note in report.notes]
    lines += [
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
    if report.actions:
        lines += ["", "## Fix first", ""]
        for number, step in enumerate(report.actions, 1):
            where = f": {cell(step.where)}" if step.where else ""
            lines.append(
                f"{number}. **{step.risk}** `{step.item}` "
                f"({counted(step.repositories, 'repository')}): {cell(step.text)}{where}"
            )
    if report.bases:
        lines += ["", "## Bases", "", "Verdicts their subclasses inherit, shown once.", ""]
        lines.append("| Base | Where | Inherited by | " + " | ".join(ITEM_IDS) + " |")
        lines.append("|---|---|---|" + ":-:|" * len(ITEM_IDS))
        for base in report.bases:
            marks = " | ".join(MARKS[c.status] for c in base.checks)
            lines.append(
                f"| `{cell(base.name)}` | `{cell(base.path)}:{base.line}` | "
                f"{cell(few(base.subclasses))} | {marks} |"
            )
    if report.repositories:
        lines += ["", "## Verdicts per item", ""]
        lines.append(f"| Item | {MARKS[PASS]} | {MARKS['fail']} | {MARKS[NA]} | n/a because |")
        lines.append("|---|--:|--:|--:|---|")
        for count in per_item(report):
            lines.append(
                f"| {count.item} | {count.passed} | {count.failed} | {count.na} "
                f"| {cell(count.na_because)} |"
            )
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
        shared = shared_failures(report)
        for (item, _), repos in shared.items():
            lines += [
                f"### Shared by {len(repos)} repositories",
                "",
                "Inherited code: one fix closes them all.",
                "",
                _todo(repos[0].check(item)),
                "",
            ]
        for repo in todo:
            lines += [
                f"### `{repo.name}` ({repo.passed}/{repo.applicable})",
                "",
                f"`{repo.path}:{repo.line}`",
                "",
            ]
            for check in repo.checks:
                if check.status == "fail" and repo not in shared.get(
                    (check.item, check.evidence), []
                ):
                    lines.append(_todo(check))
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
