"""sqladmin sqladmin/models.py:955, RPL102 (`return self._run_arbitrary_query_sync(stmt)`).

Shape: with a sync sessionmaker, an `async def` view method calls its sync helper
directly; the helper opens a session and executes the statement on the event-loop
thread. Its twin method hands the same helper to a worker thread (the fix, here
`asyncio.to_thread`). Every SELECT is made to take SLOW_SECONDS; measured: the
longest stall of a 5 ms ticker on the loop, in seconds.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

from sqlalchemy import Executable, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from ._common import Result, loop_stall, memory_engine, slow_selects, stall_result


class Base(DeclarativeBase):
    pass


class Widget(Base):
    __tablename__ = "widget"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class AdminView:
    def __init__(self, maker: sessionmaker[Session]) -> None:
        self.maker = maker

    def _query_sync(self, stmt: Executable) -> list[Any]:
        with self.maker() as session:
            return list(session.execute(stmt).all())

    async def query_blocking(self, stmt: Executable) -> list[Any]:
        return self._query_sync(stmt)

    async def query_offloaded(self, stmt: Executable) -> list[Any]:
        return await asyncio.to_thread(self._query_sync, stmt)


def run() -> Result:
    engine = memory_engine()
    slow_selects(engine)
    Base.metadata.create_all(engine)
    maker = sessionmaker(engine)
    with maker() as db:
        db.add_all(Widget(name=f"w{i}") for i in range(3))
        db.commit()
    view = AdminView(maker)
    stalls = []
    for method in (view.query_blocking, view.query_offloaded):
        rows, stall = loop_stall(partial(method, select(Widget.name)))
        assert len(rows) == 3
        stalls.append(round(stall, 3))
    bad, good = stalls
    return stall_result("sqladmin sqladmin/models.py:955", "RPL102", bad, good)
