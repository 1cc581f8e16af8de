"""apache-airflow-core airflow/api_fastapi/execution_api/routes/asset_events.py:63, RPL301
(`created_dagruns=event.created_dagruns`).

Shape: a route selects events joined to their asset (ordered, no loader options) and
builds one response item per event, reading the event's lazy many-to-one asset and
its lazy many-to-many collection of runs. The join does not populate the asset, and
each event's collection is one more SELECT. Fix: `contains_eager` for the joined
asset, `selectinload` for the collection.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, ForeignKey, Table, select
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    contains_eager,
    mapped_column,
    relationship,
    selectinload,
)

from ._common import Result, memory_engine, statements_lazy_and_eager

N_EVENTS = 10


class Base(DeclarativeBase):
    pass


event_runs = Table(
    "event_runs",
    Base.metadata,
    Column("event_id", ForeignKey("signal_event.id"), primary_key=True),
    Column("run_id", ForeignKey("pipeline_run.id"), primary_key=True),
)


class Signal(Base):
    __tablename__ = "signal"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class PipelineRun(Base):
    __tablename__ = "pipeline_run"
    id: Mapped[int] = mapped_column(primary_key=True)


class SignalEvent(Base):
    __tablename__ = "signal_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    stamp: Mapped[int]
    signal_id: Mapped[int] = mapped_column(ForeignKey("signal.id"))
    signal: Mapped[Signal] = relationship()
    runs: Mapped[list[PipelineRun]] = relationship(secondary=event_runs)


def _respond(db: Session, eager: bool) -> list[dict[str, Any]]:
    query = select(SignalEvent).join(SignalEvent.signal).where(Signal.name == "daily")
    if eager:
        query = query.options(contains_eager(SignalEvent.signal), selectinload(SignalEvent.runs))
    events = db.scalars(query.order_by(SignalEvent.stamp)).unique()
    return [{"id": e.id, "signal": e.signal.name, "runs": [r.id for r in e.runs]} for e in events]


def run() -> Result:
    engine = memory_engine()
    Base.metadata.create_all(engine)
    with Session(engine) as db:
        signal = Signal(name="daily")
        db.add_all(
            SignalEvent(stamp=i, signal=signal, runs=[PipelineRun()]) for i in range(N_EVENTS)
        )
        db.commit()
    bad, good = statements_lazy_and_eager(engine, _respond, N_EVENTS)
    return Result(
        label="apache-airflow-core airflow/api_fastapi/execution_api/routes/asset_events.py:63",
        rule="RPL301",
        measure=f"SELECTs for {N_EVENTS} events of one asset",
        bad=bad,
        good=good,
        confirmed=bad == 2 + N_EVENTS and good == 2,
    )
