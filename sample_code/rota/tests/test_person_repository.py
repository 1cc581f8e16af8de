"""PersonRepository: covered by unit, integration and pagination tests."""

import datetime as dt
from unittest.mock import MagicMock

from sqlalchemy.orm import Session

from rota.models import Assignment, Block, Person, RotationTemplate
from rota.repositories.person import PersonRepository


def add_people(session: Session, count: int) -> list[Person]:
    """`count` residents named Resident 00, Resident 01, ... (flushed)."""
    people = [
        Person(name=f"Resident {i:02}", email=f"r{i}@example.org", type="resident")
        for i in range(count)
    ]
    session.add_all(people)
    session.flush()
    return people


def test_get_by_id_asks_the_session_once(mock_session: MagicMock) -> None:
    """Unit: one query, and the row it gives back."""
    person = Person(id=7, name="Ada", email="ada@example.org", type="resident")
    mock_session.query.return_value.filter.return_value.first.return_value = person
    repo = PersonRepository(mock_session)

    assert repo.get_by_id(7) is person
    mock_session.query.assert_called_once_with(Person)


def test_get_by_id_with_relations_loads_assignments_and_blocks(session: Session) -> None:
    """Integration: the eager variant fills the assignments and their blocks."""
    (person,) = add_people(session, 1)
    person_id = person.id
    block = Block(date=dt.date(2025, 1, 6), period="AM")
    template = RotationTemplate(name="Clinic", abbreviation="CL")
    session.add(Assignment(person=person, block=block, rotation_template=template))
    session.commit()
    session.expunge_all()

    found = PersonRepository(session).get_by_id_with_relations(person_id)

    assert found is not None
    assert [a.block.period for a in found.assignments] == ["AM"]


def test_list_page_walks_through_the_people(session: Session) -> None:
    """Pagination: two pages of two, in name order, without overlap."""
    add_people(session, 5)
    repo = PersonRepository(session)

    first = repo.list_page(0, limit=2)
    second = repo.list_page(2, limit=2)

    assert [p.name for p in first] == ["Resident 00", "Resident 01"]
    assert [p.name for p in second] == ["Resident 02", "Resident 03"]
