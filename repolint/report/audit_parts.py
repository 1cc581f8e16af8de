"""What every audit format shows the same way: the headline, the verdicts per item."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from repolint.audit.model import (
    ITEM_IDS,
    NA,
    PASS,
    AuditReport,
    Check,
    RepositoryAudit,
    percent_text,
)


def score_text(report: AuditReport) -> str:
    if report.percent is None:
        return "no applicable item"
    shown = percent_text(report.percent)
    return f"{shown} ({report.passed} of {report.applicable} applicable items pass)"


def counted(count: int, word: str) -> str:
    """`1 repository`, `28 repositories`, `2 tests`."""
    if count == 1:
        return f"1 {word}"
    return f"{count} {word[:-1]}ies" if word.endswith("y") else f"{count} {word}s"


def few(names: list[str], limit: int = 3) -> str:
    """`A, B, C and 25 more (28)`; every name when there are at most `limit`."""
    if len(names) <= limit:
        return ", ".join(names)
    return f"{', '.join(names[:limit])} and {len(names) - limit} more ({len(names)})"


def headline(report: AuditReport) -> str:
    """`28 repositories, 1 base, 0 tests; score 45.6% (...)`."""
    parts = [counted(len(report.repositories), "repository")]
    if report.bases:
        parts.append(counted(len(report.bases), "base"))
    parts.append(counted(report.tests_found, "test"))
    return f"{', '.join(parts)}; score {score_text(report)}"


def na_reason(repo: RepositoryAudit, check: Check) -> str:
    """Why an item does not apply, in words every repository shares (`the model has no
    lazy relationship`, not `User has no ...`)."""
    text = check.message
    if repo.model:
        text = re.sub(rf"\b{re.escape(repo.model)}\b", "the model", text)
    text = re.sub(rf"\b{re.escape(repo.name)}\b", "it", text)
    return re.sub(r" \(all from [^)]*\)", "", text)


@dataclass(frozen=True)
class ItemCount:
    """One checklist item over the scored repositories."""

    item: str
    passed: int
    failed: int
    na: int
    na_because: str
    """The most common reason the item does not apply ('' when it always does)."""


def per_item(report: AuditReport) -> list[ItemCount]:
    out = []
    for item in ITEM_IDS:
        checks = [(r, r.check(item)) for r in report.repositories]
        reasons = Counter(na_reason(r, c) for r, c in checks if c.status == NA)
        out.append(
            ItemCount(
                item,
                sum(c.status == PASS for _, c in checks),
                sum(c.status == "fail" for _, c in checks),
                sum(c.status == NA for _, c in checks),
                reasons.most_common(1)[0][0] if reasons else "",
            )
        )
    return out


def shared_failures(report: AuditReport) -> dict[tuple[str, str], list[RepositoryAudit]]:
    """(item, evidence) -> the repositories failing it at that same place, when several
    do: code they inherit, whose one fix closes them all."""
    places: dict[tuple[str, str], list[RepositoryAudit]] = {}
    for repo in report.repositories:
        for check in repo.checks:
            if check.status == "fail" and check.path != repo.path:
                places.setdefault((check.item, check.evidence), []).append(repo)
    return {key: repos for key, repos in places.items() if len(repos) > 1}
