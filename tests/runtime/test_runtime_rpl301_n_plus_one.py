"""RPL301 lazy-load-per-row, proved by counting statements on SQLite.

The sample's bad code issues 1 + N statements for N rows; the eager-loading
twin issues 2 (selectinload) or 1 (joinedload / contains_eager). Each
measurement uses a fresh Session, so nothing comes from the identity map.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rota.api.people import resident_absences, resident_absences_eager
from rota.deps import get_active_residents, get_active_residents_with_absences
from rota.models import SwapRecord
from rota.services.coverage import (
    assignments_in_range,
    block_roster,
    block_roster_lazy,
    coverage_report,
    coverage_report_eager,
    range_roster,
    range_roster_lazy,
)
from rota.services.roster import (
    absence_days,
    person_schedule,
    person_schedule_eager,
    resident_workload,
    resident_workload_eager,
    swap_activity,
)
from rota.services.swaps import pending_swap_rows
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from .helpers import (  # first: puts sample_code/ on sys.path
    ACTIVE_PEOPLE,
    FACULTY_ID,
    FIRST_BLOCK_DATE,
    LAST_BLOCK_DATE,
    N_BLOCKS,
    N_RESIDENTS,
    count_statements,
)


def run_counted(engine: Engine, fn: Callable[[Session], Any]) -> tuple[Any, int]:
    """Call fn with a fresh session; return its result and the statement count."""
    with Session(engine) as db, count_statements(engine) as statements:
        result = fn(db)
    return result, len(statements)


def test_rows_from_a_repository_method_in_another_file(engine: Engine) -> None:
    """resident_workload(): PersonRepository.list_residents() then person.assignments per row."""
    bad, bad_count = run_counted(engine, resident_workload)
    good, good_count = run_counted(engine, resident_workload_eager)
    assert bad == good
    assert len(bad) == N_RESIDENTS
    assert bad[0] == {"name": "Resident 1", "hours": 4.0 * N_BLOCKS}
    assert bad_count == 1 + N_RESIDENTS == 7
    assert good_count == 2


def test_rows_from_a_helper_function(engine: Engine) -> None:
    """coverage_report(): _blocks_between() then len(block.assignments) per block."""
    bad, bad_count = run_counted(
        engine, lambda db: coverage_report(db, FIRST_BLOCK_DATE, LAST_BLOCK_DATE)
    )
    good, good_count = run_counted(
        engine, lambda db: coverage_report_eager(db, FIRST_BLOCK_DATE, LAST_BLOCK_DATE)
    )
    assert bad == good == {block_id: N_RESIDENTS for block_id in range(1, N_BLOCKS + 1)}
    assert bad_count == 1 + N_BLOCKS == 7
    assert good_count == 2


def test_rows_through_a_depends_dependency(engine: Engine) -> None:
    """resident_absences(): rows from rota.deps.get_active_residents, r.absences per row.

    The route and its dependency are called the way FastAPI calls them: the
    dependency's result is the route's argument."""
    bad, bad_count = run_counted(engine, lambda db: resident_absences(get_active_residents(db)))
    good, good_count = run_counted(
        engine, lambda db: resident_absences_eager(get_active_residents_with_absences(db))
    )
    assert bad == good
    assert bad[0] == {"name": "Resident 1", "absences": ["leave 1"]}
    assert bad_count == 1 + N_RESIDENTS == 7
    assert good_count == 2


def test_many_to_one_per_row_against_joinedload(engine: Engine) -> None:
    """block_roster_lazy(): a.person per assignment; block_roster() joins the person in."""
    bad, bad_count = run_counted(engine, lambda db: block_roster_lazy(db, 1))
    good, good_count = run_counted(engine, lambda db: block_roster(db, 1))
    assert bad == good == [f"Resident {i}" for i in range(1, N_RESIDENTS + 1)]
    assert bad_count == 1 + N_RESIDENTS == 7
    assert good_count == 1


def test_many_to_one_per_row_costs_one_query_per_distinct_parent(engine: Engine) -> None:
    """range_roster_lazy(): N_BLOCKS * N_RESIDENTS assignments, but a lazy many-to-one
    first looks the person up in the identity map: one SELECT per distinct person, as
    RPL301's message for a many-to-one says; range_roster() selectin-loads them."""
    start, end = FIRST_BLOCK_DATE, LAST_BLOCK_DATE
    bad, bad_count = run_counted(engine, lambda db: range_roster_lazy(db, start, end))
    good, good_count = run_counted(engine, lambda db: range_roster(db, start, end))
    assert bad == good and len(bad) > N_RESIDENTS  # rows share their people
    assert len(set(bad)) == N_RESIDENTS
    assert bad_count == 1 + N_RESIDENTS < 1 + len(bad)
    assert good_count == 2


def test_per_row_on_a_relationship_collection(engine: Engine) -> None:
    """person_schedule(): for a in person.assignments: a.block.

    Bad: 1 (person) + 1 (person.assignments, once) + N (one block per assignment).
    Good: get_by_id_with_relations() runs 4 statements whatever N is: the person,
    the assignments, their blocks (the chained selectinload) and the absences."""
    bad, bad_count = run_counted(engine, lambda db: person_schedule(db, 1))
    good, good_count = run_counted(engine, lambda db: person_schedule_eager(db, 1))
    assert bad == good
    assert len(bad) == N_BLOCKS
    assert bad_count == 2 + N_BLOCKS == 8
    assert good_count == 4


def test_backref_collection_per_row(engine: Engine) -> None:
    """swap_activity(): Person.swap_requests (made by backref=) is lazy: one SELECT per person."""
    result, count = run_counted(engine, swap_activity)
    active_people = ACTIVE_PEOPLE
    assert len(result) == active_people
    assert set(result.values()) == {0}
    assert count == 1 + active_people == 8


def test_near_misses_stay_flat(engine: Engine) -> None:
    """The `# ok: RPL301` code: no statement per row."""
    # contains_eager: the join that filters also fills Assignment.block.
    rows, count = run_counted(
        engine, lambda db: assignments_in_range(db, FIRST_BLOCK_DATE, LAST_BLOCK_DATE)
    )
    assert len(rows) == N_RESIDENTS * N_BLOCKS == 36
    assert rows[0] == (FIRST_BLOCK_DATE, "AM", 1)
    assert count == 1

    # One object, not rows: person.absences is one lazy load.
    days, count = run_counted(engine, lambda db: absence_days(db, 1))
    assert days == 2
    assert count == 2


def test_lazy_selectin_relationship_is_not_per_row(engine: Engine) -> None:
    """pending_swap_rows(): SwapRecord.assignment is lazy="selectin": 2 statements for N swaps."""
    with Session(engine) as db:
        for assignment_id in range(1, N_RESIDENTS + 1):
            db.add(
                SwapRecord(
                    requester_id=assignment_id, target_id=FACULTY_ID, assignment_id=assignment_id
                )
            )
        db.commit()
    rows, count = run_counted(engine, pending_swap_rows)
    assert [row["swap_id"] for row in rows] == list(range(1, N_RESIDENTS + 1))
    assert rows[0]["hours"] == 4.0
    assert count == 2
