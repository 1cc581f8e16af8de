"""## What it does
Flags a coroutine method of an `AsyncSession` (`execute`, `scalars`,
`scalar`, `get`, `commit`, `flush`, `refresh`, `delete`, `rollback`,
`close`, `merge`, `stream`) called without `await`, and not handed to
asyncio to schedule (`asyncio.create_task`, `asyncio.gather`, ...).

## Why is this bad?
Calling a coroutine function only creates the coroutine: nothing runs. A
`session.commit()` without `await` commits nothing, the write is lost when
the session closes, and Python only warns "coroutine ... was never awaited"
at garbage collection, far from the line at fault.

## Example
```python
from sqlalchemy.ext.asyncio import AsyncSession

async def rename(db: AsyncSession, person, name: str) -> None:
    person.name = name
    db.commit()
```

## Use instead
```python
from sqlalchemy.ext.asyncio import AsyncSession

async def rename(db: AsyncSession, person, name: str) -> None:
    person.name = name
    await db.commit()
```

## Fix safety
`--fix` writes `await` before the call (`(await db.execute(stmt)).scalars()`
when a method of its result is called). The fix is safe: the call was meant
to run and did not. It is offered only directly in the body of an
`async def`, where `await` is allowed and means what was written; not in a
lambda, a comprehension or a nested `def`, nor for a coroutine handed on.

## References
- [Python: coroutines and tasks](https://docs.python.org/3/library/asyncio-task.html#coroutines)
- [SQLAlchemy: AsyncSession](https://docs.sqlalchemy.org/en/20/orm/extensions/asyncio.html#sqlalchemy.ext.asyncio.AsyncSession)
"""

from __future__ import annotations

import ast

from repolint.findings import Severity
from repolint.fixes.build_session import add_await
from repolint.rules.base import Rule
from repolint.semantics.context import Context
from repolint.semantics.module import walk
from repolint.semantics.names import ASYNC_COROUTINE_METHODS
from repolint.semantics.types import SessionT


class AsyncSessionNotAwaited(Rule):
    code = "RPL103"
    name = "async-session-not-awaited"
    summary = "An AsyncSession coroutine method is called without await"
    severity = Severity.ERROR

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in ASYNC_COROUTINE_METHODS:
            return
        session = ctx.type_of(func.value)
        if not isinstance(session, SessionT) or session.kind != "async":
            return
        if not _lost(node, ctx):
            return
        self.report(
            ctx,
            node,
            f"`{func.attr}()` on an AsyncSession is a coroutine and is never awaited: "
            "it does not run",
            hint=f"write `await {ast.unparse(func)}(...)`",
            fix=add_await(node, ctx),
        )


def _lost(node: ast.Call, ctx: Context) -> bool:
    """The coroutine is dropped: a bare statement, used as a result, or stored and never awaited."""
    parent = ctx.parent(node)
    if isinstance(parent, ast.Expr):
        return True
    if isinstance(parent, ast.Attribute) and parent.value is node:
        return True  # `db.execute(stmt).scalars()`: a method of the coroutine
    if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is node:
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        names = {t.id for t in targets if isinstance(t, ast.Name)}
        if len(names) != len(targets):
            return False
        function = ctx.enclosing_function(node)
        scope = function if function is not None else ctx.module.tree
        return not any(_handed_on(n, names, ctx) for n in walk(scope))
    return False


def _handed_on(node: ast.AST, names: set[str], ctx: Context) -> bool:
    """`name` is awaited, returned, yielded or passed to a call somewhere."""
    if not (isinstance(node, ast.Name) and node.id in names and isinstance(node.ctx, ast.Load)):
        return False
    parent = ctx.parent(node)
    return isinstance(
        parent, (ast.Await, ast.Return, ast.Yield, ast.Call, ast.List, ast.Tuple, ast.Starred)
    )
