"""## What it does
Flags a `select()` or `query()` that filters on a model which is neither
selected, joined, nor linked to a selected model by a `where` criterion
(`Assignment.block_id == Block.id`). Subqueries and `has()`/`any()` are not
counted as filters of the outer statement.

## Why is this bad?
SQL puts every table named in WHERE into FROM. Unlinked, it is a cross join:
every row of one table paired with every row of the other, then filtered.
Results are wrong (duplicates) and the cost is the product of the table
sizes. SQLAlchemy warns "SELECT statement has a cartesian product between
FROM element(s)" at run time.

## Example
```python
import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session
from app.models import Assignment, Block

def on_or_after(db: Session, start: dt.date):
    stmt = select(Assignment).where(Block.date >= start)
    return db.scalars(stmt).all()
```

## Use instead
```python
import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session
from app.models import Assignment, Block

def on_or_after(db: Session, start: dt.date):
    stmt = select(Assignment).join(Assignment.block).where(Block.date >= start)
    return db.scalars(stmt).all()
```

## References
- [SQLAlchemy: linting of FROM clauses (cartesian products)](https://docs.sqlalchemy.org/en/20/changelog/migration_14.html#change-4737)
"""

from __future__ import annotations

import ast

from repolint.rules.base import Rule
from repolint.semantics.context import Context
from repolint.semantics.statements import unlinked_models


class CartesianProduct(Rule):
    code = "RPL402"
    name = "cartesian-product"
    summary = "A statement filters on a model it neither selects nor joins"

    def visit_Call(self, node: ast.Call | ast.Attribute, ctx: Context) -> None:
        states = ctx.typed.final_statements.get(id(node))
        if not states:
            return
        unlinked: list[str] = []
        for _, state in states:
            for model in unlinked_models(state.shape):  # type: ignore[attr-defined]
                if model not in unlinked:
                    unlinked.append(model)
        if not unlinked:
            return
        names = ", ".join(f"`{m.rsplit('.', 1)[-1]}`" for m in unlinked)
        self.report(
            ctx,
            node,
            f"statement filters on {names} without joining it: a cartesian product (cross join)",
            hint="join it (`.join(...)`) or link it to a selected model in the `where` criteria",
        )

    visit_Attribute = visit_Call  # Flask-SQLAlchemy's `Model.query` starts a statement too
