"""Sync repository for schedule blocks."""

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.base import ExecutableOption

from rota.models import Block


class BlockRepository:  # ok: RPL304
    """Right: get_by_id() takes loader options from the caller."""

    model = Block

    def __init__(self, db: Session):
        self.db = db

    def get_by_id(self, id: int, options: Sequence[ExecutableOption] = ()) -> Block | None:
        """Fetch a block; pass e.g. `options=[selectinload(Block.assignments)]`."""
        stmt = select(Block).options(*options).where(Block.id == id)
        return self.db.scalars(stmt).first()

    def list_between(self, start: dt.date, end: dt.date) -> Sequence[Block]:
        """Blocks in a date range, in schedule order."""
        stmt = select(Block).where(Block.date.between(start, end)).order_by(Block.date, Block.period)
        return self.db.scalars(stmt).all()

    def list_between_with_relations(self, start: dt.date, end: dt.date) -> Sequence[Block]:  # expect: RPL305
        """Wrong: the join only filters (blocks that have assignments); it loads
        nothing, so `block.assignments` is still a lazy load per block."""
        stmt = (
            select(Block)
            .join(Block.assignments)
            .where(Block.date.between(start, end))
            .order_by(Block.date, Block.period)
            .distinct()
        )
        return self.db.scalars(stmt).all()

    def create_if_absent(self, date: dt.date, period: str) -> Block:
        """Insert a block; a duplicate only undoes this savepoint, not the caller's work."""
        savepoint = self.db.begin_nested()
        block = Block(date=date, period=period)
        self.db.add(block)
        try:
            self.db.flush()
        except IntegrityError:
            savepoint.rollback()  # ok: RPL201
            stmt = select(Block).where(Block.date == date, Block.period == period)
            return self.db.scalars(stmt).one()
        savepoint.commit()  # ok: RPL201
        return block
