"""Async holiday repository."""

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from rota.models import Holiday
from rota.repositories.async_base import AsyncBaseRepository


def _holiday_count(session: Session) -> int:
    """Sync code for AsyncSession.run_sync(): `session` is the sync Session behind it."""
    return session.query(Holiday).count()  # ok: RPL105  # expect: RPL404


class AsyncHolidayRepository(AsyncBaseRepository[Holiday]):  # ok: RPL304
    """Right as it is: Holiday has no relationships, so get_by_id() needs no
    eager-loading twin."""

    def __init__(self, db: AsyncSession):
        super().__init__(Holiday, db)

    async def list_between(self, start: dt.date, end: dt.date) -> Sequence[Holiday]:
        """Holidays in a date range."""
        stmt = select(Holiday).where(Holiday.date.between(start, end)).order_by(Holiday.date)
        result = await self.db.scalars(stmt)
        return result.all()

    async def upcoming(self, day: dt.date, limit: int = 5) -> list[Holiday]:
        """AttributeError: this line survived the migration; AsyncSession has no query()."""
        return self.db.query(Holiday).filter(Holiday.date >= day).order_by(Holiday.date).limit(limit).all()  # expect: RPL105  # ok: RPL404

    async def count_with_query(self) -> int:
        """Right for RPL105: the legacy Query runs on the sync Session inside run_sync()."""
        return await self.db.run_sync(_holiday_count)

    async def next_holidays(self, day: dt.date, limit: int = 5) -> Sequence[Holiday]:
        """Right: the 2.0 select() on the AsyncSession, awaited."""
        stmt = select(Holiday).where(Holiday.date >= day).order_by(Holiday.date).limit(limit)
        return (await self.db.scalars(stmt)).all()

    async def list_page(self, page: int, size: int = 20, newest_first: bool = False) -> Sequence[Holiday]:
        """Right: every path orders before the offset."""
        stmt = select(Holiday)
        if newest_first:
            stmt = stmt.order_by(Holiday.date.desc())
        else:
            stmt = stmt.order_by(Holiday.date)
        stmt = stmt.offset((page - 1) * size).limit(size)  # ok: RPL401
        return (await self.db.scalars(stmt)).all()
