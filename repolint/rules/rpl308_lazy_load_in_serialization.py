"""## What it does
Flags a route that returns ORM rows to a Pydantic model that reads them
attribute by attribute, when the model's fields name lazy relationships the
query did not eager-load, at any depth of nested response models. The rows
reach the model through the route's `response_model=` or return annotation
(FastAPI validates responses from attributes), or directly:
`return [Out.model_validate(r) for r in rows]` with `from_attributes`. Code
other than a route that builds such models from rows is flagged at the
building call: once per row in sync code (`for o in orders:
feed.append(Out.model_validate(o))`), or from any row of an `AsyncSession`.

## Why is this bad?
Serialization reads every field with `getattr`, so each lazy relationship is
loaded there, out of sight of the query: one query per row (N+1) in sync
code, and `MissingGreenlet` in async code. For a single object in sync code
only a lazy collection nested under another collection is N+1, so only that
is flagged there.

## Example
```python
from fastapi import Depends
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from app.api import router
from app.db import get_async_db
from app.models import Person
from app.schemas import PersonWithAssignments

@router.get("/people", response_model=list[PersonWithAssignments])
async def people(db: AsyncSession = Depends(get_async_db)):
    return (await db.scalars(select(Person))).all()
```

## Use instead
```python
from fastapi import Depends
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from app.api import router
from app.db import get_async_db
from app.models import Person
from app.schemas import PersonWithAssignments

@router.get("/people", response_model=list[PersonWithAssignments])
async def people(db: AsyncSession = Depends(get_async_db)):
    stmt = select(Person).options(selectinload(Person.assignments))
    return (await db.scalars(stmt)).all()
```

## Fix safety
`--fix --unsafe-fixes` loads the serialized relationships where the rows are
fetched, as RPL301's fix does: `selectinload(Model.rel)` added to the
`select()` built in the same function (also when the result is kept in a
name assigned once, `result = await db.scalars(stmt)` then `return
result.all()`), `options=[selectinload(Model.rel)]`
added to `session.get(Model, id)`, or the repository's
`<method>_with_relations` sibling called instead. Only when every lazy field
is a relationship of the rows' own model: a nested one (`CustomerOut.orders`
whose `OrderOut.lines` is lazy) gets no fix. Unsafe: it changes what the
query loads.

## References
- [FastAPI: response model](https://fastapi.tiangolo.com/tutorial/response-model/)
- [Pydantic: from_attributes](https://docs.pydantic.dev/latest/concepts/models/#arbitrary-class-instances)
"""

from __future__ import annotations

import ast

from repolint.fixes.build_loading import load_for_serialization
from repolint.rules.base import Rule
from repolint.semantics.context import Context
from repolint.semantics.names import ROUTE_METHODS
from repolint.semantics.pydantic_models import (
    fields,
    is_pydantic_model,
    model_class,
    reads_attributes,
)
from repolint.semantics.types import InstanceT, RowsT, eager_below, eager_covers


class LazyLoadInSerialization(Rule):
    code = "RPL308"
    name = "lazy-load-in-serialization"
    summary = "A response model serializes lazy relationships of the returned rows"

    def visit_Return(self, node: ast.Return, ctx: Context) -> None:
        function = ctx.enclosing_function(node)
        if function is None or not _is_route(function):
            return
        returned = ctx.type_of(node)
        if isinstance(returned, (InstanceT, RowsT)):
            response = _response_model(function, ctx)
        else:
            response, returned = _validated_in_route(node.value, ctx)
        if response is None or not isinstance(returned, (InstanceT, RowsT)):
            return
        cls, is_list = response
        many = is_list or isinstance(returned, RowsT) or returned.per_row
        problems = _lazy_fields(ctx, cls, returned.model, returned.eager, (), many, depth=0)
        if returned.kind == "sync":
            problems = [p for p in problems if p[1]]
        if not problems:
            return
        paths = ", ".join(f"`{path}`" for path, _ in problems)
        effect = "MissingGreenlet at run time" if returned.kind == "async" else "N+1 queries"
        model_name = cls.rsplit(".", 1)[-1]
        self.report(
            ctx,
            node,
            f"response model `{model_name}` serializes lazy {paths} not eager-loaded "
            f"by the query: {effect}",
            hint="eager-load them in the query (`selectinload(...)`) "
            "or drop them from the response model",
            fix=load_for_serialization(node.value, returned, [p for p, _ in problems], ctx),
        )

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        """`Out.model_validate(row)` outside a route's `return` (a service, a loop)."""
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr in VALIDATORS and node.args):
            return  # not a validator call: checked first, it is most calls
        function = ctx.enclosing_function(node)
        parent = ctx.parent(node)
        in_return = isinstance(parent, ast.Return) or (
            isinstance(parent, (ast.ListComp, ast.GeneratorExp, ast.SetComp))
            and isinstance(ctx.parent(parent), ast.Return)
        )
        if function is None or (in_return and _is_route(function)):
            return  # the route's `return` is reported by visit_Return
        response, row = _validated_in_route(node, ctx)
        if response is None or not isinstance(row, InstanceT):
            return
        if row.kind == "sync" and not row.per_row:
            return  # one row, serialized once: a handful of queries, not N
        cls, _ = response
        problems = _lazy_fields(ctx, cls, row.model, row.eager, (), row.per_row, depth=0)
        if not problems:
            return
        paths = ", ".join(f"`{path}`" for path, _ in problems)
        effect = "MissingGreenlet at run time" if row.kind == "async" else "N+1 queries"
        self.report(
            ctx,
            node,
            f"`{cls.rsplit('.', 1)[-1]}` is built from {'each row' if row.per_row else 'a row'}"
            f" and reads lazy {paths} not eager-loaded by the query: {effect}",
            hint="eager-load them in the query (`selectinload(...)`) or drop them from the model",
            fix=load_for_serialization(node, row, [p for p, _ in problems], ctx),
        )


def _is_route(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(
        isinstance(dec, ast.Call)
        and isinstance(dec.func, ast.Attribute)
        and dec.func.attr in ROUTE_METHODS
        for dec in function.decorator_list
    )


def _response_model(
    function: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context
) -> tuple[str, bool] | None:
    """The Pydantic model FastAPI serializes the return value with (always from attributes)."""
    for dec in function.decorator_list:
        if isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute):
            for kw in dec.keywords:
                if kw.arg == "response_model":
                    cls, many = model_class(ctx.index, ctx.module, kw.value)
                    return (cls, many) if cls and is_pydantic_model(ctx.index, cls) else None
    cls, many = model_class(ctx.index, ctx.module, function.returns)
    return (cls, many) if cls and is_pydantic_model(ctx.index, cls) else None


VALIDATORS = frozenset({"model_validate", "from_orm"})


def _validated_in_route(
    value: ast.AST | None, ctx: Context
) -> tuple[tuple[str, bool] | None, object]:
    """`Out.model_validate(row)` or `[Out.model_validate(r) for r in rows]` in the route."""
    many = False
    if isinstance(value, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
        value, many = value.elt, True
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.args):
        return None, None
    if value.func.attr not in VALIDATORS:
        return None, None
    cls, _ = model_class(ctx.index, ctx.module, value.func.value)
    explicit = any(
        kw.arg == "from_attributes"
        and isinstance(kw.value, ast.Constant)
        and kw.value.value is True
        for kw in value.keywords
    )
    if cls is None:
        return None, None
    if not (explicit or value.func.attr == "from_orm" or reads_attributes(ctx.index, cls)):
        return None, None
    return (cls, many), ctx.type_of(value.args[0])


def _lazy_fields(
    ctx: Context,
    cls: str,
    model: str,
    eager: frozenset[tuple[str, ...]],
    prefix: tuple[str, ...],
    many: bool,
    depth: int,
) -> list[tuple[str, bool]]:
    """[("Person.assignments", is N+1?), ...] for lazy relationships the fields read."""
    if depth > 4:
        return []
    out: list[tuple[str, bool]] = []
    rels = ctx.index.relationships(model)
    for field, (module, annotation) in fields(ctx.index, cls).items():
        rel = rels.get(field)
        if rel is None:
            continue
        label = f"{model.rsplit('.', 1)[-1]}.{field}"
        if rel.strategy == "lazy" and not eager_covers(eager, (field,)):
            out.append((label, many))
            continue
        nested, _ = model_class(ctx.index, module, annotation)
        if nested and rel.target_name and reads_attributes(ctx.index, nested):
            below = eager_below(eager, field)
            out.extend(
                _lazy_fields(
                    ctx,
                    nested,
                    rel.target_name,
                    below,
                    (*prefix, field),
                    many or bool(rel.collection),
                    depth + 1,
                )
            )
    return out
