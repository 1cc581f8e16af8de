"""flask-appbuilder flask_appbuilder/security/sqla/manager.py:804, RPL301
(`for pvm in role.permissions:`).

Shape: exporting roles loops over all roles, reads each role's lazy many-to-many
permission collection, and each entry's two lazy many-to-one parts (action and
resource): one SELECT per role plus one per distinct part. Fix: `selectinload` of
the collection with `joinedload` of both parts.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Table, select
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    joinedload,
    mapped_column,
    relationship,
    selectinload,
)

from ._common import Result, memory_engine, statements_lazy_and_eager

N_ROLES = 5
N_ACTIONS = 2
N_RESOURCES = 3


class Base(DeclarativeBase):
    pass


role_grants = Table(
    "role_grants",
    Base.metadata,
    Column("role_id", ForeignKey("access_role.id"), primary_key=True),
    Column("grant_id", ForeignKey("grant.id"), primary_key=True),
)


class Action(Base):
    __tablename__ = "action"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Resource(Base):
    __tablename__ = "resource"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Grant(Base):
    __tablename__ = "grant"
    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"))
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"))
    action: Mapped[Action] = relationship()
    resource: Mapped[Resource] = relationship()


class AccessRole(Base):
    __tablename__ = "access_role"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    grants: Mapped[list[Grant]] = relationship(secondary=role_grants)


def _export(db: Session, eager: bool) -> list[dict[str, object]]:
    query = select(AccessRole)
    if eager:
        query = query.options(
            selectinload(AccessRole.grants).options(
                joinedload(Grant.action), joinedload(Grant.resource)
            )
        )
    out: list[dict[str, object]] = []
    for role in db.scalars(query).all():
        grants = [(g.action.name, g.resource.name) for g in role.grants]
        out.append({"name": role.name, "grants": grants})
    return out


def run() -> Result:
    engine = memory_engine()
    Base.metadata.create_all(engine)
    with Session(engine) as db:
        actions = [Action(name=f"can_{i}") for i in range(N_ACTIONS)]
        resources = [Resource(name=f"view_{i}") for i in range(N_RESOURCES)]
        grants = [Grant(action=a, resource=r) for a in actions for r in resources]
        db.add_all(AccessRole(name=f"r{i}", grants=grants[i : i + 3]) for i in range(N_ROLES))
        db.commit()
    bad, good = statements_lazy_and_eager(engine, _export, N_ROLES)
    return Result(
        label="flask-appbuilder flask_appbuilder/security/sqla/manager.py:804",
        rule="RPL301",
        measure=f"SELECTs to export {N_ROLES} roles",
        bad=bad,
        good=good,
        confirmed=bad == 1 + N_ROLES + N_ACTIONS + N_RESOURCES and good == 2,
    )
