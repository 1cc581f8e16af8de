"""Stores serving several models, each opening its sessions from a factory it keeps
(set in a set-up hook, not in `__init__`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from notes.models import Note, Tag, User


def managed_scope(factory: sessionmaker) -> Callable[[], AbstractContextManager[Session]]:
    """A context manager factory: a session that commits on success."""

    @contextmanager
    def scope() -> Iterator[Session]:
        with factory() as session:
            yield session
            session.commit()

    return scope


class AccountStore:  # expect: RPL304
    """Wrong for its callers: `get_account()` turns the row of `_get_user()` into a
    summary that reads the lazy `User.notes`; no method loads them with the user."""

    def init_db(self, url: str) -> None:
        self.session_scope = managed_scope(sessionmaker(bind=create_engine(url)))

    @staticmethod
    def _get_user(session, user_id: int) -> User:
        return session.scalars(select(User).where(User.id == user_id)).one()

    @staticmethod
    def _get_tag(session, label: str) -> Tag:
        return session.scalars(select(Tag).where(Tag.label == label)).one()

    def get_account(self, user_id: int) -> dict[str, object]:
        with self.session_scope() as session:
            return self._get_user(session, user_id).summary()

    def tag_id(self, label: str) -> int:
        with self.session_scope() as session:
            return self._get_tag(session, label).id


class ProfileStore:  # ok: RPL304
    """Right: the query behind `get_profile()` loads the notes its summary reads."""

    def init_db(self, url: str) -> None:
        self.session_scope = managed_scope(sessionmaker(bind=create_engine(url)))

    @staticmethod
    def _get_user(session, user_id: int) -> User:
        stmt = select(User).options(selectinload(User.notes)).where(User.id == user_id)
        return session.scalars(stmt).one()

    @staticmethod
    def _get_note(session, note_id: int) -> Note:
        return session.scalars(select(Note).where(Note.id == note_id)).one()

    def get_profile(self, user_id: int) -> dict[str, object]:
        with self.session_scope() as session:
            return self._get_user(session, user_id).summary()

    def note_title(self, note_id: int) -> str:
        with self.session_scope() as session:
            return self._get_note(session, note_id).title
