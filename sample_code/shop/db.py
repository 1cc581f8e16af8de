"""Engines, sessions and the FastAPI dependencies that hand them out."""

import os
from collections.abc import AsyncIterator, Iterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, sessionmaker

engine = create_engine(os.environ.get("SHOP_DATABASE_URL", "sqlite:///./shop.db"))
SessionLocal = sessionmaker(bind=engine)  # ok: RPL104

async_engine = create_async_engine(os.environ.get("SHOP_ASYNC_DATABASE_URL", "sqlite+aiosqlite:///./shop.db"))
AsyncSessionLocal = async_sessionmaker(async_engine, expire_on_commit=False)  # ok: RPL104


def get_db() -> Iterator[Session]:
    """One sync session per request."""
    with SessionLocal() as db:
        yield db


async def get_async_db() -> AsyncIterator[AsyncSession]:
    """One AsyncSession per request."""
    async with AsyncSessionLocal() as db:
        yield db


SessionDep = Annotated[Session, Depends(get_db)]
AsyncSessionDep = Annotated[AsyncSession, Depends(get_async_db)]
