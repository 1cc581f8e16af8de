"""Seeding: reference data from modules written in code, and a sync of people.

A loop over data a module defines runs a fixed handful of times: a lookup per
item is not a query per row, even when the data reaches the loop as an argument
(every caller passes it from such a module). A loop over what a caller loaded
from the database is.
"""

from importlib import import_module

from sqlalchemy import select
from sqlalchemy.orm import Session

from rota.models import Assignment, Person, RotationTemplate
from rota.reference_data import templates


def upsert_templates(db: Session, fixture) -> int:
    """Right: `fixture` is a module's reference data for every caller below."""
    added = 0
    for name, details in fixture:
        found = db.scalars(  # ok: RPL303
            select(RotationTemplate).where(RotationTemplate.name == name)
        ).first()
        if found is None:
            db.add(RotationTemplate(name=name, abbreviation=details["abbreviation"]))
            added += 1
        for period in details["periods"]:
            db.scalars(  # ok: RPL303
                select(Assignment).where(Assignment.block_id.is_(None), Assignment.hours > 0)
            ).first()
            del period
    db.flush()
    return added


def seed_defaults(db: Session) -> int:
    """Right: the module constant itself."""
    return upsert_templates(db, templates)


def seed_from(db: Session, module_name: str) -> int:
    """Right: the constant of a module imported by name (a fixtures module)."""
    module = import_module(f"rota.{module_name}")
    fixture = module.templates
    return upsert_templates(db, fixture=fixture)


def seed_plugin(db: Session, plugin) -> int:
    """Right: an UPPER_CASE attribute, a constant by convention."""
    return upsert_templates(db, plugin.TEMPLATES)


def first_assignments(db: Session, people) -> dict[int, Assignment | None]:
    """Wrong: its caller passes rows from the database: one query per person."""
    first = {}
    for person in people:
        stmt = select(Assignment).where(Assignment.person_id == person.id)
        first[person.id] = db.scalars(stmt).first()  # expect: RPL303
    return first


def first_of_everyone(db: Session) -> dict[int, Assignment | None]:
    return first_assignments(db, db.scalars(select(Person)).all())


def periods_by_template() -> dict[str, tuple[str, ...]]:
    """A dict filled only in a loop over reference data: as many keys as the data has."""
    periods = {}
    for name, details in templates:
        periods[name] = details["periods"]
    return periods


def check_periods(db: Session) -> list[str]:
    """Right: a lookup per key of a dict the code fills from reference data."""
    missing = []
    for name, _periods in periods_by_template().items():
        stmt = select(RotationTemplate).where(RotationTemplate.name == name)
        if db.scalars(stmt).first() is None:  # ok: RPL303
            missing.append(name)
    return missing


def emails_by_person(db: Session) -> dict[int, str]:
    """A dict filled in a loop over rows: as many keys as there are people."""
    emails = {}
    for person in db.scalars(select(Person)):
        emails[person.id] = person.email
    return emails


def check_people(db: Session) -> list[int]:
    """Wrong: a query per key of a dict filled from rows."""
    missing = []
    for person_id, _email in emails_by_person(db).items():
        stmt = select(Assignment).where(Assignment.person_id == person_id)
        if db.scalars(stmt).first() is None:  # expect: RPL303
            missing.append(person_id)
    return missing
