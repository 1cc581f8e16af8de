"""Reports over the repositories' rows."""

from __future__ import annotations

from sqlalchemy.orm import Session

from notes.repos.base import NoteRepo
from notes.models import Note
from notes.repos.queries import (
    list_notes,
    list_notes_with_relations,
    list_owners,
    list_recent_notes,
    list_users,
)


def owner_emails(db: Session) -> list[str]:
    return [note.owner.email for note in NoteRepo(db).notes()]  # expect: RPL301


def owner_emails_eager(db: Session) -> list[str]:
    return [note.owner.email for note in NoteRepo(db).notes_with_owner()]  # ok: RPL301


def note_counts(db: Session) -> dict[int, int]:
    """Wrong: one SELECT of notes per user (rows from `list_users()`)."""
    return {user.id: len(user.notes) for user in list_users(db)}  # expect: RPL301


def note_count_owners(db: Session) -> dict[int, int]:
    """Right: `list_owners()` loads the notes with the users."""
    return {user.id: len(user.notes) for user in list_owners(db)}


def owner_ids(db: Session) -> list[int]:
    """Right: the eager twin loads each note's owner."""
    return [note.owner.id for note in list_notes_with_relations(db)]


def note_titles(db: Session) -> list[str]:
    """Right: only columns of the plain rows are read."""
    return [note.title for note in list_notes(db)]


def _author(note: Note) -> str:
    return note.owner.email


def recent_authors(db: Session) -> list[str]:
    """Wrong: `_author` loads each note's owner (rows from `list_recent_notes()`)."""
    return [_author(note) for note in list_recent_notes(db)]  # expect: RPL301
