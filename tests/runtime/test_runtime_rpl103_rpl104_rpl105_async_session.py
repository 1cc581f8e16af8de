"""RPL103 async-session-not-awaited, RPL104 async-expire-on-commit and
RPL105 query-api-on-async-session, proved on aiosqlite.

- RPL103: an AsyncSession method called without `await` only creates a
  coroutine. Python reports "coroutine ... was never awaited" (a
  RuntimeWarning) and the work is lost: the holiday is never stored, the
  deleted holiday is still there.
- RPL104: with the default expire_on_commit=True every object is expired at
  commit; the next attribute read is an implicit refresh, which an
  AsyncSession cannot do outside await: MissingGreenlet. With
  expire_on_commit=False the same read returns the committed values.
- RPL105: AsyncSession has no `.query()`: AttributeError.

Every call runs on its own event loop (`asyncio.run`) and engine, against the
seeded SQLite file.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import warnings
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from rota.api.holidays import (
    HolidayIn,
    add_holiday,
    add_holiday_awaited,
    delete_holiday,
    delete_holiday_awaited,
)
from rota.db import jobs
from rota.jobs.holiday_import import (
    audited_count,
    audited_import,
    drop_report,
    headline_counts,
    import_holidays,
    import_holidays_into,
    import_holidays_into_kept,
    import_holidays_kept,
    import_holidays_legacy,
    import_holidays_reported,
    log_import,
    record_report,
)
from rota.models import AuditEvent, Holiday
from rota.repositories.async_holiday import AsyncHolidayRepository
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import MissingGreenlet, StatementError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session

from .helpers import ACTIVE_PEOPLE, sample_line_of
from .seeded_copy import db_url, seeded_file  # noqa: F401 (pytest fixtures)

# The failed implicit refresh leaves aiosqlite's `Connection.cursor()` coroutine
# unawaited; Python reports it when the coroutine is collected. It is part of
# the failure being demonstrated (see test_runtime_rpl302_missing_greenlet.py).
pytestmark = pytest.mark.filterwarnings(
    r"ignore:Exception ignored in. <coroutine object Connection\.cursor"
    ":pytest.PytestUnraisableExceptionWarning"
)

NEW_YEAR = [(dt.date(2025, 1, 1), "New Year's Day")]
TWO_HOLIDAYS = [(dt.date(2025, 5, 1), "Labour Day"), (dt.date(2025, 12, 25), "Christmas Day")]


def run_async(url: str, call: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
    """Run `call(session)` with a fresh AsyncSession (expire_on_commit=False, as
    rota's AsyncSessionLocal) on its own engine and loop."""

    async def main() -> Any:
        engine = create_async_engine(url)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                return await call(session)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def run_job(url: str, call: Callable[[AsyncEngine], Awaitable[Any]]) -> Any:
    """Run a job of rota.jobs with every factory of rota.db.jobs bound to a
    fresh engine on the seeded file (restored afterwards)."""
    factories = [
        jobs.JobSessionLocal,
        jobs.LegacyJobSessionLocal,
        jobs.ImportSessionLocal,
        jobs.ExportSessionLocal,
        jobs.ReportSessionLocal,
        jobs.AuditSessionLocal,
    ]

    async def main() -> Any:
        engine = create_async_engine(url)
        saved = [factory.kw.get("bind") for factory in factories]
        for factory in factories:
            factory.configure(bind=engine)
        try:
            return await call(engine)
        finally:
            for factory, bind in zip(factories, saved, strict=True):
                factory.configure(bind=bind)
            await engine.dispose()

    return asyncio.run(main())


@contextlib.contextmanager
def never_awaited() -> Iterator[list[str]]:
    """Collect the "coroutine ... was never awaited" RuntimeWarnings of the block."""
    messages: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield messages
        gc.collect()
    messages.extend(
        str(w.message)
        for w in caught
        if issubclass(w.category, RuntimeWarning) and "was never awaited" in str(w.message)
    )


def holiday_count(engine: Engine) -> int:
    with Session(engine) as db:
        return db.scalar(select(func.count(Holiday.id))) or 0


def missing_greenlet(call: Callable[[], Any]) -> str:
    """Run the call, assert it fails with MissingGreenlet (SQLAlchemy may wrap it
    in StatementError), return the sample line it failed on."""
    with pytest.raises((MissingGreenlet, StatementError)) as info:
        call()
    error = info.value
    cause = error if isinstance(error, MissingGreenlet) else error.orig
    assert isinstance(cause, MissingGreenlet), f"{type(error).__name__}: {error}"
    line = sample_line_of(error)
    del info, error, cause  # the traceback holds the unawaited cursor coroutine
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", "coroutine 'Connection.cursor' was never awaited", RuntimeWarning
        )
        gc.collect()
    return line


# RPL103 -------------------------------------------------------------------


def test_rpl103_unawaited_commit_loses_the_write(async_url: str, engine: Engine) -> None:
    """add_holiday(): `db.commit()` without await; add_holiday_awaited(): awaited."""
    body = HolidayIn(date=dt.date(2025, 7, 4), name="Founders' Day")
    with never_awaited() as bad_warnings:
        bad = run_async(async_url, lambda db: add_holiday(body, db))
    assert bad == {"date": dt.date(2025, 7, 4), "name": "Founders' Day"}  # the client sees success
    assert bad_warnings == ["coroutine 'AsyncSession.commit' was never awaited"]
    assert holiday_count(engine) == 0  # the write is lost

    with never_awaited() as good_warnings:
        good = run_async(async_url, lambda db: add_holiday_awaited(body, db))
    assert good == {"id": 1, "date": dt.date(2025, 7, 4), "name": "Founders' Day"}
    assert good_warnings == []
    assert holiday_count(engine) == 1


def test_rpl103_unawaited_delete_keeps_the_row(async_url: str, engine: Engine) -> None:
    """delete_holiday(): `db.delete(holiday)` without await, then an awaited commit."""
    with Session(engine) as db:
        db.add_all([Holiday(date=day, name=name) for day, name in TWO_HOLIDAYS])
        db.commit()
    assert holiday_count(engine) == 2

    with never_awaited() as bad_warnings:
        bad = run_async(async_url, lambda db: delete_holiday(1, db))
    assert bad == {"deleted": True}
    assert bad_warnings == ["coroutine 'AsyncSession.delete' was never awaited"]
    assert holiday_count(engine) == 2  # nothing was deleted

    with never_awaited() as good_warnings:
        run_async(async_url, lambda db: delete_holiday_awaited(1, db))
    assert good_warnings == []
    assert holiday_count(engine) == 1


def test_rpl103_gather_and_create_task_are_awaited(async_url: str, engine: Engine) -> None:
    """headline_counts(): asyncio.gather() of two sessions' scalar() calls;
    log_import(): asyncio.create_task(db.commit()), awaited later."""
    notes: list[str] = []

    async def notify(text: str) -> None:
        notes.append(text)

    with never_awaited() as caught:
        counts = run_job(async_url, lambda _: headline_counts())
        run_job(async_url, lambda _: log_import(2, notify))
    assert caught == []
    assert counts == {"people": ACTIVE_PEOPLE, "holidays": 0}
    assert notes == ["2 holidays imported"]
    with Session(engine) as db:
        assert db.scalars(select(AuditEvent.action)).all() == ["imported 2 holidays"]


# RPL104 -------------------------------------------------------------------


@pytest.mark.parametrize(
    "job", [import_holidays, import_holidays_legacy], ids=["async_sessionmaker", "sessionmaker"]
)
def test_rpl104_expired_on_commit_raises_missing_greenlet(
    async_url: str, engine: Engine, job: Callable[[Any], Awaitable[Any]]
) -> None:
    """JobSessionLocal = async_sessionmaker(async_engine) and
    LegacyJobSessionLocal = sessionmaker(async_engine, class_=AsyncSession):
    the commit succeeds, the read after it fails."""
    line = missing_greenlet(lambda: run_job(async_url, lambda _: job(NEW_YEAR)))
    assert line == 'return [{"id": h.id, "date": h.date, "name": h.name} for h in holidays]'
    assert holiday_count(engine) == 1  # committed; only the read failed


def test_rpl104_bare_async_session_raises_missing_greenlet(async_url: str, engine: Engine) -> None:
    """AsyncSession(engine): the default expire_on_commit=True as well."""
    line = missing_greenlet(lambda: run_job(async_url, lambda e: import_holidays_into(e, NEW_YEAR)))
    assert line == 'return [{"id": h.id, "date": h.date, "name": h.name} for h in holidays]'
    assert holiday_count(engine) == 1


def test_rpl104_expire_on_commit_false_keeps_the_rows_readable(
    async_url: str, engine: Engine
) -> None:
    """ImportSessionLocal and AsyncSession(engine, expire_on_commit=False)."""
    kept = run_job(async_url, lambda _: import_holidays_kept(TWO_HOLIDAYS))
    assert kept == [
        {"id": 1, "date": dt.date(2025, 5, 1), "name": "Labour Day"},
        {"id": 2, "date": dt.date(2025, 12, 25), "name": "Christmas Day"},
    ]
    into = run_job(async_url, lambda e: import_holidays_into_kept(e, NEW_YEAR))
    assert into == [{"id": 3, "date": dt.date(2025, 1, 1), "name": "New Year's Day"}]
    assert holiday_count(engine) == 3


def test_rpl104_a_session_can_turn_the_factory_default_off(
    async_url: str, engine: Engine
) -> None:
    """ReportSessionLocal = async_sessionmaker(async_engine), not reported: the one
    session that reads after committing opens with expire_on_commit=False, the other
    commits and reads nothing."""
    kept = run_job(async_url, lambda _: import_holidays_reported(NEW_YEAR))
    assert kept == [{"id": 1, "date": dt.date(2025, 1, 1), "name": "New Year's Day"}]
    assert run_job(async_url, lambda _: record_report(1)) is None
    with Session(engine) as db:
        assert db.scalars(select(AuditEvent.action)).all() == ["reported 1 holidays"]
    # a deleted object is detached at commit, not expired: read afterwards without I/O
    dropped = run_job(async_url, lambda _: drop_report("reported 1 holidays"))
    assert dropped == "reported 1 holidays"
    with Session(engine) as db:
        assert db.scalars(select(AuditEvent.action)).all() == []


def test_rpl104_one_session_with_the_default_is_enough_to_fail(
    async_url: str, engine: Engine
) -> None:
    """AuditSessionLocal: overridden in `audited_count`, not in `audited_import`."""
    line = missing_greenlet(lambda: run_job(async_url, lambda _: audited_import(NEW_YEAR)))
    assert line == 'return [{"id": h.id, "date": h.date, "name": h.name} for h in holidays]'
    assert run_job(async_url, lambda _: audited_count()) == 1


# RPL105 -------------------------------------------------------------------


def test_rpl105_query_on_async_session_raises_attribute_error(
    async_url: str, engine: Engine
) -> None:
    """AsyncHolidayRepository.upcoming() calls self.db.query(); next_holidays()
    uses select(); count_with_query() runs the legacy Query inside run_sync()."""
    with Session(engine) as db:
        db.add_all([Holiday(date=day, name=name) for day, name in TWO_HOLIDAYS])
        db.commit()

    with pytest.raises(AttributeError) as info:
        run_async(async_url, lambda db: AsyncHolidayRepository(db).upcoming(dt.date(2025, 6, 1)))
    assert str(info.value) == "'AsyncSession' object has no attribute 'query'"
    assert sample_line_of(info.value).startswith("return self.db.query(Holiday)")

    upcoming = run_async(
        async_url, lambda db: AsyncHolidayRepository(db).next_holidays(dt.date(2025, 6, 1))
    )
    assert [(h.date, h.name) for h in upcoming] == [(dt.date(2025, 12, 25), "Christmas Day")]
    assert run_async(async_url, lambda db: AsyncHolidayRepository(db).count_with_query()) == 2
