"""Members and their loans."""

from __future__ import annotations

from library.core.database import BaseModel
from library.extensions import db

__all__ = ["Loan", "Member"]


class Member(BaseModel):
    __tablename__ = "members"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120), nullable=False)
    loans = db.relationship("Loan", backref="member", lazy="selectin")


class Loan(BaseModel):
    __tablename__ = "loans"

    id = db.Column(db.Integer, primary_key=True)
    member_id = db.Column(db.Integer, db.ForeignKey("members.id"), nullable=False)
    book_id = db.Column(db.Integer, db.ForeignKey("books.id"), nullable=False)
    returned = db.Column(db.Boolean, nullable=False, default=False)
    book = db.relationship("Book")


def _internal_helper():
    """Private: not re-exported by `from .members import *`."""
