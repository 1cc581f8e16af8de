"""## What it does
Flags a blocking method of a synchronous SQLAlchemy `Session` (`execute`,
`scalars`, `scalar`, `exec`, `get`, `query`, `commit`, `flush`, `refresh`,
`merge`, `rollback`, `delete`, `connection`) called directly inside an
`async def`, and engine-level sync I/O there: `engine.connect()`,
`engine.begin()`, `conn.execute(...)` on the connection they give,
`inspect(engine)`, `metadata.create_all(engine)`.

A session or engine is recognised however the project provides it: an
annotation (also one naming a `sessionmaker` instance, `db: SessionLocal`),
`Depends(...)`, `with SessionLocal() as db`, `get_db = contextmanager(...)`,
`functools.partial(Session, engine)`, a provider annotated `-> Session`.

## Why is this bad?
A sync session talks to the database on the calling thread. Inside a
coroutine that thread runs the event loop, so every other request served by
the process waits for this query. Under load, latency of the whole service
becomes the latency of its slowest query.

Calls passed uncalled to `run_in_threadpool`, `asyncio.to_thread`,
`anyio.to_thread.run_sync`, `loop.run_in_executor`, `AsyncSession.run_sync`
or `BackgroundTasks.add_task` run on a worker thread and are not flagged;
neither are nested `def`s or sync `def` routes (FastAPI runs those in a
thread pool). Start-up and shutdown code is not flagged either: a FastAPI or
Starlette `lifespan`, `on_startup=`/`on_shutdown=`, `@app.on_event("startup")`,
`add_event_handler(...)`, Quart's `before_serving`, and the functions only
they call. Nothing else runs on the loop then.

## Example
```python
from fastapi import Depends
from sqlalchemy import select
from sqlalchemy.orm import Session
from app.db import get_db
from app.models import Person

async def list_people(db: Session = Depends(get_db)):
    return db.scalars(select(Person)).all()  # the event loop waits for the query
```

## Use instead
```python
from fastapi import Depends
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from app.db import get_async_db
from app.models import Person

async def list_people(db: AsyncSession = Depends(get_async_db)):
    return (await db.scalars(select(Person))).all()
```
or make the route a plain `def`, or offload the call:
`await run_in_threadpool(load_people, db)`.

## Options
`offload-functions`: more functions that run their callable on a thread.

## References
- [FastAPI: async and sync path operations](https://fastapi.tiangolo.com/async/)
- [SQLAlchemy: asyncio extension](https://docs.sqlalchemy.org/en/20/orm/extensions/asyncio.html)
"""

from __future__ import annotations

import ast

from repolint.rules.base import Rule
from repolint.semantics.context import Context
from repolint.semantics.names import ROUTE_METHODS, SYNC_IO_METHODS
from repolint.semantics.types import SessionT


class BlockingSessionCall(Rule):
    code = "RPL101"
    name = "blocking-session-call"
    summary = "Sync Session I/O called directly in an async def blocks the event loop"

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        func = node.func
        if not ctx.in_async_def(node) or isinstance(ctx.parent(node), ast.Await):
            return  # an awaited call is on an AsyncSession, whatever the annotation says
        if ctx.in_startup(node):
            return  # nothing else runs on the loop before start-up ends
        session = ctx.type_of(func.value) if isinstance(func, ast.Attribute) else None
        if not isinstance(session, SessionT):
            label = ctx.engine_io_label(node)
            if label is not None:
                self.report(
                    ctx,
                    node,
                    f"blocking call `{label}` on a sync engine inside `async def`: "
                    "it blocks the event loop",
                    hint="use an AsyncEngine and `await` it, or offload the work with "
                    "`await run_in_threadpool(...)`",
                )
            return
        if not isinstance(func, ast.Attribute) or func.attr not in SYNC_IO_METHODS:
            return
        if session.kind == "sync":
            self.report(
                ctx,
                node,
                f"blocking call `{func.attr}()` on a sync Session inside `async def`: "
                "it blocks the event loop",
                hint=_hint(node, ctx),
            )


def _hint(node: ast.Call, ctx: Context) -> str:
    """A route can become a plain `def` (FastAPI runs it on a thread); a dependency,
    helper or service cannot be made sync for its async callers: offload it there."""
    function = ctx.enclosing_function(node)
    if function is not None and any(
        isinstance(dec, ast.Call)
        and isinstance(dec.func, ast.Attribute)
        and dec.func.attr in ROUTE_METHODS
        for dec in function.decorator_list
    ):
        return (
            "use an AsyncSession and `await` it, make the route a plain `def`, "
            "or offload the work with `await run_in_threadpool(...)`"
        )
    return (
        "use an AsyncSession and `await` it, or offload the work with "
        "`await run_in_threadpool(...)` (this is not a route: making it a plain `def` "
        "would not take it off the event loop of its async callers)"
    )
