"""A faster `db_url` for the runtime proofs of the later rules.

conftest's `db_url` seeds a fresh SQLite file for every test (CREATE TABLE and
the seed inserts, each committed to disk). Here the seed runs once per session
and every test gets a byte copy of that file: the same data, a fraction of the
time. A test module opts in by importing both fixtures:

    from .seeded_copy import db_url, seeded_file  # noqa: F401 (pytest fixtures)
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine

from .helpers import seed


def build_seeded(
    factory: pytest.TempPathFactory, name: str, seed_with: Callable[[Engine], None]
) -> Path:
    """A SQLite file named `name`, seeded once by `seed_with` (never written to afterwards)."""
    path = factory.mktemp("seeded") / name
    engine = create_engine(f"sqlite:///{path}")
    seed_with(engine)
    engine.dispose()
    return path


def private_copy(seeded: Path, tmp_path: Path) -> str:
    """URL of a test's own byte copy of a seeded file."""
    target = tmp_path / seeded.name
    shutil.copyfile(seeded, target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="session")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded rota database, built once per test session."""
    return build_seeded(tmp_path_factory, "rota.db", seed)


@pytest.fixture
def db_url(seeded_file: Path, tmp_path: Path) -> str:
    """URL of this test's own copy of the seeded file (overrides conftest's)."""
    return private_copy(seeded_file, tmp_path)
