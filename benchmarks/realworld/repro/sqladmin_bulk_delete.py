"""sqladmin sqladmin/application.py:757, RPL303
(`model = await model_view.get_object_for_delete(pk)`).

Shape (AsyncSession): a bulk-delete route loops over the primary keys of the request
and loads each object with its own SELECT before deleting it. Fix: one
`WHERE id IN (...)` SELECT for all the keys. Only SELECTs are counted.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ._common import Result, async_memory_engine, statements

N_ROWS = 6


class Base(DeclarativeBase):
    pass


class Gadget(Base):
    __tablename__ = "gadget"
    id: Mapped[int] = mapped_column(primary_key=True)


async def _delete(db: AsyncSession, pks: list[int], batched: bool) -> None:
    if batched:
        found = (await db.scalars(select(Gadget).where(Gadget.id.in_(pks)))).all()
        if len(found) != len(pks):
            raise LookupError("object not found")
        for obj in found:
            await db.delete(obj)
    else:
        for pk in pks:
            one = await db.get(Gadget, pk)
            if one is None:
                raise LookupError("object not found")
            await db.delete(one)
    await db.commit()


async def _measure(batched: bool) -> int:
    engine = async_memory_engine()
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    async with AsyncSession(engine) as db:
        db.add_all(Gadget() for _ in range(N_ROWS + 2))
        await db.commit()
    async with AsyncSession(engine) as db:
        with statements(engine, "SELECT") as seen:
            await _delete(db, list(range(1, N_ROWS + 1)), batched)
        left = len((await db.scalars(select(Gadget))).all())
    await engine.dispose()
    assert left == 2
    return len(seen)


def run() -> Result:
    bad, good = asyncio.run(_measure(False)), asyncio.run(_measure(True))
    return Result(
        label="sqladmin sqladmin/application.py:757",
        rule="RPL303",
        measure=f"SELECTs to delete {N_ROWS} selected rows",
        bad=bad,
        good=good,
        confirmed=bad == N_ROWS and good == 1,
    )
