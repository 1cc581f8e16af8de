"""RPL306 joined-collection-without-unique, proved on SQLAlchemy 2.x.

`joinedload(Block.assignments)` returns each block once per assignment (six
rows per block here). A 2.0 Result refuses to hand such rows out through
`.all()`, `.one()` or iteration until `.unique()` is called: InvalidRequestError,
at the sample's `# expect: RPL306` lines. The `# ok: RPL306` consumers
(`.unique()`, `.first()`, `Session.scalar()`, `Result.scalar()`, the legacy
Query, selectinload, joinedload of a many-to-one) return complete data.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from rota.services.staffing import (
    block_roster_joined,
    block_staff,
    block_with_staff,
    block_with_staff_result,
    first_block_from,
    staffing_lines,
    staffing_sheet,
    staffing_sheet_async,
    staffing_sheet_async_unique,
    staffing_sheet_legacy,
    staffing_sheet_selectin,
    staffing_sheet_unique,
)
from sqlalchemy import Engine
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

from .helpers import FIRST_BLOCK_DATE, LAST_BLOCK_DATE, N_BLOCKS, N_RESIDENTS, sample_line_of
from .seeded_copy import db_url, seeded_file  # noqa: F401 (pytest fixtures)

UNIQUE_MESSAGE = "The unique() method must be invoked on this Result"
STAFF = list(range(1, N_RESIDENTS + 1))
SHEET = {block_id: STAFF for block_id in range(1, N_BLOCKS + 1)}


def run_sync(engine: Engine, fn: Callable[[Session], Any]) -> Any:
    with Session(engine) as db:
        return fn(db)


def run_async(url: str, fn: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        engine = create_async_engine(url)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as db:
                return await fn(db)
        finally:
            await engine.dispose()

    return asyncio.run(main())


@pytest.mark.parametrize(
    ("call", "line"),
    [
        (
            lambda db: staffing_sheet(db, FIRST_BLOCK_DATE, LAST_BLOCK_DATE),
            "blocks = db.scalars(stmt).all()  # expect: RPL306",
        ),
        (
            lambda db: staffing_lines(db, FIRST_BLOCK_DATE, LAST_BLOCK_DATE),
            "for block in db.scalars(stmt):  # expect: RPL306",
        ),
        (lambda db: block_staff(db, 1), "block = db.scalars(stmt).one()  # expect: RPL306"),
    ],
    ids=["all", "iteration", "one"],
)
def test_joined_collection_without_unique_raises(
    engine: Engine, call: Callable[[Session], Any], line: str
) -> None:
    with pytest.raises(InvalidRequestError, match=re.escape(UNIQUE_MESSAGE)) as info:
        run_sync(engine, call)
    assert sample_line_of(info.value) == line


def test_joined_collection_without_unique_raises_on_async_session(async_url: str) -> None:
    with pytest.raises(InvalidRequestError, match=re.escape(UNIQUE_MESSAGE)) as info:
        run_async(async_url, lambda db: staffing_sheet_async(db, FIRST_BLOCK_DATE, LAST_BLOCK_DATE))
    assert sample_line_of(info.value) == "blocks = (await db.scalars(stmt)).all()  # expect: RPL306"

    sheet = run_async(
        async_url, lambda db: staffing_sheet_async_unique(db, FIRST_BLOCK_DATE, LAST_BLOCK_DATE)
    )
    assert sheet == SHEET


def test_near_misses_return_complete_collections(engine: Engine) -> None:
    """Every `# ok: RPL306` consumer: no error, and every block has its six people."""
    for fn in (staffing_sheet_unique, staffing_sheet_legacy, staffing_sheet_selectin):
        assert (
            run_sync(engine, lambda db, fn=fn: fn(db, FIRST_BLOCK_DATE, LAST_BLOCK_DATE)) == SHEET
        )

    first = run_sync(
        engine, lambda db: [a.person_id for a in first_block_from(db, FIRST_BLOCK_DATE).assignments]
    )
    assert first == STAFF
    for fn in (block_with_staff, block_with_staff_result):
        block_staff_ids = run_sync(
            engine, lambda db, fn=fn: [a.person_id for a in fn(db, 1).assignments]
        )
        assert block_staff_ids == STAFF

    names = run_sync(engine, lambda db: block_roster_joined(db, 1))
    assert names == [f"Resident {i}" for i in STAFF]
