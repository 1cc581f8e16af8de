"""Checklist items `get-by-id`, `get-by-id-with-relations`, `list-method`, `selectinload`.

- `get-by-id`: a `get_by_id()` or `get_<model>_by_id()` method (also
  `get_by_<model>_id()`, `get_<model>_by_<model>_id()`), own or inherited (for a
  module of functions also `get_<model>()`), or a `get()` or
  `read_<model>()` (`fetch_`, `find_`, `load_`) whose first parameter after the
  session is an id (`get(self, id)`, `read_flow_run(session, flow_run_id)`); n/a
  for a query-only repository (no model, not generic), and, when none is found,
  for a model whose primary key has several columns (no one id to get by).
- `get-by-id-with-relations`: pass when `get_by_id_with_relations()` (any
  `with-relations-suffixes`) eager-loads, as the flow analysis types its result
  (a method it cannot type is read for loader options); also pass on the other
  eager paths RPL304 accepts for `get_by_id()` (a loader-options parameter, an
  eager-options hook, a query that eager-loads), or when a method of the class,
  whatever its name, flows into `.options(...)` of `get_by_id()`'s query (in it
  or a method it calls). n/a when the model has no lazy relationship, or there
  is no model.
- `list-method`: `list_all()`, a public `list_*`, `get_all*`, `get_multi*`,
  `find_all*` or `get_<model>s*` method, else a public method returning rows of the model or
  annotated to return a list or sequence; n/a for a query-only repository.
- `selectinload`: a `selectinload(...)` call (or a `.selectinload()` in a loader
  chain) in the repository's own or inherited project methods; n/a as for
  `get-by-id-with-relations`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from repolint.audit.context import AuditContext, origin, verdict
from repolint.audit.model import FAIL, NA, PASS, Check
from repolint.audit.units import ROW_TYPES, Unit
from repolint.semantics.eager_paths import LOADER_PARAM_NAMES, has_eager_path
from repolint.semantics.imports import dotted
from repolint.semantics.index import FunctionRef
from repolint.semantics.loading import loader_name
from repolint.semantics.module import function_params
from repolint.semantics.names import EAGER_LOADERS
from repolint.semantics.types import WILDCARD, RowsT


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def get_by_id_names(unit: Unit) -> list[str]:
    """`get_by_id`, and `get_<model>_by_id` (`get_<model>` too for module functions)."""
    if not unit.model_name:
        return ["get_by_id"]
    model = snake(unit.model_name)
    names = ["get_by_id", f"get_{model}_by_id", f"get_by_{model}_id", f"get_{model}_by_{model}_id"]
    return [*names, f"get_{model}"] if unit.kind == "module" else names


def find(unit: Unit, names: list[str]) -> FunctionRef | None:
    return next((unit.functions[n] for n in names if n in unit.functions), None)


SESSION_PARAMS = frozenset({"db", "session", "sess", "conn", "connection"})
ID_PARAMS = frozenset({"id", "pk", "ident", "primary_key", "item_id", "obj_id", "object_id"})


READ_VERBS = ("get", "read", "fetch", "find", "load")


def id_getter(unit: Unit) -> FunctionRef | None:
    """`get(self, id)`, `read_flow_run(session, flow_run_id)`: a `get()` or a
    `<verb>_<model>()` (`read_`, `fetch_`, `find_`, `load_`) whose first parameter
    after `self` and the session is an id: get-by-id under another name."""
    names = ["get"]
    if unit.model_name:
        names += [f"{verb}_{snake(unit.model_name)}" for verb in READ_VERBS]
    for name in names:
        ref = unit.functions.get(name)
        if ref is not None and _takes_an_id_first(ref):
            return ref
    return None


def _takes_an_id_first(ref: FunctionRef) -> bool:
    """Its one required parameter, besides `self` and the session, is an id
    (`find_membership(db, user_id, group)` takes two: a composite key, not an id)."""
    node = ref.node
    if isinstance(node, ast.Lambda):
        return False
    args = [*node.args.posonlyargs, *node.args.args]
    required = args[: len(args) - len(node.args.defaults)]
    if ref.owner is not None and required:
        required = required[1:]
    required = [a for a in required if a.arg not in SESSION_PARAMS]
    return len(required) == 1 and (
        required[0].arg in ID_PARAMS or required[0].arg.endswith(("_id", "_pk"))
    )


def no_model(unit: Unit) -> str:
    return (
        "generic base: no concrete model" if unit.generic else "no model: a query-only repository"
    )


def primary_key(ctx: AuditContext, model: str) -> list[str]:
    """The model's primary-key columns as its class body (and its project bases) declare
    them: `mapped_column(..., primary_key=True)`, `Column(...)`, `Field(...)`, or a
    `PrimaryKeyConstraint("a", "b")` in `__table_args__`."""
    if model not in ctx.index.classes:
        return []
    found: list[str] = []
    for cls in ctx.index.mro(model):
        for stmt in ctx.index.classes[cls][1].body:
            target: ast.expr | None = None
            if isinstance(stmt, ast.AnnAssign):
                target = stmt.target
            elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target = stmt.targets[0]
            value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
            if not isinstance(target, ast.Name) or value is None:
                continue
            for call in (n for n in ast.walk(value) if isinstance(n, ast.Call)):
                if (dotted(call.func) or "").endswith("PrimaryKeyConstraint"):
                    found += [str(a.value) for a in call.args if isinstance(a, ast.Constant)]
                elif target.id != "__table_args__" and any(
                    k.arg == "primary_key"
                    and isinstance(k.value, ast.Constant)
                    and k.value.value is True
                    for k in call.keywords
                ):
                    found.append(target.id)
    return list(dict.fromkeys(found))


def get_by_id(ctx: AuditContext, unit: Unit) -> Check:
    item = "get-by-id"
    if unit.modelless:
        return verdict(item, NA, unit, f"{no_model(unit)}, nothing to get by id")
    keys = primary_key(ctx, unit.model) if unit.model else []
    ref = find(unit, get_by_id_names(unit))
    if ref is not None:
        return verdict(item, PASS, unit, origin(unit, ref), at=ref)
    ref = id_getter(unit)
    if ref is not None:
        return verdict(item, PASS, unit, f"{origin(unit, ref)} gets one row by id", at=ref)
    shown = get_by_id_names(unit)
    shown = [*shown[:2], *(shown[-1:] if unit.kind == "module" else [])]
    names = " or ".join(f"{n}()" for n in shown)
    if len(keys) > 1:
        return verdict(
            item, NA, unit, f"{unit.model_name} has a composite primary key ({', '.join(keys)})"
        )
    message = f"no {names}"
    other = unit.functions.get("get")
    if other is not None:
        message += f"; {origin(unit, other)} may play that part under another name"
    return verdict(item, FAIL, unit, message, fix="add `get_by_id(id)` (no relationships)")


def get_by_id_with_relations(ctx: AuditContext, unit: Unit) -> Check:
    item = "get-by-id-with-relations"
    lazy = _lazy(ctx, unit)
    if isinstance(lazy, str):
        return verdict(item, NA, unit, lazy)
    model = unit.model_name
    loads = ", ".join(f"selectinload({model}.{r})" for r in lazy)
    for name in get_by_id_names(unit):
        for suffix in ctx.settings.with_relations_suffixes:
            twin = unit.functions.get(name + suffix)
            if twin is None:
                continue
            loaded = eager_loaded(ctx, unit, twin)
            if loaded:
                return verdict(
                    item, PASS, unit, f"{origin(unit, twin)} eager-loads {loaded}", at=twin
                )
            return verdict(
                item,
                FAIL,
                unit,
                f"{origin(unit, twin)} eager-loads nothing",
                at=twin,
                fix=f"add `.options({loads})` to its query",
            )
    base = find(unit, get_by_id_names(unit))
    hook = eager_hook(unit, base) if base is not None and unit.kind == "class" else None
    if base is not None and hook is not None:
        text = f"{origin(unit, base)} applies the {origin(unit, hook)} hook to .options()"
        return verdict(item, PASS, unit, text, at=base)
    if (
        base is not None
        and unit.kind == "class"
        and isinstance(base.node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and has_eager_path(ctx.index, unit.qual, base.node.name, ctx.settings)
    ):
        return verdict(item, PASS, unit, _eager_path_text(ctx, unit, base), at=base)
    stem = get_by_id_names(unit)[-1] if unit.kind == "module" else "get_by_id"
    suffixes = ctx.settings.with_relations_suffixes
    twin_name = stem + (suffixes[0] if suffixes else "_with_relations")
    return verdict(
        item,
        FAIL,
        unit,
        f"no {twin_name}(); lazy: {', '.join(lazy)}",
        fix=f"add `{twin_name}()` with `.options({loads})`",
    )


def _lazy(ctx: AuditContext, unit: Unit) -> list[str] | str:
    """The model's lazy relationships, or why the item does not apply."""
    if unit.model is None:
        return no_model(unit)
    lazy = sorted(r.name for r in ctx.index.lazy_relationships(unit.model))
    return lazy or f"{unit.model_name} has no lazy relationship"


def eager_loaded(ctx: AuditContext, unit: Unit, ref: FunctionRef) -> str:
    """What `ref`'s result has eager-loaded ('' for nothing), from the flow analysis."""
    returned = ctx.index.facts.facts(ref, unit.self_cls).returns
    if isinstance(returned, ROW_TYPES):
        paths = sorted(returned.eager)
        if WILDCARD in returned.eager:
            return "every relationship"
        return ", ".join(".".join(p) for p in paths)
    names = sorted({name for name, _ in loaders_in(ref) if name in EAGER_LOADERS})
    return ", ".join(f"through {n}()" for n in names)


def _eager_path_text(ctx: AuditContext, unit: Unit, ref: FunctionRef) -> str:
    node = ref.node
    assert not isinstance(node, ast.Lambda)
    params = [a.arg for a, _ in function_params(node)]
    options = [p for p in params if p in LOADER_PARAM_NAMES]
    if node.args.vararg is not None:
        options.append(f"*{node.args.vararg.arg}")
    if options:
        return f"{origin(unit, ref)} takes loader options ({options[0]})"
    hooks = [h for h in ctx.settings.eager_hooks if ctx.index.method(unit.qual, h)]
    if hooks:
        return f"{origin(unit, ref)} applies the {hooks[0]}() hook"
    return f"{origin(unit, ref)} eager-loads"


def eager_hook(unit: Unit, ref: FunctionRef) -> FunctionRef | None:
    """A method of the class whose result flows into `.options(...)` of `ref`'s query
    (`stmt.options(*self.get_load_options())`, `opts = self.m(); stmt.options(*opts)`),
    in `ref` itself or a method of the class it calls: an eager-loading hook, whatever
    its name."""
    seen: set[str] = set()
    todo = [ref]
    while todo:
        current = todo.pop()
        name = getattr(current.node, "name", "")
        if name in seen:
            continue
        seen.add(name)
        hook = _hook_into_options(unit, current)
        if hook is not None:
            return hook
        todo += [unit.functions[m] for m in _self_calls(current) if m in unit.functions]
    return None


def _self_calls(ref: FunctionRef) -> list[str]:
    """Names of the `self.m(...)`/`cls.m(...)` methods a function calls."""
    return [
        node.func.attr
        for node in ast.walk(ref.node)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in ("self", "cls")
    ]


def _hook_into_options(unit: Unit, ref: FunctionRef) -> FunctionRef | None:
    assigned: dict[str, str] = {}
    for node in ast.walk(ref.node):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, called = node.targets[0], _self_method(node.value)
            if isinstance(target, ast.Name) and called:
                assigned[target.id] = called
    for node in ast.walk(ref.node):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "options"
        ):
            continue
        for arg in node.args:
            value = arg.value if isinstance(arg, ast.Starred) else arg
            called = _self_method(value)
            if called is None and isinstance(value, ast.Name):
                called = assigned.get(value.id)
            if called and called in unit.functions and called != getattr(ref.node, "name", ""):
                return unit.functions[called]
    return None


def _self_method(expr: ast.expr) -> str | None:
    """`m` for `self.m(...)` or `cls.m(...)`."""
    if (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and isinstance(expr.func.value, ast.Name)
        and expr.func.value.id in ("self", "cls")
    ):
        return expr.func.attr
    return None


LIST_ANNOTATIONS = frozenset({"list", "List", "Sequence", "Iterable", "Iterator", "set"})


def list_method(ctx: AuditContext, unit: Unit) -> Check:
    item = "list-method"
    if unit.modelless:
        return verdict(item, NA, unit, f"{no_model(unit)}, no model rows to list")
    public = sorted(
        (r for n, r in unit.functions.items() if not n.startswith("_")),
        key=lambda r: (r.node.name != "list_all", r.module.display, r.node.lineno),  # type: ignore[union-attr]
    )
    plural = f"get_{snake(unit.model_name)}s" if unit.model_name else "get_all"
    for ref in public:
        name = ref.node.name  # type: ignore[union-attr]
        if name.startswith(("list_", "get_all", "get_multi", "find_all", plural)):
            return verdict(item, PASS, unit, origin(unit, ref), at=ref)
    for ref in public:
        if isinstance(ctx.index.facts.facts(ref, unit.self_cls).returns, RowsT):
            return verdict(item, PASS, unit, f"{origin(unit, ref)} returns rows", at=ref)
        returns = getattr(ref.node, "returns", None)
        outer = returns.value if isinstance(returns, ast.Subscript) else None
        if outer is not None and (ast.unparse(outer).rsplit(".", 1)[-1] in LIST_ANNOTATIONS):
            text = f"{origin(unit, ref)} returns {ast.unparse(returns)}"  # type: ignore[arg-type]
            return verdict(item, PASS, unit, text, at=ref)
    return verdict(
        item, FAIL, unit, "no list_all() or list_* method", fix="add `list_all()` or a `list_*`"
    )


def loaders_in(ref: FunctionRef) -> Iterator[tuple[str, int]]:
    """(loader name, line) of each loader call in a function, chained ones included."""
    qualify = ref.module.imports.qualify
    for node in ast.walk(ref.node):
        if not isinstance(node, ast.Call):
            continue
        name = loader_name(node.func, qualify)
        if name is None and isinstance(node.func, ast.Attribute):
            inner = node.func.value
            if isinstance(inner, ast.Call) and loader_name(inner.func, qualify):
                name = node.func.attr
        if name:
            line = node.func.end_lineno if isinstance(node.func, ast.Attribute) else node.lineno
            yield name, line or node.lineno


def selectinload(ctx: AuditContext, unit: Unit) -> Check:
    item = "selectinload"
    lazy = _lazy(ctx, unit)
    if isinstance(lazy, str):
        return verdict(item, NA, unit, lazy)
    others: list[str] = []
    refs = sorted(unit.functions.values(), key=lambda r: (r.module.display, r.node.lineno))
    for ref in refs:
        for name, line in loaders_in(ref):
            if name == "selectinload":
                return verdict(
                    item,
                    PASS,
                    unit,
                    f"selectinload() in {origin(unit, ref)}",
                    path=ref.module.display,
                    line=line,
                )
            if name in EAGER_LOADERS:
                others.append(f"{name}() in {origin(unit, ref)}")
    rels = ", ".join(f"{unit.model_name}.{r}" for r in lazy)
    found = f"uses {others[0]}, not selectinload()" if others else "no selectinload()"
    return verdict(
        item,
        FAIL,
        unit,
        f"{found}; lazy: {', '.join(lazy)}",
        fix=f"load {rels} with selectinload()",
    )
