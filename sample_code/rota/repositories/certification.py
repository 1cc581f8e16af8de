"""Certifications: always shown with their holder, via the base class hook."""

from collections.abc import Sequence

from sqlalchemy.orm import joinedload
from sqlalchemy.sql.base import ExecutableOption

from rota.models import Certification
from rota.repositories.base import BaseRepository


class CertificationRepository(BaseRepository[Certification]):  # ok: RPL304
    """Right: the eager path is the `get_eager_options()` hook every base query applies."""

    model = Certification

    def get_eager_options(self) -> Sequence[ExecutableOption]:
        """Certification.person is lazy; load it with every certification."""
        return (joinedload(Certification.person),)
