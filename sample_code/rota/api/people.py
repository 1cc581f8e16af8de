"""People routes: the legacy sync stack called from both async and sync routes."""

import asyncio
from collections.abc import Sequence
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from rota.db.session import get_db
from rota.deps import (
    PersonRepoDep,
    SessionDep,
    get_active_residents,
    get_active_residents_with_absences,
    get_current_person,
)
from rota.models import Assignment, Person

router = APIRouter(prefix="/people", tags=["people"])


@router.get("/count")
async def count_people(db: SessionDep) -> dict[str, int]:
    """Wrong: a sync Session query runs on the event loop thread."""
    total = db.scalar(select(func.count(Person.id)))  # expect: RPL101
    return {"total": total or 0}


@router.get("/count/offloaded")
async def count_people_offloaded(db: SessionDep) -> dict[str, int]:
    """Right: the bound method goes to a worker thread uncalled."""
    total = await asyncio.to_thread(db.scalar, select(func.count(Person.id)))  # ok: RPL101
    return {"total": total or 0}


@router.get("/count/active")
async def count_active_people(db: SessionDep) -> dict[str, int]:
    """Right: the lambda's body runs in a worker thread."""
    stmt = select(func.count(Person.id)).where(Person.active.is_(True))
    total = await anyio.to_thread.run_sync(lambda: db.scalar(stmt))  # ok: RPL101
    return {"active": total or 0}


@router.get("/residents")
async def list_residents(repo: PersonRepoDep) -> list[dict[str, Any]]:
    """Wrong: PersonRepository is sync; its query runs on the event loop thread."""
    residents = repo.list_residents()  # expect: RPL102
    return [{"id": p.id, "name": p.name} for p in residents]


@router.get("/residents/offloaded")
async def list_residents_offloaded(repo: PersonRepoDep) -> list[dict[str, Any]]:
    """Right: the sync repository method runs in the threadpool."""
    residents = await run_in_threadpool(repo.list_residents)  # ok: RPL102
    return [{"id": p.id, "name": p.name} for p in residents]


@router.get("/residents/plain")
def list_residents_plain(repo: PersonRepoDep) -> list[dict[str, Any]]:
    """Right: a plain `def` route; FastAPI runs it in the threadpool."""
    residents = repo.list_residents()  # ok: RPL102
    return [{"id": p.id, "name": p.name} for p in residents]


@router.get("/residents/legacy")
async def list_residents_legacy(db: Session = Depends(get_db)) -> list[dict[str, Any]]:
    """Wrong: the 1.x Query chain runs on the event loop thread."""
    residents = (
        db.query(Person)  # expect: RPL101  # expect: RPL404
        .filter(Person.type == "resident")
        .order_by(Person.name)
        .all()
    )
    return [{"id": p.id, "name": p.name} for p in residents]


@router.get("/residents/absences")
def resident_absences(
    residents: Annotated[Sequence[Person], Depends(get_active_residents)],
) -> list[dict[str, Any]]:
    """N+1 through a dependency: get_active_residents() loads no absences."""
    return [
        {"name": r.name, "absences": [ab.reason for ab in r.absences]}  # expect: RPL301
        for r in residents
    ]


@router.get("/residents/absences/eager")
def resident_absences_eager(
    residents: Annotated[Sequence[Person], Depends(get_active_residents_with_absences)],
) -> list[dict[str, Any]]:
    """Right: the dependency selectin-loads Person.absences."""
    return [
        {"name": r.name, "absences": [ab.reason for ab in r.absences]}  # ok: RPL301
        for r in residents
    ]


@router.get("/me")
async def me(person: Annotated[Person, Depends(get_current_person)]) -> dict[str, Any]:
    """The caller's own record."""
    return {"id": person.id, "name": person.name, "email": person.email}


@router.get("/{person_id}")
async def get_person(person_id: int, db: Annotated[Session, Depends(get_db)]) -> dict[str, Any]:
    """Wrong: Session.get() may SELECT, on the event loop thread."""
    person = db.get(Person, person_id)  # expect: RPL101
    if person is None:
        raise HTTPException(status_code=404, detail="person not found")
    return {"id": person.id, "name": person.name}


@router.get("/{person_id}/hours/blocking")
async def person_hours_blocking(person_id: int, db: SessionDep) -> dict[str, float]:
    """Wrong: the nested def is sync code, and calling it here runs it on the loop."""

    def total_hours() -> float:
        stmt = select(func.sum(Assignment.hours)).where(Assignment.person_id == person_id)
        return db.scalar(stmt) or 0.0  # ok: RPL101

    return {"hours": total_hours()}  # expect: RPL102


@router.get("/{person_id}/hours")
async def person_hours(person_id: int, db: SessionDep) -> dict[str, float]:
    """Right: the nested def is handed to the threadpool."""

    def total_hours() -> float:
        stmt = select(func.sum(Assignment.hours)).where(Assignment.person_id == person_id)
        return db.scalar(stmt) or 0.0  # ok: RPL101

    return {"hours": await run_in_threadpool(total_hours)}  # ok: RPL102


@router.patch("/{person_id}")
def rename_person(person_id: int, name: str, db: SessionDep) -> dict[str, Any]:
    """Right: a sync route owns its request's transaction and commits it."""
    person = db.get(Person, person_id)  # ok: RPL101
    if person is None:
        raise HTTPException(status_code=404, detail="person not found")
    person.name = name
    db.commit()  # ok: RPL101, RPL201
    return {"id": person.id, "name": person.name}
