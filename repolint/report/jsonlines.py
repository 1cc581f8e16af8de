"""JSON Lines reporter: one JSON object per finding per line, the keys of `json`."""

from __future__ import annotations

import json
from collections.abc import Sequence

from repolint.findings import Finding
from repolint.report.text import count_by_code


def render_json_lines(findings: Sequence[Finding], *, with_fix: bool = False) -> str:
    """One compact object per line (no trailing newline; empty when clean).

    Non-ASCII and control characters are escaped, so a line is always one record.
    """
    return "\n".join(json.dumps(finding.to_json(with_fix=with_fix)) for finding in findings)


def render_json_lines_statistics(findings: Sequence[Finding]) -> str:
    """`--statistics`: one `{"code", "name", "count"}` object per line."""
    return "\n".join(
        json.dumps({"code": code, "name": name, "count": count})
        for code, name, count in count_by_code(findings)
    )
