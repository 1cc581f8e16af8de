"""People, sync and async. Each plain read has a `_with_relations` twin that
selectin-loads `Person.assignments` and `Person.absences`."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.models import Person
from app.repositories.base import AsyncBaseRepository, BaseRepository

WITH_RELATIONS = (selectinload(Person.assignments), selectinload(Person.absences))


class PersonRepository(BaseRepository[Person]):
    def get_by_id(self, person_id: int) -> Person | None:
        """Nothing eager-loaded."""
        return self.db.get(Person, person_id)

    def get_by_id_with_relations(self, person_id: int) -> Person | None:
        stmt = select(Person).options(*WITH_RELATIONS).where(Person.id == person_id)
        return self.db.scalars(stmt).one_or_none()

    def list_active(self) -> Sequence[Person]:
        """Active people by name, nothing eager-loaded."""
        stmt = select(Person).where(Person.active).order_by(Person.name)
        return self.db.scalars(stmt).all()

    def list_active_with_relations(self) -> Sequence[Person]:
        stmt = select(Person).options(*WITH_RELATIONS).where(Person.active).order_by(Person.name)
        return self.db.scalars(stmt).all()


class AsyncPersonRepository(AsyncBaseRepository[Person]):
    async def get_by_id(self, person_id: int) -> Person | None:
        """Nothing eager-loaded."""
        return await self.db.get(Person, person_id)

    async def get_by_id_with_relations(self, person_id: int) -> Person | None:
        stmt = select(Person).options(*WITH_RELATIONS).where(Person.id == person_id)
        return (await self.db.scalars(stmt)).one_or_none()

    async def list_active(self) -> Sequence[Person]:
        """Active people by name, nothing eager-loaded."""
        stmt = select(Person).where(Person.active).order_by(Person.name)
        return (await self.db.scalars(stmt)).all()

    async def list_active_with_relations(self) -> Sequence[Person]:
        stmt = select(Person).options(*WITH_RELATIONS).where(Person.active).order_by(Person.name)
        return (await self.db.scalars(stmt)).all()
