"""The README as written works: its Quick start and its pre-commit snippet, run in a
fresh clone of this repository (a new user's first steps, on this machine).

The clone is of the last commit (`git clone <this work tree>`), as CI's own run
is. The Quick start's shell blocks run word for word in the clone; a block that
installs into "your own project" (`/path/to/repolint`) runs in a fresh project
with its own virtualenv first on `PATH`, the placeholder replaced by the clone.
The second block runs the test suite: `PYTEST_ADDOPTS` narrows it to one test,
so that this test does not run the whole suite again. pip reaches the package
index (its cache makes it quick); expect a minute or two. Deselect with
`-m 'not robustness and not readme'`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_flake8_plugin import write_mini_project

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = "/path/to/repolint"
NESTED = "REPOLINT_README_TEST"

pytestmark = [
    pytest.mark.readme,
    pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git work tree"),
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
    pytest.mark.skipif(bool(os.environ.get(NESTED)), reason="already inside this test"),
]


def readme_section(title: str) -> str:
    """The text of the README's `## title` or `### title` section, subsections included
    (a `#` line inside a code block is not a heading)."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines(keepends=True)
    level, taken, fenced = 0, [], False
    for line in lines:
        heading = re.match(r"(#+) (.*)\n", line) if not fenced else None
        if line.startswith("```"):
            fenced = not fenced
        if heading and level and len(heading[1]) <= level:
            break
        if level:
            taken.append(line)
        elif heading and heading[2] == title:
            level = len(heading[1])
    assert level, f"no section {title!r} in the README"
    return "".join(taken)


def code_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.MULTILINE | re.DOTALL)


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a new shell: no virtualenv, git or pytest state of this run."""
    prefixes = ("GIT_", "PRE_COMMIT", "PYTEST_", "VIRTUAL_ENV", "REPOLINT_", "PYTHONPATH")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env["PATH"] = os.pathsep.join(
        part for part in env.get("PATH", "").split(os.pathsep) if not part.startswith(sys.prefix)
    )
    env[NESTED] = "1"
    env.update(extra)
    return env


def shell(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh clone of this repository's last commit."""
    folder = tmp_path_factory.mktemp("readme") / "repolint"
    subprocess.run(
        ["git", "clone", "-q", str(ROOT), str(folder)],
        check=True,
        capture_output=True,
        env=clean_env(),
    )
    return folder


def test_quick_start_blocks_run_as_written(clone: Path, tmp_path: Path) -> None:
    blocks = code_blocks(readme_section("Quick start"), "bash")
    assert len(blocks) >= 3, "the Quick start lost its commands"
    for block in blocks:
        if PLACEHOLDER in block:  # installing into a project of one's own
            project = tmp_path / "project"
            project.mkdir()
            shell("python3 -m venv .venv", project, clean_env())
            bin_dir = project / ".venv" / "bin"
            env = clean_env(PATH=f"{bin_dir}{os.pathsep}{clean_env()['PATH']}")
            done = shell(block.replace(PLACEHOLDER, str(clone)), project, env)
            assert done.returncode == 0, done.stdout + done.stderr
            version = shell("repolint --version && flake8 --version", project, env)
            assert version.returncode == 0, version.stderr
            assert "repolint" in version.stdout.splitlines()[0]
            assert "repolint:" in version.stdout  # flake8 lists the plugin
            continue
        # The test suite's block: one test, not the whole suite again.
        env = clean_env(PYTEST_ADDOPTS="tests/test_cli.py::test_version_and_help")
        done = shell(block, clone, env)
        output = done.stdout + done.stderr
        if "repolint check sample_code" in block:
            # "It exits with status 1: the sample is a small app full of the mistakes."
            assert done.returncode == 1, output
            assert re.search(r"^Found \d+ problems \(", done.stdout, re.MULTILINE), output
        else:
            assert done.returncode == 0, output
            assert "1 passed" in done.stdout, output


def test_pre_commit_snippet_runs_as_written(clone: Path, tmp_path: Path) -> None:
    pytest.importorskip("pre_commit")
    [snippet] = code_blocks(readme_section("pre-commit"), "yaml")
    assert PLACEHOLDER in snippet
    project = tmp_path / "project"
    write_mini_project(project)
    (project / ".pre-commit-config.yaml").write_text(snippet.replace(PLACEHOLDER, str(clone)))
    env = clean_env(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))
    for args in (["init", "-q"], ["add", "-A"]):
        subprocess.run(["git", *args], cwd=project, env=env, check=True, capture_output=True)
    pre_commit = [sys.executable, "-m", "pre_commit", "run", "--color=never"]

    done = subprocess.run(
        [*pre_commit, "--all-files"], cwd=project, env=env, capture_output=True, text=True
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "- hook id: repolint" in done.stdout
    assert re.search(r"^app/reports\.py:10:\d+: RPL301 ", done.stdout, re.MULTILINE), done.stdout

    audit = subprocess.run(
        [*pre_commit, "--hook-stage", "manual", "repolint-audit"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "repolint audit" in audit.stdout
