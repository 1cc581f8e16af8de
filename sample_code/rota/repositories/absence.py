"""Legacy module-level data functions for absences (a repositories module)."""

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from rota.models import Absence


def record_absence(db: Session, person_id: int, start: dt.date, end: dt.date, reason: str) -> Absence:
    """Wrong: a data function that commits the session it was handed."""
    absence = Absence(person_id=person_id, start_date=start, end_date=end, reason=reason)
    db.add(absence)
    db.commit()  # expect: RPL201
    return absence


def list_absences(db: Session, person_id: int) -> Sequence[Absence]:
    """A person's absences, most recent first."""
    stmt = select(Absence).where(Absence.person_id == person_id).order_by(Absence.start_date.desc())
    return db.scalars(stmt).all()
