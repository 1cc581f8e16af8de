"""Loops around a statement: what they iterate, which names follow the item (RPL303, RPL309)."""

from __future__ import annotations

import ast

from repolint.semantics.context import Context
from repolint.semantics.fixed import LITERALS, fixed_items
from repolint.semantics.memo import memo_guard
from repolint.semantics.module import function_params, walk
from repolint.semantics.types import FixedT

COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
CHUNK_WORDS = ("chunk", "batch", "partition", "page", "window", "slice", "segment")
ENTITY_CALLS = frozenset(
    {"delete", "update", "insert", "select", "query", "text", "Table", "select_from", "join"}
)
TABLE_COLLECTIONS = frozenset(
    {"sorted_tables", "tables", "mappers", "columns", "foreign_keys", "primary_key", "constraints"}
)


def whole_chain(node: ast.Call, ctx: Context) -> ast.AST:
    """`db.query(A).filter(...).first()` seen from its `query(...)` call."""
    top: ast.AST = node
    while True:
        parent = ctx.parent(top)
        chained = (isinstance(parent, ast.Attribute) and parent.value is top) or (
            isinstance(parent, ast.Call) and parent.func is top
        )
        if parent is None or not (chained or isinstance(parent, ast.Await)):
            return top
        top = parent


def enclosing_loops(node: ast.AST, ctx: Context) -> list[ast.AST]:
    """Loops around `node` inside its function, innermost first (not their iterables)."""
    loops: list[ast.AST] = []
    child = node
    for anc in ctx.ancestors(node):
        if isinstance(anc, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            break
        if isinstance(anc, (ast.For, ast.AsyncFor)):
            if child is not anc.iter and child not in anc.orelse:
                loops.append(anc)
        elif _loops_over_items(anc, child):
            loops.append(anc)
        child = anc
    return loops


def _loops_over_items(loop: ast.AST, child: ast.AST) -> bool:
    """A comprehension (`child` not one of its iterables) or a work-list `while` (`child`
    not its test nor its `else`) that runs `child` once per item."""
    if isinstance(loop, COMPREHENSIONS):
        return not any(child is g.iter for g in loop.generators)
    return (
        isinstance(loop, ast.While)
        and child is not loop.test
        and child not in loop.orelse
        and worklist_item(loop) is not None
    )


POPS = frozenset({"pop", "popleft"})


def worklist_item(loop: ast.While) -> tuple[ast.Name, ast.Name] | None:
    """`while queue: item = queue.pop()` (or `.popleft()`, `.pop(0)`) as the body's first
    statement: a loop over the items of a work list (a breadth-first walk, a job queue).
    (the list, the item) as named there."""
    test, body = loop.test, loop.body
    if not isinstance(test, ast.Name) or not body:
        return None
    first = body[0]
    if not (
        isinstance(first, ast.Assign)
        and len(first.targets) == 1
        and isinstance(first.targets[0], ast.Name)
        and isinstance(first.value, ast.Call)
        and isinstance(first.value.func, ast.Attribute)
        and first.value.func.attr in POPS
        and isinstance(first.value.func.value, ast.Name)
        and first.value.func.value.id == test.id
    ):
        return None
    return first.value.func.value, first.targets[0]


def targets(loop: ast.AST) -> list[ast.AST]:
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        return [loop.target]
    if isinstance(loop, ast.While):
        found = worklist_item(loop)
        return [found[1]] if found is not None else []
    return [g.target for g in loop.generators]  # type: ignore[attr-defined]


def iterables(loop: ast.AST) -> list[ast.AST]:
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        return [loop.iter]
    if isinstance(loop, ast.While):
        found = worklist_item(loop)
        return [found[0]] if found is not None else []
    return [g.iter for g in loop.generators]  # type: ignore[attr-defined]


def names_in(node: ast.AST) -> set[str]:
    return {n.id for n in walk(node) if isinstance(n, ast.Name)}


def mentions_any(expr: ast.AST, names: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in walk(expr))


_LOOP_NAMES: dict[int, tuple[ast.AST, frozenset[str]]] = {}


def loop_names(loop: ast.AST) -> set[str]:
    """The loop's targets and the names its body derives from them (memoized per loop:
    every call inside a loop asks)."""
    found = _LOOP_NAMES.get(id(loop))
    if found is not None and found[0] is loop:
        return set(found[1])
    names = _loop_names(loop)
    if len(_LOOP_NAMES) > 4096:
        _LOOP_NAMES.clear()
    _LOOP_NAMES[id(loop)] = (loop, frozenset(names))
    return names


def _loop_names(loop: ast.AST) -> set[str]:
    names = {n for t in targets(loop) for n in names_in(t)}
    if not isinstance(loop, (ast.For, ast.AsyncFor, ast.While)):
        return names
    assigns = [n for n in walk(loop) if isinstance(n, (ast.Assign, ast.AnnAssign, ast.NamedExpr))]
    changed = True
    while changed:
        changed = False
        for assign in assigns:
            if assign.value is None or not mentions_any(assign.value, names):
                continue
            bound = assign.targets if isinstance(assign, ast.Assign) else [assign.target]
            new = {n for t in bound for n in names_in(t)} - names
            if new:
                names |= new
                changed = True
    return names


def is_batch_loop(loop: ast.AST) -> bool:
    """A loop over chunks: `for chunk in batched(ids, 500)`, `range(0, n, size)`."""
    for target in targets(loop):
        if isinstance(target, ast.Name) and any(w in target.id.lower() for w in CHUNK_WORDS):
            return True
    for iterable in iterables(loop):
        if isinstance(iterable, ast.Call):
            name = ast.unparse(iterable.func).lower()
            if any(w in name for w in CHUNK_WORDS) or name.endswith("batched"):
                return True
            if name == "range" and len(iterable.args) == 3:
                return True
    return False


def walks_a_constant(loop: ast.AST, ctx: Context) -> bool:
    """`for k in ("a", "b")`, `for k in KINDS`, `kinds = [...]; for k in kinds`, a
    parameter every caller fills from a module constant: a fixed handful."""
    for iterable in iterables(loop):
        if _is_cast(iterable):
            iterable = iterable.args[1]  # type: ignore[attr-defined]
        func = iterable.func if isinstance(iterable, ast.Call) else None
        if isinstance(func, ast.Attribute) and func.attr in ("items", "keys", "values"):
            iterable = func.value
        if isinstance(iterable, LITERALS):
            return True
        name = iterable.attr if isinstance(iterable, ast.Attribute) else getattr(iterable, "id", "")
        if name and name.isupper():
            return True
        if isinstance(iterable, ast.Name) and _fixed_literal(iterable, ctx):
            return True
        if _class_literal(iterable, ctx):
            return True
        if isinstance(iterable, ast.Attribute) and iterable.attr in TABLE_COLLECTIONS:
            return True  # `metadata.sorted_tables`, `registry.mappers`: tables, not rows
        if isinstance(ctx.type_of(iterable), FixedT):
            return True  # a module constant, or what every caller passes from one
    return walks_model_attributes(loop)


SCHEMA_MAPS = frozenset(
    {"relationships", "columns", "c", "attrs", "column_attrs", "synonyms", "all_orm_descriptors"}
)
"""What a mapper or table maps attribute names to: `mapper.relationships[name]`."""


_SCHEMA_LOOPS: dict[int, tuple[ast.AST, bool]] = {}


def walks_model_attributes(loop: ast.AST) -> bool:
    """The loop's item is the name of a model attribute: the body looks it up in the
    schema (`mapper.relationships[name]`, `mapper.columns.get(key)`), so the loop is
    bounded by the model's fields (a form's, a payload's), not by rows. Memoized per
    loop: every statement inside it asks."""
    found = _SCHEMA_LOOPS.get(id(loop))
    if found is not None and found[0] is loop:
        return found[1]
    result = _looks_up_schema(loop)
    if len(_SCHEMA_LOOPS) > 4096:
        _SCHEMA_LOOPS.clear()
    _SCHEMA_LOOPS[id(loop)] = (loop, result)
    return result


def _looks_up_schema(loop: ast.AST) -> bool:
    names = {n for t in targets(loop) for n in names_in(t)}
    for node in walk(loop):
        looked_up: ast.AST | None = None
        if isinstance(node, ast.Subscript):
            looked_up, key = node.value, node.slice
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and node.args
        ):
            looked_up, key = node.func.value, node.args[0]
        if (
            isinstance(looked_up, ast.Attribute)
            and looked_up.attr in SCHEMA_MAPS
            and isinstance(key, ast.Name)
            and key.id in names
        ):
            return True
    return False


MUTATORS = frozenset({"append", "extend", "insert", "add", "update", "setdefault", "__setitem__"})


def _fixed_literal(name: ast.Name, ctx: Context) -> bool:
    """Bound once to a non-empty literal and never grown (`x.append`, `x[k] = v`)."""
    value = _only_value(name, ctx)
    if value is not None and _is_cast(value):
        value = value.args[1]  # type: ignore[attr-defined]
    if not isinstance(value, LITERALS) or not (
        getattr(value, "elts", None) or getattr(value, "keys", None)
    ):
        return False
    if not fixed_items(value):
        return False  # `items = [item]` wraps what the caller gave: as many as it is
    function = ctx.enclosing_function(name)
    if function is not None and any(a.arg == name.id for a, _ in function_params(function)):
        return False  # a parameter rebound to a literal on one path only
    scope: ast.AST = function or ctx.module.tree
    for node in walk(scope):
        target = (
            node.func.value
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in MUTATORS
            else None
        )
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            target = next((t.value for t in targets if isinstance(t, ast.Subscript)), target)
        if isinstance(target, ast.Name) and target.id == name.id:
            return False
    return True


def _class_literal(expr: ast.AST, ctx: Context) -> bool:
    """`self._join_table_map`: a class attribute bound to a literal in the class body."""
    if not (isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name)):
        return False
    if expr.value.id not in ("self", "cls"):
        return False
    cls = next((a for a in ctx.ancestors(expr) if isinstance(a, ast.ClassDef)), None)
    if cls is None:
        return False
    for stmt in cls.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and any(
            isinstance(t, ast.Name) and t.id == expr.attr for t in _bound(stmt)
        ):
            return isinstance(stmt.value, LITERALS)
    return False


def _is_cast(node: ast.AST) -> bool:
    """`cast(T, value)` / `typing.cast(...)`: the value, for the type checker only."""
    if not isinstance(node, ast.Call) or len(node.args) != 2:
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id == "cast") or (
        isinstance(func, ast.Attribute) and func.attr == "cast"
    )


def streams(loop: ast.AST, ctx: Context) -> bool:
    """`async for` over something that is not rows: a stream of messages, handled as
    each arrives, with nothing fetched to batch."""
    if not isinstance(loop, ast.AsyncFor):
        return False
    from repolint.semantics.types import ROW_SOURCES, ResultT

    return not isinstance(ctx.type_of(loop.iter), (*ROW_SOURCES, ResultT))


_ASSIGNS: dict[int, tuple[ast.AST, dict[str, list[ast.AST]]]] = {}


def _assigned_values(scope: ast.AST) -> dict[str, list[ast.AST]]:
    """Name -> the values assigned to it anywhere in `scope` (memoized per scope)."""
    found = _ASSIGNS.get(id(scope))
    if found is not None and found[0] is scope:
        return found[1]
    table: dict[str, list[ast.AST]] = {}
    for n in walk(scope):
        if isinstance(n, (ast.Assign, ast.AnnAssign)):
            for t in _bound(n):
                if isinstance(t, ast.Name):
                    table.setdefault(t.id, []).append(n.value)  # type: ignore[arg-type]
    if len(_ASSIGNS) > 4096:
        _ASSIGNS.clear()
    _ASSIGNS[id(scope)] = (scope, table)
    return table


def _only_value(name: ast.Name, ctx: Context) -> ast.AST | None:
    """The value of the single assignment to `name` in its function, or at module level."""
    scope: ast.AST = ctx.enclosing_function(name) or ctx.module.tree
    values = _assigned_values(scope).get(name.id, [])
    if len(values) == 1:
        return values[0]
    if not values and name.id in ctx.module.assigns:
        return ctx.module.assigns[name.id]
    return None


def _bound(node: ast.Assign | ast.AnnAssign) -> list[ast.AST]:
    return list(node.targets) if isinstance(node, ast.Assign) else [node.target]


def statement_trees(statement: ast.AST, ctx: Context) -> list[ast.AST]:
    """The statement and the values last assigned, in its block, to the names it uses."""
    trees = [statement]
    used = names_in(statement)
    holder: ast.AST = statement
    for anc in ctx.ancestors(statement):
        block = next(
            (
                getattr(anc, f)
                for f in ("body", "orelse", "finalbody")
                if isinstance(getattr(anc, f, None), list) and holder in getattr(anc, f)
            ),
            None,
        )
        if block is not None:
            for earlier in block[: block.index(holder)]:
                is_assign = isinstance(earlier, (ast.Assign, ast.AnnAssign))
                if (
                    is_assign
                    and earlier.value is not None
                    and names_in(
                        ast.Tuple(elts=_bound(earlier))  # type: ignore[arg-type]
                    )
                    & used
                ):
                    trees.append(earlier.value)
        if isinstance(anc, (ast.For, ast.AsyncFor, ast.FunctionDef, ast.AsyncFunctionDef)):
            break
        holder = anc
    return trees


def uses_in_batch(statement: ast.AST, names: set[str], ctx: Context) -> bool:
    """Criteria that take many items at once: `.in_(chunk)`, directly or in a project
    helper that builds the statement (`_stmt_for(relation, values)`)."""
    for tree in statement_trees(statement, ctx):
        for node in walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if not any(mentions_any(a, names) for a in node.args):
                continue
            if isinstance(node.func, ast.Attribute) and node.func.attr in ("in_", "any_"):
                if any(_many_items(a, names) for a in node.args):
                    return True
                continue  # `.in_(item.emails)`: one item's values, a query per item
            call = ctx.project_call(node)
            ref = ctx.index.functions.get(call.qual) if call is not None else None
            if ref is not None and any(
                isinstance(n, ast.Attribute) and n.attr in ("in_", "any_") for n in walk(ref.node)
            ):
                return True
    return False


_COPIES = frozenset({"list", "tuple", "set", "frozenset", "sorted"})


def _many_items(arg: ast.AST, names: set[str]) -> bool:
    """An `in_()` argument that is the loop's item itself (a chunk), a slice, a copy or
    a comprehension over one: not a value read off a single item (`item.emails`)."""
    if isinstance(arg, ast.Name):
        return arg.id in names
    if isinstance(arg, ast.Subscript):
        return isinstance(arg.slice, ast.Slice) and mentions_any(arg.value, names)
    if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id in _COPIES:
        return any(_many_items(a, names) for a in arg.args)
    if isinstance(arg, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
        return any(_many_items(g.iter, names) for g in arg.generators)
    return not mentions_any(arg, names)  # a collection of the enclosing scope


def walks_tables(loop: ast.AST, statement: ast.AST, ctx: Context) -> bool:
    """The loop's item is a table or model (`delete(model)`, `text(f"DROP TABLE {t}")`)."""
    item_names = {n for t in targets(loop) for n in names_in(t)}
    trees = [statement]
    used = names_in(statement)
    for node in walk(loop):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in used for t in node.targets
        ):
            trees.append(node.value)
    uses = [
        n for tree in trees for n in walk(tree) if isinstance(n, ast.Name) and n.id in item_names
    ]
    return any(_in_entity_position(n, ctx) for n in uses)


def _in_entity_position(node: ast.AST, ctx: Context) -> bool:
    child = node
    for anc in ctx.ancestors(node):
        if isinstance(anc, ast.Call):
            func = anc.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first_arg = bool(anc.args) and child is anc.args[0]
            return name == "text" or (name in ENTITY_CALLS and first_arg)
        if not isinstance(anc, (ast.JoinedStr, ast.FormattedValue)):
            return False
        child = anc
    return False


def exits_loop_after(node: ast.AST, loop: ast.AST, ctx: Context) -> bool:
    """After the statement holding `node`, its block always returns, raises or breaks."""
    child = node
    for anc in ctx.ancestors(node):
        fields = ("body",) if anc is loop else ("body", "orelse", "finalbody")
        for field in fields:
            block = getattr(anc, field, None)
            if isinstance(block, list) and child in block:
                if isinstance(child, (ast.Return, ast.Raise, ast.Break)):
                    return True
                later = block[block.index(child) + 1 :]
                if any(isinstance(s, (ast.Return, ast.Raise, ast.Break)) for s in later):
                    return True
        if anc is loop:
            return False
        child = anc
    return False


def batch_guarded(node: ast.AST, loop: ast.AST, ctx: Context) -> bool:
    """Under an `if` inside `loop` that tests a batch boundary (RPL309):
    `i % 100 == 0`, `len(pending) >= n`, `done == batch_size`."""
    child = node
    for anc in ctx.ancestors(node):
        if anc is loop:
            return False
        if isinstance(anc, ast.If) and child in anc.body and _tests_a_batch(anc.test):
            return True
        child = anc
    return False


def _tests_a_batch(test: ast.expr) -> bool:
    for n in walk(test):
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Mod):
            return True
        if isinstance(n, ast.Compare) and any(
            isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and c.func.id == "len"
            for side in (n.left, *n.comparators)
            for c in walk(side)
        ):
            return True
        name = n.id if isinstance(n, ast.Name) else n.attr if isinstance(n, ast.Attribute) else ""
        if any(w in name.lower() for w in CHUNK_WORDS):
            return True
    return False


def in_except_handler(node: ast.AST, loop: ast.AST, ctx: Context) -> bool:
    """In an `except` clause inside `loop`: the recovery path, not each item's (RPL309)."""
    for anc in ctx.ancestors(node):
        if anc is loop:
            return False
        if isinstance(anc, ast.ExceptHandler):
            return True
    return False


def on_error_path(node: ast.AST, ctx: Context) -> bool:
    """In an `except` clause of the innermost loop (or comprehension) around `node`:
    run for the items that failed, not for each item."""
    for anc in ctx.ancestors(node):
        if isinstance(anc, ast.ExceptHandler):
            return True
        if isinstance(anc, _SCOPES_AND_LOOPS):
            return False
    return False


_SCOPES_AND_LOOPS = (
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.ListComp,
    ast.SetComp,
    ast.GeneratorExp,
    ast.DictComp,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.Lambda,
)


def _in_body(node: ast.AST, test_if: ast.If) -> bool:
    return any(n is node for stmt in test_if.body for n in walk(stmt))


def memoized_per_key(node: ast.AST, loop: ast.AST, ctx: Context) -> bool:
    """Under a memo guard (`if key not in cache:` storing `cache[key] = ...`, or
    `found = cache.get(key)` then `if found is None:`) inside `loop`: run once per
    distinct key, not once per item."""
    func = ctx.enclosing_function(node)
    for anc in ctx.ancestors(node):
        if anc is loop:
            return False
        if isinstance(anc, ast.If) and _in_body(node, anc) and memo_guard(anc, func) is not None:
            return True
    return False
