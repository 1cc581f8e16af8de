"""RPL302 lazy-load-in-async, proved on aiosqlite.

Reading a lazy relationship of a row from an AsyncSession inside `async def`
raises MissingGreenlet at the very line the sample marks `# expect: RPL302`;
the eager-loading twins return the related data. Every call uses a fresh
AsyncSession, so no related object is already in the identity map.
"""

from __future__ import annotations

import asyncio
import gc
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from rota.api.absences import person_absences
from rota.api.assignments import get_assignment, get_assignment_detail
from rota.api.swaps import get_swap
from rota.models import SwapRecord
from rota.services.async_roster import block_sheet, block_sheet_eager
from sqlalchemy.exc import MissingGreenlet, StatementError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from .helpers import FACULTY_ID, FIRST_BLOCK_DATE, N_RESIDENTS, sample_line_of

# The failed lazy load leaves aiosqlite's `Connection.cursor()` coroutine
# unawaited; Python reports it when the coroutine is collected. That warning is
# part of the failure being demonstrated, collected on purpose below.
pytestmark = pytest.mark.filterwarnings(
    r"ignore:Exception ignored in. <coroutine object Connection\.cursor"
    ":pytest.PytestUnraisableExceptionWarning"
)


def run_async(url: str, call: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
    """Run `call(session)` with a fresh AsyncSession on its own engine and loop."""

    async def main() -> Any:
        engine = create_async_engine(url)
        factory = async_sessionmaker(engine, expire_on_commit=False)
        try:
            async with factory() as session:
                return await call(session)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def raises_missing_greenlet(url: str, call: Callable[[AsyncSession], Awaitable[Any]]) -> str:
    """Run the call, assert it fails with MissingGreenlet, return the sample line it failed on."""
    with pytest.raises((MissingGreenlet, StatementError)) as info:
        run_async(url, call)
    error = info.value
    cause = error if isinstance(error, MissingGreenlet) else error.orig
    assert isinstance(cause, MissingGreenlet), f"{type(error).__name__}: {error}"
    line = sample_line_of(error)
    del info, error, cause  # the traceback holds the unawaited coroutine
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", "coroutine 'Connection.cursor' was never awaited", RuntimeWarning
        )
        gc.collect()
    return line


def test_get_by_id_then_lazy_relationship_raises(async_url: str) -> None:
    line = raises_missing_greenlet(async_url, lambda db: get_assignment(1, db))
    assert (
        line == 'return {"id": assignment.id, "person": assignment.person.name}  # expect: RPL302'
    )

    detail = run_async(async_url, lambda db: get_assignment_detail(1, db))
    assert detail == {
        "id": 1,
        "person": "Resident 1",
        "date": FIRST_BLOCK_DATE,
        "rotation": "Clinic",
    }


def test_rows_from_async_repository_in_a_service(async_url: str) -> None:
    line = raises_missing_greenlet(async_url, lambda db: block_sheet(db, 1))
    assert line == (
        'return [{"assignment": a.id, "person": a.person.name} for a in assignments]'
        "  # expect: RPL302"
    )

    sheet = run_async(async_url, lambda db: block_sheet_eager(db, 1))
    assert len(sheet) == N_RESIDENTS
    assert sheet[0] == {
        "assignment": 1,
        "person": "Resident 1",
        "date": FIRST_BLOCK_DATE,
        "rotation": "CLN",
    }
    assert [row["person"] for row in sheet] == [f"Resident {i}" for i in range(1, N_RESIDENTS + 1)]


def test_selectin_relationship_loads_but_plain_lazy_one_raises(async_url: str) -> None:
    """get_swap(): swap.assignment (lazy="selectin") is there, swap.requester is not."""

    async def add_swap(db: AsyncSession) -> int:
        swap = SwapRecord(requester_id=2, target_id=FACULTY_ID, assignment_id=2)
        db.add(swap)
        await db.commit()
        return swap.id

    swap_id = run_async(async_url, add_swap)
    line = raises_missing_greenlet(async_url, lambda db: get_swap(swap_id, db))
    assert line == "requester = swap.requester.name  # expect: RPL302"

    async def hours_only(db: AsyncSession) -> float:
        swap = await db.get(SwapRecord, swap_id)
        return swap.assignment.hours

    assert run_async(async_url, hours_only) == 5.0


def test_awaitable_attrs_loads_explicitly(async_url: str) -> None:
    """person_absences(): `await person.awaitable_attrs.absences` is the async way to lazy-load."""
    rows = run_async(async_url, lambda db: person_absences(3, db))
    assert len(rows) == 1
    assert rows[0]["reason"] == "leave 3"
