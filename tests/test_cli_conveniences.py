"""ruff's conveniences: --show-settings, --show-files, --output-file, output keys in
[tool.repolint], and `repolint clean` from any subfolder."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from repolint.cli import main
from tests.test_cli import ASYNC_ROUTE, run_module

CONFIG = """\
[project]
name = "demo"

[tool.repolint]
output-format = "concise"
statistics = false
ignore = ["RPL2"]
extend-exclude = ["legacy"]

[tool.repolint.per-file-ignores]
"tests/**" = ["RPL201"]
"""


def invoke(*args: str) -> Result:
    mixable = "mix_stderr" in inspect.signature(CliRunner.__init__).parameters  # click < 8.2
    return CliRunner(**({"mix_stderr": False} if mixable else {})).invoke(main, list(args))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    for folder in ("app/api", "legacy"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "api" / "routes.py").write_text(ASYNC_ROUTE)
    (tmp_path / "legacy" / "old.py").write_text(ASYNC_ROUTE)
    monkeypatch.chdir(tmp_path)
    for name in ("REPOLINT_OUTPUT_FORMAT", "REPOLINT_CACHE_DIR", "REPOLINT_NO_CACHE"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_show_settings_prints_the_resolved_settings_and_their_file(project: Path) -> None:
    done = run_module("check", "--show-settings", "--ignore", "RPL404", cwd=project)
    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    assert lines[:2] == ["# Settings path: pyproject.toml", "[tool.repolint]"]
    assert 'ignore = ["RPL2", "RPL404"]' in lines  # the file's, then the command line's
    assert 'extend-exclude = ["legacy"]' in lines
    assert 'per-file-ignores = { "tests/**" = ["RPL201"] }' in lines
    assert 'output-format = "concise"' in lines
    assert "statistics = false" in lines
    assert f"# project root: {project}" in lines
    enabled = next(line for line in lines if line.startswith("# rules enabled: "))
    assert "RPL101" in enabled and "RPL201" not in enabled
    assert not (project / ".repolint_cache").exists()  # nothing was analysed

    (project / "pyproject.toml").unlink()
    done = run_module("check", "--show-settings", "--output-format", "json", cwd=project)
    assert done.stdout.splitlines()[0] == "# Settings path: none (the defaults)"
    assert 'output-format = "json"' in done.stdout.splitlines()


def test_show_files_lists_what_would_be_checked(project: Path) -> None:
    done = run_module("check", "--show-files", cwd=project)
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "app/__init__.py\napp/api/routes.py\n",
        "",
    )
    done = run_module("check", "--show-files", "app/api", "missing", cwd=project)
    assert (done.returncode, done.stdout) == (2, "app/api/routes.py\n")
    assert done.stderr == "error: missing: No such file or directory\n"


def test_output_file_gets_the_report_instead_of_standard_output(project: Path) -> None:
    done = run_module(
        "check",
        "--output-file",
        "reports/repolint.json",
        "--output-format",
        "json",
        cwd=project,
        env={"FORCE_COLOR": "1"},
    )
    assert (done.returncode, done.stdout, done.stderr) == (1, "", "")
    [found] = json.loads((project / "reports" / "repolint.json").read_text())
    assert (found["path"], found["code"]) == ("app/api/routes.py", "RPL101")
    done = run_module("check", "--output-file", "report.txt", cwd=project, env={"FORCE_COLOR": "1"})
    text = (project / "report.txt").read_text()
    assert done.stdout == "" and "\x1b[" not in text  # no colour in a file
    assert text.endswith("Found 1 problem (1 warning).\n")


def test_output_keys_are_read_from_the_config(project: Path) -> None:
    concise = invoke("check")
    assert concise.exit_code == 1
    assert concise.stdout.splitlines()[0].startswith("app/api/routes.py:9:8: RPL101 ")
    assert len(concise.stdout.splitlines()) == 2  # concise, from the file
    full = invoke("check", "--output-format", "full")  # the command line wins
    assert full.stdout.splitlines()[2] == "9 |     db.commit()"
    config = CONFIG.replace("statistics = false", "statistics = true\nshow-source = true")
    (project / "pyproject.toml").write_text(config)
    stats = invoke("check", "--output-format", "json")
    assert json.loads(stats.stdout) == [
        {"code": "RPL101", "name": "blocking-session-call", "count": 1}
    ]
    assert invoke("check").stdout.startswith("1  RPL101  blocking-session-call\n")
    shown = invoke("check", "--no-statistics")
    assert shown.stdout.splitlines()[2] == "9 |     db.commit()"  # concise with show-source
    (project / "pyproject.toml").write_text(CONFIG.replace('"concise"', '"xml"'))
    bad = invoke("check")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: pyproject.toml: 'output-format' must be one of 'full'")
    (project / "pyproject.toml").write_text(CONFIG.replace("false", '"no"'))
    bad = invoke("check")
    assert bad.stderr == "error: pyproject.toml: 'statistics' must be a boolean, got a string\n"


def test_clean_finds_the_cache_from_a_subfolder_and_removes_lock_files(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "demo"\n')  # no [tool.repolint]
    assert run_module("check", "-q", cwd=project).returncode == 1
    cache = project / ".repolint_cache"
    assert list(cache.glob("*.json"))
    (cache / "0123abcd.lock").write_text("")  # a lock left by a killed run
    done = run_module("clean", cwd=project / "app" / "api")
    assert (done.returncode, done.stderr) == (0, f"Removed {cache}\n")
    assert not cache.exists()
    # A cache of a subfolder's own run and the root's are both found from below.
    sub_cache = project / "app" / ".repolint_cache"
    assert run_module("check", "-q", ".", cwd=project / "app").returncode == 1
    assert run_module("check", "-q", cwd=project).returncode == 1
    assert sub_cache.exists() and cache.exists()
    done = run_module("clean", cwd=project / "app" / "api")
    assert done.returncode == 0
    assert done.stderr.splitlines() == [f"Removed {sub_cache}", f"Removed {cache}"]
    # A folder of that name that repolint did not create is left alone.
    (project / ".repolint_cache").mkdir()
    monkeypatch.chdir(project / "app")
    foreign = invoke("clean")
    assert foreign.exit_code == 2 and "not a repolint cache" in foreign.stderr
    assert (project / ".repolint_cache").exists()
