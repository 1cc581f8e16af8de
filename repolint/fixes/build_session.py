"""Fixes of session calls: `await` a coroutine (RPL103), `expire_on_commit=False` on an
async session factory (RPL104), `flush()` for a repository's `commit()` (RPL201)."""

from __future__ import annotations

import ast

from repolint.fixes.edits import Applicability, Fix, end_of, fix, insert, replace, start_of
from repolint.semantics.context import Context

_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Lambda)


def add_await(node: ast.Call, ctx: Context) -> Fix | None:
    """`db.commit()` -> `await db.commit()`; `db.execute(s).scalars()` ->
    `(await db.execute(s)).scalars()`. Only directly in the body of an `async def`
    (not in a lambda, a comprehension or a nested `def`), where `await` is allowed and
    means what the author meant."""
    for anc in ctx.ancestors(node):
        if isinstance(anc, (*_COMPREHENSIONS, ast.FunctionDef)):
            return None
        if isinstance(anc, ast.AsyncFunctionDef):
            break
    else:
        return None
    lines, path = ctx.module.lines, ctx.module.display
    start, end = start_of(node, lines), end_of(node, lines)
    if end is None:
        return None
    parent = ctx.parent(node)
    if isinstance(parent, ast.Expr) or (
        isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is node
    ):
        edits = [insert(path, start, "await ")]
    elif isinstance(parent, ast.Attribute) and parent.value is node:
        edits = [insert(path, start, "(await "), insert(path, end, ")")]
    else:
        return None
    return fix(Applicability.SAFE, "Add `await`", edits)


def expire_on_commit_false(node: ast.Call, ctx: Context) -> Fix | None:
    """Set `expire_on_commit=False` on an async session factory call: replace a literal
    `True`, or add the keyword after the last argument (on its own line when the call
    puts its arguments one per line with a trailing comma)."""
    lines, path = ctx.module.lines, ctx.module.display
    for keyword in node.keywords:
        if keyword.arg == "expire_on_commit":
            value = keyword.value
            end = end_of(value, lines)
            if not (isinstance(value, ast.Constant) and value.value is True) or end is None:
                return None
            edit = replace(path, start_of(value, lines), end, "False")
            return fix(Applicability.SAFE, "Pass `expire_on_commit=False`", [edit])
    arguments: list[ast.AST] = [*node.args, *node.keywords]
    call_end = end_of(node, lines)
    if call_end is None:
        return None
    close = (call_end[0], call_end[1] - 1)  # the closing parenthesis
    if not arguments:
        edit = insert(path, close, "expire_on_commit=False")
        return fix(Applicability.SAFE, "Pass `expire_on_commit=False`", [edit])
    ends = [end_of(arg, lines) for arg in arguments]
    if any(e is None for e in ends):
        return None
    last = max(e for e in ends if e is not None)
    between = _text(lines, last, close)
    if between is None:
        return None
    first = between.split("\n", 1)[0]
    after_comma = (last[0], last[1] + first.index(",") + 1) if "," in first else None
    if between.strip() == "":
        edit = insert(path, last, ", expire_on_commit=False")
    elif between.strip() == "," and after_comma is not None and last[0] < close[0]:
        indent = _indent(lines[last[0] - 1])
        edit = insert(path, after_comma, f"\n{indent}expire_on_commit=False,")
    elif between.strip() == "," and after_comma is not None:
        edit = insert(path, after_comma, " expire_on_commit=False,")
    else:
        return None  # a comment or something unexpected between: not sure where to write
    return fix(Applicability.SAFE, "Pass `expire_on_commit=False`", [edit])


def commit_to_flush(node: ast.Call, ctx: Context) -> Fix | None:
    """`self.db.commit()` -> `self.db.flush()`: the repository still sends its writes
    (ids, constraints) and the caller's unit of work commits. A `rollback()` has no such
    replacement and gets no fix."""
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr != "commit" or node.args or node.keywords:
        return None
    lines, path = ctx.module.lines, ctx.module.display
    end = end_of(func, lines)
    if end is None:
        return None
    start = (end[0], end[1] - len("commit"))
    edit = replace(path, start, end, "flush")
    return fix(Applicability.UNSAFE, "Call `flush()` and let the caller commit", [edit])


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _text(lines: list[str], start: tuple[int, int], end: tuple[int, int]) -> str | None:
    """The text from `start` to `end` when no comment sits in it."""
    from repolint.fixes.edits import text_between

    text = text_between(lines, start, end)
    return None if "#" in text else text
