"""Following rows back inside a function, by its syntax only: a name to its one
assignment, a loop variable to the iterable of its loop, a function to what it returns."""

from __future__ import annotations

import ast

from repolint.semantics.context import Context

Function = ast.FunctionDef | ast.AsyncFunctionDef


def rows_source(name: ast.Name, function: Function, ctx: Context) -> ast.expr | None:
    """The expression the rows in `name` come from: the iterable of the loop (or
    comprehension) that binds it, or the value of its one assignment; a name in turn
    is followed to its one assignment."""
    expr: ast.expr | None = loop_iterable(name, function, ctx)
    if expr is None:
        expr = single_value(name.id, function)
    if isinstance(expr, ast.Name):
        expr = single_value(expr.id, function)
    return expr


def loop_iterable(name: ast.Name, function: Function, ctx: Context) -> ast.expr | None:
    for anc in ctx.ancestors(name):
        if anc is function:
            return None
        loops: list[ast.For | ast.AsyncFor | ast.comprehension] = []
        if isinstance(anc, (ast.For, ast.AsyncFor)):
            loops = [anc]
        elif isinstance(anc, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            loops = list(anc.generators)
        for loop in loops:
            target = loop.target
            if isinstance(target, ast.Name) and target.id == name.id:
                return _dict_values(loop.iter, "values", function) or loop.iter
            if (
                isinstance(target, ast.Tuple)
                and len(target.elts) == 2
                and isinstance(target.elts[1], ast.Name)
                and target.elts[1].id == name.id
            ):
                return _dict_values(loop.iter, "items", function)
    return None


def _dict_values(expr: ast.expr, method: str, function: Function) -> ast.expr | None:
    """`by_email.values()` / `.items()` of `by_email = {p.email: p for p in rows}`
    assigned once in `function` (or `{}` filled in one loop over `rows`): `rows`, the
    iterable whose rows are the dict's values."""
    if not (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr == method
        and isinstance(expr.func.value, ast.Name)
        and not expr.args
        and not expr.keywords
    ):
        return None
    built = single_value(expr.func.value.id, function)
    if isinstance(built, ast.Dict) and not built.keys:
        return _filled_in_loop(expr.func.value.id, function)
    if not isinstance(built, ast.DictComp) or len(built.generators) != 1:
        return None
    loop = built.generators[0]
    value = built.value
    if loop.is_async or not isinstance(loop.target, ast.Name):
        return None
    if not isinstance(value, ast.Name) or value.id != loop.target.id:
        return None
    return loop.iter


def _filled_in_loop(name: str, function: Function) -> ast.expr | None:
    """`rows` for `by_id = {}` filled once by `for p in rows: by_id[p.id] = p`, when the
    dict is used nowhere else than there and where its values are read."""
    uses = [n for n in ast.walk(function) if isinstance(n, ast.Name) and n.id == name]
    stores = [
        (loop, stmt)
        for loop in ast.walk(function)
        if isinstance(loop, ast.For) and isinstance(loop.target, ast.Name)
        for stmt in loop.body
        if isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Subscript)
        and isinstance(stmt.targets[0].value, ast.Name)
        and stmt.targets[0].value.id == name
    ]
    if len(uses) != 3 or len(stores) != 1:
        return None  # one binding, one store, one read: nothing else touches the dict
    loop, stmt = stores[0]
    value = stmt.value
    if not (isinstance(value, ast.Name) and isinstance(loop.target, ast.Name)):
        return None
    return loop.iter if value.id == loop.target.id else None


def bindings_of(name: str, function: Function) -> list[ast.AST]:
    """Every node of `function` that binds `name` (parameters included)."""
    found: list[ast.AST] = []
    args = function.args
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
        if arg is not None and arg.arg == name:
            found.append(arg)
    found.extend(node for node in ast.walk(function) if _binds(node, name, function))
    return found


def _binds(node: ast.AST, name: str, function: Function) -> bool:
    """`node` binds `name`: an assignment target, `global`, `except ... as`, an import,
    a nested `def` or `class`."""
    if isinstance(node, ast.Name):
        return node.id == name and isinstance(node.ctx, ast.Store)
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return name in node.names
    if isinstance(node, ast.ExceptHandler):
        return node.name == name
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return any((a.asname or a.name.split(".")[0]) == name for a in node.names)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node is not function and node.name == name
    return False


def single_value(name: str, function: Function) -> ast.expr | None:
    """The value of the one plain assignment `name = value` of `function`, if that is
    its only binding."""
    bindings = bindings_of(name, function)
    if len(bindings) != 1:
        return None
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and node.targets[0] is bindings[0]
        ):
            return node.value
        if isinstance(node, ast.AnnAssign) and node.target is bindings[0]:
            return node.value
    return None


def only_yield_from(function: Function) -> ast.expr | None:
    """The value of a generator's one `yield from`, when it has no other `yield` and no
    `return` (none in nested functions counted)."""
    return _the_one(function, ast.YieldFrom, (ast.Yield, ast.Return))


def only_return(function: Function) -> ast.expr | None:
    """The value of the function's one `return` (none in nested functions counted), when
    it has no other and does not yield."""
    return _the_one(function, ast.Return, (ast.Yield, ast.YieldFrom))


def _the_one(
    function: Function,
    wanted: type[ast.YieldFrom] | type[ast.Return],
    spoilers: tuple[type[ast.AST], ...],
) -> ast.expr | None:
    """The value of the one `wanted` node of the body (nested scopes left out), None when
    there are several, none, or any of `spoilers`."""
    found: list[ast.YieldFrom | ast.Return] = []
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, spoilers):
            return None
        if isinstance(node, wanted):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found[0].value if len(found) == 1 else None


def unpacked_from(name: ast.Name, function: Function, ctx: Context) -> tuple[ast.Call, int] | None:
    """`(call, i)` when the rows in `name` (or the loop over a name) are the `i`-th of the
    names a call's result is unpacked into, once: `people, total = page_of(db, 1)`."""
    iterable = loop_iterable(name, function, ctx)
    if iterable is None:
        target = name.id
    elif isinstance(iterable, ast.Name):
        target = iterable.id
    else:
        return None
    found = bindings_of(target, function)
    if len(found) != 1:
        return None
    for node in ast.walk(function):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        names = node.targets[0]
        if not isinstance(names, ast.Tuple) or not isinstance(node.value, ast.Call):
            continue
        if found[0] in names.elts and all(isinstance(e, ast.Name) for e in names.elts):
            return node.value, names.elts.index(found[0])
    return None


def returned_element(function: Function, index: int) -> ast.expr | None:
    """The `index`-th element of the tuples `function` returns, when every `return` gives a
    tuple literal and all but one give an empty list or tuple there (`return [], 0`):
    that one. None for a generator."""
    values: list[ast.expr] = []
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return None
        if isinstance(node, ast.Return):
            if not isinstance(node.value, ast.Tuple) or len(node.value.elts) <= index:
                return None
            values.append(node.value.elts[index])
        stack.extend(ast.iter_child_nodes(node))
    rows = [v for v in values if not (isinstance(v, (ast.List, ast.Tuple)) and not v.elts)]
    return rows[0] if len(rows) == 1 else None
