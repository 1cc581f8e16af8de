"""ORM models of the rota: people, blocks, rotation templates, assignments,
absences, certifications, swaps, holidays and audit events.

Loading strategies are deliberate. Every relationship is lazy (SQLAlchemy's
default) except `SwapRecord.assignment`: a swap is never shown without the
assignment it trades, so it is loaded with `lazy="selectin"`.
`Person.swap_requests` has no declaration here: the `backref=` on
`SwapRecord.requester` creates it (lazy, a collection).
"""

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint, func
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(AsyncAttrs, DeclarativeBase):
    """Declarative base. AsyncAttrs adds `obj.awaitable_attrs.<relationship>`."""


class Person(Base):
    """A resident or a faculty member."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(20))  # "resident" or "faculty"
    active: Mapped[bool] = mapped_column(default=True)

    assignments: Mapped[list["Assignment"]] = relationship(back_populates="person")
    absences: Mapped[list["Absence"]] = relationship(back_populates="person")
    certifications: Mapped[list["Certification"]] = relationship(back_populates="person")


class Block(Base):
    """One half-day of the schedule (a date and AM or PM)."""

    __tablename__ = "block"
    __table_args__ = (UniqueConstraint("date", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date]
    period: Mapped[str] = mapped_column(String(2))  # "AM" or "PM"

    assignments: Mapped[list["Assignment"]] = relationship(back_populates="block")


class RotationTemplate(Base):
    """A kind of duty (clinic, wards, night float...)."""

    __tablename__ = "rotation_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    abbreviation: Mapped[str] = mapped_column(String(8))

    assignments: Mapped[list["Assignment"]] = relationship(back_populates="rotation_template")


class Assignment(Base):
    """A person doing a rotation in a block."""

    __tablename__ = "assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    block_id: Mapped[int] = mapped_column(ForeignKey("block.id"))
    rotation_template_id: Mapped[int] = mapped_column(ForeignKey("rotation_template.id"))
    hours: Mapped[float] = mapped_column(default=4.0)
    swap_pending: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())

    person: Mapped["Person"] = relationship(back_populates="assignments")
    block: Mapped["Block"] = relationship(back_populates="assignments")
    rotation_template: Mapped["RotationTemplate"] = relationship(back_populates="assignments")


class Absence(Base):
    """Leave, conference, sickness: a person is not available."""

    __tablename__ = "absence"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date]
    reason: Mapped[str] = mapped_column(String(40))

    person: Mapped["Person"] = relationship(back_populates="absences")


class Certification(Base):
    """BLS, ACLS and the like, with an expiry date."""

    __tablename__ = "certification"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    name: Mapped[str] = mapped_column(String(40))
    expires_on: Mapped[dt.date]

    person: Mapped["Person"] = relationship(back_populates="certifications")


class SwapRecord(Base):
    """A request to hand an assignment over to somebody else."""

    __tablename__ = "swap_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    target_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id"))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())

    requester: Mapped["Person"] = relationship(foreign_keys=[requester_id], backref="swap_requests")
    target: Mapped["Person"] = relationship(foreign_keys=[target_id])
    assignment: Mapped["Assignment"] = relationship(lazy="selectin")


class Holiday(Base):
    """A public holiday: no relationships at all."""

    __tablename__ = "holiday"

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(80))


class AuditEvent(Base):
    """Who did what, kept even when the request's own transaction rolls back."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
