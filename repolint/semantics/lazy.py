"""Shared predicates of the lazy-loading rules (RPL301, RPL302, RPL308)."""

from __future__ import annotations

import ast

from repolint.semantics.context import Context
from repolint.semantics.models import Relationship
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
    return f" (rows from `{cls.rsplit('.', 1)[-1]}.{method}()`)"


def loader_hint(instance: InstanceT, rel: Relationship) -> str:
    model = instance.model.rsplit(".", 1)[-1]
    return f"eager-load it in the query: `.options(selectinload({model}.{rel.name}))`"
