"""Holiday admin routes (async), migrated from the sync admin screens."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel
from sqlalchemy import func, select

from rota.deps import AsyncSessionDep
from rota.models import Holiday
from rota.repositories.async_holiday import AsyncHolidayRepository

router = APIRouter(prefix="/holidays", tags=["holidays"])


class HolidayIn(BaseModel):
    date: dt.date
    name: str


@router.get("/page")
async def holiday_page(page: int, db: AsyncSessionDep, newest_first: bool = False) -> list[dict[str, Any]]:
    """One page of holidays (ordered on both branches by the repository)."""
    rows: Sequence[Holiday] = await AsyncHolidayRepository(db).list_page(page, newest_first=newest_first)
    return [{"id": h.id, "date": h.date, "name": h.name} for h in rows]


@router.get("/count")
async def holiday_count(year: int, db: AsyncSessionDep) -> dict[str, int]:
    """Wrong: loads every holiday of the year to count them in Python."""
    stmt = select(Holiday).where(Holiday.date.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    return {"count": len((await db.scalars(stmt)).all())}  # expect: RPL403


@router.get("/count/sql")
async def holiday_count_sql(year: int, db: AsyncSessionDep) -> dict[str, int]:
    """Right: the database counts; one row comes back."""
    stmt = (
        select(func.count())  # ok: RPL403
        .select_from(Holiday)
        .where(Holiday.date.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    )
    return {"count": await db.scalar(stmt) or 0}


@router.post("", status_code=201)
async def add_holiday(body: HolidayIn, db: AsyncSessionDep) -> dict[str, Any]:
    """Wrong: AsyncSession.commit() is a coroutine. Called without await it
    never runs ("coroutine ... was never awaited"); the request's session then
    closes and rolls the holiday back, and the client still gets a 201."""
    db.add(Holiday(date=body.date, name=body.name))  # ok: RPL103
    db.commit()  # expect: RPL103
    return {"date": body.date, "name": body.name}


@router.post("/awaited", status_code=201)
async def add_holiday_awaited(body: HolidayIn, db: AsyncSessionDep) -> dict[str, Any]:
    """Right: the commit is awaited (add() is a plain method, nothing to await)."""
    holiday = Holiday(date=body.date, name=body.name)
    db.add(holiday)  # ok: RPL103
    await db.commit()  # ok: RPL103
    return {"id": holiday.id, "date": holiday.date, "name": holiday.name}


@router.delete("/{holiday_id}")
async def delete_holiday(holiday_id: int, db: AsyncSessionDep) -> dict[str, bool]:
    """Wrong: AsyncSession.delete() is a coroutine (Session.delete() was not).
    Unawaited, the row is never marked for deletion and the commit stores nothing."""
    holiday = await db.get(Holiday, holiday_id)  # ok: RPL103
    if holiday is None:
        raise HTTPException(status_code=404, detail="holiday not found")
    db.delete(holiday)  # expect: RPL103
    await db.commit()
    return {"deleted": True}


@router.delete("/{holiday_id}/awaited")
async def delete_holiday_awaited(holiday_id: int, db: AsyncSessionDep) -> dict[str, bool]:
    """Right: delete() awaited, then the commit."""
    holiday = await db.get(Holiday, holiday_id)
    if holiday is None:
        raise HTTPException(status_code=404, detail="holiday not found")
    await db.delete(holiday)  # ok: RPL103
    await db.commit()
    return {"deleted": True}
