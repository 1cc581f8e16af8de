"""Robustness: no traceback, one clear line per bad input, whatever the code base.

The default run (and so CI) covers pathological inputs, a few generated
programs and a few packages of the standard library. `pytest -m robustness`
runs every rule over the whole standard library of the running Python, over
real code bases (`REPOLINT_ROBUSTNESS_PATHS`, folders separated by
`os.pathsep`; by default the ones `benchmarks/run.py --download-only` keeps in
`$TMPDIR/repolint-benchmarks`, and `/tmp/realcode/src`), and over many more
generated programs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from repolint.engine import NESTED_TOO_DEEP, analyse
from repolint.rules import ALL_RULES
from repolint.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
ALL_CODES = frozenset(rule.code for rule in ALL_RULES)
STDLIB = Path(sysconfig.get_paths()["stdlib"])
STDLIB_SUBSET = ("json", "email", "sqlite3", "logging", "asyncio", "importlib", "ast.py")
DOWNLOADED = (Path(tempfile.gettempdir()) / "repolint-benchmarks", Path("/tmp/realcode/src"))


def repolint(*args: str, cwd: Path, timeout: float = 1800) -> subprocess.CompletedProcess[str]:
    """`repolint check` in a subprocess, outside any git work tree above `cwd`."""
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "PYTHONPATH": str(ROOT),
        "GIT_CEILING_DIRECTORIES": str(cwd.parent),
    }
    env.pop("REPOLINT_OUTPUT_FORMAT", None)
    return subprocess.run(
        [sys.executable, "-m", "repolint", "check", "--no-cache", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        errors="surrogateescape",
    )


def assert_survived(proc: subprocess.CompletedProcess[str], *, allow_errors: bool) -> None:
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out, out[-3000:]
    assert "internal error" not in out, out[-3000:]
    assert proc.returncode <= (2 if allow_errors else 1), out[-3000:]


# --- pathological inputs -------------------------------------------------------------

GOOD = """\
from sqlalchemy.orm import Session


async def route(db: Session):
    db.commit()
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    (root / "good.py").write_text(GOOD, encoding="utf-8")
    with open(root / "huge.py", "w", encoding="utf-8") as handle:  # 20 MB
        handle.write("x = 1\n" * 3_500_000)
    (root / "blob.py").write_bytes(bytes(range(256)) * 64)
    (root / "loop.py").symlink_to("loop.py")
    (root / "new\nline.py").write_text("def broken(:\n", encoding="utf-8")
    (root / "esc\x1b[31mred\x07.py").write_text("def broken(:\n", encoding="utf-8")
    # 10 000 levels: parsed on a larger stack, then too deep for the analysis itself
    deep = "def chain(db):\n    return db" + ".query()" * 10_000 + "\n"
    (root / "deep.py").write_text(deep, encoding="utf-8")
    (root / "caller.py").write_text(
        "from deep import chain\n\n\ndef use(db):\n    return chain(db)\n", encoding="utf-8"
    )
    return root


HOSTILE_LINES = {
    "huge.py": "too large",
    "blob.py": "NUL bytes",
    "loop.py": "symlink loop",
    "new\\nline.py": "cannot parse",
    "esc\\x1b[31mred\\x07.py": "cannot parse",
    "deep.py": "too deeply nested",
}


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks and such names need POSIX")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_pathological_inputs_give_one_line_each(hostile: Path, jobs: str) -> None:
    proc = repolint(".", "--output-format", "concise", "--jobs", jobs, cwd=hostile)
    assert_survived(proc, allow_errors=True)
    lines = (proc.stdout + proc.stderr).splitlines()
    for name, reason in HOSTILE_LINES.items():
        about = [line for line in lines if name in line]
        assert len(about) == 1, (name, lines)
        assert reason in about[0], about
    assert any(line.startswith("good.py:5:") and "RPL101" in line for line in lines), lines
    assert not [line for line in lines if "caller.py" in line]  # not blamed for deep.py
    assert proc.returncode == 2  # the loop and the deep file could not be checked
    assert not re_control(proc.stdout + proc.stderr)


def re_control(text: str) -> list[str]:
    return [c for c in text if c != "\n" and (ord(c) < 32 or ord(c) == 127)]


def test_nesting_deeper_than_the_parser_allows_in_process(tmp_path: Path) -> None:
    path = tmp_path / "deep.py"
    path.write_text("x = db" + ".q()" * 10_000 + "\n", encoding="utf-8")
    other = tmp_path / "route.py"
    other.write_text(GOOD, encoding="utf-8")
    result = analyse([path, other], Settings(project_root=str(tmp_path)), ALL_CODES)
    messages = [e.message for e in result.errors] + [
        f.message for f in result.findings if f.path == str(path)
    ]
    assert len(messages) == 1
    assert NESTED_TOO_DEEP in messages[0] or "too deeply nested" in messages[0]
    assert [f.code for f in result.findings if f.path == str(other)] == ["RPL101"]


# --- generated programs ---------------------------------------------------------------

PRELUDE = textwrap.dedent(
    """\
    from sqlalchemy import select
    from sqlalchemy.orm import Session, selectinload
    from sqlalchemy.ext.asyncio import AsyncSession
    from app.models import Team
    """
)
MODELS = textwrap.dedent(
    """\
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

    class Base(DeclarativeBase):
        pass

    class Team(Base):
        __tablename__ = "team"
        id: Mapped[int] = mapped_column(primary_key=True)
        members = relationship("Member")
    """
)

PROGRAMS = st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node())


def check_generated(tmp_path: Path, source: str) -> None:
    app = tmp_path / "app"
    app.mkdir(exist_ok=True)
    (app / "__init__.py").write_text("", encoding="utf-8")
    (app / "models.py").write_text(MODELS, encoding="utf-8")
    target = app / "generated.py"
    target.write_text(PRELUDE + source, encoding="utf-8", errors="surrogatepass")
    lines = target.read_bytes().count(b"\n") + 1
    result = analyse(sorted(app.glob("*.py")), Settings(project_root=str(tmp_path)), ALL_CODES)
    assert all(e.message == NESTED_TOO_DEEP for e in result.errors), result.errors
    for finding in result.findings:
        assert 1 <= finding.line <= lines and finding.column >= 1, finding
        json.dumps(finding.to_json())


def generated(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith compiles its programs
@generated(25)
@given(source=PROGRAMS)
def test_generated_programs(tmp_path_factory: pytest.TempPathFactory, source: str) -> None:
    check_generated(tmp_path_factory.mktemp("generated"), source)


@pytest.mark.robustness
@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@generated(400)
@given(source=PROGRAMS)
def test_many_generated_programs(tmp_path_factory: pytest.TempPathFactory, source: str) -> None:
    check_generated(tmp_path_factory.mktemp("generated"), source)


# --- the standard library and real code bases ------------------------------------------


def python_lines(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*.py"):
        if "site-packages" in path.parts:
            continue
        try:
            total += path.read_bytes().count(b"\n")
        except OSError:
            continue
    return total


def test_standard_library_subset(tmp_path: Path) -> None:
    """A few packages of the standard library, in the default run (and so in CI)."""
    for name in STDLIB_SUBSET:
        source = STDLIB / name
        if source.is_dir():
            (tmp_path / name).symlink_to(source, target_is_directory=True)
        else:
            (tmp_path / name).symlink_to(source)
    proc = repolint(".", "--select", "RPL", "--output-format", "json", cwd=tmp_path)
    assert_survived(proc, allow_errors=False)
    json.loads(proc.stdout)


@pytest.mark.robustness
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_standard_library(jobs: str) -> None:
    proc = repolint(
        str(STDLIB), "--select", "RPL", "--output-format", "json", "--jobs", jobs, cwd=STDLIB
    )
    assert_survived(proc, allow_errors=False)
    found = json.loads(proc.stdout)
    assert {f["code"] for f in found} <= {"RPL000"} | ALL_CODES
    print(f"stdlib {STDLIB}: {python_lines(STDLIB)} lines, {len(found)} findings")


def code_bases() -> list[Path]:
    configured = os.environ.get("REPOLINT_ROBUSTNESS_PATHS")
    places = [Path(p) for p in configured.split(os.pathsep)] if configured else DOWNLOADED
    found: list[Path] = []
    for place in places:
        if place.is_dir():
            found.extend(sorted(p for p in place.iterdir() if p.is_dir() and p.name[0] != "."))
    return found


@pytest.mark.robustness
@pytest.mark.parametrize("code_base", code_bases() or [None], ids=lambda p: p.name if p else "none")
def test_real_code_base(code_base: Path | None) -> None:
    if code_base is None:
        pytest.skip("no downloaded code base: run benchmarks/run.py --download-only")
    proc = repolint(".", "--select", "RPL", "--output-format", "json", cwd=code_base)
    assert_survived(proc, allow_errors=False)
    found = json.loads(proc.stdout)
    print(f"{code_base.name}: {python_lines(code_base)} lines, {len(found)} findings")
