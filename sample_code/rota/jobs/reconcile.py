"""Reconciliation jobs, written the ways real projects write their data code:
tuples of (rows, total), rows gathered into a list first, a session factory kept
on the job object, a session handed over without an annotation, generators of rows.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, func, select
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import Session, selectinload, sessionmaker

from rota.models import AuditEvent, Certification, Person, RotationTemplate


def _page_of_people(db: Session, page: int, size: int = 50) -> tuple[list[Person], int]:
    """A page of people and its length; an empty page before the first."""
    if page < 1:
        return [], 0
    stmt = select(Person).order_by(Person.id).offset((page - 1) * size).limit(size)
    people = list(db.scalars(stmt))
    return people, len(people)


def page_hours(db: Session, page: int) -> dict[str, float]:
    """N+1: the rows come back in a tuple, on one of two paths; each person's
    assignments are still one SELECT each."""
    people, _total = _page_of_people(db, page)
    return {p.name: sum(a.hours for a in p.assignments) for p in people}  # expect: RPL301


def deactivate_by_email(db: Session, emails: list[str]) -> int:
    """One SELECT per address, and one transaction per person found: the rows are
    gathered into a list first, then changed one commit at a time."""
    found = []
    for email in emails:
        person = db.scalars(select(Person).where(Person.email == email)).first()  # expect: RPL303
        if person is not None:
            found.append(person)
    for person in found:
        person.active = False
        db.commit()  # expect: RPL309
    return len(found)


def deactivate_by_email_batched(db: Session, emails: list[str]) -> int:
    """Right: one SELECT for all the addresses, one commit for all the people."""
    found = []
    for person in db.scalars(select(Person).where(Person.email.in_(emails))):  # ok: RPL303
        found.append(person)
    for person in found:
        person.active = False
    db.commit()  # ok: RPL309
    return len(found)


class ExpiryJob:
    """Keeps its session factory on itself, made when the job starts."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sessions: sessionmaker | None = None

    def start(self) -> None:
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)

    def expiring(self, before: dt.date) -> dict[str, int]:
        """N+1: the session comes from the stored factory; each person's
        certifications are one SELECT each."""
        assert self._sessions is not None
        with self._sessions() as db:
            people = db.scalars(select(Person).order_by(Person.id)).all()
            return {
                p.name: sum(c.expires_on < before for c in p.certifications)  # expect: RPL301
                for p in people
            }

    async def record_run(self, actor: str) -> None:
        """Blocks the event loop: the stored factory makes a sync Session, whose
        commit runs right here in the `async def`."""
        assert self._sessions is not None
        with self._sessions() as db:
            db.add(AuditEvent(actor=actor, action="expiry job ran"))
            db.commit()  # expect: RPL101

    def expiring_eager(self, before: dt.date) -> dict[str, int]:
        """Right: the certifications come with the people (2 SELECTs)."""
        assert self._sessions is not None
        with self._sessions() as db:
            stmt = select(Person).options(selectinload(Person.certifications)).order_by(Person.id)
            return {
                p.name: sum(c.expires_on < before for c in p.certifications)  # ok: RPL301
                for p in db.scalars(stmt).all()
            }


def certification_counts(session) -> dict[str, int]:  # noqa: ANN001 - as a vendor helper hands it over
    """One COUNT per person: `session` has no annotation and no caller in the project,
    but what it runs (`session.scalars(select(...))`) says it is a session."""
    counts = {}
    for person in session.scalars(select(Person).order_by(Person.id)).all():
        stmt = select(func.count(Certification.id)).where(Certification.person_id == person.id)
        counts[person.name] = session.scalar(stmt)  # expect: RPL303
    return counts


def each_person(db: Session) -> Iterator[Person]:
    """The people, one by one, from a generator."""
    yield from db.scalars(select(Person).order_by(Person.id))


def certification_names(db: Session) -> dict[str, list[str]]:
    """N+1: the rows come from a generator; each person's certifications are a SELECT."""
    return {p.name: [c.name for c in p.certifications] for p in each_person(db)}  # expect: RPL301



class CertificationReminder:
    """Built once per person: its constructor looks the person's certifications up."""

    def __init__(self, db: Session, person: Person) -> None:
        self.person = person
        stmt = select(Certification).where(Certification.person_id == person.id)
        self.due = db.scalars(stmt).all()


def reminders(db: Session) -> list[CertificationReminder]:
    """One SELECT per person, run by the constructor called in the loop."""
    people = db.scalars(select(Person).order_by(Person.id)).all()
    return [CertificationReminder(db, p) for p in people]  # expect: RPL303


class ScheduleSheet:
    """Given a person (`person: Person` says a model, not whether it is loaded:
    its callers say that)."""

    def __init__(self, person: Person) -> None:
        self.person = person

    def lines(self) -> list[str]:
        return [f"{a.block.date} {a.block.period}" for a in self.person.assignments]  # expect: RPL301


def schedule_sheet(db: Session, person_id: int) -> list[str]:
    """N+1: the one caller hands over a loaded person; each block is a SELECT."""
    person = db.get(Person, person_id)
    assert person is not None
    return ScheduleSheet(person).lines()


class DraftSheet:
    """Given a new person, never loaded from the database."""

    def __init__(self, person: Person) -> None:
        self.person = person

    def lines(self) -> list[str]:
        return [f"{a.block.date} {a.block.period}" for a in self.person.assignments]  # ok: RPL301


def draft_sheet(name: str) -> list[str]:
    """A new object's relationships are empty lists: nothing is loaded."""
    return DraftSheet(Person(name=name, email=f"{name}@example.org", type="resident")).lines()


def certificate_holders(db: Session) -> list[str]:
    """Right: one SELECT per distinct person, not per certification: the names are
    memoized in a local dict keyed by the person's id."""
    names: dict[int, str] = {}
    holders = []
    for certification in db.scalars(select(Certification).order_by(Certification.id)):
        if certification.person_id not in names:
            stmt = select(Person.name).where(Person.id == certification.person_id)
            names[certification.person_id] = db.scalars(stmt).one()  # ok: RPL303
        holders.append(names[certification.person_id])
    return holders


def certificate_holders_cached(db: Session) -> list[str]:
    """Right: the same memo read with `.get()`: a lookup only when the name is missing."""
    names: dict[int, str] = {}
    holders = []
    for certification in db.scalars(select(Certification).order_by(Certification.id)):
        name = names.get(certification.person_id)
        if name is None:
            stmt = select(Person.name).where(Person.id == certification.person_id)
            name = db.scalars(stmt).one()  # ok: RPL303
            names[certification.person_id] = name
        holders.append(name)
    return holders


def certificate_holders_resolved(db: Session) -> list[str]:
    """Right: a nested helper memoizes the names in its enclosing function's dict, so
    calling it once per certification looks up each person once."""
    names: dict[int, str] = {}

    def name_of(person_id: int) -> str:
        if person_id not in names:
            names[person_id] = db.scalars(select(Person.name).where(Person.id == person_id)).one()
        return names[person_id]

    certifications = db.scalars(select(Certification).order_by(Certification.id))
    return [name_of(c.person_id) for c in certifications]  # ok: RPL303


class NameIndex:
    """People's names, looked up all at once on first use."""

    def __init__(self, db: Session) -> None:
        self.db = db
        self.names: dict[int, str] | None = None

    def name_of(self, person_id: int) -> str:
        if self.names is None:
            self.names = {p.id: p.name for p in self.db.scalars(select(Person))}
        return self.names[person_id]


def certificate_holders_indexed(db: Session) -> list[str]:
    """Right: the index fills itself once, however many certifications there are."""
    index = NameIndex(db)
    certifications = db.scalars(select(Certification).order_by(Certification.id))
    return [index.name_of(c.person_id) for c in certifications]  # ok: RPL303


def certificate_holders_unshared(db: Session) -> list[str]:
    """Wrong: the helper's memo is its own local dict, new on every call."""

    def name_of(person_id: int) -> str:
        names: dict[int, str] = {}
        if person_id not in names:
            names[person_id] = db.scalars(select(Person.name).where(Person.id == person_id)).one()
        return names[person_id]

    certifications = db.scalars(select(Certification).order_by(Certification.id))
    return [name_of(c.person_id) for c in certifications]  # expect: RPL303


class DayCloser:
    """Given its session factory, annotated with the `sessionmaker` class."""

    def __init__(self, sessions: sessionmaker) -> None:
        self._sessions = sessions

    async def close_day(self) -> None:
        """Blocks the event loop: a sync Session from the factory, committed here."""
        with self._sessions() as db:
            db.add(AuditEvent(actor="nightly", action="day closed"))
            db.commit()  # expect: RPL101


async def forget_person(sessions: async_sessionmaker | sessionmaker, person_id: int) -> None:
    """The factory may be either, but `async with` takes only an AsyncSession: its
    `delete()` is a coroutine, and here it is never awaited."""
    async with sessions() as db:
        person = await db.get(Person, person_id)
        db.delete(person)  # expect: RPL103
        await db.commit()


def managed(factory):  # noqa: ANN001, ANN201 - its callers pass a sessionmaker
    """A session scope over the factory it is given, committed on the way out."""

    @contextmanager
    def scope():  # noqa: ANN202
        with factory() as session:
            yield session
            session.commit()

    return scope


class TemplateStore:
    """Keeps a managed scope made from its own sessionmaker."""

    def __init__(self, engine: Engine) -> None:
        self.scope = managed(sessionmaker(engine))

    def rename_all(self, names: dict[int, str]) -> None:
        """One SELECT per template: `merge()` in a loop, in the scope's session."""
        with self.scope() as db:
            for template_id, name in names.items():
                db.merge(RotationTemplate(id=template_id, name=name, abbreviation=name[:3]))  # expect: RPL303


def needs_review(db: Session, item: Person | RotationTemplate) -> bool:
    """Only a person is looked up (their certifications); a template never is."""
    if item.__class__.__name__ == "Person":
        stmt = select(func.count(Certification.id)).where(Certification.person_id == item.id)
        return (db.scalar(stmt) or 0) == 0
    return False


def people_to_review(db: Session) -> list[str]:
    """One COUNT per person: for a person, `needs_review` takes its querying branch."""
    return [p.name for p in db.scalars(select(Person)) if needs_review(db, p)]  # expect: RPL303


def templates_to_review(db: Session) -> list[str]:
    """No statement per template: given a template row, `needs_review` returns at once."""
    return [t.name for t in db.scalars(select(RotationTemplate)) if needs_review(db, t)]  # ok: RPL303


class AuditTrail:
    """The interface: how one event is written is left to the implementation."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def record(self, person: Person) -> None:
        raise NotImplementedError

    def record_everyone(self) -> None:
        """One transaction per person: the only implementation of `record` commits."""
        for person in self.db.scalars(select(Person).order_by(Person.id)).all():
            self.record(person)  # expect: RPL309


class SqlAuditTrail(AuditTrail):
    """The one implementation in the project."""

    def record(self, person: Person) -> None:
        self.db.add(AuditEvent(actor=person.name, action="audited"))
        self.db.commit()


class Staffing:
    """Figures over the whole roster, read as properties."""

    def __init__(self, db: Session) -> None:
        self.db = db

    @property
    def resident_count(self) -> int:
        return self.db.scalar(select(func.count(Person.id)).where(Person.type == "resident")) or 0


def block_load(db: Session, hours: float) -> float:
    return hours / max(Staffing(db).resident_count, 1)


def block_loads(db: Session, hours: list[float]) -> list[float]:
    """One COUNT per item, through a property read two calls down."""
    return [block_load(db, h) for h in hours]  # expect: RPL303


def unreported_people(db: Session, reported: set[str]) -> list[str]:
    """N+1: rows kept in a dict by id first (`by_id[p.id] = p`); each person's
    certifications are still one SELECT each when the dict's values are walked."""
    by_id = {}
    for person in db.scalars(select(Person).where(Person.active)):
        by_id[person.id] = person
    return [
        p.email
        for p in by_id.values()
        if not any(c.name in reported for c in p.certifications)  # expect: RPL301
    ]


def certified_by_email(db: Session) -> dict[str, int]:
    """N+1: a dict comprehension of rows, walked by `.items()`."""
    by_email = {p.email: p for p in db.scalars(select(Person))}
    return {email: len(p.certifications) for email, p in by_email.items()}  # expect: RPL301


def certified_by_email_eager(db: Session) -> dict[str, int]:
    """Right: the certifications are loaded with the people."""
    stmt = select(Person).options(selectinload(Person.certifications))
    by_email = {p.email: p for p in db.scalars(stmt)}
    return {email: len(p.certifications) for email, p in by_email.items()}  # ok: RPL301


def emails_by_id(db: Session) -> list[str]:
    """Right: the keys of a dict of rows are not rows."""
    by_id = {p.id: p for p in db.scalars(select(Person))}
    return [str(key) for key in by_id]  # ok: RPL301
