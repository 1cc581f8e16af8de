"""Alembic revision: it ran once, so its per-row costs are not reported by default."""

from __future__ import annotations

from library.models import Book

revision = "0002"
down_revision = "0001"


def upgrade():
    for book in Book.query.all():
        book.title = f"{book.title} ({book.author.name})"  # ok: RPL301


def downgrade():
    pass
