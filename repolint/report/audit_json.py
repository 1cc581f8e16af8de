"""`repolint audit --output-format json`: the shape RULES.md fixes, plus a few keys.

`{"repositories": [{"name", "path", "line", "model", "checks": [{"id", "status",
"evidence"}]}], "summary": [...]}`; each check also has `message` and `fix`, each
repository `qual`, `kind`, `role` and `session`; the top level has `bases` (the
generic bases, each with its `subclasses`, not scored), `actions` (fix first),
`score`, `tests` and `notes`.
"""

from __future__ import annotations

import json
from typing import Any

from repolint.audit.model import AuditReport, RepositoryAudit, shown_percent


def repository_data(repo: RepositoryAudit) -> dict[str, Any]:
    """One repository (or base) as plain data."""
    data: dict[str, Any] = {
        "name": repo.name,
        "qual": repo.qual,
        "kind": repo.kind,
        "role": repo.role,
        "path": repo.path,
        "line": repo.line,
        "model": repo.model,
        "session": repo.session,
        "checks": [
            {
                "id": check.item,
                "status": check.status,
                "evidence": check.evidence,
                "message": check.message,
                "fix": check.fix or None,
            }
            for check in repo.checks
        ],
    }
    if repo.role == "base":
        data["subclasses"] = repo.subclasses
    return data


def audit_data(report: AuditReport) -> dict[str, Any]:
    """The report as plain JSON-ready data."""
    return {
        "repositories": [repository_data(repo) for repo in report.repositories],
        "bases": [repository_data(base) for base in report.bases],
        "summary": [
            {
                "area": row.area,
                "status": row.status,
                "risk": row.risk,
                "action": row.action,
                "detail": row.detail,
            }
            for row in report.summary
        ],
        "actions": [
            {
                "item": action.item,
                "action": action.text,
                "where": action.where,
                "repositories": action.repositories,
                "risk": action.risk,
            }
            for action in report.actions
        ],
        "score": {
            "passed": report.passed,
            "applicable": report.applicable,
            "percent": None if report.percent is None else shown_percent(report.percent),
        },
        "tests": report.tests_found,
        "notes": report.notes,
    }


def render_audit_json(report: AuditReport) -> str:
    return json.dumps(audit_data(report), indent=2, ensure_ascii=False)
