"""Messages a reviewer can act on: what the check prints for sample findings, word for
word, as `repolint check --output-format json` gives them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def messages() -> dict[tuple[str, int, str], str]:
    done = subprocess.run(
        [
            *(sys.executable, "-m", "repolint", "check", "--no-cache"),
            *("--output-format", "json", "sample_code/rota", "sample_code/library"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    return {(f["path"], f["line"], f["code"]): f["message"] for f in json.loads(done.stdout)}


def _line_of(path: str, marker: str) -> int:
    lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
    return next(i for i, text in enumerate(lines, 1) if marker in text)


def test_a_backref_is_named_with_where_it_is_declared(messages: dict) -> None:
    path = "sample_code/rota/services/roster.py"
    line = _line_of(path, "len(p.swap_requests) for p in people}  # expect: RPL301")
    assert messages[(path, line, "RPL301")] == (
        "lazy relationship `Person.swap_requests` (backref of `SwapRecord.requester`) "
        "is loaded once per row: N+1 queries"
    )


def test_a_many_to_one_costs_one_query_per_distinct_parent(messages: dict) -> None:
    """The identity map serves rows that share a parent (proved in
    tests/runtime/test_runtime_rpl301_n_plus_one.py)."""
    path = "sample_code/rota/services/coverage.py"
    line = _line_of(path, "return [a.person.name for a in db.scalars(stmt)]  # expect: RPL301")
    assert messages[(path, line, "RPL301")] == (
        "lazy relationship `Assignment.person` is loaded once per row: "
        "up to one query per distinct `Person` (N+1 at worst)"
    )


def test_rows_from_a_module_level_helper_are_named(messages: dict) -> None:
    path = "sample_code/rota/services/coverage.py"
    line = _line_of(path, "staffed[block.id] = len(block.assignments)  # expect: RPL301")
    assert messages[(path, line, "RPL301")] == (
        "lazy relationship `Block.assignments` is loaded once per row "
        "(rows from `_blocks_between()`): N+1 queries"
    )


def test_rpl102_names_the_io_that_runs_on_every_call(messages: dict) -> None:
    """Not the commit under `if page == "admin":` written first, nor the rollback."""
    path = "sample_code/rota/api/dashboard.py"
    line = _line_of(path, "record_visit(page)  # expect: RPL102")
    assert messages[(path, line, "RPL102")] == (
        "sync data access in `async def`: `visit() -> record_visit()` does `db.flush(...)`, "
        "blocking the event loop"
    )


def test_a_constructor_called_per_row_is_named_by_its_class(messages: dict) -> None:
    path = "sample_code/rota/jobs/reconcile.py"
    line = _line_of(path, "CertificationReminder(db, p) for p in people]")
    assert messages[(path, line, "RPL303")] == (
        "`CertificationReminder()` runs `db.scalars(...)` once per item of the loop: N round trips"
    )


def test_merge_per_item_says_what_it_costs(messages: dict) -> None:
    path = "sample_code/rota/services/bulk.py"
    line = _line_of(path, "db.merge(RotationTemplate(id=template_id, name=name, abbreviation")
    assert messages[(path, line, "RPL303")] == (
        "`merge()` looks each object up by primary key first: one SELECT per item of the loop"
    )


def test_a_property_in_a_path_is_read_not_called(messages: dict) -> None:
    path = "sample_code/rota/jobs/reconcile.py"
    line = _line_of(path, "[block_load(db, h) for h in hours]")
    assert messages[(path, line, "RPL303")] == (
        "`block_load() -> Staffing.resident_count` runs `self.db.scalar(...)` once per item "
        "of the loop: N round trips"
    )


def hints(*paths: str) -> dict[tuple[str, int, str], str]:
    """(path, line, code) -> the `help:` line of the full report on `paths`."""
    done = subprocess.run(
        [sys.executable, "-m", "repolint", "check", "--no-cache", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    found: dict[tuple[str, int, str], str] = {}
    key: tuple[str, int, str] | None = None
    for line in done.stdout.splitlines():
        head = re.match(r"(sample_code/\S+?):(\d+):\d+: (RPL\d+) ", line)
        if head is not None:
            key = (head[1], int(head[2]), head[3])
        elif "= help: " in line and key is not None:
            found[key] = line.split("= help: ", 1)[1]
    return found


def test_hints_fit_the_case() -> None:
    """A per-row UPDATE is batched by executemany, a lookup by `in_()`; a rollback is
    not told to flush; only a route is told it may become a plain `def`."""
    base, bulk = "sample_code/rota/repositories/async_base.py", "sample_code/rota/services/bulk.py"
    tags, people = "sample_code/notes/repos/tags.py", "sample_code/rota/api/people.py"
    job = "sample_code/rota/jobs/reconcile.py"
    found = hints(base, bulk, tags, people, job)
    update = found[
        (base, _line_of(base, "await self.db.execute(stmt)  # expect: RPL303"), "RPL303")
    ]
    assert update.startswith("run one `execute(update(Model), [{...}, ...])`")
    lookup = found[(bulk, _line_of(bulk, "db.get(Person, person_id)  # expect: RPL303"), "RPL303")]
    assert lookup == "fetch all items at once with `.where(Model.id.in_(ids))` or a join"
    rollback = found[(tags, _line_of(tags, "rollback()  # expect: RPL201"), "RPL201")]
    assert "flush" not in rollback and rollback.startswith("let the error reach the caller")
    commit = found[(tags, _line_of(tags, "self.db.commit()  # expect: RPL201"), "RPL201")]
    assert commit == "use `flush()` here and let the service or unit of work commit"
    route = found[(people, _line_of(people, "db.scalar(select(func.count(Person.id)))"), "RPL101")]
    assert "make the route a plain `def`" in route
    helper = found[(job, _line_of(job, "db.commit()  # expect: RPL101"), "RPL101")]
    assert "run_in_threadpool" in helper and "make the route" not in helper


def test_rpl401_names_the_condition_that_orders_the_statement(messages: dict) -> None:
    path = "sample_code/rota/repositories/async_base.py"
    line = _line_of(path, "stmt = stmt.offset((page - 1) * page_size).limit(page_size)")
    assert messages[(path, line, "RPL401")] == (
        "`offset()` on a statement that is ordered only when `order_by is not None`: "
        "pages can overlap"
    )


def _notes_messages(code: str) -> dict[tuple[str, int], str]:
    """(path, line) -> message of one rule's findings on the `notes` sample app."""
    done = subprocess.run(
        [
            *(sys.executable, "-m", "repolint", "check", "--no-cache", "--select", code),
            *("--output-format", "json", "sample_code/notes"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return {(f["path"], f["line"]): f["message"] for f in json.loads(done.stdout)}


def test_rpl401_on_a_parameter_says_the_callers_decide() -> None:
    found = _notes_messages("RPL401")
    path = "sample_code/notes/api/paging.py"
    line = _line_of(path, "# expect: RPL401")
    assert found[(path, line)] == (
        "`offset()` on a statement that is ordered by only some callers (parameter `stmt`): "
        "pages can overlap"
    )


def test_rpl304_on_a_module_function_names_what_callers_read() -> None:
    found = _notes_messages("RPL304")
    path = "sample_code/notes/repos/queries.py"
    services = "sample_code/notes/services.py"
    line = _line_of(path, "def list_users(")
    reads = _line_of(services, "len(user.notes) for user in list_users(db)")
    assert found[(path, line)] == (
        f"`list_users()` returns `User` rows whose callers read lazy `User.notes` "
        f"({services}:{reads}), and it has no eager-loading variant"
    )


def test_rpl309_says_what_one_call_per_row_costs(messages: dict) -> None:
    """A commit is one transaction per row; a flush one round trip per row."""
    path = "sample_code/rota/jobs/nightly_commits.py"
    commit = _line_of(path, "        db.commit()  # expect: RPL309")
    flush = _line_of(path, "        db.flush()  # expect: RPL309")
    assert messages[(path, commit, "RPL309")] == (
        "`commit()` runs once per row of the loop: one transaction per row"
    )
    assert messages[(path, flush, "RPL309")] == (
        "`flush()` runs once per row of the loop: one round trip per row"
    )


def test_rpl304_on_a_repository_names_its_model_and_lazy_relationships(messages: dict) -> None:
    path = "sample_code/rota/repositories/async_block.py"
    line = _line_of(path, "# expect: RPL304")
    assert messages[(path, line, "RPL304")] == (
        "repository of `Block` (lazy: assignments) has no eager-loading path for get_by_id()"
    )
