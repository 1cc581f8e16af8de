"""Models. Lazy unless stated: the default strategy, and the one the rules watch.

| relationship | kind | loading |
|---|---|---|
| `Team.members` | collection of `Person` | lazy |
| `Person.team` | one `Team` | eager (`lazy="joined"`) |
| `Person.assignments` | collection of `Assignment` | lazy |
| `Person.absences` | collection of `Absence` | lazy |
| `Person.badges` | collection of `Badge` | eager (`lazy="selectin"`) |
| `Block.assignments` | collection of `Assignment` | lazy |
| `Assignment.person` | one `Person` | lazy |
| `Assignment.block` | one `Block` | lazy |
| `Absence.person` | one `Person` | lazy |

`Holiday` has no relationship at all.
"""

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(AsyncAttrs, DeclarativeBase):
    """Declarative base; `AsyncAttrs` adds `obj.awaitable_attrs.<relationship>`."""


class Team(Base):
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))

    members: Mapped[list["Person"]] = relationship(back_populates="team")


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(255), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))

    team: Mapped[Team | None] = relationship(back_populates="members", lazy="joined")
    assignments: Mapped[list["Assignment"]] = relationship(back_populates="person")
    absences: Mapped[list["Absence"]] = relationship(back_populates="person")
    badges: Mapped[list["Badge"]] = relationship(lazy="selectin")


class Block(Base):
    """One half-day of the schedule."""

    __tablename__ = "block"

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date]

    assignments: Mapped[list["Assignment"]] = relationship(back_populates="block")


class Assignment(Base):
    """A person on duty in a block."""

    __tablename__ = "assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    block_id: Mapped[int] = mapped_column(ForeignKey("block.id"))
    hours: Mapped[float] = mapped_column(default=4.0)

    person: Mapped[Person] = relationship(back_populates="assignments")
    block: Mapped[Block] = relationship(back_populates="assignments")


class Absence(Base):
    __tablename__ = "absence"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    reason: Mapped[str] = mapped_column(String(40))

    person: Mapped[Person] = relationship(back_populates="absences")


class Badge(Base):
    __tablename__ = "badge"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    label: Mapped[str] = mapped_column(String(40))


class Holiday(Base):
    __tablename__ = "holiday"

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(80))
