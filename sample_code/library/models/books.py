"""Shelves, books, authors and tags: relationships without `lazy=` or `uselist=`."""

from __future__ import annotations

from library.core.database import BaseModel
from library.extensions import db

__all__ = ["Author", "Book", "Shelf", "Tag", "book_tags"]

book_tags = db.Table(
    "book_tags",
    db.Column("book_id", db.ForeignKey("books.id"), primary_key=True),
    db.Column("tag_id", db.ForeignKey("tags.id"), primary_key=True),
)


class Shelf(BaseModel):
    __tablename__ = "shelves"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False)
    # one-to-many: the foreign key is on `books`; `Book.shelf` is its backref
    books = db.relationship("Book", backref="shelf")


class Author(BaseModel):
    __tablename__ = "authors"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False)


class Tag(BaseModel):
    __tablename__ = "tags"

    id = db.Column(db.Integer, primary_key=True)
    label = db.Column(db.String(40), nullable=False)


class Book(BaseModel):
    __tablename__ = "books"

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    shelf_id = db.Column(db.Integer, db.ForeignKey("shelves.id"), nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("authors.id"), nullable=False)
    # many-to-one: the foreign key is on this table; `Author.books` is a dynamic query
    author = db.relationship("Author", backref=db.backref("books", lazy="dynamic"))
    # many-to-many through an association table: a collection
    tags = db.relationship("Tag", secondary=book_tags)
