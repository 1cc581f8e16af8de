"""AsyncHolidayRepository: integration and pagination tests, no unit test."""

import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from rota.models import Holiday
from rota.repositories.async_holiday import AsyncHolidayRepository


async def add_holidays(session: AsyncSession, count: int) -> None:
    """Holidays H1, H2, ... on the first days of January 2025."""
    session.add_all([Holiday(date=dt.date(2025, 1, d), name=f"H{d}") for d in range(1, count + 1)])
    await session.flush()


@pytest.mark.asyncio
async def test_list_between_keeps_to_the_range(async_session: AsyncSession) -> None:
    """Integration: both ends are included, the rest is not."""
    await add_holidays(async_session, 5)

    found = await AsyncHolidayRepository(async_session).list_between(
        dt.date(2025, 1, 2), dt.date(2025, 1, 4)
    )

    assert [h.name for h in found] == ["H2", "H3", "H4"]


@pytest.mark.asyncio
async def test_list_page_walks_through_every_page(async_session: AsyncSession) -> None:
    """Pagination: three pages of two cover the five holidays once each."""
    await add_holidays(async_session, 5)
    repo = AsyncHolidayRepository(async_session)

    seen: list[str] = []
    for page in (1, 2, 3):
        rows = await repo.list_page(page, size=2)
        seen.extend(h.name for h in rows)

    assert seen == ["H1", "H2", "H3", "H4", "H5"]
