"""Walking a work list of note ids: one lookup per popped id, or a batch per round."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from notes.models import Note


def titles_of(db: Session, ids: list[int]) -> list[str]:
    """Wrong: `while pending: note_id = pending.pop()` is a loop over the ids, and each
    id is looked up on its own."""
    pending = list(ids)
    titles = []
    while pending:
        note_id = pending.pop()
        note = db.get(Note, note_id)  # expect: RPL303
        if note is not None:
            titles.append(note.title)
    return titles


def titles_in_batches(db: Session, ids: list[int], size: int = 100) -> list[str]:
    """Right: each round of the `while` loop fetches a whole batch."""
    remaining = list(ids)
    titles = []
    while remaining:
        batch, remaining = remaining[:size], remaining[size:]
        rows = db.scalars(select(Note).where(Note.id.in_(batch)).order_by(Note.id))  # ok: RPL303
        titles.extend(row.title for row in rows)
    return titles
