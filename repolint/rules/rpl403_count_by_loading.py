"""## What it does
Flags `len(<query result>.all())` and `len(list(<query result>))` used to
count rows.

## Why is this bad?
Every row is sent over the wire and turned into an object just to be
counted, then thrown away. `SELECT count(*)` returns one number; the gap
grows with the table.

## Example
```python
from sqlalchemy import select
from sqlalchemy.orm import Session
from app.models import Person

def resident_count(db: Session) -> int:
    return len(db.scalars(select(Person).where(Person.type == "resident")).all())
```

## Use instead
```python
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from app.models import Person

def resident_count(db: Session) -> int:
    stmt = select(func.count()).select_from(Person).where(Person.type == "resident")
    return db.scalar(stmt)
```

## References
- [SQLAlchemy: counting with func.count()](https://docs.sqlalchemy.org/en/20/core/functions.html#sqlalchemy.sql.functions.count)
"""

from __future__ import annotations

import ast

from repolint.rules.base import Rule
from repolint.semantics.context import Context
from repolint.semantics.types import QueryT, ResultT

FETCH_ALL = frozenset({"all", "fetchall"})


class CountByLoading(Rule):
    code = "RPL403"
    name = "count-by-loading"
    summary = "Rows are loaded only to be counted with len()"

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        if not (isinstance(node.func, ast.Name) and node.func.id == "len" and len(node.args) == 1):
            return
        arg = node.args[0]
        source = None
        if (
            isinstance(arg, ast.Call)
            and isinstance(arg.func, ast.Attribute)
            and arg.func.attr in FETCH_ALL
        ):
            source = arg.func.value
        elif (
            isinstance(arg, ast.Call)
            and isinstance(arg.func, ast.Name)
            and arg.func.id == "list"
            and arg.args
        ):
            source = arg.args[0]
        if source is None or not isinstance(ctx.type_of(source), (QueryT, ResultT)):
            return
        self.report(
            ctx,
            node,
            "`len()` of every fetched row to count them: all rows are loaded and discarded",
            hint="count in the database: `session.scalar(select(func.count()).select_from(...))`",
        )
