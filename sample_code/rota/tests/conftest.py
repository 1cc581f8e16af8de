"""Fixtures of the rota tests: real SQLite databases and mocked sessions.

These tests belong to the sample app. repolint's own suite never runs them: it
audits them (`repolint audit sample_code`). To run them, from sample_code/ with
pytest, pytest-asyncio and pytest-mock installed: `python -m pytest rota/tests`.
"""

from collections.abc import AsyncIterator, Iterator
from unittest.mock import MagicMock, NonCallableMagicMock, create_autospec

import pytest
import pytest_asyncio
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

from rota.models import Base


@pytest.fixture
def session() -> Iterator[Session]:
    """A sync session on a fresh in-memory SQLite database with every table."""
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as db:
        yield db
    engine.dispose()


@pytest_asyncio.fixture
async def async_session() -> AsyncIterator[AsyncSession]:
    """An AsyncSession on a fresh in-memory aiosqlite database with every table."""
    engine = create_async_engine("sqlite+aiosqlite:///:memory:")
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    factory = async_sessionmaker(engine, expire_on_commit=False)
    async with factory() as db:
        yield db
    await engine.dispose()


@pytest.fixture
def mock_session() -> MagicMock:
    """A sync Session double: attribute chains give mocks, no database is touched."""
    return MagicMock(spec=Session)


@pytest.fixture
def mock_async_session() -> NonCallableMagicMock:
    """An AsyncSession double whose coroutine methods are AsyncMocks."""
    return create_autospec(AsyncSession, instance=True)
