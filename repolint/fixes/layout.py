"""Keeping a formatted line formatted: a statement that a fix makes longer than the line
length is wrapped the way ruff's formatter (and black) lay it out.

Only a one-line `x = ...`, `x: T = ...` or `return ...` whose line fitted before the fix,
and only the two layouts these formatters give such a statement when its parts fit:

- a chain of two or more method calls on call results is parenthesized whole:

      stmt = (
          stmt.order_by(A.id).offset(10).limit(5)
      )  # comment

- a call with one method call on its result (or none) is split inside its brackets:

      rows = db.scalars(
          select(A).options(selectinload(A.b)).order_by(A.id)
      ).all()

Any other long line is left as the fix wrote it (the formatter's verdict may change).
"""

from __future__ import annotations

import ast
import difflib
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
    """`after` with the statements its edits made too long wrapped, where the line they
    replace fitted in `limit` characters."""
    try:
        tree = ast.parse(after.text)
    except (SyntaxError, ValueError):
        return after
    old = before.text.splitlines()
    lines = after.text.splitlines(keepends=True)
    was = _replaced_lines(old, [line.rstrip("\r\n") for line in lines])
    changed = False
    for stmt in ast.walk(tree):
        if not isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.Return)):
            continue
        value = stmt.value
        if value is None or stmt.lineno != stmt.end_lineno:
            continue
        i = stmt.lineno - 1
        body = lines[i].rstrip("\r\n")
        if len(body) <= limit or i not in was or len(old[was[i]]) > limit:
            continue
        wrapped = _wrapped(body, stmt, value, limit, after.newline)
        if wrapped is not None:
            lines[i] = wrapped + lines[i][len(body) :]
            changed = True
    if not changed:
        return after
    text = "".join(lines)
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return after
    return SourceText(text, after.encoding)


def _replaced_lines(old: list[str], new: list[str]) -> dict[int, int]:
    """Index of a changed line of `new` -> the line of `old` it replaces (one for one)."""
    out: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            out.update({j1 + k: i1 + k for k in range(j2 - j1)})
    return out


def _wrapped(body: str, stmt: ast.stmt, value: ast.expr, limit: int, eol: str) -> str | None:
    """The statement's new text over three lines, or None when no layout applies (columns
    are those of an ASCII line: other lines are left alone)."""
    if not body.isascii() or value.end_col_offset is None:
        return None
    indent = body[: len(body) - len(body.lstrip())]
    tail = body[value.end_col_offset :]
    if stmt.col_offset != len(indent) or (tail.strip() and not tail.lstrip().startswith("#")):
        return None
    room = limit - len(indent) - len(INDENT)
    if _dots_after_brackets(value) >= 2:
        expr = body[value.col_offset : value.end_col_offset]
        if len(expr) > room:
            return None
        head = body[: value.col_offset]
        return f"{head}({eol}{indent}{INDENT}{expr}{eol}{indent}){tail}"
    call = _last_call_with_arguments(value)
    if call is None or call.func.end_col_offset is None or call.end_col_offset is None:
        return None
    opening, closing = call.func.end_col_offset, call.end_col_offset - 1
    if body[opening] != "(" or body[closing] != ")":
        return None
    inner = body[opening + 1 : closing].strip()
    if not inner or inner.endswith(",") or len(inner) > room:
        return None
    head, rest = body[: opening + 1], body[closing:]
    if len(head) > limit or len(indent) + len(rest) > limit:
        return None
    return f"{head}{eol}{indent}{INDENT}{inner}{eol}{indent}{rest}"


def _dots_after_brackets(value: ast.expr) -> int:
    """Method calls on the result of a call or subscript along the expression's spine
    (`a.b(x).c().d()` has two): the delimiters the formatters split a chain at."""
    count, node = 0, value
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Attribute):
            count += isinstance(node.value, (ast.Call, ast.Subscript))
            node = node.value
        else:
            return count


def _last_call_with_arguments(value: ast.expr) -> ast.Call | None:
    """The outermost call along the spine that has arguments, when every call after it
    has none (`db.scalars(stmt).all()` gives `db.scalars(stmt)`); the awaited call of
    `await db.scalars(stmt)`."""
    if isinstance(value, ast.Await):
        awaited = value.value
        return (
            awaited
            if isinstance(awaited, ast.Call) and (awaited.args or awaited.keywords)
            else None
        )
    node: ast.expr = value
    while True:
        if isinstance(node, ast.Call):
            if node.args or node.keywords:
                return node
            node = node.func
        elif isinstance(node, ast.Attribute):
            node = node.value
        else:
            return None
