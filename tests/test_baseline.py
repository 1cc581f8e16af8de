"""`--write-baseline` / `--baseline`: old findings hidden, new ones reported."""

from __future__ import annotations

import inspect
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from repolint.baseline import _scope_table, entries, scope_of
from repolint.cli import main
from repolint.config import load_settings
from repolint.findings import Finding
from repolint.runner import run
from tests.test_flake8_plugin import REPORTS, write_mini_project

ROOT = Path(__file__).resolve().parent.parent
PADDING = "".join(f"# unrelated edit {i}\n" for i in range(10))


def invoke(*args: str) -> Result:
    mixable = "mix_stderr" in inspect.signature(CliRunner.__init__).parameters  # click < 8.2
    kwargs = {"mix_stderr": False} if mixable else {}
    return CliRunner(**kwargs).invoke(main, list(args))


def found(result: Result) -> list[tuple[str, int, str]]:
    return [(f["path"], f["line"], f["code"]) for f in json.loads(result.stdout)]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "sample_code", tmp_path / "sample_code")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REPOLINT_OUTPUT_FORMAT", raising=False)
    return tmp_path


def test_baseline_survives_shifted_lines_and_reports_new_findings(project: Path) -> None:
    before = found(invoke("check", "--output-format", "json", "sample_code"))
    assert before
    written = invoke("check", "--write-baseline", "baseline.json", "sample_code")
    assert written.exit_code == 0, written.stderr
    document = json.loads((project / "baseline.json").read_text())
    assert document["version"] == 2 and len(document["findings"]) == len(before)
    assert all("line" not in entry for entry in document["findings"])

    for path in {path for path, _, _ in before}:
        file = project / path
        file.write_text(PADDING + file.read_text())
    shifted = found(invoke("check", "--output-format", "json", "sample_code"))
    assert sorted((p, line - 10, c) for p, line, c in shifted) == sorted(before)

    result = invoke(
        "check", "--baseline", "baseline.json", "--output-format", "json", "sample_code"
    )
    assert (result.exit_code, found(result)) == (0, [])
    assert f"{len(before)} problems hidden by the baseline" in result.stderr


def test_baseline_hides_old_findings_of_an_edited_file_and_reports_a_new_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_mini_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert len(found(invoke("check", "--output-format", "json", "app"))) == 2
    assert invoke("check", "--write-baseline", "baseline.json", "app").exit_code == 0
    reports = tmp_path / "app" / "reports.py"
    reports.write_text(PADDING + reports.read_text())
    result = invoke("check", "--baseline", "baseline.json", "--output-format", "json", "app")
    assert (result.exit_code, found(result)) == (0, [])
    assert "2 problems hidden by the baseline" in result.stderr

    text = reports.read_text() + NEW_N_PLUS_ONE
    reports.write_text(text)
    result = invoke("check", "--baseline", "baseline.json", "--output-format", "json", "app")
    assert result.exit_code == 1
    assert found(result) == [("app/reports.py", len(text.splitlines()), "RPL301")]


NEW_N_PLUS_ONE = """

def author_names(db: Session) -> list[str]:
    return [book.author.id for book in db.scalars(select(Book).limit(5))]
"""


def test_stale_entries_are_counted_and_dropped_by_rewriting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reports = write_mini_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    invoke("check", "--write-baseline", "baseline.json", "app")
    reports.write_text(reports.read_text().replace("len(author.books)", "0"))
    result = invoke("check", "--baseline", "baseline.json", "app")
    assert result.exit_code == 0
    assert "1 problem hidden by the baseline; 1 baseline entry no longer matches" in result.stderr
    # Checking another file does not make the rest of the baseline stale.
    one = invoke("check", "--baseline", "baseline.json", "app/models.py")
    assert "no longer" not in one.stderr
    invoke("check", "--write-baseline", "baseline.json", "app")
    again = invoke("check", "--baseline", "baseline.json", "app")
    assert "no longer" not in again.stderr


def test_write_baseline_exits_0_and_bad_baselines_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_mini_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    written = invoke("check", "--write-baseline", "b.json", "app")
    assert (written.exit_code, written.stdout) == (0, "")
    assert "Wrote 2 baseline entries to b.json" in written.stderr
    missing = invoke("check", "--baseline", "missing.json", "app")
    assert missing.exit_code == 2 and "missing.json: baseline file not found" in missing.stderr
    (tmp_path / "old.json").write_text('{"version": 99, "findings": []}')
    old = invoke("check", "--baseline", "old.json", "app")
    assert old.exit_code == 2 and "version 99" in old.stderr
    (tmp_path / "bad.json").write_text("not json")
    assert invoke("check", "--baseline", "bad.json", "app").exit_code == 2


SOURCE = """\
class Repo:
    @decorated
    def list(self):
        for row in rows:
            row.items  # finding
            row.items  # finding

def helper():
    pass
"""


def test_fingerprints_use_scope_text_and_occurrence_not_lines() -> None:
    table = _scope_table(SOURCE)
    assert scope_of(table, 2) == "Repo.list"  # the decorator belongs to the method
    assert scope_of(table, 5) == "Repo.list"
    assert scope_of(table, 1) == "Repo"
    assert scope_of(table, 9) == "helper"
    assert scope_of(table, 7) == ""

    def at(line: int, path: str = "app/x.py") -> Finding:
        return Finding(path, line, 13, "RPL301", "lazy")

    first, second = entries([at(5), at(6)], {"app/x.py": SOURCE})
    assert (first.scope, first.text) == ("Repo.list", "row.items # finding")
    assert first.fingerprint != second.fingerprint  # same text: the occurrence tells them apart
    shifted = entries([at(7), at(8)], {"app/x.py": "\n\n" + SOURCE})
    assert [e.fingerprint for e in shifted] == [first.fingerprint, second.fingerprint]
    windows = entries([Finding("app\\x.py", 5, 13, "RPL301", "lazy")], {"app\\x.py": SOURCE})
    assert windows[0].path in ("app/x.py", "app\\x.py")  # POSIX separators where `\\` is one


def two_folder_project(root: Path) -> Path:
    """The mini project with its N+1 module in `app/` and again in `app/api/`: 4 findings."""
    write_mini_project(root)
    (root / "app" / "api").mkdir()
    (root / "app" / "api" / "__init__.py").write_text("")
    (root / "app" / "api" / "reports.py").write_text(REPORTS)
    return root


def test_baseline_matches_from_a_subfolder_and_from_outside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = two_folder_project(tmp_path / "proj")
    monkeypatch.chdir(project)
    assert invoke("check", "--write-baseline", "baseline.json", "app").exit_code == 0
    paths = {e["path"] for e in json.loads((project / "baseline.json").read_text())["findings"]}
    assert paths == {"app/reports.py", "app/api/reports.py"}  # relative to the file's folder

    monkeypatch.chdir(project / "app" / "api")
    here = invoke("check", "--baseline", "../../baseline.json", "--output-format", "json")
    assert (here.exit_code, found(here)) == (0, [])
    assert here.stderr == "2 problems hidden by the baseline\n"  # the others are not stale

    monkeypatch.chdir(tmp_path)
    outside = invoke(
        "check", "--baseline", "proj/baseline.json", "--output-format", "json", "proj/app"
    )
    assert (outside.exit_code, found(outside)) == (0, [])
    assert outside.stderr == "4 problems hidden by the baseline\n"


def test_stale_advice_works_from_a_subfolder_and_keeps_the_other_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = two_folder_project(tmp_path)
    invoke_from = project / "app" / "api"
    monkeypatch.chdir(project)
    invoke("check", "--write-baseline", "baseline.json", "app")
    fixed = invoke_from / "reports.py"
    fixed.write_text(fixed.read_text().replace("len(author.books)", "0"))

    monkeypatch.chdir(invoke_from)
    stale = invoke("check", "--baseline", "../../baseline.json", ".")
    assert stale.exit_code == 0
    assert stale.stderr == (
        "1 problem hidden by the baseline; 1 baseline entry no longer matches (drop it: "
        "run the same command with --write-baseline ../../baseline.json in place of "
        "--baseline)\n"
    )
    # The advice, followed here, drops that entry and keeps those of app/reports.py.
    rewritten = invoke("check", "--write-baseline", "../../baseline.json", ".")
    assert rewritten.exit_code == 0 and "Wrote 3 baseline entries" in rewritten.stderr
    again = invoke("check", "--baseline", "../../baseline.json", ".")
    assert again.stderr == "1 problem hidden by the baseline\n"

    monkeypatch.chdir(project)
    everything = invoke("check", "--baseline", "baseline.json", "--output-format", "json", "app")
    assert (everything.exit_code, found(everything)) == (0, [])
    assert everything.stderr == "3 problems hidden by the baseline\n"


def test_rpl000_is_recorded_and_hidden_like_any_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_mini_project(tmp_path)
    (tmp_path / "app" / "broken.py").write_text("def broken(:\n    pass\n")
    (tmp_path / "app" / "latin1.py").write_bytes(b"name = '\xe9t\xe9'\n")
    monkeypatch.chdir(tmp_path)
    before = found(invoke("check", "--output-format", "json", "app"))
    assert sorted(code for _, _, code in before) == ["RPL000", "RPL000", "RPL301", "RPL301"]
    written = invoke("check", "--write-baseline", "baseline.json", "app")
    assert "Wrote 4 baseline entries" in written.stderr
    result = invoke("check", "--baseline", "baseline.json", "--output-format", "json", "app")
    assert (result.exit_code, found(result)) == (0, [])
    assert result.stderr == "4 problems hidden by the baseline\n"
    # Lines added above keep it hidden; another syntax error is new.
    (tmp_path / "app" / "broken.py").write_text("x = 1\ndef broken(:\n    pass\n")
    result = invoke("check", "--baseline", "baseline.json", "--output-format", "json", "app")
    assert (result.exit_code, found(result)) == (0, [])
    (tmp_path / "app" / "broken.py").write_text("x = 1\ndef broken(a, :\n    pass\n")
    result = invoke("check", "--baseline", "baseline.json", "--output-format", "json", "app")
    assert (result.exit_code, found(result)) == (1, [("app/broken.py", 2, "RPL000")])


def test_version_1_baselines_are_still_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Version 1 recorded paths as printed, relative to the folder repolint ran in."""
    write_mini_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    settings, _ = load_settings(["app"])
    result = run(["app"], settings)
    recorded = [entry.__dict__ for entry in entries(result.findings, result.sources)]
    old = {"version": 1, "tool": "repolint", "findings": recorded}
    (tmp_path / "old.json").write_text(json.dumps(old))
    checked = invoke("check", "--baseline", "old.json", "--output-format", "json", "app")
    assert (checked.exit_code, found(checked)) == (0, [])
    assert checked.stderr == "2 problems hidden by the baseline\n"
    # Writing it again upgrades it to version 2.
    invoke("check", "--write-baseline", "old.json", "app")
    assert json.loads((tmp_path / "old.json").read_text())["version"] == 2
