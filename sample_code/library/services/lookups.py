"""Generic lookups taking the model class to query: each caller passes its own."""

from __future__ import annotations

from library.models import Author, Book


def find_each(model, ids: list[int]) -> list:
    """Wrong: one SELECT per id, whatever model the caller passes."""
    found = []
    for item_id in ids:
        row = model.query.filter_by(id=item_id).first()  # expect: RPL303
        if row is not None:
            found.append(row)
    return found


def find_all(model, ids: list[int]) -> list:
    """Right: one SELECT for every id."""
    return model.query.filter(model.id.in_(ids)).order_by(model.id).all()  # ok: RPL303


def books_by_ids(ids: list[int]) -> list[Book]:
    return find_each(Book, ids)


def authors_by_ids(ids: list[int]) -> list[Author]:
    return find_each(Author, ids)


def books_at_once(ids: list[int]) -> list[Book]:
    return find_all(Book, ids)


def authors_at_once(ids: list[int]) -> list[Author]:
    return find_all(Author, ids)
