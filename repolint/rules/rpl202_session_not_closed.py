"""## What it does
Flags a session created in a function (`SessionLocal()`, `Session(engine)`,
`AsyncSessionLocal()`) and bound to a local name that is neither closed in a
`finally`, used as a context manager, returned or yielded, nor stored on
`self`.

## Why is this bad?
An unclosed session keeps its connection checked out of the pool until
garbage collection gets to it. Under load the pool runs dry and requests
hang on `QueuePool limit ... reached, connection timed out`. A `close()` at
the end of the function is not enough: an exception skips it.

Only sessions that take a connection from a pool are checked: made by a
`sessionmaker`, or bound to an engine. `Session(bind=connection)` (an
Alembic migration's `op.get_bind()`) and an unbound `Session()` are not.

## Example
```python
from sqlalchemy import func, select
from app.db import SessionLocal
from app.models import Person

def count_people() -> int:
    db = SessionLocal()
    return db.scalar(select(func.count(Person.id)))
```

## Use instead
```python
from sqlalchemy import func, select
from app.db import SessionLocal
from app.models import Person

def count_people() -> int:
    with SessionLocal() as db:
        return db.scalar(select(func.count(Person.id)))
```

## References
- [SQLAlchemy: opening and closing a Session](https://docs.sqlalchemy.org/en/20/orm/session_basics.html#opening-and-closing-a-session)
"""

from __future__ import annotations

import ast

from repolint.rules.base import Rule
from repolint.semantics.context import Context
from repolint.semantics.module import walk
from repolint.semantics.types import EngineT, SessionFactoryT, SessionT


class SessionNotClosed(Rule):
    code = "RPL202"
    name = "session-not-closed"
    summary = "A session created in a function is never reliably closed"

    def visit_Assign(self, node: ast.Assign | ast.AnnAssign, ctx: Context) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if len(targets) != 1 or not isinstance(targets[0], ast.Name) or node.value is None:
            return
        created = ctx.type_of(node.value)
        if (
            not isinstance(created, SessionT)
            or created.received
            or not isinstance(node.value, ast.Call)
        ):
            return
        if not _checks_out_a_connection(node.value, ctx):
            return
        function = ctx.enclosing_function(node)
        if function is None:
            return
        name = targets[0].id
        if _released(function, name, ctx):
            return
        self.report(
            ctx,
            node.value,
            f"session `{name}` is created here but not closed in a `finally` nor used as a "
            "context manager: its connection leaks when an exception is raised",
            hint=f"use `with {ast.unparse(node.value.func)}() as {name}:`",
        )

    visit_AnnAssign = visit_Assign


def _checks_out_a_connection(call: ast.Call, ctx: Context) -> bool:
    """From a sessionmaker, or bound to an engine: its connection comes from the pool.

    `Session(bind=op.get_bind())` uses a connection someone else owns, and a
    `Session()` without a bind never connects: neither leaks a pooled connection.
    """
    if isinstance(ctx.type_of(call.func), SessionFactoryT):
        return True
    binds = [*call.args[:1], *(kw.value for kw in call.keywords if kw.arg == "bind")]
    return any(isinstance(ctx.type_of(b), EngineT) for b in binds)


def _released(function: ast.AST, name: str, ctx: Context) -> bool:
    """Closed in a finally, entered as a context manager, handed back, or kept on self."""
    for node in walk(function):
        if isinstance(node, ast.Try):
            for stmt in node.finalbody:
                if any(_is_close_of(n, name) for n in walk(stmt)):
                    return True
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if _mentions(item.context_expr, name):
                    return True
        elif isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom)):
            if node.value is not None and _hands_over(node.value, name, ctx):
                return True
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            stored = any(isinstance(t, (ast.Attribute, ast.Subscript)) for t in targets)
            if stored and node.value is not None and _hands_over(node.value, name, ctx):
                return True
    return False


def _is_close_of(node: ast.AST, name: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "close"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == name
    )


def _hands_over(expr: ast.AST, name: str, ctx: Context) -> bool:
    """The session object itself goes out (`return db`, `Repo(db)`), not just a result of it."""
    for node in walk(expr):
        if isinstance(node, ast.Name) and node.id == name:
            parent = ctx.parent(node)
            if not (isinstance(parent, ast.Attribute) and parent.value is node):
                return True
    return False


def _mentions(expr: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in walk(expr))
