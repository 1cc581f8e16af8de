"""Roster reports over the legacy sync repositories."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rota.models import Assignment, Person
from rota.repositories.exceptions import RecordNotFoundError
from rota.repositories.person import PersonRepository


def resident_workload(db: Session) -> list[dict[str, Any]]:
    """N+1: list_residents() loads no assignments, so every person.assignments
    below is one more SELECT."""
    rows = []
    residents = PersonRepository(db).list_residents()
    for person in residents:
        hours = sum(a.hours for a in person.assignments)  # expect: RPL301
        rows.append({"name": person.name, "hours": hours})
    return rows


def resident_workload_eager(db: Session) -> list[dict[str, Any]]:
    """Right: the `_with_relations` twin selectin-loads the assignments (2 SELECTs)."""
    rows = []
    residents = PersonRepository(db).list_residents_with_relations()
    for person in residents:
        hours = sum(a.hours for a in person.assignments)  # ok: RPL301
        rows.append({"name": person.name, "hours": hours})
    return rows


def person_schedule(db: Session, person_id: int) -> list[tuple[dt.date, str, float]]:
    """N+1 over a relationship collection: each assignment's block is its own SELECT."""
    person = PersonRepository(db).get_by_id(person_id)
    if person is None:
        raise RecordNotFoundError("Person", person_id)
    schedule = []
    for assignment in person.assignments:
        block = assignment.block  # expect: RPL301
        schedule.append((block.date, block.period, assignment.hours))
    return schedule


def person_schedule_eager(db: Session, person_id: int) -> list[tuple[dt.date, str, float]]:
    """Right: selectinload(Person.assignments).selectinload(Assignment.block) loads both levels."""
    person = PersonRepository(db).get_by_id_with_relations(person_id)
    if person is None:
        raise RecordNotFoundError("Person", person_id)
    schedule = []
    for assignment in person.assignments:
        block = assignment.block  # ok: RPL301
        schedule.append((block.date, block.period, assignment.hours))
    return schedule


def absence_days(db: Session, person_id: int) -> int:
    """Not N+1: one person, so person.absences is a single lazy load."""
    person = PersonRepository(db).get_by_id(person_id)
    if person is None:
        raise RecordNotFoundError("Person", person_id)
    return sum((ab.end_date - ab.start_date).days + 1 for ab in person.absences)  # ok: RPL301


def swap_activity(db: Session) -> dict[str, int]:
    """N+1 through a backref: Person.swap_requests, created by the backref= on
    SwapRecord.requester, is lazy like any other relationship."""
    stmt = select(Person).where(Person.active.is_(True)).order_by(Person.name)
    people = db.scalars(stmt).all()
    return {p.name: len(p.swap_requests) for p in people}  # expect: RPL301


def roster_csv(people: Iterable[Person]) -> str:
    """CSV for the nightly export script (outside this app), which passes rows
    it loaded itself; nothing here says how `people` was queried."""
    lines = ["name,assignments"]
    for person in people:
        lines.append(f"{person.name},{len(person.assignments)}")  # ok: RPL301
    return "\n".join(lines)


def total_hours_by_person(session: Session) -> dict[int, float]:
    """Hours per person id, summed by the database. Sync: run it with
    `AsyncSession.run_sync` from async code."""
    stmt = select(Assignment.person_id, func.sum(Assignment.hours)).group_by(Assignment.person_id)
    return {person_id: hours for person_id, hours in session.execute(stmt)}


def export_schedule_lines(db: Session, person_id: int, export: Any) -> list[str]:
    """Not N+1: the block is read only in the `except` handler, for the assignments
    whose export failed: a recovery path, not one load per row."""
    person = PersonRepository(db).get_by_id(person_id)
    if person is None:
        raise RecordNotFoundError("Person", person_id)
    failed = []
    for assignment in person.assignments:
        try:
            export(assignment.id, assignment.hours)
        except ValueError:
            failed.append(f"{assignment.id} on {assignment.block.date}")  # ok: RPL301
    return failed
