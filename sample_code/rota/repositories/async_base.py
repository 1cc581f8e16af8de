"""Generic async repository (the migration target for every repository)."""

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from rota.models import Base

ModelType = TypeVar("ModelType", bound=Base)


class AsyncBaseRepository(Generic[ModelType]):  # ok: RPL304
    """Async CRUD for one model; subclasses pass their model to __init__.
    Generic: it has no concrete model of its own."""

    def __init__(self, model: type[ModelType], db: AsyncSession):
        self.model = model
        self.db = db

    async def get_by_id(self, id: int) -> ModelType | None:
        """Fetch by primary key (no relationships loaded)."""
        stmt = select(self.model).where(self.model.id == id)
        result = await self.db.execute(stmt)
        return result.scalar_one_or_none()

    async def get_all(self, limit: int | None = None, offset: int | None = None) -> Sequence[ModelType]:
        """All rows in primary-key order, optionally one page of them."""
        stmt = select(self.model).order_by(self.model.id)
        if offset:
            stmt = stmt.offset(offset)  # ok: RPL401
        if limit:
            stmt = stmt.limit(limit)
        result = await self.db.execute(stmt)
        return result.scalars().all()

    async def create(self, **kwargs: Any) -> ModelType:
        """Stage a new row and flush it to get its id."""
        db_obj = self.model(**kwargs)
        self.db.add(db_obj)
        await self.db.flush()
        return db_obj

    async def update(self, db_obj: ModelType, **kwargs: Any) -> ModelType:
        """Set attributes and flush."""
        for key, value in kwargs.items():
            setattr(db_obj, key, value)
        await self.db.flush()
        return db_obj

    async def delete(self, db_obj: ModelType) -> None:
        """Delete a row (cascades apply)."""
        await self.db.delete(db_obj)
        await self.db.flush()

    async def commit(self) -> None:
        """Commit, for callers that own the transaction."""
        await self.db.commit()  # ok: RPL201

    async def rollback(self) -> None:
        """Roll back, for callers that own the transaction."""
        await self.db.rollback()  # ok: RPL201

    async def list_paginated(self, page: int = 1, page_size: int = 50, order_by: Any = None) -> Sequence[ModelType]:
        """The guide's PATTERN 4, kept as it was (but for `is not None`: a column
        has no truth value): ordered only when the caller passes `order_by`, so
        by default the pages come in whatever order the database picks."""
        stmt = select(self.model)
        if order_by is not None:
            stmt = stmt.order_by(order_by)
        stmt = stmt.offset((page - 1) * page_size).limit(page_size)  # expect: RPL401
        result = await self.db.execute(stmt)
        return result.scalars().all()

    async def bulk_update(self, updates: list[tuple[int, dict[str, Any]]]) -> int:
        """The guide's bulk update, kept as it was: one UPDATE per row, N round trips."""
        count = 0
        for obj_id, update_dict in updates:
            stmt = update(self.model).where(self.model.id == obj_id).values(**update_dict)
            result = await self.db.execute(stmt)  # expect: RPL303
            count += result.rowcount
        return count

    async def bulk_delete(self, ids: list[int]) -> int:
        """Right (the guide's bulk delete): one DELETE for every id, through in_()."""
        stmt = delete(self.model).where(self.model.id.in_(ids))
        result = await self.db.execute(stmt)  # ok: RPL303
        return result.rowcount

    async def count(self) -> int:
        """Number of rows."""
        stmt = select(func.count()).select_from(self.model)
        return await self.db.scalar(stmt) or 0
