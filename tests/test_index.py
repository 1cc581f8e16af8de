"""The project index: names, models, relationships and repositories across modules."""

from __future__ import annotations

import textwrap
from pathlib import Path

from repolint.engine import analyse
from repolint.layout import module_name
from repolint.rules import ALL_RULES
from repolint.semantics.index import ProjectIndex
from repolint.semantics.module import build_module
from repolint.semantics.source import Parsed, parse_source
from repolint.semantics.types import SessionT
from repolint.settings import Settings

ALL_CODES = frozenset(rule.code for rule in ALL_RULES)


def write(root: Path, files: dict[str, str]) -> list[Path]:
    paths = []
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        paths.append(path)
    return sorted(paths)


def build_index(root: Path, files: dict[str, str]) -> ProjectIndex:
    modules = []
    for path in write(root, files):
        parsed = parse_source(path.read_bytes())
        assert isinstance(parsed, Parsed)
        name, is_package = module_name(path, [root])
        modules.append(build_module(name, path, str(path), parsed.tree, parsed.text, is_package))
    index = ProjectIndex(modules, Settings(project_root=str(root)))
    for module in modules:
        index.facts.analyse_module(module)
    return index


def codes(root: Path, files: dict[str, str]) -> list[tuple[str, int, str]]:
    paths = write(root, files)
    result = analyse(paths, Settings(project_root=str(root)), ALL_CODES)
    return sorted(
        (Path(f.path).relative_to(root).as_posix(), f.line, f.code) for f in result.findings
    )


MODELS = """
    from sqlalchemy import ForeignKey
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

    class Base(DeclarativeBase):
        pass

    class Team(Base):
        __tablename__ = "team"
        id: Mapped[int] = mapped_column(primary_key=True)
        members = relationship("Member", backref="team")
        coach: Mapped["Coach"] = relationship(lazy="joined")

    class Member(Base):
        __tablename__ = "member"
        id: Mapped[int] = mapped_column(primary_key=True)
        team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))

    class Coach(Base):
        __tablename__ = "coach"
        id: Mapped[int] = mapped_column(primary_key=True)
"""


def test_models_relationships_and_backrefs(tmp_path: Path) -> None:
    index = build_index(tmp_path, {"core/models.py": MODELS})
    assert index.is_model("core.models.Team")
    assert not index.is_model("core.models.Base")
    team = index.relationships("core.models.Team")
    assert team["members"].strategy == "lazy"
    assert team["members"].target_name == "core.models.Member"
    assert team["coach"].strategy == "eager"
    assert team["coach"].target_name == "core.models.Coach"
    member = index.relationships("core.models.Member")
    assert member["team"].target_name == "core.models.Team"
    assert member["team"].backref_of == "core.models.Team"
    assert member["team"].reverse == "members"


def test_session_alias_imported_from_another_module(tmp_path: Path) -> None:
    index = build_index(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/db.py": """
                from typing import Annotated
                from fastapi import Depends
                from sqlalchemy.orm import Session, sessionmaker

                SessionLocal = sessionmaker()

                def get_db():
                    db = SessionLocal()
                    try:
                        yield db
                    finally:
                        db.close()

                SessionDep = Annotated[Session, Depends(get_db)]
                RawDep = Annotated[object, Depends(get_db)]
            """,
            "app/api.py": """
                from app.db import RawDep, SessionDep

                async def one(db: SessionDep):
                    return db

                async def two(db: RawDep):
                    return db
            """,
        },
    )
    one = index.facts.facts(index.functions["app.api.one"]).params["db"]
    two = index.facts.facts(index.functions["app.api.two"]).params["db"]
    assert one == SessionT("sync", received=True)
    assert two == SessionT("sync", received=True)


def test_generic_base_repository_in_another_package(tmp_path: Path) -> None:
    index = build_index(
        tmp_path,
        {
            "models/__init__.py": "",
            "models/team.py": MODELS,
            "repos/__init__.py": "",
            "repos/base.py": """
                from typing import Generic, TypeVar
                from sqlalchemy.ext.asyncio import AsyncSession

                M = TypeVar("M")

                class AsyncBaseRepository(Generic[M]):
                    def __init__(self, model: type[M], db: AsyncSession):
                        self.model = model
                        self.db = db
            """,
            "repos/team.py": """
                from sqlalchemy.ext.asyncio import AsyncSession
                from models.team import Team
                from repos.base import AsyncBaseRepository

                class TeamRepository(AsyncBaseRepository[Team]):
                    def __init__(self, db: AsyncSession):
                        super().__init__(Team, db)

                class GitRepository:
                    def __init__(self, path: str):
                        self.path = path

                    def commit(self) -> None:
                        pass
            """,
        },
    )
    assert index.is_repository("repos.team.TeamRepository")
    assert index.repository_model("repos.team.TeamRepository") == "models.team.Team"
    assert index.facts.class_session_kind("repos.team.TeamRepository") == "async"
    assert not index.is_repository("repos.team.GitRepository")
    assert (
        not index.is_repository("repos.base.AsyncBaseRepository")
        or index.repository_model("repos.base.AsyncBaseRepository") is None
    )


def test_rows_from_repository_in_another_file_reach_the_loop(tmp_path: Path) -> None:
    found = codes(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": MODELS,
            "app/repo.py": """
                from sqlalchemy import select
                from sqlalchemy.orm import Session, selectinload
                from app.models import Team

                class TeamRepository:
                    def __init__(self, db: Session):
                        self.db = db

                    def get_by_id(self, id):
                        return self.db.get(Team, id)

                    def get_by_id_with_relations(self, id):
                        return self.db.get(Team, id, options=[selectinload(Team.members)])

                    def list_all(self):
                        return self.db.scalars(select(Team)).all()

                    def list_all_with_relations(self):
                        stmt = select(Team).options(selectinload(Team.members))
                        return self.db.scalars(stmt).all()
            """,
            "app/report.py": """
                from sqlalchemy.orm import Session
                from app.repo import TeamRepository

                def sizes(db: Session):
                    repo = TeamRepository(db)
                    lazy = [len(t.members) for t in repo.list_all()]
                    eager = [len(t.members) for t in repo.list_all_with_relations()]
                    coach = [t.coach for t in repo.list_all()]
                    return lazy, eager, coach
            """,
        },
    )
    assert found == [("app/report.py", 7, "RPL301")]


def test_module_names_follow_packages_then_roots(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"pkg/__init__.py": "", "pkg/sub/__init__.py": "", "pkg/sub/mod.py": "", "loose/x.py": ""},
    )
    assert module_name(tmp_path / "pkg/sub/mod.py", [tmp_path]) == ("pkg.sub.mod", False)
    assert module_name(tmp_path / "pkg/sub/__init__.py", [tmp_path]) == ("pkg.sub", True)
    assert module_name(tmp_path / "loose/x.py", [tmp_path]) == ("loose.x", False)
