"""Shared predicates of the lazy-loading rules (RPL301, RPL302, RPL308)."""

from __future__ import annotations

import ast
from dataclasses import replace

from repolint.semantics.call_sites import call_constants, call_site_args
from repolint.semantics.context import Context
from repolint.semantics.models import Relationship
from repolint.semantics.module import function_params
from repolint.semantics.summaries import ARG_ORIGIN, MODULE_ORIGIN, function_label
from repolint.semantics.types import InstanceT, eager_covers


def lazy_access(node: ast.Attribute, ctx: Context) -> tuple[InstanceT, Relationship] | None:
    """(instance, relationship) when `node` reads a lazy relationship not eager-loaded."""
    found = ctx.relationship_access(node)
    if found is None:
        return None
    instance, rel = found
    if not isinstance(instance, InstanceT) or rel.strategy != "lazy":
        return None
    if eager_covers(instance.eager, (rel.name,)):
        return None
    return instance, rel


def origin_text(instance: InstanceT) -> str:
    if instance.origin is None:
        return ""
    cls, method = instance.origin
    if cls.endswith(MODULE_ORIGIN):
        return f" (rows from `{method}()`)"
    return f" (rows from `{cls.rsplit('.', 1)[-1]}.{method}()`)"


def relationship_text(rel: Relationship, model: str | None = None) -> str:
    """`Feedback.incident`, and for a backref where it is declared: `Feedback.incident`
    (backref of `Incident.feedback`)."""
    owner = (model or rel.owner).rsplit(".", 1)[-1]
    text = f"`{owner}.{rel.name}`"
    if rel.backref_of and rel.reverse:
        text += f" (backref of `{rel.backref_of.rsplit('.', 1)[-1]}.{rel.reverse}`)"
    return text


def cost_text(rels: list[Relationship]) -> str:
    """What the lazy loads cost: N+1 queries; for many-to-ones alone, one query per
    distinct target at most (a lazy many-to-one looks the primary key up in the
    identity map first, so rows that share a parent share its SELECT)."""
    targets = sorted({r.target_name or "" for r in rels})
    if rels and all(r.collection is False for r in rels) and "" not in targets:
        names = " or ".join(f"`{t.rsplit('.', 1)[-1]}`" for t in targets)
        return f"up to one query per distinct {names} (N+1 at worst)"
    return "N+1 queries"


def loader_hint(instance: InstanceT, rel: Relationship) -> str:
    model = instance.model.rsplit(".", 1)[-1]
    return f"eager-load it in the query: `.options(selectinload({model}.{rel.name}))`"


def per_row_call_reads(
    call: ast.Call, ctx: Context, per_row_only: bool = True
) -> list[tuple[InstanceT, str, Relationship]]:
    """Lazy relationships a project function reads on a row it is given once per row
    (`serialize(row)`, `Resp.from_model(row)`, `row.to_dict()`), or on any row it is
    given with `per_row_only=False`: (the row, the callee's label, the relationship).
    The callee is analysed with that argument bound, so only the relationships its own
    code reads on it count."""
    project_call = ctx.project_call(call)
    if project_call is None:
        return []
    index = ctx.index
    ref = index.functions.get(project_call.qual)
    if ref is None:
        return []
    given: list[tuple[str, InstanceT]] = []
    func = call.func
    receiver = ctx.type_of(func.value) if isinstance(func, ast.Attribute) else None
    if isinstance(receiver, InstanceT) and (receiver.per_row or not per_row_only):
        params = function_params(ref.node)
        if params:
            given.append((params[0][0].arg, receiver))
    types = _arg_types(call, ctx)
    if any(
        isinstance(value, InstanceT) and (value.per_row or not per_row_only)
        for value in types.values()
    ):
        for name, value in call_site_args(ref, call, types).items():
            if isinstance(value, InstanceT) and (value.per_row or not per_row_only):
                given.append((name, value))
    found: list[tuple[InstanceT, str, Relationship]] = []
    if not given:
        return found
    label = function_label(ref.qual, project_call.self_cls or ref.owner)
    constants = call_constants(ref, call)
    for name, row in given:
        marked = replace(row, per_row=False, origin=(ARG_ORIGIN, name))
        bound = tuple(sorted([(name, marked), *((n, c) for n, c in constants if n != name)]))
        facts = index.facts.facts(ref, project_call.self_cls, bound)
        for param, model, rel_name in facts.arg_lazy_reads:
            rel = index.relationships(model).get(rel_name)
            if param == name and rel is not None:
                found.append((row, label, rel))
    return found


def _arg_types(call: ast.Call, ctx: Context) -> dict[int, object | None]:
    types: dict[int, object | None] = {id(a): ctx.type_of(a) for a in call.args}
    types.update({id(k.value): ctx.type_of(k.value) for k in call.keywords})
    return types
