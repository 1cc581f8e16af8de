"""Fixes of the shapes the sample's first fixes left: where imports go, `joinedload` where
the project joins, a `rollback()` before `raise`, the unordered path of a paged statement,
twins of module-level functions. Each on a small project, with what is not fixed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.fixes.projects import MODELS
from tests.fixes.test_fix_framework import invoke


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, text in {
        "pyproject.toml": "[tool.repolint]\n",
        "app/__init__.py": "",
        "app/models.py": MODELS,
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REPOLINT_OUTPUT_FORMAT", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    return tmp_path


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def fixes(*select: str) -> list[tuple[str, int, bool]]:
    """(path, line, has a fix) of each finding of the `select`ed codes."""
    found = invoke("--unsafe-fixes", "--output-format", "json", "--select", ",".join(select), "app")
    data: list[dict[str, Any]] = json.loads(found.stdout)
    return [(f["path"], f["line"], f["fix"] is not None) for f in data]


LOOP = """\
from sqlalchemy import select
{orm}
from app.models import Team


def sizes(db: Session) -> list[int]:
    return [len(t.members) for t in db.scalars(select(Team))]
"""


@pytest.mark.parametrize(
    ("orm", "merged"),
    [
        (
            "from sqlalchemy.orm import Session, with_loader_criteria\n",
            "from sqlalchemy.orm import Session, selectinload, with_loader_criteria\n",
        ),
        (
            "from sqlalchemy.orm import (\n    Session,\n    with_loader_criteria,\n)\n",
            "from sqlalchemy.orm import (\n    Session,\n    selectinload,\n"
            "    with_loader_criteria,\n)\n",
        ),
        (
            "from sqlalchemy.orm import (\n    Session,\n    aliased,\n)\n",
            "from sqlalchemy.orm import (\n    Session,\n    aliased,\n    selectinload,\n)\n",
        ),
    ],
    ids=["one-line", "one-a-line", "at-the-end"],
)
def test_the_import_is_sorted_into_the_existing_line(app: Path, orm: str, merged: str) -> None:
    write(app, {"app/report.py": LOOP.format(orm=orm)})
    assert invoke("--fix", "--unsafe-fixes", "--select", "RPL301", "app").exit_code == 0
    fixed = (app / "app/report.py").read_text()
    assert merged in fixed
    assert fixed.count("import") == LOOP.format(orm=orm).count("import")


def test_a_new_import_line_goes_among_the_sqlalchemy_imports(app: Path) -> None:
    write(app, {"app/report.py": LOOP.format(orm="").replace("db: Session", "db")})
    assert invoke("--fix", "--unsafe-fixes", "--select", "RPL301", "app").exit_code == 0
    fixed = (app / "app/report.py").read_text()
    assert fixed.startswith(
        "from sqlalchemy import select\nfrom sqlalchemy.orm import selectinload\n\n"
        "from app.models import Team\n"
    )


MEMBERS = """\
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Member, Team


def team_ids(db: Session) -> list[int]:
    return [m.team.id for m in db.scalars(select(Member))]


def sizes(db: Session) -> list[int]:
    return [len(t.members) for t in db.scalars(select(Team))]
"""
JOINED = """\
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.models import Member, Team


def members(db: Session) -> list[Member]:
    return list(db.scalars(select(Member).options(joinedload(Member.team))))


def teams(db: Session) -> list[Team]:
    return list(db.scalars(select(Team).options(joinedload(Team.members))).unique())
"""


def test_joinedload_for_a_many_to_one_the_project_joins_never_for_a_collection(
    app: Path,
) -> None:
    write(app, {"app/report.py": MEMBERS, "app/loaded.py": JOINED})
    assert invoke("--fix", "--unsafe-fixes", "--select", "RPL301", "app").exit_code == 0
    fixed = (app / "app/report.py").read_text()
    assert "from sqlalchemy.orm import Session, joinedload, selectinload\n" in fixed
    assert "select(Member).options(joinedload(Member.team))" in fixed
    assert "select(Team).options(selectinload(Team.members))" in fixed  # a collection


def test_without_a_join_elsewhere_a_many_to_one_is_selectin_loaded(app: Path) -> None:
    write(app, {"app/report.py": MEMBERS})
    assert invoke("--fix", "--unsafe-fixes", "--select", "RPL301", "app").exit_code == 0
    fixed = (app / "app/report.py").read_text()
    assert "select(Member).options(selectinload(Member.team))" in fixed
    assert "joinedload" not in fixed


ROLLBACKS = """\
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


class TeamRepository:
    def __init__(self, db: Session) -> None:
        self.db = db

    def add(self, team: object) -> None:
        try:
            self.db.add(team)
            self.db.flush()
        except IntegrityError:
            self.db.rollback()  # undo
            raise

    def add_quietly(self, team: object) -> bool:
        try:
            self.db.flush()
        except IntegrityError:
            self.db.rollback()
            return False
        return True

    def add_logged(self, team: object) -> None:
        try:
            self.db.flush()
        except IntegrityError:
            print("failed")
            self.db.rollback()
            raise
"""


def test_a_rollback_before_raise_is_removed_and_no_other(app: Path) -> None:
    write(app, {"app/repositories/__init__.py": "", "app/repositories/teams.py": ROLLBACKS})
    path = "app/repositories/teams.py"
    assert fixes("RPL201") == [(path, 14, True), (path, 21, False), (path, 30, False)]
    assert invoke("--fix", "--unsafe-fixes", "--select", "RPL201", "app").exit_code == 1
    fixed = (app / path).read_text()
    assert "        except IntegrityError:\n            raise\n" in fixed
    assert fixed.count("self.db.rollback()") == 2  # the other two stay, reported


PAGES = """\
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Team


def page(db: Session, number: int, sort: object = None) -> list[Team]:
    stmt = select(Team)
    if sort is not None:
        stmt = stmt.order_by(sort)
    stmt = stmt.offset(number * 10).limit(10)
    return list(db.scalars(stmt))


def page_by(db: Session, number: int, sort: object = None, desc: bool = False) -> list[Team]:
    stmt = select(Team)
    if desc:
        stmt = stmt.order_by(Team.id.desc())
    elif sort is not None:
        stmt = stmt.order_by(sort)
    stmt = stmt.offset(number * 10).limit(10)
    return list(db.scalars(stmt))
"""


def test_the_unordered_branch_gets_an_else_but_not_after_an_elif(app: Path) -> None:
    write(app, {"app/pages.py": PAGES})
    assert fixes("RPL401") == [("app/pages.py", 11, True), ("app/pages.py", 21, False)]
    invoke("--fix", "--unsafe-fixes", "--select", "RPL401", "app")
    fixed = (app / "app/pages.py").read_text()
    assert (
        "        stmt = stmt.order_by(sort)\n    else:\n        stmt = stmt.order_by(Team.id)\n"
        "    stmt = stmt.offset(number * 10).limit(10)\n    return list(db.scalars(stmt))\n\n\n"
        "def page_by("
    ) in fixed


HELPER = """\
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Member, Team


def page_of(db: Session, stmt, number: int) -> list:
    return list(db.scalars(stmt.offset(number * 10).limit(10)))


def teams(db: Session, number: int) -> list:
    return page_of(db, select(Team), number)


def members(db: Session, number: int) -> list:
    return page_of(db, select(Member).order_by(Member.id), number)
"""


STORED = """\
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Team
from app.pages import page_of


def stored(db: Session, number: int) -> list:
    stmt = select(Team)
    return page_of(db, stmt, number)
"""


def test_the_callers_unordered_statements_are_ordered_all_or_none(app: Path) -> None:
    write(app, {"app/pages.py": HELPER, "app/more.py": STORED})
    assert fixes("RPL401") == [("app/pages.py", 8, False)]  # a caller passes a name
    (app / "app/more.py").unlink()
    assert fixes("RPL401") == [("app/pages.py", 8, True)]
    invoke("--fix", "--unsafe-fixes", "--select", "RPL401", "app")
    fixed = (app / "app/pages.py").read_text()
    assert "return page_of(db, select(Team).order_by(Team.id), number)\n" in fixed
    assert "return page_of(db, select(Member).order_by(Member.id), number)\n" in fixed
    assert fixes("RPL401") == []


QUERIES = """\
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Team


def list_teams(db: Session) -> list[Team]:  # the plain one
    return list(db.scalars(select(Team).order_by(Team.id)))
"""
CALLERS = """\
from sqlalchemy.orm import Session

from app.repos.queries import list_teams


def sizes(db: Session) -> list[int]:
    return [len(t.members) for t in list_teams(db)]
"""


THROUGH_MODULE = """\
from sqlalchemy.orm import Session

from app.repos import queries


def sizes(db: Session) -> list[int]:
    return [len(t.members) for t in queries.list_teams(db)]
"""


def test_a_call_through_the_module_switches_to_the_twin(app: Path) -> None:
    """`queries.list_teams(db)` -> `queries.list_teams_with_relations(db)`: the plain
    function keeps its query (the twin is the repair), no import is added."""
    write(app, {"app/repos/__init__.py": "", "app/repos/queries.py": QUERIES})
    write(app, {"app/services.py": THROUGH_MODULE})
    assert invoke("--fix", "--unsafe-fixes", "--select", "RPL301,RPL304", "app").exit_code == 0
    services = (app / "app/services.py").read_text()
    assert services == THROUGH_MODULE.replace(
        "queries.list_teams(db)", "queries.list_teams_with_relations(db)"
    )
    queries = (app / "app/repos/queries.py").read_text()
    assert "def list_teams_with_relations(db: Session) -> list[Team]:\n" in queries
    plain = queries.split("def list_teams_with_relations")[0]
    assert "selectinload(Team" not in plain


@pytest.mark.parametrize("alias", [False, True], ids=["by-name", "aliased"])
def test_a_module_function_gets_a_twin_and_its_callers_call_it(app: Path, alias: bool) -> None:
    callers = (
        CALLERS.replace("import list_teams", "import list_teams as teams").replace(
            "in list_teams(db)", "in teams(db)"
        )
        if alias
        else CALLERS
    )
    write(app, {"app/repos/__init__.py": "", "app/repos/queries.py": QUERIES})
    write(app, {"app/services.py": callers})
    assert invoke("--fix", "--unsafe-fixes", "--select", "RPL301,RPL304", "app").exit_code == (
        1 if alias else 0
    )
    queries = (app / "app/repos/queries.py").read_text()
    assert queries == QUERIES.replace(
        "from sqlalchemy.orm import Session", ("from sqlalchemy.orm import Session, selectinload")
    ) + (
        "\n\ndef list_teams_with_relations(db: Session) -> list[Team]:\n"
        '    """`list_teams()` with Team.members eager-loaded."""\n'
        "    return list(\n"  # too long for a line: wrapped as ruff's formatter wraps it
        "        db.scalars(select(Team).options(selectinload(Team.members)).order_by(Team.id))\n"
        "    )\n"
    )
    services = (app / "app/services.py").read_text()
    if alias:  # `teams` is not the function's own name: the call is left, and reported
        assert services == callers
        assert fixes("RPL301") == [("app/services.py", 7, False)]
    else:
        assert "from app.repos.queries import list_teams, list_teams_with_relations\n" in services
        assert "for t in list_teams_with_relations(db)]\n" in services


REPOSITORY = """\
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Team


class BaseRepo:
    def __init__(self, db: Session) -> None:
        self.db = db

    def _all(self, stmt):
        return list(self.db.scalars(stmt))


class TeamRepository(BaseRepo):
    def teams(self):
        return self._all(select(Team).order_by(Team.id))
"""
READER = """\
from sqlalchemy.orm import Session

from app.repositories.teams import TeamRepository


def sizes(db: Session) -> list[int]:
    return [len(t.members) for t in TeamRepository(db).teams()]
"""


def test_a_repository_method_rpl304_skips_gets_its_twin_from_rpl301(app: Path) -> None:
    write(app, {"app/repositories/__init__.py": "", "app/repositories/teams.py": REPOSITORY})
    write(app, {"app/report.py": READER})
    assert fixes("RPL301", "RPL304") == [("app/report.py", 7, True)]
    assert invoke("--fix", "--unsafe-fixes", "--select", "RPL301", "app").exit_code == 0
    assert (app / "app/report.py").read_text() == READER.replace(
        ".teams()", ".teams_with_relations()"
    )
    assert (app / "app/repositories/teams.py").read_text() == REPOSITORY.replace(
        "from sqlalchemy.orm import Session", "from sqlalchemy.orm import Session, selectinload"
    ) + (
        "\n    def teams_with_relations(self):\n"
        '        """`teams()` with Team.members eager-loaded."""\n'
        "        return self._all(\n"
        "            select(Team).options(selectinload(Team.members)).order_by(Team.id)\n"
        "        )\n"
    )


GENERIC = """\
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Base

ModelT = TypeVar("ModelT", bound=Base)


class BaseRepository(Generic[ModelT]):
    def __init__(self, model: type[ModelT], db: Session) -> None:
        self.model = model
        self.db = db

    def get_by_id(self, id: int) -> ModelT | None:
        return self.db.scalars(select(self.model).where(self.model.id == id)).first()
"""
TEAMS = """\
from sqlalchemy.orm import Session

from app.models import Team
from app.repositories.base import BaseRepository


class TeamRepository(BaseRepository[Team]):
    def __init__(self, db: Session) -> None:
        super().__init__(Team, db)
"""


@pytest.mark.parametrize("typevar_in_body", [False, True], ids=["annotations", "body"])
def test_a_method_of_a_generic_base_is_copied_with_its_type_variables_spelt(
    app: Path, typevar_in_body: bool
) -> None:
    base = GENERIC
    if typevar_in_body:  # `ModelT` read at run time: not something the copy can spell
        base = base.replace(
            "        return self.db", "        assert ModelT\n        return self.db"
        )
    write(app, {"app/repositories/__init__.py": "", "app/repositories/base.py": base})
    write(app, {"app/repositories/teams.py": TEAMS})
    path = "app/repositories/teams.py"
    assert fixes("RPL304") == [(path, 7, not typevar_in_body)]
    invoke("--fix", "--unsafe-fixes", "--select", "RPL304", "app")
    fixed = (app / path).read_text()
    if typevar_in_body:
        assert fixed == TEAMS
        return
    assert fixed == (
        "from sqlalchemy import select\n"
        "from sqlalchemy.orm import Session, selectinload\n"
        + TEAMS.split("from sqlalchemy.orm import Session\n", 1)[1]
        + "\n    def get_by_id_with_relations(self, id: int) -> Team | None:\n"
        '        """`get_by_id()` with Team.members and Team.projects eager-loaded."""\n'
        "        return self.db.scalars(\n"
        "            select(self.model)\n"
        "            .options(selectinload(Team.members), selectinload(Team.projects))\n"
        "            .where(self.model.id == id)\n"
        "        ).first()\n"
    )


BADGES = """\
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Team(Base):
    __tablename__ = "team"
    id: Mapped[int] = mapped_column(primary_key=True)
    members: Mapped[list["Member"]] = relationship()


class Member(Base):
    __tablename__ = "member"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    badges: Mapped[list["Badge"]] = relationship()


class Badge(Base):
    __tablename__ = "badge"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
"""

HOOK = """\
from sqlalchemy.orm import Session

from app.models import Team


class TeamPage:
    def setup(self, db: Session, team_id: int) -> None:
        self.team = db.get(Team, team_id)

    def render(self) -> list[int]:
        return [len(m.badges) for m in self.team.members]
"""

SHEET = """\
from sqlalchemy.orm import Session

from app.models import Team


class Sheet:
    def __init__(self, team: Team) -> None:
        self.team = team

    def counts(self) -> list[int]:
        return [len(m.badges) for m in self.team.members]


def sheet(db: Session, team_id: int) -> list[int]:
    team = db.get(Team, team_id)
    return Sheet(team).counts()
"""


def test_below_one_row_set_in_a_hook_the_whole_path_is_loaded(app: Path) -> None:
    write(app, {"app/models.py": BADGES, "app/pages.py": HOOK})
    assert fixes("RPL301") == [("app/pages.py", 11, True)]
    assert invoke("--fix", "--unsafe-fixes", "--select", "RPL301", "app").exit_code == 0
    fixed = (app / "app/pages.py").read_text()
    assert "from sqlalchemy.orm import Session, selectinload\n" in fixed
    assert "from app.models import Badge, Member, Team\n" not in fixed  # `Member` is enough
    assert "from app.models import Member, Team\n" in fixed
    assert (  # too long for one line inside the brackets: one argument a line
        "        self.team = db.get(\n"
        "            Team,\n"
        "            team_id,\n"
        "            options=[selectinload(Team.members).selectinload(Member.badges)],\n"
        "        )\n"
    ) in fixed
    assert fixes("RPL301") == []
    ruff = Path(sys.executable).parent / "ruff"
    formatted = subprocess.run([str(ruff), "format", "--check", "app/pages.py"], check=False)
    assert formatted.returncode == 0  # formatted before the fix, and after


def test_below_one_row_set_twice_gets_no_fix(app: Path) -> None:
    twice = HOOK + (
        "\n    def reload(self, db: Session) -> None:\n        self.team = db.get(Team, 1)\n"
    )
    write(app, {"app/models.py": BADGES, "app/pages.py": twice})
    assert fixes("RPL301") == [("app/pages.py", 11, False)]


def test_below_a_row_the_one_caller_passes_the_path_is_loaded_there(app: Path) -> None:
    write(app, {"app/models.py": BADGES, "app/sheets.py": SHEET})
    assert fixes("RPL301") == [("app/sheets.py", 11, True)]
    assert invoke("--fix", "--unsafe-fixes", "--select", "RPL301", "app").exit_code == 0
    fixed = (app / "app/sheets.py").read_text()
    assert "options=[selectinload(Team.members).selectinload(Member.badges)]" in fixed
    assert fixes("RPL301") == []


def test_below_a_row_two_callers_pass_gets_no_fix(app: Path) -> None:
    two = (
        SHEET
        + "\n\ndef other(db: Session) -> list[int]:\n    return Sheet(db.get(Team, 1)).counts()\n"
    )
    write(app, {"app/models.py": BADGES, "app/sheets.py": two})
    assert fixes("RPL301") == [("app/sheets.py", 11, False)]
