"""## What it does
Flags `commit()` or `flush()` on a session (sync or async, awaited or not)
called once per item of a `for` loop or comprehension over query rows: rows
fetched by a query, directly or through a variable, a helper or a repository
method, or a relationship collection. These are the same row loops that
RPL301 follows. A flush is flagged too: it is one round trip per row, where a
single flush (or the commit itself) would send the same statements together.
A project function called once per row that commits (a `save()` helper, a
model's `update()`) is flagged at that call, with the path to the commit.

Not flagged: a loop over a fixed handful (a literal, an `Enum`, a constant, a
`range()`) or over anything else that is not rows, a loop over chunks
(`for batch in batched(rows, 500)`), a call under an `if` that tests a batch
boundary (`if i % 100 == 0`, `if len(pending) >= batch_size`), a call in an
`except` handler (a recovery path, such as recording why that one row failed,
not the way of every row), and a call after which the loop body always
returns, raises or breaks (it runs once). A savepoint's `commit()`
(`begin_nested()`) is not a session's.

## Why is this bad?
Each `commit()` ends a transaction and starts another: N rows cost N
transactions, each with its own `COMMIT` (a disk sync on most databases), and
with the default `expire_on_commit=True` every loaded object expires, so the
next row is loaded again. The work is no longer atomic: a failure half-way
leaves the first rows committed and the rest not, and a rerun has to find out
which is which. One commit after the loop (or one per batch of rows) does the
same work in one transaction.

A per-row commit meant to keep one bad row from undoing the others
(`try: ... db.commit()` with a rollback in `except`) is flagged as well: a
savepoint per row (`with db.begin_nested():`) keeps that isolation inside one
transaction.

## Example
```python
from sqlalchemy.orm import Session
from app.repositories.people import PersonRepository

def deactivate_everyone(db: Session) -> None:
    for person in PersonRepository(db).list_active():
        person.active = False
        db.commit()  # one transaction per person
```

## Use instead
```python
from sqlalchemy.orm import Session
from app.repositories.people import PersonRepository

def deactivate_everyone(db: Session) -> None:
    for person in PersonRepository(db).list_active():
        person.active = False
    db.commit()  # one transaction for everyone
```

## References
- [SQLAlchemy: managing transactions](https://docs.sqlalchemy.org/en/20/orm/session_transaction.html)
- [SQLAlchemy: Session.commit()](https://docs.sqlalchemy.org/en/20/orm/session_api.html#sqlalchemy.orm.Session.commit)
- [SQLAlchemy: using SAVEPOINT](https://docs.sqlalchemy.org/en/20/orm/session_transaction.html#using-savepoint)
"""

from __future__ import annotations

import ast

from repolint.rules.base import Rule
from repolint.semantics.call_sites import db_path_at_call
from repolint.semantics.context import Context
from repolint.semantics.loops import (
    batch_guarded,
    enclosing_loops,
    exits_loop_after,
    in_except_handler,
    is_batch_loop,
)
from repolint.semantics.types import SessionT

ENDS_A_ROUND = frozenset({"commit", "flush"})


class CommitPerRow(Rule):
    code = "RPL309"
    name = "commit-per-row"
    summary = "A session is committed or flushed once per row of a loop"
    since = "0.3.0"

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        func = node.func
        project_call = ctx.project_call(node)
        if project_call is not None:
            if not _once_per_row(node, ctx):  # cheap, and most calls are in no loop
                return
            path = db_path_at_call(ctx.index, node, project_call, "commit")
            if path is not None:
                cost = "round trip" if ".flush(" in path[-1] else "transaction"
                self.report(
                    ctx,
                    node,
                    f"`{' -> '.join(path[:-1])}` does `{path[-1]}` once per row of the loop: "
                    f"one {cost} per row",
                    hint="commit once after the loop (or per batch): give the helper a "
                    "`commit=False` path, or move the commit to the caller",
                )
            return
        if not isinstance(func, ast.Attribute) or func.attr not in ENDS_A_ROUND:
            return
        if not isinstance(ctx.type_of(func.value), SessionT) or not _once_per_row(node, ctx):
            return
        cost = "one transaction per row" if func.attr == "commit" else "one round trip per row"
        self.report(
            ctx,
            node,
            f"`{func.attr}()` runs once per row of the loop: {cost}",
            hint=f"{func.attr} once after the loop, or per batch",
        )


def _once_per_row(node: ast.Call, ctx: Context) -> bool:
    """In a loop over rows, on every item: not per batch, not in the loop's `except`,
    not followed by leaving the loop."""
    if not ctx.per_row(node):
        return False
    loops = enclosing_loops(node, ctx)
    if not loops or any(is_batch_loop(loop) for loop in loops):
        return False
    loop = loops[0]
    return not (
        batch_guarded(node, loop, ctx)
        or in_except_handler(node, loop, ctx)
        or exits_loop_after(node, loop, ctx)
    )
