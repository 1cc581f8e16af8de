"""Database settings written the way libraries write them: one generic class whose
engine type is a type variable, filled in by a sync and an async subclass."""

from typing import ClassVar, Generic, TypeVar

from sqlalchemy import Engine, MetaData
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

EngineT = TypeVar("EngineT", Engine, AsyncEngine)

metadata = MetaData()


class DatabaseConfig(Generic[EngineT]):
    """Makes its engine on first use, with the factory its subclass names."""

    engine_factory: ClassVar[object]

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine_instance: EngineT | None = None

    def get_engine(self) -> EngineT:
        if self.engine_instance is None:
            self.engine_instance = type(self).engine_factory(self.url)  # type: ignore[operator]
        return self.engine_instance  # type: ignore[return-value]


class SyncDatabaseConfig(DatabaseConfig[Engine]):
    """The sync settings: `get_engine()` gives an `Engine`."""


class AsyncDatabaseConfig(DatabaseConfig[AsyncEngine]):
    """The async settings: `get_engine()` gives an `AsyncEngine`."""


async def create_tables(config: SyncDatabaseConfig) -> None:
    """Blocks the event loop: the inherited `get_engine()` returns the subclass's
    `Engine`, so BEGIN, the DDL and COMMIT run right here."""
    with config.get_engine().begin() as conn:  # expect: RPL101
        metadata.create_all(conn)  # expect: RPL101


async def create_tables_async(config: AsyncDatabaseConfig) -> None:
    """Right: the same inherited method returns an `AsyncEngine` here."""
    async with config.get_engine().begin() as conn:  # ok: RPL101
        await conn.run_sync(metadata.create_all)


def release(session: AsyncSession | Session) -> None:
    """`AsyncSession | Session` is either: nothing says this `close()` is a coroutine."""
    if isinstance(session, Session):
        session.close()  # ok: RPL103
