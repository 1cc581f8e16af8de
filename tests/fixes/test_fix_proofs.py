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

from tests.fixes.projects import MODELS

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
    "RPL304",
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


def deleted_rows(finding: dict[str, Any]) -> set[int]:
    """The lines a finding's fix deletes whole (RPL201's `rollback()`), in its own file."""
    rows: set[int] = set()
    for edit in (finding.get("fix") or {}).get("edits", []):
        start, end = edit["location"], edit["end_location"]
        if edit["content"] == "" and start["column"] == end["column"] == 1 and "path" not in edit:
            rows.update(range(start["row"], end["row"]))
    return rows


# The fixes as a whole -----------------------------------------------------------------


def test_fix_removes_every_fixed_finding_and_adds_nothing(proof: Proof) -> None:
    fixable = [f for f in proof.before if f.get("fix")]
    assert {f["code"] for f in fixable} == FIXED_CODES
    # 61, + RPL304 (SwapRepository.get_by_id_with_relations()), + RPL104 (AuditSessionLocal),
    # + RPL201 x2 (a `rollback()` before `raise`), + RPL304 x2 (module-level `list_*`),
    # + RPL401 x2 (the unordered `else`, the caller's statement), + RPL301 x2 (rows kept
    # in a dict filled in a loop, rows of a `Depends(...)`), + RPL304 x2 (async repositories
    # inheriting the generic `get_by_id()`), + RPL301 (`NoteRepo.notes()`: its twin written),
    # + RPL304 (`list_notes_for_export()`, whose statement a windowing helper runs),
    # + RPL304 (`AccountStore._get_user()`, a staticmethod of a store of several models),
    # + RPL301 x3 (reads below one row: of a mixin's classmethod, of `self.shelf` set in a
    # set-up hook, of a row the one caller passes to a constructor)
    assert len(fixable) == 79
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
    # and the calls switched to the `_with_relations` functions RPL304's fix wrote
    switched = [
        (
            "sample_code/notes/services.py",
            "RPL301",
            "lazy relationship `User.notes` is loaded once per row (rows from `list_users()`): "
            "N+1 queries",
        ),
        (
            "sample_code/notes/services.py",
            "RPL301",
            "`_author()` reads lazy relationship `Note.owner` of each row it is given (rows from "
            "`list_recent_notes()`): up to one query per distinct `User` (N+1 at worst)",
        ),
        (
            "sample_code/notes/exports.py",
            "RPL301",
            "lazy relationship `Note.owner` is loaded once per row (rows from "
            "`list_notes_for_export()`): up to one query per distinct `User` (N+1 at worst)",
        ),
    ]
    switched_keys = [key({"path": p, "code": c, "message": m}) for p, c, m in switched]
    assert expected - left == Counter([nested, *switched_keys])
    assert all(f["fix"] is None for f in proof.after)
    assert "Fixed 83 problems in 38 files." in proof.fix_stderr


def test_a_second_fix_changes_nothing(proof: Proof) -> None:
    assert proof.fixed_again == proof.fixed
    assert "Fixed" not in proof.again.stderr
    assert json.loads(proof.again.stdout) == proof.after


def test_fixed_files_parse_and_keep_their_format_verdict(proof: Proof) -> None:
    changed = [f for f in proof.originals if proof.fixed[f] != proof.originals[f]]
    assert len(changed) == 38
    gone = Counter(map(key, proof.before)) - Counter(map(key, proof.after))
    fixed_per_file = Counter(path for (path, _, _), n in gone.items() for _ in range(n))
    for f in changed:
        ast.parse(proof.fixed[f].decode("utf-8"), filename=str(f))
        added = proof.fixed[f].count(b"\n") - proof.originals[f].count(b"\n")
        fixes = [x for x in proof.before if x.get("fix") and x["path"] == f"sample_code/{f}"]
        methods = sum(  # RPL304, RPL301: the lines of a `_with_relations` method written
            edit["content"].count("\n")
            for x in proof.before
            if x.get("fix")
            for edit in x["fix"]["edits"]
            if edit.get("path", x["path"]) == f"sample_code/{f}" and "def " in edit["content"]
        )
        removed = sum(len(deleted_rows(x)) for x in fixes)  # RPL201: a `rollback()` line
        fixed = max(len(fixes), fixed_per_file[f"sample_code/{f}"])  # later rounds too
        # a wrapped statement and an import line per fix, or a new import statement
        assert -removed <= added <= 3 * fixed + 1 + methods
    assert proof.formatted_after == proof.formatted_before
    assert set(proof.formatted_before) == set(changed)


def test_only_the_fixed_lines_change(proof: Proof) -> None:
    """Each edit touches the lines of its finding (and an import): comments, the
    `# expect:` annotations and every other line are kept byte for byte."""
    gone = Counter(map(key, proof.before)) - Counter(map(key, proof.after))
    fixed_per_file = Counter(path for (path, _, _), n in gone.items() for _ in range(n))
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
        deleted = {row for x in proof.before if x["path"] == path for row in deleted_rows(x)}
        comments = [
            line.split("#", 1)[1]
            for row, line in enumerate(old, start=1)
            if "# expect:" in line and row not in deleted
        ]
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


def test_rpl304_the_swap_repository_gets_a_twin_that_loads_eagerly(proof: Proof) -> None:
    """SwapRepository.get_by_id_with_relations(), written after get_by_id(), fetches the
    swap with its requester and target: they can still be read once the session closed."""
    before, after = proof.run_before["RPL304"], proof.run_after["RPL304"]
    plain = {"statements": 2, "read_after_close": "DetachedInstanceError"}  # + Swap.assignment
    assert before == {"get_by_id": plain}
    assert after == {
        "get_by_id": plain,
        "get_by_id_with_relations": {
            "statements": 4,  # + one SELECT ... IN for each of requester and target
            "read_after_close": ["Resident 1", "Faculty 1"],
        },
    }
    fixed = proof.fixed[Path("rota/repositories/swap.py")].decode()
    assert "    def get_by_id_with_relations(self, id: int) -> SwapRecord | None:\n" in fixed


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
        ("swap_activity", 8),
        ("resident_workload", 7),
        ("page_hours", 8),  # rows of a `(rows, total)` tuple helper
        ("certification_names", 8),  # rows from a generator helper
        ("certified_by_email", 8),  # rows kept in a dict, walked by `.items()`
        ("unreported_people", 8),  # rows kept in a dict filled in a loop, `.values()`
        ("resident_absences", 7),  # rows of a `Depends(get_active_residents)` parameter
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


def test_rpl201_without_the_rollback_the_callers_work_survives(proof: Proof) -> None:
    """The caller stages a row, then calls the data layer in a savepoint, and the call
    fails: the data layer's `rollback()` threw the caller's row away with its own; once
    removed, the savepoint alone is rolled back and the caller commits its row. The
    error still reaches the caller."""
    before, after = proof.run_before["RPL201-caller"], proof.run_after["RPL201-caller"]
    for name, error in (
        ("NoteStore.add_labels", "IntegrityError"),
        ("PersonRepository.update", "DuplicateRecordError"),
    ):
        assert before[name] == {"error": error, "commit_error": None, "kept": 0}
        assert after[name] == {"error": error, "commit_error": None, "kept": 1}


def test_rpl304_async_repositories_get_twins_of_the_generic_get_by_id(proof: Proof) -> None:
    """AsyncBlockRepository and AsyncAbsenceRepository inherit `get_by_id()` from the generic
    base; the fix writes `get_by_id_with_relations()` in each (the base's text, `ModelType`
    spelt as the model, the imports it needs): its row's relationship can be read under
    `AsyncSession`, where the plain row's raises MissingGreenlet."""
    before, after = proof.run_before["RPL304-async"], proof.run_after["RPL304-async"]
    for repository, loaded in (
        ("AsyncBlockRepository", 6),
        ("AsyncAbsenceRepository", "Resident 1"),
    ):
        assert before[f"{repository}.get_by_id"] == "MissingGreenlet"
        assert before[f"{repository}.get_by_id_with_relations"] == "absent"
        assert after[f"{repository}.get_by_id"] == "MissingGreenlet"
        assert after[f"{repository}.get_by_id_with_relations"] == loaded
    block = proof.fixed[Path("rota/repositories/async_block.py")].decode()
    assert "    async def get_by_id_with_relations(self, id: int) -> Block | None:\n" in block
    assert "from sqlalchemy import select\n" in block


def test_rpl304_module_functions_get_twins_their_callers_call(proof: Proof) -> None:
    """`list_users()` / `list_recent_notes()` get `_with_relations` twins (RPL304), and the
    loops of notes.services call them (RPL301, next round); `NoteRepo.notes()` gets one
    from RPL301's own fix: one SELECT ... IN, not N."""
    before, after = proof.run_before["RPL301-notes"], proof.run_after["RPL301-notes"]
    for name in ("note_counts", "recent_authors", "owner_emails"):
        assert (before[name]["statements"], after[name]["statements"]) == (6, 2)
        assert after[name]["result"] == before[name]["result"]
    services = proof.fixed[Path("notes/services.py")].decode()
    assert "    list_recent_notes_with_relations,\n    list_users,\n" in services
    assert "for user in list_users_with_relations(db)" in services
    queries = proof.fixed[Path("notes/repos/queries.py")].decode()
    assert "def list_users_with_relations(db: Session) -> list[User]:\n" in queries
    # owner_emails(): `NoteRepo.notes()` is no `get_*`/`list_*`; RPL301 writes its twin
    assert "for note in NoteRepo(db).notes_with_relations()" in services
    base = proof.fixed[Path("notes/repos/base.py")].decode()
    assert "    def notes_with_relations(self):\n" in base
    assert "select(Note).options(selectinload(Note.owner)).order_by(Note.id)" in base


def test_rpl304_twin_of_a_staticmethod_of_a_store(proof: Proof) -> None:
    """`AccountStore._get_user()` gets a `@staticmethod` twin loading `User.notes`: the
    summary read after it sends nothing (the plain method's sends the lazy SELECT)."""
    before, after = proof.run_before["RPL304-store"], proof.run_after["RPL304-store"]
    assert before["_get_user_with_relations"] == "absent"
    plain = {"fetch": 1, "read": 1, "summary": {"email": "a@example.org", "titles": ["note 1"]}}
    assert before["_get_user"] == after["_get_user"] == plain
    assert after["_get_user_with_relations"] == {**plain, "fetch": 2, "read": 0}
    store = proof.fixed[Path("notes/data/accounts.py")].decode()
    assert (
        "    @staticmethod\n    def _get_user_with_relations(session, user_id: int) -> User:\n"
        in store
    )


def test_rpl304_twin_of_a_function_handing_its_statement_to_a_helper(proof: Proof) -> None:
    """`list_notes_for_export()` returns `in_windows(db, select(Note), Note.id)`: its twin
    loads the owners on the statement it hands over, and note_lines() calls the twin
    (its import wrapped one name a line, as ruff format would): 10 notes of 5 owners,
    1 window + 5 owner SELECTs + 1 empty window -> 1 window + 1 SELECT ... IN + 1."""
    before, after = proof.run_before["RPL301-notes"], proof.run_after["RPL301-notes"]
    assert (before["note_lines"]["statements"], after["note_lines"]["statements"]) == (7, 3)
    assert after["note_lines"]["result"] == before["note_lines"]["result"]
    repos = proof.fixed[Path("notes/repos/exports.py")].decode()
    assert (
        "    return in_windows(db, select(Note).options(selectinload(Note.owner)), Note.id)\n"
        in repos
    )
    lines = proof.fixed[Path("notes/exports.py")].decode()
    assert "    list_notes_for_export_with_relations,\n" in lines
    assert "for note in list_notes_for_export_with_relations(db):" in lines


def test_rpl401_unordered_paths_are_ordered_and_pages_are_disjoint(proof: Proof) -> None:
    """tag_page() passes `select(Tag)` to a paging helper (the caller's statement gets
    `.order_by(Tag.id)`); list_paginated() without `order_by` (an `else` orders by the
    mapper's primary key)."""
    before, after = proof.run_before["RPL401-callers"], proof.run_after["RPL401-callers"]
    for name in ("tag_page", "list_paginated"):
        assert before[name]["overlap"]
        assert after[name]["overlap"] == []
        assert after[name]["page_1"] == before[name]["page_1"]
    base = proof.fixed[Path("rota/repositories/async_base.py")].decode()
    assert "from sqlalchemy import delete, func, inspect, select, update\n" in base
    ordered = "stmt = stmt.order_by(*inspect(self.model).primary_key)"
    assert f"        else:\n            {ordered}\n" in base


def test_rpl301_a_many_to_one_the_project_joins_elsewhere_is_joined(proof: Proof) -> None:
    """block_roster_lazy(): `Assignment.person` is loaded with `joinedload` elsewhere in the
    project, so the fix joins it too: one statement instead of one per person."""
    before = proof.run_before["RPL301"]["block_roster_lazy"]
    after = proof.run_after["RPL301"]["block_roster_lazy"]
    assert (before["statements"], after["statements"]) == (7, 1)
    assert after["result"] == before["result"]
    fixed = proof.fixed[Path("rota/services/coverage.py")].decode()
    assert "joinedload(Assignment.person)" in fixed


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
        ("loan_book_titles", 4, 1),  # joinedload(Loan.book), as the project joins it elsewhere
        ("shelf_listing", 7, 2),  # selectinload(Shelf.books).joinedload(Book.author)
        ("list_between_with_relations", 7, 2),  # RPL305: the method now loads Block.assignments
    ):
        assert before[name]["statements"] == statements_before
        assert after[name]["statements"] == statements_after
        assert after[name]["result"] == before[name]["result"]
    assert before["get_swap"] == "MissingGreenlet"
    assert after["get_swap"] == {"id": 1, "hours": 4.0, "requester": "Resident 1"}


@pytest.mark.parametrize(
    ("scenario", "name", "statements_before"),
    [
        ("elsewhere", "loaned_titles", 5),  # `Member.get(id)`: the mixin's classmethod
        ("elsewhere", "ShelfView", 5),  # `self.shelf = Shelf.get(...)` in a set-up hook
        ("RPL301", "schedule_sheet", 8),  # `db.get(Person, id)` handed to `ScheduleSheet`
    ],
)
def test_rpl301_reads_below_one_row_load_the_whole_path(
    proof: Proof, scenario: str, name: str, statements_before: int
) -> None:
    """`for b in row.children: b.parent_of_b`, `row` one row: the fix loads both levels
    where the row is fetched (`selectinload(A.children).joinedload(B.x)`): the row, then
    one SELECT for the children with what they read (a second one for `selectinload`)."""
    before, after = proof.run_before[scenario][name], proof.run_after[scenario][name]
    assert before["statements"] == statements_before
    assert after["statements"] == (3 if name == "schedule_sheet" else 2)
    assert after["result"] == before["result"]


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


# RPL304 on a generated project ---------------------------------------------------------

TWIN_PROJECT = {
    "app/__init__.py": "",
    "app/repositories/__init__.py": "",
    "app/models.py": MODELS,
    "app/repositories/teams.py": """\
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Team


class TeamRepository:
    def __init__(self, db: Session) -> None:
        self.db = db

    def list_from(self, low: int) -> list[Team]:
        \"\"\"Teams from an id on.\"\"\"
        stmt = select(Team).where(Team.id >= low).order_by(Team.id)
        return list(self.db.scalars(stmt))


class LegacyTeamRepository:
    model = Team

    def __init__(self, db: Session) -> None:
        self.db = db

    def list_all(self) -> list[Team]:
        return self.db.query(Team).order_by(Team.id).all()
""",
    "app/repositories/async_teams.py": """\
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Team


class AsyncTeamRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_by_id(self, team_id: int) -> Team | None:
        result = await self.session.execute(select(Team).where(Team.id == team_id))
        return result.scalar_one_or_none()

    async def list_all(self) -> list[Team]:
        rows = await self.session.scalars(select(Team).order_by(Team.id))
        return list(rows)
""",
    "app/report.py": """\
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.repositories.async_teams import AsyncTeamRepository
from app.repositories.teams import LegacyTeamRepository, TeamRepository


def sizes(db: Session) -> list[int]:
    return [len(t.members) + len(t.projects) for t in TeamRepository(db).list_from(1)]


def member_counts(db: Session) -> list[int]:
    return [len(t.projects) + len(t.members) for t in LegacyTeamRepository(db).list_all()]


async def async_sizes(db: AsyncSession) -> list[int]:
    return [len(t.members) + len(t.projects) for t in await AsyncTeamRepository(db).list_all()]
""",
}
TWIN_RUN = """\
import asyncio
import json
import sys

from sqlalchemy import create_engine, event
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

sys.path.insert(0, sys.argv[1])
from app.models import Base, Member, Project, Team
from app.repositories.async_teams import AsyncTeamRepository
from app.repositories.teams import LegacyTeamRepository, TeamRepository

SYNC = {
    "list_from": lambda db: TeamRepository(db).list_from(1),
    "list_from_with_relations": lambda db: TeamRepository(db).list_from_with_relations(1),
    "legacy list_all": lambda db: LegacyTeamRepository(db).list_all(),
    "legacy list_all_with_relations": lambda db: LegacyTeamRepository(db).list_all_with_relations(),
}
ASYNC = {
    "async list_all": lambda repo: repo.list_all(),
    "async list_all_with_relations": lambda repo: repo.list_all_with_relations(),
    "async get_by_id": lambda repo: repo.get_by_id(2),
    "async get_by_id_with_relations": lambda repo: repo.get_by_id_with_relations(2),
}
out = {}
sent = []


def record(conn, cursor, statement, parameters, context, executemany):
    sent.append(statement)


def read(rows):
    rows = rows if isinstance(rows, list) else [rows]
    return [len(t.members) + len(t.projects) for t in rows]


async def run_async(path, teams):
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}")
    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        for name, call in ASYNC.items():
            async with async_sessionmaker(engine)() as db:
                sent.clear()
                try:
                    rows = await call(AsyncTeamRepository(db))
                    value = {"result": read(rows), "statements": len(sent)}
                except AttributeError:  # no such method (before the fix)
                    continue
                except Exception as exc:  # the outcome measured: MissingGreenlet
                    value = type(getattr(exc, "orig", None) or exc).__name__
                out.setdefault(name, {})[teams] = value
    finally:
        await engine.dispose()


for teams in (3, 6):
    path = f"{sys.argv[2]}/teams{teams}.db"
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    with Session(engine) as db:
        for i in range(1, teams + 1):
            db.add_all([Team(id=i, members=[Member(), Member()]), Project(team_id=i)])
        db.commit()
    event.listen(engine, "before_cursor_execute", record)
    for name, call in SYNC.items():
        with Session(engine) as db:
            sent.clear()
            try:
                rows = call(db)
            except AttributeError:  # no such method (before the fix)
                continue
            out.setdefault(name, {})[teams] = {"result": read(rows), "statements": len(sent)}
    engine.dispose()
    asyncio.run(run_async(path, teams))
print(json.dumps(out))
"""


def test_rpl304_the_written_twins_load_eagerly(tmp_path: Path) -> None:
    """A generated project's repositories: `--fix --unsafe-fixes` writes the twins
    (sync `select()`, legacy `session.query()`, async), then calls them where callers
    read the relationships (RPL301/RPL302's fix, a round later). Run on SQLite, each
    plain method lets the reads go N+1 (or fail with MissingGreenlet, async), each twin
    sends the same number of statements whatever the number of rows."""
    tree = tmp_path / "project"
    for name, text in TWIN_PROJECT.items():
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text(text)
    (tree / "pyproject.toml").write_text("[tool.repolint]\n")
    before = json.loads(repolint(tree, "--unsafe-fixes", "--output-format", "json", "app").stdout)
    fixing = repolint(tree, "--fix", "--unsafe-fixes", "--output-format", "json", "app")
    after = json.loads(fixing.stdout)
    rpl304 = [f for f in before if f["code"] == "RPL304"]
    assert [(f["path"], f["line"], bool(f["fix"])) for f in rpl304] == [
        ("app/repositories/async_teams.py", 7, True),
        ("app/repositories/teams.py", 7, True),
        ("app/repositories/teams.py", 17, True),
    ]
    callers = [f for f in before if f["path"] == "app/report.py"]
    assert [(f["code"], f["line"], f["fix"]) for f in callers] == [
        ("RPL301", 9, None),  # no fix yet: nothing to call instead
        ("RPL301", 9, None),
        ("RPL301", 13, None),
        ("RPL301", 13, None),
        ("RPL302", 17, None),
        ("RPL302", 17, None),
    ]
    assert after == []  # the twins, then the callers calling them: nothing left, nothing new
    # 3 twins, then 3 calls of them (one edit repairs both reads of a line)
    assert "Fixed 6 problems in 3 files." in fixing.stderr
    report = (tree / "app/report.py").read_text()
    assert report.count("_with_relations()") == 2 and "list_from_with_relations(1)" in report
    repositories = [Path("app/repositories/teams.py"), Path("app/repositories/async_teams.py")]
    assert all(ruff_formatted(tree, repositories).values())

    def run(code: Path, folder: Path) -> dict[str, Any]:
        folder.mkdir()
        done = subprocess.run(
            [sys.executable, "-c", TWIN_RUN, str(code), str(folder)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        result: dict[str, Any] = json.loads(done.stdout)
        return result

    original = tmp_path / "original"
    for name, text in TWIN_PROJECT.items():
        (original / name).parent.mkdir(parents=True, exist_ok=True)
        (original / name).write_text(text)
    ran_before = run(original, tmp_path / "db-before")
    ran_after = run(tree, tmp_path / "db-after")
    sizes = {"3": [3, 3, 3], "6": [3, 3, 3, 3, 3, 3]}
    for plain in ("list_from", "legacy list_all"):
        twin = f"{plain}_with_relations"
        assert twin not in ran_before
        assert ran_before[plain] == ran_after[plain]
        statements = {n: ran_after[plain][n]["statements"] for n in sizes}
        eager = {n: ran_after[twin][n]["statements"] for n in sizes}
        assert {n: ran_after[twin][n]["result"] for n in sizes} == sizes
        assert statements == {"3": 7, "6": 13}  # 1 + 2 a team: N+1
        assert eager == {"3": 3, "6": 3}  # the teams, then one SELECT ... IN a relationship
    assert ran_before["async list_all"] == {"3": "MissingGreenlet", "6": "MissingGreenlet"}
    assert ran_after["async list_all_with_relations"] == {
        n: {"result": sizes[n], "statements": 3} for n in sizes
    }
    assert ran_before["async get_by_id"] == {"3": "MissingGreenlet", "6": "MissingGreenlet"}
    assert ran_after["async get_by_id_with_relations"] == {
        n: {"result": [3], "statements": 3} for n in sizes
    }
