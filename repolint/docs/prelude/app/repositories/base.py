"""Generic bases: a repository holds the session its caller passes in."""

from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.models import Base

ModelT = TypeVar("ModelT", bound=Base)


class BaseRepository(Generic[ModelT]):
    def __init__(self, db: Session) -> None:
        self.db = db


class AsyncBaseRepository(Generic[ModelT]):
    def __init__(self, db: AsyncSession) -> None:
        self.db = db
