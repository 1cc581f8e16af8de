"""Test discovery and classification of `repolint audit`, on small projects written here.

Each repository class A..K of the project is exercised by one kind of test, so
one audit shows how each kind is read (statically: nothing is imported)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from repolint.audit.run import run_audit
from repolint.settings import Settings

REPO = '''
class {name}Repository:
    """Items."""

    def __init__(self, db: AsyncSession):
        self.db = db

    async def get_by_id(self, id: int) -> Item | None:
        """One item."""
        return await self.db.get(Item, id)

    async def list_page(self, offset: int = 0, limit: int = 10) -> list[Item]:
        """One page of items."""
        stmt = select(Item).order_by(Item.id).offset(offset).limit(limit)
        return list((await self.db.scalars(stmt)).all())
'''

APP = {
    "app/__init__.py": "",
    "app/models.py": """
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

        class Base(DeclarativeBase):
            pass

        class Item(Base):
            __tablename__ = "item"
            id: Mapped[int] = mapped_column(primary_key=True)
    """,
    "app/repositories/__init__.py": "",
    "app/repositories/repos.py": "from sqlalchemy import select\n"
    "from sqlalchemy.ext.asyncio import AsyncSession\n\n"
    "from app.models import Item\n" + "".join(REPO.format(name=n) for n in "ABCDEFGHIJK"),
}

TESTS = {
    "tests/conftest.py": """
        from unittest.mock import AsyncMock

        import pytest
        from sqlalchemy.ext.asyncio import create_async_engine

        from app.repositories.repos import BRepository


        @pytest.fixture
        def fake_db():
            return AsyncMock()


        @pytest.fixture
        def b_repo(fake_db):
            return BRepository(fake_db)


        @pytest.fixture
        async def e_session():
            engine = create_async_engine("sqlite+aiosqlite://")
            yield engine


        @pytest.fixture
        def database():
            return create_async_engine("postgresql+asyncpg://localhost/test")


        @pytest.fixture
        def db():
            return None
    """,
    # A: a mock passed to the constructor; two offsets.
    "tests/test_a.py": """
        from unittest.mock import AsyncMock

        from app.repositories.repos import ARepository


        async def test_a():
            repo = ARepository(AsyncMock())
            await repo.list_page(offset=0)
            await repo.list_page(offset=10)
    """,
    # B: the mock and the repository come from conftest fixtures; offsets in a loop.
    "tests/test_b.py": """
        async def test_b(b_repo):
            for offset in range(0, 30, 10):
                await b_repo.list_page(offset=offset)
    """,
    # C: create_autospec(AsyncSession); a parametrized offset.
    "tests/test_c.py": """
        from unittest.mock import create_autospec

        import pytest
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.repositories.repos import CRepository


        @pytest.mark.parametrize("offset", [0, 10])
        async def test_c(offset):
            repo = CRepository(create_autospec(AsyncSession, instance=True))
            await repo.list_page(offset)
    """,
    # D: the repository patched away (a service test): exercised, neither kind; one page.
    "tests/test_d.py": """
        from app.repositories.repos import DRepository


        async def test_d(mocker):
            mocker.patch.object(DRepository, "get_by_id", return_value=None)
            await DRepository(None).list_page(offset=0)
    """,
    # E: a real engine from a conftest fixture; two page sizes are not two pages.
    "tests/test_e.py": """
        from app.repositories.repos import ERepository


        async def test_e(e_session):
            repo = ERepository(e_session)
            await repo.list_page(limit=5)
            await repo.list_page(limit=10)
    """,
    # F: a module-level engine the test names.
    "tests/test_f.py": """
        from sqlalchemy import create_engine

        from app.repositories.repos import FRepository

        ENGINE = create_engine("sqlite://")


        def test_f():
            assert FRepository(ENGINE.connect())
    """,
    # G: a test class whose setup_method mocks the session.
    "tests/test_g.py": """
        from unittest.mock import MagicMock

        from app.repositories.repos import GRepository


        class TestG:
            def setup_method(self):
                self.repo = GRepository(MagicMock())

            async def test_get(self):
                await self.repo.get_by_id(1)
    """,
    # H: a fixture of another folder's conftest is not visible; I: its own folder's is.
    "tests/unit/conftest.py": """
        from unittest.mock import AsyncMock

        import pytest


        @pytest.fixture
        def scoped_db():
            return AsyncMock()
    """,
    "tests/integration/test_h.py": """
        from app.repositories.repos import HRepository


        def test_h(scoped_db):
            assert HRepository(scoped_db)
    """,
    "tests/unit/test_i.py": """
        from app.repositories.repos import IRepository


        def test_i(scoped_db):
            assert IRepository(scoped_db)
    """,
    # J: the database comes through @pytest.mark.usefixtures; `db` overrides itself.
    "tests/test_j.py": """
        import pytest

        from app.repositories.repos import JRepository


        @pytest.fixture
        def db(db):
            return db


        @pytest.mark.usefixtures("database")
        def test_j(db):
            assert JRepository(db)
    """,
}


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def verdicts(root: Path, *paths: str) -> dict[str, dict[str, str]]:
    run = run_audit([str(root / p) for p in paths], Settings(project_root=str(root)))
    return {r.name: {c.item: c.status for c in r.checks} for r in run.report.repositories}


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    root = tmp_path_factory.mktemp("project")
    write(root, {**APP, **TESTS})
    return verdicts(root, "app", "tests")


@pytest.mark.parametrize(
    ("repo", "unit", "integration", "pagination"),
    [
        ("A", "pass", "fail", "pass"),
        ("B", "pass", "fail", "pass"),
        ("C", "pass", "fail", "pass"),
        ("D", "fail", "fail", "fail"),
        ("E", "fail", "pass", "fail"),
        ("F", "fail", "pass", "fail"),
        ("G", "pass", "fail", "fail"),
        ("H", "fail", "fail", "fail"),
        ("I", "pass", "fail", "fail"),
        ("J", "fail", "pass", "fail"),
        ("K", "fail", "fail", "fail"),
    ],
)
def test_classification(
    audited: dict[str, dict[str, str]], repo: str, unit: str, integration: str, pagination: str
) -> None:
    checks = audited[f"{repo}Repository"]
    assert (checks["unit-tests"], checks["integration-tests"], checks["pagination-tests"]) == (
        unit,
        integration,
        pagination,
    )


def test_test_modules_are_not_repositories(tmp_path: Path) -> None:
    write(tmp_path, {**APP, "tests/test_fake.py": REPO.format(name="Fake")})
    assert "FakeRepository" not in verdicts(tmp_path, "app", "tests")


def test_tests_outside_the_paths_are_named_in_a_note(tmp_path: Path) -> None:
    write(tmp_path, {**APP, **TESTS, "pyproject.toml": "[project]\nname = 'x'\n"})
    run = run_audit([str(tmp_path / "app")], Settings(project_root=str(tmp_path)))
    assert run.report.tests_found == 0
    assert any("add their folder to the paths" in note for note in run.report.notes)
    unit = run.report.repositories[0].check("unit-tests")
    assert (unit.status, unit.message) == ("fail", "no test exercises it")


def test_the_tests_globs_are_configurable(tmp_path: Path) -> None:
    write(tmp_path, {**APP, "checks/check_a.py": TESTS["tests/test_a.py"].replace("test_a", "x")})
    settings = Settings(project_root=str(tmp_path), tests=("checks/*.py",))
    run = run_audit([str(tmp_path)], settings)
    assert run.report.tests_found == 0  # `x` is not named test*: no test
    write(tmp_path, {"checks/check_a.py": TESTS["tests/test_a.py"]})
    run = run_audit([str(tmp_path)], settings)
    assert run.report.tests_found == 1
    assert run.report.repositories[0].check("unit-tests").status == "pass"


def test_the_projects_own_session_factory_and_patched_sessions(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            **APP,
            "app/db.py": """
                from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

                engine = create_async_engine("sqlite+aiosqlite:///app.db")
                SessionLocal = async_sessionmaker(engine, expire_on_commit=False)
            """,
            "tests/test_l.py": """
                from app.db import SessionLocal
                from app.repositories.repos import ARepository


                async def test_with_the_app_database():
                    async with SessionLocal() as session:
                        await ARepository(session).get_by_id(1)
            """,
            "tests/test_m.py": """
                from unittest.mock import patch

                from app.repositories.repos import BRepository


                def test_with_a_patched_session():
                    with patch("app.repositories.repos.AsyncSession"):
                        assert BRepository
            """,
        },
    )
    found = verdicts(tmp_path, "app", "tests")
    assert found["ARepository"]["integration-tests"] == "pass"
    assert found["ARepository"]["unit-tests"] == "fail"
    assert found["BRepository"]["unit-tests"] == "pass"
    assert found["BRepository"]["integration-tests"] == "fail"
