"""lemur lemur/endpoints/service.py:102, RPL304
(`return Endpoint.query.filter(Endpoint.replaced.any()).all()`).

Shape: a service function returns the endpoints whose certificate has been replaced,
with no loader options and no eager variant; the rotation command loops over them and
reads `endpoint.certificate` (lazy many-to-one) and that certificate's lazy
`replaced` collection: two SELECTs per endpoint. Fix: a variant of the function with
`selectinload(certificate).selectinload(replaced)`.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    selectinload,
)

from ._common import Result, memory_engine, statements_lazy_and_eager

N_ENDPOINTS = 6


class Base(DeclarativeBase):
    pass


class Cert(Base):
    __tablename__ = "cert"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    successor_of_id: Mapped[int | None] = mapped_column(ForeignKey("cert.id"))
    successors: Mapped[list[Cert]] = relationship()


class Listener(Base):
    __tablename__ = "listener"
    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str]
    cert_id: Mapped[int] = mapped_column(ForeignKey("cert.id"))
    cert: Mapped[Cert] = relationship()


def pending_rotation(db: Session, eager: bool = False) -> list[Listener]:
    """The data-layer function; `eager=True` is the variant the fix adds."""
    query = select(Listener).where(Listener.cert.has(Cert.successors.any()))
    if eager:
        query = query.options(selectinload(Listener.cert).selectinload(Cert.successors))
    return list(db.scalars(query))


def rotate_all(db: Session, eager: bool) -> list[str]:
    """The caller: one log line per endpoint, naming the first replacement."""
    lines = []
    for listener in pending_rotation(db, eager):
        if len(listener.cert.successors) > 1:
            lines.append(f"{listener.host}: several replacements")
        lines.append(f"{listener.host} -> {listener.cert.successors[0].name}")
    return lines


def run() -> Result:
    engine = memory_engine()
    Base.metadata.create_all(engine)
    with Session(engine) as db:
        for i in range(N_ENDPOINTS):
            old = Cert(name=f"old{i}", successors=[Cert(name=f"new{i}")])
            db.add(Listener(host=f"h{i}", cert=old))
        db.commit()
    bad, good = statements_lazy_and_eager(engine, rotate_all, N_ENDPOINTS)
    return Result(
        label="lemur lemur/endpoints/service.py:102",
        rule="RPL304",
        measure=f"SELECTs to rotate {N_ENDPOINTS} endpoints",
        bad=bad,
        good=good,
        confirmed=bad == 1 + 2 * N_ENDPOINTS and good == 3,
    )
