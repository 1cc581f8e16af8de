"""## What it does
Flags `session.query(...)` on a sync session: the 1.x `Query` API. Off by
default; enable it with `--extend-select RPL404` when migrating to 2.0 style.

## Why is this bad?
`Query` is legacy in SQLAlchemy 2.0: it has no `AsyncSession` equivalent,
so every `query()` is a line to rewrite before the async migration, and new
features (`insert().returning()`, unified `select()`) are 2.0-style only.
It has no run-time effect today; that is why the rule is opt-in.

## Example
```python
from sqlalchemy.orm import Session
from app.models import Person

def residents(db: Session):
    return db.query(Person).filter(Person.type == "resident").all()
```

## Use instead
```python
from sqlalchemy import select
from sqlalchemy.orm import Session
from app.models import Person

def residents(db: Session):
    return db.scalars(select(Person).where(Person.type == "resident")).all()
```

## Fix safety
`--fix --unsafe-fixes` rewrites a chain whose 2.0 form is exact:
`.all()`, `.one()`, `.one_or_none()` become
`session.scalars(select(Model)...).all()` (and so on), `.first()` keeps its
`LIMIT 1` (`select(...).limit(1)`), `.count()` becomes
`session.scalar(select(func.count()).select_from(select(...).subquery()))`,
`session.query(Model).get(id)` becomes `session.get(Model, id)`;
`.filter(...)` is spelled `.where(...)`, and `select`/`func` are imported.
A chain written one method a line keeps its lines and comments: the
`select(...)` closes after its last method (`.order_by(Person.name))`) and the
terminal call stays on its own line (`ruff format` lays it out again if the
project uses it). A `.get(id)` on another line than its `session.query(Model)`,
a `session.query(` whose arguments span lines, chains with `joinedload`
options (the legacy `Query` de-duplicates their rows), with other methods, or
kept in a variable are left as they are. Unsafe: the result type is a `Sequence` from `scalars()`,
and code that relied on `Query`'s own behaviour should be reviewed.

## References
- [SQLAlchemy: legacy Query API](https://docs.sqlalchemy.org/en/20/orm/queryguide/query.html)
"""

from __future__ import annotations

import ast

from repolint.fixes.build_legacy import legacy_to_select
from repolint.rules.base import Rule
from repolint.semantics.context import Context
from repolint.semantics.types import SessionT


class LegacyQueryApi(Rule):
    code = "RPL404"
    name = "legacy-query-api"
    summary = "session.query() is the legacy 1.x Query API"
    default_enabled = False

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr != "query":
            return
        session = ctx.type_of(func.value)
        if isinstance(session, SessionT) and session.kind == "sync":
            self.report(
                ctx,
                node,
                "`session.query()` is the legacy Query API",
                hint="use `session.scalars(select(Model).where(...))`",
                fix=legacy_to_select(node, ctx),
            )
