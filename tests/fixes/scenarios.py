"""Run the sample app's code paths that repolint's fixes repair, on SQLite, and print
what happened as JSON: `python scenarios.py TREE DB_FOLDER`.

TREE is `sample_code/` or a fixed copy of it: its `rota` package is imported (TREE
goes first on `sys.path`), so the same scenarios measure the code before and after
`repolint check --fix`. The database is seeded by the runtime proofs' `seed()`.
Nothing is mocked: statements are counted by SQLAlchemy events, coroutines never
awaited by Python's own RuntimeWarning, failures are the exceptions raised.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import json
import sys
import warnings
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

TREE, DB_FOLDER = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
HERE = Path(__file__).resolve()
SAMPLE_CODE = HERE.parents[2] / "sample_code"
sys.path.insert(0, str(TREE))
sys.path.insert(1, str(HERE.parents[2]))
# tests.runtime.helpers puts sample_code/ first on sys.path unless it is on it already:
# listed last, it leaves TREE's `rota` in front.
sys.path.append(str(SAMPLE_CODE))

import rota  # noqa: E402
from pydantic import BaseModel  # noqa: E402
from sqlalchemy import create_engine, event, func, select  # noqa: E402
from sqlalchemy.ext.asyncio import (  # noqa: E402
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session  # noqa: E402

from tests.runtime.helpers import (  # noqa: E402
    FACULTY_ID,
    FIRST_BLOCK_DATE,
    LAST_BLOCK_DATE,
    seed,
)
from tests.runtime.helpers import count_statements as statements  # noqa: E402

assert Path(rota.__file__).resolve().is_relative_to(TREE), rota.__file__

Outcome = dict[str, Any]


def fresh_db(name: str) -> str:
    """URL of a newly seeded SQLite file."""
    path = DB_FOLDER / f"{name}.db"
    engine = create_engine(f"sqlite:///{path}")
    seed(engine)
    engine.dispose()
    return f"sqlite:///{path}"


def failure(call: Callable[[], Any]) -> tuple[Any, str | None]:
    """The call's result, or the name of the exception it raised (SQLAlchemy's wrapper
    unwrapped to its cause)."""
    try:
        return call(), None
    except Exception as exc:  # the outcome being measured
        cause = getattr(exc, "orig", None) or exc
        name = type(cause).__name__
        if "Validation" in name and "MissingGreenlet" in str(exc):
            name += "(MissingGreenlet)"  # Pydantic and FastAPI wrap it in their own
        return None, name


def never_awaited(call: Callable[[], Any]) -> tuple[Any, list[str]]:
    """The call's result and Python's "coroutine ... was never awaited" warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
        gc.collect()
    return result, [str(w.message) for w in caught if "was never awaited" in str(w.message)]


def run_async(url: str, call: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        engine = create_async_engine(url.replace("sqlite://", "sqlite+aiosqlite://", 1))
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                return await call(session)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def run_job(url: str, call: Callable[[AsyncEngine], Awaitable[Any]]) -> Any:
    """Run a job of rota.jobs with rota.db.jobs' factories bound to a fresh engine."""
    from rota.db import jobs

    factories = [jobs.JobSessionLocal, jobs.LegacyJobSessionLocal]

    async def main() -> Any:
        engine = create_async_engine(url.replace("sqlite://", "sqlite+aiosqlite://", 1))
        for factory in factories:
            factory.configure(bind=engine)
        try:
            return await call(engine)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def count(url: str, column: Any) -> int:
    engine = create_engine(url)
    try:
        with Session(engine) as db:
            return db.scalar(select(func.count(column))) or 0
    finally:
        engine.dispose()


# RPL103 -----------------------------------------------------------------------


def rpl103() -> Outcome:
    """add_holiday() commits without await; delete_holiday() deletes without await."""
    from rota.api.holidays import HolidayIn, add_holiday, delete_holiday
    from rota.models import Holiday

    url = fresh_db("rpl103")
    body = HolidayIn(date=dt.date(2025, 7, 4), name="Founders' Day")
    _, add_warnings = never_awaited(lambda: run_async(url, lambda db: add_holiday(body, db)))
    stored = count(url, Holiday.id)
    engine = create_engine(url)
    with Session(engine) as db:
        holiday = Holiday(date=dt.date(2025, 12, 25), name="Christmas Day")
        db.add(holiday)
        db.commit()
        holiday_id = holiday.id
    engine.dispose()
    before_delete = count(url, Holiday.id)
    _, delete_warnings = never_awaited(
        lambda: run_async(url, lambda db: delete_holiday(holiday_id, db))
    )
    return {
        "stored_by_add": stored,
        "removed_by_delete": before_delete - count(url, Holiday.id),
        "never_awaited": add_warnings + delete_warnings,
    }


# RPL104 -----------------------------------------------------------------------


def rpl104() -> Outcome:
    """Read the rows a job committed: the factories of rota.db.jobs, and AsyncSession(engine)."""
    from rota.jobs.holiday_import import (
        import_holidays,
        import_holidays_into,
        import_holidays_legacy,
    )

    url = fresh_db("rpl104")
    out: Outcome = {}
    for name, job in (
        ("async_sessionmaker", lambda _: import_holidays([(dt.date(2025, 1, 1), "New Year")])),
        (
            "sessionmaker_class_",
            lambda _: import_holidays_legacy([(dt.date(2025, 5, 1), "May Day")]),
        ),
        ("AsyncSession", lambda e: import_holidays_into(e, [(dt.date(2025, 12, 25), "Christmas")])),
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the failed refresh leaves a cursor coroutine
            rows, error = failure(lambda job=job: run_job(url, job))
            gc.collect()
        out[name] = error or [row["name"] for row in rows]
    return out


# RPL201 -----------------------------------------------------------------------


def rpl201() -> Outcome:
    """request_swap_legacy(): SwapRepository.create() then a step that fails."""
    from rota.models import SwapRecord
    from rota.services.swaps import request_swap_legacy

    url = fresh_db("rpl201")
    engine = create_engine(url)
    try:
        with Session(engine) as db:
            _, error = failure(lambda: request_swap_legacy(db, 1, FACULTY_ID, 9999))
        kept_after_failure = count(url, SwapRecord.id)
        with Session(engine) as db:
            request_swap_legacy(db, 2, FACULTY_ID, 2)
        return {
            "error": error,
            "kept_after_failure": kept_after_failure,
            "stored_on_success": count(url, SwapRecord.id) - kept_after_failure,
        }
    finally:
        engine.dispose()


# RPL306 -----------------------------------------------------------------------


def rpl306() -> Outcome:
    """The staffing sheets of a joinedload of Block.assignments, against the `.unique()` twin."""
    from rota.services import staffing

    url = fresh_db("rpl306")
    engine = create_engine(url)
    out: Outcome = {}
    try:
        with Session(engine) as db:
            out["expected"] = staffing.staffing_sheet_unique(db, FIRST_BLOCK_DATE, LAST_BLOCK_DATE)
            for name, call in (
                (
                    "staffing_sheet",
                    lambda: staffing.staffing_sheet(db, FIRST_BLOCK_DATE, LAST_BLOCK_DATE),
                ),
                (
                    "staffing_lines",
                    lambda: len(staffing.staffing_lines(db, FIRST_BLOCK_DATE, LAST_BLOCK_DATE)),
                ),
                ("block_staff", lambda: staffing.block_staff(db, 1)),
            ):
                result, error = failure(call)
                out[name] = error or result
        out["staffing_sheet_async"] = failure(
            lambda: run_async(
                url, lambda db: staffing.staffing_sheet_async(db, FIRST_BLOCK_DATE, LAST_BLOCK_DATE)
            )
        )
    finally:
        engine.dispose()
    out["expected"] = {str(k): v for k, v in out["expected"].items()}
    for key in ("staffing_sheet",):
        if isinstance(out[key], dict):
            out[key] = {str(k): v for k, v in out[key].items()}
    result, error = out["staffing_sheet_async"]
    out["staffing_sheet_async"] = error or {str(k): v for k, v in result.items()}
    return out


# RPL401 -----------------------------------------------------------------------


def rpl401() -> Outcome:
    """AuditLogRepository.recent() pages 1 and 2 (3 a page), with SQLite's row order of
    unordered SELECTs reversed between the two requests, as a new plan would."""
    from rota.db.session import SessionLocal
    from rota.models import AuditEvent
    from rota.repositories.audit import AuditLogRepository

    url = fresh_db("rpl401")
    engine = create_engine(url)
    SessionLocal.configure(bind=engine)
    try:
        with Session(engine) as db:
            db.add_all([AuditEvent(actor="web", action=f"event {i}") for i in range(6)])
            db.commit()
        with statements(engine) as sent:
            page_1 = [e.id for e in AuditLogRepository().recent(page=1, size=3)]

        @event.listens_for(engine, "connect")
        def reverse(dbapi_connection, record):
            dbapi_connection.execute("PRAGMA reverse_unordered_selects = 1")

        engine.dispose()  # new connections get the pragma
        page_2 = [e.id for e in AuditLogRepository().recent(page=2, size=3)]
        return {
            "page_1": page_1,
            "page_2": page_2,
            "overlap": sorted(set(page_1) & set(page_2)),
            "ordered_sql": "ORDER BY" in sent[0],
        }
    finally:
        engine.dispose()


def fastapi_paginate() -> Outcome:
    """notes.api.notes_page() pages 1 and 2 (3 a page) through fastapi-pagination's
    SQLAlchemy `paginate(session, stmt)`, which adds LIMIT/OFFSET to the route's
    statement; for page 2, SQLite reverses its row order of unordered SELECTs, as a new
    plan would."""
    from fastapi_pagination import Params, set_params
    from notes.api.pages import notes_page
    from notes.models import Base, Note, User

    engine = create_engine(f"sqlite:///{DB_FOLDER / 'fastapi_paginate.db'}")
    try:
        Base.metadata.create_all(engine)
        with Session(engine) as db:
            owner = User(email="a@example.org")
            db.add_all([Note(title=f"note {i}", owner=owner) for i in range(6)])
            db.commit()
            with statements(engine) as sent, set_params(Params(page=1, size=3)):
                page_1 = [n.id for n in notes_page(db).items]

        @event.listens_for(engine, "connect")
        def reverse(dbapi_connection, record):
            dbapi_connection.execute("PRAGMA reverse_unordered_selects = 1")

        engine.dispose()  # new connections get the pragma
        with Session(engine) as db, set_params(Params(page=2, size=3)):
            page_2 = [n.id for n in notes_page(db).items]
        paged = [s for s in sent if "LIMIT" in s]
        return {
            "page_1": page_1,
            "page_2": page_2,
            "overlap": sorted(set(page_1) & set(page_2)),
            "ordered_sql": "ORDER BY" in paged[0],
        }
    finally:
        engine.dispose()


# RPL301 / RPL302 ------------------------------------------------------------------


def lazy_loads() -> Outcome:
    """Statements sent by the N+1 loops (sync), and what the async reads of lazy
    relationships raise: each returns its result and its statement count."""
    from rota import deps
    from rota.api import people
    from rota.api.assignments import get_assignment
    from rota.jobs import reconcile
    from rota.jobs.reconcile import ExpiryJob
    from rota.services import coverage, roster
    from rota.services.async_roster import block_sheet

    url = fresh_db("rpl301")
    engine = create_engine(url)
    out: Outcome = {}
    try:
        for name, call in (
            ("block_roster_lazy", lambda db: coverage.block_roster_lazy(db, 1)),
            ("swap_activity", lambda db: roster.swap_activity(db)),
            ("resident_workload", lambda db: roster.resident_workload(db)),
            ("page_hours", lambda db: reconcile.page_hours(db, 1)),
            ("person_schedule", lambda db: roster.person_schedule(db, 1)),
            ("certification_names", lambda db: reconcile.certification_names(db)),
            ("certified_by_email", lambda db: reconcile.certified_by_email(db)),
            ("unreported_people", lambda db: reconcile.unreported_people(db, set())),
            ("schedule_sheet", lambda db: reconcile.schedule_sheet(db, 1)),
            (
                "resident_absences",
                lambda db: people.resident_absences(deps.get_active_residents(db)),
            ),
        ):
            with Session(engine) as db, statements(engine) as sent:
                result = call(db)
            out[name] = {"result": result, "statements": len(sent)}
        audit = ExpiryJob(engine)
        audit.start()
        with statements(engine) as sent:
            result = audit.expiring(dt.date(2030, 1, 1))
        out["ExpiryJob.expiring"] = {"result": result, "statements": len(sent)}
    finally:
        engine.dispose()
    for name, call in (
        ("get_assignment", lambda db: get_assignment(1, db)),
        ("block_sheet", lambda db: block_sheet(db, 1)),
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the failed load leaves a cursor coroutine
            result, error = failure(lambda call=call: run_async(url, call))
            gc.collect()
        out[name] = error or result
    return out


# RPL308 -----------------------------------------------------------------------


def serialization() -> Outcome:
    """The shop's routes served as FastAPI serves them (`serialize_response`), and its
    services: statements in the route and in the serialization, or what fails."""
    from fastapi.exceptions import ResponseValidationError
    from fastapi.routing import serialize_response
    from shop import services
    from shop.api import async_orders, orders

    from tests.runtime.test_runtime_rpl308_serialization import response_field, seed_shop

    path = DB_FOLDER / "shop.db"
    engine = create_engine(f"sqlite:///{path}")
    seed_shop(engine)
    out: Outcome = {}
    try:
        for name, endpoint in (
            ("list_orders", orders.list_orders),
            ("list_orders_validated", orders.list_orders_validated),
            ("list_customers", orders.list_customers),
        ):
            with Session(engine) as db, statements(engine) as sent:
                content = endpoint(db)
                in_route = len(sent)
                body = asyncio.run(
                    serialize_response(
                        field=response_field(orders.router, endpoint), response_content=content
                    )
                )
            out[name] = {"route": in_route, "serialization": len(sent) - in_route, "body": body}
        with Session(engine) as db, statements(engine) as sent:
            feed = services.order_feed(db)
        out["order_feed"] = {"statements": len(sent), "lines": [len(o.lines) for o in feed]}
    finally:
        engine.dispose()

    url = f"sqlite:///{path}"

    async def served(db: AsyncSession) -> Any:
        content = await async_orders.get_order(1, db)
        field = response_field(async_orders.router, async_orders.get_order)
        return await serialize_response(field=field, response_content=content)

    async def listed(db: AsyncSession) -> Any:
        content = await async_orders.list_orders(db)
        field = response_field(async_orders.router, async_orders.list_orders)
        return await serialize_response(field=field, response_content=content)

    for name, call in (
        ("get_order", served),
        ("list_orders_async", listed),
        ("first_order", lambda db: services.first_order(db, 1)),
        ("order_size", lambda db: services.order_size(db, 1)),
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the failed load leaves a cursor coroutine
            result, error = failure(lambda call=call: run_async(url, call))
            gc.collect()
        if isinstance(result, BaseModel):
            result = result.model_dump()
        out[name] = error or result
    assert ResponseValidationError  # what FastAPI raises when serialization fails
    return out


# Rows from a helper, a legacy Query, session.get ------------------------------------


def elsewhere() -> Outcome:
    """The N+1 loops whose rows come from a helper of the module (rota), from
    Flask-SQLAlchemy's `Model.query` (library), and the async `session.get` (swaps)."""
    from rota.api.swaps import get_swap
    from rota.models import SwapRecord
    from rota.repositories.block import BlockRepository
    from rota.services.coverage import coverage_report

    from tests.runtime.test_runtime_real_world_shapes import N_AUTHORS, library_app, run_counted

    out: Outcome = {}
    url = fresh_db("elsewhere")
    engine = create_engine(url)
    try:
        with Session(engine) as db, statements(engine) as sent:
            report = coverage_report(db, FIRST_BLOCK_DATE, LAST_BLOCK_DATE)
        out["coverage_report"] = {"result": report, "statements": len(sent)}
        with Session(engine) as db, statements(engine) as sent:
            blocks = BlockRepository(db).list_between_with_relations(
                FIRST_BLOCK_DATE, LAST_BLOCK_DATE
            )
            sizes = {str(b.id): len(b.assignments) for b in blocks}
        out["list_between_with_relations"] = {"result": sizes, "statements": len(sent)}
        with Session(engine) as db:
            db.add(SwapRecord(requester_id=1, target_id=FACULTY_ID, assignment_id=1))
            db.commit()
    finally:
        engine.dispose()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the failed load leaves a cursor coroutine
        result, error = failure(lambda: run_async(url, lambda db: get_swap(1, db)))
        gc.collect()
    out["get_swap"] = error or result

    from library.services import catalogue

    app = library_app(N_AUTHORS)
    for name, call, args in (
        ("shelf_listing", catalogue.shelf_listing, ()),
        ("loan_book_titles", catalogue.loan_book_titles, (1,)),
        ("loaned_titles", catalogue.loaned_titles, (1,)),
        ("ShelfView", lambda: _shelf_view(app, 2), ()),
    ):
        result, count = run_counted(app, call, *args)
        out[name] = {"result": result, "statements": count}
    return out


def _shelf_view(app: Any, shelf_id: int) -> list[str]:
    """The class-based view's two steps, in a request for the shelf."""
    from library.views.shelves import ShelfView

    with app.test_request_context(f"/shelves/{shelf_id}") as context:
        context.request.view_args = {"shelf_id": shelf_id}
        view = ShelfView()
        view._process_args()
        return view._process()


# RPL304 -----------------------------------------------------------------------


def rpl304() -> Outcome:
    """SwapRepository.get_by_id() and the get_by_id_with_relations() the fix writes
    after it: statements sent, and the swap's requester and target read once the
    session is closed (loaded with the swap, or not)."""
    from rota.models import SwapRecord
    from rota.repositories.swap import SwapRepository

    out: Outcome = {}
    url = fresh_db("rpl304")
    engine = create_engine(url)
    try:
        with Session(engine) as db:
            db.add(SwapRecord(requester_id=1, target_id=FACULTY_ID, assignment_id=1))
            db.commit()
        for name in ("get_by_id", "get_by_id_with_relations"):
            with Session(engine) as db, statements(engine) as sent:
                method = getattr(SwapRepository(db), name, None)
                swap = method(1) if method is not None else None
            if swap is None:
                continue
            result, error = failure(lambda swap=swap: [swap.requester.name, swap.target.name])
            out[name] = {"statements": len(sent), "read_after_close": error or result}
    finally:
        engine.dispose()
    return out


# RPL404 -----------------------------------------------------------------------


def _loaded(person: Any) -> Any:
    """A person and the relationships its query loaded (read with lazy loading off)."""
    from sqlalchemy import inspect

    state = inspect(person)
    return [person.name, sorted(set(state.dict) & {"assignments", "absences"})]


def legacy_queries() -> Outcome:
    """The legacy Query chains and their 2.0 rewrites give the same rows with the same
    SQL statements (the rewrite is exact)."""
    from rota.repositories.async_holiday import _holiday_count
    from rota.repositories.person import PersonRepository
    from rota.services import hours

    engine = create_engine(fresh_db("rpl404"))
    out: Outcome = {}
    try:
        for name, call in (
            ("get_by_id", lambda db: PersonRepository(db).get_by_id(3).name),
            ("list_residents", lambda db: [p.name for p in PersonRepository(db).list_residents()]),
            ("assignments_on", lambda db: hours.assignments_on(db, FIRST_BLOCK_DATE)),
            ("resident_count_legacy", hours.resident_count_legacy),
            ("resident_count_query_count", hours.resident_count_query_count),
            ("_holiday_count", _holiday_count),
            # chains written one method a line
            (
                "get_by_id_with_relations",
                lambda db: _loaded(PersonRepository(db).get_by_id_with_relations(3)),
            ),
            (
                "list_residents_with_relations",
                lambda db: [
                    _loaded(p) for p in PersonRepository(db).list_residents_with_relations()
                ],
            ),
            ("list_page", lambda db: [p.name for p in PersonRepository(db).list_page(2, 3)]),
        ):
            with Session(engine) as db, statements(engine) as sent:
                result = call(db)
            out[name] = {"result": result, "sql": [" ".join(s.split()) for s in sent]}
    finally:
        engine.dispose()
    return out


def caller_transactions() -> Outcome:
    """RPL201's `rollback()` removal: a caller that owns the transaction stages its own
    work, then calls the data layer inside a savepoint (`begin_nested()`) and the call
    fails. Is the caller's work still there to commit?"""
    from notes.models import Base, User
    from notes.repos.tags import NoteStore
    from rota.models import AuditEvent
    from rota.repositories.person import PersonRepository

    out: Outcome = {}
    notes_engine = create_engine(f"sqlite:///{DB_FOLDER / 'caller_transactions.db'}")
    rota_engine = create_engine(fresh_db("caller_transactions_rota"))
    try:
        Base.metadata.create_all(notes_engine)

        def add_labels(db: Session) -> None:
            NoteStore(db).add_labels(["kept", None])  # type: ignore[list-item]  # NOT NULL

        def update_email(db: Session) -> None:
            person = db.get(rota.models.Person, 2)
            PersonRepository(db).update(person, email="r1@example.org")  # taken by person 1

        for name, engine, stage, call, table in (
            (
                "NoteStore.add_labels",
                notes_engine,
                User(email="caller@example.org"),
                add_labels,
                User,
            ),
            (
                "PersonRepository.update",
                rota_engine,
                AuditEvent(actor="caller", action="staged"),
                update_email,
                AuditEvent,
            ),
        ):
            with Session(engine) as db:
                db.add(stage)
                db.flush()  # the caller's own work, in its transaction
                try:
                    with db.begin_nested():
                        call(db)
                    error = None
                except Exception as exc:  # the outcome being measured
                    error = type(exc).__name__
                try:
                    db.commit()
                    committed = None
                except Exception as exc:  # the outcome being measured
                    committed = type(exc).__name__
            out[name] = {
                "error": error,
                "commit_error": committed,
                "kept": count(str(engine.url), table.id),
            }
    finally:
        notes_engine.dispose()
        rota_engine.dispose()
    return out


def notes_lazy_loads() -> Outcome:
    """notes.services' loops over rows of the module-level `list_*()` queries (RPL304 writes
    their `_with_relations` twins, RPL301 calls them) and of `NoteRepo.notes()` (RPL301
    writes its twin and calls it): statements sent, and the result."""
    from notes import exports, services
    from notes.models import Base, Note, User

    engine = create_engine(f"sqlite:///{DB_FOLDER / 'notes_lazy_loads.db'}")
    out: Outcome = {}
    try:
        Base.metadata.create_all(engine)
        with Session(engine) as db:
            for i in range(5):
                owner = User(email=f"u{i}@example.org")
                db.add_all([Note(title=f"note {i}.{j}", owner=owner) for j in range(2)])
            db.commit()
        for name, call in (
            ("note_counts", services.note_counts),
            ("recent_authors", services.recent_authors),
            ("owner_emails", services.owner_emails),
            ("note_lines", lambda db: list(exports.note_lines(db))),
        ):
            with Session(engine) as db, statements(engine) as sent:
                result = call(db)
            out[name] = {"result": result, "statements": len(sent)}
    finally:
        engine.dispose()
    return out


def reversed_pages(engine: Any) -> None:
    """From now on, SQLite returns the rows of an unordered SELECT in reverse, as a new
    plan would: connections made after this get the pragma."""

    @event.listens_for(engine, "connect")
    def reverse(dbapi_connection, record):
        dbapi_connection.execute("PRAGMA reverse_unordered_selects = 1")

    engine.dispose()


def pages_of_callers() -> Outcome:
    """RPL401 on a path that is not ordered: `notes.api.paging.tag_page()` (its statement
    is ordered by the caller once fixed) and the generic async repository's
    `list_paginated()` without `order_by` (an `else` orders it by the key once fixed);
    pages 1 and 2 (of 20 tags, of 3 events), SQLite's unordered row order reversed for
    page 2."""
    from notes.api.paging import tag_page
    from notes.models import Base, Tag
    from rota.models import AuditEvent
    from rota.repositories.async_base import AsyncBaseRepository

    out: Outcome = {}
    engine = create_engine(f"sqlite:///{DB_FOLDER / 'pages_of_callers.db'}")
    try:
        Base.metadata.create_all(engine)
        with Session(engine) as db:
            db.add_all([Tag(label=f"tag {i}") for i in range(30)])  # pages of 20
            db.commit()
            page_1 = [t.id for t in tag_page(db, 1)]
        reversed_pages(engine)
        with Session(engine) as db:
            page_2 = [t.id for t in tag_page(db, 2)]
        out["tag_page"] = {"page_1": page_1, "page_2": page_2}
    finally:
        engine.dispose()

    url = fresh_db("pages_of_callers_rota")
    with Session(create_engine(url)) as db:
        db.add_all([AuditEvent(actor="job", action=f"event {i}") for i in range(6)])
        db.commit()

    async def page(number: int, reverse: bool) -> list[int]:
        engine = create_async_engine(url.replace("sqlite://", "sqlite+aiosqlite://", 1))
        if reverse:
            reversed_pages(engine.sync_engine)
        try:
            async with AsyncSession(engine) as db:
                rows = await AsyncBaseRepository(AuditEvent, db).list_paginated(number, 3)
                return [e.id for e in rows]
        finally:
            await engine.dispose()

    out["list_paginated"] = {
        "page_1": asyncio.run(page(1, False)),
        "page_2": asyncio.run(page(2, True)),
    }
    for pages in out.values():
        pages["overlap"] = sorted(set(pages["page_1"]) & set(pages["page_2"]))
    return out


def async_twins() -> Outcome:
    """The async repositories that inherit `get_by_id()` from the generic base, and the
    `get_by_id_with_relations()` the fix writes in them: what reading the lazy
    relationship of the row gives once fetched (MissingGreenlet, or the loaded rows)."""
    from rota.models import Absence
    from rota.repositories.async_absence import AsyncAbsenceRepository
    from rota.repositories.async_block import AsyncBlockRepository

    url = fresh_db("async_twins")
    with Session(create_engine(url)) as db:
        absence_id = db.scalars(select(Absence.id).order_by(Absence.id)).first()
    out: Outcome = {}
    for repository, key, read in (
        (AsyncBlockRepository, 1, lambda row: len(row.assignments)),
        (AsyncAbsenceRepository, absence_id, lambda row: row.person.name),
    ):
        for name in ("get_by_id", "get_by_id_with_relations"):

            async def call(
                db: AsyncSession,
                name: str = name,
                repository: Any = repository,
                key: Any = key,
                read: Any = read,
            ) -> Any:
                method = getattr(repository(db), name, None)
                if method is None:
                    return "absent"
                row = await method(key)
                return read(row)

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the failed load leaves a cursor coroutine
                result, error = failure(lambda call=call: run_async(url, call))
                gc.collect()
            out[f"{repository.__name__}.{name}"] = error or result
    return out


def store_twins() -> Outcome:
    """`AccountStore._get_user()` (a staticmethod of a store serving several models) and
    the `_get_user_with_relations()` the fix writes beside it: the statements sent while
    the row is fetched, and while its summary then reads `User.notes`."""
    from notes.data.accounts import AccountStore
    from notes.models import Base, Note, User

    url = f"sqlite:///{DB_FOLDER / 'store_twins.db'}"
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as db:
        db.add_all([Note(title=f"note {j}", owner=User(email="a@example.org")) for j in (1,)])
        db.commit()
    store = AccountStore()
    store.init_db(url)
    out: Outcome = {}
    try:
        for name in ("_get_user", "_get_user_with_relations"):
            method = getattr(store, name, None)
            if method is None:
                out[name] = "absent"
                continue
            with store.session_scope() as session:
                bind = session.get_bind()
                with statements(bind) as fetching:
                    row = method(session, 1)
                with statements(bind) as reading:
                    summary = row.summary()
            out[name] = {"fetch": len(fetching), "read": len(reading), "summary": summary}
    finally:
        engine.dispose()
    return out


SCENARIOS = {
    "RPL404": legacy_queries,
    "elsewhere": elsewhere,
    "RPL308": serialization,
    "RPL301": lazy_loads,
    "RPL103": rpl103,
    "RPL104": rpl104,
    "RPL201": rpl201,
    "RPL304": rpl304,
    "RPL306": rpl306,
    "RPL401": rpl401,
    "RPL401-paginate": fastapi_paginate,
    "RPL201-caller": caller_transactions,
    "RPL301-notes": notes_lazy_loads,
    "RPL401-callers": pages_of_callers,
    "RPL304-async": async_twins,
    "RPL304-store": store_twins,
}

if __name__ == "__main__":
    wanted = sys.argv[3:] or list(SCENARIOS)
    print(json.dumps({code: SCENARIOS[code]() for code in wanted}, default=str))
