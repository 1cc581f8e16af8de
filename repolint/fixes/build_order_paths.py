"""Fixes of statements paged on a path that does not order them (RPL401, 'ordered only
when ...' and 'ordered by only some callers'): order that path by the primary key.

- `if sort: stmt = stmt.order_by(sort)` then `stmt.offset(n)`: the `if` gets
  `else: stmt = stmt.order_by(<primary key>)`, where the key is `Model.id` for a
  `select(Model)` of a model with one primary-key column, and
  `*inspect(<entity>).primary_key` for the entity of a generic repository
  (`select(self.model)`): the mapper's own key, unique whatever the model;
- a helper paging the statement its callers pass (`def page_of(db, stmt, page)`): each
  call that passes an inline `select(Model)` with no `.order_by(...)` gets
  `.order_by(Model.<primary key>)`; calls passing an ordered chain are left alone.

Both only when every unordered path is one of those shapes; else no fix.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from repolint.fixes.build_query import plain_select_of
from repolint.fixes.edits import Applicability, Edit, Fix, end_of, fix, insert
from repolint.fixes.follow import bindings_of
from repolint.fixes.locate import (
    InModule,
    ModuleView,
    import_edits,
    local_name_of,
    name_for_class,
    primary_key,
)
from repolint.fixes.statement_loading import statement_built
from repolint.semantics.context import Context
from repolint.semantics.names import SELECT_FUNCS

SA_INSPECT = "sqlalchemy.inspect"


def order_the_other_branch(node: ast.Call, ctx: Context) -> Fix | None:
    """`stmt.offset(n)` after `if c: stmt = stmt.order_by(x)` (no `else`), `stmt` built as
    `select(E)...` in the same function: add `else: stmt = stmt.order_by(<key of E>)`."""
    function = ctx.enclosing_function(node)
    base = _receiver_name(node)
    if function is None or base is None:
        return None
    siblings, at = _statement_list_of(node, ctx)
    branch = [s for s in siblings[:at] if isinstance(s, ast.If) and _orders(s.body, base)]
    if len(branch) != 1 or branch[0].orelse:
        return None
    guarded = branch[0]
    elsewhere = [
        n
        for n in ast.walk(function)
        if isinstance(n, ast.Assign) and _orders([n], base) and not _inside(n, guarded.body)
    ]
    built = statement_built(base, function)
    entity = _selected_entity(built, ctx) if built is not None else None
    if elsewhere or entity is None or _has_order(built):
        return None
    key = _key_of(entity, ctx)
    if key is None:
        return None
    order, imports = key
    lines = ctx.module.lines
    last = guarded.body[-1].end_lineno or guarded.body[-1].lineno
    indent = _indentation(lines[guarded.lineno - 1])
    inner = _indentation(lines[guarded.body[0].lineno - 1])
    if len(inner) <= len(indent) or guarded.body[0].lineno == guarded.lineno:
        return None  # `if c: stmt = ...` on one line
    text = f"\n{indent}else:\n{inner}{base} = {base}.order_by({order})"
    edits = [insert(ctx.module.display, (last, len(lines[last - 1]) + 1), text), *imports]
    return fix(Applicability.UNSAFE, f"Order by {order} when nothing else orders", edits)


def order_callers_statements(node: ast.Call, ctx: Context) -> Fix | None:
    """`def page_of(db, stmt, page): ... stmt.offset(n)`: `.order_by(Model.<primary key>)`
    on each inline `select(Model)` a call of `page_of` passes unordered."""
    function = ctx.enclosing_function(node)
    base = _receiver_name(node)
    ref = ctx.function_ref(function) if function is not None else None
    if function is None or base is None or ref is None or ref.owner is not None:
        return None
    params = [a.arg for a in [*function.args.posonlyargs, *function.args.args]]
    if len(bindings_of(base, function)) != 1:
        return None  # the parameter is reassigned: not only what the callers pass
    position = params.index(base) if base in params else None
    edits: list[Edit] = []
    for module in ctx.index.modules.values():
        if module.is_test or function.name not in "\n".join(module.lines):
            continue
        where = ModuleView(module, ctx.index)
        own = module.name == ref.module.name and function.name in module.functions
        for call in ast.walk(module.tree):
            if not _calls(call, function.name, ref.qual, own, where):
                continue
            assert isinstance(call, ast.Call)
            arg = _argument(call, base, position)
            if arg is None:
                return None
            if _has_order(arg):
                continue
            edit = _order_select(arg, where)
            if edit is None:
                return None
            edits.append(edit)
    if not edits:
        return None
    return fix(
        Applicability.UNSAFE,
        "Order the statements callers pass unordered by their primary key",
        edits,
    )


def _calls(node: ast.AST, name: str, qual: str, own: bool, where: InModule) -> bool:
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
        return False
    if node.func.id != name:
        return False
    return own or where.module.imports.aliases.get(name) == qual


def _argument(call: ast.Call, param: str, position: int | None) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == param:
            return keyword.value
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return None
    if position is not None and position < len(call.args):
        return call.args[position]
    return None


def _order_select(arg: ast.expr, where: InModule) -> Edit | None:
    """`select(Tag)` (filters, joins, options) -> `select(Tag).order_by(Tag.id)`."""
    head = arg
    while isinstance(head, ast.Call) and isinstance(head.func, ast.Attribute):
        head = head.func.value
    if not isinstance(head, ast.Call) or len(head.args) != 1:
        return None
    entity = head.args[0]
    if not isinstance(entity, ast.Name) or not plain_select_of(arg, entity.id, where):
        return None
    model = where.index.canonical(where.module.imports.qualify(entity))
    if model is None or name_for_class(where, model) != entity.id:
        return None
    key = primary_key(where, model)
    end = end_of(arg, where.module.lines)
    if key is None or end is None:
        return None
    return insert(where.module.display, end, f".order_by({entity.id}.{key})")


def _receiver_name(node: ast.Call) -> str | None:
    """`stmt` in `stmt.offset(n)` and `stmt.where(...).offset(n)`."""
    current: ast.expr = node.func
    while isinstance(current, (ast.Attribute, ast.Call)):
        current = current.value if isinstance(current, ast.Attribute) else current.func
    return current.id if isinstance(current, ast.Name) else None


def _statement_list_of(node: ast.AST, ctx: Context) -> tuple[Sequence[ast.stmt], int]:
    """The statements around the one that holds `node`, and its place among them."""
    current = node
    for anc in ctx.ancestors(node):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(anc, field, None)
            if isinstance(block, list) and current in block:
                return block, block.index(current)
        current = anc
    return [], 0


def _orders(statements: Sequence[ast.AST], name: str) -> bool:
    """One of `statements` is `name = name....order_by(...)...`."""
    for stmt in statements:
        for node in ast.walk(stmt):
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
                and _has_order(node.value)
            ):
                return True
    return False


def _inside(node: ast.AST, statements: Sequence[ast.stmt]) -> bool:
    return any(node is inner for stmt in statements for inner in ast.walk(stmt))


def _has_order(expr: ast.expr | None) -> bool:
    """A `.order_by(...)` in the chain of `expr`."""
    while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
        if expr.func.attr == "order_by":
            return True
        expr = expr.func.value
    return False


def _selected_entity(built: ast.expr, ctx: Context) -> ast.expr | None:
    """`E` of the `select(E)` a chain starts with."""
    head = built
    while isinstance(head, ast.Call) and isinstance(head.func, ast.Attribute):
        head = head.func.value
    if not isinstance(head, ast.Call) or not isinstance(head.func, (ast.Name, ast.Attribute)):
        return None
    if ctx.module.imports.qualify(head.func) not in SELECT_FUNCS:
        return None
    if len(head.args) != 1 or head.keywords:
        return None
    return head.args[0]


def _key_of(entity: ast.expr, ctx: Context) -> tuple[str, list[Edit]] | None:
    """What orders rows of `entity` by their key, and the import it needs: `Note.id`, or
    `*inspect(self.model).primary_key` for an entity held in an attribute."""
    if isinstance(entity, ast.Name):
        model = ctx.index.canonical(ctx.module.imports.qualify(entity))
        key = primary_key(ctx, model) if model is not None else None
        if key is None or name_for_class(ctx, model or "") != entity.id:
            return None
        return f"{entity.id}.{key}", []
    if not _attribute_path(entity):
        return None
    inspect = local_name_of(ctx, SA_INSPECT)
    imports: list[Edit] = []
    if inspect is None:
        taken = ctx.module.imports.aliases.keys() | ctx.module.functions.keys()
        if "inspect" in taken or "inspect" in ctx.module.classes:
            return None
        added = import_edits(ctx, "sqlalchemy", ["inspect"])
        if added is None:
            return None
        inspect, imports = "inspect", added
    return f"*{inspect}({ast.unparse(entity)}).primary_key", imports


def _attribute_path(expr: ast.expr) -> bool:
    """`self.model`: names and attributes only (read twice, the same both times)."""
    while isinstance(expr, ast.Attribute):
        expr = expr.value
    return isinstance(expr, ast.Name)


def _indentation(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]
