"""A faster `db_url` for the runtime proofs of the later rules.

conftest's `db_url` seeds a fresh SQLite file for every test (CREATE TABLE and
the seed inserts, each committed to disk). Here the seed runs once per session
and every test gets a byte copy of that file: the same data, a fraction of the
time. A test module opts in by importing both fixtures:

    from .seeded_copy import db_url, seeded_file  # noqa: F401 (pytest fixtures)
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from .helpers import seed


@pytest.fixture(scope="session")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded rota database, built once per test session (never written to)."""
    path = tmp_path_factory.mktemp("seeded") / "rota.db"
    engine = create_engine(f"sqlite:///{path}")
    seed(engine)
    engine.dispose()
    return path


@pytest.fixture
def db_url(seeded_file: Path, tmp_path: Path) -> str:
    """URL of this test's own copy of the seeded file (overrides conftest's)."""
    target = tmp_path / "rota.db"
    shutil.copyfile(seeded_file, target)
    return f"sqlite:///{target}"
