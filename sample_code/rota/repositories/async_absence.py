"""Async absence repository (migrated in week 3, not reviewed yet)."""

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rota.models import Absence
from rota.repositories.async_base import AsyncBaseRepository


class AsyncAbsenceRepository(AsyncBaseRepository[Absence]):  # expect: RPL304
    """Wrong: inherits get_by_id() but offers no way to load Absence.person
    eagerly (no twin, no options parameter, no hook); and record() commits."""

    def __init__(self, db: AsyncSession):
        super().__init__(Absence, db)

    async def record(self, person_id: int, start: dt.date, end: dt.date, reason: str) -> Absence:
        """Wrong: commits the request's session from inside the data layer."""
        absence = Absence(person_id=person_id, start_date=start, end_date=end, reason=reason)
        self.db.add(absence)
        await self.db.commit()  # expect: RPL201
        return absence

    async def list_for_person(self, person_id: int) -> Sequence[Absence]:
        """A person's absences, most recent first."""
        stmt = select(Absence).where(Absence.person_id == person_id).order_by(Absence.start_date.desc())
        result = await self.db.scalars(stmt)
        return result.all()
