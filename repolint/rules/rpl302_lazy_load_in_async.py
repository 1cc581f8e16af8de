"""## What it does
Flags a lazy relationship read anywhere in an `async def` on objects that
came from an `AsyncSession` query that did not eager-load it. Reported
instead of RPL301 in async code. A sync helper that an `async def` hands such
a row to (`line_count(order)`, `row.to_dict()`) and that reads a lazy
relationship of it is reported at the call, naming what it reads.

## Why is this bad?
Under asyncio a lazy load cannot run implicitly: SQLAlchemy raises
`sqlalchemy.exc.MissingGreenlet` ("greenlet_spawn has not been called; can't
call await_only() here") at the attribute access, at run time, often only on
the code path a test did not take.

## Example
```python
from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession
from app.db import get_async_db
from app.models import Person

async def person_hours(person_id: int, db: AsyncSession = Depends(get_async_db)) -> float:
    person = await db.get(Person, person_id)
    return sum(a.hours for a in person.assignments)  # MissingGreenlet
```

## Use instead
```python
from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from app.db import get_async_db
from app.models import Person

async def person_hours(person_id: int, db: AsyncSession = Depends(get_async_db)) -> float:
    person = await db.get(Person, person_id, options=[selectinload(Person.assignments)])
    return sum(a.hours for a in person.assignments)
```
or `await person.awaitable_attrs.assignments`, or `lazy="selectin"` on the
relationship.

## Fix safety
As RPL301's: `--fix --unsafe-fixes` adds `selectinload(Model.rel)` to the
`select()` that produced the rows when it is built in the same function, or
calls the repository's `<method>_with_relations` sibling that eager-loads
the relationship; otherwise no fix. Unsafe: it changes what the query loads.

## References
- [SQLAlchemy: preventing implicit IO when using AsyncSession](https://docs.sqlalchemy.org/en/20/orm/extensions/asyncio.html#preventing-implicit-io-when-using-asyncsession)
"""

from __future__ import annotations

import ast

from repolint.findings import Severity
from repolint.fixes.build_loading import load_for_call, load_relationships
from repolint.rules.base import Rule
from repolint.semantics.context import Context
from repolint.semantics.lazy import (
    lazy_access,
    loader_hint,
    origin_text,
    per_row_call_reads,
    relationship_text,
)


class LazyLoadInAsync(Rule):
    code = "RPL302"
    name = "lazy-load-in-async"
    summary = "A lazy relationship is read in async code (MissingGreenlet)"
    severity = Severity.ERROR

    def visit_Attribute(self, node: ast.Attribute, ctx: Context) -> None:
        found = lazy_access(node, ctx)
        if found is None:
            return
        instance, rel = found
        if instance.kind != "async" or not ctx.in_async_def(node):
            return
        self.report(
            ctx,
            node,
            f"lazy relationship {relationship_text(rel, instance.model)} read in async code"
            f"{origin_text(instance)} "
            "without eager loading: MissingGreenlet at run time",
            hint=loader_hint(instance, rel),
            fix=load_relationships(node.value, instance, [rel], ctx),
        )

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        """A sync helper given an async session's row reads a lazy relationship of it."""
        project_call = ctx.project_call(node)
        if project_call is None or not ctx.in_async_def(node):
            return
        callee = ctx.index.functions.get(project_call.qual)
        if callee is None or isinstance(callee.node, ast.AsyncFunctionDef):
            return  # an async callee's own reads are reported in its body
        reads = [
            r for r in per_row_call_reads(node, ctx, per_row_only=False) if r[0].kind == "async"
        ]
        if not reads:
            return
        row, label, first = reads[0]
        names = ", ".join(relationship_text(r) for _, _, r in reads[:3])
        self.report(
            ctx,
            node,
            f"`{label}()` reads lazy {names} of a row of an AsyncSession{origin_text(row)} "
            "without eager loading: MissingGreenlet at run time",
            hint=loader_hint(row, first),
            fix=load_for_call(node, reads, ctx),
        )
