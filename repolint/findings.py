"""Findings: what a rule reports, in one immutable record."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from repolint.fixes.edits import Fix

BUG_REPORT_HINT = "this is a bug in repolint: please report it with the command and the file"


def internal_error(exc: BaseException) -> str:
    """`Type: first line of the message`, for the one-line report of an internal error."""
    reason = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {reason}" if reason else type(exc).__name__


class Severity(str, enum.Enum):
    """How bad a finding is: errors crash at run time, warnings cost."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Finding:
    """One reported problem. Lines are 1-based, columns 1-based (as printed)."""

    path: str
    line: int
    column: int
    code: str
    message: str
    name: str = ""
    severity: Severity = Severity.WARNING
    end_line: int = 0
    end_column: int = 0
    hint: str = ""
    fix: Fix | None = field(default=None, compare=False)
    """The edits that repair it, when the rule is sure of them (`repolint check --fix`)."""

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order of output: by file, then position, then code."""
        return (self.path, self.line, self.column, self.code)

    def span_end(self) -> tuple[int, int]:
        """(end line, end column, exclusive): never before the start nor empty, so a
        finding without an end (an unparsable file) covers at least its column."""
        end_line = max(self.end_line or self.line, self.line)
        end_column = self.end_column
        if end_line == self.line and end_column <= self.column:
            end_column = self.column + 1
        return end_line, end_column

    def to_json(self, *, with_fix: bool = False) -> dict[str, object]:
        """The object of `--output-format json` (see the README's Output formats): with a
        `fix` object when it has one, and `"fix": null` when `with_fix` and it has none."""
        data: dict[str, object] = {
            "code": self.code,
            "name": self.name,
            "message": self.message,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.span_end()[0],
            "end_column": self.span_end()[1],
        }
        if self.fix is not None:
            data["fix"] = self.fix.to_json(self.path)
        elif with_fix:
            data["fix"] = None
        return data


@dataclass(frozen=True)
class FileError:
    """A path that could not be read at all (missing, unreadable, a loop)."""

    path: str
    message: str
