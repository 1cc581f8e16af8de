"""Export jobs reading the rows of the windowed data-layer functions."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.orm import Session

from notes.repos.exports import list_notes_for_export, list_users_for_export


def note_lines(db: Session) -> Iterator[str]:
    for note in list_notes_for_export(db):
        yield f"{note.title} by {note.owner.email}"  # expect: RPL301


def user_lines(db: Session) -> Iterator[str]:
    for user in list_users_for_export(db):
        yield f"{user.email}: {len(user.notes)} notes"  # ok: RPL301
