"""flaskbb flaskbb/user/models.py:307, RPL401 (`.paginate(page, per_page, False)` with no
order_by).

Shape: a user's topics are filtered by author and paged with LIMIT/OFFSET, never
ordered. SQLite then returns them in the order of the index it uses for the filter,
here (author_id, last_post_at): by activity, not by id. A reply to a topic on page 1
before page 2 is read moves that topic to the end: page 2 repeats it and one topic is
never shown. Fix: `order_by(Topic.id)`. Measured: topics repeated plus topics
skipped over both pages.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Engine, Index, select, text, update
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from ._common import Result, memory_engine

N_TOPICS = 10
PER_PAGE = 5


class Base(DeclarativeBase):
    pass


class Thread(Base):
    __tablename__ = "thread"
    __table_args__ = (Index("ix_thread_author_activity", "author_id", "last_post_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int]
    last_post_at: Mapped[int]
    title: Mapped[str] = mapped_column(default="")


def _page(db: Session, page: int, ordered: bool) -> list[int]:
    query = select(Thread).where(Thread.author_id == 1)
    if ordered:
        query = query.order_by(Thread.id)
    rows = db.scalars(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE))
    return [row.id for row in rows]


def plan(engine: Engine) -> str:
    """SQLite's plan for the unordered page query."""
    with engine.connect() as conn:
        rows = conn.execute(
            text("EXPLAIN QUERY PLAN SELECT * FROM thread WHERE author_id = 1 LIMIT 5 OFFSET 5")
        )
        return " ".join(str(row[-1]) for row in rows)


def _misses(ordered: bool) -> int:
    engine = memory_engine()
    Base.metadata.create_all(engine)
    with Session(engine) as db:
        # ids 1..10 with activity out of id order: the index order is 10, 3, 6, 9, 2, ...
        db.add_all(Thread(id=i, author_id=1, last_post_at=(7 * i) % N_TOPICS) for i in range(1, 11))
        db.add(Thread(id=99, author_id=2, last_post_at=0))
        db.commit()
        first = _page(db, 1, ordered)
        db.execute(update(Thread).where(Thread.id == first[0]).values(last_post_at=100))
        db.commit()  # someone replied to a topic shown on page 1
        second = _page(db, 2, ordered)
    seen = Counter(first + second)
    repeated = sum(n - 1 for n in seen.values())
    skipped = N_TOPICS - len(seen)
    return repeated + skipped


def run() -> Result:
    bad, good = _misses(False), _misses(True)
    return Result(
        label="flaskbb flaskbb/user/models.py:307",
        rule="RPL401",
        measure=f"topics repeated + skipped over 2 pages of {PER_PAGE}",
        bad=bad,
        good=good,
        confirmed=bad == 2 and good == 0,
    )
