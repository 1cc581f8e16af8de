"""RPL303 query-per-row and RPL307 unused-eager-load, proved by counting the
statements SQLite receives.

- RPL303: a statement inside a loop runs once per row or item (1 + N); the
  batched twins run a fixed number (one grouped query, one per chunk, one per
  group), whatever N is.
- RPL307: an eager load nobody reads still costs its query (selectinload:
  one more SELECT) or its join (joinedload: a JOIN in the one SELECT); the
  twin without the option returns the same answer with less work.

Each measurement uses a fresh Session, so nothing comes from the identity map.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from rota.jobs.reconcile import (
    certificate_holders,
    certificate_holders_cached,
    certificate_holders_indexed,
    certificate_holders_resolved,
    certificate_holders_unshared,
    people_to_review,
    templates_to_review,
)
from rota.models import Assignment, Certification, Person, RotationTemplate
from rota.repositories.async_base import AsyncBaseRepository
from rota.services.bulk import (
    assignment_counts,
    assignment_counts_grouped,
    attach_cached_templates,
    deactivate,
    deactivate_batched,
    import_rotation_names,
    import_rotation_names_batched,
    move_to_templates,
    purge_person_absences,
    record_absences,
)
from rota.services.directory import (
    absence_reasons,
    block_hours_joined,
    block_hours_rows,
    resident_names,
    resident_names_plain,
)
from rota.services.eligibility import (
    cover_list,
    coverable,
    coverable_for,
    coverable_looked_up,
    coverable_once,
)
from sqlalchemy import Engine, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

from .helpers import N_BLOCKS, N_RESIDENTS, count_statements
from .seeded_copy import db_url, seeded_file  # noqa: F401 (pytest fixtures)

N_ASSIGNMENTS = N_RESIDENTS * N_BLOCKS


def run_counted(engine: Engine, fn: Callable[[Session], Any]) -> tuple[Any, list[str]]:
    """Call fn with a fresh session (committed afterwards); return its result
    and the statements it sent."""
    with Session(engine) as db, count_statements(engine) as statements:
        result = fn(db)
        db.commit()
    return result, list(statements)


def run_async_counted(
    url: str, fn: Callable[[AsyncSession], Awaitable[Any]]
) -> tuple[Any, list[str]]:
    """The same on an AsyncSession (the statements are counted on its sync engine)."""

    async def main() -> tuple[Any, list[str]]:
        engine = create_async_engine(url)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as db:
                with count_statements(engine.sync_engine) as statements:
                    result = await fn(db)
                await db.commit()
            return result, list(statements)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def verbs(statements: list[str]) -> list[str]:
    return [s.split(None, 1)[0] for s in statements]


# RPL303 -------------------------------------------------------------------


def test_rpl303_count_per_row_against_one_grouped_count(engine: Engine) -> None:
    """assignment_counts(): db.scalar(COUNT) per resident; the grouped twin: 2."""
    bad, bad_statements = run_counted(engine, assignment_counts)
    good, good_statements = run_counted(engine, assignment_counts_grouped)
    assert bad == good == {f"Resident {i}": N_BLOCKS for i in range(1, N_RESIDENTS + 1)}
    assert len(bad_statements) == 1 + N_RESIDENTS == 7
    assert len(good_statements) == 2


def test_rpl303_get_per_item_against_chunked_update(engine: Engine) -> None:
    """deactivate(): db.get() per id (one SELECT each); deactivate_batched(): one
    UPDATE per chunk of ids through in_()."""
    ids = list(range(1, N_RESIDENTS + 1))
    bad, bad_statements = run_counted(engine, lambda db: deactivate(db, ids))
    assert bad == N_RESIDENTS
    assert verbs(bad_statements).count("SELECT") == N_RESIDENTS

    ids = [*ids, N_RESIDENTS + 1]  # the faculty member too: 7 ids
    good, good_statements = run_counted(engine, lambda db: deactivate_batched(db, ids))
    assert good == 1  # only the faculty member was still active
    assert verbs(good_statements) == ["UPDATE"]
    chunked, chunk_statements = run_counted(
        engine, lambda db: deactivate_batched(db, ids, batch_size=3)
    )
    assert chunked == 0
    assert verbs(chunk_statements) == ["UPDATE"] * 3  # ceil(7 / 3) chunks, not 7 rows


def test_rpl303_in_per_group_and_delete_per_row_stay_flat(engine: Engine) -> None:
    """move_to_templates(): one UPDATE per template for 36 assignments;
    purge_person_absences(): Session.delete() per row, sent at flush."""
    with Session(engine) as db:
        by_template: dict[int, list[int]] = {}
        for assignment_id, template_id in db.execute(
            select(Assignment.id, Assignment.rotation_template_id)
        ):
            by_template.setdefault(3 - template_id, []).append(assignment_id)  # swap them
    moved, statements = run_counted(engine, lambda db: move_to_templates(db, by_template))
    assert moved == N_ASSIGNMENTS
    assert verbs(statements) == ["UPDATE", "UPDATE"]

    purged, statements = run_counted(engine, lambda db: purge_person_absences(db, 1))
    assert purged == 1
    assert verbs(statements) == ["SELECT", "DELETE"]


def test_rpl303_async_update_per_item_against_one_delete(async_url: str) -> None:
    """AsyncBaseRepository.bulk_update() (the guide's): one UPDATE per row;
    bulk_delete(): one DELETE through in_()."""
    updates = [(assignment_id, {"hours": 8.0}) for assignment_id in range(1, N_BLOCKS + 1)]
    updated, statements = run_async_counted(
        async_url, lambda db: AsyncBaseRepository(Assignment, db).bulk_update(updates)
    )
    assert updated == N_BLOCKS
    assert verbs(statements) == ["UPDATE"] * N_BLOCKS

    deleted, statements = run_async_counted(
        async_url,
        lambda db: AsyncBaseRepository(Assignment, db).bulk_delete(list(range(1, N_BLOCKS + 1))),
    )
    assert deleted == N_BLOCKS
    assert verbs(statements) == ["DELETE"]


def test_rpl303_merge_per_item_selects_each_row(engine: Engine) -> None:
    """import_rotation_names(): merge() per item, one SELECT by primary key each
    (the two existing templates and three new ids); the batched twin: one SELECT."""
    names = {1: "Clinic", 2: "Wards", 10: "Nights", 11: "Days", 12: "Call"}
    _, bad_statements = run_counted(engine, lambda db: import_rotation_names(db, names))
    assert verbs(bad_statements).count("SELECT") == len(names) == 5
    _, good_statements = run_counted(
        engine, lambda db: import_rotation_names_batched(db, {**names, 13: "Leave"})
    )
    assert verbs(good_statements).count("SELECT") == 1
    with Session(engine) as db:
        stored = {t.id: t.name for t in db.scalars(select(RotationTemplate))}
    assert {k: stored[k] for k in [*names, 13]} == {**names, 13: "Leave"}


def test_rpl303_merge_load_false_sends_no_select(engine: Engine) -> None:
    """attach_cached_templates(): detached, unchanged objects merged with load=False
    cost nothing; the same loop with a plain merge() selects each one."""
    with Session(engine) as db:
        cached = list(db.scalars(select(RotationTemplate)))
    assert len(cached) >= 2
    ids = [t.id for t in cached]
    attached, statements = run_counted(
        engine, lambda db: [t.id for t in attach_cached_templates(db, cached)]
    )
    assert attached == ids
    assert statements == []
    _, loading = run_counted(engine, lambda db: [db.merge(t) for t in cached])
    assert verbs(loading).count("SELECT") == len(cached)


def test_rpl303_local_memo_runs_once_per_distinct_key(engine: Engine) -> None:
    """certificate_holders(): the name lookup sits under `if key not in names:`, so two
    certifications per person cost one lookup per person, not one per certification."""
    with Session(engine) as db:
        people = db.scalars(select(Person).where(Person.type == "resident")).all()
        for person in people:
            db.add(Certification(person=person, name="ACLS", expires_on=dt.date(2027, 1, 1)))
        db.commit()
        n_certifications = len(db.scalars(select(Certification)).all())
        n_people = len({c.person_id for c in db.scalars(select(Certification))})
    assert n_certifications == 2 * n_people == 2 * N_RESIDENTS
    holders, statements = run_counted(engine, certificate_holders)
    assert len(holders) == n_certifications
    assert len(statements) == 1 + n_people  # not 1 + n_certifications
    # the `.get()` memo, and a nested helper memoizing in its enclosing function's dict
    for memoized in (certificate_holders_cached, certificate_holders_resolved):
        same, statements = run_counted(engine, memoized)
        assert same == holders
        assert len(statements) == 1 + n_people
    # an index that fills itself on first use: one lookup in all
    same, statements = run_counted(engine, certificate_holders_indexed)
    assert same == holders
    assert len(statements) == 2
    # a helper whose memo is new on every call: one lookup per certification
    same, statements = run_counted(engine, certificate_holders_unshared)
    assert same == holders
    assert len(statements) == 1 + n_certifications


def test_rpl303_a_helper_given_the_set_runs_no_lookup(engine: Engine) -> None:
    """may_cover() looks the certifications up only when its caller passes none:
    coverable() costs one SELECT per need, coverable_once() one in all, cover_list()
    (a literal set) only the people query."""
    with Session(engine) as db:
        person = db.scalars(select(Person).order_by(Person.id)).first()
        assert person is not None
        db.add(Certification(person=person, name="ACLS", expires_on=dt.date(2027, 1, 1)))
        db.commit()
        person_id = person.id
    needs = ["ACLS", "BLS", "PALS", "NRP"]
    bad, bad_statements = run_counted(engine, lambda db: coverable(db, person_id, needs))
    good, good_statements = run_counted(engine, lambda db: coverable_once(db, person_id, needs))
    assert bad == good and "ACLS" in bad
    assert len(bad_statements) == len(needs)
    assert len(good_statements) == 1
    _, list_statements = run_counted(engine, lambda db: cover_list(db, needs))
    assert len(list_statements) == 1
    # the set from a helper that always returns one: its lookup, and none per need
    looked_up, looked_up_statements = run_counted(
        engine, lambda db: coverable_looked_up(db, person_id, needs)
    )
    assert looked_up == good
    assert len(looked_up_statements) == 1
    # a parameter filled when None before it is passed on: one lookup too
    filled, filled_statements = run_counted(engine, lambda db: coverable_for(db, person_id, needs))
    assert filled == good
    assert len(filled_statements) == 1


def test_rpl303_branch_taken_only_for_one_model(engine: Engine) -> None:
    """needs_review() queries only for a person: per person one COUNT, per template none."""
    with Session(engine) as db:
        n_people = len(db.scalars(select(Person)).all())
        n_templates = len(db.scalars(select(RotationTemplate)).all())
    assert n_people > 1 and n_templates > 1
    _, people_statements = run_counted(engine, people_to_review)
    assert len(people_statements) == 1 + n_people
    reviewed, template_statements = run_counted(engine, templates_to_review)
    assert reviewed == []
    assert len(template_statements) == 1


def test_rpl303_one_statement_per_segment_not_per_row(engine: Engine) -> None:
    """record_absences(): 7 rows in segments of 3 are 3 INSERTs, not 7."""
    day = dt.date(2026, 3, 2)
    rows = [
        {"person_id": 1, "start_date": day, "end_date": day, "reason": f"course {i}"}
        for i in range(7)
    ]
    _, statements = run_counted(engine, lambda db: record_absences(db, rows, per_statement=3))
    assert verbs(statements) == ["INSERT"] * 3


# RPL307 -------------------------------------------------------------------


def test_rpl307_unread_selectinload_costs_a_query(engine: Engine) -> None:
    """resident_names(): selectinload(Person.assignments), only names read."""
    bad, bad_statements = run_counted(engine, resident_names)
    good, good_statements = run_counted(engine, resident_names_plain)
    assert bad == good == [f"Resident {i}" for i in range(1, N_RESIDENTS + 1)]
    assert len(bad_statements) == 2
    assert "FROM assignment" in bad_statements[1]  # the wasted SELECT ... WHERE person_id IN
    assert len(good_statements) == 1


def test_rpl307_unread_joinedload_costs_a_join(engine: Engine) -> None:
    """block_hours_joined(): joinedload(Assignment.person), only hours read."""
    bad, bad_statements = run_counted(engine, lambda db: block_hours_joined(db, 1))
    good, good_statements = run_counted(engine, lambda db: block_hours_rows(db, 1))
    assert bad == good == sum(4.0 + i for i in range(N_RESIDENTS))
    assert len(bad_statements) == len(good_statements) == 1
    assert "JOIN person" in bad_statements[0]
    assert "JOIN" not in good_statements[0]


def test_rpl307_read_eager_load_pays_for_itself(engine: Engine) -> None:
    """Control: absence_reasons() reads Person.absences of every row; the
    selectinload replaces N lazy loads, 2 statements in all."""
    reasons, statements = run_counted(engine, absence_reasons)
    assert reasons == {f"Resident {i}": [f"leave {i}"] for i in range(1, N_RESIDENTS + 1)}
    assert len(statements) == 2
    with Session(engine) as db, count_statements(engine) as lazy:
        people = db.scalars(select(Person).where(Person.type == "resident")).all()
        assert sum(len(p.absences) for p in people) == N_RESIDENTS
    assert len(lazy) == 1 + N_RESIDENTS
