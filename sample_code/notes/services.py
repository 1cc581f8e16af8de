"""Reports over the repositories' rows."""

from __future__ import annotations

from sqlalchemy.orm import Session

from notes.repos.base import NoteRepo


def owner_emails(db: Session) -> list[str]:
    return [note.owner.email for note in NoteRepo(db).notes()]  # expect: RPL301


def owner_emails_eager(db: Session) -> list[str]:
    return [note.owner.email for note in NoteRepo(db).notes_with_owner()]  # ok: RPL301
