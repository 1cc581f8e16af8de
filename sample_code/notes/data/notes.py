"""A DAO named `*Table` whose methods open their own session with `with get_db()`."""

from __future__ import annotations

from sqlalchemy import func, select

from notes.db import SessionLocal, get_db
from notes.models import Note

__all__ = ["Notes", "NotesTable", "count_notes"]


class NotesTable:
    def get_notes(self) -> list[Note]:
        with get_db() as db:
            return list(db.scalars(select(Note).order_by(Note.id)))

    def get_note(self, note_id: int) -> Note | None:
        with get_db() as db:
            return db.get(Note, note_id)


Notes = NotesTable()


def count_notes(db: SessionLocal) -> int:
    """The annotation names the sessionmaker instance: `db` is a sync Session."""
    return db.scalar(select(func.count(Note.id)))
