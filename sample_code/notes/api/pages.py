"""Pages through fastapi-pagination: LIMIT/OFFSET over the statement it is given."""

from __future__ import annotations

from fastapi import Depends
from fastapi_pagination import Page
from fastapi_pagination.ext.sqlalchemy import paginate
from sqlalchemy import select
from sqlalchemy.orm import Session

from notes.db import SessionLocal
from notes.models import Note


def get_session():
    with SessionLocal() as db:
        yield db


def notes_page(db: Session = Depends(get_session)) -> Page[dict]:
    return paginate(db, select(Note))  # expect: RPL401


def notes_page_ordered(db: Session = Depends(get_session)) -> Page[dict]:
    return paginate(db, select(Note).order_by(Note.id))  # ok: RPL401


def notes_page_sorted(db: Session = Depends(get_session), newest: bool = False) -> Page[dict]:
    stmt = select(Note)
    if Note.id is not None:  # a column is never None: this ordering always applies
        stmt = stmt.order_by(Note.id.desc() if newest else Note.id)
    return paginate(db, stmt)  # ok: RPL401
