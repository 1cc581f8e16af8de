"""advanced-alchemy advanced_alchemy/repository/_sync.py:1309, RPL201
(`self.session.rollback()` on a row-count mismatch).

Shape: a repository holding the caller's session selects the rows matching a filter,
bulk-deletes them, and when the DELETE's row count differs from the rows fetched it
rolls back the whole session and raises. Here a trigger that keeps locked rows makes
the counts differ. The caller, who had flushed an unrelated row, catches the error
and commits: its row is gone. Fix: the repository runs its delete in a SAVEPOINT
(`begin_nested`) and rolls back only that. Measured: caller rows that survive.
"""

from __future__ import annotations

import contextlib

from sqlalchemy import Engine, delete, event, func, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from ._common import Result, memory_engine


class Base(DeclarativeBase):
    pass


class Ticket(Base):
    __tablename__ = "ticket"
    id: Mapped[int] = mapped_column(primary_key=True)
    closed: Mapped[bool]
    locked: Mapped[bool]


class AuditRow(Base):
    __tablename__ = "audit_row"
    id: Mapped[int] = mapped_column(primary_key=True)
    what: Mapped[str]


class CountMismatch(Exception):
    """The DELETE touched fewer rows than were fetched."""


class TicketRepository:
    def __init__(self, session: Session, savepoint: bool) -> None:
        self.session = session
        self.savepoint = savepoint

    def _delete_closed(self) -> list[Ticket]:
        fetched = list(self.session.scalars(select(Ticket).where(Ticket.closed)))
        result = self.session.execute(delete(Ticket).where(Ticket.closed))
        if result.rowcount != len(fetched):  # type: ignore[attr-defined]
            raise CountMismatch
        return fetched

    def delete_closed(self) -> list[Ticket]:
        if self.savepoint:
            with self.session.begin_nested():  # rolled back alone on the error
                return self._delete_closed()
        try:
            return self._delete_closed()
        except CountMismatch:
            self.session.rollback()
            raise


def _sqlite_savepoints(engine: Engine) -> None:
    """Let SAVEPOINT work on pysqlite: SQLAlchemy emits BEGIN itself."""

    @event.listens_for(engine, "connect")
    def no_driver_begin(dbapi_connection: object, record: object) -> None:
        dbapi_connection.isolation_level = None  # type: ignore[attr-defined]

    @event.listens_for(engine, "begin")
    def begin(conn: object) -> None:
        conn.exec_driver_sql("BEGIN")  # type: ignore[attr-defined]


def _caller_rows_kept(savepoint: bool) -> int:
    engine = memory_engine()
    _sqlite_savepoints(engine)
    Base.metadata.create_all(engine)
    with Session(engine) as db:
        db.execute(
            text(
                "CREATE TRIGGER keep_locked BEFORE DELETE ON ticket WHEN old.locked "
                "BEGIN SELECT RAISE(IGNORE); END"
            )
        )
        db.add_all(Ticket(closed=True, locked=i == 0) for i in range(3))
        db.commit()
        db.add(AuditRow(what="caller's own work"))
        db.flush()
        with contextlib.suppress(CountMismatch):  # the caller handles the error
            TicketRepository(db, savepoint).delete_closed()
        db.commit()
        return db.scalar(select(func.count()).select_from(AuditRow)) or 0


def run() -> Result:
    bad, good = _caller_rows_kept(False), _caller_rows_kept(True)
    return Result(
        label="advanced-alchemy advanced_alchemy/repository/_sync.py:1309",
        rule="RPL201",
        measure="caller's unrelated flushed rows kept (of 1)",
        bad=bad,
        good=good,
        confirmed=bad == 0 and good == 1,
    )
