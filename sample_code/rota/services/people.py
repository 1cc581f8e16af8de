"""People lookups used by the dependencies."""

from sqlalchemy.orm import Session

from rota.models import Person
from rota.repositories.person import PersonRepository


def find_person_by_email(db: Session, email: str) -> Person | None:
    """The person with this e-mail address, if any (case-insensitive)."""
    return PersonRepository(db).get_by_email(email.strip().lower())
