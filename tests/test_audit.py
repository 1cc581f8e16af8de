"""`repolint audit` on sample_code: every verdict, cell by cell, against a table
written by reading the sample (its repositories and its own tests in
sample_code/rota/tests/), plus the executive summary, the formats and the exit codes."""

from __future__ import annotations

import inspect
import json
import math
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from repolint.audit.model import ITEM_IDS
from repolint.cli import main

ROOT = Path(__file__).resolve().parent.parent
REPOS = ROOT / "sample_code" / "rota" / "repositories"
TESTS = ROOT / "sample_code" / "rota" / "tests"
AUDITED = ("sample_code/rota", "sample_code/shop")
"""The apps the verdict table describes (the other samples show the rules' reach)."""

P, F, N = "pass", "fail", "n/a"

# Columns: async-base, async-session-init, get-by-id, get-by-id-with-relations,
# list-method, selectinload, unit-tests, integration-tests, docstrings,
# not-found-error, pagination-tests.
EXPECTED: dict[str, tuple[str | None, tuple[str, ...]]] = {
    # Module functions record_absence/list_absences (sync Session): no base and no
    # __init__ to score; no get_absence(); Absence.person is lazy and never eager-
    # loaded; test_absence_functions uses the real `session` fixture only; nothing
    # fetches one row; nothing paginates.
    "rota.repositories.absence": ("Absence", (N, N, F, F, P, F, F, P, P, N, N)),
    # Sync, no base; writes only (no get_by_id, no list); mark_swap_pending() raises
    # RecordNotFoundError; no test names it.
    "AssignmentRepository": ("Assignment", (F, F, F, F, F, F, F, F, P, P, N)),
    # Async base, inherited get_by_id without eager path (RPL304) or selectinload;
    # untested; get_all() (inherited) paginates and is never tested.
    "AsyncAbsenceRepository": ("Absence", (P, P, P, F, P, F, F, F, P, F, F)),
    # The guide's model repository: twin with selectinload, get_or_raise(), a mocked
    # AsyncSession (create_autospec), aiosqlite tests, get_all() with offset 2.
    "AsyncAssignmentRepository": ("Assignment", (P, P, P, P, P, P, P, P, P, P, P)),
    # Binds Block to the base and adds nothing: the tests and docstrings items do
    # not apply; Block.assignments is lazy and has no eager path.
    "AsyncBlockRepository": ("Block", (P, P, P, F, P, F, N, N, N, F, N)),
    # Holiday has no relationship; integration tests only; list_page() is asked
    # for pages 1, 2, 3 in a loop.
    "AsyncHolidayRepository": ("Holiday", (P, P, P, N, P, N, F, P, P, F, P)),
    # get_by_id(options=...) is its eager path (as RPL304 accepts); a
    # create_autospec(Session) unit test, no integration test.
    "BlockRepository": ("Block", (F, F, P, P, P, F, P, F, P, F, N)),
    # The get_eager_options() hook is its eager path, but it uses joinedload.
    "CertificationRepository": ("Certification", (F, F, P, P, P, F, F, P, P, F, N)),
    # Sync but fully tested: MagicMock(spec=Session), SQLite, list_page(0)/(2).
    "PersonRepository": ("Person", (F, F, P, P, P, P, P, P, P, F, P)),
    # get_by_id() without eager path; only a service test patches it (no session
    # mock, no database).
    "SwapRepository": ("SwapRecord", (F, F, P, F, F, F, F, F, P, F, N)),
    # A store keeping a scope made from its own sessionmaker (rota/jobs/reconcile.py):
    # the data layer, as mlflow's stores are; no model, sync, untested, documented.
    "TemplateStore": (None, (N, F, N, N, N, N, F, F, P, N, N)),
    # Query-only (no model): the model items do not apply; mocker.AsyncMock() unit
    # tests; busiest_people() lacks a docstring and is asked for one page only.
    "WorkloadReportRepository": (None, (N, P, N, N, N, N, P, F, F, N, F)),
}

BASES: dict[str, tuple[list[str], tuple[str, ...]]] = {
    # The generic bases: shown once, above the repositories deriving from them, and not
    # scored (their verdicts are their subclasses'). Both were rows of EXPECTED before
    # bases were told apart; their verdicts are unchanged.
    # The async base itself: generic (no model), tested through its subclass
    # AsyncAssignmentRepository; get_by_id() returns None, nothing raises.
    "AsyncBaseRepository": (
        [
            "AsyncAbsenceRepository",
            "AsyncAssignmentRepository",
            "AsyncBlockRepository",
            "AsyncHolidayRepository",
        ],
        (N, P, P, N, P, N, P, P, P, F, P),
    ),
    # Sync generic base: tested (integration) through CertificationRepository.
    "BaseRepository": (["CertificationRepository"], (F, F, P, N, P, N, F, P, P, F, N)),
}

SUMMARY = {
    "Async support": ("partial", "CRITICAL"),  # sync and async repos, RPL101/RPL102
    "N+1 prevention": ("partial", "CRITICAL"),  # RPL302 (MissingGreenlet) in the sample
    "Transaction management": ("partial", "MEDIUM"),  # RPL201 in 4 repositories
    "Error handling": ("partial", "MEDIUM"),  # 2 of 9 raise RecordNotFoundError
    "Pagination": ("partial", "MEDIUM"),  # RPL401 in the sample, 2 untested
}


def invoke(*args: str) -> Result:
    mixable = "mix_stderr" in inspect.signature(CliRunner.__init__).parameters  # click < 8.2
    kwargs = {"mix_stderr": False} if mixable else {}
    return CliRunner(**kwargs).invoke(main, list(args))


@pytest.fixture(scope="module")
def audit() -> dict:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = invoke("audit", "--output-format", "json", *AUDITED)
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def line_of(path: Path, pattern: str) -> int:
    """The line of the first match of `pattern` in `path`."""
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if re.search(pattern, text):
            return number
    raise AssertionError(f"{pattern!r} not in {path}")


def test_every_verdict_matches_the_table(audit: dict) -> None:
    found = {repo["name"]: repo for repo in audit["repositories"]}
    assert sorted(found) == sorted(EXPECTED)
    wrong = []
    for name, (model, verdicts) in EXPECTED.items():
        repo = found[name]
        assert repo["model"] == model, name
        assert [c["id"] for c in repo["checks"]] == list(ITEM_IDS)
        for check, want in zip(repo["checks"], verdicts, strict=True):
            if check["status"] != want:
                wrong.append(f"{name} {check['id']}: {check['status']} != {want} ({check})")
    assert not wrong, "\n".join(wrong)


def test_generic_bases_are_shown_once_with_their_subclasses(audit: dict) -> None:
    bases = {base["name"]: base for base in audit["bases"]}
    assert sorted(bases) == sorted(BASES)
    for name, (subclasses, verdicts) in BASES.items():
        assert bases[name]["role"] == "base"
        assert bases[name]["subclasses"] == subclasses
        assert [c["status"] for c in bases[name]["checks"]] == list(verdicts), name
    assert all(repo["role"] == "repository" for repo in audit["repositories"])


def test_each_item_shows_every_verdict(audit: dict) -> None:
    table = [v for _, v in EXPECTED.values()] + [v for _, v in BASES.values()]
    for index, item in enumerate(ITEM_IDS):
        seen = {verdicts[index] for verdicts in table}
        assert seen == {P, F, N}, item


def test_evidence_points_at_the_code(audit: dict) -> None:
    repos = {repo["name"]: repo for repo in audit["repositories"]}

    def check(name: str, item: str) -> dict:
        return next(c for c in repos[name]["checks"] if c["id"] == item)

    base = "sample_code/rota/repositories/async_base.py"
    inherited = check("AsyncAssignmentRepository", "get-by-id")
    assert inherited["evidence"] == f"{base}:{line_of(REPOS / 'async_base.py', 'def get_by_id')}"
    assert "inherited from AsyncBaseRepository" in inherited["message"]

    twin = check("AsyncAssignmentRepository", "get-by-id-with-relations")
    line = line_of(REPOS / "async_assignment.py", "def get_by_id_with_relations")
    assert twin["evidence"].endswith(f"async_assignment.py:{line}")
    assert "block, person, rotation_template" in twin["message"]

    unit = check("PersonRepository", "unit-tests")
    line = line_of(TESTS / "test_person_repository.py", "def test_get_by_id_asks")
    assert unit["evidence"] == f"sample_code/rota/tests/test_person_repository.py:{line}"

    integration = check("AsyncHolidayRepository", "integration-tests")
    assert "create_async_engine" in integration["message"]
    assert "conftest.py" in integration["message"]

    missing = check("WorkloadReportRepository", "docstrings")
    assert missing["message"] == "no docstring: busiest_people()"
    assert missing["evidence"].endswith(f":{line_of(REPOS / 'workload.py', 'def busiest_people')}")

    service_only = check("SwapRepository", "unit-tests")
    assert "test_approve_swap_hands_the_assignment_over" in service_only["message"]
    assert "none mocks its session" in service_only["message"]
    assert service_only["fix"]

    pages = check("AsyncHolidayRepository", "pagination-tests")
    assert "list_page() for 3 pages" in pages["message"]


def test_the_executive_summary(audit: dict) -> None:
    rows = {row["area"]: row for row in audit["summary"]}
    assert list(rows) == list(SUMMARY)
    for area, (status, risk) in SUMMARY.items():
        assert (rows[area]["status"], rows[area]["risk"]) == (status, risk), rows[area]
        assert rows[area]["action"] and rows[area]["detail"]
    assert rows["Async support"]["detail"].startswith("5 of 12 repositories async")
    assert "UnitOfWork" in rows["Transaction management"]["action"]


def test_the_score_is_the_share_of_applicable_items_that_pass(audit: dict) -> None:
    passed = sum(v.count(P) for _, v in EXPECTED.values())
    applicable = sum(len(v) - v.count(N) for _, v in EXPECTED.values())
    assert audit["score"]["passed"] == passed
    assert audit["score"]["applicable"] == applicable
    # One decimal, rounded down, as every report prints it.
    assert audit["score"]["percent"] == math.floor(1000 * passed / applicable) / 10


def test_markdown_pastes_into_an_issue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = invoke("audit", "--output-format", "markdown", *AUDITED)
    assert result.exit_code == 0
    text = result.stdout
    assert "| Pattern | Status | Risk | Action |" in text
    assert "| Async support | ⚠️ Partial | CRITICAL |" in text
    assert text.index("## Executive summary") < text.index("## Fix first")
    assert text.index("## Fix first") < text.index("## Bases") < text.index("## Checklist")
    row = next(
        line for line in text.splitlines() if line.startswith("| `AsyncAssignmentRepository`")
    )
    assert row.count("✅") == 11
    assert "- [ ] **not-found-error**" in text


def test_full_report_reads_without_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "140")
    result = invoke("audit", "--verbose", *AUDITED)
    assert result.exit_code == 0
    text = result.stdout
    assert "\x1b[" not in text
    assert "repolint audit: 12 repositories, 2 bases" in text
    assert "Async support" in text and "CRITICAL" in text
    row = next(line for line in text.splitlines() if "AsyncAssignmentRepository " in line)
    assert row.count("✓") == 11
    assert "What to do next" in text
    assert "✗ pagination-tests: test busiest_people() across several pages" in text


def test_narrow_terminals_number_the_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    text = invoke("audit", "--verbose", *AUDITED).stdout
    assert "1 async-base" in text and "11 pagination-tests" in text
    assert all(len(line) <= 80 for line in text.split("What to do next")[0].splitlines())


def test_the_default_report_is_the_lead_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """Summary first, then fix first, bases and the verdicts per item, within 80 columns
    even on a wide terminal; the per-repository detail only with --verbose."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    text = invoke("audit", *AUDITED).stdout
    lines = text.splitlines()
    assert lines[0].startswith("repolint audit: 12 repositories, 2 bases, ")
    order = ["Summary", "Fix first", "Base AsyncBaseRepository"]
    order.append("Verdicts per item (12 repositories)")
    assert [lines.index(h) for h in order] == sorted(lines.index(h) for h in order)
    assert max(len(line) for line in lines) <= 80
    assert "What to do next" not in text and "--verbose" in lines[-2] + lines[-1]
    assert "  Async support           ! Partial  CRITICAL" in lines
    first = lines[lines.index("Fix first") + 1]
    assert first.split()[:2] == ["1.", "CRITICAL"]


def test_a_path_that_does_not_exist_prints_the_error_only(tmp_path: Path) -> None:
    result = invoke("audit", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip() == f"error: {tmp_path / 'nowhere'}: No such file or directory"
