"""## What it does
Flags a method named `*_with_relations` whose query eager-loads nothing.

## Why is this bad?
Callers pick the `_with_relations` variant precisely to traverse
relationships safely. If it loads nothing eagerly, every traversal is still
a lazy load: N+1 queries in sync code, `MissingGreenlet` under
`AsyncSession`. The name promises what the code does not do. (No execution
test of its own: the effect is RPL301's and RPL302's, proven there.)

## Example
```python
from sqlalchemy import select
from app.models import Assignment
from app.repositories.base import AsyncBaseRepository

class AssignmentRepository(AsyncBaseRepository[Assignment]):
    async def get_by_id_with_relations(self, assignment_id: int) -> Assignment | None:
        stmt = select(Assignment).where(Assignment.id == assignment_id)
        return (await self.db.scalars(stmt)).one_or_none()
```

## Use instead
```python
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from app.models import Assignment
from app.repositories.base import AsyncBaseRepository

class AssignmentRepository(AsyncBaseRepository[Assignment]):
    async def get_by_id_with_relations(self, assignment_id: int) -> Assignment | None:
        stmt = (
            select(Assignment)
            .options(selectinload(Assignment.person), selectinload(Assignment.block))
            .where(Assignment.id == assignment_id)
        )
        return (await self.db.scalars(stmt)).one_or_none()
```

## Fix safety
`--fix --unsafe-fixes` adds `selectinload(Model.rel)` for every lazy
relationship of the model to the statement the method returns the rows of
(its `select()` or `Query` chain, built in the method), and imports
`selectinload`. Unsafe: the method then loads every relationship, one more
`SELECT ... IN` each; trim the list to what its callers read.

## Options
`with-relations-suffixes` (default `["_with_relations"]`).

## References
- [SQLAlchemy: relationship loading techniques](https://docs.sqlalchemy.org/en/20/orm/queryguide/relationships.html)
"""

from __future__ import annotations

import ast

from repolint.fixes.build_loading import load_every_relationship
from repolint.rules.base import Rule
from repolint.semantics.context import Context
from repolint.semantics.types import InstanceT, QueryT, ResultT, RowsT


class WithRelationsNotEager(Rule):
    code = "RPL305"
    name = "with-relations-not-eager"
    summary = "A *_with_relations method eager-loads nothing"

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
        if not node.name.endswith(tuple(ctx.settings.with_relations_suffixes)):
            return
        ref = ctx.function_ref(node)
        if ref is None:
            return
        returned = ctx.index.facts.facts(ref).returns
        if not isinstance(returned, (InstanceT, RowsT, ResultT, QueryT)) or returned.eager:
            return
        if returned.model is None or not ctx.index.lazy_relationships(returned.model):
            return
        model = returned.model.rsplit(".", 1)[-1]
        self.report(
            ctx,
            node,
            f"`{node.name}()` eager-loads nothing: its `{model}` query has no "
            "selectinload/joinedload options",
            hint=f"add `.options(selectinload({model}.<relationship>))` to its query",
            fix=load_every_relationship(node, returned.model, ctx),
        )

    visit_AsyncFunctionDef = visit_FunctionDef
