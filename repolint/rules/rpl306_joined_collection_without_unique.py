"""## What it does
Flags rows fetched without `.unique()` from a 2.0-style `execute()` or
`scalars()` of a statement that `joinedload`s a collection. Only the
consumers that raise are flagged: `.all()`, `.fetchall()`, `.one()`,
`.one_or_none()`, `.scalar_one()`, `.scalar_one_or_none()` and iteration;
not `.first()`, `.scalar()`, `Session.scalar()`, nor the legacy `Query`
(which de-duplicates by itself). Checked on SQLAlchemy 2.1.9.

## Why is this bad?
A joined eager load of a collection repeats the parent row once per child.
SQLAlchemy 2.x refuses to guess and raises `InvalidRequestError: The unique()
method must be invoked on this Result, as it contains results that include
joined eager loads against collections`.

## Example
```python
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload
from app.models import Person

def people_with_assignments(db: Session):
    stmt = select(Person).options(joinedload(Person.assignments))
    return db.scalars(stmt).all()
```

## Use instead
```python
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload
from app.models import Person

def people_with_assignments(db: Session):
    stmt = select(Person).options(joinedload(Person.assignments))
    return db.scalars(stmt).unique().all()
```
or use `selectinload` for collections.

## Fix safety
`--fix` writes `.unique()` just before the raising consumer
(`db.scalars(stmt).unique().all()`, `(await db.scalars(stmt)).unique().all()`,
`for row in db.scalars(stmt).unique():`). The fix is safe: it is what
SQLAlchemy asks for, and the rows are those the legacy `Query` returned.

## References
- [SQLAlchemy: joined eager loading and unique()](https://docs.sqlalchemy.org/en/20/orm/queryguide/relationships.html#joined-eager-loading)
"""

from __future__ import annotations

import ast

from repolint.findings import Severity
from repolint.fixes.build_query import unique_before_consumer, unique_iterated
from repolint.fixes.edits import Fix
from repolint.rules.base import Rule
from repolint.semantics.context import Context
from repolint.semantics.types import ResultT

RAISING_CONSUMERS = frozenset(
    {"all", "fetchall", "one", "one_or_none", "scalar_one", "scalar_one_or_none"}
)


def _needs_unique(value: object) -> bool:
    return isinstance(value, ResultT) and value.joined_collection and not value.unique


class JoinedCollectionWithoutUnique(Rule):
    code = "RPL306"
    name = "joined-collection-without-unique"
    summary = "Rows of a joinedload of a collection are fetched without .unique()"
    severity = Severity.ERROR

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in RAISING_CONSUMERS
            and _needs_unique(ctx.type_of(func.value))
        ):
            self._report(ctx, node, f"`.{func.attr}()`", unique_before_consumer(node, ctx))

    def visit_For(self, node: ast.For | ast.AsyncFor, ctx: Context) -> None:
        if _needs_unique(ctx.type_of(node.iter)):
            self._report(ctx, node.iter, "iterating", unique_iterated(node.iter, ctx))

    visit_AsyncFor = visit_For

    def visit_comprehension(self, node: ast.comprehension, ctx: Context) -> None:
        if _needs_unique(ctx.type_of(node.iter)):
            self._report(ctx, node.iter, "iterating", unique_iterated(node.iter, ctx))

    def _report(self, ctx: Context, node: ast.AST, how: str, fix: Fix | None = None) -> None:
        self.report(
            ctx,
            node,
            f"{how} rows of a statement that joinedloads a collection, without `.unique()`: "
            "InvalidRequestError at run time",
            hint="call `.unique()` on the result first, or use selectinload for the collection",
            fix=fix,
        )
