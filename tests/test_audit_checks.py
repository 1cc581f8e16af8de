"""Checklist items on small projects, the configuration they read, and `audit`'s exit codes."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from repolint.audit.model import RepositoryAudit, percent_text
from repolint.audit.run import run_audit
from repolint.cli import main
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


class Post(Base):
    __tablename__ = "post"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    author: Mapped["User"] = relationship(back_populates="posts")
"""

ERRORS = """
class RecordNotFoundError(Exception):
    pass


class UserMissing(RecordNotFoundError):
    pass


class PostNotFound(Exception):
    pass
"""

REPOSITORIES = """
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, joinedload
from advanced_alchemy.repository import SQLAlchemyAsyncRepository

from app.errors import PostNotFound, RecordNotFoundError, UserMissing
from app.models import Post, User


class UserRepository:
    def __init__(self, db: Session):
        self.db = db

    def get_by_id(self, id: int) -> User | None:
        return self.db.get(User, id)

    def get_by_id_with_relations(self, id: int) -> User | None:
        stmt = select(User).join(User.posts).where(User.id == id)
        return self.db.scalars(stmt).first()

    def get_or_raise(self, id: int) -> User:
        user = self.get_by_id(id)
        if user is None:
            raise UserMissing(id)
        return user


class PostRepository:
    def __init__(self, db: Session):
        self.db = db

    def get(self, id: int) -> Post | None:
        return self.db.get(Post, id)

    def get_author(self, id: int) -> User:
        stmt = select(Post).options(joinedload(Post.author)).where(Post.id == id)
        post = self.db.scalars(stmt).one_or_none()
        if post is None:
            raise PostNotFound(id)
        return post.author


class PostCheckRepository:
    def __init__(self, db: Session):
        self.db = db

    def get_by_id(self, id: int) -> Post | None:
        try:
            return self.db.scalars(select(Post).where(Post.id == id)).one()
        except RecordNotFoundError:
            return None


class AsyncUserRepository(SQLAlchemyAsyncRepository[User]):
    def __init__(self, session: AsyncSession):
        self.session = session
"""

CRUD = """
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import User


def get_user(db: Session, user_id: int) -> User | None:
    \"\"\"One user.\"\"\"
    return db.get(User, user_id)


def get_users(db: Session, skip: int = 0, limit: int = 100) -> list[User]:
    \"\"\"A page of users.\"\"\"
    return list(db.scalars(select(User).order_by(User.id).offset(skip).limit(limit)))


def helper(value: int) -> int:
    return value * 2
"""

PRIVATE_ONLY = """
from sqlalchemy.orm import Session

from app.models import User


def _count(db: Session) -> int:
    return db.query(User).count()
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": MODELS,
            "app/errors.py": ERRORS,
            "app/repositories/__init__.py": "",
            "app/repositories/users.py": REPOSITORIES,
            "app/crud/__init__.py": "",
            "app/crud/user.py": CRUD,
            "app/crud/stats.py": PRIVATE_ONLY,
        },
    )
    return tmp_path


def audit(root: Path, **settings: object) -> dict[str, RepositoryAudit]:
    run = run_audit([str(root)], Settings(project_root=str(root), **settings))  # type: ignore[arg-type]
    return {r.name: r for r in run.report.repositories}


def test_units_and_their_models(project: Path) -> None:
    repos = audit(project)
    assert sorted(repos) == [
        "AsyncUserRepository",
        "PostCheckRepository",
        "PostRepository",
        "UserRepository",
        "app.crud.user",
    ]
    assert repos["app.crud.user"].model == "User"
    assert repos["PostRepository"].model == "Post"


def test_not_found_error_subclasses_handlers_and_globs(project: Path) -> None:
    repos = audit(project)
    raised = repos["UserRepository"].check("not-found-error")
    assert raised.status == "pass"
    assert raised.message == "get_or_raise() raises UserMissing"
    handled = repos["PostCheckRepository"].check("not-found-error")
    assert (handled.status, handled.message) == ("pass", "get_by_id() handles RecordNotFoundError")
    assert repos["PostRepository"].check("not-found-error").status == "fail"
    globbed = audit(project, not_found_errors=("*NotFound*",))["PostRepository"]
    assert globbed.check("not-found-error").status == "pass"


def test_a_twin_that_loads_nothing_fails(project: Path) -> None:
    check = audit(project)["UserRepository"].check("get-by-id-with-relations")
    assert check.status == "fail"
    assert check.message == "get_by_id_with_relations() eager-loads nothing"
    assert "selectinload(User.posts)" in check.fix


def test_get_taking_an_id_is_get_by_id(project: Path) -> None:
    repo = audit(project)["PostRepository"]
    check = repo.check("get-by-id")
    assert (check.status, check.message) == ("pass", "get() gets one row by id")
    assert repo.check("selectinload").message.startswith("uses joinedload() in get_author()")


def test_async_bases_are_configurable(project: Path) -> None:
    assert audit(project)["AsyncUserRepository"].check("async-base").status == "fail"
    configured = audit(project, async_bases=("SQLAlchemyAsyncRepository",))
    check = configured["AsyncUserRepository"].check("async-base")
    assert (check.status, check.message) == ("pass", "inherits SQLAlchemyAsyncRepository[User]")


def test_a_module_of_functions(project: Path) -> None:
    checks = {c.item: c for c in audit(project)["app.crud.user"].checks}
    assert checks["async-base"].status == "n/a"
    assert checks["async-session-init"].message.endswith("(a sync Session)")
    assert (checks["get-by-id"].status, checks["get-by-id"].message) == ("pass", "get_user()")
    assert (checks["list-method"].status, checks["list-method"].message) == ("pass", "get_users()")
    assert checks["pagination-tests"].status == "fail"  # skip= paginates, untested
    assert checks["docstrings"].message == "no docstring: helper()"


def invoke(*args: str) -> Result:
    mixable = "mix_stderr" in inspect.signature(CliRunner.__init__).parameters  # click < 8.2
    kwargs = {"mix_stderr": False} if mixable else {}
    return CliRunner(**kwargs).invoke(main, list(args))


def test_fail_under(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    score = json.loads(invoke("audit", "--output-format", "json", ".").stdout)["score"]
    assert 0 < score["percent"] < 100
    percent = 100 * score["passed"] / score["applicable"]
    assert invoke("audit", "-q", "--fail-under", str(int(percent))).exit_code == 0
    below = invoke("audit", "--fail-under", str(int(percent) + 1))
    assert below.exit_code == 1
    # 8 of 45 is 17.78%: every output says 17.7% (one decimal, rounded down), the
    # report as the --fail-under message, never 18% in one and 17.8% in the other.
    assert (score["passed"], score["applicable"], score["percent"]) == (8, 45, 17.7)
    shown = percent_text(percent)
    assert shown == "17.7%"
    assert f"audit score {shown} is below --fail-under {int(percent) + 1}%" in below.stderr
    # The report prints the score with the same rounding.
    assert f"score {shown} ({score['passed']} of {score['applicable']}" in below.stdout


def test_nothing_to_score_fails_under_any_threshold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, {"tool.py": "print('hello')\n"})
    monkeypatch.chdir(tmp_path)
    result = invoke("audit", "--fail-under", "10")
    assert result.exit_code == 1
    assert "no repository found" in result.stderr
    assert invoke("audit").exit_code == 0


def test_errors_exit_2(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    missing = invoke("audit", "no/such/path")
    assert missing.exit_code == 2
    assert missing.stderr.startswith("error: no/such/path")
    (project / "pyproject.toml").write_text("[tool.repolint]\ntests = 'tests/'\n")
    bad = invoke("audit", ".")
    assert bad.exit_code == 2
    assert "'tests' must be a list of strings" in bad.stderr
    assert invoke("audit", "--output-format", "yaml").exit_code == 2
