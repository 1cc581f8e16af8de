"""## What it does
Flags a call, inside an `async def`, of a synchronous function or method of
the project that reaches sync database I/O: a sync repository's method, a
service taking `db: Session`, or a helper that opens `SessionLocal()`
itself, a `*Table` DAO whose methods open `with get_db() as db:`, at any
call depth. The message shows the path to the I/O.

## Why is this bad?
The blocking call is not in the coroutine's own body, so RPL101 cannot see
it, but it blocks the event loop just the same: `dashboard() ->
dashboard_numbers() -> active_member_count()` ends in `db.scalar(...)` on
the event-loop thread.

Calls passed uncalled to `run_in_threadpool`, `asyncio.to_thread` and the
other offload functions are not flagged, nor calls in start-up and shutdown
code (a `lifespan`, `@app.on_event("startup")`, ...: see RPL101).

## Example
```python
from sqlalchemy import func, select
from app.db import SessionLocal
from app.models import Person

def active_member_count() -> int:
    with SessionLocal() as db:
        return db.scalar(select(func.count(Person.id)))

async def dashboard():
    return {"members": active_member_count()}  # blocks the event loop
```

## Use instead
```python
from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool
from app.db import SessionLocal
from app.models import Person

def active_member_count() -> int:
    with SessionLocal() as db:
        return db.scalar(select(func.count(Person.id)))

async def dashboard():
    return {"members": await run_in_threadpool(active_member_count)}
```
or give the helper an `AsyncSession` and `await` it.

## Options
`offload-functions`: more functions that run their callable on a thread.

## References
- [FastAPI: concurrency and async / await](https://fastapi.tiangolo.com/async/)
- [Starlette: run_in_threadpool](https://www.starlette.io/threadpool/)
"""

from __future__ import annotations

import ast

from repolint.rules.base import Rule
from repolint.semantics.context import Context


class SyncDataAccessInAsync(Rule):
    code = "RPL102"
    name = "sync-data-access-in-async"
    summary = "An async def calls project code that does sync Session I/O"

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        call = ctx.project_call(node)
        if call is None or not ctx.in_async_def(node) or ctx.in_startup(node):
            return
        ref = ctx.index.functions.get(call.qual)
        if ref is None or isinstance(ref.node, ast.AsyncFunctionDef):
            return
        path = ctx.index.facts.io_path(call.qual, call.self_cls, ctx.index.facts.call_given(call))
        if path is None:
            return
        scope = ctx.scope_of(node)
        caller = scope.function.rsplit(".", 1)[-1] if scope else "async code"
        chain = " -> ".join([f"{caller}()", *path[:-1]])
        self.report(
            ctx,
            node,
            f"sync data access in `async def`: `{chain}` does `{path[-1]}`, "
            "blocking the event loop",
            hint="offload it (`await run_in_threadpool(fn, ...)`) "
            "or move that code to an AsyncSession",
        )
