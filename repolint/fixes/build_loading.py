"""Fixes of lazy loads (RPL301, RPL302): make the query that produced the rows load the
relationship.

The rows are followed back inside the function that reads them, by its syntax only:
the loop variable (or a name assigned once, a dict of them) -> the iterable -> the call
that fetched them. The repairs, all unsafe (they change what a query loads):

- the rows come from `session.scalars(stmt)` / `session.execute(stmt)` of a
  `select(Model)` built in the same function (or a `Model.query` chain, a
  `session.get(Model, id)`): add the loader to its `.options(...)` (extended, or
  created after `select(...)`), and import it (`statement_loading`, `loaders`);
- the rows come from a repository method, or a module-level data-layer function, whose
  `<name>_with_relations` sibling (a configured suffix) takes the same parameters and
  eager-loads the relationship: call the sibling instead; a repository method RPL304
  asks no sibling for gets one written (`build_sibling`);
- the rows come from a helper that is not the data layer, or from a FastAPI
  dependency: load them where that function builds its statement.

Anything else (rows passed in by callers, a statement built elsewhere or reassigned
from something else, several entities) gets no fix.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from repolint.fixes.build_parent_loading import load_below_parent
from repolint.fixes.build_sibling import write_and_call_sibling
from repolint.fixes.edits import (
    Applicability,
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
    loader_for,
    loader_imports,
    loaders_named,
)
from repolint.fixes.locate import (
    InModule,
    ModuleView,
    import_edits,
    name_for_class,
)
from repolint.fixes.statement_loading import (
    FETCHING_METHODS,
    QUERY_FETCHERS,
    Loading,
    chain_base,
    chain_edits,
    get_options_edit,
    rows_producer,
    statement_built,
)
from repolint.semantics.annotations import dependency_function
from repolint.semantics.context import Context
from repolint.semantics.eager_paths import function_lacking_twin
from repolint.semantics.models import Relationship
from repolint.semantics.module import function_params
from repolint.semantics.types import InstanceT, QueryT, ResultT, RowsT, SessionT, eager_covers


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
    if nested and isinstance(source, ast.Attribute):
        below = _nested(source, instance, rels, function, ctx)
        return below or load_below_parent(source, instance, rels, function, ctx)
    rows = rows_producer(source, function)
    if isinstance(rows, ast.Attribute) and isinstance(ctx.type_of(rows), QueryT):
        return _fix_of(chain_edits(rows, instance, rels, ctx), rels)  # `Model.query.all()`
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
    switched = _switch_to_function_sibling(fetch, func, instance, rels, ctx)
    if switched is not None:
        return switched  # `service.list_users(db)`: a module's function, called through it
    session = isinstance(ctx.type_of(func.value), SessionT)
    if session and func.attr in FETCHING_METHODS:
        return _add_selectinload(fetch, instance, rels, function, ctx)
    if session and func.attr == "get":
        return _get_with_options(fetch, instance, rels, ctx)
    query = func.value if func.attr in QUERY_FETCHERS else fetch
    if isinstance(ctx.type_of(query), QueryT):
        return _fix_of(chain_edits(query, instance, rels, ctx), rels)
    return (
        _switch_to_sibling(fetch, func, instance, rels, ctx)
        or write_and_call_sibling(fetch, func, instance, rels, ctx)
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
    if not isinstance(parent, ast.Name):
        return None
    source = rows_source(parent, function, ctx)
    rows = rows_producer(source) if source is not None else None
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
    found = chain_base(chain, ctx) if chain is not None else None
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
    found = rows_producer(expr, function)
    return found if isinstance(found, ast.Call) else None


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
    return _fix_of(chain_edits(chain, instance, rels, where), rels)


def _fix_of(edits: Loading | None, rels: Sequence[Relationship]) -> Fix | None:
    if edits is None:
        return None
    found, entity, used = edits
    names = ", ".join(f"`{entity}.{rel.name}`" for rel in rels)
    return fix(Applicability.UNSAFE, f"Eager-load {names} with {loaders_named(used)}", found)


def _get_with_options(
    call: ast.Call, instance: InstanceT, rels: Sequence[Relationship], ctx: Context
) -> Fix | None:
    """`db.get(Order, id)` -> `db.get(Order, id, options=[selectinload(Order.lines)])`."""
    found = get_options_edit(call, instance, rels, ctx)
    if found is None:
        return None
    added, entity, used = found
    imported = loader_imports(ctx, used)
    if imported is None:
        return None
    return _fix_of(([*added, *imported], entity, used), rels)


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
    func: ast.Name | ast.Attribute,
    instance: InstanceT,
    rels: Sequence[Relationship],
    ctx: Context,
) -> Fix | None:
    """`list_users(db)` -> `list_users_with_relations(db)`: a module-level function whose
    sibling of the same module takes the same parameters and eager-loads `rels`; the
    sibling is imported beside the function when this module imports it by name, and
    called through the module when the call is (`service.list_users(db)`)."""
    project_call = ctx.project_call(call)
    if project_call is None or project_call.self_cls is not None:
        return None
    index = ctx.index
    ref = index.functions.get(project_call.qual)
    called = func.id if isinstance(func, ast.Name) else func.attr
    if ref is None or ref.owner is not None or getattr(ref.node, "name", None) != called:
        return None
    if instance.origin is not None and instance.origin[1] != called:
        return None
    home = ref.module.name
    through_module = (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and ctx.module.imports.aliases.get(func.value.id) == home
    )
    local = ctx.module.name == home and called in ctx.module.functions
    imported = ctx.module.imports.aliases.get(called) == ref.qual
    if isinstance(func, ast.Name) and not (local or imported):
        return None  # an alias, or a name that is not the function's own
    if isinstance(func, ast.Attribute) and not through_module:
        return None
    for suffix in ctx.settings.with_relations_suffixes:
        name = f"{called}{suffix}"
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
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            written = f"{func.value.id}.{name}"
            if ctx.module.lines[start[0] - 1][start[1] - 1 :].find(written[: -len(suffix)]) != 0:
                continue  # `service . list_users`: laid out otherwise
            edits = [replace(ctx.module.display, start, end, written)]
            return fix(
                Applicability.UNSAFE, f"Call `{name}()`, which eager-loads what is read", edits
            )
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
    suffixes = tuple(ctx.settings.with_relations_suffixes)
    if owner is None and (
        function_lacking_twin(index, ref, suffixes) is not None
        or any(f"{ref.node.name}{s}" in ref.module.functions for s in suffixes)
    ):
        return None  # its `_with_relations` twin (RPL304 writes it) is the repair
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
    unwrapped = rows_producer(returned) if returned is not None else None
    if isinstance(unwrapped, ast.Attribute) and unwrapped.attr == "query":
        return chain_edits(unwrapped, instance, rels, where)  # `return Model.query.all()`
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
    return None if chain is None else chain_edits(chain, instance, rels, where)


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
