"""Fixes of statements and results: `.unique()` before a consumer of joined-eager rows
(RPL306), `.order_by(<primary key>)` before `.offset()` (RPL401)."""

from __future__ import annotations

import ast

from repolint.fixes.edits import Applicability, Fix, end_of, fix, insert
from repolint.fixes.locate import dot_of, name_for_class, primary_key
from repolint.semantics.context import Context

_PRIMARIES = (ast.Call, ast.Name, ast.Attribute, ast.Subscript)
"""Expressions that `.unique()` written right after applies to as a whole."""


def unique_before_consumer(node: ast.Call, ctx: Context) -> Fix | None:
    """`db.scalars(s).all()` -> `db.scalars(s).unique().all()`, also through parentheses:
    `(await db.scalars(s)).all()` -> `(await db.scalars(s)).unique().all()`."""
    func = node.func
    if not isinstance(func, ast.Attribute):
        return None
    at = dot_of(func, ctx.module.lines)
    if at is None:
        return None
    edit = insert(ctx.module.display, at, ".unique()")
    return fix(Applicability.SAFE, "Call `.unique()` on the result first", [edit])


def unique_iterated(iterable: ast.AST, ctx: Context) -> Fix | None:
    """`for b in db.scalars(s):` -> `for b in db.scalars(s).unique():`."""
    if not isinstance(iterable, _PRIMARIES):
        return None
    end = end_of(iterable, ctx.module.lines)
    if end is None:
        return None
    edit = insert(ctx.module.display, end, ".unique()")
    return fix(Applicability.SAFE, "Call `.unique()` on the result first", [edit])


def order_by_primary_key(node: ast.Call, model: str | None, ctx: Context) -> Fix | None:
    """`stmt.offset(n)` -> `stmt.order_by(Model.id).offset(n)`, for a statement no path
    orders, selecting a model with one primary key that this module can name."""
    func = node.func
    if model is None or not isinstance(func, ast.Attribute):
        return None
    key = primary_key(ctx, model)
    name = name_for_class(ctx, model)
    if key is None or name is None:
        return None
    at = dot_of(func, ctx.module.lines)
    if at is None:
        return None
    edit = insert(ctx.module.display, at, f".order_by({name}.{key})")
    return fix(
        Applicability.UNSAFE, f"Order by the primary key `{name}.{key}` before paging", [edit]
    )
