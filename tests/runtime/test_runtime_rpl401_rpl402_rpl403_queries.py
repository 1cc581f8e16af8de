"""RPL401 unordered-pagination, RPL402 cartesian-product and RPL403
count-by-loading, proved on SQLite.

- RPL401: the emitted SQL of the `# expect: RPL401` pages has LIMIT/OFFSET and
  no ORDER BY. Without ORDER BY, SQL leaves the row order to the query plan;
  SQLite's `PRAGMA reverse_unordered_selects`, made to find code that relies
  on it, stands in for a plan that changed between two requests: page 2 then
  repeats rows of page 1 and others are never shown. The ordered twins give
  the same disjoint pages either way. (SQLite happens to return table order
  when nothing changes, so the proof asserts on the SQL and on the pragma.)
- RPL402: SQLAlchemy 2.x's FROM linter warns "cartesian product" when the
  statement is compiled, and the answer is wrong (a sum multiplied by the
  number of residents, a total multiplied by the number of blocks); the
  joined and correlated twins give the right answer without a warning.
- RPL403: a row counter on the DB-API connection (sqlite3's row_factory sees
  every row fetched) shows `len(....all())` transferring every row, where
  `SELECT count(...)` transfers one.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from rota.models import AuditEvent, Person
from rota.repositories.async_assignment import AsyncAssignmentRepository
from rota.repositories.async_base import AsyncBaseRepository
from rota.repositories.async_holiday import AsyncHolidayRepository
from rota.repositories.audit import AuditLogRepository
from rota.services.hours import (
    assignments_on,
    block_hours,
    resident_count_legacy,
    resident_count_query_count,
    resident_hours_total,
    resident_hours_total_correlated,
    resident_hours_total_joined,
    template_assignment_count,
    template_assignment_count_sql,
)
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SAWarning
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

from .helpers import (
    ACTIVE_PEOPLE,
    FIRST_BLOCK_DATE,
    N_BLOCKS,
    N_RESIDENTS,
    count_statements,
)
from .seeded_copy import db_url, seeded_file  # noqa: F401 (pytest fixtures)

N_ASSIGNMENTS = N_RESIDENTS * N_BLOCKS
RESIDENT_HOURS = N_BLOCKS * sum(4.0 + i for i in range(N_RESIDENTS))  # 234.0


def run_async(url: str, fn: Callable[[AsyncSession], Awaitable[Any]]) -> tuple[Any, list[str]]:
    """Run fn with a fresh AsyncSession; return its result and the SQL it sent."""

    async def main() -> tuple[Any, list[str]]:
        engine = create_async_engine(url)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as db:
                with count_statements(engine.sync_engine) as statements:
                    return await fn(db), list(statements)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def cartesian_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return [
        str(w.message)
        for w in caught
        if issubclass(w.category, SAWarning) and "cartesian product" in str(w.message)
    ]


# RPL401 -------------------------------------------------------------------


async def two_pages(db: AsyncSession, order_by: Any = None) -> tuple[list[int], list[int]]:
    """Pages 1 and 2 of the people (4 a page) through the guide's
    AsyncBaseRepository.list_paginated(); between the two requests the row
    order of unordered SELECTs changes, as a new query plan would change it."""
    repo = AsyncBaseRepository(Person, db)
    page_1 = [p.id for p in await repo.list_paginated(page=1, page_size=4, order_by=order_by)]
    await db.execute(text("PRAGMA reverse_unordered_selects = 1"))
    page_2 = [p.id for p in await repo.list_paginated(page=2, page_size=4, order_by=order_by)]
    return page_1, page_2


def test_rpl401_conditional_order_by_leaves_pages_unordered(async_url: str) -> None:
    """list_paginated() orders only when the caller passes order_by (the guide's PATTERN 4)."""
    (page_1, page_2), sql = run_async(async_url, two_pages)
    pages = [s for s in sql if "LIMIT" in s]
    assert len(pages) == 2
    assert all("OFFSET" in s and "ORDER BY" not in s for s in pages)
    assert page_1 == [1, 2, 3, 4]
    assert page_2 == [3, 2, 1]  # overlaps page 1; people 5, 6 and 7 are never shown
    assert set(page_1) & set(page_2) == {1, 2, 3}

    (page_1, page_2), sql = run_async(async_url, lambda db: two_pages(db, Person.id))
    assert all("ORDER BY person.id" in s for s in sql if "LIMIT" in s)
    assert page_1 == [1, 2, 3, 4]
    assert page_2 == [5, 6, 7]
    assert len(page_1 + page_2) == ACTIVE_PEOPLE


def test_rpl401_order_by_none_and_unordered_pages_emit_no_order_by(
    async_url: str, engine: Engine, bind_session_local: Callable[[Engine], None]
) -> None:
    """list_for_person_page(): `base.order_by(None).offset(...)`;
    AuditLogRepository.recent(): no order_by at all; list_with_filters_joined()
    and list_page() (ordered on both branches) as the ordered controls."""
    (rows, total), sql = run_async(
        async_url, lambda db: AsyncAssignmentRepository(db).list_for_person_page(1, page=2, size=4)
    )
    assert total == N_BLOCKS
    assert len(rows) == 2
    page_sql = [s for s in sql if "LIMIT" in s]
    assert len(page_sql) == 1
    assert "ORDER BY" not in page_sql[0]

    bind_session_local(engine)
    with Session(engine) as db:
        db.add_all([AuditEvent(actor="web", action=f"event {i}") for i in range(5)])
        db.commit()
    with count_statements(engine) as sql:
        events = AuditLogRepository().recent(page=1, size=3)
    assert len(events) == 3
    assert "OFFSET" in sql[0]
    assert "ORDER BY" not in sql[0]

    (rows, _), sql = run_async(
        async_url,
        lambda db: AsyncAssignmentRepository(db).list_with_filters_joined(limit=4, offset=4),
    )
    assert len(rows) == 4
    assert "ORDER BY block.date, assignment.id" in next(s for s in sql if "LIMIT" in s)

    for newest_first, order in ((False, "ORDER BY holiday.date"), (True, "holiday.date DESC")):
        _, sql = run_async(
            async_url,
            lambda db, newest_first=newest_first: AsyncHolidayRepository(db).list_page(
                2, newest_first=newest_first
            ),
        )
        assert "OFFSET" in sql[0]
        assert order in sql[0]


# RPL402 -------------------------------------------------------------------


def test_rpl402_unjoined_filter_is_a_cartesian_product(engine: Engine) -> None:
    """resident_hours_total(): sums over assignment x person; the joined and
    correlated twins sum over the residents' assignments."""
    with Session(engine) as db, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bad = resident_hours_total(db)
    (message,) = cartesian_warnings(caught)  # the FROM elements come in either order
    assert message.startswith("SELECT statement has a cartesian product between FROM element(s)")
    assert {'"person"', '"assignment"'} <= set(message.replace(".", " ").split())
    assert bad == RESIDENT_HOURS * N_RESIDENTS == 1404.0  # every assignment x 6 residents

    for good_total in (resident_hours_total_joined, resident_hours_total_correlated):
        with Session(engine) as db, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert good_total(db) == RESIDENT_HOURS
        assert cartesian_warnings(caught) == []
    with Session(engine) as db, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert block_hours(db, 1) == RESIDENT_HOURS / N_BLOCKS
    assert cartesian_warnings(caught) == []


def test_rpl402_legacy_query_filter_on_another_model(engine: Engine) -> None:
    """assignments_on(): db.query(Assignment).filter(Block.date == day) returns
    every assignment, not the 6 of that day."""
    with Session(engine) as db, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ids = assignments_on(db, FIRST_BLOCK_DATE)
    assert len(cartesian_warnings(caught)) == 1
    assert len(ids) == N_ASSIGNMENTS == 36  # should be N_RESIDENTS == 6


def test_rpl402_guide_list_with_filters(async_url: str) -> None:
    """AsyncAssignmentRepository.list_with_filters() (the guide's): the date
    filters name Block without a join; list_with_filters_joined() joins it;
    get_assignments_for_date() (the guide's PATTERN 1) correlates it by `where`."""
    day_after = FIRST_BLOCK_DATE.replace(day=FIRST_BLOCK_DATE.day + 1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        (rows, total), _ = run_async(
            async_url,
            lambda db: AsyncAssignmentRepository(db).list_with_filters(
                start_date=FIRST_BLOCK_DATE, end_date=day_after
            ),
        )
    assert len(cartesian_warnings(caught)) >= 1
    assert total == N_ASSIGNMENTS * 2  # every assignment once per block in range: 72
    assert len(rows) == N_ASSIGNMENTS  # .unique() hides the repeats, not the wrong filter

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        (rows, total), _ = run_async(
            async_url,
            lambda db: AsyncAssignmentRepository(db).list_with_filters_joined(
                start_date=FIRST_BLOCK_DATE, end_date=day_after
            ),
        )
        (same_day, _) = run_async(
            async_url,
            lambda db: AsyncAssignmentRepository(db).get_assignments_for_date(FIRST_BLOCK_DATE),
        )
    assert cartesian_warnings(caught) == []
    assert total == len(rows) == N_RESIDENTS * 2  # the 12 assignments of those two blocks
    assert [a.block_id for a in same_day] == [1] * N_RESIDENTS


# RPL403 -------------------------------------------------------------------


@pytest.fixture
def row_counted(engine: Engine) -> Iterator[tuple[Engine, list[int]]]:
    """An engine on the same file whose every row fetched from sqlite3 is counted."""
    engine = create_engine(engine.url)
    fetched = [0]

    @event.listens_for(engine, "connect")
    def count_rows(dbapi_connection: Any, connection_record: Any) -> None:
        def row_factory(cursor: Any, row: tuple[Any, ...]) -> tuple[Any, ...]:
            fetched[0] += 1
            return row

        dbapi_connection.row_factory = row_factory

    yield engine, fetched
    engine.dispose()


def counted(
    engine: Engine, fetched: list[int], fn: Callable[[Session], Any]
) -> tuple[Any, int, list[str]]:
    with Session(engine) as db, count_statements(engine) as sql:
        fetched[0] = 0
        result = fn(db)
    return result, fetched[0], sql


def test_rpl403_len_of_all_fetches_every_row(row_counted: tuple[Engine, list[int]]) -> None:
    """template_assignment_count(): len(db.scalars(stmt).all()); the SQL twin: count()."""
    engine, fetched = row_counted
    bad, bad_rows, bad_sql = counted(engine, fetched, lambda db: template_assignment_count(db, 1))
    good, good_rows, good_sql = counted(
        engine, fetched, lambda db: template_assignment_count_sql(db, 1)
    )
    assert bad == good == N_ASSIGNMENTS // 2 == 18
    assert bad_rows == 18  # every Clinic assignment, every column
    assert good_rows == 1
    assert "count(" not in bad_sql[0]
    assert "count(assignment.id)" in good_sql[0]


def test_rpl403_legacy_len_of_query_all(row_counted: tuple[Engine, list[int]]) -> None:
    """resident_count_legacy(): len(query.all()); Query.count() runs SELECT count(*)."""
    engine, fetched = row_counted
    bad, bad_rows, _ = counted(engine, fetched, resident_count_legacy)
    good, good_rows, good_sql = counted(engine, fetched, resident_count_query_count)
    assert bad == good == N_RESIDENTS
    assert (bad_rows, good_rows) == (N_RESIDENTS, 1)
    assert "count(*)" in good_sql[0]
