"""Session providers written the ways real projects write them."""

from __future__ import annotations

from contextlib import contextmanager
from functools import partial

from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

from notes.settings import session_registry

engine = create_engine("sqlite:///notes.db")
SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)


def _session():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


# called, not used as a decorator
get_db = contextmanager(_session)

# a factory bound with functools.partial
make_session = partial(Session, engine)


def open_session() -> Session:
    """The registry is configured elsewhere: only the annotation says what this returns."""
    return session_registry.current()
