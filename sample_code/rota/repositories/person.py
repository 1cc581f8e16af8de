"""Legacy sync repository for people (1.x Query API and 2.0 select() side by side)."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from rota.models import Assignment, Person
from rota.repositories.exceptions import DuplicateRecordError


class PersonRepository:  # ok: RPL304
    """People. Each read that callers traverse has a `_with_relations` twin."""

    def __init__(self, db: Session):
        self.db = db

    def get_by_id(self, id: int) -> Person | None:
        """Basic get: no relationships loaded."""
        return self.db.query(Person).filter(Person.id == id).first()  # expect: RPL404

    def get_by_id_with_relations(self, id: int) -> Person | None:  # ok: RPL305
        """A person with assignments, each assignment's block, and absences."""
        return (
            self.db.query(Person)  # expect: RPL404
            .options(
                selectinload(Person.assignments).selectinload(Assignment.block),
                selectinload(Person.absences),
            )
            .filter(Person.id == id)
            .first()
        )

    def get_by_email(self, email: str) -> Person | None:
        """The person with this e-mail address, if any."""
        stmt = select(Person).where(Person.email == email)
        return self.db.scalars(stmt).first()  # ok: RPL404

    def list_residents(self) -> list[Person]:
        """Residents by name: no relationships loaded."""
        return self.db.query(Person).filter(Person.type == "resident").order_by(Person.name).all()  # expect: RPL404

    def list_residents_with_relations(self) -> list[Person]:  # ok: RPL305
        """Residents by name with their assignments (what the workload report reads)."""
        return (
            self.db.query(Person)  # expect: RPL404
            .options(selectinload(Person.assignments))
            .filter(Person.type == "resident")
            .order_by(Person.name)
            .all()
        )

    def list_page(self, offset: int, limit: int = 50) -> list[Person]:
        """People by name, one page (the 1.x Query spelling, ordered)."""
        return (
            self.db.query(Person)  # expect: RPL404
            .order_by(Person.name, Person.id)
            .offset(offset)  # ok: RPL401
            .limit(limit)
            .all()
        )

    def update(self, person: Person, **fields: object) -> Person:
        """Wrong: commits, or rolls back, a transaction that belongs to the caller."""
        for key, value in fields.items():
            setattr(person, key, value)
        try:
            self.db.commit()  # expect: RPL201
        except IntegrityError:
            self.db.rollback()  # expect: RPL201
            raise DuplicateRecordError("Person", "email", fields.get("email")) from None
        return person
