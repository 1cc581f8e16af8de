"""A base repository whose helper runs whatever statement its subclasses build."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from notes.models import Note


class BaseRepo:
    def __init__(self, db: Session):
        self.db = db

    def _all(self, stmt):
        """No annotation: it returns the rows of the statement it is given."""
        return list(self.db.scalars(stmt))


class NoteRepo(BaseRepo):
    def notes_with_owner(self):
        return self._all(select(Note).options(selectinload(Note.owner)))

    def notes(self):
        return self._all(select(Note).order_by(Note.id))
