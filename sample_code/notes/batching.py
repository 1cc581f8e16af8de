"""A generic helper that runs the statement its caller built, a window at a time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session


def in_windows(db: Session, stmt: Any, column: Any, size: int = 500) -> Iterator[Any]:
    """Yield the rows of `stmt` in windows of `size`, keyed on `column` (ascending).
    Which rows they are, and what they load, is the caller's statement's business."""
    last = None
    while True:
        window = stmt.order_by(column).limit(size)
        if last is not None:
            window = window.where(column > last)
        rows = db.scalars(window).all()
        if not rows:
            return
        yield from rows
        last = getattr(rows[-1], column.key)
