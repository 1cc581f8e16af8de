"""fittrackee fittrackee/comments/comments.py:301, RPL301
(`comment.serialize(auth_user) for comment in comments`).

Shape: the comments of a workout come from a textual SELECT mapped onto the model,
with no loader options; serializing each comment reads its lazy many-to-one author,
one SELECT per comment written by a different user. Fix: the same textual statement
with `selectinload` of the author.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, select, text
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    selectinload,
)

from ._common import Result, memory_engine, statements_lazy_and_eager

N_COMMENTS = 10


class Base(DeclarativeBase):
    pass


class Athlete(Base):
    __tablename__ = "athlete"
    id: Mapped[int] = mapped_column(primary_key=True)
    handle: Mapped[str]


class Remark(Base):
    __tablename__ = "remark"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int]
    body: Mapped[str]
    author_id: Mapped[int] = mapped_column(ForeignKey("athlete.id"))
    author: Mapped[Athlete] = relationship()

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "body": self.body, "author": self.author.handle}


def _list_remarks(db: Session, eager: bool) -> list[dict[str, Any]]:
    raw = text("SELECT * FROM remark WHERE session_id = :sid ORDER BY id").bindparams(sid=1)
    query = select(Remark).from_statement(raw)
    if eager:
        query = query.options(selectinload(Remark.author))
    return [remark.to_dict() for remark in db.scalars(query)]


def run() -> Result:
    engine = memory_engine()
    Base.metadata.create_all(engine)
    with Session(engine) as db:
        db.add_all(
            Remark(session_id=1, body=f"nice {i}", author=Athlete(handle=f"a{i}"))
            for i in range(N_COMMENTS)
        )
        db.commit()
    bad, good = statements_lazy_and_eager(engine, _list_remarks, N_COMMENTS)
    return Result(
        label="fittrackee fittrackee/comments/comments.py:301",
        rule="RPL301",
        measure=f"SELECTs for {N_COMMENTS} comments by distinct users",
        bad=bad,
        good=good,
        confirmed=bad == 1 + N_COMMENTS and good == 2,
    )
