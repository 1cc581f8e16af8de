"""The fix framework on small projects: options, reports, rounds, what files keep."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from repolint.cli import main
from repolint.findings import Finding
from repolint.fixes.apply import fix_rounds
from repolint.fixes.edits import Applicability, Edit, Fix, fix
from repolint.fixes.layout import rewrap
from repolint.fixes.text import SourceText
from repolint.runner import RunResult
from tests.fixes.projects import MODELS

DB = """\
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

engine = create_async_engine("sqlite+aiosqlite://")
SessionLocal = async_sessionmaker(engine)
"""
API = """\
from sqlalchemy.ext.asyncio import AsyncSession


async def save(db: AsyncSession, item: object) -> None:
    db.add(item)
    db.commit()
"""
REPO = """\
from sqlalchemy.orm import Session


class ItemRepository:
    def __init__(self, db: Session) -> None:
        self.db = db

    def add(self, item: object) -> object:
        self.db.add(item)
        self.db.commit()
        return item

    def undo(self) -> None:
        self.db.rollback()
"""
REPORT = """\
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Team


def sizes(db: Session) -> dict[int, int]:
    stmt = select(Team).order_by(Team.id)
    return {t.id: len(t.members) + len(t.projects) for t in db.scalars(stmt).all()}
"""


def invoke(*args: str, stdin: str | None = None) -> Result:
    mixable = "mix_stderr" in inspect.signature(CliRunner.__init__).parameters  # click < 8.2
    kwargs = {"mix_stderr": False} if mixable else {}
    return CliRunner(**kwargs).invoke(main, ["check", "--no-cache", *args], input=stdin)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    files = {
        "pyproject.toml": "[tool.repolint]\n",
        "app/__init__.py": "",
        "app/db.py": DB,
        "app/api.py": API,
        "app/repositories/__init__.py": "",
        "app/repositories/items.py": REPO,
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REPOLINT_OUTPUT_FORMAT", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    return tmp_path


def test_report_marks_what_fix_repairs(project: Path) -> None:
    result = invoke("app")
    assert result.exit_code == 1
    out = result.stdout
    assert "app/api.py:6:8: RPL103 [*] `commit()`" in out
    assert "app/db.py:4:16: RPL104 [*] `async_sessionmaker(...)`" in out
    assert "RPL201 [*]" not in out  # unsafe: not applied by --fix
    assert "  = fix (safe): Add `await`\n" in out
    assert "    -     db.commit()\n    +     await db.commit()\n" in out
    assert out.endswith("[*] 2 fixable with `--fix` (1 more with `--unsafe-fixes`).\n")
    unsafe = invoke("app", "--unsafe-fixes", "--output-format", "concise").stdout
    assert "app/repositories/items.py:10:17: RPL201 [*]" in unsafe
    assert "app/repositories/items.py:14:17: RPL201 `rollback()`" in unsafe  # no fix
    assert unsafe.endswith("[*] 3 fixable with `--fix --unsafe-fixes`.\n")


def test_diff_changes_nothing_and_exits_1(project: Path) -> None:
    before = {p: p.read_bytes() for p in project.rglob("*.py")}
    result = invoke("--diff", "app")
    assert result.exit_code == 1
    assert result.stdout == (
        "--- a/app/api.py\n+++ b/app/api.py\n@@ -3,4 +3,4 @@\n \n"
        " async def save(db: AsyncSession, item: object) -> None:\n"
        "     db.add(item)\n-    db.commit()\n+    await db.commit()\n"
        "--- a/app/db.py\n+++ b/app/db.py\n@@ -1,4 +1,4 @@\n"
        " from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine\n \n"
        ' engine = create_async_engine("sqlite+aiosqlite://")\n'
        "-SessionLocal = async_sessionmaker(engine)\n"
        "+SessionLocal = async_sessionmaker(engine, expire_on_commit=False)\n"
    )
    assert result.stderr == "Would fix 2 problems in 2 files.\n"
    assert {p: p.read_bytes() for p in project.rglob("*.py")} == before


def test_fix_applies_the_safe_fixes_and_reports_the_rest(project: Path) -> None:
    result = invoke("--fix", "--output-format", "concise", "app")
    assert result.exit_code == 1
    assert "Fixed 2 problems in 2 files." in result.stderr
    assert result.stdout.splitlines()[2:] == [
        "Found 2 problems (2 warnings).",
        "No safe fixes available (1 fixable with `--fix --unsafe-fixes`).",
    ]
    assert [line.split()[1] for line in result.stdout.splitlines()[:2]] == ["RPL201", "RPL201"]
    assert (project / "app/api.py").read_text() == API.replace(
        "    db.commit", "    await db.commit"
    )
    assert (
        "async_sessionmaker(engine, expire_on_commit=False)" in (project / "app/db.py").read_text()
    )
    again = invoke("--diff", "app")
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", "No fixes available.\n")


def test_unsafe_fixes_and_show_fixes(project: Path) -> None:
    result = invoke("--fix", "--unsafe-fixes", "--show-fixes", "app")
    assert result.exit_code == 1  # the rollback has no fix
    assert result.stderr == (
        "Fixed 3 problems in 3 files.\n"
        "- app/api.py:\n    1 x RPL103 (async-session-not-awaited)\n"
        "- app/db.py:\n    1 x RPL104 (async-expire-on-commit)\n"
        "- app/repositories/items.py:\n    1 x RPL201 (commit-in-repository)\n"
    )
    assert "        self.db.flush()\n" in (project / "app/repositories/items.py").read_text()


def test_fix_only_reports_nothing(project: Path) -> None:
    result = invoke("--fix-only", "app")
    assert (result.exit_code, result.stdout) == (0, "")
    assert "await db.commit()" in (project / "app/api.py").read_text()


def test_noqa_and_per_file_ignores_keep_their_lines(project: Path) -> None:
    (project / "app/api.py").write_text(API.replace("db.commit()", "db.commit()  # noqa: RPL103"))
    (project / "pyproject.toml").write_text(
        '[tool.repolint.per-file-ignores]\n"app/db.py" = ["RPL104"]\n'
    )
    before = {p: p.read_bytes() for p in project.rglob("*.py")}
    result = invoke("--fix", "app")
    assert result.stderr == ""
    assert {p: p.read_bytes() for p in project.rglob("*.py")} == before


def test_line_endings_encoding_and_comments_are_kept(project: Path) -> None:
    source = "# -*- coding: latin-1 -*-\n# caf\xe9\n" + API.replace(
        "db.commit()", "db.commit()  # \xe9t\xe9"
    )
    (project / "app/api.py").write_bytes(source.replace("\n", "\r\n").encode("latin-1"))
    assert invoke("--fix", "app").exit_code == 1
    data = (project / "app/api.py").read_bytes()
    expected = source.replace("    db.commit()", "    await db.commit()").replace("\n", "\r\n")
    assert data == expected.encode("latin-1")


def test_json_and_sarif_carry_the_fix(project: Path) -> None:
    findings = json.loads(invoke("--output-format", "json", "app").stdout)
    by_code = {f["code"]: f for f in findings}
    assert by_code["RPL103"]["fix"] == {
        "applicability": "safe",
        "message": "Add `await`",
        "edits": [
            {
                "content": "await ",
                "location": {"row": 6, "column": 5},
                "end_location": {"row": 6, "column": 5},
            }
        ],
    }
    rollback = [f for f in findings if "rollback" in f["message"]]
    assert "fix" not in rollback[0]  # no fix option: the key only where there is a fix
    with_fix = json.loads(invoke("--output-format", "json", "--unsafe-fixes", "app").stdout)
    assert [f["fix"] for f in with_fix if "rollback" in f["message"]] == [None]
    sarif = json.loads(invoke("--output-format", "sarif", "app").stdout)
    results = {r["ruleId"]: r for r in sarif["runs"][0]["results"] if "fixes" in r}
    assert results["RPL104"]["fixes"] == [
        {
            "description": {"text": "Pass `expire_on_commit=False` (safe)"},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": "app/db.py", "uriBaseId": "%SRCROOT%"},
                    "replacements": [
                        {
                            "deletedRegion": {
                                "startLine": 4,
                                "startColumn": 41,
                                "endLine": 4,
                                "endColumn": 41,
                            },
                            "insertedContent": {"text": ", expire_on_commit=False"},
                        }
                    ],
                }
            ],
        }
    ]


def test_stdin_fix_writes_the_fixed_source(project: Path) -> None:
    result = invoke("--fix", "--stdin-filename", "app/api.py", stdin=API)
    assert result.stdout == API.replace("    db.commit", "    await db.commit")
    assert result.exit_code == 0
    assert (project / "app/api.py").read_text() == API  # the file itself is not written


def test_rounds_apply_overlapping_fixes_one_after_the_other(project: Path) -> None:
    """Two relationships read on the rows of one statement: the two fixes insert at the
    same place, so the second waits for the next round and extends `.options(...)`; the
    statement, now too long for one line, is laid out as ruff formats it."""
    (project / "app/models.py").write_text(MODELS)
    (project / "app/report.py").write_text(REPORT)
    result = invoke("--fix", "--unsafe-fixes", "--select", "RPL301", "app")
    assert (result.exit_code, result.stderr) == (0, "Fixed 2 problems in 1 file.\n")
    assert (project / "app/report.py").read_text() == REPORT.replace(
        "from sqlalchemy.orm import Session", "from sqlalchemy.orm import Session, selectinload"
    ).replace(
        "    stmt = select(Team).order_by(Team.id)\n",
        "    stmt = (\n"
        "        select(Team)\n"
        "        .options(selectinload(Team.members), selectinload(Team.projects))\n"
        "        .order_by(Team.id)\n"
        "    )\n",
    )
    assert (
        subprocess.run(
            [str(Path(sys.executable).parent / "ruff"), "format", "--check", "app/report.py"],
            cwd=project,
            capture_output=True,
        ).returncode
        == 0
    )


# The building blocks --------------------------------------------------------------------


def test_a_fix_that_breaks_the_file_is_dropped(tmp_path: Path) -> None:
    """The analysis stands in for a rule whose edit would not parse."""
    path = tmp_path / "a.py"
    path.write_text("x = f(1)\n")
    broken = Fix(Applicability.SAFE, "break it", (Edit("a.py", 1, 5, 1, 5, "("),))
    finding = Finding("a.py", 1, 5, "RPL103", "m", fix=broken)

    def analyse(edited: object) -> RunResult:
        return RunResult([finding], [], 1, files={"a.py": path})

    outcome = fix_rounds(analyse, lambda p: p.read_bytes(), unsafe=False)
    assert outcome.fixed == [] and outcome.changed() == []
    assert outcome.warnings == [
        "warning: a.py:1:5: RPL103 fix dropped: a.py would no longer parse (left unchanged)"
    ]


def test_edits_overlap_and_apply_to_the_text_as_written() -> None:
    a, b = Edit("f", 1, 1, 1, 5, "x"), Edit("f", 1, 4, 1, 8, "y")
    assert a.overlaps(b) and not a.overlaps(Edit("f", 1, 5, 1, 5, "z"))
    assert Edit("f", 2, 1, 2, 1, "a").overlaps(Edit("f", 2, 1, 2, 1, "b"))  # same insertion
    assert not a.overlaps(Edit("g", 1, 1, 1, 5, "x"))
    assert fix(Applicability.SAFE, "m", [a, b]) is None
    text = SourceText.decode(b"\xef\xbb\xbfa = 1\r\nb = 2\r\n")
    assert text is not None
    edited = text.apply([Edit("f", 2, 5, 2, 6, "(\n2\n)")])
    assert edited is not None
    assert edited.encode() == b"\xef\xbb\xbfa = 1\r\nb = (\r\n2\r\n)\r\n"
    assert text.apply([Edit("f", 3, 5, 3, 6, "x")]) is None  # past the end


def test_rewrap_lays_out_long_lines_as_ruff_does() -> None:
    before = SourceText("def f(s, db):\n    stmt = s.where(a).offset(10)  # c\n", "utf-8")
    after = SourceText(
        "def f(s, db):\n    stmt = s.where(a).order_by(Model.identifier).offset(10)  # c\n",
        "utf-8",
    )
    assert rewrap(before, after, 60).text == (
        "def f(s, db):\n    stmt = (\n        s.where(a).order_by(Model.identifier).offset(10)\n"
        "    )  # c\n"
    )
    assert rewrap(before, after, 100) is after  # it fits
    assert rewrap(before, after, 20) is after  # the line it replaces did not fit
    one_call = SourceText(
        "def f(s, db):\n    return db.scalars(select(A).options(load(A.b)).where(c)).all()\n",
        "utf-8",
    )
    assert rewrap(before, one_call, 60).text == (
        "def f(s, db):\n    return db.scalars(\n        select(A).options(load(A.b)).where(c)\n"
        "    ).all()\n"
    )
    awaited = SourceText(
        "def f(s, db):\n    stmt = await db.scalars(select(A).options(load(A.b)).where(c))\n",
        "utf-8",
    )
    assert rewrap(before, awaited, 60).text == (
        "def f(s, db):\n    stmt = await db.scalars(\n"
        "        select(A).options(load(A.b)).where(c)\n    )\n"
    )


def test_a_commit_the_caller_chooses_gets_no_fix(project: Path) -> None:
    repo = REPO.replace(
        "def add(self, item: object)", "def add(self, item: object, commit: bool = True)"
    )
    repo = repo.replace(
        "        self.db.commit()", "        if commit:\n            self.db.commit()"
    )
    (project / "app/repositories/items.py").write_text(repo)
    findings = json.loads(invoke("--output-format", "json", "--select", "RPL201", "app").stdout)
    assert [(f["line"], f.get("fix")) for f in findings] == [(11, None), (15, None)]


def test_rows_of_a_helper_are_loaded_in_the_helpers_file(project: Path) -> None:
    (project / "app/models.py").write_text(MODELS)
    (project / "app/queries.py").write_text(
        "from sqlalchemy import select\nfrom sqlalchemy.orm import Session\n\n"
        "from app.models import Team\n\n\n"
        "def all_teams(db: Session) -> list[Team]:\n"
        "    return list(db.scalars(select(Team).order_by(Team.id)))\n"
    )
    (project / "app/report.py").write_text(
        "from sqlalchemy.orm import Session\n\nfrom app.queries import all_teams\n\n\n"
        "def sizes(db: Session) -> list[int]:\n"
        "    return [len(t.members) for t in all_teams(db)]\n"
    )
    result = invoke("--fix", "--unsafe-fixes", "--select", "RPL301", "app")
    assert (result.exit_code, result.stderr) == (0, "Fixed 1 problem in 1 file.\n")
    assert (project / "app/queries.py").read_text() == (
        "from sqlalchemy import select\nfrom sqlalchemy.orm import Session, selectinload\n\n"
        "from app.models import Team\n\n\n"
        "def all_teams(db: Session) -> list[Team]:\n"
        "    return list(\n"  # too long for one line: laid out as ruff format does
        "        db.scalars(select(Team).options(selectinload(Team.members)).order_by(Team.id))\n"
        "    )\n"
    )


def test_a_fix_survives_the_cache() -> None:
    from repolint.fixes.edits import fix_from_data, fix_to_data

    original = Fix(
        Applicability.UNSAFE, "m", (Edit("a.py", 1, 2, 1, 2, "x"), Edit("b.py", 3, 1, 3, 4, ""))
    )
    assert fix_from_data(json.loads(json.dumps(fix_to_data(original)))) == original
    assert fix_from_data(None) is None


PAGES = """\
from fastapi_pagination.ext.sqlalchemy import paginate
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Team


def inline(db: Session):
    return paginate(db, select(Team))


def named(db: Session, name: str):
    stmt = select(Team).where(Team.id > 0)
    return paginate(db, stmt)


def distinct(db: Session):
    return paginate(db, select(Team).distinct())


def columns(db: Session):
    return paginate(db, select(Team.id))


def extended(db: Session, big: bool):
    stmt = select(Team)
    stmt = stmt.where(Team.id > 1)
    return paginate(db, stmt)
"""


def test_a_statement_fastapi_pagination_pages_is_ordered_where_it_is_built(
    project: Path,
) -> None:
    (project / "app/models.py").write_text(MODELS)
    (project / "app/pages.py").write_text(PAGES)
    shown = json.loads(
        invoke("--unsafe-fixes", "--output-format", "json", "--select", "RPL401", "app").stdout
    )
    assert [(f["line"], f["fix"] is not None) for f in shown] == [
        (9, True),
        (14, True),
        (18, False),
        (22, False),
        (28, False),
    ]
    result = invoke("--fix", "--unsafe-fixes", "--select", "RPL401", "app")
    assert result.stderr == "Fixed 2 problems in 1 file.\n"
    fixed = (project / "app/pages.py").read_text()
    assert "return paginate(db, select(Team).order_by(Team.id))\n" in fixed
    assert "stmt = select(Team).where(Team.id > 0).order_by(Team.id)\n" in fixed
    assert fixed.count("order_by") == 2


ROWS = """\
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Team


def each_team(db: Session) -> Iterator[Team]:
    yield from db.scalars(select(Team))


def each_team_twice(db: Session) -> Iterator[Team]:
    yield from db.scalars(select(Team))
    yield from db.scalars(select(Team))


def from_generator(db: Session) -> list[int]:
    return [len(t.members) for t in each_team(db)]


def from_two_generators(db: Session) -> list[int]:
    return [len(t.members) for t in each_team_twice(db)]


def by_id_items(db: Session) -> dict[int, int]:
    by_id = {t.id: t for t in db.scalars(select(Team))}
    return {k: len(t.members) for k, t in by_id.items()}


def by_id_values(db: Session) -> list[int]:
    by_id = {t.id: t for t in db.scalars(select(Team))}
    return [len(t.members) for t in by_id.values()]
"""


def test_rows_through_a_generator_or_a_dict_are_loaded_where_selected(
    project: Path,
) -> None:
    (project / "app/models.py").write_text(MODELS)
    (project / "app/rows.py").write_text(ROWS)
    shown = json.loads(
        invoke("--unsafe-fixes", "--output-format", "json", "--select", "RPL301", "app").stdout
    )
    assert [(f["line"], f["fix"] is not None) for f in shown] == [
        (19, True),
        (23, False),  # two statements yield the rows: not one place to load them
        (28, True),
        (33, True),
    ]
    result = invoke("--fix", "--unsafe-fixes", "--select", "RPL301", "app")
    assert result.stderr == "Fixed 3 problems in 1 file.\n"
    fixed = (project / "app/rows.py").read_text()
    loaded = "db.scalars(select(Team).options(selectinload(Team.members)))"
    assert f"    yield from {loaded}\n\n\ndef each_team_twice" in fixed
    # too long for a line: split inside the braces, as ruff's formatter does
    assert fixed.count(f"by_id = {{\n        t.id: t for t in {loaded}\n    }}\n") == 2


PAGED = """\
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Team


def page_of(db: Session, page: int) -> tuple[list[Team], int]:
    if page < 1:
        return [], 0
    stmt = select(Team).offset(page - 1).limit(10)
    teams = list(db.scalars(stmt))
    return teams, len(teams)


def either(db: Session, old: bool) -> tuple[list[Team], int]:
    if old:
        return list(db.scalars(select(Team).where(Team.id < 5))), 0
    return list(db.scalars(select(Team))), 0


def sizes(db: Session) -> list[int]:
    teams, _total = page_of(db, 1)
    return [len(t.members) for t in teams]


def sizes_of_either(db: Session) -> list[int]:
    teams, _total = either(db, True)
    return [len(t.members) for t in teams]
"""


def test_rows_of_a_rows_and_total_helper_are_loaded_in_it(project: Path) -> None:
    (project / "app/models.py").write_text(MODELS)
    (project / "app/paged.py").write_text(PAGED)
    shown = json.loads(
        invoke("--unsafe-fixes", "--output-format", "json", "--select", "RPL301", "app").stdout
    )
    assert [(f["line"], f["fix"] is not None) for f in shown] == [
        (23, True),
        (28, False),  # two statements give the rows: not one place to load them
    ]
    result = invoke("--fix", "--unsafe-fixes", "--select", "RPL301", "app")
    assert result.stderr == "Fixed 1 problem in 1 file.\n"
    fixed = (project / "app/paged.py").read_text()
    assert (
        "    stmt = select(Team).options(selectinload(Team.members)).offset(page - 1).limit(10)\n"
        in fixed
    )
    assert fixed.count("selectinload(") == 1


KEPT = """\
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Team


def kept(db: Session) -> list[int]:
    result = db.scalars(select(Team))
    return [len(t.members) for t in result.all()]


def kept_twice(db: Session, old: bool) -> list[int]:
    result = db.scalars(select(Team))
    if old:
        result = db.scalars(select(Team).where(Team.id < 5))
    return [len(t.members) for t in result.all()]
"""


def test_a_result_kept_in_a_name_is_followed_to_its_statement(project: Path) -> None:
    (project / "app/models.py").write_text(MODELS)
    (project / "app/kept.py").write_text(KEPT)
    shown = json.loads(
        invoke("--unsafe-fixes", "--output-format", "json", "--select", "RPL301", "app").stdout
    )
    assert [(f["line"], f["fix"] is not None) for f in shown] == [(9, True), (16, False)]
    result = invoke("--fix", "--unsafe-fixes", "--select", "RPL301", "app")
    assert result.stderr == "Fixed 1 problem in 1 file.\n"
    fixed = (project / "app/kept.py").read_text()
    assert "    result = db.scalars(select(Team).options(selectinload(Team.members)))\n" in fixed


LEGACY = """\
from sqlalchemy.orm import Session

from app.models import Team


def teams(db: Session, low: int) -> list[Team]:
    return (
        db.query(Team)  # the teams
        .filter(Team.id > low)
        .order_by(Team.id)
        .all()
    )


def first_team(db: Session) -> Team | None:
    return (
        db.query(Team)
        .order_by(Team.id)  # by id
        .first()
    )


def team(db: Session, key: int) -> Team | None:
    return (
        db.query(Team)  # kept: the comment would go with the edit
        .get(key)
    )
"""


def test_a_legacy_chain_over_several_lines_keeps_its_lines(project: Path) -> None:
    (project / "app/models.py").write_text(MODELS)
    (project / "app/legacy.py").write_text(LEGACY)
    (project / "pyproject.toml").write_text("[tool.repolint]\nextend-select = ['RPL404']\n")
    result = invoke("--fix", "--unsafe-fixes", "--select", "RPL404", "app")
    assert result.stderr == "Fixed 2 problems in 1 file.\n"
    assert (project / "app/legacy.py").read_text() == (
        "from sqlalchemy import select\nfrom sqlalchemy.orm import Session\n\n"
        "from app.models import Team\n\n\n"
        "def teams(db: Session, low: int) -> list[Team]:\n"
        "    return (\n"
        "        db.scalars(select(Team)  # the teams\n"
        "        .where(Team.id > low)\n"
        "        .order_by(Team.id))\n"
        "        .all()\n"
        "    )\n\n\n"
        "def first_team(db: Session) -> Team | None:\n"
        "    return (\n"
        "        db.scalars(select(Team)\n"
        "        .order_by(Team.id).limit(1))  # by id\n"
        "        .first()\n"
        "    )" + LEGACY[LEGACY.index("\n\n\ndef team(") :]
    )


TEAMS_REPO = """\
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Team


class TeamRepository:
    def __init__(self, db: Session) -> None:
        self.db = db

    def list_from(self, low: int) -> list[Team]:
        \"\"\"Teams from an id on,
        in id order.\"\"\"
        stmt = select(Team).where(Team.id >= low)
        stmt = stmt.order_by(Team.id)
        return list(self.db.scalars(stmt))

    def get_by_id(self, team_id: int) -> Team | None:
        return self.db.get(Team, team_id)


class LegacyTeamRepository:
    model = Team

    def __init__(self, db: Session) -> None:
        self.db = db

    def get_by_id(self, team_id: int) -> Team | None:
        return self.db.query(Team).filter(Team.id == team_id).first()


class HelperTeamRepository:
    model = Team

    def __init__(self, db: Session) -> None:
        self.db = db

    def _teams(self):
        return select(Team)

    def get_by_id(self, team_id: int) -> Team | None:
        return self.db.scalars(self._teams().where(Team.id == team_id)).first()
"""
ASYNC_TEAMS_REPO = """\
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.models import Team


class AsyncTeamRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_all(self) -> list[Team]:
        \"\"\"Every team.\"\"\"
        rows = await self.session.scalars(select(Team).order_by(Team.id))
        return list(rows)
"""
TEAM_CALLERS = """\
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.repositories.async_teams import AsyncTeamRepository
from app.repositories.teams import TeamRepository


def sizes(db: Session) -> list[int]:
    return [len(t.members) for t in TeamRepository(db).list_from(2)]


async def names(db: AsyncSession) -> list[int]:
    return [len(t.members) + len(t.projects) for t in await AsyncTeamRepository(db).list_all()]
"""


def test_a_repository_method_gets_its_with_relations_twin(project: Path) -> None:
    """RPL304: the twin is the method's text, renamed, with a one-line docstring and
    `selectinload` where its statement is built: what callers traverse (`list_*`), every
    lazy relationship for a `get_by_id` nobody traverses; sync or async, `select()` or
    `session.query()`, laid out as ruff format would. No twin from a helper's statement."""
    (project / "app/models.py").write_text(MODELS)
    (project / "app/repositories/teams.py").write_text(TEAMS_REPO)
    (project / "app/repositories/async_teams.py").write_text(ASYNC_TEAMS_REPO)
    (project / "app/report.py").write_text(TEAM_CALLERS)
    shown = json.loads(
        invoke("--output-format", "json", "--select", "RPL304", "--unsafe-fixes", "app").stdout
    )
    assert [(f["path"], f["line"], (f["fix"] or {}).get("message")) for f in shown] == [
        (
            "app/repositories/async_teams.py",
            8,
            "Add `list_all_with_relations()`, which eager-loads",
        ),
        (
            "app/repositories/teams.py",
            7,
            "Add `get_by_id_with_relations()`, `list_from_with_relations()`, which eager-loads",
        ),
        ("app/repositories/teams.py", 22, "Add `get_by_id_with_relations()`, which eager-loads"),
        ("app/repositories/teams.py", 32, None),  # the statement comes from `self._teams()`
    ]
    assert all(f["fix"] is None or f["fix"]["applicability"] == "unsafe" for f in shown)
    result = invoke("--fix", "--select", "RPL304", "app")  # unsafe: not applied by --fix
    assert (project / "app/repositories/teams.py").read_text() == TEAMS_REPO
    result = invoke("--fix", "--unsafe-fixes", "--select", "RPL304", "app")
    assert result.stderr == "Fixed 3 problems in 2 files.\n"
    assert (project / "app/repositories/teams.py").read_text() == TEAMS_REPO.replace(
        "from sqlalchemy.orm import Session\n", "from sqlalchemy.orm import Session, selectinload\n"
    ).replace(
        "        return list(self.db.scalars(stmt))\n",
        "        return list(self.db.scalars(stmt))\n\n"
        "    def list_from_with_relations(self, low: int) -> list[Team]:\n"
        '        """`list_from()` with Team.members eager-loaded."""\n'
        "        stmt = select(Team).options(selectinload(Team.members)).where(Team.id >= low)\n"
        "        stmt = stmt.order_by(Team.id)\n"
        "        return list(self.db.scalars(stmt))\n",
    ).replace(
        "        return self.db.get(Team, team_id)\n",
        "        return self.db.get(Team, team_id)\n\n"
        "    def get_by_id_with_relations(self, team_id: int) -> Team | None:\n"
        '        """`get_by_id()` with Team.members and Team.projects eager-loaded."""\n'
        "        return self.db.get(\n"
        "            Team,\n"
        "            team_id,\n"
        "            options=[selectinload(Team.members), selectinload(Team.projects)],\n"
        "        )\n",
    ).replace(
        "        return self.db.query(Team).filter(Team.id == team_id).first()\n",
        "        return self.db.query(Team).filter(Team.id == team_id).first()\n\n"
        "    def get_by_id_with_relations(self, team_id: int) -> Team | None:\n"
        '        """`get_by_id()` with Team.members and Team.projects eager-loaded."""\n'
        "        return (\n"
        "            self.db.query(Team)\n"
        "            .options(selectinload(Team.members), selectinload(Team.projects))\n"
        "            .filter(Team.id == team_id)\n"
        "            .first()\n"
        "        )\n",
    )
    assert (project / "app/repositories/async_teams.py").read_text() == ASYNC_TEAMS_REPO + (
        "\n"
        "    async def list_all_with_relations(self) -> list[Team]:\n"
        '        """`list_all()` with Team.members and Team.projects eager-loaded."""\n'
        "        rows = await self.session.scalars(\n"
        "            select(Team)\n"
        "            .options(selectinload(Team.members), selectinload(Team.projects))\n"
        "            .order_by(Team.id)\n"
        "        )\n"
        "        return list(rows)\n"
    )
    left = json.loads(invoke("--output-format", "json", "--select", "RPL304", "app").stdout)
    assert [(f["path"], f["line"]) for f in left] == [("app/repositories/teams.py", 55)]


def test_no_twin_when_get_is_not_the_sessions(project: Path) -> None:
    """`self.store.get(Team, id)` of an object that is not a session takes no `options=`."""
    (project / "app/models.py").write_text(MODELS)
    (project / "app/repositories/teams.py").write_text(
        "from sqlalchemy.orm import Session\n\n"
        "from app.models import Team\n\n\n"
        "class Store:\n"
        "    def get(self, model: type, key: int) -> Team | None:\n"
        "        return None\n\n\n"
        "class TeamRepository:\n"
        "    model = Team\n\n"
        "    def __init__(self, db: Session, store: Store) -> None:\n"
        "        self.db = db\n"
        "        self.store = store\n\n"
        "    def get_by_id(self, team_id: int) -> Team | None:\n"
        "        return self.store.get(Team, team_id)\n"
    )
    shown = json.loads(
        invoke("--output-format", "json", "--select", "RPL304", "--unsafe-fixes", "app").stdout
    )
    assert [(f["line"], f["fix"]) for f in shown] == [(11, None)]


def test_rewrap_lays_out_again_a_statement_split_inside_its_brackets() -> None:
    """`x = (` / chain / `)` and `db.scalars(` / statement / `).all()`, made too long inside
    by a fix: joined, then laid out as ruff formats them (one call a line)."""
    wrapped = (
        "def f():\n    teams = (\n"
        "        Team.query.filter(*filters).order_by(Team.id).all()\n    )\n"
    )
    grown = wrapped.replace(
        "Team.query.filter", "Team.query.options(selectinload(Team.members)).filter"
    ).replace("(*filters)", "(*filters, Team.name.startswith(prefix))")
    assert rewrap(SourceText(wrapped, "utf-8"), SourceText(grown, "utf-8"), 88).text == (
        "def f():\n    teams = (\n"
        "        Team.query.options(selectinload(Team.members))\n"
        "        .filter(*filters, Team.name.startswith(prefix))\n"
        "        .order_by(Team.id)\n"
        "        .all()\n    )\n"
    )
    call = (
        "def f():\n    rows = db.scalars(\n"
        "        select(Team).where(Team.id > 3).order_by(Team.id)\n    ).all()\n"
    )
    loaded = "select(Team).options(selectinload(Team.members))"
    longer = call.replace("select(Team)", loaded)
    assert rewrap(SourceText(call, "utf-8"), SourceText(longer, "utf-8"), 70).text == (
        "def f():\n    rows = db.scalars(\n"
        "        select(Team)\n"
        "        .options(selectinload(Team.members))\n"
        "        .where(Team.id > 3)\n"
        "        .order_by(Team.id)\n"
        "    ).all()\n"
    )
    trailing = call.replace("order_by(Team.id)\n", "order_by(Team.id),\n")
    kept = SourceText(trailing.replace("select(Team)", loaded), "utf-8")
    assert rewrap(SourceText(trailing, "utf-8"), kept, 70) is kept  # a trailing comma: as is
