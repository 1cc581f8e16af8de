"""prefect prefect/server/services/db_vacuum.py:556, RPL303
(`await session.execute(sa.select(db.Artifact)...order_by(...).limit(1))`).

Shape (AsyncSession): a maintenance pass selects a batch of stale collection rows and,
for each, runs a SELECT of the newest remaining artifact with that key before
re-pointing the row. Fix: one SELECT of the newest artifact per key for the whole
batch (a window function). Only SELECTs are counted; both variants write the same.
"""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ._common import Result, async_memory_engine, statements

N_STALE = 5


class Base(DeclarativeBase):
    pass


class Blob(Base):
    __tablename__ = "blob"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str]
    created: Mapped[int]


class BlobIndex(Base):
    __tablename__ = "blob_index"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str]
    latest_id: Mapped[int]


async def _reconcile(db: AsyncSession, batched: bool) -> int:
    stale = ~sa.exists().where(Blob.id == BlobIndex.latest_id)
    rows = (await db.execute(sa.select(BlobIndex.id, BlobIndex.key).where(stale))).all()
    if batched:
        ranked = sa.select(
            Blob.id,
            Blob.key,
            sa.func.row_number()
            .over(partition_by=Blob.key, order_by=Blob.created.desc())
            .label("rank"),
        ).where(Blob.key.in_([key for _, key in rows]))
        sub = ranked.subquery()
        newest = dict(
            (await db.execute(sa.select(sub.c.key, sub.c.id).where(sub.c.rank == 1))).all()
        )
    else:
        newest = {}
        for _, key in rows:
            blob = (
                await db.execute(
                    sa.select(Blob).where(Blob.key == key).order_by(Blob.created.desc()).limit(1)
                )
            ).scalar_one_or_none()
            if blob is not None:
                newest[key] = blob.id
    for row_id, key in rows:
        await db.execute(
            sa.update(BlobIndex).where(BlobIndex.id == row_id).values(latest_id=newest[key])
        )
    await db.commit()
    return len(rows)


async def _measure(batched: bool) -> int:
    engine = async_memory_engine()
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    async with AsyncSession(engine) as db:
        for i in range(N_STALE):
            db.add_all(Blob(id=10 * i + v, key=f"k{i}", created=v) for v in (1, 2))
            db.add(BlobIndex(key=f"k{i}", latest_id=10 * i + 3))  # version 3 was deleted
        await db.commit()
        with statements(engine, "SELECT") as seen:
            assert await _reconcile(db, batched) == N_STALE
        latest = (await db.scalars(sa.select(BlobIndex.latest_id))).all()
    await engine.dispose()
    assert sorted(latest) == [10 * i + 2 for i in range(N_STALE)]
    return len(seen)


def run() -> Result:
    bad, good = asyncio.run(_measure(False)), asyncio.run(_measure(True))
    return Result(
        label="prefect prefect/server/services/db_vacuum.py:556",
        rule="RPL303",
        measure=f"SELECTs to reconcile {N_STALE} stale rows",
        bad=bad,
        good=good,
        confirmed=bad == 1 + N_STALE and good == 2,
    )
