"""Integration tests reached through the project's own code: a fixture module pulled in
with `from tests.fixtures.db import *`, the project's engine factory, an `AsyncSession`
re-exported by a project module. Each project is our own, written in a tmp tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_audit_tests import verdicts, write

APP = {
    "pyproject.toml": "",
    "app/__init__.py": "",
    "app/models.py": """
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


        class Base(DeclarativeBase):
            pass


        class Note(Base):
            __tablename__ = "note"
            id: Mapped[int] = mapped_column(primary_key=True)
    """,
    "app/db.py": """
        import os

        from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

        __all__ = ["AsyncSession", "make_engine"]


        def make_engine(url: str | None = None) -> AsyncEngine:
            return create_async_engine(url or os.environ["DATABASE_URL"])
    """,
    "app/repositories/__init__.py": "",
    "app/repositories/notes.py": """
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.models import Note


        class StarRepository:
            def __init__(self, session: AsyncSession) -> None:
                self.session = session

            async def get_by_id(self, id: int) -> Note | None:
                return await self.session.get(Note, id)


        class FactoryRepository(StarRepository):
            async def count(self) -> int:
                return 0


        class ReexportRepository(StarRepository):
            async def count(self) -> int:
                return 0


        class UntestedRepository(StarRepository):
            async def count(self) -> int:
                return 0
    """,
}

TESTS = {
    "tests/__init__.py": "",
    "tests/fixtures/__init__.py": "",
    "tests/fixtures/db.py": """
        import pytest
        from sqlalchemy.ext.asyncio import create_async_engine


        @pytest.fixture
        async def star_session():
            engine = create_async_engine(DATABASE)
            async with engine.connect() as conn:
                yield conn


        DATABASE = "sqlite+aiosqlite://"
    """,
    "tests/conftest.py": """
        from tests.fixtures.db import *  # noqa: F403
    """,
    "tests/test_star.py": """
        from app.repositories.notes import StarRepository


        async def test_star(star_session):
            assert await StarRepository(star_session).get_by_id(1) is None
    """,
    "tests/test_factory.py": """
        import pytest

        from app.db import make_engine
        from app.repositories.notes import FactoryRepository


        @pytest.fixture
        async def engine():
            engine = make_engine()
            yield engine
            await engine.dispose()


        async def test_factory(engine):
            assert await FactoryRepository(engine).count() == 0
    """,
    "tests/test_reexport.py": """
        from app.db import AsyncSession
        from app.repositories.notes import ReexportRepository


        async def test_reexport(engine_from_elsewhere):
            async with AsyncSession(engine_from_elsewhere) as session:
                assert await ReexportRepository(session).count() == 0
    """,
    "tests/test_untested.py": """
        from app.repositories.notes import UntestedRepository


        def test_named_only():
            assert UntestedRepository
    """,
}


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    root: Path = tmp_path_factory.mktemp("fixtures")
    write(root, {**APP, **TESTS})
    return verdicts(root, "app", "tests")


@pytest.mark.parametrize(
    ("repo", "integration"),
    [
        ("StarRepository", "pass"),  # the fixture comes from `from tests.fixtures.db import *`
        ("FactoryRepository", "pass"),  # make_engine() is the project's engine factory
        ("ReexportRepository", "pass"),  # app.db re-exports sqlalchemy's AsyncSession
        ("UntestedRepository", "fail"),  # named by a test that builds no database
    ],
)
def test_integration_through_project_code(
    audited: dict[str, dict[str, str]], repo: str, integration: str
) -> None:
    assert audited[repo]["integration-tests"] == integration
