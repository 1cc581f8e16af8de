"""Staffing sheets: blocks with everybody assigned to them.

`joinedload(Block.assignments)` loads a collection through a LEFT OUTER JOIN,
so each block comes back once per assignment. A 2.0 Result does not collapse
those repeats by itself: the consumers that return every row raise
InvalidRequestError until `.unique()` is called.
"""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, joinedload, selectinload

from rota.models import Assignment, Block


def staffing_sheet(db: Session, start: dt.date, end: dt.date) -> dict[int, list[int]]:
    """InvalidRequestError: .all() on joined-eager collection rows without .unique()."""
    stmt = (
        select(Block)
        .options(joinedload(Block.assignments))
        .where(Block.date.between(start, end))
        .order_by(Block.date, Block.period)
    )
    blocks = db.scalars(stmt).all()  # expect: RPL306
    return {b.id: [a.person_id for a in b.assignments] for b in blocks}


def staffing_sheet_unique(db: Session, start: dt.date, end: dt.date) -> dict[int, list[int]]:
    """Right: .unique() collapses the repeated blocks."""
    stmt = (
        select(Block)
        .options(joinedload(Block.assignments))
        .where(Block.date.between(start, end))
        .order_by(Block.date, Block.period)
    )
    blocks = db.scalars(stmt).unique().all()  # ok: RPL306
    return {b.id: [a.person_id for a in b.assignments] for b in blocks}


def staffing_lines(db: Session, start: dt.date, end: dt.date) -> list[str]:
    """InvalidRequestError: iterating the result raises the same way."""
    stmt = (
        select(Block)
        .options(joinedload(Block.assignments))
        .where(Block.date.between(start, end))
        .order_by(Block.date, Block.period)
    )
    lines = []
    for block in db.scalars(stmt):  # expect: RPL306
        lines.append(f"{block.date} {block.period}: {[a.person_id for a in block.assignments]}")
    return lines


def block_staff(db: Session, block_id: int) -> list[int]:
    """InvalidRequestError: .one() as well, even for a single block."""
    stmt = select(Block).options(joinedload(Block.assignments)).where(Block.id == block_id)
    block = db.scalars(stmt).one()  # expect: RPL306
    return [a.person_id for a in block.assignments]


def first_block_from(db: Session, start: dt.date) -> Block | None:
    """Right: .first() takes the first row and needs no .unique()."""
    stmt = (
        select(Block)
        .options(joinedload(Block.assignments))
        .where(Block.date >= start)
        .order_by(Block.date, Block.period)
    )
    return db.scalars(stmt).first()  # ok: RPL306


def block_with_staff(db: Session, block_id: int) -> Block | None:
    """Right: Session.scalar() returns the first row."""
    stmt = select(Block).options(joinedload(Block.assignments)).where(Block.id == block_id)
    return db.scalar(stmt)  # ok: RPL306


def block_with_staff_result(db: Session, block_id: int) -> Block | None:
    """Right: Result.scalar() returns the first row too."""
    stmt = select(Block).options(joinedload(Block.assignments)).where(Block.id == block_id)
    return db.execute(stmt).scalar()  # ok: RPL306


def staffing_sheet_legacy(db: Session, start: dt.date, end: dt.date) -> dict[int, list[int]]:
    """Right for RPL306: the legacy Query de-duplicates joined-eager rows itself."""
    blocks = (
        db.query(Block)  # expect: RPL404
        .options(joinedload(Block.assignments))
        .filter(Block.date.between(start, end))
        .order_by(Block.date, Block.period)
        .all()  # ok: RPL306
    )
    return {b.id: [a.person_id for a in b.assignments] for b in blocks}


def staffing_sheet_selectin(db: Session, start: dt.date, end: dt.date) -> dict[int, list[int]]:
    """Right: selectinload loads the collection with a second SELECT; no repeated rows."""
    stmt = (
        select(Block)
        .options(selectinload(Block.assignments))
        .where(Block.date.between(start, end))
        .order_by(Block.date, Block.period)
    )
    blocks = db.scalars(stmt).all()  # ok: RPL306
    return {b.id: [a.person_id for a in b.assignments] for b in blocks}


def block_roster_joined(db: Session, block_id: int) -> list[str]:
    """Right: joinedload of a many-to-one (Assignment.person) never repeats a row."""
    stmt = (
        select(Assignment)
        .options(joinedload(Assignment.person))
        .where(Assignment.block_id == block_id)
        .order_by(Assignment.id)
    )
    assignments = db.scalars(stmt).all()  # ok: RPL306
    return [a.person.name for a in assignments]


async def staffing_sheet_async(db: AsyncSession, start: dt.date, end: dt.date) -> dict[int, list[int]]:
    """InvalidRequestError on an AsyncSession alike."""
    stmt = (
        select(Block)
        .options(joinedload(Block.assignments))
        .where(Block.date.between(start, end))
        .order_by(Block.date, Block.period)
    )
    blocks = (await db.scalars(stmt)).all()  # expect: RPL306
    return {b.id: [a.person_id for a in b.assignments] for b in blocks}


async def staffing_sheet_async_unique(db: AsyncSession, start: dt.date, end: dt.date) -> dict[int, list[int]]:
    """Right: .unique() on the async result."""
    stmt = (
        select(Block)
        .options(joinedload(Block.assignments))
        .where(Block.date.between(start, end))
        .order_by(Block.date, Block.period)
    )
    blocks = (await db.scalars(stmt)).unique().all()  # ok: RPL306
    return {b.id: [a.person_id for a in b.assignments] for b in blocks}
