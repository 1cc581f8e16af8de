"""The real-world shapes of sample_code/library/ and sample_code/notes/, proved by execution.

library/ is a Flask-SQLAlchemy 3.1 app declared as projects declare it (a subclass of
`SQLAlchemy`, `model_class=declarative_base(cls=LibraryModel)`, `BaseModel = db.Model`,
star re-exports, relationships whose cardinality comes from the foreign keys). It runs
in a Flask app context on in-memory SQLite; every measurement gets a fresh app context,
so a fresh `db.session` and an empty identity map.

The seed: 3 shelves x 4 books (book n is on shelf (n - 1) // 4 + 1), 3 authors given
round-robin (book n by author (n - 1) % 3 + 1), 3 tags, two per book, and member 1 with
3 loans (loans 1, 2, 3 on books 1, 5, 9, by three different authors). The tests
that return loans get a library of their own (`fresh_library`).

A lazy many-to-one (`Book.author`, `Book.shelf`, `Loan.book`) costs one SELECT per
*distinct* target, not per row: SQLAlchemy's lazy loader looks a many-to-one up by
primary key in the session's identity map before it emits anything. So the figures
below are 1 + distinct authors / shelves, and `test_a_many_to_one_costs_one_select_per_distinct_row`
shows the same code at 1 + N when every book has its own author.

notes/ is a FastAPI app over sync sessions. Its engine points at `sqlite:///notes.db`
(relative to the working directory); the tests never touch it: `SessionLocal` is
configured onto a SQLite file under tmp_path, and `health()` reads the module global
`engine` of `notes.api.routes`, which the test rebinds to that file's engine.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import library.models as library_models
import pytest
from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.query import Query as FlaskQuery
from library.core.base import LibraryModel
from library.core.database import BaseModel
from library.extensions import LibrarySQLAlchemy, db
from library.models import Author, Book, Loan, Member, Shelf, Tag, book_tags
from library.services import catalogue, loans, lookups, member_import
from library.views.shelves import ShelfView, ShelfViewEager
from notes.data import count_notes
from notes.db import SessionLocal
from notes.models import Base as NotesBase
from notes.models import Note, User
from notes.models import Tag as NoteTag
from notes.repos.tags import add_tag
from sqlalchemy import Engine, create_engine, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import MANYTOMANY, MANYTOONE, ONETOMANY, Session
from starlette.concurrency import run_in_threadpool

from repolint.engine import build_project
from repolint.settings import Settings

from .helpers import (
    NO_STALL_BELOW,
    SAMPLE_CODE,
    SLOW_STATEMENT_SECONDS,
    STALL_AT_LEAST,
    count_commits,
    count_statements,
    make_statements_slow,
    measure_stall,
    unblocked_stall,
)
from .seeded_copy import build_seeded, private_copy

with warnings.catch_warnings():
    # routes.py keeps an `@app.on_event("shutdown")` hook, deprecated by FastAPI
    warnings.simplefilter("ignore", DeprecationWarning)
    from notes.api import routes as notes_routes

# -- library: Flask-SQLAlchemy -------------------------------------------------

N_SHELVES = 3
BOOKS_PER_SHELF = 4
N_BOOKS = N_SHELVES * BOOKS_PER_SHELF
N_AUTHORS = 3
TAG_LABELS = ("fiction", "history", "science")
LOANED_BOOK_IDS = (1, 5, 9)


def library_app(n_authors: int) -> Flask:
    """A Flask app on in-memory SQLite (Flask-SQLAlchemy gives it a StaticPool), seeded."""
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db.init_app(app)
    with app.app_context():
        db.create_all()
        authors = [Author(name=f"Author {i}") for i in range(1, n_authors + 1)]
        tags = [Tag(label=label) for label in TAG_LABELS]
        books: list[Book] = []
        for s in range(1, N_SHELVES + 1):
            shelf = Shelf(name=f"Shelf {s}")
            for _ in range(BOOKS_PER_SHELF):
                n = len(books) + 1
                book = Book(
                    title=f"Book {n}",
                    author=authors[(n - 1) % n_authors],
                    tags=[tags[(n - 1) % 3], tags[n % 3]],
                )
                shelf.books.append(book)
                books.append(book)
            db.session.add(shelf)
        reader = Member(email="reader@example.org")
        reader.loans = [Loan(book=books[i - 1]) for i in LOANED_BOOK_IDS]
        db.session.add_all([reader, Member(email="idle@example.org")])
        db.session.commit()
        assert [b.id for b in books] == list(range(1, N_BOOKS + 1))
    return app


def _dispose(app: Flask) -> None:
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def library() -> Iterator[Flask]:
    app = library_app(N_AUTHORS)
    yield app
    _dispose(app)


@pytest.fixture(scope="module")
def library_one_author_per_book() -> Iterator[Flask]:
    app = library_app(N_BOOKS)
    yield app
    _dispose(app)


def run_counted(app: Flask, fn: Callable[..., Any], *args: Any) -> tuple[Any, int]:
    """Call fn in a fresh app context (a fresh db.session); return its result and the
    number of statements the engine ran, checking they are all SELECTs."""
    with app.app_context(), count_statements(db.engine) as statements:
        result = fn(*args)
        if isinstance(result, list) and result and isinstance(result[0], Book):
            result = [book.title for book in result]
    assert all(s.lstrip().upper().startswith("SELECT") for s in statements), statements
    return result, len(statements)


def expected_listing() -> list[str]:
    return [
        f"Shelf {(n - 1) // BOOKS_PER_SHELF + 1}: Book {n} by Author {(n - 1) % N_AUTHORS + 1}"
        for n in range(1, N_BOOKS + 1)
    ]


def test_models_are_mapped_through_the_project_subclass(library: Flask) -> None:
    """`db` is the project's LibrarySQLAlchemy; `BaseModel` is its `db.Model`, built from
    `declarative_base(cls=LibraryModel)`; every model is mapped on `db.metadata` and gets
    Flask-SQLAlchemy's `query` and the mixin's `get` classmethod."""
    assert type(db) is LibrarySQLAlchemy
    assert isinstance(db, SQLAlchemy)
    assert BaseModel is db.Model
    assert issubclass(db.Model, LibraryModel)
    models = (Shelf, Book, Author, Tag, Member, Loan)
    for model in models:
        assert issubclass(model, BaseModel)
        assert model.__fsa__ is db
        assert model.__table__.metadata is db.metadata
        assert inspect(model).class_ is model
    assert book_tags.metadata is db.metadata
    assert set(db.metadata.tables) == {
        "shelves",
        "books",
        "authors",
        "tags",
        "book_tags",
        "members",
        "loans",
    }
    # the star re-exports give the defining classes, and only what __all__ lists
    assert library_models.Book is Book
    assert not hasattr(library_models, "_internal_helper")
    with library.app_context():
        assert isinstance(Shelf.query, FlaskQuery)
        shelf = Shelf.get(2)
        assert isinstance(shelf, Shelf)
        assert shelf.name == "Shelf 2"
        assert Shelf.get(99) is None


def _runtime_relationships(model: type) -> dict[str, tuple[str, bool, str]]:
    out = {}
    for rel in inspect(model).relationships:
        target = rel.mapper.class_
        if rel.lazy in ("select", True):
            strategy = "lazy"
        elif rel.lazy in ("selectin", "joined", "subquery", "immediate", False):
            strategy = "eager"
        else:  # dynamic, write_only, raise, noload
            strategy = "other"
        out[rel.key] = (f"{target.__module__}.{target.__qualname__}", rel.uselist, strategy)
    return out


def test_cardinality_comes_from_the_foreign_keys(library: Flask) -> None:
    """No relationship says `uselist=`: SQLAlchemy decides from where the foreign key is,
    and so does repolint. Both views are compared, then the objects themselves."""
    shelf_rels = inspect(Shelf).relationships
    book_rels = inspect(Book).relationships
    assert (shelf_rels["books"].direction, shelf_rels["books"].uselist) == (ONETOMANY, True)
    assert (book_rels["shelf"].direction, book_rels["shelf"].uselist) == (MANYTOONE, False)
    assert (book_rels["author"].direction, book_rels["author"].uselist) == (MANYTOONE, False)
    assert (book_rels["tags"].direction, book_rels["tags"].uselist) == (MANYTOMANY, True)
    assert book_rels["tags"].secondary is book_tags
    assert inspect(Member).relationships["loans"].lazy == "selectin"

    project = build_project(
        sorted((SAMPLE_CODE / "library").rglob("*.py")),
        Settings(project_root=str(SAMPLE_CODE)),
    )
    for model in (Shelf, Book, Author, Tag, Member, Loan):
        qual = f"{model.__module__}.{model.__qualname__}"
        assert project.index.is_model(qual), qual
        seen = {
            name: (rel.target_name, rel.collection, rel.strategy)
            for name, rel in project.index.relationships(qual).items()
        }
        assert seen == _runtime_relationships(model), qual

    with library.app_context():
        shelf = Shelf.get(1)
        assert isinstance(shelf.books, list)
        assert [type(b) for b in shelf.books] == [Book] * BOOKS_PER_SHELF
        book = shelf.books[0]
        assert isinstance(book.author, Author)
        assert book.shelf is shelf
        assert isinstance(book.tags, list)
        assert sorted(t.label for t in book.tags) == ["fiction", "history"]


def test_shelf_listing_two_nested_lazy_loads(library: Flask) -> None:
    """shelf_listing(): 1 (shelves) + 1 per shelf (shelf.books) + 1 per distinct author
    (book.author). shelf_listing_eager(): selectinload(Shelf.books).joinedload(Book.author)
    is 2 statements, the books and their authors in one."""
    bad, bad_count = run_counted(library, catalogue.shelf_listing)
    good, good_count = run_counted(library, catalogue.shelf_listing_eager)
    assert bad == good == expected_listing()
    assert bad_count == 1 + N_SHELVES + N_AUTHORS == 7
    assert good_count == 2


def test_backref_shelf_of_each_book(library: Flask) -> None:
    """shelf_of_each_book(): Book.query.all() then book.shelf (the backref) per book:
    1 + one SELECT per distinct shelf. shelf_titles(): the shelf, its books, and no
    SELECT for book.shelf (the shelf is already in the identity map)."""
    bad, bad_count = run_counted(library, catalogue.shelf_of_each_book)
    assert bad == [f"Shelf {(n - 1) // BOOKS_PER_SHELF + 1}" for n in range(1, N_BOOKS + 1)]
    assert bad_count == 1 + N_SHELVES == 4

    good, good_count = run_counted(library, catalogue.shelf_titles, 2)
    assert good == [f"Shelf 2/Book {n}" for n in range(5, 9)]
    assert good_count == 2  # Shelf.get(2), shelf.books

    with library.app_context():
        shelf = Shelf.get(2)
        books = list(shelf.books)
        with count_statements(db.engine) as statements:
            shelves = [book.shelf for book in books]
        assert statements == []
        assert all(s is shelf for s in shelves)


def test_secondary_collection_per_book(library: Flask) -> None:
    """tag_labels(): book.tags (many-to-many through book_tags) per book: 1 + N.
    tag_labels_eager(): selectinload(Book.tags): 2."""
    bad, bad_count = run_counted(library, catalogue.tag_labels)
    good, good_count = run_counted(library, catalogue.tag_labels_eager)
    assert bad == good
    assert bad["Book 1"] == ["fiction", "history"]
    assert len(bad) == N_BOOKS
    assert bad_count == 1 + N_BOOKS == 13
    assert good_count == 2


def test_per_row_read_in_a_helper(library: Flask) -> None:
    """catalogue_lines(): describe(book) reads book.author per row: 1 + one SELECT per
    distinct author (3 authors over 12 books). catalogue_lines_eager(): joinedload: 1.
    featured_line(): one book, one author: 2."""
    bad, bad_count = run_counted(library, catalogue.catalogue_lines)
    good, good_count = run_counted(library, catalogue.catalogue_lines_eager)
    assert bad == good == [f"Book {n} (Author {(n - 1) % N_AUTHORS + 1})" for n in range(1, 13)]
    assert bad_count == 1 + N_AUTHORS == 4
    assert good_count == 1

    one, one_count = run_counted(library, catalogue.featured_line, 3)
    assert one == "Book 3 (Author 3)"
    assert one_count == 2


def test_a_many_to_one_costs_one_select_per_distinct_row(
    library_one_author_per_book: Flask,
) -> None:
    """The same code on a library where every book has its own author: the per-row
    author loads are no longer absorbed by the identity map, and the count is 1 + N."""
    app = library_one_author_per_book
    lines, count = run_counted(app, catalogue.catalogue_lines)
    assert lines[-1] == "Book 12 (Author 12)"
    assert count == 1 + N_BOOKS == 13
    _, eager_count = run_counted(app, catalogue.catalogue_lines_eager)
    assert eager_count == 1

    _, listing_count = run_counted(app, catalogue.shelf_listing)
    _, listing_eager_count = run_counted(app, catalogue.shelf_listing_eager)
    assert listing_count == 1 + N_SHELVES + N_BOOKS == 16
    assert listing_eager_count == 2


def test_selectin_collection_then_lazy_many_to_one(library: Flask) -> None:
    """loaned_titles(): Member.loans is lazy="selectin" (loaded with the member), each
    loan's book is not: 1 + 1 + one per loan. loaned_titles_eager(): 2."""
    bad, bad_count = run_counted(library, catalogue.loaned_titles, 1)
    good, good_count = run_counted(library, catalogue.loaned_titles_eager, 1)
    assert bad == good == [f"Book {n}" for n in LOANED_BOOK_IDS]
    assert bad_count == 2 + len(LOANED_BOOK_IDS) == 5
    assert good_count == 2


def test_rpl303_one_lookup_per_id(library: Flask) -> None:
    """titles_by_id(ids): Book.query.filter_by(id=...).first() per id: N statements
    (a query, unlike a many-to-one, always goes to the database). titles_by_ids(): 1."""
    assert_one_statement_per_id(library, catalogue.titles_by_id, repeated_id=1)


def assert_one_statement_per_id(
    library: Flask, per_id: Callable[[list[int]], list[str]], repeated_id: int
) -> None:
    """`per_id(ids)` runs N statements for N ids (a repeated id too); titles_by_ids: 1."""
    ids = [1, 5, 9, 12]
    bad, bad_count = run_counted(library, per_id, ids)
    good, good_count = run_counted(library, catalogue.titles_by_ids, ids)
    assert bad == good == [f"Book {n}" for n in ids]
    assert bad_count == len(ids) == 4
    assert good_count == 1

    repeated, repeated_count = run_counted(library, per_id, [repeated_id] * 3)
    assert repeated == [f"Book {repeated_id}"] * 3
    assert repeated_count == 3


def test_rpl303_in_of_one_items_values_is_a_query_per_item(library: Flask) -> None:
    """match_records(): `.in_(record["emails"])`, one record's addresses: a statement per
    record (3 records, 3 statements); match_chunks(): one per chunk of addresses (1)."""
    records = {
        "a": {"emails": ["reader@example.org", "old@example.org"]},
        "b": {"emails": ["idle@example.org"]},
        "c": {"emails": ["nobody@example.org"]},
    }
    chunk = [e for r in records.values() for e in r["emails"]]
    with library.app_context(), count_statements(db.engine) as bad_statements:
        bad = member_import.match_records(records)
    with library.app_context(), count_statements(db.engine) as good_statements:
        good = member_import.match_chunks([chunk])
    assert bad == {"a": 1, "b": 2}
    assert good == {"reader@example.org": 1, "idle@example.org": 2}
    # `Member.loans` is selectin-loaded with each member found: counted apart
    assert len(_member_lookups(bad_statements)) == len(records) == 3
    assert len(_member_lookups(good_statements)) == 1


def test_rpl303_generic_lookup_given_each_callers_model(library: Flask) -> None:
    """find_each(model, ids), called with Book by one caller and Author by another: one
    SELECT per id for either model; find_all(): one for all the ids."""
    ids = [1, 2, 3]
    for per_id, at_once in (
        (lookups.books_by_ids, lookups.books_at_once),
        (lookups.authors_by_ids, lookups.authors_at_once),
    ):
        with library.app_context(), count_statements(db.engine) as bad:
            slow = [row.id for row in per_id(ids)]
        with library.app_context(), count_statements(db.engine) as good:
            fast = [row.id for row in at_once(ids)]
        assert slow == fast == ids
        assert (len(bad), len(good)) == (len(ids), 1)


def _member_lookups(statements: list[str]) -> list[str]:
    return [s for s in statements if "FROM members" in s]


# -- library: pinned foreign keys, dynamic relationships, per-item calls -------


def author_of(n: int, n_authors: int = N_AUTHORS) -> int:
    """The seed gives book n to author (n - 1) % n_authors + 1."""
    return (n - 1) % n_authors + 1


def books_on_shelf(shelf_id: int) -> list[int]:
    return list(range((shelf_id - 1) * BOOKS_PER_SHELF + 1, shelf_id * BOOKS_PER_SHELF + 1))


def test_pinned_foreign_key_is_served_by_the_identity_map(library: Flask) -> None:
    """shelf_books(2): the query pins Book.shelf_id, so `book.shelf` is one and the same
    row for all 4 books: the first read SELECTs it by primary key, the other three find it
    in the identity map: 1 + 1. member_emails_on_loans(1): the same through the backref
    Loan.member: 1 + 1. Member.loans is lazy="selectin", yet loading the member from a
    loan runs no third SELECT: SQLAlchemy skips an eager loader whose path (Loan.member ->
    Member.loans) already holds its target mapper (Loan), and leaves the collection
    unloaded. loan_book_titles(1): pinning the member says nothing about the books; each
    of the 3 loans has its own book (1, 5, 9), so 1 + 3."""
    titles, count = run_counted(library, catalogue.shelf_books, 2)
    assert titles == [f"Shelf 2: Book {n}" for n in books_on_shelf(2)]
    assert count == 1 + 1 == 2

    emails, count = run_counted(library, catalogue.member_emails_on_loans, 1)
    assert emails == ["reader@example.org"] * len(LOANED_BOOK_IDS)
    assert count == 1 + 1 == 2

    with library.app_context():
        member_loans = Loan.query.filter_by(member_id=1).all()
        with count_statements(db.engine) as statements:
            members = [loan.member for loan in member_loans]
        assert len(statements) == 1
        assert all(member is members[0] for member in members)
        assert "loans" not in inspect(members[0]).dict

    assert len(set(LOANED_BOOK_IDS)) == len(LOANED_BOOK_IDS)  # every loan its own book
    titles, count = run_counted(library, catalogue.loan_book_titles, 1)
    assert titles == [f"Book {n}" for n in LOANED_BOOK_IDS]
    assert count == 1 + len(LOANED_BOOK_IDS) == 4


def recent_by_author(author_id: int, n_authors: int) -> list[str]:
    """The 3 highest-numbered books of an author, newest first."""
    ns = [n for n in range(N_BOOKS, 0, -1) if author_of(n, n_authors) == author_id]
    return [f"Book {n}" for n in ns[:3]]


def test_rpl303_dynamic_relationship_per_author(
    library: Flask, library_one_author_per_book: Flask
) -> None:
    """recent_titles_per_author(): Author.books is lazy="dynamic", an AppenderQuery: its
    `.all()` is a SELECT every time, never cached in the identity map or on the author.
    1 (the authors) + 1 per author: 4 with 3 authors, 13 with 12.
    recent_titles(1): Author.get (a query) and one dynamic query: 2, whatever the size."""
    bad, bad_count = run_counted(library, catalogue.recent_titles_per_author)
    assert bad == {f"Author {a}": recent_by_author(a, N_AUTHORS) for a in range(1, 4)}
    assert bad["Author 1"] == ["Book 10", "Book 7", "Book 4"]
    assert bad_count == 1 + N_AUTHORS == 4

    good, good_count = run_counted(library, catalogue.recent_titles, 1)
    assert good == bad["Author 1"]
    assert good_count == 1 + 1 == 2

    app = library_one_author_per_book
    bad, bad_count = run_counted(app, catalogue.recent_titles_per_author)
    assert bad["Author 12"] == ["Book 12"]
    assert bad_count == 1 + N_BOOKS == 13
    _, good_count = run_counted(app, catalogue.recent_titles, 12)
    assert good_count == 2


def test_rpl303_mixin_get_per_id(library: Flask) -> None:
    """titles_for(ids): Book.get per id, and the mixin's `get` is
    `cls.query.filter_by(id=oid).first()`, a query, not Session.get: N statements for N
    ids, even when an id repeats and its row is already in the identity map.
    titles_by_ids(ids): one IN query."""
    assert_one_statement_per_id(library, catalogue.titles_for, repeated_id=3)


@pytest.fixture
def empty_shelf_name_cache() -> Iterator[None]:
    """shelf_name is an lru_cache living as long as the process: empty it around the test."""
    catalogue.shelf_name.cache_clear()
    yield
    catalogue.shelf_name.cache_clear()


def shelf_names_counted(app: Flask) -> tuple[list[str], int]:
    """shelf_names() over all 12 books (loaded first, not counted), in a fresh app context."""
    with app.app_context():
        books = Book.query.order_by(Book.id).all()
        with count_statements(db.engine) as statements:
            names = catalogue.shelf_names(books)
    return names, len(statements)


@pytest.mark.usefixtures("empty_shelf_name_cache")
def test_rpl303_memoized_lookup_runs_once_per_key(library: Flask) -> None:
    """shelf_names(books): shelf_name(shelf_id) is `functools.lru_cache`d, so its Shelf.get
    runs once per distinct shelf id: 3 SELECTs for 12 books (3 misses, 9 hits). A repeated
    call, even in a new app context with an empty session, runs none: the cache holds the
    names, not rows, for the life of the process."""
    expected = [f"Shelf {(n - 1) // BOOKS_PER_SHELF + 1}" for n in range(1, N_BOOKS + 1)]
    first, first_count = shelf_names_counted(library)
    assert first == expected
    assert first_count == N_SHELVES == 3
    info = catalogue.shelf_name.cache_info()
    assert (info.misses, info.hits) == (N_SHELVES, N_BOOKS - N_SHELVES) == (3, 9)

    again, again_count = shelf_names_counted(library)
    assert again == expected
    assert again_count == 0
    assert catalogue.shelf_name.cache_info().misses == N_SHELVES


def test_rpl303_legacy_query_chain_per_name(library: Flask) -> None:
    """authors_by_name(names): `db.session.query(Author).filter_by(name=...).first()` per
    name: one SELECT per name, 5 for 5 names, including a repeated name (a query always
    goes to the database) and a name with no row (first() -> None)."""
    names = ["Author 1", "Author 2", "Author 3", "Author 1", "Nobody"]

    def found_names() -> list[str | None]:
        return [a.name if a else None for a in catalogue.authors_by_name(names)]

    found, count = run_counted(library, found_names)
    assert found == ["Author 1", "Author 2", "Author 3", "Author 1", None]
    assert count == len(names) == 5


# -- library: commits through a helper ----------------------------------------


MEMBER_LOAN_IDS = (1, 2, 3)
"""Member 1's loans, in the order Loan.query.filter_by(member_id=1) returns them."""
REFUSED_LOAN_ID = 2


@pytest.fixture
def fresh_library() -> Iterator[Flask]:
    """A library of its own for the tests that write: returning loans changes the seed."""
    app = library_app(N_AUTHORS)
    yield app
    _dispose(app)


def returned_loan_ids(app: Flask) -> list[int]:
    with app.app_context():
        return [loan.id for loan in Loan.query.filter_by(returned=True).order_by(Loan.id)]


def refuse_returning(app: Flask, loan_id: int) -> None:
    """A SQLite trigger aborts any UPDATE of one loan's `returned`; SQLite reports
    RAISE(ABORT) as a constraint failure, which SQLAlchemy raises as IntegrityError."""
    with app.app_context():
        db.session.execute(
            text(
                "CREATE TRIGGER refuse_return BEFORE UPDATE OF returned ON loans "
                f"WHEN NEW.id = {loan_id} BEGIN SELECT RAISE(ABORT, 'loan refused'); END"
            )
        )
        db.session.commit()


@pytest.mark.parametrize(
    ("job", "commits", "verbs"),
    [
        (loans.return_all, 3, ["SELECT", "UPDATE"] * 3),
        (loans.return_all_at_once, 1, ["SELECT", "UPDATE"]),
    ],
    ids=["return_all", "return_all_at_once"],
)
def test_rpl309_commit_per_row_through_a_helper(
    fresh_library: Flask, job: Callable[[int], None], commits: int, verbs: list[str]
) -> None:
    """return_all(1): _store(loan) commits per loan: 3 commits on Flask-SQLAlchemy's engine
    (count_commits fits it, it is a plain Engine), and each commit expires the session, so
    loans 2 and 3 are SELECTed again before their UPDATE: SELECT, UPDATE x 3.
    return_all_at_once(1): 1 commit, one SELECT and one UPDATE (an executemany)."""
    with (
        fresh_library.app_context(),
        count_commits(db.engine) as committed,
        count_statements(db.engine) as statements,
    ):
        job(1)
    assert len(committed) == commits
    assert [s.split(None, 1)[0] for s in statements] == verbs
    assert returned_loan_ids(fresh_library) == list(MEMBER_LOAN_IDS)


@pytest.mark.parametrize(
    ("job", "commits", "survivors"),
    [(loans.return_all, 1, [1]), (loans.return_all_at_once, 0, [])],
    ids=["return_all", "return_all_at_once"],
)
def test_rpl309_failure_half_way(
    fresh_library: Flask, job: Callable[[int], None], commits: int, survivors: list[int]
) -> None:
    """A trigger refuses to return loan 2. return_all(1) has already committed loan 1 when
    its 2nd commit fails: 1 commit, loan 1 stays returned. return_all_at_once(1) fails in
    its only commit: 0 commits, no loan returned."""
    refuse_returning(fresh_library, REFUSED_LOAN_ID)
    with (
        pytest.raises(IntegrityError, match="loan refused"),
        fresh_library.app_context(),
        count_commits(db.engine) as committed,
    ):
        job(1)
    assert len(committed) == commits
    assert returned_loan_ids(fresh_library) == survivors


# -- library: an attribute set in a set-up hook ----------------------------------


def run_view(app: Flask, view_class: type, shelf_id: int) -> tuple[list[str], int, int]:
    """The view as the framework drives it: `_process_args()` then `_process()`, in a test
    request context (a fresh app context, so a fresh session) whose view_args name the
    shelf. Returns the lines and the statements of each phase."""
    with app.test_request_context(f"/shelves/{shelf_id}"):
        request.view_args = {"shelf_id": shelf_id}
        view = view_class()
        with count_statements(db.engine) as set_up:
            view._process_args()
        with count_statements(db.engine) as process:
            lines = view._process()
    assert all(s.lstrip().upper().startswith("SELECT") for s in set_up + process)
    return lines, len(set_up), len(process)


def test_set_up_hook_attribute_read_per_row(
    library: Flask, library_one_author_per_book: Flask
) -> None:
    """ShelfView: `_process_args` stores Shelf.get(2) on self (1 SELECT); `_process` reads
    self.shelf.books (1) and each book's author: one SELECT per distinct author, 3 for
    books 5..8 by authors 2, 3, 1, 2 (1 + 1 + 3 in all), and 4 when every book has its
    own author (1 + 1 + 4). ShelfViewEager: one joinedload query in the hook, none in
    `_process`, on either library."""
    distinct_authors = len({author_of(n) for n in books_on_shelf(2)})
    expected = [f"Book {n} by Author {author_of(n)}" for n in books_on_shelf(2)]

    bad, bad_set_up, bad_process = run_view(library, ShelfView, 2)
    good, good_set_up, good_process = run_view(library, ShelfViewEager, 2)
    assert bad == good == expected
    assert (bad_set_up, bad_process) == (1, 1 + distinct_authors) == (1, 4)
    assert (good_set_up, good_process) == (1, 0)

    app = library_one_author_per_book
    bad, bad_set_up, bad_process = run_view(app, ShelfView, 2)
    good, good_set_up, good_process = run_view(app, ShelfViewEager, 2)
    assert bad == good == [f"Book {n} by Author {n}" for n in books_on_shelf(2)]
    assert (bad_set_up, bad_process) == (1, 1 + BOOKS_PER_SHELF) == (1, 5)
    assert (good_set_up, good_process) == (1, 0)


# -- notes: FastAPI over sync sessions ----------------------------------------

N_NOTES = 3


def seed_notes(engine: Engine) -> None:
    NotesBase.metadata.create_all(engine)
    with Session(engine) as db:
        owner = User(email="owner@example.org")
        db.add_all([Note(title=f"Note {i}", owner=owner) for i in range(1, N_NOTES + 1)])
        db.commit()


@pytest.fixture(scope="module")
def notes_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_seeded(tmp_path_factory, "notes.db", seed_notes)


@pytest.fixture
def notes_url(notes_file: Path, tmp_path: Path) -> str:
    return private_copy(notes_file, tmp_path)


@pytest.fixture
def notes_engine(notes_url: str) -> Iterator[Engine]:
    engine = create_engine(notes_url)
    yield engine
    engine.dispose()


@pytest.fixture
def slow_notes(notes_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A slow engine on the seeded notes file, bound where the sample looks for its
    engine: `SessionLocal` (what `get_db()` and the routes open) and the `engine`
    global of notes.api.routes. Both are restored afterwards."""
    engine = create_engine(notes_url)
    make_statements_slow(engine)
    original = SessionLocal.kw.get("bind")
    SessionLocal.configure(bind=engine)
    monkeypatch.setattr(notes_routes, "engine", engine)
    yield engine
    SessionLocal.configure(bind=original)
    engine.dispose()


EXPECTED_NOTES = [{"id": i, "title": f"Note {i}"} for i in range(1, N_NOTES + 1)]


def test_rpl102_async_route_calls_the_sync_dao(slow_notes: Engine) -> None:
    """list_notes(): Notes.get_notes() (a NotesTable singleton whose method opens
    `with get_db()`, get_db = contextmanager(_session)) runs on the loop.
    list_notes_threaded(): run_in_threadpool(Notes.get_notes)."""
    bad, bad_gap = measure_stall(notes_routes.list_notes)
    good, good_gap = unblocked_stall(notes_routes.list_notes_threaded)
    assert bad == good == EXPECTED_NOTES
    assert bad_gap >= STALL_AT_LEAST, bad_gap
    assert good_gap < NO_STALL_BELOW, good_gap


async def note_count_offloaded() -> int:
    """note_count() with the session work in a worker thread (the sample has no twin)."""

    def count() -> int:
        with SessionLocal() as db:
            return count_notes(db)

    return await run_in_threadpool(count)


def test_rpl102_session_typed_by_the_sessionmaker_instance(slow_notes: Engine) -> None:
    """note_count(): count_notes(db: SessionLocal) is a sync Session's scalar() on the loop."""
    bad, bad_gap = measure_stall(notes_routes.note_count)
    good, good_gap = unblocked_stall(note_count_offloaded)
    assert bad == good == N_NOTES
    assert bad_gap >= STALL_AT_LEAST, bad_gap
    assert good_gap < NO_STALL_BELOW, good_gap


async def health_offloaded() -> str:
    """health() with the engine-level I/O in a worker thread (the sample has no twin)."""

    def ping() -> None:
        with notes_routes.engine.connect() as conn:
            conn.execute(text("select 1"))

    await run_in_threadpool(ping)
    return "ok"


def test_rpl101_engine_connect_in_async_route(slow_notes: Engine) -> None:
    """health(): `with engine.connect() as conn: conn.execute(...)` inside async def:
    no Session at all, the loop still waits for the statement."""
    bad, bad_gap = measure_stall(notes_routes.health)
    good, good_gap = unblocked_stall(health_offloaded)
    assert bad == good == "ok"
    assert SLOW_STATEMENT_SECONDS * 0.9 <= bad_gap < SLOW_STATEMENT_SECONDS + 0.5, bad_gap
    assert good_gap < NO_STALL_BELOW, good_gap


def add_tag_flushed(session: Session, label: str) -> NoteTag:
    """add_tag() leaving the transaction to its caller: flush, not commit."""
    tag = NoteTag(label=label)
    session.add(tag)
    session.flush()
    return tag


def stored_labels(engine: Engine) -> list[str]:
    with Session(engine) as db:
        return list(db.scalars(select(NoteTag.label).order_by(NoteTag.id)))


@pytest.mark.parametrize(
    ("helper", "survivors", "commits"),
    [(add_tag, ["draft", "python"], 1), (add_tag_flushed, [], 0)],
    ids=["add_tag_commits", "flush_twin"],
)
def test_rpl201_repository_commits_the_callers_transaction(
    notes_engine: Engine,
    helper: Callable[[Session, str], NoteTag],
    survivors: list[str],
    commits: int,
) -> None:
    """The caller adds a tag of its own, calls the repository helper, then rolls back.
    add_tag() -> _save() has already committed both (the caller's rollback undoes
    nothing); with the flush twin the rollback undoes both."""
    with Session(notes_engine) as db, count_commits(notes_engine) as committed:
        db.add(NoteTag(label="draft"))  # the caller's own, not yet flushed
        tag = helper(db, "python")
        assert tag.id is not None  # both give the new row its id
        db.rollback()
    assert len(committed) == commits
    assert stored_labels(notes_engine) == survivors


def test_rpl201_flush_twin_commits_with_its_caller(notes_engine: Engine) -> None:
    """Control: the flush twin's row is stored when the caller commits."""
    with Session(notes_engine) as db, count_commits(notes_engine) as committed:
        add_tag_flushed(db, "python")
        db.commit()
    assert len(committed) == 1
    assert stored_labels(notes_engine) == ["python"]
