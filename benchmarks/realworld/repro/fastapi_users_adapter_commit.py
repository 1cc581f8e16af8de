"""fastapi-users-db-sqlalchemy fastapi_users_db_sqlalchemy/__init__.py:145, RPL201
(`await self.session.commit()` in `create`).

Shape (AsyncSession): a user adapter is constructed with the request's session and its
`create` adds the row and commits that session. A caller that had already added an
unrelated row, then fails and rolls back, can undo neither: the adapter's commit
ended the caller's transaction. Fix: the adapter flushes, the caller commits.
Measured: rows still in the database after the caller's rollback (of 2 written).
"""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ._common import Result, async_memory_engine

WRITTEN = 2


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "account"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str]


class SignupAudit(Base):
    __tablename__ = "signup_audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    note: Mapped[str]


class AccountStore:
    """The data layer: holds the session it was given."""

    def __init__(self, session: AsyncSession, commits: bool) -> None:
        self.session = session
        self.commits = commits

    async def create(self, email: str) -> Account:
        account = Account(email=email)
        self.session.add(account)
        if self.commits:
            await self.session.commit()
        else:
            await self.session.flush()
        await self.session.refresh(account)
        return account


async def _rows_left(store_commits: bool) -> int:
    engine = async_memory_engine()
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    async with AsyncSession(engine) as session:
        session.add(SignupAudit(note="signup started"))
        await AccountStore(session, store_commits).create("a@example.org")
        await session.rollback()  # a later step of the request failed
        left = 0
        for model in (Account, SignupAudit):
            left += await session.scalar(select(func.count()).select_from(model)) or 0
    await engine.dispose()
    return left


def run() -> Result:
    bad, good = asyncio.run(_rows_left(True)), asyncio.run(_rows_left(False))
    return Result(
        label="fastapi-users-db-sqlalchemy fastapi_users_db_sqlalchemy/__init__.py:145",
        rule="RPL201",
        measure=f"rows left after the caller's rollback (of {WRITTEN})",
        bad=bad,
        good=good,
        confirmed=bad == WRITTEN and good == 0,
    )
