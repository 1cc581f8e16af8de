"""CertificationRepository: an integration test only."""

import datetime as dt

from sqlalchemy.orm import Session

from rota.models import Certification, Person
from rota.repositories.certification import CertificationRepository


def test_list_all_in_id_order(session: Session) -> None:
    """Integration: every certification, in primary-key order."""
    ada = Person(name="Ada", email="ada@example.org", type="resident")
    session.add_all(
        [
            Certification(person=ada, name="BLS", expires_on=dt.date(2026, 1, 1)),
            Certification(person=ada, name="ACLS", expires_on=dt.date(2026, 6, 1)),
        ]
    )
    session.commit()

    found = CertificationRepository(session).list_all()

    assert [c.name for c in found] == ["BLS", "ACLS"]
