"""WorkloadReportRepository: unit tests (pytest-mock); one page only, no integration test."""

import datetime as dt

import pytest
from pytest_mock import MockerFixture

from rota.repositories.workload import WorkloadReportRepository


@pytest.mark.asyncio
async def test_hours_by_person_returns_the_rows(mocker: MockerFixture) -> None:
    """Unit: the rows of the one awaited execute() are returned as they are."""
    db = mocker.AsyncMock()
    result = mocker.MagicMock()
    result.all.return_value = [(1, 8.0)]
    db.execute.return_value = result
    repo = WorkloadReportRepository(db)

    assert await repo.hours_by_person(dt.date(2025, 1, 1), dt.date(2025, 1, 31)) == [(1, 8.0)]


@pytest.mark.asyncio
async def test_busiest_people_limits_the_page(mocker: MockerFixture) -> None:
    """Unit: one page is asked for, with a LIMIT (a second page never is)."""
    db = mocker.AsyncMock()
    db.execute.return_value = mocker.MagicMock()
    repo = WorkloadReportRepository(db)

    await repo.busiest_people(limit=3)

    (stmt,), _ = db.execute.call_args
    assert "LIMIT" in str(stmt)
