"""Catalogue reports over Flask-SQLAlchemy models declared the way real apps declare them:
a project subclass of `SQLAlchemy`, `BaseModel = db.Model`, models re-exported with
`from ... import *`, relationships whose cardinality comes from their foreign keys."""

from __future__ import annotations

from sqlalchemy.orm import joinedload, selectinload

from library.models import Book, Loan, Member, Shelf


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
