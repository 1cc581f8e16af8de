"""apache-airflow-core airflow/api_fastapi/core_api/security.py:463, RPL101
(`dag_id = session.scalar(select(Backfill.dag_id).where(...))`).

Shape: an `async def` authorization dependency receives a sync Session and runs
`session.scalar(select(...))` directly: the SELECT runs on the event-loop thread and
nothing else on the loop runs until it returns. Fix: run the same call in a worker
thread (`run_in_threadpool`, here `asyncio.to_thread`). Every SELECT is made to take
SLOW_SECONDS; measured: the longest stall of a 5 ms ticker on the loop, in seconds.
"""

from __future__ import annotations

import asyncio
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from ._common import Result, loop_stall, memory_engine, slow_selects, stall_result


class Base(DeclarativeBase):
    pass


class Replay(Base):
    __tablename__ = "replay"
    id: Mapped[int] = mapped_column(primary_key=True)
    pipeline: Mapped[str]


def _allowed(pipeline: str | None) -> bool:
    return pipeline == "nightly"


async def guard_blocking(db: Session, replay_id: int) -> bool:
    return _allowed(db.scalar(select(Replay.pipeline).where(Replay.id == replay_id)))


async def guard_offloaded(db: Session, replay_id: int) -> bool:
    stmt = select(Replay.pipeline).where(Replay.id == replay_id)
    return _allowed(await asyncio.to_thread(db.scalar, stmt))


def run() -> Result:
    engine = memory_engine()
    slow_selects(engine)
    Base.metadata.create_all(engine)
    with Session(engine) as db:
        db.add(Replay(id=1, pipeline="nightly"))
        db.commit()
    stalls = []
    for guard in (guard_blocking, guard_offloaded):
        with Session(engine) as db:
            allowed, stall = loop_stall(partial(guard, db, 1))
        assert allowed
        stalls.append(round(stall, 3))
    bad, good = stalls
    return stall_result(
        "apache-airflow-core airflow/api_fastapi/core_api/security.py:463", "RPL101", bad, good
    )
