"""A paging helper of our own, shared by routes that build different statements:
whether its `offset()` pages a stable order is decided by what its callers pass."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from notes.models import Note, Tag, User


SECOND_PAGE = select(Note).offset(20).limit(20).order_by(Note.id)  # ok: RPL401
"""A statement kept for later: ordered in the chain that pages it."""


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


def notes_after(db: Session, skip: int) -> list:
    """Right: `order_by` written after `offset` in the same chain still orders it."""
    return list(db.scalars(select(Note).offset(skip).limit(20).order_by(Note.id)))  # ok: RPL401


def notes_page_if_asked(db: Session, page: int | None = None) -> list:
    """Right: ordered under the same condition that pages it."""
    stmt = select(Note)
    if page:
        stmt = stmt.order_by(Note.id)
    if page:
        stmt = stmt.offset((page - 1) * 20).limit(20)  # ok: RPL401
    return list(db.scalars(stmt))
