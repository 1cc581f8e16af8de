"""Fixes of lazy loads (RPL301, RPL302): make the query that produced the rows load the
relationship.

The rows are followed back inside the function that reads them, by its syntax only:
the loop variable (or a name assigned once) -> the iterable -> the call that fetched
them. Two repairs, both unsafe (they change what a query loads):

- the rows come from `session.scalars(stmt)` / `session.execute(stmt)` of a
  `select(Model)` built in the same function: add `selectinload(Model.rel)` to its
  `.options(...)` (extended, or created after `select(...)`), and import `selectinload`;
- the rows come from a repository method whose `<method>_with_relations` sibling (a
  configured suffix) takes the same parameters and eager-loads the relationship: call
  the sibling instead.

Anything else (rows from a helper, a statement built elsewhere or reassigned from
something else, several entities) gets no fix.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from repolint.fixes.edits import (
    Applicability,
    Edit,
    Fix,
    end_of,
    fix,
    insert,
    replace,
    start_of,
)
from repolint.fixes.follow import (
    Function,
    bindings_of,
    loop_iterable,
    only_return,
    only_yield_from,
    returned_element,
    rows_source,
    single_value,
    unpacked_from,
)
from repolint.fixes.loaders import (
    load_options,
    loader_for,
    loader_imports,
    loaders_named,
)
from repolint.fixes.locate import (
    InModule,
    ModuleView,
    append_argument,
    import_edits,
    name_for_class,
)
from repolint.semantics.annotations import dependency_function
from repolint.semantics.context import Context
from repolint.semantics.models import Relationship
from repolint.semantics.module import function_params
from repolint.semantics.names import SELECT_FUNCS
from repolint.semantics.types import InstanceT, QueryT, ResultT, RowsT, SessionT, eager_covers

FETCHING_METHODS = frozenset({"scalars", "execute", "scalar"})
ROW_METHODS = frozenset(
    {
        "all",
        "unique",
        "scalars",
        "first",
        "one",
        "one_or_none",
        "scalar_one",
        "scalar_one_or_none",
        "fetchall",
    }
)
ROW_WRAPPERS = frozenset({"list", "tuple"})


def load_relationships(
    row: ast.expr, instance: InstanceT, rels: Sequence[Relationship], ctx: Context
) -> Fix | None:
    """The fix that makes the rows `row` stands for arrive with `rels` loaded, if sure."""
    function = ctx.enclosing_function(row)
    if function is None or not rels:
        return None
    source = rows_source(row, function, ctx) if isinstance(row, ast.Name) else row
    if source is None:
        unpacked = unpacked_from(row, function, ctx) if isinstance(row, ast.Name) else None
        if unpacked is None and isinstance(row, ast.Name):
            return _from_dependency(row, function, instance, rels, ctx)
        return _in_helper(*unpacked, instance, rels, ctx) if unpacked else None
    nested = isinstance(source, ast.Attribute) and source.attr != "query"
    if nested and isinstance(source, ast.Attribute) and isinstance(source.value, ast.Name):
        return _nested(source, instance, rels, function, ctx)
    rows = _unwrapped(source, function)
    if isinstance(rows, ast.Attribute) and isinstance(ctx.type_of(rows), QueryT):
        return _fix_of(_chain_edits(rows, instance, rels, ctx), rels)  # `Model.query.all()`
    fetch = _fetching_call(source, function)
    if fetch is None:
        return None
    func = fetch.func
    if isinstance(func, ast.Name):
        return _switch_to_function_sibling(fetch, func, instance, rels, ctx) or _in_helper(
            fetch, None, instance, rels, ctx
        )
    if not isinstance(func, ast.Attribute):
        return _in_helper(fetch, None, instance, rels, ctx)
    session = isinstance(ctx.type_of(func.value), SessionT)
    if session and func.attr in FETCHING_METHODS:
        return _add_selectinload(fetch, instance, rels, function, ctx)
    if session and func.attr == "get":
        return _get_with_options(fetch, instance, rels, ctx)
    query = func.value if func.attr in QUERY_FETCHERS else fetch
    if isinstance(ctx.type_of(query), QueryT):
        return _fix_of(_chain_edits(query, instance, rels, ctx), rels)
    return (
        _switch_to_sibling(fetch, func, instance, rels, ctx)
        or _new_sibling(fetch, func, instance, rels, ctx)
        or _in_helper(fetch, None, instance, rels, ctx)
    )


def _nested(
    collection: ast.Attribute,
    instance: InstanceT,
    rels: Sequence[Relationship],
    function: Function,
    ctx: Context,
) -> Fix | None:
    """Rows of a relationship (`for book in shelf.books: book.author`) whose parent rows
    come from a statement of this function that already eager-loads that relationship
    (`selectinload(Shelf.books)`): chain the loading of the next level onto that option,
    `selectinload(Shelf.books).selectinload(Book.author)`."""
    parent = collection.value
    assert isinstance(parent, ast.Name)
    source = rows_source(parent, function, ctx)
    rows = _unwrapped(source) if source is not None else None
    chain: ast.expr | None = None
    fetch = rows if isinstance(rows, ast.Call) else None
    if isinstance(rows, ast.Attribute) and isinstance(ctx.type_of(rows), QueryT):
        chain = rows
    elif fetch is None or not isinstance(fetch.func, ast.Attribute):
        return None
    elif fetch.func.attr in FETCHING_METHODS and isinstance(
        ctx.type_of(fetch.func.value), SessionT
    ):
        if len(fetch.args) == 1 and not fetch.keywords:
            stmt = fetch.args[0]
            chain = statement_built(stmt.id, function) if isinstance(stmt, ast.Name) else stmt
    elif isinstance(ctx.type_of(fetch), QueryT):
        chain = fetch
    else:  # a repository method: its sibling may load both levels
        row = ctx.type_of(parent)
        if not isinstance(row, InstanceT):
            return None
        above = (collection.attr,)
        return _switch_to_sibling(fetch, fetch.func, row, rels, ctx, above)
    found = _chain_base(chain, ctx) if chain is not None else None
    if found is None or found[2] is None or not isinstance(found[1], ast.Name):
        return None
    _, entity, options = found
    assert options is not None and isinstance(entity, ast.Name)
    inner = name_for_class(ctx, instance.model)
    if inner is None:
        return None
    option = _loader_option(options, entity.id, collection.attr, ctx)
    if option is None:
        return None
    if len(rels) != 1:
        return None  # several relationships below one: one chain each, left to a person
    method = loader_for(ctx, instance.model, rels[0]).rsplit(".", 1)[-1]
    end = end_of(option, ctx.module.lines)
    if end is None:
        return None
    edits = [insert(ctx.module.display, end, f".{method}({inner}.{rels[0].name})")]
    return fix(
        Applicability.UNSAFE,
        f"Eager-load `{inner}.{rels[0].name}` below `{entity.id}.{collection.attr}`",
        edits,
    )


LOADERS = frozenset(
    {"sqlalchemy.orm.selectinload", "sqlalchemy.orm.joinedload", "sqlalchemy.orm.subqueryload"}
)


def _loader_option(options: ast.Call, entity: str, rel: str, ctx: Context) -> ast.Call | None:
    """The argument of `.options(...)` that is exactly `selectinload(Entity.rel)` (or
    `joinedload`, `subqueryload`), not chained further."""
    for arg in options.args:
        if (
            isinstance(arg, ast.Call)
            and isinstance(arg.func, ast.Name)
            and ctx.module.imports.qualify(arg.func) in LOADERS
            and len(arg.args) == 1
            and not arg.keywords
            and isinstance(arg.args[0], ast.Attribute)
            and arg.args[0].attr == rel
            and isinstance(arg.args[0].value, ast.Name)
            and arg.args[0].value.id == entity
        ):
            return arg
    return None


# -- following the rows back --------------------------------------------------------


def _fetching_call(expr: ast.expr, function: Function | None = None) -> ast.Call | None:
    """`db.scalars(s)` in `(await db.scalars(s)).unique().all()`, `list(db.scalars(s))`;
    `repo.list_x()` in `await repo.list_x()`."""
    found = _unwrapped(expr, function)
    return found if isinstance(found, ast.Call) else None


def _unwrapped(expr: ast.expr, function: Function | None = None) -> ast.expr | None:
    """What gives the rows once `await`, `list(...)` and `.all()`-like calls are taken
    off: a call, or a query attribute (`Model.query` in `Model.query.all()`). Given the
    function, a result kept in a name assigned once is followed there
    (`result = await db.scalars(s)` ... `result.all()`)."""
    followed = 0
    while True:
        if isinstance(expr, ast.Name) and function is not None and followed < 2:
            value = single_value(expr.id, function)
            if value is None:
                return None
            expr, followed = value, followed + 1
        elif isinstance(expr, ast.Await):
            expr = expr.value
        elif (
            isinstance(expr, ast.Call)
            and isinstance(expr.func, ast.Name)
            and expr.func.id in ROW_WRAPPERS
            and len(expr.args) == 1
            and not expr.keywords
        ):
            expr = expr.args[0]
        elif (
            isinstance(expr, ast.Call)
            and isinstance(expr.func, ast.Attribute)
            and expr.func.attr in ROW_METHODS
            and not expr.args
        ):
            expr = expr.func.value
        elif isinstance(expr, (ast.Call, ast.Attribute)):
            return expr
        else:
            return None


# -- adding selectinload to the statement ---------------------------------------------


def _add_selectinload(
    fetch: ast.Call,
    instance: InstanceT,
    rels: Sequence[Relationship],
    function: Function,
    where: InModule,
) -> Fix | None:
    """`session.scalars(stmt)` of a `select(Model)` built in `function`."""
    if len(fetch.args) != 1 or fetch.keywords:
        return None
    stmt = fetch.args[0]
    chain = statement_built(stmt.id, function) if isinstance(stmt, ast.Name) else stmt
    if chain is None:
        return None
    return _fix_of(_chain_edits(chain, instance, rels, where), rels)


Generic = tuple[str, InModule]
"""For a method of a generic base copied into a module: the name that module has for the
model `select(self.model)` selects there, and that module (whose loader names are used)."""

Loading = tuple[list[Edit], str, list[str]]
"""The edits that load relationships, the name the module gives the model, and the
qualified loader functions they call."""


def _fix_of(edits: Loading | None, rels: Sequence[Relationship]) -> Fix | None:
    if edits is None:
        return None
    found, entity, used = edits
    names = ", ".join(f"`{entity}.{rel.name}`" for rel in rels)
    return fix(Applicability.UNSAFE, f"Eager-load {names} with {loaders_named(used)}", found)


QUERY_FETCHERS = frozenset({"get", "get_or_404", "first_or_404", "one_or_404"})
"""Methods of a legacy `Query` that run it for one row (with arguments)."""

QUERY_METHODS = frozenset(
    {
        "filter",
        "filter_by",
        "where",
        "order_by",
        "join",
        "outerjoin",
        "join_from",
        "limit",
        "offset",
        "options",
        "distinct",
        "select_from",
        "execution_options",
        "params",
        "populate_existing",
        "slice",
    }
)
"""Methods of a `select()` or `Query` chain that keep its entity and its loading."""


def _chain_edits(
    chain: ast.expr,
    instance: InstanceT,
    rels: Sequence[Relationship],
    where: InModule,
    with_import: bool = True,
    generic: Generic | None = None,
) -> Loading | None:
    """The edits that add `selectinload(Model.rel)` (or `joinedload`, `loaders`) for `rels`
    to a `select(Model)` or `Model.query` / `session.query(Model)` chain of `where`'s
    module, with the imports (unless told not to); with `generic`, to the `select(E)` of
    a generic base whose `E` (`self.model`) stands for the model."""
    found = _chain_base(chain, where, generic is not None)
    if found is None:
        return None
    base, entity, options = found
    if isinstance(entity, ast.Name):
        qual = where.index.canonical(where.module.imports.qualify(entity))
        if qual != instance.model:
            return None
        name, names_in = entity.id, where
    elif generic is not None:
        name, names_in = generic
    else:
        return None
    path, lines = where.module.display, where.module.lines
    loads, used = load_options(names_in, name, instance.model, rels)
    edits: list[Edit] = []
    if options is not None:
        edit = append_argument(options, loads, where)
        if edit is None:
            return None
        edits.append(edit)
    else:
        end = end_of(base, lines)
        if end is None:
            return None
        edits.append(insert(path, end, f"{_fluent_break(lines, end)}.options({loads})"))
    if with_import:
        added = loader_imports(where, used)
        if added is None:
            return None
        edits.extend(added)
    return edits, name, used


def _fluent_break(lines: Sequence[str], end: tuple[int, int]) -> str:
    """A new line and the indentation of the chain's next line when the chain is laid out
    one method a line (`select(A)` ending its line, `.where(...)` opening the next), so
    that `.options(...)` gets a line of its own like the others; else nothing."""
    line, column = end
    if line >= len(lines) or lines[line - 1][column - 1 :].strip():
        return ""
    following = lines[line]
    if not following.lstrip().startswith("."):
        return ""
    return "\n" + following[: len(following) - len(following.lstrip())]


def _chain_base(
    chain: ast.expr, where: InModule, generic: bool = False
) -> tuple[ast.expr, ast.expr, ast.Call | None] | None:
    """(the chain's start, the model it selects, its first `.options(...)` call) for
    `select(Model)...`, `Model.query...` and `<session>.query(Model)...` chains made of
    methods that keep the entity (`QUERY_METHODS`); the model is a name, or with
    `generic` an attribute too (`select(self.model)`)."""
    options: ast.Call | None = None
    node = chain
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "query" and len(node.args) == 1 and not node.keywords:
            entity = node.args[0]
            return (node, entity, options) if isinstance(entity, ast.Name) else None
        if node.func.attr not in QUERY_METHODS:
            return None
        if node.func.attr == "options":
            options = node
        node = node.func.value
    if isinstance(node, ast.Attribute) and node.attr == "query":
        entity = node.value
        return (node, entity, options) if isinstance(entity, ast.Name) else None
    if not isinstance(node, ast.Call) or not isinstance(node.func, (ast.Name, ast.Attribute)):
        return None
    if where.module.imports.qualify(node.func) not in SELECT_FUNCS:
        return None
    if len(node.args) != 1 or node.keywords:
        return None
    entity = node.args[0]
    if not isinstance(entity, ast.Name) and not (generic and _attribute_path(entity)):
        return None
    return node, entity, options


def _attribute_path(expr: ast.expr) -> bool:
    """`self.model`: attributes of a name."""
    while isinstance(expr, ast.Attribute):
        expr = expr.value
    return isinstance(expr, ast.Name)


def statement_built(name: str, function: Function) -> ast.expr | None:
    """The `select(...)` chain a statement name starts as, when every other assignment of
    it only extends it (`stmt = stmt.where(...)`)."""
    bindings = bindings_of(name, function)
    assigns = [
        node
        for node in ast.walk(function)
        if isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id == name
    ]
    if not assigns or len(assigns) != len(bindings):
        return None
    assigns.sort(key=lambda a: (a.lineno, a.col_offset))
    first, later = assigns[0], assigns[1:]
    if _names_in(first.value, name):
        return None
    for assign in later:
        head = assign.value
        while isinstance(head, ast.Call) and isinstance(head.func, ast.Attribute):
            head = head.func.value
        if not (isinstance(head, ast.Name) and head.id == name):
            return None
    return first.value


def _names_in(expr: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(expr))


def _get_with_options(
    call: ast.Call, instance: InstanceT, rels: Sequence[Relationship], ctx: Context
) -> Fix | None:
    """`db.get(Order, id)` -> `db.get(Order, id, options=[selectinload(Order.lines)])`."""
    found = _get_options_edit(call, instance, rels, ctx)
    if found is None:
        return None
    added, entity, used = found
    imported = loader_imports(ctx, used)
    if imported is None:
        return None
    return _fix_of(([*added, *imported], entity, used), rels)


def _get_options_edit(
    call: ast.Call, instance: InstanceT, rels: Sequence[Relationship], where: InModule
) -> Loading | None:
    """The edit that passes `options=[selectinload(Order.lines)]` to `db.get(Order, id)`
    (the imports left out)."""
    if len(call.args) != 2 or any(k.arg in (None, "options") for k in call.keywords):
        return None
    entity = call.args[0]
    if not isinstance(entity, ast.Name):
        return None
    if where.index.canonical(where.module.imports.qualify(entity)) != instance.model:
        return None
    loads, used = load_options(where, entity.id, instance.model, rels)
    added = append_argument(call, f"options=[{loads}]", where)
    return None if added is None else ([added], entity.id, used)


def statement_loading_edits(
    function: Function,
    instance: InstanceT,
    rels: Sequence[Relationship],
    ctx: Context,
    base: InModule | None = None,
    model_name: str = "",
    home: InModule | None = None,
) -> Loading | None:
    """RPL304: the edits (the import left out) that add `selectinload` for `rels` where
    `function` builds the one statement whose rows it returns from its one `return`:
    `session.scalars(stmt)` / `session.execute(stmt)` (through `await`, `.all()`-like
    calls and names assigned once) of a `select(Model)` chain, a `session.query(Model)`
    or `Model.query` chain, `session.get(Model, id)` (on what is typed a session). None
    for any other shape. With `base`, `function` is a method of a generic base of that
    module, to be copied into `ctx`'s: its `select(self.model)` loads `model_name`'s
    relationships, with the loaders named as `ctx` names them. With `home`, `function`
    is a method of that other module, where its twin goes."""
    where: InModule = home or ctx
    generic: Generic | None = None
    if base is not None:
        where, generic = base, (model_name, ctx)
    returned = only_return(function)
    rows = _unwrapped(returned, function) if returned is not None else None
    if isinstance(rows, ast.Attribute) and rows.attr == "query":
        return _chain_edits(rows, instance, rels, where, False, generic)
    if not isinstance(rows, ast.Call) or not isinstance(rows.func, ast.Attribute):
        return None
    func = rows.func
    chain: ast.expr | None
    if func.attr in FETCHING_METHODS:
        if len(rows.args) != 1 or rows.keywords:
            return None
        stmt = rows.args[0]
        chain = statement_built(stmt.id, function) if isinstance(stmt, ast.Name) else stmt
    elif func.attr == "get" and not _is_query_chain(func.value):
        if generic is not None or not isinstance(ctx.type_of(func.value), SessionT):
            return None  # a repository's own `get(Model, id)` takes no `options=`
        return _get_options_edit(rows, instance, rels, where)
    elif func.attr in QUERY_FETCHERS:
        chain = func.value
    elif (passed := _statement_run_by(rows, function, where)) is not None:
        chain = statement_built(passed.id, function) if isinstance(passed, ast.Name) else passed
    else:
        chain = rows
    return None if chain is None else _chain_edits(chain, instance, rels, where, False, generic)


def _statement_run_by(call: ast.Call, function: Function, where: InModule) -> ast.expr | None:
    """`select(Note)` in `return self._all(select(Note))`, when `_all` is a method of the
    class (own or inherited) that returns the rows of the statement parameter it is given:
    `return list(self.db.scalars(stmt))` (the parameter never reassigned)."""
    func = call.func
    if not (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id == "self"
        and not call.keywords
        and not any(isinstance(a, ast.Starred) for a in call.args)
    ):
        return None
    index = where.index
    owner = next((r.owner for r in index.functions_of(where.module) if r.node is function), None)
    helper = index.method(owner, func.attr) if owner is not None else None
    node = helper.node if helper is not None else None
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.decorator_list:
        return None
    if type(node) is not type(function):
        return None
    returned = only_return(node)
    run = _unwrapped(returned) if returned is not None else None
    if not (
        isinstance(run, ast.Call)
        and isinstance(run.func, ast.Attribute)
        and run.func.attr in FETCHING_METHODS
        and len(run.args) == 1
        and not run.keywords
        and isinstance(run.args[0], ast.Name)
    ):
        return None
    params = [a.arg for a in [*node.args.posonlyargs, *node.args.args]][1:]  # after `self`
    name = run.args[0].id
    if name not in params or len(bindings_of(name, node)) != 1:
        return None
    position = params.index(name)
    return call.args[position] if position < len(call.args) else None


def _is_query_chain(expr: ast.expr) -> bool:
    """`session.query(Model)...` or `Model.query...`: `.get(id)` on it is `Query.get`."""
    while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
        if expr.func.attr == "query":
            return True
        expr = expr.func.value
    return isinstance(expr, ast.Attribute) and expr.attr == "query"


# -- calling the repository's `_with_relations` sibling ----------------------------------


def _switch_to_sibling(
    call: ast.Call,
    func: ast.Attribute,
    instance: InstanceT,
    rels: Sequence[Relationship],
    ctx: Context,
    above: tuple[str, ...] = (),
) -> Fix | None:
    """Call the `<method>_with_relations` sibling that takes the same parameters and
    eager-loads `rels` (below the relationships `above`, for a nested read)."""
    project_call = ctx.project_call(call)
    if project_call is None:
        return None
    index = ctx.index
    ref = index.functions.get(project_call.qual)
    if ref is None or getattr(ref.node, "name", None) != func.attr:
        return None
    owner = project_call.self_cls or ref.owner
    if owner is None or (instance.origin is not None and instance.origin[1] != func.attr):
        return None
    for suffix in ctx.settings.with_relations_suffixes:
        name = f"{func.attr}{suffix}"
        sibling = index.method(owner, name)
        if sibling is None or type(sibling.node) is not type(ref.node):
            continue
        if not _same_parameters(ref.node, sibling.node):
            continue
        returned = index.facts.facts(sibling, owner).returns
        if not isinstance(returned, (InstanceT, RowsT, ResultT, QueryT)):
            continue
        if not all(eager_covers(returned.eager, (*above, rel.name)) for rel in rels):
            continue
        end = end_of(func, ctx.module.lines)
        if end is None:
            continue
        start = (end[0], end[1] - len(func.attr))
        edit = replace(ctx.module.display, start, end, name)
        return fix(
            Applicability.UNSAFE,
            f"Call `{name}()`, which eager-loads what is read",
            [edit],
        )
    return None


def _switch_to_function_sibling(
    call: ast.Call,
    func: ast.Name,
    instance: InstanceT,
    rels: Sequence[Relationship],
    ctx: Context,
) -> Fix | None:
    """`list_users(db)` -> `list_users_with_relations(db)`: a module-level function whose
    sibling of the same module takes the same parameters and eager-loads `rels`; the
    sibling is imported beside the function when this module imports it by name."""
    project_call = ctx.project_call(call)
    if project_call is None or project_call.self_cls is not None:
        return None
    index = ctx.index
    ref = index.functions.get(project_call.qual)
    if ref is None or ref.owner is not None or getattr(ref.node, "name", None) != func.id:
        return None
    if instance.origin is not None and instance.origin[1] != func.id:
        return None
    home = ref.module.name
    local = ctx.module.name == home and func.id in ctx.module.functions
    imported = ctx.module.imports.aliases.get(func.id) == ref.qual
    if not (local or imported):
        return None  # an alias, or a name that is not the function's own
    for suffix in ctx.settings.with_relations_suffixes:
        name = f"{func.id}{suffix}"
        sibling = index.functions.get(f"{home}.{name}" if home else name)
        if sibling is None or type(sibling.node) is not type(ref.node):
            continue
        if not _same_parameters(ref.node, sibling.node):
            continue
        returned = index.facts.facts(sibling).returns
        if not isinstance(returned, (InstanceT, RowsT, ResultT, QueryT)):
            continue
        if not all(eager_covers(returned.eager, (rel.name,)) for rel in rels):
            continue
        start, end = start_of(func, ctx.module.lines), end_of(func, ctx.module.lines)
        if end is None:
            continue
        edits = [replace(ctx.module.display, start, end, name)]
        if not local and ctx.module.imports.aliases.get(name) != sibling.qual:
            if name in ctx.module.imports.aliases or name in ctx.module.functions:
                continue  # the name means something else here
            added = import_edits(ctx, home, [name])
            if added is None:
                continue
            edits.extend(added)
        return fix(Applicability.UNSAFE, f"Call `{name}()`, which eager-loads what is read", edits)
    return None


def _from_dependency(
    row: ast.Name,
    function: Function,
    instance: InstanceT,
    rels: Sequence[Relationship],
    ctx: Context,
) -> Fix | None:
    """Rows (or a loop over them) from a route's parameter that FastAPI fills with what
    `Depends(get_rows)` returns: load the relationships where `get_rows` builds its
    statement, as for a helper's rows."""
    iterable = loop_iterable(row, function, ctx)
    param = iterable.id if isinstance(iterable, ast.Name) else row.id
    bound = bindings_of(param, function)
    if len(bound) != 1 or not isinstance(bound[0], ast.arg):
        return None
    default = dict((a.arg, d) for a, d in function_params(function)).get(param)
    ref = dependency_function(ctx.index, ctx.module, bound[0], default)
    if ref is None or not isinstance(ref.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    if ref.owner is not None or ctx.index.is_data_layer_function(ref):
        return None
    where = ModuleView(ref.module, ctx.index)
    return _fix_of(_returned_edits(ref.node, instance, rels, where), rels)


def _new_sibling(
    call: ast.Call,
    func: ast.Attribute,
    instance: InstanceT,
    rels: Sequence[Relationship],
    ctx: Context,
) -> Fix | None:
    """`build_sibling.write_and_call_sibling` (imported here: it builds on this module)."""
    from repolint.fixes.build_sibling import write_and_call_sibling

    return write_and_call_sibling(call, func, instance, rels, ctx)


def _in_helper(
    call: ast.Call,
    element: int | None,
    instance: InstanceT,
    rels: Sequence[Relationship],
    ctx: Context,
) -> Fix | None:
    """Rows from a project function that is not the data layer (a helper, a service) and
    returns them from one `return`: add the loading to the statement it builds (in its
    own module, which may be another file). Repository methods keep their plain form
    (their `_with_relations` sibling is the repair, above)."""
    project_call = ctx.project_call(call)
    if project_call is None:
        return None
    index = ctx.index
    ref = index.functions.get(project_call.qual)
    if ref is None or not isinstance(ref.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    owner = project_call.self_cls or ref.owner
    if owner is not None and index.is_repository(owner):
        return None
    if owner is None and index.is_data_layer_function(ref):
        return None
    where = ModuleView(ref.module, index)
    return _fix_of(_returned_edits(ref.node, instance, rels, where, element), rels)


def _returned_edits(
    function: Function,
    instance: InstanceT,
    rels: Sequence[Relationship],
    where: InModule,
    element: int | None = None,
) -> Loading | None:
    """The edits that load `rels` in the statement whose rows `function` returns from its
    one `return` (`session.scalars(stmt)...`, a `Query` chain), yields from its one
    `yield from`, or returns as the `element`-th of a tuple (`return rows, len(rows)`)."""
    if element is not None:
        returned = returned_element(function, element)
    else:
        returned = only_return(function) or only_yield_from(function)
    if isinstance(returned, ast.Name):
        returned = single_value(returned.id, function)
    unwrapped = _unwrapped(returned) if returned is not None else None
    if isinstance(unwrapped, ast.Attribute) and unwrapped.attr == "query":
        return _chain_edits(unwrapped, instance, rels, where)  # `return Model.query.all()`
    rows = unwrapped if isinstance(unwrapped, ast.Call) else None
    if rows is None:
        return None
    func = rows.func
    chain: ast.expr | None
    if isinstance(func, ast.Attribute) and func.attr in FETCHING_METHODS:
        if len(rows.args) != 1 or rows.keywords:
            return None
        stmt = rows.args[0]
        chain = statement_built(stmt.id, function) if isinstance(stmt, ast.Name) else stmt
    elif isinstance(func, ast.Attribute) and func.attr in QUERY_FETCHERS:
        chain = func.value
    else:
        chain = rows
    return None if chain is None else _chain_edits(chain, instance, rels, where)


def load_every_relationship(function: Function, model: str, ctx: Context) -> Fix | None:
    """RPL305: a `*_with_relations` method that loads nothing loads every lazy relationship
    of its model, in the statement it returns the rows of."""
    rels: list[Relationship] = []
    for rel in ctx.index.lazy_relationships(model):
        if all(r.name != rel.name for r in rels):
            rels.append(rel)
    instance = InstanceT(model, "sync")
    return _fix_of(_returned_edits(function, instance, rels, ctx), rels) if rels else None


def _same_parameters(a: ast.AST, b: ast.AST) -> bool:
    """The two functions take the same parameters (names, kinds and defaults)."""
    if not isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    if not isinstance(b, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False

    def shape(args: ast.arguments) -> str:
        names = [
            [p.arg for p in args.posonlyargs],
            [p.arg for p in args.args],
            [p.arg for p in args.kwonlyargs],
            args.vararg.arg if args.vararg else None,
            args.kwarg.arg if args.kwarg else None,
        ]
        defaults = [ast.dump(d) for d in args.defaults]
        kw_defaults = [ast.dump(d) if d else None for d in args.kw_defaults]
        return repr((names, defaults, kw_defaults))

    return shape(a.args) == shape(b.args)


def load_for_call(
    call: ast.Call, reads: Sequence[tuple[InstanceT, str, Relationship]], ctx: Context
) -> Fix | None:
    """The fix for a function given a row that reads lazy relationships of it: load every
    relationship it reads on that row in the query the row comes from."""
    if not reads:
        return None
    row = reads[0][0]
    func = call.func
    given = [*call.args, *(k.value for k in call.keywords)]
    if isinstance(func, ast.Attribute):
        given.insert(0, func.value)
    names = [e for e in given if isinstance(e, ast.Name) and ctx.type_of(e) == row]
    if len({n.id for n in names}) != 1:
        return None
    rels: list[Relationship] = []
    for instance, _, rel in reads:
        if instance == row and all(r.name != rel.name for r in rels):
            rels.append(rel)
    return load_relationships(names[0], row, rels, ctx)


SERIALIZERS = frozenset({"model_validate", "from_orm"})


def load_for_serialization(
    value: ast.expr | None, rows: InstanceT | RowsT, labels: Sequence[str], ctx: Context
) -> Fix | None:
    """The fix for rows serialized with lazy relationships (`labels`: `Order.lines`): when
    every label is a relationship of the rows' own model (none is nested), load them all
    where the rows are fetched. `value` is what is returned or validated."""
    if value is None:
        return None
    if isinstance(value, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
        value = value.elt
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr in SERIALIZERS
        and value.args
    ):
        value = value.args[0]
    short = rows.model.rsplit(".", 1)[-1]
    relationships = ctx.index.relationships(rows.model)
    rels: list[Relationship] = []
    for label in labels:
        owner, _, name = label.partition(".")
        rel = relationships.get(name)
        if owner != short or rel is None or eager_covers(rows.eager, (name,)):
            return None
        if all(r.name != name for r in rels):
            rels.append(rel)
    instance = InstanceT(rows.model, rows.kind, rows.eager)
    return load_relationships(value, instance, rels, ctx)
