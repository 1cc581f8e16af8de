"""The content-hash cache: reused while nothing changed, never stale across files."""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from repolint import cache as cache_module
from repolint import engine, integrations
from repolint.cache import ResultCache, clean
from repolint.cli import main
from repolint.config import load_settings
from repolint.discovery import discover
from repolint.findings import FileError, Finding, Severity
from repolint.runner import analyse_with_cache, run

MODELS = """
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class Team(Base):
    __tablename__ = "team"
    id: Mapped[int] = mapped_column(primary_key=True)
    members = relationship("Member", backref="team")

class Member(Base):
    __tablename__ = "member"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
"""

LAZY_QUERY = "select(Team)"
EAGER_QUERY = "select(Team).options(selectinload(Team.members))"

REPO = """
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from app.models import Team

class TeamRepository:
    def __init__(self, db: Session):
        self.db = db

    def list_all(self):
        return self.db.scalars(QUERY).all()
"""

REPORT = """
from sqlalchemy.orm import Session
from app.repo import TeamRepository

def sizes(db: Session):
    return [len(t.members) for t in TeamRepository(db).list_all()]
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    files = {
        "pyproject.toml": "[tool.repolint]\n",
        "app/__init__.py": "",
        "app/models.py": MODELS,
        "app/repo.py": REPO.replace("QUERY", LAZY_QUERY),
        "app/report.py": REPORT,
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(textwrap.dedent(text), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REPOLINT_CACHE_DIR", raising=False)
    monkeypatch.delenv("REPOLINT_NO_CACHE", raising=False)
    return tmp_path


def check(cache: ResultCache | None = None) -> list[tuple[str, int, str]]:
    settings, _ = load_settings(["app"])
    result = run(["app"], settings, cache=cache)
    return [(f.path, f.line, f.code) for f in result.findings]


def forbid_analysis(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("analysed although the cache holds the answer")

    monkeypatch.setattr(engine, "analyse", refuse)


def test_warm_run_reads_the_cache(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = ResultCache(project / ".repolint_cache")
    cold = check(cache)
    assert ("app/report.py", 6, "RPL301") in cold
    forbid_analysis(monkeypatch)
    assert check(cache) == cold


def test_editing_a_repository_changes_findings_in_another_file(project: Path) -> None:
    cache = ResultCache(project / ".repolint_cache")
    assert ("app/report.py", 6, "RPL301") in check(cache)
    repo = project / "app" / "repo.py"
    repo.write_text(textwrap.dedent(REPO.replace("QUERY", EAGER_QUERY)), encoding="utf-8")
    warm = check(cache)
    assert not [f for f in warm if f[0] == "app/report.py"]  # report.py itself is unchanged
    assert warm == check(None)
    repo.write_text(textwrap.dedent(REPO.replace("QUERY", LAZY_QUERY)), encoding="utf-8")
    assert ("app/report.py", 6, "RPL301") in check(cache)


def test_settings_and_selection_are_part_of_the_key(project: Path) -> None:
    cache = ResultCache(project / ".repolint_cache")
    settings, _ = load_settings(["app"])
    found = discover(["app"], settings)
    everything = frozenset({"RPL301", "RPL304"})
    key = cache.key(found.files, settings, everything, display=found.display)
    assert key is not None
    assert key != cache.key(found.files, settings, frozenset({"RPL301"}), display=found.display)
    other = settings.__class__(**{**settings.__dict__, "repository_suffixes": ("Store",)})
    assert key != cache.key(found.files, other, everything, display=found.display)
    shown = {path: "x/" + name for path, name in found.display.items()}
    assert key != cache.key(found.files, settings, everything, display=shown)
    assert key != cache.key(found.files[:-1], settings, everything, display=found.display)


def test_folder_has_gitignore_and_tag_and_prunes_old_entries(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = project / ".repolint_cache"
    cache = ResultCache(folder)
    monkeypatch.setattr(cache_module, "ENTRIES_KEPT", 3)
    for i in range(5):
        cache.store(f"{i:040x}", [], [])
        os.utime(folder / f"{i:040x}.json", ns=(i * 10**9, i * 10**9))
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    assert "Signature: 8a477f597d28d172789f06886806bc55" in (folder / "CACHEDIR.TAG").read_text()
    cache.store("f" * 40, [], [])
    kept = sorted(p.name for p in folder.glob("*.json"))
    assert len(kept) == 3 and "f" * 40 + ".json" in kept
    assert not list(folder.glob(".tmp-*"))


def test_entries_round_trip_every_field(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "c")
    finding = Finding(
        "odd\nname\x1b.py", 3, 4, "RPL302", "msg `x`", "lazy", Severity.ERROR, 3, 9, "hint"
    )
    error = FileError("loop.py", "too many levels of symbolic links")
    cache.store("a" * 40, [finding], [error])
    assert cache.load("a" * 40) == ([finding], [error])
    assert cache.load("b" * 40) is None


@pytest.mark.parametrize(
    "garbage", ["", "{", "[]", '{"format": 1}', '{"format": 1, "key": "x", "findings": 3}']
)
def test_corrupt_entry_is_a_miss(project: Path, garbage: str) -> None:
    cache = ResultCache(project / ".repolint_cache")
    cold = check(cache)
    (entry,) = (project / ".repolint_cache").glob("*.json")
    entry.write_text(garbage, encoding="utf-8")
    assert check(cache) == cold
    assert json.loads(entry.read_text())["findings"]  # written again


def test_unwritable_cache_is_skipped(project: Path) -> None:
    blocker = project / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    assert check(ResultCache(blocker / "cache")) == check(None)


def test_cli_options_and_clean(project: Path) -> None:
    runner = CliRunner()
    args = ["check", "--output-format", "concise", "app"]
    assert runner.invoke(main, [*args, "--no-cache"]).exit_code == 1
    assert not (project / ".repolint_cache").exists()
    assert runner.invoke(main, args).exit_code == 1
    assert list((project / ".repolint_cache").glob("*.json"))
    other = project / "elsewhere"
    assert runner.invoke(main, [*args, "--cache-dir", str(other)]).exit_code == 1
    assert list(other.glob("*.json"))
    result = runner.invoke(main, ["clean"])
    assert result.exit_code == 0
    assert not (project / ".repolint_cache").exists()
    assert runner.invoke(main, ["clean", "--cache-dir", str(other)]).exit_code == 0
    assert not other.exists()


def test_clean_leaves_foreign_folders_alone(tmp_path: Path) -> None:
    (tmp_path / "precious").mkdir()
    (tmp_path / "precious" / "data.txt").write_text("keep", encoding="utf-8")
    assert not clean(tmp_path / "precious")
    assert (tmp_path / "precious" / "data.txt").exists()
    result = CliRunner().invoke(main, ["clean", "--cache-dir", str(tmp_path / "precious")])
    assert result.exit_code == 2
    assert (tmp_path / "precious" / "data.txt").exists()


def test_plugins_read_the_cache(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    integrations.reset()
    report = str(project / "app" / "report.py")
    cold = integrations.findings_for(report)
    assert [f.code for f in cold] == ["RPL301"]
    assert list((project / ".repolint_cache").glob("*.json"))
    integrations.reset()
    forbid_analysis(monkeypatch)
    assert integrations.findings_for(report) == cold
    integrations.reset()


def _analyse_in_process(root: str, log: str) -> None:
    """A flake8-like worker: analyse the project through the cache, logging analyses."""
    real = engine.analyse

    def logged(*args: object, **kwargs: object) -> object:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write("analysed\n")
        time.sleep(0.5)  # the others start meanwhile and must wait, not analyse
        return real(*args, **kwargs)  # type: ignore[arg-type]

    engine.analyse = logged  # type: ignore[assignment]
    os.chdir(root)
    settings, _ = load_settings(["app"])
    found = discover(["app"], settings)
    cache = ResultCache(Path(root) / ".repolint_cache")
    result = analyse_with_cache(found, settings, frozenset({"RPL301"}), cache=cache)
    assert [f.code for f in result.findings] == ["RPL301"]


@pytest.mark.skipif(sys.platform == "win32", reason="the lock needs fcntl")
def test_concurrent_processes_analyse_once(project: Path) -> None:
    log = project / "log.txt"
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_analyse_in_process, args=(str(project), str(log))) for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    assert log.read_text().splitlines() == ["analysed"]


def _hammer(folder: str, key: str, rounds: int) -> None:
    cache = ResultCache(Path(folder))
    finding = Finding("a.py", 1, 1, "RPL301", "m" * 2000, "lazy-load-per-row")
    for _ in range(rounds):
        cache.store(key, [finding] * 50, [])
        loaded = cache.load(key)
        assert loaded is not None and len(loaded[0]) == 50


def test_concurrent_writers_never_expose_partial_entries(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_hammer, args=(str(tmp_path / "c"), "k" * 40, 40)) for _ in range(3)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    assert not list((tmp_path / "c").glob(".tmp-*"))


@pytest.mark.skipif(sys.platform == "win32", reason="the lock needs fcntl")
def test_a_stuck_lock_holder_is_not_waited_for_forever(tmp_path: Path) -> None:
    import fcntl

    cache = ResultCache(tmp_path / "c")
    with cache.lock("k" * 40):
        pass  # creates the folder and the lock file
    with open(tmp_path / "c" / ("k" * 40 + ".lock"), "a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        start = time.monotonic()
        with cache.lock("k" * 40, wait=0.2):
            waited = time.monotonic() - start
    assert 0.2 <= waited < 5
