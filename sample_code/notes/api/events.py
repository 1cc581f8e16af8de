"""A stream of notifications, handled as each one arrives: nothing to batch."""

from __future__ import annotations

from notes.db import SessionLocal
from notes.models import Note


async def follow(changes):
    with SessionLocal() as db:
        async for note_id in changes:
            note = db.get(Note, note_id)  # expect: RPL101  # ok: RPL303
            print(note)
