"""The fix of a repository method without an eager-loading twin (RPL304): write its
`<method>_with_relations()` right after it.

The twin is the method's own source text, copied line for line (so it keeps `async def`
and `await`, `select()` or the legacy `session.query()`, its parameters and its session
attribute), renamed, given a one-line docstring, with `selectinload(Model.rel)` added to
the statement where the method builds it (the edits RPL301's fix makes to a statement,
`build_loading.statement_loading_edits`), and `selectinload` imported when the module
lacks it. It loads the relationships callers traverse on the method's rows; a
`get_by_id` nobody traverses loads every lazy relationship of the model, as RPL305's fix
makes a `_with_relations` method do.

No fix unless every method the finding names can be copied so: defined in the class
itself, undecorated, returning the rows of one statement of the repository's model that
it builds in its body (`select(Model)...`, `session.query(Model)...`, `Model.query...`,
`session.get(Model, id)`), in lines that share the class's indentation.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass

from repolint.fixes.copied_names import Needed, names_for_copy
from repolint.fixes.edits import Applicability, Edit, Fix, end_of, fix, insert, start_of
from repolint.fixes.layout import line_length, rewrap
from repolint.fixes.loaders import loader_imports
from repolint.fixes.locate import InModule, ModuleView, imports_of, local_name_of, name_for_class
from repolint.fixes.statement_loading import statement_loading_edits
from repolint.fixes.text import SourceText
from repolint.semantics.context import Context
from repolint.semantics.models import Relationship
from repolint.semantics.types import InstanceT

Function = ast.FunctionDef | ast.AsyncFunctionDef


def with_relations_variants(
    node: ast.ClassDef, cls: str, model: str, names: Sequence[str], ctx: Context
) -> Fix | None:
    """The fix that adds `<name>_with_relations()` after each method of `names` of the
    repository `cls` (serving `model`), or None when one of them cannot be written."""
    suffixes = ctx.settings.with_relations_suffixes
    if not suffixes or not names:
        return None
    suffix = suffixes[0]
    edits: list[Edit] = []
    added: list[str] = []
    needed: Needed = {}
    for name in names:
        made = _variant(node, cls, model, name, f"{name}{suffix}", ctx)
        if made is None:
            return None
        edits.append(made[0])
        for module, wanted in made[1].items():
            needed.setdefault(module, []).extend(n for n in wanted if n not in needed[module])
        added.append(f"`{name}{suffix}()`")
    imported = imports_of(ctx, needed)
    if imported is None:
        return None
    edits.extend(imported)
    return fix(Applicability.UNSAFE, f"Add {', '.join(added)}, which eager-loads", edits)


def _variant(
    node: ast.ClassDef, cls: str, model: str, name: str, new_name: str, ctx: Context
) -> tuple[Edit, Needed] | None:
    """The insertion of the twin of method `name` (right after it, or at the end of the
    class for a method of a generic base), and the imports it needs."""
    index = ctx.index
    defs = [s for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]
    own = [s for s in defs if s.name == name]
    if index.method(cls, new_name) is not None or any(_binds_name(s, new_name) for s in node.body):
        return None
    rels = traversed_relationships(cls, model, name, ctx)
    if not rels:
        return None
    if not own:
        return _inherited(node, cls, model, name, new_name, rels, ctx)
    if len(own) != 1 or not _plainly_decorated(own[0]):
        return None
    made = twin(own[0], new_name, model, rels, ctx, blank_lines=1)
    return None if made is None else (made[0], _loaders_needed(made[1], ctx))


def _plainly_decorated(method: Function) -> bool:
    """No decorator, or only `@staticmethod` / `@classmethod`, which the twin copies."""
    return all(
        isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod")
        for d in method.decorator_list
    )


def _loaders_needed(loaders: Sequence[str], ctx: Context) -> Needed:
    """The loader functions of `loaders` the module has not imported, as `Needed`."""
    missing = [q.rsplit(".", 1)[-1] for q in loaders if local_name_of(ctx, q) is None]
    return {"sqlalchemy.orm": missing} if missing else {}


def _inherited(
    node: ast.ClassDef,
    cls: str,
    model: str,
    name: str,
    new_name: str,
    rels: Sequence[Relationship],
    ctx: Context,
) -> tuple[Edit, Needed] | None:
    """The twin of a method the repository inherits from a generic base (`get_by_id` of
    `AsyncBaseRepository[ModelType]`): the base's text, its type variables spelt as this
    class binds them, written at the end of this class; with the imports it needs here."""
    index = ctx.index
    ref = index.method(cls, name)
    if ref is None or ref.owner in (None, cls):
        return None
    method = ref.node
    if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) or method.decorator_list:
        return None
    model_name = name_for_class(ctx, model)
    if model_name is None:
        return None
    base = ModuleView(ref.module, index)
    names = names_for_copy(method, base, ctx, index.type_arguments(cls))
    if names is None:
        return None
    spelt, needed = names
    lines = ctx.module.lines
    last_stmt = node.body[-1]
    last = last_stmt.end_lineno or last_stmt.lineno
    end = end_of(last_stmt, lines)
    after = lines[last - 1][end[1] - 1 :].strip() if end is not None else None
    if after is None or (after and not after.startswith("#")):
        return None  # the class's last statement does not end its line
    indent = _indentation(lines[node.body[0].lineno - 1])
    if not indent or node.body[0].lineno == node.lineno:
        return None  # `class A(B): pass` on one line
    place = Elsewhere(base, (last, len(lines[last - 1]) + 1), indent, model_name, tuple(spelt))
    made = twin(method, new_name, model, rels, ctx, 1, place)
    if made is None:
        return None
    for module, wanted in _loaders_needed(made[1], ctx).items():
        needed.setdefault(module, []).extend(n for n in wanted if n not in needed[module])
    return made[0], needed


def with_relations_function(
    function: Function, model: str, read: Sequence[str], ctx: Context
) -> Fix | None:
    """The fix that adds `<function>_with_relations()` after a module-level function of
    the data layer whose callers read the lazy relationships `read` of its `model` rows."""
    suffixes = ctx.settings.with_relations_suffixes
    if not suffixes or function.decorator_list:
        return None
    new_name = f"{function.name}{suffixes[0]}"
    body = ctx.module.tree.body
    if function not in body or any(_binds_name(s, new_name) for s in body):
        return None
    lazy = {rel.name: rel for rel in ctx.index.lazy_relationships(model)}
    if any(name not in lazy for name in read):
        return None
    rels = [lazy[name] for name in dict.fromkeys(read)]
    made = twin(function, new_name, model, rels, ctx, blank_lines=2) if rels else None
    if made is None:
        return None
    imported = loader_imports(ctx, made[1])
    if imported is None:
        return None
    return fix(
        Applicability.UNSAFE,
        f"Add `{new_name}()`, which eager-loads",
        [made[0], *imported],
    )


@dataclass(frozen=True)
class Elsewhere:
    """A twin of a method inherited from a generic base: the base's module (where the text
    is copied from), the position in the repository's module where the copy is written,
    the indentation of the repository's methods, the model's name there, and edits of the
    copied text (names the copy needs spelt otherwise)."""

    base: ModuleView
    at: tuple[int, int]
    indent: str
    model_name: str
    edits: tuple[Edit, ...] = ()


def twin(
    method: Function,
    new_name: str,
    model: str,
    rels: Sequence[Relationship],
    ctx: Context,
    blank_lines: int,
    elsewhere: Elsewhere | None = None,
    home: InModule | None = None,
) -> tuple[Edit, list[str]] | None:
    """The insertion, `blank_lines` after `method` (or where `elsewhere` says), of its copy
    named `new_name` that loads `rels`, and the loaders the copy calls. `method` is one of
    `home`'s module (`ctx`'s by default), where the copy goes."""
    name = method.name
    target: InModule = home or ctx
    if elsewhere is None:
        found = statement_loading_edits(method, InstanceT(model, "sync"), rels, ctx, home=home)
    else:
        found = statement_loading_edits(
            method, InstanceT(model, "sync"), rels, ctx, elsewhere.base, elsewhere.model_name
        )
    if found is None:
        return None
    loading, _, used = found
    lines = target.module.lines if elsewhere is None else elsewhere.base.module.lines
    last = method.end_lineno or method.lineno
    first = min([method.lineno, *(d.lineno for d in method.decorator_list)])
    if any(not first <= e.line <= e.end_line <= last for e in loading):
        return None  # the statement is built outside the method
    indent = _indentation(lines[first - 1])
    if method.col_offset != len(indent.encode("utf-8")) or indent.strip(" \t"):
        return None
    end = end_of(method, lines)
    after = lines[last - 1][end[1] - 1 :].strip() if end is not None else None
    if after is None or (after and not after.startswith("#")):
        return None  # `def f(): ...; x = 1`: the method does not end its line
    copy = lines[first - 1 : last]
    if any(line.strip() and not line.startswith(indent) for line in copy):
        return None  # a string or continuation left of the class's indentation
    own_edits = _renamed(method, new_name, lines)
    docstring = _docstring_edit(method, name, model, rels, lines)
    if own_edits is None or docstring is None:
        return None
    uncommented = _header_comments(method, lines)
    if uncommented is None:
        return None
    fixed = [own_edits, docstring, *uncommented, *(elsewhere.edits if elsewhere else ())]
    plain = _applied(copy, first, fixed)
    loaded = _applied(copy, first, [*fixed, *loading])
    if plain is None or loaded is None:
        return None
    to = indent if elsewhere is None else elsewhere.indent
    limit = line_length(ctx.settings.project_root) - len(to)
    wrapped = rewrap(_dedented(plain, indent), _dedented(loaded, indent), limit)
    text = _reindented(wrapped, to)
    if text is None:
        return None
    gap = "\n" * (blank_lines + 1)
    at = (last, len(lines[last - 1]) + 1) if elsewhere is None else elsewhere.at
    return insert(target.module.display, at, f"{gap}{text}"), used


def _binds_name(stmt: ast.stmt, name: str) -> bool:
    """A class-body statement that defines `name` (a method, an attribute)."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return stmt.name == name
    targets: list[ast.expr] = []
    if isinstance(stmt, ast.Assign):
        targets = list(stmt.targets)
    elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
        targets = [stmt.target]
    return any(isinstance(n, ast.Name) and n.id == name for t in targets for n in ast.walk(t))


def traversed_relationships(cls: str, model: str, name: str, ctx: Context) -> list[Relationship]:
    """The lazy relationships callers traverse on the rows of `cls.name`, in the order
    they are first read; every lazy relationship when nobody traverses any (`get_by_id`).
    Empty when a traversed name is not a lazy relationship of `model`."""
    lazy: dict[str, Relationship] = {}
    for rel in ctx.index.lazy_relationships(model):
        lazy.setdefault(rel.name, rel)
    traversed = [rel for _, _, rel in ctx.index.facts.traversals.get((cls, name), [])]
    if not traversed:
        return list(lazy.values())
    out: list[Relationship] = []
    for rel_name in traversed:
        found = lazy.get(rel_name)
        if found is None:
            return []
        if found not in out:
            out.append(found)
    return out


_DEF = re.compile(r"(?:async\s+)?def\s+")


def _renamed(method: Function, new_name: str, lines: Sequence[str]) -> Edit | None:
    """The edit of the `def` line that gives the copy its new name."""
    line, column = start_of(method, lines)
    head = lines[line - 1][column - 1 :]
    found = _DEF.match(head)
    if found is None or not head[found.end() :].startswith(method.name):
        return None
    at = column + found.end()
    return Edit("", line, at, line, at + len(method.name), new_name)


def _header_comments(method: Function, lines: Sequence[str]) -> list[Edit] | None:
    """The edits that take the comments off the copy's `def` lines (`# noqa`, a note on
    the original): they speak of the method copied. None when its lines do not tokenize."""
    first, body = method.lineno, method.body[0].lineno
    header = lines[first - 1 : max(body - 1, first)]
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO("\n".join(header) + "\n").readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    edits: list[Edit] = []
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        row, column = token.start
        text = header[row - 1]
        start = len(text[:column].rstrip())
        line = first + row - 1
        edits.append(Edit("", line, start + 1, line, len(text) + 1, ""))
    return edits


def _docstring_edit(
    method: Function, name: str, model: str, rels: Sequence[Relationship], lines: Sequence[str]
) -> Edit | None:
    """The edit that gives the copy its one-line docstring: in place of the method's own
    docstring, or as a new first line of its body."""
    short = model.rsplit(".", 1)[-1]
    loads = " and ".join(f"{short}.{rel.name}" for rel in rels)
    doc = f'"""`{name}()` with {loads} eager-loaded."""'
    first = method.body[0]
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        end = end_of(first, lines)
        if end is None:
            return None
        start = start_of(first, lines)
        return Edit("", start[0], start[1], end[0], end[1], doc)
    line = first.lineno
    body_indent = _indentation(lines[line - 1])
    if line <= method.lineno or first.col_offset != len(body_indent.encode("utf-8")):
        return None  # `def f(): return x` on one line
    return Edit("", line, 1, line, 1, f"{body_indent}{doc}\n")


def _applied(copy: Sequence[str], first: int, edits: Sequence[Edit]) -> SourceText | None:
    """The copied lines (line `first` of the module is the copy's line 1) with `edits`."""
    shifted = [
        Edit("", e.line - first + 1, e.column, e.end_line - first + 1, e.end_column, e.content)
        for e in edits
    ]
    return SourceText("\n".join(copy), "utf-8").apply(shifted)


def _indentation(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _dedented(text: SourceText, indent: str) -> SourceText:
    lines = text.text.split("\n")
    return SourceText("\n".join(line[len(indent) :] for line in lines), "utf-8")


def _reindented(text: SourceText, indent: str) -> str | None:
    """The method's text back at the class's indentation; None when it does not parse."""
    try:
        ast.parse(text.text)
    except (SyntaxError, ValueError):
        return None
    return "\n".join(f"{indent}{line}" if line.strip() else "" for line in text.text.split("\n"))
