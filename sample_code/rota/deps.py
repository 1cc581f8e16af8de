"""FastAPI dependencies shared by the routers."""

from collections.abc import Sequence
from typing import Annotated

from fastapi import Depends, Header, HTTPException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, selectinload

from rota.db.session import get_async_db, get_db
from rota.models import Person
from rota.repositories.person import PersonRepository
from rota.services.people import find_person_by_email

SessionDep = Annotated[Session, Depends(get_db)]
AsyncSessionDep = Annotated[AsyncSession, Depends(get_async_db)]


def get_person_repository(db: SessionDep) -> PersonRepository:
    """The legacy sync person repository, bound to the request's session."""
    return PersonRepository(db)


PersonRepoDep = Annotated[PersonRepository, Depends(get_person_repository)]


def get_active_residents(db: SessionDep) -> Sequence[Person]:
    """Active residents by name; no relationships loaded."""
    stmt = select(Person).where(Person.type == "resident", Person.active.is_(True)).order_by(Person.name)
    return db.scalars(stmt).all()


def get_active_residents_with_absences(db: SessionDep) -> Sequence[Person]:
    """Active residents by name, with their absences selectin-loaded."""
    stmt = (
        select(Person)
        .options(selectinload(Person.absences))
        .where(Person.type == "resident", Person.active.is_(True))
        .order_by(Person.name)
    )
    return db.scalars(stmt).all()


async def get_current_person(x_user_email: Annotated[str, Header()], db: SessionDep) -> Person:
    """The caller, from the e-mail the gateway sends in X-User-Email.

    Wrong: an async dependency calling a sync lookup blocks the event loop on
    every request that depends on it."""
    person = find_person_by_email(db, x_user_email)  # expect: RPL102
    if person is None:
        raise HTTPException(status_code=401, detail="unknown user")
    return person


async def get_current_person_async(x_user_email: Annotated[str, Header()], db: AsyncSessionDep) -> Person:
    """Right: the same lookup on the request's AsyncSession, awaited."""
    person = await db.scalar(select(Person).where(Person.email == x_user_email))  # ok: RPL101
    if person is None:
        raise HTTPException(status_code=401, detail="unknown user")
    return person
