"""Bad input: one clear line per bad file, the other files still checked, no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

BAD_ROUTE = textwrap.dedent(
    """
    from sqlalchemy.orm import Session

    async def route(db: Session):
        db.commit()
    """
)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    return subprocess.run(
        [sys.executable, "-m", "repolint", "check", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def findings(proc: subprocess.CompletedProcess[str]) -> list[dict[str, object]]:
    return json.loads(proc.stdout)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "good.py").write_text(BAD_ROUTE, encoding="utf-8")
    return tmp_path


def assert_clean_failure(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr + proc.stdout


def test_syntax_error_is_one_finding_and_the_rest_is_checked(tree: Path) -> None:
    (tree / "broken.py").write_text("def broken(:\n    pass\n", encoding="utf-8")
    proc = run(".", "--output-format", "json", cwd=tree)
    assert_clean_failure(proc)
    got = sorted((f["path"], f["code"]) for f in findings(proc))
    assert got == [("broken.py", "RPL000"), ("good.py", "RPL101")]
    assert proc.returncode == 1
    assert "newer Python" not in str(findings(proc)[0]["message"])


@pytest.mark.skipif(
    sys.version_info >= (3, 12), reason="needs syntax newer than the running Python"
)
def test_newer_python_syntax_names_the_version(tree: Path) -> None:
    # PEP 695 (3.12) read by the downgrade, then an error it cannot read past: the file
    # uses newer syntax, so a newer Python is named as a possible cause
    (tree / "new.py").write_text('type Rows = list[Row]\nname = f"{row["name"]}" +\n')
    proc = run(".", "--output-format", "json", cwd=tree)
    by_path = {f["path"]: f for f in findings(proc)}
    message = str(by_path["new.py"]["message"])
    assert message.startswith("cannot parse: ")
    assert f"newer Python than {sys.version_info.major}.{sys.version_info.minor}" in message
    assert "good.py" in by_path


def test_undecodable_file(tree: Path) -> None:
    (tree / "latin.py").write_bytes(b"name = '\xe9t\xe9'\n")
    proc = run(".", "--output-format", "json", cwd=tree)
    by_path = {f["path"]: f for f in findings(proc)}
    assert by_path["latin.py"]["code"] == "RPL000"
    assert "cannot decode" in str(by_path["latin.py"]["message"])
    assert by_path["good.py"]["code"] == "RPL101"


def test_declared_encoding_is_honoured(tree: Path) -> None:
    (tree / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\nname = '\xe9t\xe9'\n")
    proc = run(".", "--output-format", "json", cwd=tree)
    assert {f["path"] for f in findings(proc)} == {"good.py"}


def test_binary_file_named_py(tree: Path) -> None:
    (tree / "blob.py").write_bytes(bytes(range(256)) * 4)
    proc = run(".", "--output-format", "json", cwd=tree)
    by_path = {f["path"]: f for f in findings(proc)}
    assert by_path["blob.py"]["code"] == "RPL000"
    assert "good.py" in by_path


def test_missing_path_is_an_error_line_and_exit_2(tree: Path) -> None:
    proc = run("good.py", "nope.py", "--output-format", "json", cwd=tree)
    assert_clean_failure(proc)
    assert [f["path"] for f in findings(proc)] == ["good.py"]
    error_lines = [line for line in proc.stderr.splitlines() if "nope.py" in line]
    assert len(error_lines) == 1
    assert proc.returncode == 2


def test_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    proc = run("empty", cwd=tmp_path)
    assert_clean_failure(proc)
    assert proc.returncode == 0
    assert "No Python files found" in proc.stderr + proc.stdout


def test_symlink_loop(tree: Path) -> None:
    (tree / "loop").symlink_to(tree / "loop")
    (tree / "pkg").mkdir()
    (tree / "pkg" / "back").symlink_to(tree, target_is_directory=True)
    proc = run(".", "--output-format", "json", cwd=tree)
    assert_clean_failure(proc)
    assert [f["path"] for f in findings(proc)] == ["good.py"]


def test_enormous_file_is_skipped_with_a_reason(tree: Path) -> None:
    (tree / "huge.py").write_text("x = 1\n" * 2_000_000, encoding="utf-8")
    proc = run(".", "--output-format", "json", cwd=tree)
    by_path = {f["path"]: f for f in findings(proc)}
    assert "too large" in str(by_path["huge.py"]["message"])
    assert by_path["good.py"]["code"] == "RPL101"


def test_deep_nesting_does_not_crash(tree: Path) -> None:
    (tree / "deep.py").write_text("x = " + "(" * 5000 + "1" + ")" * 5000 + "\n", encoding="utf-8")
    proc = run(".", "--output-format", "json", cwd=tree)
    assert_clean_failure(proc)
    by_path = {f["path"]: f for f in findings(proc)}
    assert by_path["deep.py"]["code"] == "RPL000"
    assert "good.py" in by_path


def test_analysed_code_is_never_imported(tmp_path: Path) -> None:
    marker = tmp_path / "imported.txt"
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text(
        f"open({str(marker)!r}, 'w').write('imported')\n", encoding="utf-8"
    )
    (tmp_path / "app" / "routes.py").write_text(
        f"open({str(marker)!r}, 'w').write('imported')\nimport app\n" + BAD_ROUTE, encoding="utf-8"
    )
    proc = run("app", "--output-format", "json", cwd=tmp_path)
    assert [f["code"] for f in findings(proc)] == ["RPL101"]
    assert not marker.exists()


def test_rpl000_has_a_non_empty_range_in_every_format(tree: Path) -> None:
    """From the column of the error to the end of its line; one column when the file has no
    readable line (undecodable)."""
    (tree / "good.py").unlink()
    (tree / "broken.py").write_text('x = 1\nprint "hello"  \n', encoding="utf-8")
    (tree / "latin1.py").write_bytes(b"name = '\xe9t\xe9'\n")
    proc = run(".", "--output-format", "json", cwd=tree)
    spans = {
        f["path"]: (f["line"], f["column"], f["end_line"], f["end_column"]) for f in findings(proc)
    }
    assert spans == {"broken.py": (2, 1, 2, 14), "latin1.py": (1, 1, 1, 2)}
    sarif = json.loads(run(".", "--output-format", "sarif", cwd=tree).stdout)
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in sarif["runs"][0]["results"]]
    assert [(r["startColumn"], r["endColumn"]) for r in regions] == [(1, 14), (1, 2)]
    github = run(".", "--output-format", "github", cwd=tree).stdout.splitlines()
    assert "col=1,endLine=2,endColumn=14" in github[0]
    assert "col=1,endLine=1,endColumn=2" in github[1]
    full = run(".", cwd=tree).stdout.splitlines()
    assert full[2:4] == ['2 | print "hello"', "  | ^^^^^^^^^^^^^"]
