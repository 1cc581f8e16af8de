"""A generated FastAPI/SQLAlchemy project whose findings cross files in every direction.

Each domain `k` has a model with a lazy collection, a repository in another
package, a service that loops over the repository's rows (RPL301 in the
service, decided by the repository's query), an async route using a sync
session (RPL101), and a report far away in file order that traverses the
relationship on `list_recent()` rows, which only it calls (so RPL304 flags
`list_recent()` only if that traversal reaches the repository's module).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

MODEL = """
from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base


class Team{k}(Base):
    __tablename__ = "team{k}"
    id: Mapped[int] = mapped_column(primary_key=True)
    members = relationship("Member{k}", backref="team")


class Member{k}(Base):
    __tablename__ = "member{k}"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team{k}.id"))
"""

REPOSITORY = """
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models.m{k} import Team{k}


class Team{k}Repository:
    def __init__(self, db: Session):
        self.db = db

    def get_by_id(self, id):
        return self.db.get(Team{k}, id)

    def list_all(self):
        return self.db.scalars(select(Team{k}){eager}).all()

    def list_recent(self):
        return self.db.scalars(select(Team{k}).order_by(Team{k}.id.desc())).all()

    def save(self, team):
        self.db.add(team)
        self.db.commit()
"""

SERVICE = """
from sqlalchemy.orm import Session

from app.repositories.r{k} import Team{k}Repository


def sizes{k}(db: Session):
    repo = Team{k}Repository(db)
    return [len(team.members) for team in repo.list_all()]
"""

ROUTE = """
from fastapi import Depends
from sqlalchemy.orm import Session

from app.db import get_db
from app.services.s{k} import sizes{k}


async def show{k}(db: Session = Depends(get_db)):
    db.execute("select 1")
    return sizes{k}(db)
"""

REPORT = """
from app.repositories.r{k} import Team{k}Repository


def names{k}(repo: Team{k}Repository):
    return [m.id for t in repo.list_recent() for m in t.members]
"""

BASE = """
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
"""

DB = """
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

SessionLocal = sessionmaker(bind=create_engine("sqlite://"))


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()
"""

FILLER = """
def helper{i}(values):
    total = 0
    for value in values:
        total += value
    return total
"""


def generate(root: Path, domains: int = 12, fillers: int = 12) -> list[Path]:
    """Write the project under `root`; return its files, sorted."""
    files: dict[str, str] = {
        "pyproject.toml": "[tool.repolint]\n",
        "app/__init__.py": "",
        "app/db.py": DB,
        "app/models/__init__.py": "",
        "app/models/base.py": BASE,
        "app/repositories/__init__.py": "",
        "app/services/__init__.py": "",
        "app/api/__init__.py": "",
        "app/util/__init__.py": "",
        "app/zreports/__init__.py": "",
    }
    for k in range(domains):
        eager = f".options(selectinload(Team{k}.members))" if k % 3 == 0 else ""
        files[f"app/models/m{k}.py"] = MODEL.format(k=k)
        files[f"app/repositories/r{k}.py"] = REPOSITORY.format(k=k, eager=eager)
        files[f"app/services/s{k}.py"] = SERVICE.format(k=k)
        files[f"app/api/a{k}.py"] = ROUTE.format(k=k)
        files[f"app/zreports/z{k}.py"] = REPORT.format(k=k)
    for i in range(fillers):
        files[f"app/util/u{i}.py"] = FILLER.format(i=i)
    written = []
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        if path.suffix == ".py":
            written.append(path)
    return sorted(written)
