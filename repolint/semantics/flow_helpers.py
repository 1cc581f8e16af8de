"""Small helpers of the flow analysis: call syntax, what iterating a value gives,
where a returned value comes from, and how two branches' environments join."""

from __future__ import annotations

import ast
import weakref
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from repolint.semantics.module import own_nodes, walk
from repolint.semantics.names import CONTEXT_MANAGER_DECORATORS
from repolint.semantics.refs import FunctionRef
from repolint.semantics.summaries import ARG_ORIGIN, FunctionFacts
from repolint.semantics.types import (
    ROW_SOURCES,
    EngineT,
    FixedT,
    InstanceT,
    PageT,
    QueryT,
    ResultT,
    RowMapT,
    RowsT,
    SessionT,
    TupleT,
    merge,
)

if TYPE_CHECKING:
    from repolint.semantics.flow_state import FlowState

Env = dict[str, object]
"""Local name -> its abstract type (`semantics.types`; None: unknown)."""


def _last(qual: str) -> str:
    return qual.rsplit(".", 1)[-1]


_NAMES: weakref.WeakKeyDictionary[ast.AST, frozenset[str]] = weakref.WeakKeyDictionary()


def _names(expr: ast.AST) -> frozenset[str]:
    """The names an expression reads (a test's: worked out once a node)."""
    found = _NAMES.get(expr)
    if found is None:
        found = _NAMES[expr] = frozenset(n.id for n in walk(expr) if isinstance(n, ast.Name))
    return found


def _arg(call: ast.Call, i: int, types: dict[int, object | None]) -> object | None:
    return types.get(id(call.args[i])) if i < len(call.args) else None


def _head_name(expr: ast.AST) -> str | None:
    while isinstance(expr, ast.Attribute):
        expr = expr.value
    return expr.id if isinstance(expr, ast.Name) else None


def _attribute_path(expr: ast.Attribute) -> tuple[str | None, tuple[str, ...]]:
    """`row.a.b` -> ("row", ("a", "b")); (None, ()) when the chain has no name at its head."""
    path: list[str] = []
    node: ast.AST = expr
    while isinstance(node, ast.Attribute):
        path.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None, ()
    return node.id, tuple(reversed(path))


def _is_super_call(expr: ast.AST) -> bool:
    return (
        isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "super"
    )


def _kw(call: ast.Call, name: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def _src(node: ast.AST) -> str:
    try:
        text = ast.unparse(node)
    except Exception:
        return "..."
    return text if len(text) <= 60 else text[:57] + "..."


def _call_label(call: ast.Call) -> str:
    """`db.scalars(...)`, `query.first()`: a call as paths show it."""
    return f"{_src(call.func)}({'...' if call.args or call.keywords else ''})"


def _select_args(call: ast.Call) -> list[ast.expr]:
    if call.args and isinstance(call.args[0], ast.Call):
        return list(call.args[0].args)
    return []


def _rows_of(source: object) -> RowsT | None:
    if isinstance(source, QueryT) and source.model is not None:
        return RowsT(source.model, source.kind, source.eager)
    if isinstance(source, ResultT) and source.model is not None:
        return RowsT(source.model, source.kind, source.eager, False, source.origin)
    if isinstance(source, RowsT):
        return source
    return None


def _is_row_source(value: object | None) -> bool:
    if isinstance(value, PageT):
        return True
    if isinstance(value, ResultT):
        return value.scalars
    return isinstance(value, ROW_SOURCES) or (
        isinstance(value, InstanceT) and value.per_row is False and False
    )


def _is_enumerate_of_rows(node: ast.AST, flow: FlowState) -> bool:
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "enumerate"
        and node.args
    ):
        return _is_row_source(flow.index_type(node.args[0]))
    return False


def _empty_literal(node: ast.AST | None) -> bool:
    """`{}` or `[]`."""
    return (isinstance(node, ast.Dict) and not node.keys) or (
        isinstance(node, ast.List) and not node.elts
    )


def element_of(node: ast.AST, iterable: object | None, flow: FlowState) -> object | None:
    """The type of one element when iterating `iterable`."""
    if _is_enumerate_of_rows(node, flow):
        assert isinstance(node, ast.Call)
        inner = element_of(node.args[0], flow.index_type(node.args[0]), flow)
        return TupleT((None, inner))
    if isinstance(iterable, PageT):
        iterable = iterable.rows
    if isinstance(iterable, FixedT):
        return iterable
    if isinstance(iterable, RowMapT):  # `for key, row in by_id.items()`; keys otherwise
        items = isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "items"
        inner = element_of(node, iterable.rows, flow) if items else None
        return TupleT((None, inner)) if inner is not None else None
    if isinstance(iterable, ResultT) and not iterable.scalars:
        return None
    if isinstance(iterable, (RowsT, QueryT, ResultT)) and iterable.model is not None:
        origin = getattr(iterable, "origin", None)
        return InstanceT(iterable.model, iterable.kind, iterable.eager, True, origin)
    return None


def _with_origin(value: object | None, cls: str | None, method: str) -> object | None:
    if cls is None:
        return value
    if isinstance(value, (RowsT, InstanceT, ResultT)) and (
        value.origin is None or (value.origin[0] == cls and value.origin[0] != ARG_ORIGIN)
    ):
        # the method the caller called, not the helper of the same object it delegated to
        return replace(value, origin=(cls, method))
    if isinstance(value, TupleT):
        return TupleT(tuple(_with_origin(v, cls, method) for v in value.items))
    return value


def _entered(value: object | None) -> object | None:
    """What `with value as x` binds x to."""
    if isinstance(value, (SessionT, EngineT)):
        return value
    return None


def _merge_env(a: Env, b: Env) -> Env:
    out: Env = {}
    get_a, get_b = a.get, b.get
    for key in a.keys() | b.keys():
        va, vb = get_a(key), get_b(key)
        out[key] = va if va is vb else merge(va, vb)  # the same value joins to itself
    return out


_GENERATORS: dict[int, tuple[ast.AST, bool]] = {}


def _is_generator(func: ast.AST) -> bool:
    """Whether the function's own body yields (memoized per node)."""
    found = _GENERATORS.get(id(func))
    if found is not None and found[0] is func:
        return found[1]
    result = any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in own_nodes(func))
    _GENERATORS[id(func)] = (func, result)
    return result


def _produced(ref: FunctionRef, facts: FunctionFacts, context_manager: bool) -> object | None:
    """What calling `ref` gives: what it yields for a context manager, rows for a
    generator of rows (`for row in windowed(q)`), else what it returns."""
    if context_manager:
        return facts.yields
    if isinstance(facts.yields, InstanceT) and _is_generator(ref.node):
        row = facts.yields
        return RowsT(row.model, row.kind, row.eager, False, row.origin)
    return facts.returns


def _is_context_manager(ref: FunctionRef) -> bool:
    node = ref.node
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    for dec in node.decorator_list:
        qual = ref.module.imports.qualify(dec) or ""
        if _last(qual) in CONTEXT_MANAGER_DECORATORS:
            return True
    return False


def _ends_path(stmt: ast.stmt, decided: Callable[[ast.AST], bool | None]) -> bool:
    """`return`/`raise`, or an `if` whose branch taken for this call ends that way."""
    if isinstance(stmt, (ast.Return, ast.Raise)):
        return True
    if isinstance(stmt, ast.If):
        taken = decided(stmt.test)
        if taken is not None:
            branch = stmt.body if taken else stmt.orelse
            return bool(branch) and _ends_path(branch[-1], decided)
    return False


def _kind_of(value: object | None) -> str | None:
    return getattr(value, "kind", None)
