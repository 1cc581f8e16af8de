"""Fixtures for the runtime proofs (helpers live in helpers.py).

pytest loads this conftest before the test modules; importing .helpers here
puts sample_code/ on sys.path, so the test modules can `import rota` directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine

from .helpers import make_statements_slow, seed


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """URL of a fresh, seeded SQLite file."""
    url = f"sqlite:///{tmp_path / 'rota.db'}"
    engine = create_engine(url)
    seed(engine)
    engine.dispose()
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A plain engine on the seeded file."""
    engine = create_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def slow_engine(db_url: str) -> Iterator[Engine]:
    """An engine on the seeded file whose every data statement is slow."""
    engine = create_engine(db_url)
    make_statements_slow(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def async_url(db_url: str) -> str:
    """The same seeded file, through aiosqlite."""
    return db_url.replace("sqlite://", "sqlite+aiosqlite://", 1)


@pytest.fixture
def bind_session_local() -> Iterator[Callable[[Engine], None]]:
    """Bind the sample's own SessionLocal to a test engine; restored afterwards."""
    from rota.db.session import SessionLocal  # importable once helpers set sys.path

    original = SessionLocal.kw.get("bind")

    def bind(engine: Engine) -> None:
        SessionLocal.configure(bind=engine)

    yield bind
    SessionLocal.configure(bind=original)
