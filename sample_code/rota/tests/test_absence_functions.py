"""The module functions of rota.repositories.absence: an integration test only."""

import datetime as dt

from sqlalchemy.orm import Session

from rota.models import Person
from rota.repositories.absence import list_absences, record_absence


def test_recorded_absences_are_listed_newest_first(session: Session) -> None:
    """Integration: what record_absence() stores, list_absences() gives back."""
    person = Person(name="Ada", email="ada@example.org", type="resident")
    session.add(person)
    session.flush()
    person_id = person.id

    record_absence(session, person_id, dt.date(2025, 3, 3), dt.date(2025, 3, 7), "conference")
    record_absence(session, person_id, dt.date(2025, 5, 5), dt.date(2025, 5, 6), "sick")

    assert [a.reason for a in list_absences(session, person_id)] == ["sick", "conference"]
