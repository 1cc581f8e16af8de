"""Data-layer functions that hand their statement to a generic windowing helper."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from notes.batching import in_windows
from notes.models import Note, User


def list_notes_for_export(db: Session) -> Iterator[Note]:  # expect: RPL304
    """Wrong for its callers: `notes.exports.note_lines` reads `Note.owner` of each
    row; the rows are this function's (it built the statement), not the helper's."""
    return in_windows(db, select(Note), Note.id)


def list_users_for_export(db: Session) -> Iterator[User]:  # ok: RPL304
    """Right: the statement it hands over loads what its callers read."""
    return in_windows(db, select(User).options(selectinload(User.notes)), User.id)
