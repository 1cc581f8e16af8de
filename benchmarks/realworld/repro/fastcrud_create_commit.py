"""fastcrud fastcrud/crud/fast_crud.py:753, RPL201 (`await db.commit()` in `create`).

Shape (AsyncSession): a generic CRUD class's `create(db, obj, commit=True)` commits
the session it receives by default. A caller creating two rows that must go together
sees the second fail (a unique constraint); its rollback cannot take back the first,
already committed. Fix: `commit=False` (flush) and one commit by the caller.
Measured: rows left after the caller's rollback.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ._common import Result, async_memory_engine


class Base(DeclarativeBase):
    pass


class Slug(Base):
    __tablename__ = "slug"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(unique=True)


class GenericCrud:
    """The data layer: one model, the session passed to every call."""

    async def create(self, db: AsyncSession, text: str, commit: bool = True) -> Slug:
        row = Slug(text=text)
        db.add(row)
        if commit:
            await db.commit()
        else:
            await db.flush()
        await db.refresh(row)
        return row


async def _rows_left(commit: bool) -> int:
    engine = async_memory_engine()
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    async with AsyncSession(engine) as db:
        db.add(Slug(text="taken"))
        await db.commit()
        crud = GenericCrud()
        try:
            await crud.create(db, "fresh", commit=commit)
            await crud.create(db, "taken", commit=commit)
        except IntegrityError:
            await db.rollback()
        left = await db.scalar(select(func.count()).select_from(Slug).where(Slug.text == "fresh"))
    await engine.dispose()
    return left or 0


def run() -> Result:
    bad, good = asyncio.run(_rows_left(True)), asyncio.run(_rows_left(False))
    return Result(
        label="fastcrud fastcrud/crud/fast_crud.py:753",
        rule="RPL201",
        measure="half-done rows left after the caller's rollback",
        bad=bad,
        good=good,
        confirmed=bad == 1 and good == 0,
    )
