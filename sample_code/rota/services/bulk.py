"""Bulk edits and per-person numbers for the admin screens (sync)."""

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence

from sqlalchemy import delete, func, insert, inspect, select, update
from sqlalchemy.orm import Session

from rota.models import Absence, Assignment, Person, RotationTemplate


def chunked(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    """Consecutive slices of at most `size` ids."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def assignment_counts(db: Session) -> dict[str, int]:
    """1 + N: one COUNT per resident, inside the loop over the residents."""
    residents = db.scalars(select(Person).where(Person.type == "resident").order_by(Person.id)).all()  # ok: RPL303
    counts = {}
    for person in residents:
        stmt = select(func.count(Assignment.id)).where(Assignment.person_id == person.id)
        counts[person.name] = db.scalar(stmt) or 0  # expect: RPL303
    return counts


def assignment_counts_grouped(db: Session) -> dict[str, int]:
    """Right: the query before the loop, then one grouped COUNT for all the
    residents at once: 2 statements whatever their number."""
    residents = db.scalars(select(Person).where(Person.type == "resident").order_by(Person.id)).all()  # ok: RPL303
    stmt = (
        select(Assignment.person_id, func.count(Assignment.id))
        .where(Assignment.person_id.in_([p.id for p in residents]))
        .group_by(Assignment.person_id)
    )
    per_person = {person_id: n for person_id, n in db.execute(stmt)}
    return {p.name: per_person.get(p.id, 0) for p in residents}


def deactivate(db: Session, person_ids: Sequence[int]) -> int:
    """One SELECT per id: Session.get() in a loop over the ids."""
    changed = 0
    for person_id in person_ids:
        person = db.get(Person, person_id)  # expect: RPL303
        if person is not None and person.active:
            person.active = False
            changed += 1
    db.flush()
    return changed


def deactivate_batched(db: Session, person_ids: Sequence[int], batch_size: int = 500) -> int:
    """Right: the loop walks chunks of ids, and each UPDATE takes its whole
    chunk through in_(): one statement per `batch_size` ids."""
    changed = 0
    for chunk in chunked(person_ids, batch_size):
        stmt = update(Person).where(Person.id.in_(chunk), Person.active.is_(True)).values(active=False)
        changed += db.execute(stmt).rowcount  # ok: RPL303
    return changed


def move_to_templates(db: Session, moves: Mapping[int, Sequence[int]]) -> int:
    """Right: one UPDATE per target template, its assignment ids through in_()."""
    moved = 0
    for template_id, assignment_ids in moves.items():
        stmt = (
            update(Assignment)
            .where(Assignment.id.in_(assignment_ids))
            .values(rotation_template_id=template_id)
        )
        moved += db.execute(stmt).rowcount  # ok: RPL303
    return moved


def purge_person_absences(db: Session, person_id: int) -> int:
    """Right: Session.delete() per row is the ORM's way to apply cascades and
    events; the DELETEs go out together at flush."""
    purged = 0
    for absence in db.scalars(select(Absence).where(Absence.person_id == person_id)).all():
        db.delete(absence)  # ok: RPL303
        purged += 1
    db.flush()
    return purged


def import_rotation_names(db: Session, names: Mapping[int, str]) -> None:
    """Session.merge() looks each object up by primary key first: one SELECT per
    item before the INSERTs or UPDATEs."""
    for template_id, name in names.items():
        db.merge(RotationTemplate(id=template_id, name=name, abbreviation=name[:3]))  # expect: RPL303
    db.flush()



def import_rotation_names_batched(db: Session, names: Mapping[int, str]) -> None:
    """Right: the existing templates in one SELECT through in_(), then new ones added
    and known ones changed in memory: one SELECT whatever the number of names."""
    stmt = select(RotationTemplate).where(RotationTemplate.id.in_(list(names)))
    existing = {template.id: template for template in db.scalars(stmt)}
    for template_id, name in names.items():
        template = existing.get(template_id)
        if template is None:
            db.add(RotationTemplate(id=template_id, name=name, abbreviation=name[:3]))  # ok: RPL303
        else:
            template.name = name
    db.flush()


def attach_cached_templates(db: Session, cached: Sequence[RotationTemplate]) -> list[RotationTemplate]:
    """Right: objects an earlier session loaded and nobody changed (a cache) are
    copied in by merge(load=False) without a SELECT."""
    return [db.merge(template, load=False) for template in cached]  # ok: RPL303


def apply_person_form(db: Session, person: Person, data: Mapping[str, int]) -> None:
    """Right: one lookup per to-one field of one submitted form. The loop walks the
    model's attribute names (each looked up in the mapper), bounded by the schema."""
    mapper = inspect(Person)
    for key, value in data.items():
        relation = mapper.relationships.get(key)
        if relation is not None and not relation.uselist:
            target = relation.mapper.class_
            setattr(person, key, db.get(target, value))  # ok: RPL303


def record_absences(db: Session, rows: Sequence[dict[str, object]], per_statement: int = 500) -> None:
    """Right: one multi-row INSERT per segment of at most `per_statement` rows."""
    segments = [rows[i : i + per_statement] for i in range(0, len(rows), per_statement)]
    for segment in segments:
        db.execute(insert(Absence), list(segment))  # ok: RPL303


def people_without_absences(db: Session, reasons: list[str]) -> list[Person]:
    """Right: the loop only builds one subquery per reason; one statement runs after it."""
    subqueries = []
    for reason in reasons:
        subqueries.append(
            db.query(Absence.person_id).filter(Absence.reason == reason).subquery()  # ok: RPL303  # expect: RPL404
        )
    stmt = select(Person)
    for sub in subqueries:
        stmt = stmt.where(Person.id.not_in(select(sub.c.person_id)))
    return list(db.scalars(stmt))


class AbsenceCounter:
    """Counts per reason; the reasons are a literal of the class."""

    _reasons = ("vacation", "sick leave", "conference")

    def __init__(self, db: Session):
        self.db = db

    def per_reason(self) -> dict[str, int]:
        """Right: a fixed handful of reasons, not rows."""
        return {
            reason: self.db.scalar(  # ok: RPL303
                select(func.count(Absence.id)).where(Absence.reason == reason)
            )
            or 0
            for reason in self._reasons
        }


def first_known_person(db: Session, ids: list[int]) -> Person | None:
    """Right: the loop returns after its first lookup: one query, not one per id."""
    for person_id in ids:
        person = db.get(Person, person_id)  # ok: RPL303
        if person is None:
            raise LookupError(person_id)
        return person
    return None


def purge(db: Session, models: list[type]) -> None:
    """Right: one DELETE per table is the only way to empty several tables."""
    for model in models:
        db.execute(delete(model))  # ok: RPL303


def absences_per_day(db: Session, days: list[dt.date]) -> dict[dt.date, list[Absence]]:
    """1 + N: each day runs its own SELECT; the subquery inside it is part of that one
    statement, it does not make the statement 'only built'."""
    found = {}
    for day in days:
        found[day] = (
            db.query(Absence)  # expect: RPL404
            .filter(
                Absence.person_id.in_(db.query(Person.id).filter(Person.active).subquery()),  # expect: RPL404
                Absence.start_date == day,
            )
            .all()  # expect: RPL303
        )
    return found
