"""Hours and head counts for the payroll export (sync)."""

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rota.models import Absence, Assignment, Block, Person


def resident_hours_total(db: Session) -> float:
    """Wrong: filters on Person but never joins it, so every assignment is
    paired with every resident (a cartesian product) and the sum is
    multiplied by the number of residents."""
    stmt = select(func.sum(Assignment.hours)).where(Person.type == "resident")  # expect: RPL402
    return db.scalar(stmt) or 0.0  # ok: RPL404


def resident_hours_total_joined(db: Session) -> float:
    """Right: Person is joined through the relationship."""
    stmt = (
        select(func.sum(Assignment.hours))  # ok: RPL402
        .join(Assignment.person)
        .where(Person.type == "resident")
    )
    return db.scalar(stmt) or 0.0


def resident_hours_total_correlated(db: Session) -> float:
    """Right: the criterion Assignment.person_id == Person.id relates Person to
    the selected Assignment (an implicit inner join)."""
    stmt = (
        select(func.sum(Assignment.hours))  # ok: RPL402
        .where(Assignment.person_id == Person.id, Person.type == "resident")
    )
    return db.scalar(stmt) or 0.0


def block_hours(db: Session, block_id: int) -> float:
    """Right: the filter is on Assignment, the model selected through its column."""
    stmt = select(func.sum(Assignment.hours)).where(Assignment.block_id == block_id)  # ok: RPL402
    return db.scalar(stmt) or 0.0


def assignments_on(db: Session, day: dt.date) -> list[int]:
    """Wrong, legacy spelling: filters on Block without joining it, so the date
    picks blocks, not assignments: every assignment comes back, once per block
    of that day."""
    rows = db.query(Assignment).filter(Block.date == day).all()  # expect: RPL402, RPL404
    return [a.id for a in rows]


def template_assignment_count(db: Session, template_id: int) -> int:
    """Wrong: loads every assignment of the template to count them."""
    stmt = select(Assignment).where(Assignment.rotation_template_id == template_id)
    return len(db.scalars(stmt).all())  # expect: RPL403


def template_assignment_count_sql(db: Session, template_id: int) -> int:
    """Right: SELECT count(...) returns one row."""
    stmt = select(func.count(Assignment.id)).where(Assignment.rotation_template_id == template_id)  # ok: RPL403
    return db.scalar(stmt) or 0


def absence_count(db: Session, person_id: int) -> int:
    """Wrong: len(list(result)) fetches every row as well."""
    stmt = select(Absence.id).where(Absence.person_id == person_id)
    return len(list(db.execute(stmt)))  # expect: RPL403


def resident_count_legacy(db: Session) -> int:
    """Wrong, legacy spelling: Query.all() then len()."""
    return len(db.query(Person).filter(Person.type == "resident").all())  # expect: RPL403, RPL404


def resident_count_query_count(db: Session) -> int:
    """Right for RPL403 (Query.count() runs SELECT count(*)), legacy for RPL404."""
    return db.query(Person).filter(Person.type == "resident").count()  # expect: RPL404  # ok: RPL403
