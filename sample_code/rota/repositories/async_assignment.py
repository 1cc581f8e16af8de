"""Async assignment repository with eager-loading variants."""

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager, selectinload

from rota.models import Assignment, Block
from rota.repositories.async_base import AsyncBaseRepository
from rota.repositories.exceptions import RecordNotFoundError


class AsyncAssignmentRepository(AsyncBaseRepository[Assignment]):  # ok: RPL304
    """Right: the inherited get_by_id() and list_for_block() each have a
    `_with_relations` twin."""

    def __init__(self, db: AsyncSession):
        super().__init__(Assignment, db)

    async def get_by_id_with_relations(self, id: int) -> Assignment | None:  # ok: RPL305
        """An assignment with its block, person and rotation template."""
        stmt = (
            select(Assignment)
            .options(
                selectinload(Assignment.block),
                selectinload(Assignment.person),
                selectinload(Assignment.rotation_template),
            )
            .where(Assignment.id == id)
        )
        result = await self.db.execute(stmt)
        return result.scalar_one_or_none()

    async def list_for_block(self, block_id: int) -> Sequence[Assignment]:
        """A block's assignments (no relationships loaded)."""
        stmt = select(Assignment).where(Assignment.block_id == block_id).order_by(Assignment.id)
        result = await self.db.scalars(stmt)
        return result.all()

    async def list_for_block_with_relations(self, block_id: int) -> Sequence[Assignment]:  # ok: RPL305
        """A block's assignments; the block comes from the join itself
        (contains_eager), person and template by selectinload."""
        stmt = (
            select(Assignment)
            .join(Assignment.block)
            .options(
                contains_eager(Assignment.block),
                selectinload(Assignment.person),
                selectinload(Assignment.rotation_template),
            )
            .where(Assignment.block_id == block_id)
            .order_by(Assignment.id)
        )
        result = await self.db.scalars(stmt)
        return result.all()

    async def get_or_raise(self, id: int) -> Assignment:
        """Get an assignment or raise RecordNotFoundError."""
        assignment = await self.get_by_id(id)
        if assignment is None:
            raise RecordNotFoundError("Assignment", id)
        return assignment

    async def list_with_filters(
        self,
        person_id: int | None = None,
        block_id: int | None = None,
        start_date: dt.date | None = None,
        end_date: dt.date | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> tuple[Sequence[Assignment], int]:
        """The guide's version, kept as it was (but for its count, which used the
        removed `Select.froms`): the date filters name Block, which is never joined
        (selectinload does not join), so every assignment pairs with every block
        in range: a cartesian product, and a total several times too large."""
        stmt = select(Assignment).options(  # expect: RPL402
            selectinload(Assignment.block),
            selectinload(Assignment.person),
        )
        if person_id:
            stmt = stmt.where(Assignment.person_id == person_id)
        if block_id:
            stmt = stmt.where(Assignment.block_id == block_id)
        if start_date:
            stmt = stmt.where(Block.date >= start_date)
        if end_date:
            stmt = stmt.where(Block.date <= end_date)

        total = await self.db.scalar(select(func.count()).select_from(stmt.subquery())) or 0

        stmt = stmt.order_by(Assignment.created_at.desc())
        if offset:
            stmt = stmt.offset(offset)  # ok: RPL401
        if limit:
            stmt = stmt.limit(limit)
        result = await self.db.execute(stmt)
        assignments = result.unique().scalars().all()
        return assignments, total

    async def list_with_filters_joined(
        self,
        person_id: int | None = None,
        start_date: dt.date | None = None,
        end_date: dt.date | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> tuple[Sequence[Assignment], int]:
        """Right: Block is joined for the date filters (and fills Assignment.block)."""
        stmt = (
            select(Assignment)  # ok: RPL402
            .join(Assignment.block)
            .options(contains_eager(Assignment.block), selectinload(Assignment.person))
        )
        if person_id:
            stmt = stmt.where(Assignment.person_id == person_id)
        if start_date:
            stmt = stmt.where(Block.date >= start_date)
        if end_date:
            stmt = stmt.where(Block.date <= end_date)

        total = await self.db.scalar(select(func.count()).select_from(stmt.subquery())) or 0

        stmt = stmt.order_by(Block.date, Assignment.id)
        if offset:
            stmt = stmt.offset(offset)  # ok: RPL401
        if limit:
            stmt = stmt.limit(limit)
        assignments = (await self.db.scalars(stmt)).all()
        return assignments, total

    async def get_assignments_for_date(self, day: dt.date) -> Sequence[Assignment]:
        """Right (the guide's PATTERN 1): the criterion Assignment.block_id == Block.id
        correlates Block to the selected Assignment (an implicit inner join)."""
        stmt = select(Assignment).where(Assignment.block_id == Block.id, Block.date == day)  # ok: RPL402
        result = await self.db.execute(stmt)
        return result.scalars().all()

    async def list_for_person_page(
        self, person_id: int, page: int, size: int = 20
    ) -> tuple[Sequence[Assignment], int]:
        """Wrong: the count needs no ORDER BY and drops it with order_by(None);
        the page query was copied from the count and drops it too."""
        base = select(Assignment).where(Assignment.person_id == person_id).order_by(Assignment.block_id)
        count_stmt = select(func.count()).select_from(base.order_by(None).subquery())  # ok: RPL401
        total = await self.db.scalar(count_stmt) or 0
        page_stmt = base.order_by(None).offset((page - 1) * size).limit(size)  # expect: RPL401
        return (await self.db.scalars(page_stmt)).all(), total
