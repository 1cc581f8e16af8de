"""Keeping a formatted file formatted: a fix that makes a line too long wraps it the way
ruff's formatter (and black) would.

Only in files whose every line fitted the line length before the round (files kept
formatted), and only for the one layout both formatters give a simple statement whose
right-hand side is a method chain (`stmt = select(A).where(...).offset(...)`) and fits
once parenthesized:

    stmt = (
        select(A).where(...).offset(...)
    )  # comment

Any other long line is left as the fix wrote it.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from repolint.fixes.text import SourceText

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DEFAULT_LINE_LENGTH = 88
INDENT = "    "


def line_length(project_root: str) -> int:
    """`line-length` of `[tool.ruff]` (or `[tool.black]`) in the project's pyproject.toml."""
    path = Path(project_root or ".") / "pyproject.toml"
    try:
        tools = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {})
    except (OSError, ValueError):
        return DEFAULT_LINE_LENGTH
    for tool in ("ruff", "black"):
        value = tools.get(tool, {}).get("line-length")
        if isinstance(value, int) and value > 0:
            return value
    return DEFAULT_LINE_LENGTH


def rewrap(before: SourceText, after: SourceText, limit: int) -> SourceText:
    """`after` with its new too-long method-chain statements parenthesized, when every
    line of `before` fitted in `limit` characters."""
    if any(len(line) > limit for line in before.text.splitlines()):
        return after
    try:
        tree = ast.parse(after.text)
    except (SyntaxError, ValueError):
        return after
    old = set(before.text.splitlines())
    lines = after.text.splitlines(keepends=True)
    changed = False
    for stmt in ast.walk(tree):
        if not isinstance(stmt, ast.stmt):
            continue
        value = _wrappable_value(stmt)
        if value is None or stmt.lineno != stmt.end_lineno:
            continue
        i = stmt.lineno - 1
        raw = lines[i]
        body = raw.rstrip("\r\n")
        if len(body) <= limit or body in old:
            continue
        wrapped = _wrapped(body, raw[len(body) :], stmt, value, limit)
        if wrapped is not None:
            lines[i] = wrapped
            changed = True
    if not changed:
        return after
    text = "".join(lines)
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return after
    return SourceText(text, after.encoding)


def _wrappable_value(stmt: ast.AST) -> ast.expr | None:
    """The right-hand side of `x = ...`, `x: T = ...`, `return ...`, when it is a chain
    of at least two method calls (where the formatters add parentheses)."""
    if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.Return)) and stmt.value is not None:
        value = stmt.value
    else:
        return None
    calls, node = 0, value
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        calls += 1
        node = node.func.value
    return value if calls >= 2 else None


def _wrapped(body: str, newline: str, stmt: ast.stmt, value: ast.expr, limit: int) -> str | None:
    """The statement over three lines, or None when the layout does not apply. Columns are
    those of an ASCII line (other lines are left alone)."""
    if not body.isascii() or value.end_col_offset is None:
        return None
    start, end = value.col_offset, value.end_col_offset
    head, expr, tail = body[:start], body[start:end], body[end:]
    if tail.strip() and not tail.lstrip().startswith("#"):
        return None  # something after the value other than a comment
    indent = body[: len(body) - len(body.lstrip())]
    if stmt.col_offset != len(indent) or len(indent) + len(INDENT) + len(expr) > limit:
        return None
    eol = newline or "\n"
    return f"{head}({eol}{indent}{INDENT}{expr}{eol}{indent}){tail}{newline}"
