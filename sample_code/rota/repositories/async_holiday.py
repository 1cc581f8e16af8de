"""Async holiday repository."""

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rota.models import Holiday
from rota.repositories.async_base import AsyncBaseRepository


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
