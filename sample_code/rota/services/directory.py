"""The people directory and its exports (sync)."""

from collections.abc import Iterator, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from rota.models import Assignment, Person
from rota.services.roster import roster_csv


def resident_names(db: Session) -> list[str]:
    """Wrong: selectinload(Person.assignments) costs a second SELECT, and only
    the names are read; the rows never leave the function."""
    stmt = (
        select(Person)
        .options(selectinload(Person.assignments))  # expect: RPL307
        .where(Person.type == "resident")
        .order_by(Person.name)
    )
    return [p.name for p in db.scalars(stmt)]


def resident_names_plain(db: Session) -> list[str]:
    """Right: no loader option, one SELECT."""
    stmt = select(Person).where(Person.type == "resident").order_by(Person.name)
    return [p.name for p in db.scalars(stmt)]


def block_hours_joined(db: Session, block_id: int) -> float:
    """Wrong: joinedload(Assignment.person) adds a JOIN to person that nothing reads."""
    stmt = (
        select(Assignment)
        .options(joinedload(Assignment.person))  # expect: RPL307
        .where(Assignment.block_id == block_id)
    )
    return sum(a.hours for a in db.scalars(stmt))


def block_hours_rows(db: Session, block_id: int) -> float:
    """Right: the same rows without the join."""
    stmt = select(Assignment).where(Assignment.block_id == block_id)
    return sum(a.hours for a in db.scalars(stmt))


def residents_with_assignments(db: Session) -> Sequence[Person]:
    """Right: the rows are returned; the callers read the assignments."""
    stmt = (
        select(Person)
        .options(selectinload(Person.assignments))  # ok: RPL307
        .where(Person.type == "resident")
        .order_by(Person.name)
    )
    return db.scalars(stmt).all()


def iter_residents_with_absences(db: Session) -> Iterator[Person]:
    """Right: the rows are yielded to the caller."""
    stmt = (
        select(Person)
        .options(selectinload(Person.absences))  # ok: RPL307
        .where(Person.type == "resident")
        .order_by(Person.name)
    )
    for person in db.scalars(stmt):
        yield person


def roster_export(db: Session) -> str:
    """Right: the rows are passed on to roster_csv(), which reads person.assignments."""
    stmt = (
        select(Person)
        .options(selectinload(Person.assignments))  # ok: RPL307
        .where(Person.type == "resident")
        .order_by(Person.name)
    )
    people = db.scalars(stmt).all()
    return roster_csv(people)


class DirectorySnapshot:
    """Right: the rows are stored on the snapshot, which pages through them later."""

    def __init__(self, db: Session):
        stmt = (
            select(Person)
            .options(selectinload(Person.certifications))  # ok: RPL307
            .where(Person.active.is_(True))
            .order_by(Person.name)
        )
        self.people = db.scalars(stmt).all()

    def certificates(self, index: int) -> list[str]:
        """The certifications of one person of the snapshot."""
        return [c.name for c in self.people[index].certifications]


def absence_reasons(db: Session) -> dict[str, list[str]]:
    """Right: the eager-loaded relationship is read for every row."""
    stmt = (
        select(Person)
        .options(selectinload(Person.absences))  # ok: RPL307
        .where(Person.type == "resident")
        .order_by(Person.name)
    )
    return {p.name: [ab.reason for ab in p.absences] for p in db.scalars(stmt)}
