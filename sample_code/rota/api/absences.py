"""Absence and holiday routes on the async stack."""

import datetime as dt
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from rota.deps import AsyncSessionDep
from rota.models import Person
from rota.repositories.async_absence import AsyncAbsenceRepository
from rota.repositories.async_holiday import AsyncHolidayRepository

router = APIRouter(tags=["absences"])


class AbsenceIn(BaseModel):
    start: dt.date
    end: dt.date
    reason: str


@router.post("/people/{person_id}/absences")
async def add_absence(person_id: int, body: AbsenceIn, db: AsyncSessionDep) -> dict[str, int]:
    """Record an absence (the repository commits; see its RPL201)."""
    absence = await AsyncAbsenceRepository(db).record(person_id, body.start, body.end, body.reason)
    return {"id": absence.id}


@router.get("/people/{person_id}/absences")
async def person_absences(person_id: int, db: AsyncSessionDep) -> list[dict[str, Any]]:
    """Right: awaitable_attrs loads the lazy collection explicitly, awaited."""
    person = await db.get(Person, person_id)
    if person is None:
        raise HTTPException(status_code=404, detail="person not found")
    absences = await person.awaitable_attrs.absences  # ok: RPL302
    return [{"start": ab.start_date, "end": ab.end_date, "reason": ab.reason} for ab in absences]


@router.get("/holidays")
async def holidays(start: dt.date, end: dt.date, db: AsyncSessionDep) -> list[dict[str, Any]]:
    """Public holidays in a date range."""
    rows = await AsyncHolidayRepository(db).list_between(start, end)
    return [{"date": h.date, "name": h.name} for h in rows]
