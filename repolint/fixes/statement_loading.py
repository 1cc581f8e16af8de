"""Where a statement whose rows a function returns is built, and the edits that make it
load relationships: `select(Model)` / `session.query(Model)` / `Model.query` chains (an
`.options(...)` extended or created), `session.get(Model, id)` (`options=[...]`), followed
through `await`, `.all()`-like calls, names assigned once and a helper method of the class
that runs the statement it is given. Shared by RPL301's fixes (`build_loading`) and the
`_with_relations` twins (`build_variant`)."""

from __future__ import annotations

import ast
from collections.abc import Sequence

from repolint.fixes.edits import Edit, end_of, insert
from repolint.fixes.follow import Function, bindings_of, only_return, single_value
from repolint.fixes.loaders import load_options, loader_imports
from repolint.fixes.locate import InModule, append_argument
from repolint.semantics.context import Context
from repolint.semantics.models import Relationship
from repolint.semantics.names import SELECT_FUNCS
from repolint.semantics.types import InstanceT, QueryT, ResultT, RowsT, SessionT, StmtT

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


def rows_producer(expr: ast.expr, function: Function | None = None) -> ast.expr | None:
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


Generic = tuple[str, InModule]
"""For a method of a generic base copied into a module: the name that module has for the
model `select(self.model)` selects there, and that module (whose loader names are used)."""


Loading = tuple[list[Edit], str, list[str]]
"""The edits that load relationships, the name the module gives the model, and the
qualified loader functions they call."""


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


def chain_edits(
    chain: ast.expr,
    instance: InstanceT,
    rels: Sequence[Relationship],
    where: InModule,
    with_import: bool = True,
    generic: Generic | None = None,
    loads: tuple[str, list[str]] | None = None,
) -> Loading | None:
    """The edits that add `selectinload(Model.rel)` (or `joinedload`, `loaders`) for `rels`
    to a `select(Model)` or `Model.query` / `session.query(Model)` chain of `where`'s
    module, with the imports (unless told not to); with `generic`, to the `select(E)` of
    a generic base whose `E` (`self.model`) stands for the model; `loads`: the options'
    text and loaders, written instead of those of `rels`."""
    found = chain_base(chain, where, generic is not None)
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
    text, used = loads or load_options(names_in, name, instance.model, rels)
    edits: list[Edit] = []
    if options is not None:
        edit = append_argument(options, text, where)
        if edit is None:
            return None
        edits.append(edit)
    else:
        end = end_of(base, lines)
        if end is None:
            return None
        edits.append(insert(path, end, _new_options(lines, end, text)))
    if with_import:
        added = loader_imports(where, used)
        if added is None:
            return None
        edits.extend(added)
    return edits, name, used


def _new_options(lines: Sequence[str], end: tuple[int, int], loads: str) -> str:
    """`.options(loads)` to write just after the chain's start (at `end`); on a line of
    its own in a chain laid out one call a line. When the start shares its line with the
    first call (`Model.query.filter(...)`, then `.filter(...)` below), the call goes down
    a line, as ruff lays the chain out: `Model.query.options(...)`, then `.filter(...)`."""
    line, column = end
    after = lines[line - 1][column - 1 :] if 0 < line <= len(lines) else ""
    following = lines[line] if line < len(lines) else ""
    if after.startswith(".") and following.lstrip().startswith("."):
        indent = following[: len(following) - len(following.lstrip())]
        return f".options({loads})\n{indent}"
    return f"{_fluent_break(lines, end)}.options({loads})"


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


def chain_base(
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


def get_options_edit(
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
    rows = rows_producer(returned, function) if returned is not None else None
    if isinstance(rows, ast.Attribute) and rows.attr == "query":
        return chain_edits(rows, instance, rels, where, False, generic)
    if isinstance(rows, ast.Call) and base is None and home is None:
        handed = _statement_handed_to(rows, instance, ctx)
        if handed is not None:
            built = statement_built(handed.id, function) if isinstance(handed, ast.Name) else handed
            return None if built is None else chain_edits(built, instance, rels, where, False)
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
        return get_options_edit(rows, instance, rels, where)
    elif func.attr in QUERY_FETCHERS:
        chain = func.value
    elif (passed := _statement_run_by(rows, function, where)) is not None:
        chain = statement_built(passed.id, function) if isinstance(passed, ast.Name) else passed
    else:
        chain = rows
    return None if chain is None else chain_edits(chain, instance, rels, where, False, generic)


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
    run = rows_producer(returned) if returned is not None else None
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


def _statement_handed_to(call: ast.Call, instance: InstanceT, ctx: Context) -> ast.expr | None:
    """`select(Note)` in `return in_windows(db, select(Note), Note.id)`: the one statement
    argument of a call of a module-level project function whose result the data flow
    types as rows of that statement's model (the function runs it, in one go or in
    windows). Loader options on it change what is loaded, never which rows."""
    made = ctx.type_of(call)
    project = ctx.project_call(call)
    ref = ctx.index.functions.get(project.qual) if project is not None else None
    if ref is None or ref.owner is not None or getattr(made, "model", None) != instance.model:
        return None
    if not isinstance(made, (RowsT, InstanceT, ResultT)):
        return None
    statements = [
        arg
        for arg in [*call.args, *(k.value for k in call.keywords)]
        if isinstance(ctx.type_of(arg), (StmtT, QueryT))
    ]
    if len(statements) != 1 or getattr(ctx.type_of(statements[0]), "model", None) != instance.model:
        return None
    return statements[0]


def _is_query_chain(expr: ast.expr) -> bool:
    """`session.query(Model)...` or `Model.query...`: `.get(id)` on it is `Query.get`."""
    while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
        if expr.func.attr == "query":
            return True
        expr = expr.func.value
    return isinstance(expr, ast.Attribute) and expr.attr == "query"
