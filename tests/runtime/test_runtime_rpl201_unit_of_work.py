"""RPL201 commit-in-repository, proved by what survives a failed unit of work.

request_swap*() runs two steps in one UnitOfWork: store the swap request,
then flag the assignment. When the second step fails (the assignment is
gone), the unit of work rolls back. With SwapRepository.create(), which
commits, the first write is already in the database; with add(), which only
flushes, nothing is.
"""

from __future__ import annotations

import datetime as dt

import pytest
from rota.models import Block, Person, SwapRecord
from rota.repositories.block import BlockRepository
from rota.repositories.exceptions import RecordNotFoundError
from rota.services.swaps import request_swap, request_swap_legacy
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from .helpers import FACULTY_ID

MISSING_ASSIGNMENT = 9999


def swap_count(engine: Engine) -> int:
    with Session(engine) as db:
        return db.scalar(select(func.count(SwapRecord.id))) or 0


def test_repository_commit_escapes_the_unit_of_work(engine: Engine) -> None:
    assert swap_count(engine) == 0
    with Session(engine) as db, pytest.raises(RecordNotFoundError):
        request_swap_legacy(db, 1, FACULTY_ID, MISSING_ASSIGNMENT)
    assert swap_count(engine) == 1


def test_flush_only_repository_rolls_back_with_the_unit_of_work(engine: Engine) -> None:
    assert swap_count(engine) == 0
    with Session(engine) as db, pytest.raises(RecordNotFoundError):
        request_swap(db, 1, FACULTY_ID, MISSING_ASSIGNMENT)
    assert swap_count(engine) == 0


def test_both_commit_once_when_every_step_succeeds(engine: Engine) -> None:
    """Control: on the happy path both variants store the swap and flag the assignment."""
    with Session(engine) as db:
        request_swap_legacy(db, 1, FACULTY_ID, 1)
    with Session(engine) as db:
        request_swap(db, 2, FACULTY_ID, 2)
    assert swap_count(engine) == 2


def test_savepoint_rollback_keeps_the_callers_work(engine: Engine) -> None:
    """BlockRepository.create_if_absent(): a duplicate rolls back only its savepoint
    (`savepoint.rollback()  # ok: RPL201`); the caller's pending person survives
    and the caller's commit stores it."""
    with Session(engine) as db:
        db.add(Person(name="New Resident", email="new@example.org", type="resident"))
        db.flush()
        existing = BlockRepository(db).create_if_absent(dt.date(2025, 1, 6), "AM")
        fresh = BlockRepository(db).create_if_absent(dt.date(2025, 1, 6), "PM")
        db.commit()
        assert existing.id == 1
        assert fresh.id == 7
    with Session(engine) as db:
        assert (
            db.scalar(select(func.count(Person.id)).where(Person.email == "new@example.org")) == 1
        )
        assert db.scalar(select(func.count(Block.id))) == 7
