"""`--jobs N`: the same findings, in the same order, for any number of processes."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from repolint import engine, parallel
from repolint.config import load_settings
from repolint.report.progress import TerminalProgress, wanted
from repolint.runner import RunResult, run
from tests.generated_project import generate
from tests.sample_oracle import SAMPLES

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="needs fork")


def check(path: Path, jobs: int) -> RunResult:
    settings, _ = load_settings([str(path)])
    return run([str(path)], settings, jobs=jobs)


def same(a: RunResult, b: RunResult) -> None:
    assert a.findings == b.findings  # content and order
    assert a.errors == b.errors
    assert a.files_checked == b.files_checked


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("generated")
    generate(root)
    return root


@pytest.fixture(scope="module")
def serial(generated: Path) -> RunResult:
    return check(generated, 1)


def test_sample_code_is_the_same_with_two_processes() -> None:
    one = check(SAMPLES, 1)
    assert one.findings
    same(one, check(SAMPLES, 2))


@pytest.mark.parametrize("jobs", [2, 3])
def test_generated_project_is_the_same_for_any_jobs(
    generated: Path, serial: RunResult, jobs: int
) -> None:
    codes = {f.code for f in serial.findings}
    assert {"RPL101", "RPL102", "RPL201", "RPL301", "RPL304"} <= codes
    same(serial, check(generated, jobs))


def test_traversals_typed_by_another_worker_reach_rpl304(
    generated: Path, serial: RunResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reports that traverse `list_recent()` rows go to one worker, the
    repositories to the other: RPL304 still sees the traversals."""

    def split(groups: list[list[int]], jobs: int) -> list[list[list[int]]]:
        order = [i for group in groups for i in group]
        names = [m.name for m in typed_modules]
        reports = [i for i in order if ".zreports." in names[i]]
        return [[[i for i in order if i not in reports]], [reports]]

    typed_modules: list = []
    real_checker = engine.Checker.__init__

    def remember(self: engine.Checker, *args: object, **kwargs: object) -> None:
        real_checker(self, *args, **kwargs)  # type: ignore[arg-type]
        typed_modules[:] = self.modules

    monkeypatch.setattr(engine.Checker, "__init__", remember)
    monkeypatch.setattr(parallel, "queues", split)
    result = check(generated, 2)
    same(serial, result)
    flagged = [f for f in result.findings if f.code == "RPL304" and "list_recent()" in f.message]
    assert len(flagged) == 12


def test_a_failing_worker_falls_back_to_one_process(
    generated: Path, serial: RunResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = os.getpid()
    real_first = engine.Checker.first

    def first(self: engine.Checker, i: int) -> engine.ModuleOutcome:
        if os.getpid() != parent:
            raise RuntimeError("worker lost")
        return real_first(self, i)

    monkeypatch.setattr(engine.Checker, "first", first)
    same(serial, check(generated, 2))


def test_without_fork_one_process_checks(
    generated: Path, serial: RunResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    same(serial, check(generated, 2))


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_for_people_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdout", Tty())
    assert wanted("full", quiet=False, stream=Tty())
    assert wanted("concise", quiet=False, stream=Tty())
    assert not wanted("full", quiet=False, stream=io.StringIO())  # not a terminal
    assert not wanted("full", quiet=True, stream=Tty())
    for machine in ("json", "json-lines", "sarif", "github", "junit"):
        assert not wanted(machine, quiet=False, stream=Tty())
    monkeypatch.setattr("sys.stdout", io.StringIO())  # output piped: no bar either
    assert not wanted("full", quiet=False, stream=Tty())


def test_progress_waits_before_drawing() -> None:
    stream = Tty()
    bar = TerminalProgress(stream, delay=60)
    for done in range(1, 11):
        bar("analysing", done, 10)
    bar.close()
    assert stream.getvalue() == ""  # a short run never shows a bar
    drawn = TerminalProgress(stream, delay=0)
    drawn("analysing", 5, 10)
    drawn.close()
    assert "analysing" in stream.getvalue()


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_renaming_an_unrelated_file_changes_nothing(tmp_path: Path, jobs: int) -> None:
    """Facts typed from callers (parameters, per-row calls) do not depend on the order
    the files are met in: an unrelated file first or last in file order, any `--jobs`."""
    import shutil

    baseline = check(SAMPLES, 1)
    keys = sorted((Path(f.path).name, f.line, f.code) for f in baseline.findings)
    for name in ("aaa_first.py", "zzz_last.py"):
        root = tmp_path / name.removesuffix(".py")
        shutil.copytree(SAMPLES, root / "sample_code")
        (root / "sample_code" / "library" / name).write_text("VALUE = 1\n", encoding="utf-8")
        moved = check(root / "sample_code", jobs)
        assert sorted((Path(f.path).name, f.line, f.code) for f in moved.findings) == keys


RECURSIVE_MODELS = """\
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "author"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Book(Base):
    __tablename__ = "book"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"))
    author: Mapped[Author] = relationship()
"""

LISTING = """\
def listing(db: Session) -> list[str]:
    return list(names(db, 2))
"""

NAMES = """\
def names(db: Session, depth: int):
    if depth:
        rows = names(db, depth - 1)
        return [r.author.name for r in rows]
    return db.scalars(select(Book)).all()
"""


@pytest.mark.parametrize("listing_first", [True, False])
def test_a_function_typed_early_in_a_cycle_is_typed_as_in_its_turn(
    tmp_path: Path, listing_first: bool
) -> None:
    """`listing()` asks for the facts of `names()`, defined after it, before its turn:
    they are computed then. `names()` calls itself, so that computation sees its own
    recursive call unfinished; its nodes are typed again in its turn, as when it comes
    first, and the read per row is reported either way."""
    (tmp_path / "pyproject.toml").write_text("[tool.repolint]\n", encoding="utf-8")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "app" / "models.py").write_text(RECURSIVE_MODELS, encoding="utf-8")
    head = "from sqlalchemy import select\nfrom sqlalchemy.orm import Session\n\n"
    head += "from app.models import Book\n\n\n"
    body = f"{LISTING}\n\n{NAMES}" if listing_first else f"{NAMES}\n\n{LISTING}"
    (tmp_path / "app" / "report.py").write_text(head + body, encoding="utf-8")
    for jobs in (1, 2):
        found = [(f.code, f.message) for f in check(tmp_path / "app", jobs).findings]
        assert [code for code, _ in found] == ["RPL301"]
        assert "`Author`" in found[0][1]


STORE_MODELS = """\
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "item"
    id: Mapped[int] = mapped_column(primary_key=True)
"""

LABEL = """\
    def label(self):
        return self.name.upper()
"""

STORE = """\
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from app.models import Item


class ItemStore:
{first}
    def __init__(self, url):
        self.name = url
        self.session = Session(create_engine(url))
        self.session.info["store"] = url

    def save_all(self, ids):
        for item_id in ids:
            self.session.merge(Item(id=item_id))
{last}"""


@pytest.mark.parametrize("label_first", [True, False])
def test_a_self_attribute_typed_while_a_cycle_is_cut_is_typed_again(
    tmp_path: Path, label_first: bool
) -> None:
    """`label()`, typed before `__init__`, asks for the constructor's facts; while they
    are computed, `__init__` reads `self.session` and meets its own unfinished facts.
    That provisional answer (nothing known) is not remembered: `save_all()` later sees
    the session, and its `merge()` per item is reported whatever the method order."""
    (tmp_path / "pyproject.toml").write_text("[tool.repolint]\n", encoding="utf-8")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "app" / "models.py").write_text(STORE_MODELS, encoding="utf-8")
    first, last = (LABEL, "") if label_first else ("", "\n" + LABEL)
    source = STORE.format(first=first, last=last)
    (tmp_path / "app" / "store.py").write_text(source, encoding="utf-8")
    for jobs in (1, 2):
        found = [(f.code, f.message) for f in check(tmp_path / "app", jobs).findings]
        assert [code for code, _ in found] == ["RPL303"]
        assert "`merge()`" in found[0][1]
