"""A functional data layer: module-level queries taking the caller's session."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from notes.models import Note, User


def list_users(db: Session) -> list[User]:  # expect: RPL304
    """Wrong for its callers: `notes.services.note_counts` reads `User.notes` of each
    row, and this module offers no way to load them with the users."""
    return list(db.scalars(select(User).order_by(User.id)))


def list_notes(db: Session) -> list[Note]:  # ok: RPL304
    """Right: `list_notes_with_relations` loads the owners for callers that read them."""
    return list(db.scalars(select(Note).order_by(Note.id)))


def list_notes_with_relations(db: Session) -> list[Note]:
    """The eager twin of `list_notes`."""
    return list(db.scalars(select(Note).options(selectinload(Note.owner)).order_by(Note.id)))


def list_owners(db: Session) -> list[User]:  # ok: RPL304
    """Right: the query itself loads what its callers read."""
    return list(db.scalars(select(User).options(selectinload(User.notes)).order_by(User.id)))


def list_recent_notes(db: Session, limit: int = 20) -> list[Note]:  # expect: RPL304
    """Wrong for its callers: `notes.services.recent_authors` hands each row to a
    helper that reads `Note.owner`; nothing here loads it."""
    return list(db.scalars(select(Note).order_by(Note.id.desc()).limit(limit)))
