"""Module functions of a `repos/` package: the data layer; helpers take an
unannotated session that their callers pass."""

from __future__ import annotations

from sqlalchemy.orm import Session

from notes.db import SessionLocal
from notes.models import Note, Tag


def _save(session, tag):
    """No annotation: every caller passes the session it received."""
    session.add(tag)
    session.commit()  # expect: RPL201


def add_tag(session: Session, label: str) -> Tag:
    tag = Tag(label=label)
    _save(session, tag)
    return tag


def _save_alone(tag):
    with SessionLocal() as own:
        own.add(tag)
        own.commit()  # ok: RPL201


def import_tags(labels: list[str]) -> None:
    for label in labels:
        _save_alone(Tag(label=label))


class RepositoryNotes:
    """The prefix form of the name: a repository all the same."""

    def __init__(self, db: Session):
        self.db = db

    def rename(self, note: Note, title: str) -> Note:
        note.title = title
        self.db.commit()  # expect: RPL201
        return note


class NoteStore:
    """A `*Store` that receives its session: the data layer."""

    def __init__(self, session: Session):
        self.session = session

    def remove(self, note: Note) -> None:
        self.session.delete(note)
        self.session.commit()  # expect: RPL201

    def add_labels(self, labels: list[str]) -> None:
        """Wrong: a failed flush rolls back the caller's whole transaction too."""
        try:
            self.session.add_all([Tag(label=label) for label in labels])
            self.session.flush()
        except Exception:
            self.session.rollback()  # expect: RPL201
            raise


class RepositoryError(Exception):
    """Named like a repository, holds no session: not the data layer."""

    def commit(self) -> None:
        """Not a session's commit."""
