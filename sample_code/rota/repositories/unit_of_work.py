"""Unit of work: one transaction across several repositories."""

from functools import cached_property
from types import TracebackType

from sqlalchemy.orm import Session

from rota.repositories.assignment import AssignmentRepository
from rota.repositories.person import PersonRepository
from rota.repositories.swap import SwapRepository


class UnitOfWork:
    """Commits on a clean exit, rolls back on an exception."""

    def __init__(self, db: Session):
        self.db = db

    @cached_property
    def assignments(self) -> AssignmentRepository:
        return AssignmentRepository(self.db)

    @cached_property
    def people(self) -> PersonRepository:
        return PersonRepository(self.db)

    @cached_property
    def swaps(self) -> SwapRepository:
        return SwapRepository(self.db)

    def __enter__(self) -> "UnitOfWork":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.db.commit()  # ok: RPL201
        else:
            self.db.rollback()  # ok: RPL201
