"""`repolint check --fix --unsafe-fixes` on a copy of sample_code, proved by execution.

One copy per module: repolint fixes it in a subprocess, then `scenarios.py` runs the
same code paths of the original and of the fixed copy on SQLite (aiosqlite for the
async ones) and reports what happened. The fixed copy must then check clean of every
fixed finding and of anything new, a second `--fix` must change nothing, and every
fixed file must parse and keep its `ruff format --check` verdict.
"""

from __future__ import annotations

import ast
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_code"
SCENARIOS = Path(__file__).resolve().parent / "scenarios.py"
RUFF = Path(sys.executable).parent / "ruff"
FIXED_CODES = {
    "RPL103",
    "RPL104",
    "RPL201",
    "RPL301",
    "RPL302",
    "RPL305",
    "RPL306",
    "RPL308",
    "RPL401",
    "RPL404",
}
"""The rules with fixes that the sample exercises (every one must fix something)."""

ALL = ("--extend-select", "RPL404")
"""Every rule, the opt-in RPL404 included."""

Key = tuple[str, str, str]


@dataclass
class Proof:
    before: list[dict[str, Any]]
    """Findings of the copy before fixing (`--unsafe-fixes`: every fix shown)."""
    after: list[dict[str, Any]]
    """What `--fix --unsafe-fixes` reported as left."""
    fix_stderr: str
    again: subprocess.CompletedProcess[str]
    originals: dict[Path, bytes]
    fixed: dict[Path, bytes]
    fixed_again: dict[Path, bytes]
    formatted_before: dict[Path, bool]
    formatted_after: dict[Path, bool]
    run_before: dict[str, Any]
    run_after: dict[str, Any]


def repolint(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REPOLINT_NO_CACHE": "1", "NO_COLOR": "1"}
    env.pop("REPOLINT_OUTPUT_FORMAT", None)
    return subprocess.run(
        [sys.executable, "-m", "repolint", "check", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def contents(tree: Path) -> dict[Path, bytes]:
    return {p.relative_to(tree): p.read_bytes() for p in sorted(tree.rglob("*.py"))}


def ruff_formatted(tree: Path, files: list[Path]) -> dict[Path, bool]:
    """`ruff format --check` per file (True: already formatted), with ruff's defaults."""
    return {
        f: subprocess.run(
            [str(RUFF), "format", "--check", "--isolated", "--quiet", str(tree / f)],
            capture_output=True,
        ).returncode
        == 0
        for f in files
    }


def scenarios(tree: Path, db_folder: Path) -> dict[str, Any]:
    db_folder.mkdir()
    done = subprocess.run(
        [sys.executable, str(SCENARIOS), str(tree), str(db_folder)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def proof(tmp_path_factory: pytest.TempPathFactory) -> Proof:
    root = tmp_path_factory.mktemp("fix-proof")
    copy = root / "sample_code"
    shutil.copytree(SAMPLES, copy, ignore=shutil.ignore_patterns("__pycache__"))
    originals = contents(copy)
    shown = repolint(root, *ALL, "--unsafe-fixes", "--output-format", "json", "sample_code")
    assert shown.returncode == 1, shown.stderr
    fixing = repolint(
        root, *ALL, "--fix", "--unsafe-fixes", "--output-format", "json", "sample_code"
    )
    fixed = contents(copy)
    changed = [f for f in originals if fixed[f] != originals[f]]
    again = repolint(
        root, *ALL, "--fix", "--unsafe-fixes", "--output-format", "json", "sample_code"
    )
    formatted_after = ruff_formatted(copy, changed)
    (root / "before").mkdir()
    for f in changed:  # the originals, for ruff's verdict before the fix
        (root / "before" / f).parent.mkdir(parents=True, exist_ok=True)
        (root / "before" / f).write_bytes(originals[f])
    return Proof(
        before=json.loads(shown.stdout),
        after=json.loads(fixing.stdout),
        fix_stderr=fixing.stderr,
        again=again,
        originals=originals,
        fixed=fixed,
        fixed_again=contents(copy),
        formatted_before=ruff_formatted(root / "before", changed),
        formatted_after=formatted_after,
        run_before=scenarios(SAMPLES, root / "db-before"),
        run_after=scenarios(copy, root / "db-after"),
    )


def key(finding: dict[str, Any]) -> Key:
    """A finding whatever line it moved to: its file, code and message, with the source
    the message quotes (`self.db.query(...)`, which a fix may have rewritten) left out."""
    return (
        finding["path"],
        finding["code"],
        re.sub(r"`[^`]*\([^`]*`", "`...`", finding["message"]),
    )


# The fixes as a whole -----------------------------------------------------------------


def test_fix_removes_every_fixed_finding_and_adds_nothing(proof: Proof) -> None:
    fixable = [f for f in proof.before if f.get("fix")]
    assert {f["code"] for f in fixable} == FIXED_CODES
    assert len(fixable) == 62
    expected = Counter(map(key, proof.before)) - Counter(map(key, fixable))
    left = Counter(map(key, proof.after))
    assert left - expected == Counter()  # nothing new
    # fixed in a later round: `book.author` below `shelf.books`, once that is eager-loaded
    nested = (
        "sample_code/library/services/catalogue.py",
        "RPL301",
        "lazy relationship `Book.author` is loaded once per row: "
        "up to one query per distinct `Author` (N+1 at worst)",
    )
    assert expected - left == Counter([nested])
    assert all(f["fix"] is None for f in proof.after)
    assert "Fixed 63 problems in 27 files." in proof.fix_stderr


def test_a_second_fix_changes_nothing(proof: Proof) -> None:
    assert proof.fixed_again == proof.fixed
    assert "Fixed" not in proof.again.stderr
    assert json.loads(proof.again.stdout) == proof.after


def test_fixed_files_parse_and_keep_their_format_verdict(proof: Proof) -> None:
    changed = [f for f in proof.originals if proof.fixed[f] != proof.originals[f]]
    assert len(changed) == 27
    for f in changed:
        ast.parse(proof.fixed[f].decode("utf-8"), filename=str(f))
        added = proof.fixed[f].count(b"\n") - proof.originals[f].count(b"\n")
        fixes = sum(1 for x in proof.before if x.get("fix") and x["path"] == f"sample_code/{f}")
        assert 0 <= added <= 2 * fixes + 1  # a wrapped statement, an import line
    assert proof.formatted_after == proof.formatted_before
    assert set(proof.formatted_before) == set(changed)


def test_only_the_fixed_lines_change(proof: Proof) -> None:
    """Each edit touches the lines of its finding (and an import): comments, the
    `# expect:` annotations and every other line are kept byte for byte."""
    fixed_per_file = Counter(f["path"] for f in proof.before if f.get("fix"))
    edited_rows: dict[str, set[tuple[int, int]]] = {}
    for n, finding in enumerate(proof.before):
        for edit in (finding.get("fix") or {}).get("edits", []):
            rows = range(edit["location"]["row"], edit["end_location"]["row"] + 1)
            path = edit.get("path", finding["path"])
            edited_rows.setdefault(path, set()).update((n, row) for row in rows)
    for f, before in proof.originals.items():
        old, new = before.decode().splitlines(), proof.fixed[f].decode().splitlines()
        removed = [line for line in difflib.ndiff(old, new) if line.startswith("- ")]
        path = f"sample_code/{f.as_posix()}"
        # a fix edits the line of its finding, or the lines of a chain it spans
        rows = len({row for _, row in edited_rows.get(path, set())})
        assert len(removed) <= max(fixed_per_file[path], rows) + 1, f
        comments = [line.split("#", 1)[1] for line in old if "# expect:" in line]
        assert comments == [line.split("#", 1)[1] for line in new if "# expect:" in line]


# Proofs by execution -------------------------------------------------------------------


def test_rpl103_await_stores_the_row_and_deletes_it(proof: Proof) -> None:
    before, after = proof.run_before["RPL103"], proof.run_after["RPL103"]
    assert before == {
        "stored_by_add": 0,
        "removed_by_delete": 0,
        "never_awaited": [
            "coroutine 'AsyncSession.commit' was never awaited",
            "coroutine 'AsyncSession.delete' was never awaited",
        ],
    }
    assert after == {"stored_by_add": 1, "removed_by_delete": 1, "never_awaited": []}


def test_rpl104_expire_on_commit_false_ends_missing_greenlet(proof: Proof) -> None:
    before, after = proof.run_before["RPL104"], proof.run_after["RPL104"]
    assert before == {
        "async_sessionmaker": "MissingGreenlet",
        "sessionmaker_class_": "MissingGreenlet",
        "AsyncSession": "MissingGreenlet",
    }
    assert after == {
        "async_sessionmaker": ["New Year"],
        "sessionmaker_class_": ["May Day"],
        "AsyncSession": ["Christmas"],
    }


def test_rpl201_flush_lets_the_unit_of_work_roll_back(proof: Proof) -> None:
    before, after = proof.run_before["RPL201"], proof.run_after["RPL201"]
    assert before == {
        "error": "RecordNotFoundError",
        "kept_after_failure": 1,
        "stored_on_success": 1,
    }
    assert after == {
        "error": "RecordNotFoundError",
        "kept_after_failure": 0,
        "stored_on_success": 1,
    }


def test_rpl306_unique_ends_invalid_request_error(proof: Proof) -> None:
    before, after = proof.run_before["RPL306"], proof.run_after["RPL306"]
    expected = before["expected"]
    assert len(expected) == 6 and all(len(v) == 6 for v in expected.values())
    for name in ("staffing_sheet", "staffing_lines", "block_staff", "staffing_sheet_async"):
        assert before[name] == "InvalidRequestError"
    assert after["staffing_sheet"] == after["staffing_sheet_async"] == expected
    assert after["staffing_lines"] == 6
    assert after["block_staff"] == expected["1"]


def test_rpl401_order_by_primary_key_makes_pages_disjoint(proof: Proof) -> None:
    before, after = proof.run_before["RPL401"], proof.run_after["RPL401"]
    assert before["ordered_sql"] is False
    assert before["overlap"] == [1, 2, 3]
    assert after["ordered_sql"] is True
    assert after["overlap"] == []
    assert after["page_1"] + after["page_2"] == [1, 2, 3, 4, 5, 6]


def test_rpl401_a_statement_fastapi_pagination_pages_is_ordered(proof: Proof) -> None:
    before, after = proof.run_before["RPL401-paginate"], proof.run_after["RPL401-paginate"]
    assert before["ordered_sql"] is False
    assert before["overlap"] == [1, 2, 3]
    assert after["ordered_sql"] is True
    assert after["overlap"] == []
    assert after["page_1"] + after["page_2"] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    ("name", "statements_before"),
    [
        ("block_roster_lazy", 7),
        ("swap_activity", 8),
        ("resident_workload", 7),
        ("page_hours", 8),  # rows of a `(rows, total)` tuple helper
        ("certification_names", 8),  # rows from a generator helper
        ("certified_by_email", 8),  # rows kept in a dict, walked by `.items()`
        ("ExpiryJob.expiring", 8),
    ],
)
def test_rpl301_n_plus_one_becomes_two_statements(
    proof: Proof, name: str, statements_before: int
) -> None:
    before, after = proof.run_before["RPL301"][name], proof.run_after["RPL301"][name]
    assert before["statements"] == statements_before
    assert after["statements"] == 2  # the rows, then one SELECT ... IN for the relationship
    assert after["result"] == before["result"]


def test_rpl301_a_nested_read_calls_the_sibling_that_loads_both_levels(proof: Proof) -> None:
    """person_schedule(): `get_by_id()` -> `get_by_id_with_relations()`, which loads
    `Person.assignments` and each assignment's `block` (and `absences`, as it always did)."""
    before = proof.run_before["RPL301"]["person_schedule"]
    after = proof.run_after["RPL301"]["person_schedule"]
    assert (before["statements"], after["statements"]) == (8, 4)
    assert after["result"] == before["result"]


def test_rpl302_missing_greenlet_is_gone(proof: Proof) -> None:
    before, after = proof.run_before["RPL301"], proof.run_after["RPL301"]
    assert before["get_assignment"] == before["block_sheet"] == "MissingGreenlet"
    assert after["get_assignment"] == {"id": 1, "person": "Resident 1"}
    assert [row["person"] for row in after["block_sheet"]] == [f"Resident {i}" for i in range(1, 7)]


def test_rpl308_serialization_loads_nothing_more(proof: Proof) -> None:
    before, after = proof.run_before["RPL308"], proof.run_after["RPL308"]
    for name, route, serialization in (
        ("list_orders", 1, 6),
        ("list_orders_validated", 7, 0),
        ("list_customers", 1, 3),
    ):
        assert (before[name]["route"], before[name]["serialization"]) == (route, serialization)
        assert (after[name]["route"], after[name]["serialization"]) == (2, 0)
        assert after[name]["body"] == before[name]["body"]
    assert (before["order_feed"]["statements"], after["order_feed"]["statements"]) == (7, 2)
    assert before["get_order"] == "ResponseValidationError(MissingGreenlet)"
    assert before["first_order"] == "ValidationError(MissingGreenlet)"
    assert before["order_size"] == "MissingGreenlet"  # RPL302: a sync helper reads the row
    order = {"id": 1, "status": "open", "lines": before["list_orders"]["body"][0]["lines"]}
    assert after["get_order"] == after["first_order"] == order
    assert before["list_orders_async"] == "ResponseValidationError(MissingGreenlet)"
    assert after["list_orders_async"] == before["list_orders"]["body"]
    assert after["order_size"] == 2


def test_rows_from_a_helper_a_legacy_query_and_session_get(proof: Proof) -> None:
    """coverage_report(): rows of the module's helper `_blocks_between()`, loaded there;
    library's `Model.query` chains (Flask-SQLAlchemy); `await db.get(...)` with options."""
    before, after = proof.run_before["elsewhere"], proof.run_after["elsewhere"]
    for name, statements_before, statements_after in (
        ("coverage_report", 7, 2),
        ("loan_book_titles", 4, 2),
        ("shelf_listing", 7, 3),  # selectinload(Shelf.books).selectinload(Book.author)
        ("list_between_with_relations", 7, 2),  # RPL305: the method now loads Block.assignments
    ):
        assert before[name]["statements"] == statements_before
        assert after[name]["statements"] == statements_after
        assert after[name]["result"] == before[name]["result"]
    assert before["get_swap"] == "MissingGreenlet"
    assert after["get_swap"] == {"id": 1, "hours": 4.0, "requester": "Resident 1"}


def test_rpl404_rewrite_gives_the_same_rows_and_sql(proof: Proof) -> None:
    """The 2.0 form sends the statement the legacy Query sent (column labels aside)."""
    before, after = proof.run_before["RPL404"], proof.run_after["RPL404"]
    assert (
        set(before)
        == set(after)
        == {
            "get_by_id",
            "list_residents",
            "assignments_on",
            "resident_count_legacy",
            "resident_count_query_count",
            "_holiday_count",
            "get_by_id_with_relations",
            "list_residents_with_relations",
            "list_page",
        }
    )

    def unlabelled(sql: list[str]) -> list[str]:
        return [re.sub(r" AS (?!anon_)\w+", "", s) for s in sql]

    for name in before:
        assert after[name]["result"] == before[name]["result"], name
        assert unlabelled(after[name]["sql"]) == unlabelled(before[name]["sql"]), name
    assert "LIMIT ? OFFSET ?" in after["get_by_id"]["sql"][0]  # Query.first()'s LIMIT 1
    assert after["resident_count_query_count"]["sql"][0].startswith("SELECT count(*)")
