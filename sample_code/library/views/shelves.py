"""Class-based views that load their objects in a set-up hook, as large Flask apps do."""

from __future__ import annotations

from flask import request
from sqlalchemy.orm import joinedload

from library.models import Book, Shelf


class ShelfView:
    """`_process_args` runs before `_process` and sets what the request is about."""

    def _process_args(self):
        self.shelf = Shelf.get(request.view_args["shelf_id"])

    def _process(self):
        return [f"{book.title} by {book.author.name}" for book in self.shelf.books]  # expect: RPL301


class ShelfViewEager:
    def _process_args(self):
        self.books = (
            Book.query.options(joinedload(Book.author))
            .filter_by(shelf_id=request.view_args["shelf_id"])
            .all()
        )

    def _process(self):
        return [f"{book.title} by {book.author.name}" for book in self.books]  # ok: RPL301
