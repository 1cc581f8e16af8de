"""lemur lemur/certificates/cli.py:926, RPL301 (`if cert.destinations:`).

Shape: a CLI job loops over a plain `.all()` query of certificates and, for each,
reads its lazy many-to-many destinations to build a log line: one SELECT per
certificate. Fix: `selectinload` of the destinations on the query.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Table, select
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    selectinload,
)

from ._common import Result, memory_engine, statements_lazy_and_eager

N_CERTS = 10


class Base(DeclarativeBase):
    pass


cert_targets = Table(
    "cert_targets",
    Base.metadata,
    Column("cert_id", ForeignKey("tls_cert.id"), primary_key=True),
    Column("target_id", ForeignKey("push_target.id"), primary_key=True),
)


class PushTarget(Base):
    __tablename__ = "push_target"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]


class TlsCert(Base):
    __tablename__ = "tls_cert"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    auto_renew: Mapped[bool] = mapped_column(default=False)
    targets: Mapped[list[PushTarget]] = relationship(secondary=cert_targets)


def _log_lines(db: Session, eager: bool) -> list[str]:
    query = select(TlsCert).where(TlsCert.auto_renew.is_(False))
    if eager:
        query = query.options(selectinload(TlsCert.targets))
    lines = []
    for cert in db.scalars(query).all():
        names = ", ".join(t.title for t in cert.targets) if cert.targets else "NONE"
        lines.append(f"{cert.name}: {names}")
    return lines


def run() -> Result:
    engine = memory_engine()
    Base.metadata.create_all(engine)
    with Session(engine) as db:
        shared = [PushTarget(title="s3"), PushTarget(title="elb")]
        db.add_all(TlsCert(name=f"c{i}", targets=shared[: i % 3]) for i in range(N_CERTS))
        db.commit()
    bad, good = statements_lazy_and_eager(engine, _log_lines, N_CERTS)
    return Result(
        label="lemur lemur/certificates/cli.py:926",
        rule="RPL301",
        measure=f"SELECTs for {N_CERTS} certificates",
        bad=bad,
        good=good,
        confirmed=bad == 1 + N_CERTS and good == 2,
    )
