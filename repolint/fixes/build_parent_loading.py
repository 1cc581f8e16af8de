"""Fixes of reads below one parent row (RPL301, RPL302): `for book in shelf.books:
book.author` where `shelf` is a single row. Loading `Book.author` needs the whole path
loaded where the shelf is fetched: `selectinload(Shelf.books).joinedload(Book.author)`.

The parent row is followed back by syntax, at most a few steps:
- a name assigned once in the function (`shelf = ...`);
- `self.shelf`, assigned once in the whole class, in any method (a set-up hook);
- a parameter (of the function, or of `__init__` for `self.x = x`) that the one call of
  that function (or class) in the project's production code passes, followed in the
  caller the same way.

It must be fetched by `session.get(Model, id)` (`options=[...]` added), by a `select()`
or `Query` chain built where it is fetched (`.options(...)` extended or created), or by
a model classmethod whose body is one `return cls.query...` chain on one line (a mixin's
`get(id)`): that call is replaced by the chain it returns, with the model and the
arguments in place and the options added. Anything else gets no fix.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass

from repolint.fixes.edits import Applicability, Edit, Fix, end_of, fix, replace, start_of
from repolint.fixes.follow import Function, bindings_of, single_value
from repolint.fixes.loaders import loader_for, loader_imports, loader_name
from repolint.fixes.locate import (
    InModule,
    ModuleView,
    append_argument,
    import_edits,
    name_for_class,
)
from repolint.fixes.statement_loading import (
    FETCHING_METHODS,
    chain_base,
    chain_edits,
    rows_producer,
    statement_built,
)
from repolint.semantics.context import Context
from repolint.semantics.index import ProjectIndex
from repolint.semantics.models import Relationship
from repolint.semantics.module import own_nodes
from repolint.semantics.types import InstanceT

MAX_STEPS = 3
"""Assignments, attributes and calls followed back from the parent row."""

ONE_ROW_FETCHERS = frozenset(
    {"first", "one", "one_or_none", "get", "first_or_404", "get_or_404", "one_or_404"}
)
"""The call ending a classmethod's `cls.query` chain that returns one row."""

Fetched = tuple[ast.Call, InModule, Function]
"""The call that fetches the parent row, its module, and the function it is in."""


def load_below_parent(
    collection: ast.Attribute,
    instance: InstanceT,
    rels: Sequence[Relationship],
    function: Function,
    ctx: Context,
) -> Fix | None:
    """Load `collection`'s relationship and `rels` below it where the one parent row
    `collection.value` is fetched."""
    if len(rels) != 1:
        return None
    parent = ctx.type_of(collection.value)
    if not isinstance(parent, InstanceT):
        return None
    parent_rel = ctx.index.relationships(parent.model).get(collection.attr)
    if parent_rel is None:
        return None
    found = _fetched(collection.value, function, ctx, 0)
    if found is None:
        return None
    call, where, at = found
    path = _Path(parent.model, parent_rel, instance.model, rels[0])
    edits = _fetch_edits(call, where, at, path)
    if edits is None:
        return None
    child = path.child_model.rsplit(".", 1)[-1]
    parent_name = path.parent_model.rsplit(".", 1)[-1]
    message = (
        f"Eager-load `{parent_name}.{parent_rel.name}` and `{child}.{rels[0].name}` below it "
        "where the row is fetched"
    )
    return fix(Applicability.UNSAFE, message, edits)


@dataclass(frozen=True)
class _Path:
    """Parent model and relationship, then the child model and its relationship."""

    parent_model: str
    parent_rel: Relationship
    child_model: str
    rel: Relationship

    def loads(self, where: InModule, entity: str) -> tuple[str, list[str]] | None:
        """`selectinload(Shelf.books).joinedload(Book.author)` with `entity` naming the
        parent model in `where`, the loader it imports, and the child's class name (None
        when the module has no name for it and cannot import it)."""
        child = self.child_name(where)
        if child is None:
            return None
        first = loader_for(where, self.parent_model, self.parent_rel)
        then = loader_for(where, self.child_model, self.rel).rsplit(".", 1)[-1]
        text = (
            f"{loader_name(where, first)}({entity}.{self.parent_rel.name})"
            f".{then}({child}.{self.rel.name})"
        )
        return text, [first]

    def child_name(self, where: InModule) -> str | None:
        """The module's name for the child model; when it has none, the model's own
        name, to be imported from a module this one already imports from (a new import
        of another module could close an import cycle)."""
        found = name_for_class(where, self.child_model)
        if found is not None:
            return found
        home, _, short = self.child_model.rpartition(".")
        module = where.module
        if short in module.imports.aliases or short in module.classes or short in module.assigns:
            return None  # the name means something else here
        imported_from = {
            stmt.module
            for stmt in module.tree.body
            if isinstance(stmt, ast.ImportFrom) and stmt.level == 0
        }
        return short if home in imported_from else None

    def imports(self, where: InModule, used: Sequence[str]) -> list[Edit] | None:
        """The loader import and, when missing, the child model's."""
        edits = loader_imports(where, used)
        if edits is None:
            return None
        if name_for_class(where, self.child_model) is None:
            home, _, short = self.child_model.rpartition(".")
            added = import_edits(where, home, [short]) if home else None
            if added is None:
                return None
            edits = [*edits, *added]
        return edits


# -- following the parent row back ------------------------------------------------------


def _fetched(expr: ast.expr, function: Function, where: InModule, steps: int) -> Fetched | None:
    """The call that fetches the row `expr` stands for, followed back from `function`."""
    if steps > MAX_STEPS:
        return None
    value: ast.expr | None
    if isinstance(expr, ast.Name):
        bound = bindings_of(expr.id, function)
        if len(bound) == 1 and isinstance(bound[0], ast.arg):
            return _from_the_caller(function, expr.id, where, steps + 1)
        value = single_value(expr.id, function)
    elif _self_attribute(expr, function):
        assert isinstance(expr, ast.Attribute)
        found = _assigned_once_in_class(expr.attr, function, where)
        if found is None:
            return None
        value, function = found
        if isinstance(value, ast.Name):
            return _fetched(value, function, where, steps + 1)
    else:
        value = expr
    rows = rows_producer(value, function) if value is not None else None
    return (rows, where, function) if isinstance(rows, ast.Call) else None


def _self_attribute(expr: ast.expr, function: Function) -> bool:
    """`self.x` in a method (`self` its first parameter)."""
    params = function.args.posonlyargs + function.args.args
    return (
        isinstance(expr, ast.Attribute)
        and isinstance(expr.value, ast.Name)
        and bool(params)
        and expr.value.id == params[0].arg
    )


def _assigned_once_in_class(
    attr: str, function: Function, where: InModule
) -> tuple[ast.expr, Function] | None:
    """The value and method of the one `self.<attr> = value` of the class `function` is
    a method of; None when the attribute is set (or deleted) anywhere else in it."""
    cls = _class_of(function, where)
    if cls is None:
        return None
    found: list[tuple[ast.expr | None, Function]] = []
    for method in cls.body:
        if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(method):
            stored = isinstance(node, ast.Attribute) and not isinstance(node.ctx, ast.Load)
            if stored and node.attr == attr:  # type: ignore[attr-defined]
                found.append((_assigned_value(node, method), method))  # type: ignore[arg-type]
    if len(found) != 1:
        return None
    value, method = found[0]
    return None if value is None else (value, method)


def _assigned_value(target: ast.Attribute, method: Function) -> ast.expr | None:
    """The value of `self.x = value` (one target), else None."""
    params = method.args.posonlyargs + method.args.args
    if not params or not isinstance(target.value, ast.Name) or target.value.id != params[0].arg:
        return None
    for node in own_nodes(method, statements_only=True):
        if isinstance(node, ast.Assign) and node.targets == [target]:
            return node.value
        if isinstance(node, ast.AnnAssign) and node.target is target:
            return node.value
    return None


def _class_of(function: Function, where: InModule) -> ast.ClassDef | None:
    for cls in where.module.classes.values():
        if any(stmt is function for stmt in cls.body):
            return cls
    return None


def _from_the_caller(function: Function, param: str, where: InModule, steps: int) -> Fetched | None:
    """The row the one production call of `function` (of its class, for `__init__`)
    passes for `param`, followed in the caller."""
    index = where.index
    ref = next((r for r in index.functions_of(where.module) if r.node is function), None)
    if ref is None:
        return None
    if ref.owner is None:
        called, target = function.name, ref.qual
    elif function.name == "__init__":
        called, target = ref.owner.rsplit(".", 1)[-1], ref.owner
    else:
        return None
    positional = [a.arg for a in function.args.posonlyargs + function.args.args]
    if ref.owner is not None:
        positional = positional[1:]
    calls = [
        (node, caller)
        for caller in index.facts.callers_named(called)
        for node in own_nodes(caller.node)
        if isinstance(node, ast.Call) and _calls(node, target, caller.module, index)
    ]
    if len(calls) != 1:
        return None
    call, caller = calls[0]
    if not isinstance(caller.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    given = _argument(call, param, positional)
    if given is None:
        return None
    return _fetched(given, caller.node, ModuleView(caller.module, index), steps)


def _calls(call: ast.Call, target: str, module: object, index: ProjectIndex) -> bool:
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return False
    qual = module.imports.qualify(call.func)  # type: ignore[attr-defined]
    return qual is not None and (qual == target or index.canonical(qual) == target)


def _argument(call: ast.Call, param: str, positional: list[str]) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == param:
            return keyword.value
    if param in positional and positional.index(param) < len(call.args):
        return call.args[positional.index(param)]
    return None


# -- the edits where the row is fetched -------------------------------------------------


def _fetch_edits(call: ast.Call, where: InModule, at: Function, path: _Path) -> list[Edit] | None:
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    if func.attr == "get" and len(call.args) == 2:
        got = _get_edits(call, where, path)
        if got is not None:
            return got
    if func.attr in FETCHING_METHODS:
        if len(call.args) != 1 or call.keywords:
            return None
        stmt = call.args[0]
        chain = statement_built(stmt.id, at) if isinstance(stmt, ast.Name) else stmt
        return _chain_edits(chain, where, path) if chain is not None else None
    if chain_base(call, where) is not None:
        return _chain_edits(call, where, path)
    return _inlined(call, where, path)


def _get_edits(call: ast.Call, where: InModule, path: _Path) -> list[Edit] | None:
    """`db.get(Person, id)` -> `db.get(Person, id, options=[...])`."""
    entity = call.args[0]
    if not isinstance(entity, ast.Name) or any(k.arg in (None, "options") for k in call.keywords):
        return None
    if where.index.canonical(where.module.imports.qualify(entity)) != path.parent_model:
        return None
    loads = path.loads(where, entity.id)
    if loads is None:
        return None
    added = append_argument(call, f"options=[{loads[0]}]", where)
    imported = path.imports(where, loads[1])
    return None if added is None or imported is None else [added, *imported]


def _chain_edits(chain: ast.expr, where: InModule, path: _Path) -> list[Edit] | None:
    """`.options(<path>)` on a `select(Parent)` / `Parent.query` chain."""
    found = chain_base(chain, where)
    if found is None or not isinstance(found[1], ast.Name):
        return None
    loads = path.loads(where, found[1].id)
    if loads is None:
        return None
    parent = InstanceT(path.parent_model, "sync")
    made = chain_edits(chain, parent, [], where, with_import=False, loads=loads)
    imported = path.imports(where, loads[1])
    return None if made is None or imported is None else [*made[0], *imported]


def _inlined(call: ast.Call, where: InModule, path: _Path) -> list[Edit] | None:
    """`Member.get(member_id)` -> `Member.query.options(...).filter_by(id=member_id).first()`:
    the model classmethod's one returned `cls.query` chain, written in its place."""
    func = call.func
    if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Name):
        return None
    index, lines = where.index, where.module.lines
    model = index.canonical(where.module.imports.qualify(func.value))
    if model is None or model != path.parent_model:
        return None
    ref = index.method(model, func.attr)
    if ref is None or not isinstance(ref.node, ast.FunctionDef):
        return None
    method = ref.node
    returned = _one_line_return(method)
    decorators = [d.id if isinstance(d, ast.Name) else None for d in method.decorator_list]
    if returned is None or decorators != ["classmethod"]:
        return None
    given = _given_texts(call, method, lines)
    if given is None:
        return None
    cls = method.args.args[0].arg
    chain = returned.func.value if isinstance(returned, ast.Call) else None  # type: ignore[attr-defined]
    found = chain_base(chain, ModuleView(ref.module, index)) if chain is not None else None
    if found is None or not isinstance(found[1], ast.Name) or found[1].id != cls:
        return None
    base, _, options = found
    loads = path.loads(where, func.value.id)
    if loads is None:
        return None
    changes = _renamed(returned, cls, func.value.id, given)
    if changes is None:
        return None
    if options is not None:
        changes.append((options.end_col_offset - 1, options.end_col_offset - 1, f", {loads[0]}"))  # type: ignore[operator]
    else:
        changes.append((base.end_col_offset, base.end_col_offset, f".options({loads[0]})"))  # type: ignore[arg-type]
    text = _rewritten(ref.module.lines[returned.lineno - 1], returned, changes)
    start, end = start_of(call, lines), end_of(call, lines)
    imported = path.imports(where, loads[1])
    if end is None or imported is None:
        return None
    return [replace(where.module.display, start, end, text), *imported]


def _one_line_return(method: ast.FunctionDef) -> ast.expr | None:
    """The value of a body that is one `return <fetcher call>` on one line (after a
    docstring)."""
    body = method.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if len(body) != 1 or not isinstance(body[0], ast.Return):
        return None
    value = body[0].value
    if value is None or value.lineno != value.end_lineno:
        return None
    if not (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr in ONE_ROW_FETCHERS
    ):
        return None
    return value


def _given_texts(
    call: ast.Call, method: ast.FunctionDef, lines: Sequence[str]
) -> dict[str, tuple[str, bool]] | None:
    """Parameter -> (the text the call passes, whether it may be written twice)."""
    args = method.args
    if args.posonlyargs or args.vararg or args.kwarg or args.kwonlyargs or len(args.args) < 1:
        return None
    params = [a.arg for a in args.args[1:]]
    if len(call.args) > len(params) or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    given: dict[str, ast.expr] = dict(zip(params, call.args, strict=False))
    for keyword in call.keywords:
        if keyword.arg is None or keyword.arg not in params or keyword.arg in given:
            return None
        given[keyword.arg] = keyword.value
    if set(given) != set(params):
        return None  # a default left to the method: written in its module, not here
    texts: dict[str, tuple[str, bool]] = {}
    for name, expr in given.items():
        end = end_of(expr, lines)
        if end is None or expr.lineno != expr.end_lineno:
            return None
        text = lines[expr.lineno - 1][start_of(expr, lines)[1] - 1 : end[1] - 1]
        simple = isinstance(expr, (ast.Name, ast.Constant))
        atomic = simple or isinstance(expr, (ast.Attribute, ast.Subscript, ast.Call))
        texts[name] = (text if atomic else f"({text})", simple)
    return texts


def _renamed(
    returned: ast.expr, cls: str, model: str, given: dict[str, tuple[str, bool]]
) -> list[tuple[int, int, str]] | None:
    """Byte ranges of the returned expression's line to rewrite: `cls` to the model, each
    parameter to what the call passes. None when another free name is used (it would
    mean something else where the call is), or a parameter the call passes an
    expression for is read twice."""
    changes: list[tuple[int, int, str]] = []
    uses: dict[str, int] = {}
    for node in ast.walk(returned):
        if isinstance(node, (ast.Lambda, ast.comprehension)):
            return None
        if not isinstance(node, ast.Name):
            continue
        if node.id == cls:
            text = model
        elif node.id in given:
            text = given[node.id][0]
            uses[node.id] = uses.get(node.id, 0) + 1
        else:
            return None
        changes.append((node.col_offset, node.end_col_offset, text))  # type: ignore[arg-type]
    if any(count > 1 and not given[name][1] for name, count in uses.items()):
        return None
    return changes


def _rewritten(line: str, expr: ast.expr, changes: list[tuple[int, int, str]]) -> str:
    """The text of `expr` (on one line) with `changes` (byte ranges of the line) made."""
    data = line.encode("utf-8")
    start, end = expr.col_offset, expr.end_col_offset
    assert end is not None
    out = data[start:end]
    for begin, stop, text in sorted(changes, key=lambda c: (c[0], c[1]), reverse=True):
        out = out[: begin - start] + text.encode("utf-8") + out[stop - start :]
    return out.decode("utf-8")
