"""Fixes of statements and results: `.unique()` before a consumer of joined-eager rows
(RPL306), `.order_by(<primary key>)` before `.offset()` and on a statement fastapi-pagination
pages (RPL401)."""

from __future__ import annotations

import ast

from repolint.fixes.edits import Applicability, Fix, end_of, fix, insert
from repolint.fixes.follow import Function, single_value
from repolint.fixes.locate import InModule, dot_of, name_for_class, primary_key
from repolint.semantics.context import Context
from repolint.semantics.names import SELECT_FUNCS

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


PAGED_CHAIN = frozenset(
    {"where", "filter", "filter_by", "join", "outerjoin", "options", "execution_options"}
)
"""Methods a paged `select(Model)` may carry for `.order_by(<primary key>)` to be exact:
none of them changes the columns, groups or deduplicates."""


def order_paginated(
    arg: ast.expr, model: str | None, function: Function | None, ctx: Context
) -> Fix | None:
    """fastapi-pagination's `paginate(db, select(Note))` -> `paginate(db,
    select(Note).order_by(Note.id))`; a name is followed to its one assignment in the same
    function (`stmt = select(Note).where(...)`), which gets the `.order_by(...)`."""
    if model is None:
        return None
    key = primary_key(ctx, model)
    name = name_for_class(ctx, model)
    if key is None or name is None:
        return None
    built: ast.expr | None = arg
    if isinstance(arg, ast.Name):
        built = single_value(arg.id, function) if function is not None else None
    if built is None or not plain_select_of(built, name, ctx):
        return None
    end = end_of(built, ctx.module.lines)
    if end is None:
        return None
    edit = insert(ctx.module.display, end, f".order_by({name}.{key})")
    return fix(
        Applicability.UNSAFE, f"Order by the primary key `{name}.{key}` before paging", [edit]
    )


def plain_select_of(expr: ast.expr, name: str, ctx: InModule) -> bool:
    """`select(Name)` followed only by methods of PAGED_CHAIN."""
    while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
        if expr.func.attr not in PAGED_CHAIN:
            return False
        expr = expr.func.value
    if not isinstance(expr, ast.Call) or not isinstance(expr.func, (ast.Name, ast.Attribute)):
        return False
    if ctx.module.imports.qualify(expr.func) not in SELECT_FUNCS:
        return False
    only = expr.args[0] if len(expr.args) == 1 and not expr.keywords else None
    return isinstance(only, ast.Name) and only.id == name
