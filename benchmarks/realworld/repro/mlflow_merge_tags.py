"""mlflow mlflow/store/tracking/sqlalchemy_store.py:2158, RPL303
(`session.merge(SqlTraceTag(request_id=request_id, key=k, value=v))`).

Shape: ending a trace merges each tag of the request into the session; `merge` of a
fresh instance looks its primary key up first, one SELECT per tag. Fix: one SELECT
of the trace's existing tags, then update those and add the new ones.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from ._common import Result, memory_engine, statements

N_TAGS = 8


class Base(DeclarativeBase):
    pass


class Span(Base):
    __tablename__ = "span"
    id: Mapped[str] = mapped_column(primary_key=True)


class SpanLabel(Base):
    __tablename__ = "span_label"
    span_id: Mapped[str] = mapped_column(ForeignKey("span.id"), primary_key=True)
    key: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[str]


def _save_labels(db: Session, span_id: str, labels: dict[str, str], batched: bool) -> None:
    if batched:
        existing = {
            row.key: row
            for row in db.scalars(select(SpanLabel).where(SpanLabel.span_id == span_id))
        }
        for key, value in labels.items():
            if key in existing:
                existing[key].value = value
            else:
                db.add(SpanLabel(span_id=span_id, key=key, value=value))
    else:
        for key, value in labels.items():
            db.merge(SpanLabel(span_id=span_id, key=key, value=value))
    db.commit()


def run() -> Result:
    counts = []
    labels = {f"k{i}": "new" for i in range(N_TAGS)}
    for batched in (False, True):
        engine = memory_engine()
        Base.metadata.create_all(engine)
        with Session(engine) as db:
            db.add(Span(id="t1"))
            db.add_all(SpanLabel(span_id="t1", key=f"k{i}", value="old") for i in range(3))
            db.commit()
        with Session(engine) as db:
            with statements(engine, "SELECT") as seen:
                _save_labels(db, "t1", labels, batched)
            values = db.scalars(select(SpanLabel.value)).all()
            assert list(values) == ["new"] * N_TAGS
        counts.append(len(seen))
    bad, good = counts
    return Result(
        label="mlflow mlflow/store/tracking/sqlalchemy_store.py:2158",
        rule="RPL303",
        measure=f"SELECTs to save {N_TAGS} tags (3 existing)",
        bad=bad,
        good=good,
        confirmed=bad == N_TAGS and good == 1,
    )
