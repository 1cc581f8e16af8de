"""Which files `repolint check` reads: default excludes that skip build outputs, not
source, and one matcher for `exclude`, `per-file-ignores` and `.gitignore`."""

from __future__ import annotations

import inspect
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from repolint.cli import main

ROUTE = """\
from fastapi import APIRouter
from sqlalchemy.orm import Session

router = APIRouter()


@router.post("/builds")
async def start_build(db: Session) -> None:
    db.commit()
"""

ROUTES = """\
from fastapi import FastAPI

from app.features.build.steps import router

app = FastAPI()
app.include_router(router)
"""


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def check(*args: str) -> list[str]:
    """`repolint check --output-format json ARGS`: the paths of the findings."""
    mixable = "mix_stderr" in inspect.signature(CliRunner.__init__).parameters  # click < 8.2
    result: Result = CliRunner(**({"mix_stderr": False} if mixable else {})).invoke(
        main, ["check", "--no-cache", "--output-format", "json", *args]
    )
    assert result.exit_code in (0, 1), result.output
    return sorted(f["path"] for f in json.loads(result.stdout))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose feature package is called `build`, imported by the routes, with
    a setuptools build output (`build/lib/`) and a `dist/` beside it."""
    write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "app"\n',
            "app/__init__.py": "",
            "app/routes.py": ROUTES,
            "app/features/__init__.py": "",
            "app/features/build/__init__.py": "",
            "app/features/build/steps.py": ROUTE,
            "build/lib/app/__init__.py": "",
            "build/lib/app/features/__init__.py": "",
            "build/lib/app/features/build/__init__.py": "",
            "build/lib/app/features/build/steps.py": ROUTE,
            "dist/app-0.1/app/features/build/steps.py": ROUTE,
        },
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REPOLINT_OUTPUT_FORMAT", raising=False)
    return tmp_path


def test_a_package_named_build_is_checked_and_build_outputs_are_not(project: Path) -> None:
    assert check() == ["app/features/build/steps.py"]
    assert check(".") == ["app/features/build/steps.py"]


def test_a_users_exclude_of_build_still_excludes_it(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.repolint]\nextend-exclude = ["build"]\n')
    assert check() == []
    (project / "pyproject.toml").write_text('[project]\nname = "app"\n')
    assert check("--exclude", "build") == []
    # replacing the defaults also drops their skipping of build outputs
    assert check("--exclude", "nothing") == [
        "app/features/build/steps.py",
        "build/lib/app/features/build/steps.py",
        "dist/app-0.1/app/features/build/steps.py",
    ]


def test_force_exclude_keeps_the_package_and_skips_the_output(project: Path) -> None:
    files = ["app/features/build/steps.py", "build/lib/app/features/build/steps.py"]
    assert check("--force-exclude", *files) == ["app/features/build/steps.py"]


def test_per_file_ignores_with_double_stars(project: Path) -> None:
    (project / "app/features/build/more.py").write_text(ROUTE)
    (project / "pyproject.toml").write_text(
        '[tool.repolint.per-file-ignores]\n"app/**/build/s*.py" = ["RPL101"]\n'
    )
    assert check() == ["app/features/build/more.py"]
    (project / "pyproject.toml").write_text(
        '[tool.repolint.per-file-ignores]\n"**/features/**" = ["RPL1"]\n'
    )
    assert check() == []


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_gitignore_negation(project: Path) -> None:
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    write(project, {"app/legacy/old.py": ROUTE, "app/legacy/keep.py": ROUTE})
    (project / ".gitignore").write_text("app/legacy/*\n!keep.py\n")
    assert check() == ["app/features/build/steps.py", "app/legacy/keep.py"]


def test_tests_globs_decide_test_code_with_the_same_matcher(project: Path) -> None:
    """The `tests` setting (read like `exclude`) decides which files are test code, where
    only the test rules run (RPL101 is not one of them by default)."""
    write(project, {"test/smoke.py": ROUTE, "qa/checks.py": ROUTE, "app/qa/checks.py": ROUTE})
    # `test/` is a default tests folder; `qa` is not test code until the setting says so
    assert check() == ["app/features/build/steps.py", "app/qa/checks.py", "qa/checks.py"]
    (project / "pyproject.toml").write_text('[tool.repolint]\ntests = ["./qa/"]\n')
    # anchored at the project root: `app/qa/` stays, and `test/` is no longer a default
    assert check() == ["app/features/build/steps.py", "app/qa/checks.py", "test/smoke.py"]
    (project / "pyproject.toml").write_text('[tool.repolint]\ntests = ["qa/", "test/"]\n')
    assert check() == ["app/features/build/steps.py"]
