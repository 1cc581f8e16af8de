"""Where to write in a module: positions next to syntax nodes, and the names a module
already has for the project's classes."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from repolint.fixes.edits import Edit, end_of, insert, text_between

if TYPE_CHECKING:
    from repolint.semantics.index import ProjectIndex
    from repolint.semantics.module import ModuleInfo


class InModule(Protocol):
    """Where an edit is written: a module of the project (a rule's `Context` is one)."""

    @property
    def module(self) -> ModuleInfo: ...

    @property
    def index(self) -> ProjectIndex: ...


@dataclass(frozen=True)
class ModuleView:
    """Another module of the project than the one a rule is checking."""

    module: ModuleInfo
    index: ProjectIndex


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


def name_for_class(ctx: InModule, qual: str) -> str | None:
    """A name this module has for the project class `qual` (defined here or imported)."""
    module = ctx.module
    for name in module.classes:
        if (f"{module.name}.{name}" if module.name else name) == qual:
            return name
    for local, target in sorted(module.imports.aliases.items()):
        if "." in local:
            continue
        if target == qual or ctx.index.canonical(target) == qual:
            return local
    return None


def primary_key(ctx: InModule, model: str) -> str | None:
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


def append_argument(call: ast.Call, text: str, ctx: InModule) -> Edit | None:
    """Add `text` as the last argument of `call`: after the last argument (`, text`), on
    a line of its own when the call ends with a trailing comma on another line, or
    inside empty parentheses. None when a comment sits between the last argument and
    the closing parenthesis (unsure where to write), or `**kwargs` ends the call."""
    lines, path = ctx.module.lines, ctx.module.display
    call_end = end_of(call, lines)
    if call_end is None:
        return None
    close = (call_end[0], call_end[1] - 1)
    arguments: list[ast.AST] = [*call.args, *call.keywords]
    if not arguments:
        between = text_between(lines, start_after_func(call, lines) or close, close)
        if between.strip() not in ("", "("):
            return None
        return insert(path, close, text)
    ends = [end_of(arg, lines) for arg in arguments]
    if any(e is None for e in ends):
        return None
    last = max(e for e in ends if e is not None)
    between = text_between(lines, last, close)
    if "#" in between:
        return None
    first = between.split("\n", 1)[0]
    after_comma = (last[0], last[1] + first.index(",") + 1) if "," in first else None
    if between.strip() == "":
        return insert(path, last, f", {text}")
    if between.strip() == "," and after_comma is not None and last[0] < close[0]:
        line = lines[last[0] - 1]
        indent = line[: len(line) - len(line.lstrip())]
        return insert(path, after_comma, f"\n{indent}{text},")
    if between.strip() == "," and after_comma is not None:
        return insert(path, after_comma, f" {text},")
    return None


def start_after_func(call: ast.Call, lines: Sequence[str]) -> tuple[int, int] | None:
    """Just after the called expression (where the `(` of the call is)."""
    return end_of(call.func, lines)


def local_name_of(ctx: InModule, qual: str) -> str | None:
    """The name this module imported `qual` under (`from sqlalchemy.orm import selectinload`
    gives `selectinload`), or None."""
    for local, target in sorted(ctx.module.imports.aliases.items()):
        if target == qual:
            return local
    return None


def import_edit(ctx: InModule, module: str, name: str) -> Edit | None:
    """An edit that imports `name` from `module`: added to the module's one-line
    `from module import a, b` when it has one, else a new line after its last top-level
    import (after the docstring when it has none)."""
    tree, lines, path = ctx.module.tree, ctx.module.lines, ctx.module.display
    imports = [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
    for stmt in imports:
        if (
            isinstance(stmt, ast.ImportFrom)
            and stmt.module == module
            and stmt.level == 0
            and stmt.lineno == stmt.end_lineno
            and all(alias.name != "*" for alias in stmt.names)
        ):
            last = end_of(stmt.names[-1], lines)
            stmt_end = end_of(stmt, lines)
            if last is not None and stmt_end is not None and last == stmt_end:
                return insert(path, last, f", {name}")
    statement = f"from {module} import {name}"
    anchor: ast.stmt | None = None
    if imports:
        top = [s for s in imports if s.col_offset == 0]
        anchor = top[-1] if top else None
    elif tree.body and _is_docstring(tree.body[0]):
        anchor = tree.body[0]
    if anchor is None:
        if imports:
            return None
        return insert(path, (1, 1), f"{statement}\n")
    line = anchor.end_lineno or anchor.lineno
    if not 0 < line <= len(lines):
        return None
    if anchor.end_col_offset is not None and lines[line - 1][anchor.end_col_offset :].strip(
        " \t"
    ).startswith(";"):
        return None  # `import a; import b`: not where a new line goes
    return insert(path, (line, len(lines[line - 1]) + 1), f"\n{statement}")


def _is_docstring(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )
