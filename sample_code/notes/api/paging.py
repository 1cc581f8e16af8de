"""A paging helper of our own, shared by routes that build different statements:
whether its `offset()` pages a stable order is decided by what its callers pass."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from notes.models import Note, Tag, User


def page_of(db: Session, stmt, page: int, size: int = 20) -> list:
    """Wrong for one caller: `tag_page` passes an unordered statement."""
    return list(db.scalars(stmt.offset((page - 1) * size).limit(size)))  # expect: RPL401


def ordered_page_of(db: Session, stmt, page: int, size: int = 20) -> list:
    """Right: every caller passes an ordered statement, whatever its model."""
    return list(db.scalars(stmt.offset((page - 1) * size).limit(size)))  # ok: RPL401


def note_page(db: Session, page: int) -> list:
    return page_of(db, select(Note).order_by(Note.id), page)


def tag_page(db: Session, page: int) -> list:
    return page_of(db, select(Tag), page)


def user_page(db: Session, page: int) -> list:
    return ordered_page_of(db, select(User).order_by(User.id), page)


def newest_notes_page(db: Session, page: int) -> list:
    return ordered_page_of(db, select(Note).order_by(Note.id.desc()), page)
