"""JSON reporter: the array RULES.md promises (`[]` when clean)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from repolint.findings import Finding
from repolint.report.text import count_by_code


def render_json(findings: Sequence[Finding], *, with_fix: bool = False) -> str:
    """One object per finding, in output order, indented like ruff's (`with_fix`: every
    object has a `fix`, null when there is none)."""
    return json.dumps([finding.to_json(with_fix=with_fix) for finding in findings], indent=2)


def render_json_statistics(findings: Sequence[Finding]) -> str:
    """`--statistics` as JSON: `[{"code", "name", "count"}]`, most frequent first."""
    rows = [
        {"code": code, "name": name, "count": count}
        for code, name, count in count_by_code(findings)
    ]
    return json.dumps(rows, indent=2)
