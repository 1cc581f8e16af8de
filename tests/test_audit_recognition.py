"""What the audit recognises on code shaped like real code bases: interfaces, generic
bases of other names, factories, session NewTypes, eager hooks of any name, inherited
commits, findings in tests, pagination outside the repositories. Each project is our
own, written in a tmp tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from repolint.audit.model import AuditReport
from repolint.audit.run import run_audit
from repolint.audit.summary import summarize
from repolint.findings import Finding
from repolint.settings import Settings
from tests.test_audit_tests import write

MODELS = """
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "user"
    id: Mapped[int] = mapped_column(primary_key=True)
    posts: Mapped[list["Post"]] = relationship(back_populates="author")


class Job(Base):
    __tablename__ = "job"
    job_id: Mapped[int] = mapped_column(primary_key=True)


class Membership(Base):
    __tablename__ = "membership"
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    group: Mapped[str] = mapped_column(primary_key=True)


class Post(Base):
    __tablename__ = "post"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    author: Mapped["User"] = relationship(back_populates="posts")
"""

BASE = """
from typing import Generic, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Base

M = TypeVar("M", bound=Base)
R = TypeVar("R")


class RepositoryProtocol(Protocol[M]):
    session: AsyncSession

    async def get_by_id(self, id: int) -> M | None: ...


class CrudRepository(Generic[M]):
    \"\"\"The project's async base, under a name of its own.\"\"\"

    model: type[M]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_by_id(self, id: int) -> M | None:
        \"\"\"One row.\"\"\"
        return await self.session.get(self.model, id)

    async def create(self, obj: M) -> M:
        \"\"\"Add and commit.\"\"\"
        self.session.add(obj)
        await self.session.commit()
        return obj


def get_repository(repository_class: type[R], session: AsyncSession) -> R:
    return repository_class(session)
"""

USERS = """
from abc import ABC, abstractmethod

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Post, User
from app.repositories.base import CrudRepository


class UserRepository(CrudRepository[User]):
    model = User

    async def list_users(self) -> list[User]:
        \"\"\"Every user.\"\"\"
        return list(await self.session.scalars(select(User).order_by(User.id)))


class PostRepository(CrudRepository[Post]):
    model = Post


class AuthorRepository(ABC):
    @abstractmethod
    def get(self, id: int) -> User | None:
        \"\"\"One author.\"\"\"

    @abstractmethod
    def find(self, name: str) -> list[User]:
        raise NotImplementedError


class SqlAuthorRepository(AuthorRepository):
    def __init__(self, db: Session) -> None:
        self.db = db

    def get(self, **filters: object) -> User | None:
        \"\"\"One author by filters.\"\"\"
        return self.db.scalars(select(User).filter_by(**filters)).first()

    def find(self, name: str) -> list[User]:
        \"\"\"Authors by name.\"\"\"
        return list(self.db.scalars(select(User).where(User.id > 0)))
"""

READS = """
from collections.abc import Sequence
from typing import Any, NewType

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Post

ReadSession = NewType("ReadSession", AsyncSession)


class PostReadRepository:
    def __init__(self, session: ReadSession, options: Sequence[Any] = ()) -> None:
        self.session = session
        self._options = list(options)

    def get_load_options(self) -> list[Any]:
        \"\"\"What every read loads, as the caller configured it.\"\"\"
        return self._options

    async def get_by_id(self, id: int) -> Post | None:
        \"\"\"One post.\"\"\"
        stmt = select(Post).where(Post.id == id)
        opts = self.get_load_options()
        return (await self.session.scalars(stmt.options(*opts))).first()
"""

JOBS = """
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Job


async def get_job_by_job_id(db: AsyncSession, job_id: UUID) -> Job | None:
    \"\"\"One job by its id.\"\"\"
    return (await db.scalars(select(Job).where(Job.job_id == job_id))).first()
"""

MEMBERSHIPS = """
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Membership


async def find_membership(db: AsyncSession, user_id: int, group: str) -> Membership | None:
    \"\"\"One membership by its two key columns.\"\"\"
    stmt = select(Membership).where(Membership.user_id == user_id, Membership.group == group)
    return (await db.scalars(stmt)).first()


async def list_memberships(db: AsyncSession, user_id: int) -> list[Membership]:
    \"\"\"A user's memberships.\"\"\"
    stmt = select(Membership).where(Membership.user_id == user_id).order_by(Membership.group)
    return list(await db.scalars(stmt))
"""

POSTS = """
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Post


class MissingPostNotFoundError(LookupError):
    \"\"\"No post has that id.\"\"\"


async def read_post(session: AsyncSession, post_id: int, for_update: bool = False) -> Post | None:
    \"\"\"One post by id.\"\"\"
    return await session.get(Post, post_id, with_for_update=for_update)
"""

MODEL_ROUTES = """
from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import User

router = APIRouter()


@router.get("/users")
async def list_users(session: AsyncSession) -> list[User]:
    return list(await session.scalars(select(User).order_by(User.id)))
"""

ROUTES = """
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import User


async def page_of_users(session: AsyncSession, page: int) -> list[User]:
    stmt = select(User).order_by(User.id).offset(page * 20).limit(20)
    return list(await session.scalars(stmt))
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> AuditReport:
    root = tmp_path_factory.mktemp("recognition")
    write(
        root,
        {
            "pyproject.toml": "",
            "app/__init__.py": "",
            "app/models.py": MODELS,
            "app/repositories/__init__.py": "",
            "app/repositories/base.py": BASE,
            "app/repositories/users.py": USERS,
            "app/repositories/reads.py": READS,
            "app/api/__init__.py": "",
            "app/api/routes.py": ROUTES,
            "app/api/models.py": MODEL_ROUTES,
            "app/crud/__init__.py": "",
            "app/crud/jobs.py": JOBS,
            "app/crud/memberships.py": MEMBERSHIPS,
            "app/crud/posts.py": POSTS,
        },
    )
    return run_audit([str(root / "app")], Settings(project_root=str(root))).report


def test_interfaces_and_factories_are_not_repositories(report: AuditReport) -> None:
    """The Protocol, the ABC, the module of `get_repository(cls, session)` and the routes
    of app/api/models.py (a `models.py`, as `repository-modules` names) are absent."""
    found = {r.qual for r in [*report.repositories, *report.bases]}
    assert found == {
        "app.crud.jobs",
        "app.crud.memberships",
        "app.crud.posts",
        "app.repositories.base.CrudRepository",
        "app.repositories.reads.PostReadRepository",
        "app.repositories.users.PostRepository",
        "app.repositories.users.SqlAuthorRepository",
        "app.repositories.users.UserRepository",
    }
    assert [b.name for b in report.bases] == ["CrudRepository"]


def test_a_generic_base_is_shown_once_and_not_scored(report: AuditReport) -> None:
    base = report.bases[0]
    assert (base.role, base.subclasses) == ("base", ["PostRepository", "UserRepository"])
    assert base.check("async-base").status == "n/a"
    assert base.check("async-base").message == "CrudRepository is an async base itself"
    assert report.applicable == sum(r.applicable for r in report.repositories)


def test_any_generic_async_base_passes_async_base(report: AuditReport) -> None:
    repos = {r.name: r for r in report.repositories}
    check = repos["UserRepository"].check("async-base")
    assert (check.status, check.message) == ("pass", "inherits CrudRepository[User]")
    sync = repos["SqlAuthorRepository"].check("async-base")
    assert sync.status == "fail"
    assert sync.fix == "inherit from `CrudRepository[User]`"  # the project's own base


def test_a_newtype_over_asyncsession_is_a_session(report: AuditReport) -> None:
    repo = next(r for r in report.repositories if r.name == "PostReadRepository")
    assert repo.session == "async"
    assert repo.check("async-session-init").status == "pass"


def test_an_eager_hook_of_any_name_is_found_by_flow_into_options(report: AuditReport) -> None:
    repo = next(r for r in report.repositories if r.name == "PostReadRepository")
    check = repo.check("get-by-id-with-relations")
    assert check.status == "pass"
    assert check.message == "get_by_id() applies the get_load_options() hook to .options()"


def test_get_model_by_model_id_is_get_by_id(report: AuditReport) -> None:
    repo = next(r for r in report.repositories if r.name == "app.crud.jobs")
    assert repo.model == "Job"
    check = repo.check("get-by-id")
    assert (check.status, check.message) == ("pass", "get_job_by_job_id()")


def test_a_composite_key_model_is_not_asked_for_get_by_id(report: AuditReport) -> None:
    repo = next(r for r in report.repositories if r.name == "app.crud.memberships")
    check = repo.check("get-by-id")
    assert (check.status, check.fix) == ("n/a", "")
    assert check.message == "Membership has a composite primary key (user_id, group)"


def test_read_model_by_its_id_is_get_by_id(report: AuditReport) -> None:
    repo = next(r for r in report.repositories if r.name == "app.crud.posts")
    check = repo.check("get-by-id")
    assert (check.status, check.message) == ("pass", "read_post() gets one row by id")


def test_the_not_found_fix_names_the_project_exception(report: AuditReport) -> None:
    repo = next(r for r in report.repositories if r.name == "app.crud.posts")
    check = repo.check("not-found-error")
    assert check.status == "fail"
    assert check.fix == "add `get_or_raise(id)` raising `MissingPostNotFoundError`"


def test_get_by_filters_is_not_get_by_id(report: AuditReport) -> None:
    repo = next(r for r in report.repositories if r.name == "SqlAuthorRepository")
    check = repo.check("get-by-id")
    assert check.status == "fail"
    assert "get() may play that part" in check.message


def test_commits_in_a_base_count_for_every_subclass(report: AuditReport) -> None:
    row = next(r for r in report.summary if r.area == "Transaction management")
    assert row.detail.startswith("2 of 7 repositories commit")
    assert "from CrudRepository (2 repositories commit through it)" in row.action


def test_pagination_in_routes_is_pagination(report: AuditReport) -> None:
    row = next(r for r in report.summary if r.area == "Pagination")
    assert (row.status, row.risk) == ("good", "LOW")
    assert "app/api/routes.py:8" in row.action.replace("\\\\", "/")


def test_fix_first_is_ordered_by_risk_then_reach(report: AuditReport) -> None:
    ranks = {"CRITICAL": 0, "HIGH": 1, "MEDIUM": 2, "LOW": 3}
    keys = [(ranks[a.risk], -a.repositories) for a in report.actions]
    assert keys == sorted(keys)
    eager = next(a for a in report.actions if a.item == "selectinload")
    assert eager.repositories == 5  # User.posts and Post.author are lazy, never selectin-loaded
    assert report.notes and report.notes[0].startswith("no test found among the paths given")


def test_findings_in_test_code_set_no_risk(report: AuditReport) -> None:
    """A lazy load in async code (RPL302) in a test file leaves N+1 prevention's risk
    as the production code sets it; the same finding in production makes it CRITICAL."""
    root = Path("app")
    production = _module("app/api/routes.py", is_test=False)
    test = _module("tests/test_routes.py", is_test=True)
    finding = Finding("tests/test_routes.py", 3, 1, "RPL302", "lazy load in async code")
    rows = summarize([], [], [finding], [production, test], Settings(project_root=str(root)))
    assert next(r for r in rows if r.area == "N+1 prevention").risk == "LOW"
    finding = Finding("app/api/routes.py", 3, 1, "RPL302", "lazy load in async code")
    rows = summarize([], [], [finding], [production, test], Settings(project_root=str(root)))
    assert next(r for r in rows if r.area == "N+1 prevention").risk == "CRITICAL"


def _module(display: str, *, is_test: bool):  # type: ignore[no-untyped-def]
    """A parsed module as the summary reads it: its display path and whether it is a test."""
    import ast

    from repolint.semantics.module import ModuleInfo

    info = ModuleInfo.__new__(ModuleInfo)
    info.display = display
    info.is_test = is_test
    info.tree = ast.parse("")
    return info


def test_notes_say_what_could_not_be_read(tmp_path: Path) -> None:
    """A file that does not parse, and no test among the paths: each has its note."""
    write(
        tmp_path,
        {
            "pyproject.toml": "",
            "app/__init__.py": "",
            "app/models.py": MODELS,
            "app/repositories/__init__.py": "",
            "app/repositories/users.py": USERS.replace("CrudRepository[User]", "object"),
            "app/repositories/broken.py": "class BrokenRepository(:\n",
        },
    )
    report = run_audit([str(tmp_path / "app")], Settings(project_root=str(tmp_path))).report
    assert len(report.notes) == 2
    unparsed, untested = report.notes
    assert unparsed.startswith("1 file(s) did not parse (RPL000): ")
    assert unparsed.replace("\\", "/").endswith(
        "app/repositories/broken.py; what they define is not scored"
    )
    assert untested.startswith("no test found among the paths given")


def test_no_repository_found_says_what_was_looked_for(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "", "app/__init__.py": "", "app/models.py": MODELS})
    report = run_audit([str(tmp_path / "app")], Settings(project_root=str(tmp_path))).report
    assert report.repositories == [] and report.actions == []
    assert report.notes == [
        "no repository found: looked for classes named *Repository, *Repo, *DAO, *CRUD, "
        "*Table, *Store (or deriving from `repository-bases`) that hold or receive a session, "
        "and modules of functions taking a session in `repository-modules`"
    ]


def test_verbose_detail_shows_an_inherited_failure_once(report: AuditReport) -> None:
    """UserRepository and PostRepository fail not-found-error in the get_by_id() they both
    inherit: --verbose says so once, not under each of them."""
    import io

    from repolint.report.audit_text import render_audit_text
    from repolint.report.text import make_console

    out = io.StringIO()
    render_audit_text(make_console(out, colour=False), report, verbose=True)
    text = out.getvalue()
    detail = text[text.index("What to do next") :]
    shared = detail[detail.index("Shared by 2 repositories") :]
    assert shared.splitlines()[1].startswith("  ✗ not-found-error: add `get_or_raise(id)`")
    blocks = {b.split()[0]: b for b in detail.split("\n\n")[2:] if b.strip()}
    assert "not-found-error" not in blocks["UserRepository"]
    assert "not-found-error" not in blocks["PostRepository"]
    assert "not-found-error" in blocks["SqlAuthorRepository"]  # its own get()
