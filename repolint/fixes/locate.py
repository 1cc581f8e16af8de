"""Where to write in a module: positions next to syntax nodes, and the names a module
already has for the project's classes."""

from __future__ import annotations

import ast
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from repolint.fixes.edits import Edit, char_column, end_of, insert, replace, text_between
from repolint.fixes.layout import line_length

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
    """An edit that imports `name` from `module` (`import_edits` for one name)."""
    edits = import_edits(ctx, module, [name])
    return edits[0] if edits is not None and len(edits) == 1 else None


def import_edits(ctx: InModule, module: str, names: Sequence[str]) -> list[Edit] | None:
    """The edits that import `names` from `module`: sorted into the module's own
    `from module import ...` (on one line, or one name a line in parentheses) when its
    names are in isort's order, else added at its end; without one, a new line in
    module order among the top-level imports of the same top package (`sqlalchemy`),
    else among the other third-party ones, else after its last top-level import (after
    the docstring when it has none)."""
    tree = ctx.module.tree
    imports = [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
    wanted = sorted(dict.fromkeys(names), key=import_order)
    for stmt in imports:
        if (
            isinstance(stmt, ast.ImportFrom)
            and stmt.module == module
            and stmt.level == 0
            and all(alias.name != "*" for alias in stmt.names)
        ):
            merged = _merged_into(stmt, wanted, ctx)
            if merged is not None:
                return merged
    added = _new_import_line(ctx, imports, module, wanted)
    return None if added is None else [added]


def import_order(name: str) -> tuple[int, str]:
    """isort's (and ruff's) order of imported names: CONSTANTS, Classes, functions."""
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, name.lower()


def _merged_into(stmt: ast.ImportFrom, names: Sequence[str], ctx: InModule) -> list[Edit] | None:
    """Insertions of `names` into `from m import a, b`, or into `from m import (` with one
    name a line; None when the statement is laid out otherwise (or a comment sits among
    its names)."""
    lines, path = ctx.module.lines, ctx.module.display
    starts = [(a.lineno, (end_of(a, lines) or (0, 0))) for a in stmt.names]
    stmt_end = end_of(stmt, lines)
    if stmt_end is None or any(line == 0 or end[0] != line for line, end in starts):
        return None
    one_line = stmt.lineno == stmt.end_lineno
    if one_line:
        wrapped = _wrapped_import(stmt, names, ctx)
        if wrapped is not None:
            return [wrapped]
    indent = ""
    if not one_line:
        firsts = [lines[a.lineno - 1] for a in stmt.names]
        own_lines = len({a.lineno for a in stmt.names}) == len(stmt.names)
        if stmt.names[0].lineno == stmt.lineno:
            return None  # `from m import (a,` then more names: laid out by hand
        if not own_lines:
            return _appended(stmt, names, ctx)  # several names a line
        indent = firsts[0][: len(firsts[0]) - len(firsts[0].lstrip())]
        if any(line[: len(indent)] != indent or "#" in line for line in firsts):
            return None
    existing = [a.name for a in stmt.names]
    in_order = existing == sorted(existing, key=import_order)
    groups: dict[int, list[str]] = {}
    for name in names:
        at = len(existing)
        if in_order:
            later = (i for i, e in enumerate(existing) if import_order(e) > import_order(name))
            at = next(later, at)
        groups.setdefault(at, []).append(name)
    edits: list[Edit] = []
    for at, group in groups.items():
        if at < len(existing):
            alias = stmt.names[at]
            where = (alias.lineno, _alias_column(alias, lines))
            sep = ", " if one_line else f",\n{indent}"
            edits.append(insert(path, where, "".join(f"{n}{sep}" for n in group)))
            continue
        last_end = starts[-1][1]
        rest = lines[last_end[0] - 1][last_end[1] - 1 :]
        if one_line:
            if rest.strip() and not rest.lstrip().startswith(("#", ")")):
                return None  # `a, b,)` or `; x = 1`
            edits.append(insert(path, last_end, "".join(f", {n}" for n in group)))
        elif rest.strip().startswith(","):
            after = (last_end[0], last_end[1] + rest.index(",") + 1)
            edits.append(insert(path, after, "".join(f"\n{indent}{n}," for n in group)))
        else:
            edits.append(insert(path, last_end, "".join(f",\n{indent}{n}" for n in group)))
    return edits


def _appended(stmt: ast.ImportFrom, names: Sequence[str], ctx: InModule) -> list[Edit] | None:
    """`names` after the last name of a parenthesized import with several names a line:
    on its line when they fit, else on a line of their own (None with a comment among the
    names, or text after the last one other than a comma or the closing parenthesis)."""
    lines, path = ctx.module.lines, ctx.module.display
    if any("#" in lines[line - 1] for line in range(stmt.lineno, (stmt.end_lineno or 0) + 1)):
        return None
    last_end = end_of(stmt.names[-1], lines)
    if last_end is None:
        return None
    line = lines[last_end[0] - 1]
    indent = line[: len(line) - len(line.lstrip())]
    rest = line[last_end[1] - 1 :].strip()
    added = ", ".join(names)
    if rest.startswith(","):
        after = (last_end[0], last_end[1] + line[last_end[1] - 1 :].index(",") + 1)
        return [insert(path, after, f"\n{indent}{added},")]
    if rest not in ("", ")"):
        return None
    fits = len(line.rstrip()) + len(f", {added}") <= line_length(ctx.index.settings.project_root)
    return [insert(path, last_end, f", {added}" if fits else f",\n{indent}{added}")]


def _wrapped_import(stmt: ast.ImportFrom, names: Sequence[str], ctx: InModule) -> Edit | None:
    """`from m import a, b` that the new names would make longer than the project's line
    length, rewritten one name a line in parentheses, as ruff format lays it out (None
    when it still fits, or when it has aliases, a comment or other code on its line)."""
    lines = ctx.module.lines
    line = lines[stmt.lineno - 1]
    end = end_of(stmt, lines)
    if end is None or line[end[1] - 1 :].strip() or any(a.asname for a in stmt.names):
        return None
    existing = [a.name for a in stmt.names]
    every = sorted(dict.fromkeys([*existing, *names]), key=import_order)
    if existing != sorted(existing, key=import_order):
        every = [*existing, *[n for n in names if n not in existing]]
    indent = line[: len(line) - len(line.lstrip())]
    head = f"{indent}from {stmt.module} import "
    if len(head) + len(", ".join(every)) <= line_length(ctx.index.settings.project_root):
        return None
    body = "".join(f"{indent}    {n},\n" for n in every)
    start = (stmt.lineno, len(indent) + 1)
    return replace(ctx.module.display, start, end, f"from {stmt.module} import (\n{body}{indent})")


def _alias_column(alias: ast.alias, lines: Sequence[str]) -> int:
    """The 1-based character column where an imported name starts."""
    return char_column(lines, alias.lineno, alias.col_offset) + 1


def _new_import_line(
    ctx: InModule, imports: Sequence[ast.stmt], module: str, names: Sequence[str]
) -> Edit | None:
    """A new `from module import names` line, where `import_edits` says."""
    tree, lines, path = ctx.module.tree, ctx.module.lines, ctx.module.display
    statement = f"from {module} import {', '.join(names)}"
    if len(statement) > line_length(ctx.index.settings.project_root):
        listed = "".join(f"    {name},\n" for name in names)
        statement = f"from {module} import (\n{listed})"  # as ruff format wraps it
    anchor: ast.stmt | None = None
    if imports:
        top = [s for s in imports if s.col_offset == 0]
        package = module.split(".")[0]
        same = [s for s in top if _top_package(s) == package]
        if not same:  # the section of the other third-party imports
            ours = {name.split(".")[0] for name in ctx.index.modules}
            same = [
                s
                for s in top
                if (found := _top_package(s)) is not None
                and found not in ours
                and found not in sys.stdlib_module_names
                and found != "__future__"
            ]
        before = [s for s in same if _module_of(s) <= module]
        if same and not before:
            first = same[0]
            return insert(path, (first.lineno, 1), f"{statement}\n")
        chosen = before or top
        anchor = chosen[-1] if chosen else None
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


def _module_of(stmt: ast.stmt) -> str:
    if isinstance(stmt, ast.ImportFrom):
        return stmt.module or ""
    if isinstance(stmt, ast.Import):
        return stmt.names[0].name
    return ""


def _top_package(stmt: ast.stmt) -> str | None:
    if isinstance(stmt, ast.ImportFrom) and stmt.level:
        return None
    return _module_of(stmt).split(".")[0] or None


def _is_docstring(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )


def imports_of(ctx: InModule, needed: dict[str, list[str]]) -> list[Edit] | None:
    """`import_edits` for several modules at once: new lines that would go at the same
    place are written by one edit, in module order."""
    edits: list[Edit] = []
    for module in sorted(needed):
        if not needed[module]:
            continue
        found = import_edits(ctx, module, needed[module])
        if found is None:
            return None
        for edit in found:
            same = [e for e in edits if e.start == edit.start and e.end == e.start]
            if same and edit.end == edit.start:
                edits[edits.index(same[0])] = Edit(
                    edit.path, *edit.start, *edit.end, same[0].content + edit.content
                )
            else:
                edits.append(edit)
    return edits
