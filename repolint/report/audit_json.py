"""`repolint audit --output-format json`: the shape RULES.md fixes, plus a few keys.

`{"repositories": [{"name", "path", "line", "model", "checks": [{"id", "status",
"evidence"}]}], "summary": [...]}`; each check also has `message` and `fix`, each
repository `kind` and `session`, and the top level `score`.
"""

from __future__ import annotations

import json
from typing import Any

from repolint.audit.model import AuditReport, shown_percent


def audit_data(report: AuditReport) -> dict[str, Any]:
    """The report as plain JSON-ready data."""
    return {
        "repositories": [
            {
                "name": repo.name,
                "kind": repo.kind,
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
            for repo in report.repositories
        ],
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
