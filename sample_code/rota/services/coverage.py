"""Coverage reports: who is on which block."""

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from rota.models import Assignment, Block


def _blocks_between(db: Session, start: dt.date, end: dt.date) -> Sequence[Block]:
    """Blocks in a date range, no relationships loaded."""
    stmt = select(Block).where(Block.date.between(start, end)).order_by(Block.date, Block.period)
    return db.scalars(stmt).all()


def _blocks_between_with_assignments(db: Session, start: dt.date, end: dt.date) -> Sequence[Block]:
    """Blocks in a date range with their assignments (one extra SELECT in all)."""
    stmt = (
        select(Block)
        .options(selectinload(Block.assignments))
        .where(Block.date.between(start, end))
        .order_by(Block.date, Block.period)
    )
    return db.scalars(stmt).all()


def coverage_report(db: Session, start: dt.date, end: dt.date) -> dict[int, int]:
    """N+1: the helper loads no assignments; each block.assignments is a SELECT."""
    staffed: dict[int, int] = {}
    for block in _blocks_between(db, start, end):
        staffed[block.id] = len(block.assignments)  # expect: RPL301
    return staffed


def coverage_report_eager(db: Session, start: dt.date, end: dt.date) -> dict[int, int]:
    """Right: the helper selectin-loads Block.assignments."""
    staffed: dict[int, int] = {}
    for block in _blocks_between_with_assignments(db, start, end):
        staffed[block.id] = len(block.assignments)  # ok: RPL301
    return staffed


def block_roster_lazy(db: Session, block_id: int) -> list[str]:
    """N+1: one SELECT for the assignments, then one per person."""
    stmt = select(Assignment).where(Assignment.block_id == block_id).order_by(Assignment.id)
    assignments = db.scalars(stmt).all()
    return [a.person.name for a in assignments]  # expect: RPL301


def block_roster(db: Session, block_id: int) -> list[str]:
    """Right: joinedload brings each assignment's person in the same SELECT."""
    stmt = (
        select(Assignment)
        .options(joinedload(Assignment.person))
        .where(Assignment.block_id == block_id)
        .order_by(Assignment.id)
    )
    return [a.person.name for a in db.scalars(stmt)]  # ok: RPL301


def assignments_in_range(db: Session, start: dt.date, end: dt.date) -> list[tuple[dt.date, str, int]]:
    """Right: the block is joined for the filter and contains_eager fills
    Assignment.block from that same join."""
    stmt = (
        select(Assignment)
        .join(Assignment.block)
        .options(contains_eager(Assignment.block))
        .where(Block.date.between(start, end))
        .order_by(Block.date, Block.period, Assignment.id)
    )
    return [(a.block.date, a.block.period, a.person_id) for a in db.scalars(stmt)]  # ok: RPL301


def range_roster_lazy(db: Session, start: dt.date, end: dt.date) -> list[str]:
    """N+1, bounded by the identity map: `Assignment.person` is a many-to-one, so each
    distinct person is loaded once (one SELECT per resident, not per assignment)."""
    stmt = (
        select(Assignment)
        .join(Assignment.block)
        .where(Block.date.between(start, end))
        .order_by(Assignment.id)
    )
    return [a.person.name for a in db.scalars(stmt)]  # expect: RPL301


def range_roster(db: Session, start: dt.date, end: dt.date) -> list[str]:
    """Right: the people are loaded with the assignments, in one more SELECT."""
    stmt = (
        select(Assignment)
        .join(Assignment.block)
        .options(selectinload(Assignment.person))
        .where(Block.date.between(start, end))
        .order_by(Assignment.id)
    )
    return [a.person.name for a in db.scalars(stmt)]  # ok: RPL301
