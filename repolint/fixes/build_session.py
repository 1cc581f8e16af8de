"""Fixes of session calls: `await` a coroutine (RPL103), `expire_on_commit=False` on an
async session factory (RPL104), `flush()` for a repository's `commit()` and no
`rollback()` in a handler that re-raises (RPL201)."""

from __future__ import annotations

import ast

from repolint.fixes.edits import Applicability, Fix, end_of, fix, insert, replace, start_of
from repolint.fixes.locate import append_argument
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
    added = append_argument(node, "expire_on_commit=False", ctx)
    if added is None:
        return None
    return fix(Applicability.SAFE, "Pass `expire_on_commit=False`", [added])


def commit_to_flush(node: ast.Call, ctx: Context) -> Fix | None:
    """`self.db.commit()` -> `self.db.flush()`: the repository still sends its writes
    (ids, constraints) and the caller's unit of work commits. A `rollback()` has no such
    replacement and gets no fix."""
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr != "commit" or node.args or node.keywords:
        return None
    if _under_caller_flag(node, ctx) or _comment_names_commit(node, ctx):
        return None
    lines, path = ctx.module.lines, ctx.module.display
    end = end_of(func, lines)
    if end is None:
        return None
    start = (end[0], end[1] - len("commit"))
    edit = replace(path, start, end, "flush")
    return fix(Applicability.UNSAFE, "Call `flush()` and let the caller commit", [edit])


def _under_caller_flag(node: ast.AST, ctx: Context) -> bool:
    """The commit sits under an `if` (or `... if ... else ...`) testing a parameter or an
    attribute of `self`: the caller decides whether it commits (`if commit:`), and a
    `flush()` there would make that choice meaningless."""
    function = ctx.enclosing_function(node)
    if function is None:
        return False
    args = function.args
    params = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
    for anc in ctx.ancestors(node):
        if anc is function:
            return False
        if isinstance(anc, (ast.If, ast.IfExp, ast.While)):
            for name in ast.walk(anc.test):
                if isinstance(name, ast.Name) and name.id in params:
                    return True
    return False


def _comment_names_commit(node: ast.AST, ctx: Context) -> bool:
    """A comment on the line, or on its own line just above, speaks of committing: it
    would no longer be true after the fix."""
    number: int = getattr(node, "lineno", 0)
    lines = ctx.module.lines
    texts = [lines[number - 1]] if 0 < number <= len(lines) else []
    if 1 < number <= len(lines) and lines[number - 2].lstrip().startswith("#"):
        texts.append(lines[number - 2])
    return any("commit" in text.split("#", 1)[1].lower() for text in texts if "#" in text)


def drop_rollback_before_raise(node: ast.Call, ctx: Context) -> Fix | None:
    """`except E: self.db.rollback(); raise` -> `except E: raise`: the error still reaches
    the caller, whose unit of work (or savepoint) decides what to undo. Only for a
    `rollback()` (awaited or not) that is a statement of its own lines directly in an
    `except` body that is the rollback and a `raise` on a line of its own."""
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr != "rollback" or node.args or node.keywords:
        return None
    parent = ctx.parent(node)
    statement = ctx.parent(parent) if isinstance(parent, ast.Await) else parent
    if not isinstance(statement, ast.Expr) or statement.value is not (
        parent if isinstance(parent, ast.Await) else node
    ):
        return None
    handler = ctx.parent(statement)
    if not isinstance(handler, ast.ExceptHandler) or len(handler.body) != 2:
        return None
    first, last = handler.body
    if first is not statement or not isinstance(last, ast.Raise):
        return None
    lines, path = ctx.module.lines, ctx.module.display
    start, end = start_of(statement, lines), end_of(statement, lines)
    if end is None or last.lineno <= end[0]:
        return None  # `rollback(); raise` on one line
    after = lines[end[0] - 1][end[1] - 1 :].strip()
    if lines[start[0] - 1][: start[1] - 1].strip() or (after and not after.startswith("#")):
        return None  # not alone on its lines (a `;`); its own comment goes with it
    edit = replace(path, (start[0], 1), (end[0] + 1, 1), "")
    return fix(Applicability.UNSAFE, "Remove the `rollback()`: the caller's transaction", [edit])
