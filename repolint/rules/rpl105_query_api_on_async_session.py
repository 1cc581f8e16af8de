"""## What it does
Flags `.query(...)` called on an `AsyncSession`.

## Why is this bad?
`AsyncSession` has no legacy `Query` API: the call raises `AttributeError`
at run time. It usually appears when code is moved from a sync session to
an async one without rewriting its queries.

## Example
```python
from sqlalchemy.ext.asyncio import AsyncSession
from app.models import Person

async def residents(db: AsyncSession):
    return db.query(Person).all()
```

## Use instead
```python
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from app.models import Person

async def residents(db: AsyncSession):
    return (await db.scalars(select(Person))).all()
```

## References
- [SQLAlchemy: 2.0 migration, ORM querying](https://docs.sqlalchemy.org/en/20/changelog/migration_20.html#migration-orm-usage)
"""

from __future__ import annotations

import ast

from repolint.findings import Severity
from repolint.rules.base import Rule
from repolint.semantics.context import Context
from repolint.semantics.types import SessionT


class QueryApiOnAsyncSession(Rule):
    code = "RPL105"
    name = "query-api-on-async-session"
    summary = "AsyncSession has no .query(): AttributeError at run time"
    severity = Severity.ERROR

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr != "query":
            return
        session = ctx.type_of(func.value)
        if isinstance(session, SessionT) and session.kind == "async":
            self.report(
                ctx,
                node,
                "`query()` on an AsyncSession: it has no Query API (AttributeError at run time)",
                hint="use `await session.scalars(select(Model).where(...))`",
            )
