"""Shared pieces of the reproductions: the result record, SQLite engines, a
statement counter, a commit counter, a slow-SELECT switch and a stall meter.

Everything here is written for the reproductions (nothing comes from tests/)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

SLOW_SECONDS = 0.2
"""How long each SELECT takes on a slow engine (the stall reproductions)."""
TICK_SECONDS = 0.005


@dataclass(frozen=True)
class Result:
    """What one reproduction measured: the labelled shape (bad) against the fix (good)."""

    label: str
    rule: str
    measure: str
    bad: float
    good: float
    confirmed: bool


def stall_result(label: str, rule: str, bad: float, good: float) -> Result:
    """A loop-stall reproduction: confirmed when the labelled shape blocks the loop for
    most of a slow SELECT and the fix for far less."""
    return Result(
        label=label,
        rule=rule,
        measure=f"event-loop stall (s), SELECT takes {SLOW_SECONDS}s",
        bad=bad,
        good=good,
        confirmed=bad >= 0.8 * SLOW_SECONDS and good < 0.3 * SLOW_SECONDS,
    )


def memory_engine() -> Engine:
    """One shared in-memory SQLite connection, usable from worker threads too."""
    return create_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )


def async_memory_engine() -> AsyncEngine:
    """One shared in-memory aiosqlite connection."""
    return create_async_engine("sqlite+aiosqlite://", poolclass=StaticPool)


def _sync(engine: Engine | AsyncEngine) -> Engine:
    return engine.sync_engine if isinstance(engine, AsyncEngine) else engine


@contextlib.contextmanager
def statements(engine: Engine | AsyncEngine, prefix: str = "") -> Iterator[list[str]]:
    """Collect the SQL statements (those starting with `prefix`, any if empty) sent
    while the block runs; an executemany counts once, as one round trip."""
    seen: list[str] = []

    def listener(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith(prefix.upper()):
            seen.append(statement)

    target = _sync(engine)
    event.listen(target, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(target, "before_cursor_execute", listener)


@contextlib.contextmanager
def commits(engine: Engine | AsyncEngine) -> Iterator[list[int]]:
    """Count the transactions committed while the block runs (the `commit` event:
    pysqlite sends no COMMIT statement, it calls `connection.commit()`)."""
    seen: list[int] = []

    def listener(conn: Any) -> None:
        seen.append(1)

    target = _sync(engine)
    event.listen(target, "commit", listener)
    try:
        yield seen
    finally:
        event.remove(target, "commit", listener)


def slow_selects(engine: Engine, seconds: float = SLOW_SECONDS) -> None:
    """Make every SELECT on `engine` wait `seconds` inside sqlite3_step (a progress
    handler that sleeps once per armed statement), as a slow query would."""
    armed = {"on": False}

    def progress() -> int:
        if armed["on"]:
            armed["on"] = False
            time.sleep(seconds)
        return 0

    @event.listens_for(engine, "connect")
    def install(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.set_progress_handler(progress, 1)

    @event.listens_for(engine, "before_cursor_execute")
    def arm(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        armed["on"] = statement.lstrip().upper().startswith("SELECT")


async def _stall(call: Callable[[], Awaitable[Any]]) -> tuple[Any, float]:
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(TICK_SECONDS)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.02)
    result = await call()
    await asyncio.sleep(0.02)
    done.set()
    await task
    return result, max(gaps)


def statements_lazy_and_eager(
    engine: Engine, run: Callable[[Session, bool], Any], expected: int
) -> tuple[int, int]:
    """Statements sent by `run(db, eager)` in a fresh session, without then with the eager
    load; each run must give `expected` rows or lines."""
    counts = []
    for eager in (False, True):
        with Session(engine) as db, statements(engine) as seen:
            assert len(run(db, eager)) == expected
        counts.append(len(seen))
    return counts[0], counts[1]


def loop_stall(call: Callable[[], Awaitable[Any]]) -> tuple[Any, float]:
    """Await `call()` on a fresh loop beside a 5 ms ticker; return its result and
    the longest gap between two ticks, in seconds (how long the loop was blocked)."""
    return asyncio.run(_stall(call))


def flask_app(name: str) -> Any:
    """A Flask app on a fresh in-memory SQLite database (Flask-SQLAlchemy uses
    one shared connection for it)."""
    from flask import Flask

    app = Flask(name)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    return app
