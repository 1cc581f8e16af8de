"""Nightly jobs that change many rows: where their transactions end.

Each job takes the session of its runner (the cron CLI opens and closes it).
The wrong ones end a transaction (or send a flush) once per row; their twins
commit once after the loop, or once per batch of rows.
"""

import datetime as dt
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from rota.models import Assignment, AuditEvent, Certification, Person, RotationTemplate
from rota.repositories.async_absence import AsyncAbsenceRepository
from rota.repositories.person import PersonRepository


def move_email_domain(db: Session, old: str, new: str) -> int:
    """Wrong: one transaction per resident. A duplicate address half-way
    leaves the residents before it moved and the others not."""
    moved = 0
    for person in PersonRepository(db).list_residents():
        person.email = person.email.replace(f"@{old}", f"@{new}")
        db.commit()  # expect: RPL309
        moved += 1
    return moved


def move_email_domain_once(db: Session, old: str, new: str) -> int:
    """Right: every address moves in one transaction, or none does."""
    moved = 0
    for person in PersonRepository(db).list_residents():
        person.email = person.email.replace(f"@{old}", f"@{new}")
        moved += 1
    db.commit()  # ok: RPL309
    return moved


def cap_hours(db: Session, cap: float) -> int:
    """Wrong: a flush per assignment, one UPDATE round trip each, where the
    commit would send them together."""
    capped = 0
    for assignment in db.scalars(select(Assignment).where(Assignment.hours > cap)):
        assignment.hours = cap
        db.flush()  # expect: RPL309
        capped += 1
    db.commit()
    return capped


def cap_hours_batched(db: Session, cap: float, batch_size: int = 10) -> int:
    """Right for a long table: one transaction per `batch_size` rows, then one
    for the rest."""
    capped = 0
    for capped, assignment in enumerate(
        db.scalars(select(Assignment).where(Assignment.hours > cap)), start=1
    ):
        assignment.hours = cap
        if capped % batch_size == 0:
            db.commit()  # ok: RPL309
    db.commit()
    return capped


async def end_absences(db: AsyncSession, day: dt.date) -> int:
    """Wrong (async): one transaction per absence that runs past `day`."""
    ended = 0
    for absence in await AsyncAbsenceRepository(db).get_all():
        if absence.end_date > day:
            absence.end_date = max(day, absence.start_date)
            await db.commit()  # expect: RPL309
            ended += 1
    return ended


async def end_absences_once(db: AsyncSession, day: dt.date) -> int:
    """Right (async): one transaction for all of them."""
    ended = 0
    for absence in await AsyncAbsenceRepository(db).get_all():
        if absence.end_date > day:
            absence.end_date = max(day, absence.start_date)
            ended += 1
    await db.commit()  # ok: RPL309
    return ended


async def renew_certifications(db: AsyncSession, until: dt.date) -> int:
    """Wrong (async): an awaited flush per certification, one UPDATE each."""
    renewed = 0
    for cert in await db.scalars(select(Certification).where(Certification.expires_on < until)):
        cert.expires_on = until
        await db.flush()  # expect: RPL309
        renewed += 1
    await db.commit()
    return renewed


async def renew_certifications_once(db: AsyncSession, until: dt.date) -> int:
    """Right (async): the commit flushes every change at once."""
    renewed = 0
    for cert in await db.scalars(select(Certification).where(Certification.expires_on < until)):
        cert.expires_on = until
        renewed += 1
    await db.commit()  # ok: RPL309
    return renewed


def ensure_templates(db: Session) -> None:
    """Right: a fixed handful of templates, not rows; a commit each is harmless."""
    for name, abbreviation in (("Night float", "NF"), ("Research", "RES")):
        db.add(RotationTemplate(name=name, abbreviation=abbreviation))
        db.commit()  # ok: RPL309


def send_leave_reminders(db: Session, send: Callable[[str], None]) -> int:
    """Right: the loop writes nothing per row. Only a failed send is recorded,
    and its handler commits that record at once so that it survives the run."""
    sent = 0
    for person in db.scalars(select(Person).where(Person.type == "resident", Person.active)):
        try:
            send(person.email)
            sent += 1
        except OSError:
            db.add(AuditEvent(actor="nightly", action=f"reminder to {person.email} failed"))
            db.commit()  # ok: RPL309
    return sent
