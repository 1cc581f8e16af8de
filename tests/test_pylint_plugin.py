"""The pylint plugin: same findings as `repolint check`, clash-free message ids."""

from __future__ import annotations

import pkgutil
import re
from pathlib import Path

import pytest

from repolint.findings import Severity
from repolint.rules import ALL_RULES
from tests.test_flake8_plugin import REPORTS, ROOT, flake8, repolint, run, write_mini_project

pylint = pytest.importorskip("pylint")

from pylint import extensions  # noqa: E402  (after the skip)

from repolint.integrations.pylint import CHECKER_BLOCK, msgid  # noqa: E402

PLUGIN = "--load-plugins=repolint.integrations.pylint"
TEMPLATE = "--msg-template={path}:{line}:{column}: {msg_id} {symbol} {msg}"
MESSAGE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<id>[A-Z]\d{4}) (?P<symbol>\S+) (?P<msg>.*)$"
)


def pylint_run(*args: str, cwd: Path) -> set[tuple[str, int, int, str]]:
    """(path, line, 1-based column, RPL code) of every repolint message."""
    result = run(
        "pylint",
        PLUGIN,
        "--persistent=n",
        "--disable=all",
        "--enable=repolint",
        TEMPLATE,
        *args,
        cwd=cwd,
    )
    assert "Traceback" not in result.stderr, result.stderr
    found = set()
    for line in result.stdout.splitlines():
        match = MESSAGE.match(line)
        if not match:
            continue
        code = match["msg"].split()[0]
        rule = next(r for r in ALL_RULES if r.code == code)
        assert (match["id"], match["symbol"]) == (msgid(rule.code, rule.severity), rule.name)
        found.add((match["path"], int(match["line"]), int(match["col"]) + 1, code))
    return found


def test_pylint_reports_what_repolint_check_reports_on_the_sample() -> None:
    expected = repolint("sample_code", cwd=ROOT)
    assert expected
    assert pylint_run("sample_code", cwd=ROOT) == expected


def test_pylint_on_one_file_with_noqa_and_pylint_disable(tmp_path: Path) -> None:
    reports = write_mini_project(tmp_path)
    assert pylint_run("app/reports.py", cwd=tmp_path) == repolint("app/reports.py", cwd=tmp_path)
    lines = REPORTS.splitlines()
    lines[9] += "  # noqa: RPL301"
    lines[14] += "  # pylint: disable=lazy-load-per-row"
    reports.write_text("\n".join(lines) + "\n")
    assert pylint_run("app/reports.py", cwd=tmp_path) == set()


def test_message_ids_follow_the_codes() -> None:
    assert msgid("RPL301", Severity.WARNING) == "W7301"
    assert msgid("RPL302", Severity.ERROR) == "E7302"
    assert msgid("RPL000", Severity.ERROR) == "E7000"
    assert {msgid(r.code, r.severity)[1:3] for r in ALL_RULES} <= {
        str(CHECKER_BLOCK + family) for family in range(5)
    }


def test_message_ids_clash_with_no_bundled_extension_nor_pylint_django() -> None:
    pytest.importorskip("pylint_django")
    bundled = [
        f"pylint.extensions.{module.name}"
        for module in pkgutil.iter_modules(extensions.__path__)
        if not module.name.startswith("_")
    ]
    assert "pylint.extensions.docparams" in bundled
    others = ",".join([*bundled, "pylint_django"])
    listed = run("pylint", f"--load-plugins={others}", "--list-msgs", cwd=ROOT)
    assert listed.returncode == 0, listed.stderr
    theirs = set(re.findall(r"\(([A-Z]\d{4})\)", listed.stdout))
    assert len(theirs) > 400
    blocks = {str(CHECKER_BLOCK + family) for family in range(5)}
    assert not {m for m in theirs if m[1:3] in blocks}, "a checker id of ours is taken"

    together = run(
        "pylint", f"--load-plugins={others},repolint.integrations.pylint", "--list-msgs", cwd=ROOT
    )
    assert together.returncode == 0, together.stderr
    for rule in ALL_RULES:
        assert (
            f":{rule.name} ({msgid(rule.code, rule.severity)}): *{rule.code} %s*" in together.stdout
        )


def test_readme_documents_every_message_id() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| (RPL\d{3}) \| ([EW]\d{4}) \| ([a-z-]+) \|$", readme, re.M))
    assert rows == {(r.code, msgid(r.code, r.severity), r.name) for r in ALL_RULES}


def test_a_tree_without_project_markers_is_one_project_from_where_the_tools_run(
    tmp_path: Path,
) -> None:
    """No pyproject.toml, setup.cfg, setup.py nor .git: the current folder is the project
    root for the CLI, flake8 and pylint alike, so the models of the other file count."""
    write_mini_project(tmp_path)
    (tmp_path / "pyproject.toml").unlink()
    expected = {
        ("app/reports.py", 10, "RPL301"),
        ("app/reports.py", 15, "RPL301"),
    }
    by_cli = {(p, line, code) for p, line, _, code in repolint("app/reports.py", cwd=tmp_path)}
    by_flake8 = {(p, line, code) for p, line, _, code in flake8("app/reports.py", cwd=tmp_path)}
    by_pylint = {(p, line, code) for p, line, _, code in pylint_run("app/reports.py", cwd=tmp_path)}
    assert by_cli == by_flake8 == by_pylint == expected
