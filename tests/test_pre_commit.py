"""The pre-commit hook, run with `pre-commit try-repo` against a temporary repository.

`try-repo` on this work tree would see only committed and modified tracked
files, so the test snapshots what the hook installs (pyproject.toml, README.md,
the hooks file and the package) into a throwaway git repository first. The
hook's virtualenv is built from that snapshot (pip reaches PyPI for hatchling,
click and rich), in a store of its own for each `try-repo` call: keep them few.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_flake8_plugin import ROOT, repolint, reported, write_mini_project

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pre_commit") is None, reason="pre-commit is not installed"
)

SNAPSHOT = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "repolint")


def git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This work tree's hook, committed in a throwaway repository."""
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in SNAPSHOT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, repo / name)
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "snapshot", cwd=repo)
    return repo


def try_repo(hook_repo: Path, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env["REPOLINT_OUTPUT_FORMAT"] = "concise"  # the hook's default args print `full`
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), *args, "--color=never"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_hook_reports_what_repolint_check_reports_on_the_sample(
    hook_repo: Path, tmp_path: Path
) -> None:
    shutil.copytree(ROOT / "sample_code", tmp_path / "sample_code")
    git("init", "-q", cwd=tmp_path)
    git("add", "-A", cwd=tmp_path)
    result = try_repo(hook_repo, tmp_path, "repolint", "--all-files")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "- hook id: repolint" in result.stdout
    expected = repolint("sample_code", cwd=tmp_path)
    assert expected
    assert reported(result.stdout) == expected


def test_hook_on_one_staged_file_keeps_cross_file_findings(hook_repo: Path, tmp_path: Path) -> None:
    write_mini_project(tmp_path)
    git("init", "-q", cwd=tmp_path)
    git("add", "-A", cwd=tmp_path)
    result = try_repo(hook_repo, tmp_path, "repolint", "--files", "app/reports.py")
    assert result.returncode == 1, result.stdout + result.stderr
    assert reported(result.stdout) == repolint("app/reports.py", cwd=tmp_path)
    assert {(line, code) for _, line, _, code in reported(result.stdout)} == {
        (10, "RPL301"),
        (15, "RPL301"),
    }
