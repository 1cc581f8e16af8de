"""Where to write in a module: positions next to syntax nodes, and the names a module
already has for the project's classes."""

from __future__ import annotations

import ast
from collections.abc import Sequence

from repolint.fixes.edits import end_of, text_between
from repolint.semantics.context import Context


def advance(start: tuple[int, int], text: str) -> tuple[int, int]:
    """The position after `text` written from `start` (1-based line and column)."""
    line, column = start
    if "\n" in text:
        return line + text.count("\n"), len(text.rsplit("\n", 1)[1]) + 1
    return line, column + len(text)


def dot_of(func: ast.Attribute, lines: Sequence[str]) -> tuple[int, int] | None:
    """The position of the `.` of `value.attr`: after the value's closing parentheses, so
    that `.x()` written there applies to what `.attr` applies to. None when a comment or
    anything but parentheses, spaces and line continuations sits between."""
    value_end, end = end_of(func.value, lines), end_of(func, lines)
    if value_end is None or end is None:
        return None
    name_start = (end[0], end[1] - len(func.attr))
    between = text_between(lines, value_end, name_start)
    dot = between.rfind(".")
    if dot < 0 or between[dot + 1 :].strip() or set(between[:dot]) - set(" \t\n\\)"):
        return None
    return advance(value_end, between[:dot])


def name_for_class(ctx: Context, qual: str) -> str | None:
    """A name this module has for the project class `qual` (defined here or imported)."""
    module = ctx.module
    for name in module.classes:
        if ctx.qualname_of_class(module.classes[name]) == qual:
            return name
    for local, target in sorted(module.imports.aliases.items()):
        if "." in local:
            continue
        if target == qual or ctx.index.canonical(target) == qual:
            return local
    return None


def primary_key(ctx: Context, model: str) -> str | None:
    """The one primary-key attribute of a mapped class (own or inherited); None when it
    has none we can see, or several."""
    for cls in ctx.index.mro(model):
        entry = ctx.index.classes.get(cls)
        if entry is None:
            continue
        found = [name for name, value in _class_attributes(entry[1]) if _is_primary(value)]
        if len(found) == 1:
            return found[0]
        if found:
            return None
    return None


def _class_attributes(cls: ast.ClassDef) -> list[tuple[str, ast.expr | None]]:
    out: list[tuple[str, ast.expr | None]] = []
    for stmt in cls.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            out.append((stmt.target.id, stmt.value))
        elif isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    out.append((target.id, stmt.value))
    return out


def _is_primary(value: ast.expr | None) -> bool:
    """`mapped_column(..., primary_key=True)`, `Column(...)`, SQLModel's `Field(...)`."""
    return isinstance(value, ast.Call) and any(
        kw.arg == "primary_key" and isinstance(kw.value, ast.Constant) and kw.value.value is True
        for kw in value.keywords
    )
