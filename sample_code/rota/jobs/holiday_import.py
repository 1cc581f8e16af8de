"""Nightly import of public holidays from the planners' calendar (async)."""

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from rota.db.jobs import (
    AuditSessionLocal,
    ImportSessionLocal,
    JobSessionLocal,
    LegacyJobSessionLocal,
    ReportSessionLocal,
)
from rota.models import AuditEvent, Holiday, Person

Entries = Iterable[tuple[dt.date, str]]


async def import_holidays(entries: Entries) -> list[dict[str, Any]]:
    """MissingGreenlet: JobSessionLocal expires the new rows at commit, so
    reading `h.id` afterwards is an implicit refresh, I/O without an await."""
    async with JobSessionLocal() as db:
        holidays = [Holiday(date=day, name=name) for day, name in entries]
        db.add_all(holidays)
        await db.commit()
        return [{"id": h.id, "date": h.date, "name": h.name} for h in holidays]


async def import_holidays_legacy(entries: Entries) -> list[dict[str, Any]]:
    """MissingGreenlet alike: LegacyJobSessionLocal is sessionmaker(class_=AsyncSession)."""
    async with LegacyJobSessionLocal() as db:
        holidays = [Holiday(date=day, name=name) for day, name in entries]
        db.add_all(holidays)
        await db.commit()
        return [{"id": h.id, "date": h.date, "name": h.name} for h in holidays]


async def import_holidays_kept(entries: Entries) -> list[dict[str, Any]]:
    """Right: ImportSessionLocal has expire_on_commit=False; the rows stay readable."""
    async with ImportSessionLocal() as db:
        holidays = [Holiday(date=day, name=name) for day, name in entries]
        db.add_all(holidays)
        await db.commit()
        return [{"id": h.id, "date": h.date, "name": h.name} for h in holidays]


async def import_holidays_reported(entries: Entries) -> list[dict[str, Any]]:
    """Right: ReportSessionLocal keeps the default, but this session, which reads
    its rows after the commit, opens with expire_on_commit=False."""
    async with ReportSessionLocal(expire_on_commit=False) as db:
        holidays = [Holiday(date=day, name=name) for day, name in entries]
        db.add_all(holidays)
        await db.commit()
        return [{"id": h.id, "date": h.date, "name": h.name} for h in holidays]


async def record_report(count: int) -> None:
    """Right: the default session commits and reads nothing afterwards."""
    async with ReportSessionLocal() as db:
        db.add(AuditEvent(actor="holiday-report", action=f"reported {count} holidays"))
        await db.commit()


async def drop_report(action: str) -> str | None:
    """Right: the event it deletes is gone from the session, not expired, so reading
    it after the commit needs no I/O."""
    async with ReportSessionLocal() as db:
        event = await db.scalar(select(AuditEvent).where(AuditEvent.action == action))
        if event is None:
            return None
        await db.delete(event)
        await db.commit()
        return event.action


async def audited_import(entries: Entries) -> list[dict[str, Any]]:
    """MissingGreenlet: AuditSessionLocal is overridden elsewhere, not here."""
    async with AuditSessionLocal() as db:
        holidays = [Holiday(date=day, name=name) for day, name in entries]
        db.add_all(holidays)
        await db.commit()
        return [{"id": h.id, "date": h.date, "name": h.name} for h in holidays]


async def audited_count() -> int:
    """Right by itself: this session of AuditSessionLocal turns the default off."""
    async with AuditSessionLocal(expire_on_commit=False) as db:
        return await db.scalar(select(func.count(Holiday.id))) or 0


async def import_holidays_into(engine: AsyncEngine, entries: Entries) -> list[dict[str, Any]]:
    """MissingGreenlet: a bare AsyncSession(engine) expires on commit as well."""
    async with AsyncSession(engine) as db:  # expect: RPL104
        holidays = [Holiday(date=day, name=name) for day, name in entries]
        db.add_all(holidays)
        await db.commit()
        return [{"id": h.id, "date": h.date, "name": h.name} for h in holidays]


async def import_holidays_into_kept(engine: AsyncEngine, entries: Entries) -> list[dict[str, Any]]:
    """Right: the same session with expire_on_commit=False."""
    async with AsyncSession(engine, expire_on_commit=False) as db:  # ok: RPL104
        holidays = [Holiday(date=day, name=name) for day, name in entries]
        db.add_all(holidays)
        await db.commit()
        return [{"id": h.id, "date": h.date, "name": h.name} for h in holidays]


async def headline_counts() -> dict[str, int]:
    """Right: two sessions, so both counts can be in flight at once; gather()
    schedules both coroutines and awaits them."""
    async with ImportSessionLocal() as people_db, ImportSessionLocal() as holiday_db:
        people, holidays = await asyncio.gather(
            people_db.scalar(select(func.count(Person.id))),  # ok: RPL103
            holiday_db.scalar(select(func.count(Holiday.id))),  # ok: RPL103
        )
    return {"people": people or 0, "holidays": holidays or 0}


async def log_import(count: int, notify: Callable[[str], Awaitable[None]]) -> None:
    """Right: the commit runs as a task while the planners are notified; the
    task is awaited before the session closes."""
    async with ImportSessionLocal() as db:
        db.add(AuditEvent(actor="holiday-import", action=f"imported {count} holidays"))
        commit = asyncio.create_task(db.commit())  # ok: RPL103
        await notify(f"{count} holidays imported")
        await commit


async def count_after_flush(db: AsyncSession) -> int:
    """Right: the coroutine is kept in a name, then awaited."""
    pending = db.flush()  # ok: RPL103
    await pending
    return await db.scalar(select(func.count(Holiday.id))) or 0
