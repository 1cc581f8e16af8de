"""Async routes over sync data access, reached through the providers of `notes.db`."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import delete, text
from starlette.concurrency import run_in_threadpool

from notes.data import Notes, count_notes
from notes.db import SessionLocal, engine, make_session, open_session
from notes.models import Base, Note


@asynccontextmanager
async def lifespan(app: FastAPI):
    """Start-up: nothing else runs on the loop yet."""
    Base.metadata.create_all(engine)  # ok: RPL101
    Notes.get_notes()  # ok: RPL102
    yield


app = FastAPI(lifespan=lifespan)


@app.on_event("shutdown")
async def say_goodbye() -> None:
    with engine.connect() as conn:  # ok: RPL101
        conn.execute(text("select 1"))  # ok: RPL101


@app.get("/notes")
async def list_notes() -> list[dict]:
    notes = Notes.get_notes()  # expect: RPL102
    return [{"id": n.id, "title": n.title} for n in notes]


@app.get("/notes/threaded")
async def list_notes_threaded() -> list[dict]:
    notes = await run_in_threadpool(Notes.get_notes)  # ok: RPL102
    return [{"id": n.id, "title": n.title} for n in notes]


@app.get("/notes/count")
async def note_count() -> int:
    with SessionLocal() as db:
        return count_notes(db)  # expect: RPL102


@app.delete("/notes")
async def purge() -> None:
    with make_session() as db:
        db.execute(delete(Note))  # expect: RPL101
        db.commit()  # expect: RPL101


@app.post("/notes/touch")
async def touch() -> None:
    db = open_session()
    db.commit()  # expect: RPL101


@app.get("/health")
async def health() -> str:
    with engine.connect() as conn:  # expect: RPL101
        conn.execute(text("select 1"))  # expect: RPL101
    return "ok"
