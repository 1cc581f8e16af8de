"""GitHub Actions reporter: workflow commands that annotate a pull request.

`::error file=app/api.py,line=12,col=9,endLine=12,endColumn=22,title=RPL302
lazy-load-in-async::message`, `::warning ...` for warnings. Values are escaped
as the Actions runner expects (`%`, CR and LF; also `:` and `,` in properties);
other control characters are written as `%XX` too, which the runner leaves as
text, so a hostile file name can neither start a new command nor colour the log.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePath

from repolint.findings import Finding, Severity

_DATA_UNSAFE = re.compile(r"[%\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_PROPERTY_UNSAFE = re.compile(r"[%:,\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _percent(match: re.Match[str]) -> str:
    char = match.group()
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))


def escape_data(text: str) -> str:
    """Escape a command's message."""
    return _DATA_UNSAFE.sub(_percent, text)


def escape_property(text: str) -> str:
    """Escape a property value (`file=`, `title=`, ...)."""
    return _PROPERTY_UNSAFE.sub(_percent, text)


def github_command(finding: Finding) -> str:
    """The workflow command of one finding."""
    kind = "error" if finding.severity is Severity.ERROR else "warning"
    properties = {
        "file": PurePath(finding.path).as_posix(),
        "line": finding.line,
        "col": finding.column,
        "endLine": finding.span_end()[0],
        "endColumn": finding.span_end()[1],
        "title": f"{finding.code} {finding.name}".strip(),
    }
    joined = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{kind} {joined}::{escape_data(finding.message)}"


def render_github(findings: Sequence[Finding]) -> str:
    """One command per line (empty when clean)."""
    return "\n".join(github_command(finding) for finding in findings)
