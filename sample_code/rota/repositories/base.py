"""Generic sync repository with a loader-options hook.

Every query of BaseRepository applies `get_eager_options()`, so a subclass
states once what its model is always loaded with.
"""

from collections.abc import Sequence
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql.base import ExecutableOption

from rota.models import Base

ModelType = TypeVar("ModelType", bound=Base)


class BaseRepository(Generic[ModelType]):  # ok: RPL304
    """Generic base: no concrete model, and every query applies the hook."""

    model: type[ModelType]

    def __init__(self, db: Session):
        self.db = db

    def get_eager_options(self) -> Sequence[ExecutableOption]:
        """Loader options applied to every query; subclasses override."""
        return ()

    def get_by_id(self, id: int) -> ModelType | None:
        """Fetch by primary key, with the class's eager options."""
        stmt = select(self.model).options(*self.get_eager_options()).where(self.model.id == id)
        return self.db.scalars(stmt).first()

    def list_all(self) -> Sequence[ModelType]:
        """All rows in primary-key order, with the class's eager options."""
        stmt = select(self.model).options(*self.get_eager_options()).order_by(self.model.id)
        return self.db.scalars(stmt).all()

    def add(self, obj: ModelType) -> ModelType:
        """Stage a new row; the caller's transaction decides its fate."""
        self.db.add(obj)
        self.db.flush()
        return obj

    def commit(self) -> None:
        """For callers that own the transaction (scripts, fixtures)."""
        self.db.commit()  # ok: RPL201
