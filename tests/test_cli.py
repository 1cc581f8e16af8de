"""The `repolint check` command: output formats, options, exit codes, errors.

Most tests run the CLI over a fake engine (a few lines below) so the output can
be asserted character for character; the tests at the end run the real
engine, in process and as `python -m repolint` subprocesses.
"""

from __future__ import annotations

import ast
import inspect
import json
import os
import re
import subprocess
import sys
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import repolint
from repolint import config
from repolint.cli import main
from repolint.findings import FileError, Finding, Severity
from repolint.runner import default_src, run
from repolint.settings import Settings

# --- a fake engine: "db.commit()" -> RPL201, ".author" -> RPL302 -------------


@dataclass(frozen=True)
class FakeRule:
    code: str
    default_enabled: bool = True


@dataclass
class FakeResult:
    findings: list[Finding]
    errors: list[FileError]


def fake_analyse(
    files: Sequence[Path],
    settings: Settings,
    enabled: frozenset[str],
    *,
    display: Mapping[Path, str] | None = None,
    overrides: Mapping[Path, str] | None = None,
    context: Sequence[Path] = (),
    **_: object,
) -> FakeResult:
    findings: list[Finding] = []
    errors: list[FileError] = []
    for path in files:
        shown = (display or {}).get(path, str(path))
        if overrides and path in overrides:
            override = overrides[path]
            text = override.decode() if isinstance(override, bytes) else override
        else:
            try:
                text = path.read_bytes().decode()
            except OSError as exc:
                errors.append(FileError(shown, str(exc.strerror)))
                continue
            except UnicodeDecodeError:
                findings.append(
                    Finding(
                        shown,
                        1,
                        1,
                        "RPL000",
                        "cannot decode: not UTF-8",
                        name="parse-error",
                        severity=Severity.ERROR,
                    )
                )
                continue
        try:
            ast.parse(text)
        except SyntaxError as exc:
            findings.append(
                Finding(
                    shown,
                    exc.lineno or 1,
                    exc.offset or 1,
                    "RPL000",
                    f"cannot parse: {exc.msg}",
                    name="parse-error",
                    severity=Severity.ERROR,
                )
            )
            continue
        for number, line in enumerate(text.splitlines(), 1):
            col = line.find("db.commit()")
            if col >= 0 and "RPL201" in enabled:
                findings.append(
                    Finding(
                        shown,
                        number,
                        col + 4,
                        "RPL201",
                        "`commit()` on a received session",
                        name="commit-in-repository",
                        end_line=number,
                        end_column=col + 10,
                        hint="let the caller commit (unit of work)",
                    )
                )
            col = line.find(".author")
            if col >= 0 and "RPL302" in enabled:
                findings.append(
                    Finding(
                        shown,
                        number,
                        col + 2,
                        "RPL302",
                        "lazy `Book.author` in async code",
                        name="lazy-load-in-async",
                        severity=Severity.ERROR,
                        end_line=number,
                        end_column=col + 8,
                        hint="add `.options(selectinload(Book.author))` to the query",
                    )
                )
    return FakeResult(findings[::-1], errors)  # unsorted on purpose


FAKE_RULES = [
    FakeRule("RPL101"),
    FakeRule("RPL201"),
    FakeRule("RPL302"),
    FakeRule("RPL404", default_enabled=False),
]

REPO = """\
class BookRepository:
    def __init__(self, db):
        self.db = db

    def save(self, book):
        self.db.add(book)
        self.db.commit()
"""
ROUTE = """\
async def show(book_id, db):
    book = await db.get(Book, book_id)
    return book.author.name  # ok here
"""


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    module = types.ModuleType("repolint.engine")
    module.analyse = fake_analyse  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "repolint.engine", module)
    monkeypatch.setattr(repolint, "engine", module, raising=False)
    monkeypatch.setattr(config, "all_rules", lambda: FAKE_RULES)
    return module


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "repo.py").write_text(REPO)
    (tmp_path / "app" / "route.py").write_text(ROUTE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REPOLINT_OUTPUT_FORMAT", raising=False)
    return tmp_path


def invoke(*args: str, stdin: str | None = None) -> Result:
    mixable = "mix_stderr" in inspect.signature(CliRunner.__init__).parameters  # click < 8.2
    kwargs = {"mix_stderr": False} if mixable else {}
    return CliRunner(**kwargs).invoke(main, list(args), input=stdin)


FULL = """\
app/repo.py:7:17: RPL201 `commit()` on a received session
  |
7 |         self.db.commit()
  |                 ^^^^^^
  |
  = help: let the caller commit (unit of work)

app/route.py:3:17: RPL302 lazy `Book.author` in async code
  |
3 |     return book.author.name  # ok here
  |                 ^^^^^^
  |
  = help: add `.options(selectinload(Book.author))` to the query

Found 2 problems (1 error, 1 warning).
"""
CONCISE = """\
app/repo.py:7:17: RPL201 `commit()` on a received session
app/route.py:3:17: RPL302 lazy `Book.author` in async code
Found 2 problems (1 error, 1 warning).
"""


def test_full_output(fake: object, project: Path) -> None:
    result = invoke("check")
    assert result.exit_code == 1
    assert result.stdout == FULL
    assert result.stderr == ""


def test_full_is_the_default_and_paths_default_to_cwd(fake: object, project: Path) -> None:
    assert invoke("check", ".", "--output-format", "full").stdout == FULL


def test_full_without_source(fake: object, project: Path) -> None:
    result = invoke("check", "--no-show-source", "app/repo.py")
    assert result.stdout == (
        "app/repo.py:7:17: RPL201 `commit()` on a received session\n"
        "  help: let the caller commit (unit of work)\n"
        "\n"
        "Found 1 problem (1 warning).\n"
    )


def test_concise_output(fake: object, project: Path) -> None:
    result = invoke("check", "--output-format", "concise")
    assert (result.exit_code, result.stdout) == (1, CONCISE)


def test_concise_with_source(fake: object, project: Path) -> None:
    result = invoke("check", "--output-format=concise", "--show-source", "app/repo.py")
    assert result.stdout == (
        "app/repo.py:7:17: RPL201 `commit()` on a received session\n"
        "  |\n"
        "7 |         self.db.commit()\n"
        "  |                 ^^^^^^\n"
        "  |\n"
        "Found 1 problem (1 warning).\n"
    )


def test_output_format_from_environment(
    fake: object, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPOLINT_OUTPUT_FORMAT", "concise")
    assert invoke("check").stdout == CONCISE


def test_json_output(fake: object, project: Path) -> None:
    result = invoke("check", "--output-format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {
            "code": "RPL201",
            "name": "commit-in-repository",
            "message": "`commit()` on a received session",
            "severity": "warning",
            "path": "app/repo.py",
            "line": 7,
            "column": 17,
            "end_line": 7,
            "end_column": 23,
        },
        {
            "code": "RPL302",
            "name": "lazy-load-in-async",
            "message": "lazy `Book.author` in async code",
            "severity": "error",
            "path": "app/route.py",
            "line": 3,
            "column": 17,
            "end_line": 3,
            "end_column": 23,
        },
    ]


def test_json_clean_is_an_empty_array(fake: object, project: Path) -> None:
    (project / "clean.py").write_text("x = 1\n")
    result = invoke("check", "--output-format", "json", "clean.py")
    assert (result.exit_code, result.stdout) == (0, "[]\n")


def test_clean_run(fake: object, project: Path) -> None:
    (project / "clean.py").write_text("x = 1\n")
    result = invoke("check", "clean.py")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "All checks passed!\n", "")


def test_select_ignore_extend_select(fake: object, project: Path) -> None:
    concise = ("check", "--output-format", "concise", "--quiet")
    assert invoke(*concise, "--select", "RPL3").stdout == CONCISE.splitlines(True)[1]
    assert invoke(*concise, "--ignore", "RPL302,RPL1").stdout == CONCISE.splitlines(True)[0]
    assert (
        invoke(*concise, "--select", "RPL1", "--extend-select", "RPL201").stdout
        == (CONCISE.splitlines(True)[0])
    )


def test_unknown_code_is_a_usage_error(fake: object, project: Path) -> None:
    result = invoke("check", "--select", "RPL999")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "error: unknown rule code or prefix 'RPL999' in select (codes look like RPL301; "
        "a prefix such as RPL3 selects a family, RPL selects all)\n"
    )


def test_noqa_and_repolint_disable(fake: object, project: Path) -> None:
    (project / "app" / "repo.py").write_text(REPO.replace("commit()", "commit()  # noqa: RPL201"))
    route = ROUTE.replace("# ok here", "# repolint: disable=RPL302")
    (project / "app" / "route.py").write_text(route)
    result = invoke("check")
    assert (result.exit_code, result.stdout) == (0, "All checks passed!\n")


def test_noqa_for_another_code_does_not_suppress(fake: object, project: Path) -> None:
    (project / "app" / "repo.py").write_text(REPO.replace("commit()", "commit()  # noqa: F401"))
    result = invoke("check", "--output-format", "concise", "--quiet", "app/repo.py")
    assert result.stdout == CONCISE.splitlines(True)[0]


def test_config_file_is_used_and_cli_overrides_it(fake: object, project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.repolint]\nignore = ["RPL302"]\n[tool.repolint.per-file-ignores]\n'
        '"app/repo.py" = ["RPL201"]\n'
    )
    assert invoke("check").stdout == "All checks passed!\n"
    result = invoke("check", "--select", "RPL3", "--output-format", "concise", "-q")
    assert result.stdout == CONCISE.splitlines(True)[1]


def test_config_error_is_one_line_and_exit_2(fake: object, project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.repolint]\nselcet = ['RPL3']\n")
    result = invoke("check")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: pyproject.toml: unknown key 'selcet' in [tool.repolint] (did you mean 'select'?)\n"
    )


def test_exclude_options(fake: object, project: Path) -> None:
    result = invoke("check", "--extend-exclude", "route.py", "--output-format", "concise", "-q")
    assert result.stdout == CONCISE.splitlines(True)[0]
    result = invoke("check", "--exclude", "app", "-q")
    assert (result.exit_code, result.stdout) == (0, "")


def test_force_exclude(fake: object, project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.repolint]\nextend-exclude = ["repo.py"]\n')
    result = invoke("check", "--output-format", "concise", "-q", "app/repo.py")
    assert result.stdout == CONCISE.splitlines(True)[0]  # named explicitly: checked
    result = invoke("check", "--force-exclude", "-q", "app/repo.py")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    result = invoke("check", "--force-exclude", "--stdin-filename", "app/repo.py", stdin=REPO)
    assert (result.exit_code, result.stdout) == (0, "All checks passed!\n")


def test_statistics(fake: object, project: Path) -> None:
    (project / "app" / "more.py").write_text("db.commit()\ndb.commit()\n")
    result = invoke("check", "--statistics")
    assert result.exit_code == 1
    assert result.stdout == (
        "3  RPL201  commit-in-repository\n"
        "1  RPL302  lazy-load-in-async\n"
        "Found 4 problems (1 error, 3 warnings).\n"
    )
    result = invoke("check", "--statistics", "--output-format", "json")
    assert json.loads(result.stdout) == [
        {"code": "RPL201", "name": "commit-in-repository", "count": 3},
        {"code": "RPL302", "name": "lazy-load-in-async", "count": 1},
    ]


def test_exit_zero_and_quiet(fake: object, project: Path) -> None:
    result = invoke("check", "--exit-zero", "--quiet", "--output-format", "concise")
    assert (result.exit_code, result.stdout) == (0, CONCISE.rsplit("Found", 1)[0])


def test_missing_path_is_reported_and_the_rest_checked(fake: object, project: Path) -> None:
    result = invoke("check", "--output-format", "concise", "nope.py", "app")
    assert result.exit_code == 2
    assert result.stdout == (
        CONCISE.rsplit("Found", 1)[0]
        + "Found 2 problems (1 error, 1 warning); 1 path could not be checked.\n"
    )
    assert result.stderr == "error: nope.py: No such file or directory\n"


def test_missing_path_even_with_exit_zero(fake: object, project: Path) -> None:
    result = invoke("check", "--exit-zero", "nope")
    assert result.exit_code == 2
    assert result.stdout == "No problems found in the files checked; 1 path could not be checked.\n"


def test_engine_file_errors_give_exit_2(
    fake: object, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def analyse(files: Sequence[Path], *args: object, **kwargs: object) -> FakeResult:
        return FakeResult([], [FileError("app/repo.py", "Permission denied")])

    monkeypatch.setattr(fake, "analyse", analyse)
    result = invoke("check", "-q")
    assert (result.exit_code, result.stderr) == (2, "error: app/repo.py: Permission denied\n")


def test_empty_directory_warns_and_exits_0(fake: object, project: Path) -> None:
    (project / "empty").mkdir()
    result = invoke("check", "empty")
    assert result.exit_code == 0
    assert result.stdout == "All checks passed!\n"
    assert result.stderr == "warning: No Python files found under the given path(s)\n"
    assert invoke("check", "-q", "empty").stderr == ""


def test_syntax_error_is_rpl000_and_other_files_are_checked(fake: object, project: Path) -> None:
    (project / "app" / "broken.py").write_text("def f(:  # noqa\n    pass\n")
    result = invoke("check", "--output-format", "concise", "-q")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == "app/broken.py:1:7: RPL000 cannot parse: invalid syntax"
    assert len(result.stdout.splitlines()) == 3


def test_stdin(fake: object, project: Path) -> None:
    result = invoke(
        "check",
        "--stdin-filename",
        "app/new.py",
        "--output-format",
        "concise",
        stdin="class R:\n    def f(self):\n        self.db.commit()\n",
    )
    assert result.exit_code == 1
    assert result.stdout == (
        "app/new.py:3:17: RPL201 `commit()` on a received session\nFound 1 problem (1 warning).\n"
    )
    result = invoke("check", "-", "--output-format", "concise", "-q", stdin="db.commit()\n")
    assert result.stdout == "-:1:4: RPL201 `commit()` on a received session\n"


def test_stdin_full_shows_the_source_line(fake: object, project: Path) -> None:
    result = invoke("check", "--stdin-filename", "x.py", stdin="db.commit()  # noqa: RPL3\n")
    assert result.stdout.splitlines()[:4] == [
        "x.py:1:4: RPL201 `commit()` on a received session",
        "  |",
        "1 | db.commit()  # noqa: RPL3",
        "  |    ^^^^^^",
    ]


def test_internal_error_is_one_line_without_traceback(
    fake: object, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(fake, "analyse", boom)
    result = invoke("check")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: internal error: RuntimeError: boom (this is a bug in repolint: please "
        "report it with the command and the file)\n"
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_messages_with_brackets_are_printed_verbatim(
    fake: object, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def analyse(files: Sequence[Path], *args: object, **kwargs: object) -> FakeResult:
        return FakeResult(
            [
                Finding(
                    "app/repo.py",
                    1,
                    1,
                    "RPL101",
                    "[bold]Annotated[Session]:x:",
                    name="n",
                    end_line=1,
                    end_column=6,
                )
            ],
            [],
        )

    monkeypatch.setattr(fake, "analyse", analyse)
    result = invoke("check", "--output-format", "concise", "-q")
    assert result.stdout == "app/repo.py:1:1: RPL101 [bold]Annotated[Session]:x:\n"


def test_usage_errors_exit_2(fake: object, project: Path) -> None:
    result = invoke("check", "--output-format", "xml")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: Invalid value for '--output-format': 'xml' is not ")
    assert result.stderr.endswith(" check --help')\n")  # CliRunner names the group 'main'
    assert result.stderr.count("\n") == 1
    assert invoke("check", "--no-such-option").exit_code == 2


def test_version_and_help() -> None:
    assert invoke("--version").stdout == f"repolint {repolint.__version__}\n"
    top = invoke("--help").stdout
    assert "repolint check --select RPL3 app" in top
    assert re.search(r"\n  check +Check files for data-access problems\.\n", top)
    check_help = invoke("check", "--help").stdout
    for option in (
        "--output-format",
        "--select",
        "--ignore",
        "--extend-select",
        "--exclude",
        "--extend-exclude",
        "--config",
        "--stdin-filename",
        "--show-source",
        "--statistics",
        "--exit-zero",
        "--quiet",
    ):
        assert option in check_help
    assert "2  bad usage or configuration" in check_help


# --- the runner ----------------------------------------------------------------


def test_run_sorts_filters_and_passes_what_the_engine_needs(
    fake: types.ModuleType, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, object] = {}

    def analyse(
        files: Sequence[Path], settings: Settings, enabled: frozenset[str], **kwargs: object
    ) -> FakeResult:
        seen.update(files=list(files), settings=settings, enabled=enabled, **kwargs)
        return fake_analyse(files, settings, enabled, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fake, "analyse", analyse)
    (project / "src").mkdir()
    result = run(["app"], Settings(project_root=str(project), ignore=("RPL302",)))
    assert [(f.path, f.line, f.code) for f in result.findings] == [("app/repo.py", 7, "RPL201")]
    assert (result.errors, result.files_checked) == ([], 2)
    assert result.sources["app/repo.py"] == REPO
    assert seen["files"] == [project / "app" / "repo.py", project / "app" / "route.py"]
    assert seen["display"] == {
        project / "app" / "repo.py": "app/repo.py",
        project / "app" / "route.py": "app/route.py",
    }
    assert seen["overrides"] is None
    assert seen["enabled"] == {"RPL000", "RPL101", "RPL201"}
    assert seen["settings"].src == (str(project / "app"), str(project), str(project / "src"))


def test_run_stdin_uses_overrides(fake: types.ModuleType, project: Path) -> None:
    result = run(
        (),
        Settings(project_root=str(project)),
        stdin_filename="app/new.py",
        stdin_text="a = b.author\n",
    )
    assert [(f.path, f.line, f.column, f.code) for f in result.findings] == [
        ("app/new.py", 1, 7, "RPL302")
    ]
    assert result.files_checked == 1


def test_default_src(tmp_path: Path) -> None:
    (tmp_path / "svc" / "src").mkdir(parents=True)
    (tmp_path / "svc" / "main.py").write_text("")
    settings = Settings(project_root=str(tmp_path))
    assert default_src([str(tmp_path / "svc" / "main.py")], settings) == (
        str(tmp_path / "svc"),
        str(tmp_path / "svc" / "src"),
        str(tmp_path),
    )


# --- the real engine ---------------------------------------------------------

ASYNC_ROUTE = """\
from fastapi import FastAPI
from sqlalchemy.orm import Session

app = FastAPI()


@app.post("/items")
async def create_item(db: Session) -> None:
    db.commit()
"""


def run_module(
    *args: str, cwd: Path, env: Mapping[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NO_COLOR", "FORCE_COLOR", "REPOLINT_OUTPUT_FORMAT")
    }
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "repolint", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
        check=False,
    )


@pytest.fixture
def real_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "api.py").write_text(ASYNC_ROUTE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REPOLINT_OUTPUT_FORMAT", raising=False)
    return tmp_path


def real_finding() -> dict[str, object]:
    result = invoke("check", "--output-format", "json")
    assert result.exit_code == 1, result.stderr
    [found] = json.loads(result.stdout)
    return found


def test_real_engine_finds_rpl101(real_project: Path) -> None:
    found = real_finding()
    message = found.pop("message")
    assert isinstance(message, str) and "commit()" in message
    assert found == {
        "code": "RPL101",
        "name": "blocking-session-call",
        "severity": "warning",
        "path": "app/api.py",
        "line": 9,
        "column": 8,  # the `commit` of `db.commit()`
        "end_line": 9,
        "end_column": 14,
    }


def test_real_engine_noqa(real_project: Path) -> None:
    api = real_project / "app" / "api.py"
    api.write_text(ASYNC_ROUTE.replace("db.commit()", "db.commit()  # noqa: RPL101"))
    result = invoke("check")
    assert (result.exit_code, result.stdout) == (0, "All checks passed!\n")
    api.write_text(ASYNC_ROUTE.replace("db.commit()", "db.commit()  # noqa: RPL201"))
    assert invoke("check").exit_code == 1


def test_real_engine_ignore_and_per_file_ignores(real_project: Path) -> None:
    assert invoke("check", "--ignore", "RPL1").exit_code == 0
    (real_project / "pyproject.toml").write_text(
        '[tool.repolint.per-file-ignores]\n"app/*" = ["RPL101"]\n'
    )
    assert invoke("check").stdout == "All checks passed!\n"


def test_real_engine_full_output(real_project: Path) -> None:
    message = real_finding()["message"]
    result = invoke("check")
    lines = result.stdout.splitlines()
    assert lines[:5] == [
        f"app/api.py:9:8: RPL101 {message}",
        "  |",
        "9 |     db.commit()",
        "  |        ^^^^^^",
        "  |",
    ]
    assert lines[5].startswith("  = help: ")
    assert lines[6:] == ["", "Found 1 problem (1 warning)."]


def test_real_engine_bad_files_do_not_stop_the_run(real_project: Path) -> None:
    (real_project / "app" / "broken.py").write_text("def f(:\n    pass\n")
    (real_project / "app" / "latin1.py").write_bytes(b"name = '\xe9t\xe9'\n")
    result = invoke("check", "--output-format", "concise", "-q", "app", "missing")
    assert result.exit_code == 2
    by_file = {line.split(":")[0]: line for line in result.stdout.splitlines()}
    assert set(by_file) == {"app/api.py", "app/broken.py", "app/latin1.py"}
    assert " RPL000 " in by_file["app/broken.py"]
    assert " RPL000 " in by_file["app/latin1.py"]
    assert " RPL101 " in by_file["app/api.py"]
    assert result.stderr == "error: missing: No such file or directory\n"


def test_subprocess_concise_and_exit_codes(real_project: Path) -> None:
    done = run_module("check", "--output-format", "concise", "app", cwd=real_project)
    assert done.returncode == 1, done.stderr
    first, last = done.stdout.splitlines()
    assert first.startswith("app/api.py:9:") and " RPL101 " in first
    assert last == "Found 1 problem (1 warning)."
    assert done.stderr == ""
    assert "\x1b[" not in done.stdout  # not a terminal: no colour


def test_subprocess_grouped_by_file(real_project: Path) -> None:
    (real_project / "app" / "more.py").write_text(
        ASYNC_ROUTE + "\n" + ASYNC_ROUTE.replace("def ", "def b_")
    )
    done = run_module("check", "--output-format", "grouped", "app", cwd=real_project)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "app/api.py:" and lines[3] == "app/more.py:"
    assert lines[1].startswith("  9:8 RPL101 ") and lines[2] == ""
    # positions aligned in a file: `9:8 ` and `19:8`
    assert [line[:7] for line in lines[4:6]] == ["  9:8  ", "  19:8 "]
    assert all(" RPL101 " in line for line in lines[4:6]) and lines[6] == ""
    assert lines[-1] == "Found 3 problems (3 warnings)."


ASYNC_FORGOTTEN_AWAIT = """\
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

app = FastAPI()


@app.post("/a")
async def create_a(db: AsyncSession) -> None:
    db.commit()


@app.post("/b")
async def create_b(db: Session) -> None:
    db.commit()
"""


def test_subprocess_statistics_mark_the_fixable_rules(real_project: Path) -> None:
    (real_project / "app" / "api.py").write_text(ASYNC_FORGOTTEN_AWAIT)
    done = run_module("check", "--statistics", "app", cwd=real_project)
    lines = done.stdout.splitlines()
    assert lines[:2] == [
        "1  RPL101       blocking-session-call",
        "1  RPL103  [*]  async-session-not-awaited",
    ]
    assert lines[-1] == "[*] 1 fixable with `--fix`."


def test_subprocess_clean_empty_and_missing(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text("x = 1\n")
    (tmp_path / "empty").mkdir()
    done = run_module("check", "ok.py", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "All checks passed!\n", "")
    done = run_module("check", "empty", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (
        0,
        "warning: No Python files found under the given path(s)\n",
    )
    done = run_module("check", "nope", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == "error: nope: No such file or directory\n"
    assert "Traceback" not in done.stdout + done.stderr


def test_subprocess_colour_only_when_wanted(real_project: Path) -> None:
    forced = run_module("check", "app", cwd=real_project, env={"FORCE_COLOR": "1"})
    assert "\x1b[" in forced.stdout
    plain = run_module("check", "app", cwd=real_project, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in plain.stdout
    assert plain.stdout.splitlines()[1:3] == ["  |", "9 |     db.commit()"]


def test_subprocess_json_and_stdin(real_project: Path) -> None:
    done = run_module(
        "check",
        "--output-format",
        "json",
        "--stdin-filename",
        "app/new.py",
        cwd=real_project,
        stdin=ASYNC_ROUTE,
    )
    assert done.returncode == 1, done.stderr
    [found] = json.loads(done.stdout)
    assert (found["path"], found["line"], found["code"]) == ("app/new.py", 9, "RPL101")


def run_module_bytes(*args: str, cwd: Path, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    environment = {k: v for k, v in os.environ.items() if k != "REPOLINT_OUTPUT_FORMAT"}
    return subprocess.run(
        [sys.executable, "-m", "repolint", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        input=stdin,
        timeout=120,
        check=False,
    )


def test_subprocess_stdin_bytes_are_decoded_as_files_are(real_project: Path) -> None:
    """`printf ... | repolint check --stdin-filename x.py`: a coding line is honoured."""
    latin1 = ("# -*- coding: latin-1 -*-\n" + ASYNC_ROUTE + 'NAME = "\xe9t\xe9"\n').encode(
        "latin-1"
    )
    args = ("check", "--output-format", "concise", "--stdin-filename", "app/new.py")
    done = run_module_bytes(*args, cwd=real_project, stdin=latin1)
    assert done.returncode == 1, done.stderr
    assert done.stdout.decode().splitlines()[0].startswith("app/new.py:10:8: RPL101 ")
    assert done.stderr == b""
    shown = latin1.replace(b"db.commit()", b"db.commit()  # caf\xe9")
    full = run_module_bytes(
        "check", "--stdin-filename", "app/new.py", cwd=real_project, stdin=shown
    )
    assert "10 |     db.commit()  # caf\u00e9" in full.stdout.decode("utf-8")  # decoded as latin-1
    bom = b"\xef\xbb\xbf" + ASYNC_ROUTE.encode()
    done = run_module_bytes(*args, cwd=real_project, stdin=bom)
    assert done.stdout.decode().splitlines()[0].startswith("app/new.py:9:8: RPL101 ")


def test_subprocess_undecodable_stdin_is_one_rpl000_line(real_project: Path) -> None:
    """`printf 'x = "\\xe9"\\n' | repolint check --stdin-filename x.py`: RPL000, no traceback."""
    done = run_module_bytes(
        "check",
        "--output-format",
        "concise",
        "--stdin-filename",
        "x.py",
        cwd=real_project,
        stdin=b'x = "\xe9"\n',
    )
    assert done.returncode == 1
    lines = done.stdout.decode().splitlines()
    assert len(lines) == 2 and lines[1] == "Found 1 problem (1 error)."
    assert lines[0].startswith("x.py:1:1: RPL000 cannot decode: ")
    assert done.stderr == b""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("check", "--output-format", "xml"), "error: Invalid value for '--output-format': "),
        (("check", "--sel", "RPL1"), "error: No such option '--sel'"),
        (("check", "-j", "0"), "error: Invalid value for '-j' / '--jobs': "),
        (("check", "--config"), "error: Option '--config' requires an argument"),
        (("audit", "--fail-under", "200"), "error: Invalid value for '--fail-under': "),
        (("audit", "--output-format", "yaml"), "error: Invalid value for '--output-format': "),
        (("audit", "--nope"), "error: No such option '--nope'"),
        (("chek",), "error: No such command 'chek'. Did you mean 'check'?"),
    ],
)
def test_subprocess_usage_errors_are_one_line(
    args: tuple[str, ...], message: str, tmp_path: Path
) -> None:
    done = run_module(*args, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(message)
    assert done.stderr.count("\n") == 1 and done.stderr.endswith("\n")
    assert "Usage:" not in done.stderr


def test_subprocess_audit_of_a_missing_path_prints_the_error_only(tmp_path: Path) -> None:
    done = run_module("audit", "path-that-does-not-exist", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "error: path-that-does-not-exist: No such file or directory\n"


def test_subprocess_version() -> None:
    done = run_module("--version", cwd=Path.cwd())
    assert (done.returncode, done.stdout) == (0, f"repolint {repolint.__version__}\n")


ROOT = Path(__file__).parent.parent
SETUP_AND_RUN = (
    "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/repolint check sample_code"
)
TEST_COMMAND = (
    "python3 -m venv .venv && .venv/bin/pip install -e '.[dev]' && .venv/bin/python -m pytest -q"
)


def test_readme_commands_and_ci_script() -> None:
    readme = (ROOT / "README.md").read_text()
    assert f"```bash\n{SETUP_AND_RUN}\n```" in readme
    assert f"```bash\n{TEST_COMMAND}\n```" in readme
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    # word for word, the first suite written (run beside the other Pythons' suites), and
    # its failure fails CI
    runs = [i for i, line in enumerate(ci) if TEST_COMMAND in line]
    assert len(runs) == 1
    first = runs[0]
    assert not any("pytest" in line for line in ci[:first] if not line.lstrip().startswith("#"))
    assert "readme_command &" in ci
    status = (
        '[ "$(cat .ci/status-readme 2>/dev/null)" = 0 ] || failed+=("$main (the README command)")'
    )
    assert status in ci
    assert ci[-3:] == ['  echo "ci: failed on Python ${failed[*]}" >&2', "  exit 1", "fi"]


def test_readme_rules_table_matches_the_catalogue() -> None:
    """The README points to the generated catalogue, whose tables list every rule."""
    from repolint.rules import ALL_RULES

    assert "(rules/README.md)" in (ROOT / "README.md").read_text()
    index = (ROOT / "rules" / "README.md").read_text()
    rows = [line.split("|") for line in index.splitlines() if line.startswith("| [RPL")]
    table = {cells[1].strip()[1:7]: (cells[2].strip(), cells[3].strip()) for cells in rows}
    catalogue = {rule.code: (rule.name, rule.severity.value) for rule in ALL_RULES}
    assert {code: table.get(code) for code in catalogue} == catalogue


def test_documentation_links_point_into_the_repository() -> None:
    """Every relative link of README.md, CONTRIBUTING.md, docs/ and rules/ names a file of
    the repository (no RULES.md, DESIGN.md or ../shared/ left from elsewhere)."""
    pages = [ROOT / "README.md", ROOT / "CONTRIBUTING.md"]
    pages += sorted((ROOT / "rules").glob("*.md")) + sorted((ROOT / "docs").rglob("*.md"))
    broken = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s#]+)(?:#[^)]*)?\)", text):
            if not re.match(r"[a-z]+:", target) and not (page.parent / target).exists():
                broken.append(f"{page.relative_to(ROOT)}: {target}")
        for name in ("RULES.md", "DESIGN.md", "../shared/"):
            if name in text:
                broken.append(f"{page.relative_to(ROOT)}: mentions {name}")
    assert broken == []
