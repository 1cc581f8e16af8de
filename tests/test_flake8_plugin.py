"""The flake8 plugin agrees with `repolint check`, cross-file findings included."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from repolint import integrations
from repolint.integrations.flake8 import Plugin

pytest.importorskip("flake8")

ROOT = Path(__file__).resolve().parent.parent
LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+):? (?P<code>[A-Z]+\d+)\b")

MODELS = """\
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "author"
    id: Mapped[int] = mapped_column(primary_key=True)
    books: Mapped[list["Book"]] = relationship(back_populates="author")


class Book(Base):
    __tablename__ = "book"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"))
    author: Mapped[Author] = relationship(back_populates="books")
"""
REPORTS = """\
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Author, Book


def book_counts(db: Session) -> dict[int, int]:
    counts = {}
    for author in db.scalars(select(Author)):
        counts[author.id] = len(author.books)
    return counts


def titles_by_author(db: Session) -> list[int]:
    return [book.author.id for book in db.scalars(select(Book))]
"""
"""Two N+1 (lines 10 and 15) that only the models in another file reveal."""


def write_mini_project(root: Path) -> Path:
    """A two-file project: models in one file, N+1 loops in `app/reports.py`."""
    (root / "app").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[project]\nname = "mini"\n')
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "models.py").write_text(MODELS)
    (root / "app" / "reports.py").write_text(REPORTS)
    return root / "app" / "reports.py"


def run(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "REPOLINT_OUTPUT_FORMAT"}
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def reported(output: str) -> set[tuple[str, int, int, str]]:
    """(path, line, 1-based column, code) of every `path:line:col: CODE ...` line."""
    found = set()
    for line in output.splitlines():
        match = LINE.match(line)
        if match:
            path = os.path.normpath(match["path"])
            found.add((path, int(match["line"]), int(match["col"]), match["code"]))
    return found


def repolint(*args: str, cwd: Path) -> set[tuple[str, int, int, str]]:
    result = run("repolint", "check", "--output-format", "concise", "-q", *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return reported(result.stdout)


def flake8(*args: str, cwd: Path, stdin: str | None = None) -> set[tuple[str, int, int, str]]:
    result = run("flake8", "--select=RPL", *args, cwd=cwd, stdin=stdin)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    return reported(result.stdout)


def test_flake8_reports_what_repolint_check_reports_on_the_sample() -> None:
    expected = repolint("sample_code", cwd=ROOT)
    assert expected, "the sample has findings"
    assert flake8("sample_code", cwd=ROOT) == expected


def test_flake8_on_one_file_sees_the_models_of_the_project(tmp_path: Path) -> None:
    write_mini_project(tmp_path)
    expected = repolint("app/reports.py", cwd=tmp_path)
    assert {(line, code) for _, line, _, code in expected} == {(10, "RPL301"), (15, "RPL301")}
    assert flake8("app/reports.py", cwd=tmp_path) == expected
    # flake8 -j2 over the folder: every worker analyses the project, same answer.
    assert flake8("-j", "2", "app", cwd=tmp_path) == repolint("app", cwd=tmp_path)


def test_noqa_is_flake8s_and_repolint_disable_is_ours(tmp_path: Path) -> None:
    reports = write_mini_project(tmp_path)
    lines = REPORTS.splitlines()
    lines[9] += "  # noqa: RPL301"
    lines[14] += "  # repolint: disable=RPL301"
    reports.write_text("\n".join(lines) + "\n")
    assert flake8("app/reports.py", cwd=tmp_path) == set()
    shown = flake8("--disable-noqa", "app/reports.py", cwd=tmp_path)
    assert {(line, code) for _, line, _, code in shown} == {(10, "RPL301")}


def test_stdin_buffer_is_checked_as_the_named_file(tmp_path: Path) -> None:
    write_mini_project(tmp_path)
    fixed = REPORTS.replace("import Session", "import Session, selectinload").replace(
        "select(Author)", "select(Author).options(selectinload(Author.books))"
    )
    found = flake8("--stdin-display-name", "app/reports.py", "-", cwd=tmp_path, stdin=fixed)
    assert {(line, code) for _, line, _, code in found} == {(15, "RPL301")}


def test_plugin_yields_flake8_tuples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reports = write_mini_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    integrations.reset()
    try:
        lines = REPORTS.splitlines(keepends=True)
        results = list(Plugin(ast.parse(REPORTS), str(reports), lines).run())
        assert [(line, col, text.split()[0]) for line, col, text, _ in results] == [
            (10, 39, "RPL301"),
            (15, 17, "RPL301"),
        ]
        assert all(kind is Plugin for *_, kind in results)
        config = '[project]\nname = "mini"\n\n[tool.repolint]\nignore = ["RPL301"]\n'
        (tmp_path / "pyproject.toml").write_text(config)
        integrations.reset()
        assert list(Plugin(ast.parse(REPORTS), str(reports), lines).run()) == []
    finally:
        integrations.reset()


def test_a_configuration_error_is_one_finding_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reports = write_mini_project(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.repolint]\nselct = ["RPL3"]\n')
    monkeypatch.chdir(tmp_path)
    integrations.reset()
    try:
        lines = REPORTS.splitlines(keepends=True)
        [(line, col, text, _)] = Plugin(ast.parse(REPORTS), str(reports), lines).run()
    finally:
        integrations.reset()
    assert (line, col) == (1, 0)
    assert text.startswith("RPL000 cannot run repolint: ") and "did you mean 'select'" in text


def readme_flake8_selection() -> str:
    """The `--select=...` of the README's "only repolint's" flake8 line."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("### flake8", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    [selection] = re.findall(r"^flake8 (--select=\S+) app/", block, re.MULTILINE)
    return selection


def test_readme_selection_fails_on_a_file_that_does_not_parse(tmp_path: Path) -> None:
    """flake8 runs no plugin on a file with a syntax error: the README's selection must
    keep flake8's own E999, or the file passes with exit 0."""
    selection = readme_flake8_selection()
    (tmp_path / "broken.py").write_text("def broken(:\n    pass\n")
    result = run("flake8", selection, "broken.py", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.fullmatch(r"broken\.py:1:\d+: E999 SyntaxError: .+\n", result.stdout)
    missing = run("flake8", selection, "missing.py", cwd=tmp_path)
    assert missing.returncode == 1 and " E902 " in missing.stdout
    # The plugin's own findings are still reported with that selection.
    write_mini_project(tmp_path)
    found = reported(run("flake8", selection, "app", cwd=tmp_path).stdout)
    assert {(line, code) for _, line, _, code in found} == {(10, "RPL301"), (15, "RPL301")}
