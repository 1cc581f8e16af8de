"""RPL309 commit-per-row, proved by counting the transactions SQLite commits
and by what a failure half-way leaves behind.

- A `commit()` per row is one transaction per row: N commits where one was
  meant, each expiring the session's objects (the next row is loaded again),
  and a failure half-way leaves the rows before it committed. The twin that
  commits once after the loop commits once, and a failure leaves nothing.
- A batch-guarded commit costs one commit per batch, whatever N is.
- A `flush()` per row is one UPDATE round trip per row; the commit's single
  flush sends them in one executemany.
- The near-misses stay flat: a commit in an `except` handler runs once per
  failure, not per row.

Commits are counted with the engine's `commit` event (see helpers.count_commits).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from rota.jobs.nightly_commits import (
    cap_hours,
    cap_hours_batched,
    end_absences,
    end_absences_once,
    move_email_domain,
    move_email_domain_once,
    renew_certifications,
    renew_certifications_once,
    send_leave_reminders,
)
from rota.models import Absence, Assignment, AuditEvent, Certification, Person
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

from .helpers import N_BLOCKS, N_RESIDENTS, count_commits, count_statements
from .seeded_copy import db_url, seeded_file  # noqa: F401 (pytest fixtures)

OLD, NEW = "example.org", "rota.example"
CAP = 6.0
CAPPED = 3 * N_BLOCKS
"""Residents 4..6 work 7, 8 and 9 hours per block (4.0 + their index): 18 assignments above 6."""
COLLIDING_RESIDENT = 4


def verbs(statements: list[str]) -> list[str]:
    return [s.split(None, 1)[0] for s in statements]


def run_counted(engine: Engine, fn: Callable[[Session], Any]) -> tuple[Any, int, list[str]]:
    """Call fn with a fresh session; return its result, the number of commits
    and the statements it sent."""
    with (
        Session(engine) as db,
        count_commits(engine) as commits,
        count_statements(engine) as statements,
    ):
        result = fn(db)
    return result, len(commits), verbs(statements)


def run_async_counted(
    url: str, fn: Callable[[AsyncSession], Awaitable[Any]]
) -> tuple[Any, int, list[str]]:
    """The same on an AsyncSession made like the sample's (`expire_on_commit=False`)."""

    async def main() -> tuple[Any, int, list[str]]:
        engine = create_async_engine(url)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as db:
                with (
                    count_commits(engine.sync_engine) as commits,
                    count_statements(engine.sync_engine) as statements,
                ):
                    result = await fn(db)
            return result, len(commits), verbs(statements)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def moved_residents(engine: Engine) -> int:
    with Session(engine) as db:
        stmt = select(func.count(Person.id)).where(
            Person.type == "resident", Person.email.endswith(f"@{NEW}")
        )
        return db.scalar(stmt) or 0


def occupy_address_of_resident(engine: Engine, n: int) -> None:
    """A faculty member already has the address resident `n` is moving to."""
    with Session(engine) as db:
        db.add(Person(name="Relocated Faculty", email=f"r{n}@{NEW}", type="faculty"))
        db.commit()


# commit per row -------------------------------------------------------------


def test_commit_per_row_is_one_transaction_per_row(engine: Engine) -> None:
    """move_email_domain(): N_RESIDENTS commits, and every commit expires the
    rows, so each next resident is SELECTed again; the twin: 1 commit, 1 SELECT,
    the UPDATEs in one executemany."""
    moved, commits, statements = run_counted(engine, lambda db: move_email_domain(db, OLD, NEW))
    assert moved == N_RESIDENTS == 6
    assert commits == N_RESIDENTS == 6
    assert statements.count("UPDATE") == N_RESIDENTS
    assert statements.count("SELECT") == 1 + (N_RESIDENTS - 1) == 6  # the list, then 5 refreshes
    assert moved_residents(engine) == N_RESIDENTS


def test_commit_once_is_one_transaction(engine: Engine) -> None:
    moved, commits, statements = run_counted(
        engine, lambda db: move_email_domain_once(db, OLD, NEW)
    )
    assert moved == N_RESIDENTS
    assert commits == 1
    assert statements == ["SELECT", "UPDATE"]
    assert moved_residents(engine) == N_RESIDENTS


def test_failure_half_way_leaves_the_rows_before_it_committed(engine: Engine) -> None:
    """Resident 4's new address is taken: the per-row job has already committed
    residents 1..3 when it fails; the one-transaction twin leaves none moved."""
    occupy_address_of_resident(engine, COLLIDING_RESIDENT)
    with Session(engine) as db, count_commits(engine) as commits, pytest.raises(IntegrityError):
        move_email_domain(db, OLD, NEW)
    assert len(commits) == COLLIDING_RESIDENT - 1 == 3
    assert moved_residents(engine) == COLLIDING_RESIDENT - 1 == 3


def test_failure_in_one_transaction_leaves_nothing_half_done(engine: Engine) -> None:
    occupy_address_of_resident(engine, COLLIDING_RESIDENT)
    with Session(engine) as db, count_commits(engine) as commits, pytest.raises(IntegrityError):
        move_email_domain_once(db, OLD, NEW)
    assert commits == []
    assert moved_residents(engine) == 0


def test_batch_guarded_commit_is_one_transaction_per_batch(engine: Engine) -> None:
    """cap_hours_batched(): `if capped % batch_size == 0: db.commit()` commits
    ceil(18 / batch_size) times, not 18."""
    capped, commits, statements = run_counted(
        engine, lambda db: cap_hours_batched(db, CAP, batch_size=5)
    )
    assert capped == CAPPED == 18
    assert commits == 4  # after rows 5, 10, 15, then the last 3
    assert statements.count("UPDATE") == 4  # each commit's flush: one executemany
    capped, commits, statements = run_counted(
        engine, lambda db: cap_hours_batched(db, CAP - 1, batch_size=100)
    )
    assert capped == 4 * N_BLOCKS  # residents 3..6 are above 5 hours now
    assert commits == 1
    assert statements == ["SELECT", "UPDATE"]


# flush per row --------------------------------------------------------------


def test_flush_per_row_is_one_update_per_row(engine: Engine) -> None:
    """cap_hours(): one transaction, but 18 UPDATE round trips; the commit's own
    flush (cap_hours_batched with a batch larger than the rows) sends one."""
    capped, commits, statements = run_counted(engine, lambda db: cap_hours(db, CAP))
    assert capped == CAPPED
    assert commits == 1
    assert statements == ["SELECT"] + ["UPDATE"] * CAPPED
    with Session(engine) as db:
        assert db.scalar(select(func.max(Assignment.hours))) == CAP


# async ----------------------------------------------------------------------


ABSENCES_END_BY = dt.date(2025, 2, 7)
"""Residents 3..6 are away after this day (absences start on 1 February, every 3 days)."""


@pytest.mark.parametrize(
    ("job", "expected_commits"),
    [(end_absences, 4), (end_absences_once, 1)],
    ids=["per-row", "once"],
)
def test_async_commit_per_row_against_once(
    async_url: str, engine: Engine, job: Callable[..., Awaitable[int]], expected_commits: int
) -> None:
    """end_absences(): `await db.commit()` per absence running past the day (4 of
    them); end_absences_once(): 1. The same rows change either way."""
    ended, commits, _ = run_async_counted(async_url, lambda db: job(db, ABSENCES_END_BY))
    assert ended == 4
    assert commits == expected_commits
    with Session(engine) as db:
        assert db.scalar(select(func.max(Absence.end_date))) == dt.date(2025, 2, 16)
        assert (
            db.scalar(select(func.count(Absence.id)).where(Absence.end_date > ABSENCES_END_BY))
            == 3  # residents 4..6 start later: their absences now end where they start
        )


def test_async_flush_per_row_against_one_commit(async_url: str, engine: Engine) -> None:
    """renew_certifications(): an awaited flush per certification, one UPDATE
    each; renew_certifications_once(): one executemany at the commit."""
    until = dt.date(2026, 6, 1)
    renewed, commits, statements = run_async_counted(
        async_url, lambda db: renew_certifications(db, until)
    )
    assert renewed == N_RESIDENTS
    assert commits == 1
    assert statements == ["SELECT"] + ["UPDATE"] * N_RESIDENTS
    until = dt.date(2027, 1, 1)
    renewed, commits, statements = run_async_counted(
        async_url, lambda db: renew_certifications_once(db, until)
    )
    assert renewed == N_RESIDENTS
    assert commits == 1
    assert statements == ["SELECT", "UPDATE"]
    with Session(engine) as db:
        assert db.scalar(select(func.min(Certification.expires_on))) == until


# near-misses ----------------------------------------------------------------


def test_commit_in_except_runs_once_per_failure_not_per_row(engine: Engine) -> None:
    """send_leave_reminders(): the handler's commit records one failed send;
    the other residents cost no transaction at all."""

    def send(address: str) -> None:
        if address == "r2@example.org":
            raise ConnectionRefusedError(address)

    sent, commits, _ = run_counted(engine, lambda db: send_leave_reminders(db, send))
    assert sent == N_RESIDENTS - 1
    assert commits == 1
    with Session(engine) as db:
        assert db.scalars(select(AuditEvent.action)).all() == ["reminder to r2@example.org failed"]
