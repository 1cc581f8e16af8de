"""RPL404: a legacy `session.query(Model)` chain rewritten to its exact 2.0 form, by edits
at the chain's joints (its layout and comments stay):

- `.all()`, `.one()`, `.one_or_none()`: `session.scalars(select(Model)...).all()`;
- `.first()`: `session.scalars(select(Model)....limit(1)).first()` (Query.first() limits);
- `.count()`: `session.scalar(select(func.count()).select_from(select(Model)....subquery()))`
  (what Query.count() sends);
- `.get(id)` on `session.query(Model)` itself: `session.get(Model, id)`;

with `.filter(...)` spelled `.where(...)`. A chain written over several lines keeps its
lines: the `select(...)` closes after its last method (`.order_by(Person.name))`), the
terminal call keeps its own line. Only chains made of methods a `select()`
has with the same meaning (`QUERY_TO_SELECT`), of one entity, without `joinedload`
options (the legacy Query de-duplicates their rows, `scalars()` does not), consumed at
once by the terminal method. Anything else keeps the legacy form.
"""

from __future__ import annotations

import ast

from repolint.fixes.edits import Applicability, Edit, Fix, end_of, fix, insert, replace
from repolint.fixes.locate import dot_of, import_edit, local_name_of
from repolint.semantics.context import Context

QUERY_TO_SELECT = {
    "filter": "where",
    "where": "where",
    "filter_by": "filter_by",
    "order_by": "order_by",
    "limit": "limit",
    "offset": "offset",
    "join": "join",
    "outerjoin": "outerjoin",
    "distinct": "distinct",
    "options": "options",
}
ROW_TERMINALS = frozenset({"all", "one", "one_or_none", "first"})
EAGER_JOINS = frozenset({"joinedload", "contains_eager"})


def legacy_to_select(query: ast.Call, ctx: Context) -> Fix | None:
    """The fix of the `session.query(Model)` call `query` (RPL404's finding)."""
    func = query.func
    if not isinstance(func, ast.Attribute) or len(query.args) != 1 or query.keywords:
        return None
    entity = query.args[0]
    if (
        not isinstance(entity, ast.Name)
        or ctx.index.canonical(ctx.module.imports.qualify(entity)) not in ctx.index.classes
    ):
        return None
    methods: list[ast.Call] = []
    node: ast.AST = query
    while True:
        parent = ctx.parent(node)
        call = ctx.parent(parent) if isinstance(parent, ast.Attribute) else None
        if not (isinstance(parent, ast.Attribute) and isinstance(call, ast.Call)):
            return None  # the Query is kept or handed on: not consumed here
        if call.func is not parent:
            return None
        if parent.attr in QUERY_TO_SELECT:
            if parent.attr == "options" and _joins_eagerly(call):
                return None
            methods.append(call)
            node = call
            continue
        terminal = call
        break
    if query.lineno != query.end_lineno:
        return None  # `session.query(` over lines: the edit would take its comments
    lines, path = ctx.module.lines, ctx.module.display
    name_end = end_of(func, lines)
    query_end = end_of(query, lines)
    terminal_func = terminal.func
    if name_end is None or query_end is None or not isinstance(terminal_func, ast.Attribute):
        return None
    name_start = (name_end[0], name_end[1] - len("query"))
    kind = terminal_func.attr
    if kind == "get":
        return _get(query, terminal, entity, methods, ctx, name_start)
    if kind not in ROW_TERMINALS and kind != "count":
        return None
    if terminal.args or terminal.keywords:
        return None
    dot = dot_of(terminal_func, lines)
    if query.lineno != terminal.end_lineno:  # one method a line: close after the last one
        dot = end_of(methods[-1] if methods else query, lines)
    if dot is None:
        return None
    select_name = local_name_of(ctx, "sqlalchemy.select") or local_name_of(
        ctx, "sqlalchemy.future.select"
    )
    select = select_name or "select"
    edits: list[Edit] = []
    for method in methods:
        method_func = method.func
        assert isinstance(method_func, ast.Attribute)
        new_name = QUERY_TO_SELECT[method_func.attr]
        if new_name != method_func.attr:
            end = end_of(method_func, lines)
            if end is None:
                return None
            edits.append(replace(path, (end[0], end[1] - len(method_func.attr)), end, new_name))
    if kind == "count":
        count_name = local_name_of(ctx, "sqlalchemy.func") or "func"
        opening = f"scalar({select}({count_name}.count()).select_from({select}({entity.id})"
        edits.append(replace(path, name_start, query_end, opening))
        terminal_end = end_of(terminal, lines)
        if terminal_end is None:
            return None
        edits.append(replace(path, dot, terminal_end, ".subquery()))"))
        if local_name_of(ctx, "sqlalchemy.func") is None:
            added = import_edit(ctx, "sqlalchemy", "func")
            if added is None:
                return None
            edits.append(added)
    else:
        edits.append(replace(path, name_start, query_end, f"scalars({select}({entity.id})"))
        edits.append(insert(path, dot, ".limit(1))" if kind == "first" else ")"))
    if select_name is None:
        added = import_edit(ctx, "sqlalchemy", "select")
        if added is None:
            return None
        edits.append(added)
    return _merged(edits, kind)


def _get(
    query: ast.Call,
    terminal: ast.Call,
    entity: ast.Name,
    methods: list[ast.Call],
    ctx: Context,
    name_start: tuple[int, int],
) -> Fix | None:
    """`session.query(Model).get(id)` on one line -> `session.get(Model, id)`."""
    if methods or len(terminal.args) != 1 or terminal.keywords:
        return None
    if query.lineno != terminal.end_lineno:
        return None  # the edit would take the comments between the lines with it
    lines = ctx.module.lines
    arg_start, arg_end = end_of(terminal.args[0], lines), end_of(terminal, lines)
    if arg_start is None or arg_end is None:
        return None
    key = ast.get_source_segment("\n".join(lines), terminal.args[0])
    if key is None or "#" in key:
        return None
    edit = replace(ctx.module.display, name_start, arg_end, f"get({entity.id}, {key})")
    return fix(Applicability.UNSAFE, "Use `session.get()`", [edit])


def _joins_eagerly(options: ast.Call) -> bool:
    return any(
        (isinstance(n, ast.Name) and n.id in EAGER_JOINS)
        or (isinstance(n, ast.Attribute) and n.attr in EAGER_JOINS)
        for arg in options.args
        for n in ast.walk(arg)
    )


def _merged(edits: list[Edit], kind: str) -> Fix | None:
    how = (
        "session.scalar(select(func.count())...)"
        if kind == "count"
        else "session.scalars(select(...))"
    )
    return fix(Applicability.UNSAFE, f"Use `{how}`", edits)
