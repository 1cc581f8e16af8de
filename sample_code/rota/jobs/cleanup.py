"""Sync maintenance jobs run by cron, each with a session of its own."""

import datetime as dt
from typing import Any

from sqlalchemy import Engine, Select, delete, select
from sqlalchemy.orm import Session

from rota.db.session import SessionLocal
from rota.models import Absence, AuditEvent, Person
from rota.repositories.exceptions import RecordNotFoundError


def _on_leave(day: dt.date) -> Select[tuple[str]]:
    """Names of the people absent on `day`."""
    return (
        select(Person.name)
        .join(Person.absences)
        .where(Absence.start_date <= day, Absence.end_date >= day)
        .order_by(Person.name)
    )


def people_on_leave(day: dt.date) -> list[str]:
    """Wrong: the session is never closed. Its transaction keeps a pooled
    connection checked out until the garbage collector happens to find it."""
    db = SessionLocal()  # expect: RPL202
    return list(db.scalars(_on_leave(day)))


def people_on_leave_closed(day: dt.date) -> list[str]:
    """Right: closed in `finally`, whatever happens."""
    db = SessionLocal()  # ok: RPL202
    try:
        return list(db.scalars(_on_leave(day)))
    finally:
        db.close()


def person_card(engine: Engine, person_id: int) -> dict[str, Any]:
    """Wrong: closed on the happy path only; RecordNotFoundError leaves the
    connection checked out."""
    db = Session(engine)  # expect: RPL202
    person = db.get(Person, person_id)
    if person is None:
        raise RecordNotFoundError("Person", person_id)
    card = {"id": person.id, "name": person.name, "email": person.email}
    db.close()
    return card


def person_card_managed(engine: Engine, person_id: int) -> dict[str, Any]:
    """Right: the with-block closes the session on every path."""
    db = Session(engine)  # ok: RPL202
    with db:
        person = db.get(Person, person_id)
        if person is None:
            raise RecordNotFoundError("Person", person_id)
        return {"id": person.id, "name": person.name, "email": person.email}


def open_job_session(job: str) -> Session:
    """Right: the caller owns the session it gets back, and closes it."""
    db = SessionLocal()  # ok: RPL202
    db.info["job"] = job
    return db


class PurgeJob:
    """Right: the session lives as long as the job; close() ends both."""

    def __init__(self, job: str):
        db = SessionLocal()  # ok: RPL202
        db.info["job"] = job
        self.db = db

    def purge_audit_before(self, before: dt.datetime) -> int:
        """Delete old audit events and commit (a sync session: nothing to await)."""
        result = self.db.execute(delete(AuditEvent).where(AuditEvent.at < before))
        self.db.commit()  # ok: RPL103
        return result.rowcount

    def close(self) -> None:
        """Return the connection to the pool."""
        self.db.close()
