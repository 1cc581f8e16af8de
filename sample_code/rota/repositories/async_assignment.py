"""Async assignment repository with eager-loading variants."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager, selectinload

from rota.models import Assignment
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
