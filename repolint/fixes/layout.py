"""Keeping a formatted line formatted: a statement that a fix makes longer than the line
length is wrapped the way ruff's formatter (and black) lay it out.

Only an `x = ...`, `x: T = ...` or `return ...` whose lines fitted before the fix, on one
line or split inside one pair of brackets over three (laid out again from one line), and
only the layouts these formatters give such a statement when its parts fit:

- a chain of two or more method calls on call results is parenthesized whole:

      stmt = (
          stmt.order_by(A.id).offset(10).limit(5)
      )  # comment

- a list, set or dict comprehension is split inside its brackets:

      return [
          _author(note) for note in list_recent_notes_with_relations(db)
      ]  # comment

- a call with one method call on its result (or none) is split inside its brackets:

      rows = db.scalars(
          select(A).options(selectinload(A.b)).order_by(A.id)
      ).all()

When that is still too long, a chain of method calls gets one call a line inside the
parentheses (ruff's fluent layout), as does the chain a call is given alone:

      stmt = (
          select(A)
          .options(selectinload(A.b), selectinload(A.c))
          .where(A.id == key)
      )

a comprehension gets its element and each `for` and `if` clause on a line of its own:

      return [
          summary(book, full=True)
          for book in Book.query.options(joinedload(Book.author)).all()
      ]  # comment

and a call of two or more arguments that fits neither way gets one argument a line with
a trailing comma, a list, tuple or set argument one element a line, a call argument its
arguments on one line of their own (or one a line):

      return self.db.get(
          Order,
          id,
          options=[
              selectinload(Order.lines),
              selectinload(Order.customer),
          ],
      )

Any other long line is left as the fix wrote it (the formatter's verdict may change).
"""

from __future__ import annotations

import ast
import difflib
import itertools
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
        if value is None or stmt.end_lineno not in (stmt.lineno, stmt.lineno + 2):
            continue
        i, end = stmt.lineno - 1, (stmt.end_lineno or stmt.lineno) - 1
        span = [lines[k].rstrip("\r\n") for k in range(i, end + 1)]
        touched = [k for k in range(i, end + 1) if k in was]
        if max(map(len, span)) <= limit or not touched:
            continue
        if any(len(old[was[k]]) > limit for k in touched):
            continue  # a line it replaces did not fit: the file is laid out otherwise
        body: str | None
        found: tuple[ast.stmt, ast.expr] | None
        if len(span) == 1:
            body, found = span[0], (stmt, value)
        else:  # `x = (` / the chain / `)`: laid out again from one line
            body = _joined(span)
            found = _one_statement(body) if body is not None else None
        if body is None or found is None:
            continue
        wrapped = _laid_out(body, found[0], found[1], limit, after.newline)
        if wrapped is not None:
            lines[i] = wrapped + lines[end][len(span[-1]) :]
            for k in range(i + 1, end + 1):
                lines[k] = ""
            changed = True
    if not changed:
        return after
    text = "".join(lines)
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return after
    return SourceText(text, after.encoding)


def _laid_out(body: str, stmt: ast.stmt, value: ast.expr, limit: int, eol: str) -> str | None:
    """The first of the layouts (see the module's docstring) that fits the statement."""
    return (
        _wrapped(body, stmt, value, limit, eol)
        or _fluent(body, stmt, value, limit, eol)
        or _fluent_argument(body, stmt, value, limit, eol)
        or _clauses(body, stmt, value, limit, eol)
        or _one_per_line(body, stmt, value, limit, eol)
    )


_CLOSING = {"(": ")", "[": "]", "{": "}"}


def _joined(span: list[str]) -> str | None:
    """A statement on three lines, split inside one pair of brackets (`x = (` / `chain` /
    `)`, or `rows = db.scalars(` / `stmt` / `).all()`), as one line: the brackets that
    only wrap the value dropped. None for any other shape, a comment, or a trailing
    comma (which keeps the formatters' split)."""
    first, inner, last = span[0].rstrip(), span[1].strip(), span[2].strip()
    if not first or first[-1] not in _CLOSING or not last.startswith(_CLOSING[first[-1]]):
        return None
    if "#" in first or "#" in inner or not inner or inner.endswith(","):
        return None
    head = first[:-1].rstrip()
    if first[-1] == "(" and (head.endswith("=") or head.lstrip() == "return"):
        return f"{head} {inner}{last[1:]}"  # the parentheses only wrapped the value
    return f"{first}{inner}{last}"


def _one_statement(line: str) -> tuple[ast.stmt, ast.expr] | None:
    """The assignment or `return` a line holds (at its indentation), and its value."""
    indented = line[:1] in (" ", "\t")
    try:
        tree = ast.parse(f"if 1:\n{line}" if indented else line)
    except (SyntaxError, ValueError):
        return None
    body = tree.body[0].body if indented and isinstance(tree.body[0], ast.If) else tree.body
    if len(body) != 1 or not isinstance(body[0], (ast.Assign, ast.AnnAssign, ast.Return)):
        return None
    stmt = body[0]
    if stmt.value is None or stmt.end_lineno != stmt.lineno:
        return None
    return stmt, stmt.value


def _replaced_lines(old: list[str], new: list[str]) -> dict[int, int]:
    """Index of a changed line of `new` -> the line of `old` it replaces (one for one)."""
    out: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            out.update({j1 + k: i1 + k for k in range(j2 - j1)})
    return out


def _statement_indent(body: str, stmt: ast.stmt, value: ast.expr) -> tuple[str, str] | None:
    """The indent of a one-line ASCII statement that ends with `value`, and what follows
    `value` (a comment, maybe), or None when it is not one: columns are those of an ASCII
    line."""
    if not body.isascii() or value.end_col_offset is None:
        return None
    indent = body[: len(body) - len(body.lstrip())]
    tail = body[value.end_col_offset :]
    if stmt.col_offset != len(indent) or (tail.strip() and not tail.lstrip().startswith("#")):
        return None
    return indent, tail


def _wrapped(body: str, stmt: ast.stmt, value: ast.expr, limit: int, eol: str) -> str | None:
    """The statement's new text over three lines, or None when no layout applies (columns
    are those of an ASCII line: other lines are left alone)."""
    found = _statement_indent(body, stmt, value)
    if found is None:
        return None
    indent, tail = found
    room = limit - len(indent) - len(INDENT)
    if _dots_after_brackets(value) >= 2:
        expr = body[value.col_offset : value.end_col_offset]
        if len(expr) > room:
            return None
        head = body[: value.col_offset]
        return f"{head}({eol}{indent}{INDENT}{expr}{eol}{indent}){tail}"
    if isinstance(value, (ast.ListComp, ast.SetComp, ast.DictComp)):
        if value.end_col_offset is None:
            return None
        opening, closing = value.col_offset, value.end_col_offset - 1  # the brackets
        if body[opening] not in "[{" or body[closing] not in "]}":
            return None
        inner = body[opening + 1 : closing].strip()
        if not inner or len(inner) > room:
            return None
        head, rest = body[: opening + 1], body[closing:]
        return f"{head}{eol}{indent}{INDENT}{inner}{eol}{indent}{rest}"
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


def _one_per_line(body: str, stmt: ast.stmt, value: ast.expr, limit: int, eol: str) -> str | None:
    """The statement with the arguments of its last call one a line (see the module's
    docstring), or None when a line would still be too long or an argument is of
    another kind."""
    found = _statement_indent(body, stmt, value)
    if found is None:
        return None
    indent, _tail = found
    call = _last_call_with_arguments(value)
    if call is None or call.func.end_col_offset is None or call.end_col_offset is None:
        return None
    if len(call.args) + len(call.keywords) < 2 or _dots_after_brackets(call.func):
        return None
    opening, closing = call.func.end_col_offset, call.end_col_offset - 1
    if body[opening] != "(" or body[closing] != ")":
        return None
    head, rest = body[: opening + 1], body[closing:]
    inner = _arguments(call, body, indent + INDENT, limit)
    if inner is None or len(head) > limit or len(indent) + len(rest) > limit:
        return None
    return eol.join([head, *inner, f"{indent}{rest}"])


def _arguments(call: ast.Call, body: str, indent: str, limit: int) -> list[str] | None:
    """The lines of a call's arguments, one a line with a trailing comma."""
    found: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return None
    found.sort(key=lambda a: (a.lineno, a.col_offset))
    lines: list[str] = []
    for arg in found:
        piece = _element(arg, body, indent, limit)
        if piece is None:
            return None
        lines.extend(piece)
    return lines


def _element(node: ast.expr | ast.keyword, body: str, indent: str, limit: int) -> list[str] | None:
    """An argument or element followed by a comma: on one line, or split at its brackets."""
    end = node.end_col_offset
    if end is None:
        return None
    text = body[node.col_offset : end]
    if len(indent) + len(text) + 1 <= limit:
        return [f"{indent}{text},"]
    value = node.value if isinstance(node, ast.keyword) else node
    if value.end_col_offset is None:
        return None
    head = body[node.col_offset : value.col_offset]
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)) and value.elts:
        left, right = body[value.col_offset], body[value.end_col_offset - 1]
        if left + right not in ("[]", "()", "{}"):
            return None
        lines = [f"{indent}{head}{left}"]
        for elt in value.elts:
            piece = _element(elt, body, indent + INDENT, limit)
            if piece is None:
                return None
            lines.extend(piece)
        return [*lines, f"{indent}{right},"]
    if (
        isinstance(value, ast.Call)
        and (value.args or value.keywords)
        and not _dots_after_brackets(value.func)
        and value.func.end_col_offset is not None
    ):
        opening, closing = value.func.end_col_offset, value.end_col_offset - 1
        if body[opening] != "(" or body[closing] != ")":
            return None
        first = f"{indent}{head}{body[value.col_offset : opening + 1]}"
        inner = body[opening + 1 : closing].strip()
        if len(indent) + len(INDENT) + len(inner) <= limit and not inner.endswith(","):
            return [first, f"{indent}{INDENT}{inner}", f"{indent}),"]
        arguments = _arguments(value, body, indent + INDENT, limit)
        return None if arguments is None else [first, *arguments, f"{indent}),"]
    return None


def _clauses(body: str, stmt: ast.stmt, value: ast.expr, limit: int, eol: str) -> str | None:
    """A list, set or dict comprehension with its element and each `for` / `if` clause
    on a line of its own inside its brackets, when each fits."""
    found = _statement_indent(body, stmt, value)
    if found is None or not isinstance(value, (ast.ListComp, ast.SetComp, ast.DictComp)):
        return None
    indent = found[0]
    first = value.key if isinstance(value, ast.DictComp) else value.elt
    last = value.value if isinstance(value, ast.DictComp) else value.elt
    if last.end_col_offset is None or value.end_col_offset is None:
        return None
    pieces = [body[first.col_offset : last.end_col_offset]]
    for generator in value.generators:
        start = generator.target.col_offset - len("for ")
        if generator.is_async:
            start -= len("async ")
        keyword = "async for " if generator.is_async else "for "
        if (
            body[start : generator.target.col_offset] != keyword
            or generator.iter.end_col_offset is None
        ):
            return None
        pieces.append(body[start : generator.iter.end_col_offset])
        for condition in generator.ifs:
            opening = body.rfind("if", 0, condition.col_offset)
            if opening < 0 or body[opening : condition.col_offset].strip() != "if":
                return None
            pieces.append(body[opening : condition.end_col_offset])
    room = limit - len(indent) - len(INDENT)
    if any(len(piece) > room or piece != piece.strip() for piece in pieces):
        return None
    opening, closing = value.col_offset, value.end_col_offset - 1
    if body[opening] not in "[{" or body[closing] not in "]}":
        return None
    head, rest = body[: opening + 1], body[closing:]
    inside = [f"{indent}{INDENT}{piece}" for piece in pieces]
    return eol.join([head, *inside, f"{indent}{rest}"])


def _fluent_argument(
    body: str, stmt: ast.stmt, value: ast.expr, limit: int, eol: str
) -> str | None:
    """`x = await db.execute(` / the one argument's chain, one method call a line / `)`."""
    call = _last_call_with_arguments(value)
    if call is None or len(call.args) != 1 or call.keywords:
        return None
    chain = call.args[0]
    if call.func.end_col_offset is None or call.end_col_offset is None:
        return None
    opening, closing = call.func.end_col_offset, call.end_col_offset - 1
    if (
        body[opening] != "("
        or body[closing] != ")"
        or body[opening + 1 : closing].strip() != (body[chain.col_offset : chain.end_col_offset])
    ):
        return None
    indent = body[: len(body) - len(body.lstrip())]
    tail = body[value.end_col_offset or 0 :]
    if stmt.col_offset != len(indent) or (tail.strip() and not tail.lstrip().startswith("#")):
        return None
    pieces = _chain_pieces(body, chain, limit - len(indent) - len(INDENT))
    head, rest = body[: opening + 1], body[closing:]
    if pieces is None or len(head) > limit or len(indent) + len(rest) > limit:
        return None
    inside = [f"{indent}{INDENT}{piece}" for piece in pieces]
    return eol.join([head, *inside, f"{indent}{rest}"])


def _fluent(body: str, stmt: ast.stmt, value: ast.expr, limit: int, eol: str) -> str | None:
    """The statement's chain inside parentheses, one method call a line (where each
    fits), as ruff formats a chain too long for one line of its own."""
    found = _statement_indent(body, stmt, value)
    if found is None:
        return None
    indent, tail = found
    pieces = _chain_pieces(body, value, limit - len(indent) - len(INDENT))
    if pieces is None:
        return None
    head = body[: value.col_offset]
    inside = [f"{indent}{INDENT}{piece}" for piece in pieces]
    return eol.join([f"{head}(", *inside, f"{indent}){tail}"])


def _chain_pieces(body: str, value: ast.expr, room: int) -> list[str] | None:
    """A chain of two or more method calls on call results cut before each such call,
    when every piece fits in `room` characters."""
    if not body.isascii() or value.end_col_offset is None or _dots_after_brackets(value) < 2:
        return None
    cuts: list[int] = []
    node: ast.expr = value
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Attribute):
            inner = node.value
            if isinstance(inner, (ast.Call, ast.Subscript)):
                if inner.end_col_offset is None or body[inner.end_col_offset] != ".":
                    return None
                cuts.append(inner.end_col_offset)
            node = inner
        else:
            break
    bounds = [value.col_offset, *sorted(cuts), value.end_col_offset]
    pieces = [body[a:b] for a, b in itertools.pairwise(bounds)]
    if any(len(piece) > room or piece != piece.strip() for piece in pieces):
        return None
    return pieces
