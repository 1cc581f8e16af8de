"""What a fix is: text edits with an applicability, as ruff has them.

Positions are 1-based lines and 1-based columns counted in characters (as
findings print them); an end is exclusive. An insertion is an edit whose end
is its start.
"""

from __future__ import annotations

import ast
import enum
from collections.abc import Sequence
from dataclasses import dataclass


class Applicability(str, enum.Enum):
    """`safe`: keeps the code's meaning apart from the bug (`--fix`);
    `unsafe`: changes what a query loads or how a session behaves (`--unsafe-fixes`)."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, order=True)
class Edit:
    """Replace the text from (line, column) to (end_line, end_column) of `path` by `content`."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    content: str

    @property
    def start(self) -> tuple[int, int]:
        return (self.line, self.column)

    @property
    def end(self) -> tuple[int, int]:
        return (self.end_line, self.end_column)

    def overlaps(self, other: Edit) -> bool:
        """Two edits of one file touch the same text, or insert at the same place."""
        if self.path != other.path:
            return False
        if self.start == other.start:
            return True
        return self.start < other.end and other.start < self.end

    def to_json(self, finding_path: str) -> dict[str, object]:
        """ruff's edit object; `path` only when the edit is in another file."""
        data: dict[str, object] = {
            "content": self.content,
            "location": {"row": self.line, "column": self.column},
            "end_location": {"row": self.end_line, "column": self.end_column},
        }
        if self.path != finding_path:
            data["path"] = self.path
        return data


@dataclass(frozen=True)
class Fix:
    """The edits that repair one finding, applied all together or not at all."""

    applicability: Applicability
    message: str
    edits: tuple[Edit, ...]

    @property
    def is_safe(self) -> bool:
        return self.applicability is Applicability.SAFE

    def applies(self, unsafe: bool) -> bool:
        """Applied by `--fix` (safe fixes), or by `--fix --unsafe-fixes` (all)."""
        return self.is_safe or unsafe

    def paths(self) -> frozenset[str]:
        return frozenset(edit.path for edit in self.edits)

    def overlaps(self, other: Fix) -> bool:
        return any(a.overlaps(b) for a in self.edits for b in other.edits)

    def to_json(self, finding_path: str) -> dict[str, object]:
        """ruff's `fix` object: applicability, message, edits."""
        return {
            "applicability": self.applicability.value,
            "message": self.message,
            "edits": [edit.to_json(finding_path) for edit in self.edits],
        }


def fix(applicability: Applicability, message: str, edits: Sequence[Edit]) -> Fix | None:
    """A fix of `edits` (sorted), or None when there is none or two of them overlap."""
    ordered = tuple(sorted(edits))
    if not ordered:
        return None
    for i, edit in enumerate(ordered):
        if any(edit.overlaps(other) for other in ordered[i + 1 :]):
            return None
    return Fix(applicability, message, ordered)


def char_column(lines: Sequence[str], line: int, byte_col: int) -> int:
    """The 0-based character column of ast's 0-based byte column on `line`."""
    if 0 < line <= len(lines):
        text = lines[line - 1]
        if not text.isascii():
            return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))
    return byte_col


def start_of(node: ast.AST, lines: Sequence[str]) -> tuple[int, int]:
    """(line, 1-based character column) where `node` starts."""
    line: int = getattr(node, "lineno")  # noqa: B009 (every expression and statement has it)
    return line, char_column(lines, line, getattr(node, "col_offset")) + 1  # noqa: B009


def end_of(node: ast.AST, lines: Sequence[str]) -> tuple[int, int] | None:
    """(line, 1-based character column) just after `node`, when ast knows it."""
    line = getattr(node, "end_lineno", None)
    col = getattr(node, "end_col_offset", None)
    if line is None or col is None:
        return None
    return line, char_column(lines, line, col) + 1


def insert(path: str, at: tuple[int, int], content: str) -> Edit:
    return Edit(path, at[0], at[1], at[0], at[1], content)


def replace(path: str, start: tuple[int, int], end: tuple[int, int], content: str) -> Edit:
    return Edit(path, start[0], start[1], end[0], end[1], content)


def text_between(lines: Sequence[str], start: tuple[int, int], end: tuple[int, int]) -> str:
    """The source text from `start` to `end` (1-based, end exclusive), lines joined by \\n."""
    (line, col), (end_line, end_col) = start, end
    if not (0 < line <= end_line <= len(lines)):
        return ""
    if line == end_line:
        return lines[line - 1][col - 1 : end_col - 1]
    first, last = lines[line - 1][col - 1 :], lines[end_line - 1][: end_col - 1]
    parts = [first, *lines[line : end_line - 1], last]
    return "\n".join(parts)


def fix_to_data(fix: Fix) -> dict[str, object]:
    """A fix as plain JSON data (the cache's entry), read back by `fix_from_data`."""
    return {
        "applicability": fix.applicability.value,
        "message": fix.message,
        "edits": [
            [e.path, e.line, e.column, e.end_line, e.end_column, e.content] for e in fix.edits
        ],
    }


def fix_from_data(data: object) -> Fix | None:
    """The fix `fix_to_data` wrote (None for None); raises on anything else."""
    if data is None:
        return None
    if not isinstance(data, dict):
        raise TypeError("a fix is an object")
    edits = tuple(
        Edit(str(p), int(a), int(b), int(c), int(d), str(t)) for p, a, b, c, d, t in data["edits"]
    )
    return Fix(Applicability(data["applicability"]), str(data["message"]), edits)
