"""RPL202 session-not-closed, proved with the pool's checked-out count.

A Session begins a transaction at its first statement and holds a pooled
connection until it is closed (or commits). The sample's `# expect: RPL202`
functions return without closing it, so `engine.pool.checkedout()` grows by
one per call; only the garbage collector, whenever it runs, gives the
connection back. Their `# ok: RPL202` twins (closed in `finally`, a
with-block, a session handed to the caller or kept on `self` and closed by
the owner) leave nothing checked out.

The cyclic garbage collector is paused while counting, so that the numbers do
not depend on when it happens to run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Callable, Iterator

import pytest
from rota.jobs.cleanup import (
    PurgeJob,
    open_job_session,
    people_on_leave,
    people_on_leave_closed,
    person_card,
    person_card_managed,
)
from rota.models import Person
from rota.repositories.exceptions import RecordNotFoundError
from sqlalchemy import Engine, func, select

from .helpers import ACTIVE_PEOPLE
from .seeded_copy import db_url, seeded_file  # noqa: F401 (pytest fixtures)

LEAVE_DAY = dt.date(2025, 2, 1)  # Resident 1's absence (seed data)
MISSING_PERSON = 999


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


def test_unclosed_session_keeps_its_connection(
    engine: Engine, bind_session_local: Callable[[Engine], None]
) -> None:
    """people_on_leave(): `db = SessionLocal()`, never closed."""
    bind_session_local(engine)
    with gc_paused():
        assert engine.pool.checkedout() == 0
        assert people_on_leave(LEAVE_DAY) == ["Resident 1"]
        assert engine.pool.checkedout() == 1
        assert people_on_leave(LEAVE_DAY) == ["Resident 1"]
        assert engine.pool.checkedout() == 2

        assert people_on_leave_closed(LEAVE_DAY) == ["Resident 1"]
        assert engine.pool.checkedout() == 2  # the closed twin returned its connection
    assert engine.pool.checkedout() == 0  # only the garbage collector gave them back


def test_close_on_the_happy_path_only_leaks_on_error(engine: Engine) -> None:
    """person_card(): db.close() is skipped when RecordNotFoundError is raised;
    person_card_managed(): `with db:` closes it on that path too."""
    with gc_paused():
        assert person_card(engine, 1)["name"] == "Resident 1"
        assert engine.pool.checkedout() == 0  # fine when nothing goes wrong

        with pytest.raises(RecordNotFoundError):
            person_card(engine, MISSING_PERSON)
        assert engine.pool.checkedout() == 1

        with pytest.raises(RecordNotFoundError):
            person_card_managed(engine, MISSING_PERSON)
        assert person_card_managed(engine, 1)["name"] == "Resident 1"
        assert engine.pool.checkedout() == 1  # unchanged by the managed twin
    assert engine.pool.checkedout() == 0


def test_sessions_handed_over_are_closed_by_their_owner(
    engine: Engine, bind_session_local: Callable[[Engine], None]
) -> None:
    """open_job_session() returns the session; PurgeJob keeps it on self and
    closes it in close(): while in use they hold a connection, then none."""
    bind_session_local(engine)
    with gc_paused():
        db = open_job_session("report")
        job = PurgeJob("purge")
        assert db.scalar(select(func.count(Person.id))) == ACTIVE_PEOPLE
        assert job.purge_audit_before(dt.datetime(2000, 1, 1)) == 0  # commits
        assert engine.pool.checkedout() == 1  # db's transaction; job committed
        db.close()
        job.close()
        assert engine.pool.checkedout() == 0
