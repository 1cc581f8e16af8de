"""Helpers for the runtime proofs: the seed data, a statement counter, a
commit counter, a slow-statement switch and an event-loop stall meter.

Importing this module puts sample_code/ on sys.path, so `import rota` works.
Everything runs against real SQLite files (sqlite / aiosqlite), no mocks.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import sys
import time
import traceback
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

SAMPLE_CODE = Path(__file__).resolve().parents[2] / "sample_code"
if str(SAMPLE_CODE) not in sys.path:
    sys.path.insert(0, str(SAMPLE_CODE))

from rota.models import (  # noqa: E402
    Absence,
    Assignment,
    Base,
    Block,
    Certification,
    Person,
    RotationTemplate,
)

N_RESIDENTS = 6
N_BLOCKS = 6
FIRST_BLOCK_DATE = dt.date(2025, 1, 6)
LAST_BLOCK_DATE = FIRST_BLOCK_DATE + dt.timedelta(days=N_BLOCKS - 1)
FACULTY_ID = N_RESIDENTS + 1
ACTIVE_PEOPLE = N_RESIDENTS + 1

SLOW_STATEMENT_SECONDS = 0.25
"""On a slow engine, every data statement takes at least this long."""

TICK_SECONDS = 0.005
STALL_AT_LEAST = 0.15
"""A blocked loop misses its ticks for at least this long (the slow statement lasts 0.25 s)."""
NO_STALL_BELOW = 0.1
"""An unblocked loop never waits this long between 5 ms ticks (a busy 2-core machine
running the suite has shown 60 ms; a blocked one waits 0.25 s)."""


def seed(engine: Engine) -> None:
    """Create the tables and a small rota.

    - people 1..6 are residents, person 7 is faculty (all active);
    - blocks 1..6 are the AM blocks of 2025-01-06 .. 2025-01-11;
    - every resident has one assignment in every block (36 assignments,
      ids block by block), so the persons of a block's assignments are all
      distinct, and so are the blocks of a person's assignments;
    - every resident has one two-day absence and one certification.
    """
    Base.metadata.create_all(engine)
    with Session(engine) as db:
        clinic = RotationTemplate(name="Clinic", abbreviation="CLN")
        wards = RotationTemplate(name="Wards", abbreviation="WRD")
        residents = [
            Person(name=f"Resident {i}", email=f"r{i}@example.org", type="resident")
            for i in range(1, N_RESIDENTS + 1)
        ]
        faculty = Person(name="Faculty 1", email="f1@example.org", type="faculty")
        blocks = [
            Block(date=FIRST_BLOCK_DATE + dt.timedelta(days=i), period="AM")
            for i in range(N_BLOCKS)
        ]
        db.add_all([clinic, wards, *residents, faculty, *blocks])
        db.flush()
        for b_index, block in enumerate(blocks):
            for p_index, person in enumerate(residents):
                template = clinic if (b_index + p_index) % 2 == 0 else wards
                db.add(
                    Assignment(
                        person=person, block=block, rotation_template=template, hours=4.0 + p_index
                    )
                )
                db.flush()
        for i, person in enumerate(residents):
            day = dt.date(2025, 2, 1) + dt.timedelta(days=3 * i)
            db.add(
                Absence(
                    person=person,
                    start_date=day,
                    end_date=day + dt.timedelta(days=1),
                    reason=f"leave {i + 1}",
                )
            )
            db.add(Certification(person=person, name="BLS", expires_on=dt.date(2026, 1, 1)))
        db.commit()
        assert faculty.id == FACULTY_ID


@contextlib.contextmanager
def count_statements(engine: Engine | type[Engine]) -> Iterator[list[str]]:
    """Collect every SQL statement the engine sends while the block runs (every engine's,
    given the `Engine` class)."""
    statements: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


@contextlib.contextmanager
def count_commits(engine: Engine) -> Iterator[list[int]]:
    """Collect one entry per transaction the engine commits while the block runs
    (the `commit` connection event: SQLite gets no COMMIT statement, the driver
    calls `connection.commit()`)."""
    commits: list[int] = []

    def commit(conn):
        commits.append(len(commits) + 1)

    event.listen(engine, "commit", commit)
    try:
        yield commits
    finally:
        event.remove(engine, "commit", commit)


def make_statements_slow(engine: Engine, seconds: float = SLOW_STATEMENT_SECONDS) -> None:
    """Make each SELECT/INSERT/UPDATE/DELETE on `engine` take `seconds` longer
    without touching the sample's queries: a SQLite progress handler, installed
    on every new DBAPI connection, sleeps once per statement inside
    sqlite3_step, which is where a slow query would wait."""

    @event.listens_for(engine, "connect")
    def install(dbapi_connection, connection_record):
        state = {"armed": False}
        connection_record.info["slow_statement"] = state

        def progress() -> int:
            if state["armed"]:
                state["armed"] = False
                time.sleep(seconds)
            return 0

        dbapi_connection.set_progress_handler(progress, 1)

    @event.listens_for(engine, "before_cursor_execute")
    def arm(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split(None, 1)[0].upper() in {"SELECT", "INSERT", "UPDATE", "DELETE"}:
            conn.info["slow_statement"]["armed"] = True


async def _stall_of(make_call: Callable[[], Awaitable[Any]]) -> tuple[Any, float]:
    gaps: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(TICK_SECONDS)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.03)
    result = await make_call()
    await asyncio.sleep(0.03)
    stop.set()
    await task
    return result, max(gaps)


def measure_stall(make_call: Callable[[], Awaitable[Any]]) -> tuple[Any, float]:
    """Run `make_call()` on a fresh event loop next to a ticker that wants to
    wake every 5 ms; return the call's result and the longest gap between two
    ticks (how long the loop could not run anything else)."""
    return asyncio.run(_stall_of(make_call))


def unblocked_stall(
    make_call: Callable[[], Awaitable[Any]], attempts: int = 3
) -> tuple[Any, float]:
    """`measure_stall` of a call that should leave the loop free, run again (up to
    `attempts` times) while its longest gap is `NO_STALL_BELOW` or more: the smallest
    gap. A busy machine only ever lengthens a gap, and a call that blocks the loop
    stalls it for its whole statement (`SLOW_STATEMENT_SECONDS`) every time."""
    result, gap = measure_stall(make_call)
    for _ in range(attempts - 1):
        if gap < NO_STALL_BELOW:
            break
        result, again = measure_stall(make_call)
        gap = min(gap, again)
    return result, gap


def sample_line_of(exc: BaseException) -> str:
    """The sample_code source line (with its annotation) where `exc` left the sample."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if str(SAMPLE_CODE) in f.filename]
    assert frames, "the exception did not pass through sample_code"
    frame = frames[-1]
    return Path(frame.filename).read_text(encoding="utf-8").splitlines()[frame.lineno - 1].strip()
