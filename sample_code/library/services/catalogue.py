"""Catalogue reports over Flask-SQLAlchemy models declared the way real apps declare them:
a project subclass of `SQLAlchemy`, `BaseModel = db.Model`, models re-exported with
`from ... import *`, relationships whose cardinality comes from their foreign keys."""

from __future__ import annotations

import typing
from functools import lru_cache
from typing import cast

from flask import current_app
from sqlalchemy.orm import joinedload, selectinload

from library.extensions import db
from library.models import Author, Book, Loan, Member, Shelf


def shelf_listing():
    """Every book of every shelf with its author: two nested N+1s."""
    lines = []
    for shelf in Shelf.query.order_by(Shelf.name).all():
        for book in shelf.books:  # expect: RPL301
            lines.append(f"{shelf.name}: {book.title} by {book.author.name}")  # expect: RPL301
    return lines


def shelf_listing_eager():
    """The same, loaded up front."""
    shelves = Shelf.query.options(
        selectinload(Shelf.books).joinedload(Book.author)
    ).all()
    return [
        f"{shelf.name}: {book.title} by {book.author.name}"  # ok: RPL301
        for shelf in shelves
        for book in shelf.books  # ok: RPL301
    ]


def shelf_of_each_book():
    """The backref `Book.shelf` (many-to-one, from `Shelf.books`), once per book."""
    return [book.shelf.name for book in Book.query.all()]  # expect: RPL301


def shelf_titles(shelf_id):
    """One shelf (the mixin's `get` returns a `Shelf`); each book's back-populated shelf."""
    shelf = Shelf.get(shelf_id)
    return [f"{book.shelf.name}/{book.title}" for book in shelf.books]  # ok: RPL301


def tag_labels():
    """Tags of every book: a collection through `secondary=`."""
    return {book.title: [t.label for t in book.tags] for book in Book.query.all()}  # expect: RPL301


def tag_labels_eager():
    books = Book.query.options(selectinload(Book.tags)).all()
    return {book.title: [t.label for t in book.tags] for book in books}  # ok: RPL301


def loaned_titles(member_id):
    """`Member.loans` is selectin-loaded; each loan's `book` is not."""
    member = Member.get(member_id)
    return [loan.book.title for loan in member.loans]  # expect: RPL301


def loaned_titles_eager(member_id):
    member = Member.query.options(
        selectinload(Member.loans).joinedload(Loan.book)
    ).filter_by(id=member_id).one()
    return [loan.book.title for loan in member.loans]  # ok: RPL301


def titles_by_id(book_ids):
    """One lookup per id."""
    return [Book.query.filter_by(id=book_id).first() for book_id in book_ids]  # expect: RPL303


def titles_by_ids(book_ids):
    return Book.query.filter(Book.id.in_(book_ids)).all()  # ok: RPL303


def describe(book):
    """No annotation: what `book` is comes from the callers, who all pass a `Book`."""
    return f"{book.title} ({book.author.name})"  # ok: RPL301


def catalogue_lines():
    """`describe()` reads `book.author`, once per book."""
    return [describe(book) for book in Book.query.all()]  # expect: RPL301


def catalogue_lines_eager():
    books = Book.query.options(joinedload(Book.author)).all()
    return [describe(book) for book in books]  # ok: RPL301


def featured_line(book_id):
    """One book: `describe()` reads its author once."""
    return describe(Book.get(book_id))  # ok: RPL301


def authors_by_name(names):
    """A legacy `session.query()` chain per name: reported where it runs (`first()`)."""
    return [
        db.session.query(Author)  # expect: RPL404
        .filter_by(name=name)
        .first()  # expect: RPL303
        for name in names
    ]


def titles_for(book_ids):
    """The mixin's `get` runs a statement: once per id."""
    return [Book.get(book_id).title for book_id in book_ids]  # expect: RPL303


@lru_cache(maxsize=256)
def shelf_name(shelf_id):
    """Memoized: its query runs once per shelf for the life of the process."""
    return Shelf.get(shelf_id).name


def shelf_names(books):
    return [shelf_name(book.shelf_id) for book in books]  # ok: RPL303


def recent_titles_per_author():
    """`Author.books` is `lazy="dynamic"`: each `.all()` on it is a query, once per author."""
    return {
        author.name: [b.title for b in author.books.order_by(Book.id.desc()).limit(3).all()]  # expect: RPL303
        for author in Author.query.all()
    }


def recent_titles(author_id):
    """One author: one query on the dynamic relationship."""
    author = Author.get(author_id)
    return [b.title for b in author.books.order_by(Book.id.desc()).limit(3).all()]  # ok: RPL303


def shelf_books(shelf_id):
    """The query pins `Book.shelf_id`: every row has the same shelf, loaded once and
    then served by the identity map."""
    books = Book.query.filter(Book.shelf_id == shelf_id).all()
    return [f"{book.shelf.name}: {book.title}" for book in books]  # ok: RPL301


def member_emails_on_loans(member_id):
    """`filter_by(member_id=...)` pins the backref `Loan.member` the same way."""
    loans = Loan.query.filter_by(member_id=member_id).all()
    return [loan.member.email for loan in loans]  # ok: RPL301


def loan_book_titles(member_id):
    """Pinning the member says nothing about each loan's book."""
    loans = Loan.query.filter_by(member_id=member_id).all()
    return [loan.book.title for loan in loans]  # expect: RPL301


def all_recent_titles():
    """Iterating the dynamic `Author.books` of each author: a query per author."""
    return [b.title for author in Author.query.all() for b in author.books]  # expect: RPL303


def summary(book, full=False):
    """Reads the author only when asked for the full summary."""
    if not full:
        return book.title
    return f"{book.title} ({book.author.name})"


def short_summaries():
    """`full` keeps its default here: the author is never read."""
    return [summary(book) for book in Book.query.all()]  # ok: RPL301


def full_summaries():
    return [summary(book, full=True) for book in Book.query.all()]  # expect: RPL301


def place_of(item):
    """A book answers with its title; anything else placed on a shelf, with the shelf."""
    if isinstance(item, Book):
        return item.title
    return item.shelf.name


def book_places():
    """For a `Book` the first branch returns: `item.shelf` is never read."""
    return [place_of(book) for book in Book.query.all()]  # ok: RPL301


def featured_shelves():
    """A fixed handful, typed for the checker with `cast()`."""
    names = cast(list[str], ["New", "Classics", "Local"])
    return [Shelf.query.filter_by(name=name).first() for name in names]  # ok: RPL303


def classic_shelves():
    return [
        Shelf.query.filter_by(name=name).first()  # ok: RPL303
        for name in cast(list[str], ["Classics", "Poetry"])
    ]


def local_shelves():
    """The same handful, with `typing.cast` spelled out."""
    return [
        Shelf.query.filter_by(name=name).first()  # ok: RPL303
        for name in typing.cast(list[str], ["Local", "Archive"])
    ]


def reserved_books(book_ids: list[int]) -> list[Book]:
    """One SELECT per id: the session is reached through the app object of a
    third-party framework, yet `.query(Book)` shows what it is."""
    session = current_app.extensions["sqlalchemy"].session
    return [
        session.query(Book)  # expect: RPL404
        .filter_by(id=book_id)
        .one()  # expect: RPL303
        for book_id in book_ids
    ]


def reserved_books_plugin(book_ids: list[int]) -> list[Book]:
    """The same through an attribute a plugin sets on the app object."""
    return [
        current_app.library_session.query(Book)  # expect: RPL404
        .get(book_id)  # expect: RPL303
        for book_id in book_ids
    ]
