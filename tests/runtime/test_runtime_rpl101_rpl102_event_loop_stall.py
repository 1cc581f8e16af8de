"""RPL101 blocking-session-call and RPL102 sync-data-access-in-async, proved
by an event-loop stall.

The test engine makes every data statement take 0.25 s (a SQLite progress
handler that sleeps; the sample's queries are unchanged). A ticker coroutine
wants to run every 5 ms next to the call under test. When the sync session
call runs inside the `async def` (the sample's `# expect:` lines), the ticker
misses its beats for the whole statement; when the sample offloads the same
call (its `# ok:` lines), the ticker keeps its beat.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from rota.api import dashboard as dashboard_api
from rota.api import people as people_api
from rota.deps import get_current_person
from rota.repositories.person import PersonRepository
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from .helpers import (
    ACTIVE_PEOPLE,
    FIRST_BLOCK_DATE,
    N_BLOCKS,
    N_RESIDENTS,
    NO_STALL_BELOW,
    SLOW_STATEMENT_SECONDS,
    STALL_AT_LEAST,
    measure_stall,
    unblocked_stall,
)


def stall_with_session(
    engine: Engine,
    route: Callable[[Session], Awaitable[Any]],
    measure: Callable[[Callable[[], Awaitable[Any]]], tuple[Any, float]] = measure_stall,
) -> tuple[Any, float]:
    """Call an async route that takes the request's sync Session, as FastAPI would."""
    with Session(engine) as db:
        return measure(lambda: route(db))


def test_rpl101_session_call_in_async_route(slow_engine: Engine) -> None:
    """count_people(): db.scalar() inside async def; count_people_offloaded():
    asyncio.to_thread(db.scalar, ...); count_active_people(): a lambda in
    anyio.to_thread.run_sync."""
    bad, bad_gap = stall_with_session(slow_engine, people_api.count_people)
    good, good_gap = stall_with_session(
        slow_engine, people_api.count_people_offloaded, unblocked_stall
    )
    lam, lam_gap = stall_with_session(slow_engine, people_api.count_active_people, unblocked_stall)
    assert bad == good == {"total": ACTIVE_PEOPLE}
    assert lam == {"active": ACTIVE_PEOPLE}
    assert bad_gap >= STALL_AT_LEAST, bad_gap
    assert good_gap < NO_STALL_BELOW, good_gap
    assert lam_gap < NO_STALL_BELOW, lam_gap


def test_rpl101_legacy_query_chain_in_async_route(slow_engine: Engine) -> None:
    """list_residents_legacy(): db.query(...)...all() inside async def (no offloaded twin;
    list_residents_offloaded() returns the same rows without a stall)."""
    bad, bad_gap = stall_with_session(slow_engine, people_api.list_residents_legacy)
    with Session(slow_engine) as db:
        good, good_gap = unblocked_stall(
            lambda: people_api.list_residents_offloaded(PersonRepository(db))
        )
    assert bad == good
    assert len(bad) == N_RESIDENTS
    assert bad_gap >= STALL_AT_LEAST, bad_gap
    assert good_gap < NO_STALL_BELOW, good_gap


def test_rpl102_depth_1_sync_repository_held_by_async_route(slow_engine: Engine) -> None:
    """list_residents(repo): PersonRepository.list_residents() called on the loop;
    list_residents_offloaded(repo): run_in_threadpool(repo.list_residents)."""
    with Session(slow_engine) as db:
        bad, bad_gap = measure_stall(lambda: people_api.list_residents(PersonRepository(db)))
    with Session(slow_engine) as db:
        good, good_gap = unblocked_stall(
            lambda: people_api.list_residents_offloaded(PersonRepository(db))
        )
    assert bad == good
    assert [row["name"] for row in bad] == [f"Resident {i}" for i in range(1, N_RESIDENTS + 1)]
    assert bad_gap >= STALL_AT_LEAST, bad_gap
    assert good_gap < NO_STALL_BELOW, good_gap


def test_rpl102_nested_def_called_directly(slow_engine: Engine) -> None:
    """person_hours_blocking() calls its nested sync def on the loop;
    person_hours() hands the same def to the threadpool."""
    bad, bad_gap = stall_with_session(
        slow_engine, lambda db: people_api.person_hours_blocking(1, db)
    )
    good, good_gap = stall_with_session(
        slow_engine, lambda db: people_api.person_hours(1, db), unblocked_stall
    )
    assert bad == good == {"hours": 4.0 * N_BLOCKS}
    assert bad_gap >= STALL_AT_LEAST, bad_gap
    assert good_gap < NO_STALL_BELOW, good_gap


def test_rpl102_async_dependency_calling_a_sync_lookup(slow_engine: Engine) -> None:
    """get_current_person() (an async dependency) -> find_person_by_email() ->
    PersonRepository.get_by_email(): every request that depends on it stalls the
    loop. (Its twin get_current_person_async() awaits an AsyncSession instead; the
    slow-statement switch here only works on the sync driver.)"""
    with Session(slow_engine) as db:
        person, gap = measure_stall(lambda: get_current_person(" R3@example.org", db))
        assert (person.id, person.name) == (3, "Resident 3")
    assert gap >= STALL_AT_LEAST, gap


@pytest.mark.parametrize(
    "good_route",
    [dashboard_api.dashboard_offloaded, dashboard_api.dashboard_executor],
    ids=["run_in_threadpool", "run_in_executor"],
)
def test_rpl102_depth_2_helper_opens_its_own_session(
    slow_engine: Engine,
    bind_session_local: Callable[[Engine], None],
    good_route: Callable[[], Awaitable[dict[str, int]]],
) -> None:
    """dashboard() -> dashboard_numbers() -> active_member_count() opens SessionLocal() itself."""
    bind_session_local(slow_engine)
    bad, bad_gap = measure_stall(dashboard_api.dashboard)
    good, good_gap = unblocked_stall(good_route)
    assert bad == good == {"active_members": ACTIVE_PEOPLE, "vacancies": 40 - ACTIVE_PEOPLE}
    assert bad_gap >= STALL_AT_LEAST, bad_gap
    assert good_gap < NO_STALL_BELOW, good_gap


def test_rpl102_depth_3(slow_engine: Engine, bind_session_local: Callable[[Engine], None]) -> None:
    """weekly_digest() -> compose_digest() -> dashboard_numbers() -> active_member_count();
    weekly_digest_offloaded() runs a lambda in anyio's worker thread."""
    bind_session_local(slow_engine)
    week = FIRST_BLOCK_DATE
    bad, bad_gap = measure_stall(lambda: dashboard_api.weekly_digest(week))
    good, good_gap = unblocked_stall(lambda: dashboard_api.weekly_digest_offloaded(week))
    assert (
        bad
        == good
        == {"week": "2025-W02", "text": f"2025-W02: {ACTIVE_PEOPLE} active, 33 vacancies"}
    )
    assert bad_gap >= STALL_AT_LEAST, bad_gap
    assert good_gap < NO_STALL_BELOW, good_gap


def test_the_stall_is_the_statement(
    slow_engine: Engine, bind_session_local: Callable[[Engine], None]
) -> None:
    """Control: the stall lasts as long as the slowed statement, and a pure
    helper called on the loop (week_label, an `# ok: RPL102` line) costs nothing."""
    bind_session_local(slow_engine)
    count, offloaded_gap = unblocked_stall(dashboard_api.headcount)  # anyio worker thread
    assert count == {"active_members": ACTIVE_PEOPLE}
    assert offloaded_gap < NO_STALL_BELOW, offloaded_gap

    async def label_only() -> str:
        return dashboard_api.week_label(dt.date(2025, 1, 6))

    label, gap = unblocked_stall(label_only)
    assert label == "2025-W02"
    assert gap < NO_STALL_BELOW, gap

    _, blocked = measure_stall(dashboard_api.dashboard)
    assert SLOW_STATEMENT_SECONDS * 0.9 <= blocked < SLOW_STATEMENT_SECONDS + 0.5, blocked
