"""Engines and sessions: the legacy sync pair and the new async pair side by side.

URLs come from the environment; the defaults are local SQLite files.
"""

import os
from collections.abc import AsyncIterator, Iterator

from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, sessionmaker

DATABASE_URL = os.environ.get("ROTA_DATABASE_URL", "sqlite:///./rota.db")
ASYNC_DATABASE_URL = os.environ.get("ROTA_ASYNC_DATABASE_URL", "sqlite+aiosqlite:///./rota.db")

# Synchronous engine, kept while the legacy repositories are migrated.
engine = create_engine(DATABASE_URL)
SessionLocal = sessionmaker(bind=engine, autoflush=False)  # ok: RPL104

# Async engine for the new code paths.
async_engine = create_async_engine(ASYNC_DATABASE_URL)
AsyncSessionLocal = async_sessionmaker(  # ok: RPL104
    async_engine,
    class_=AsyncSession,
    expire_on_commit=False,
)


def get_db() -> Iterator[Session]:
    """Sync dependency: one session per request, always closed."""
    db = SessionLocal()  # ok: RPL202
    try:
        yield db
    finally:
        db.close()


async def get_async_db() -> AsyncIterator[AsyncSession]:
    """Async dependency: one AsyncSession per request."""
    async with AsyncSessionLocal() as session:
        yield session
