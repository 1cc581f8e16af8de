"""Statements under construction: `select()`/`query()` chains and what they join, filter, order.

The flow analysis calls in here for every builder method, so a statement
built over several lines and branches (`stmt = stmt.where(...)` under an
`if`) carries its shape to where it is executed.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import TYPE_CHECKING

from repolint.semantics.loading import read_options
from repolint.semantics.module import child_nodes, walk
from repolint.semantics.types import ColumnT, ModelClassT, QueryT, Shape, StmtT

if TYPE_CHECKING:
    from repolint.semantics.flow_state import FlowState

CRITERIA_METHODS = frozenset({"where", "filter", "having"})
JOIN_METHODS = frozenset({"join", "outerjoin", "join_from", "outerjoin_from", "select_from"})
NESTED_SELECTS = frozenset({"select", "exists", "any", "has", "scalar_subquery", "subquery"})


def _unknown_entity(arg: ast.expr, flow: FlowState) -> bool:
    """A variable or attribute of unknown type: maybe a model or table repolint cannot see."""
    return isinstance(arg, (ast.Name, ast.Attribute)) and flow.index_type(arg) is None


def entity_models(args: list[ast.expr], flow: FlowState) -> tuple[str | None, frozenset[str]]:
    """(first selected model, every model the entities or columns come from)."""
    first: str | None = None
    models: set[str] = set()
    for i, arg in enumerate(args):
        t = flow.index_type(arg)
        if isinstance(t, ModelClassT):
            models.add(t.model)
            if i == 0:
                first = t.model
        elif isinstance(t, ColumnT) and not t.relationship:
            models.add(t.model)
        else:
            models |= criteria_models(arg, flow)
    return first, frozenset(models)


def new_select(call: ast.Call, flow: FlowState) -> StmtT | None:
    """A statement; of unknown entities (`select(self.model)` in a generic base) when
    its models cannot be seen, which still tracks ordering."""
    first, models = entity_models(list(call.args), flow)
    opaque = any(_unknown_entity(a, flow) for a in call.args)
    if not models and not opaque:
        return None
    return StmtT(first, shape=Shape(origin=id(call), froms=models, opaque=opaque))


def new_query(call: ast.Call, flow: FlowState, kind: str) -> QueryT | None:
    first, models = entity_models(list(call.args), flow)
    opaque = any(_unknown_entity(a, flow) for a in call.args)
    if not models and not opaque:
        return None
    shape = Shape(origin=id(call), froms=models, opaque=opaque)
    return QueryT(first, kind, shape=shape)  # type: ignore[arg-type]


def criteria_models(expr: ast.AST, flow: FlowState) -> frozenset[str]:
    """Models whose columns `expr` reads, not looking into subqueries or EXISTS."""
    found: set[str] = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in NESTED_SELECTS:
                continue
        if isinstance(node, ast.Lambda):
            continue
        t = flow.index_type(node)
        if isinstance(t, ColumnT):
            if not t.relationship:
                found.add(t.model)
            continue
        stack.extend(child_nodes(node))
    return frozenset(found)


def _conjuncts(expr: ast.expr) -> list[ast.expr]:
    """`and_(a, b)` and `a & b` split into their parts."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, (ast.Name, ast.Attribute)):
        name = expr.func.attr if isinstance(expr.func, ast.Attribute) else expr.func.id
        if name == "and_":
            return [c for a in expr.args for c in _conjuncts(a)]
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitAnd):
        return [*_conjuncts(expr.left), *_conjuncts(expr.right)]
    if isinstance(expr, ast.BoolOp) and isinstance(expr.op, ast.And):
        return [c for v in expr.values for c in _conjuncts(v)]
    return [expr]


def apply_builder(
    receiver: StmtT | QueryT, name: str, call: ast.Call, flow: FlowState
) -> object | None:
    """The statement after `receiver.<name>(...)`; None when it is no longer a statement."""
    shape = receiver.shape
    if name == "options":
        loads = read_options(list(call.args), flow.qualify)
        changes: dict[str, object] = {
            "eager": receiver.eager | loads.eager,
            "loaders": receiver.loaders | loads.loaders,
        }
        if isinstance(receiver, StmtT):
            changes["joined"] = receiver.joined | loads.joined
        return replace(receiver, **changes)  # type: ignore[arg-type]
    if name in CRITERIA_METHODS:
        filtered = set(shape.filtered)
        links = set(shape.links)
        pinned: set[str] = set()
        for arg in _spread(call.args, flow):
            for part in _conjuncts(arg):
                models = sorted(criteria_models(part, flow))
                filtered.update(models)
                links.update((a, b) for a in models for b in models if a < b)
                pinned |= _pinned_column(part, receiver.model, flow)
        receiver = _with_pinned(receiver, frozenset(pinned), flow)
        return replace(
            receiver, shape=replace(shape, filtered=frozenset(filtered), links=frozenset(links))
        )
    if name == "filter_by":
        pinned = {kw.arg for kw in call.keywords if kw.arg and not criteria_models(kw.value, flow)}
        return _with_pinned(receiver, frozenset(pinned), flow)
    if name in JOIN_METHODS:
        froms = set(shape.froms)
        links = set(shape.links)
        for i, arg in enumerate(call.args):
            t = flow.index_type(arg)
            if isinstance(t, ModelClassT):
                froms.add(t.model)
            elif isinstance(t, ColumnT) and t.relationship:
                # `join(DagRun.dag_model)` joins both ends of the relationship
                froms.add(t.model)
                target = flow.index.relationships(t.model).get(t.name)
                if target is not None and target.target_name:
                    froms.add(target.target_name)
            elif i > 0:
                models = sorted(criteria_models(arg, flow))
                links.update((a, b) for a in models for b in models if a < b)
            elif _unknown_entity(arg, flow):
                shape = replace(shape, opaque=True)
        return replace(
            receiver, shape=replace(shape, froms=frozenset(froms), links=frozenset(links))
        )
    if name == "offset":
        return replace(receiver, shape=replace(shape, offsets=shape.offsets | {id(call)}))
    if name == "order_by":
        unordered = all(isinstance(a, ast.Constant) and a.value is None for a in call.args)
        guards = frozenset().union(*flow.conditions) if flow.conditions else frozenset()
        ordered = "no" if unordered else "yes"
        return replace(receiver, shape=replace(shape, ordered=ordered, order_guards=guards))
    return receiver


def _spread(args: list[ast.expr], flow: FlowState) -> list[ast.expr]:
    """Criteria with `*criteria` replaced by the items of the list literal the function
    binds that name to (once)."""
    out: list[ast.expr] = []
    for arg in args:
        if isinstance(arg, ast.Starred) and isinstance(arg.value, ast.Name):
            values = [
                node.value
                for node in walk(flow.ref.node)
                if isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == arg.value.id for t in node.targets)
            ]
            if len(values) == 1 and isinstance(values[0], (ast.List, ast.Tuple)):
                out.extend(values[0].elts)
                continue
        out.append(arg)
    return out


def _pinned_column(part: ast.expr, model: str | None, flow: FlowState) -> set[str]:
    """`Model.col == value` (not another column) on the selected model: {"col"}."""
    if model is None or not isinstance(part, ast.Compare) or len(part.ops) != 1:
        return set()
    if not isinstance(part.ops[0], (ast.Eq, ast.Is)):
        return set()
    for column, other in ((part.left, part.comparators[0]), (part.comparators[0], part.left)):
        t = flow.index_type(column)
        if (
            isinstance(t, ColumnT)
            and not t.relationship
            and t.model == model
            and not criteria_models(other, flow)
        ):
            return {t.name}
    return set()


def _with_pinned(
    receiver: StmtT | QueryT, pinned: frozenset[str], flow: FlowState
) -> StmtT | QueryT:
    """Many-to-one relationships whose foreign key is pinned load one object for every
    row: the identity map serves it after the first read, so it counts as loaded."""
    if not pinned or receiver.model is None:
        return receiver
    rels = flow.index.pinned_relationships(receiver.model, pinned)
    if not rels:
        return receiver
    return replace(receiver, eager=receiver.eager | {(r,) for r in rels})


def unlinked_models(shape: Shape) -> list[str]:
    """Filtered models not reachable from the selected/joined ones through criteria."""
    if shape.opaque:
        return []
    reached = set(shape.froms)
    changed = True
    while changed:
        changed = False
        for a, b in shape.links:
            if (a in reached) != (b in reached):
                reached |= {a, b}
                changed = True
    return sorted(m for m in shape.filtered if m not in reached)


def joins_collection(model: str | None, paths: frozenset[tuple[str, ...]], flow: FlowState) -> bool:
    """True when a joinedload path goes through a relationship known to be a collection."""
    if model is None:
        return False
    for path in paths:
        current: str | None = model
        for depth, name in enumerate(path):
            if current is None or name == "*" or path[: depth + 1] not in paths:
                break
            rel = flow.index.relationships(current).get(name)
            if rel is None:
                break
            if rel.collection is True:
                return True
            current = rel.target_name
    return False
