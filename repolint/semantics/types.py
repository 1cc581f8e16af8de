"""The abstract values the data-flow analysis gives to expressions.

Every type is a small frozen record. `None` stands for "unknown": a rule
never reports on a value it does not know.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal, Union

Kind = Literal["sync", "async"]
Path = tuple[str, ...]
Eager = frozenset[Path]

WILDCARD: Path = ("*",)
ALL_EAGER: Eager = frozenset({WILDCARD})
NO_EAGER: Eager = frozenset()


def eager_covers(eager: Eager, path: Path) -> bool:
    """True when `path` (relationship names from the row's model) is loaded eagerly."""
    return WILDCARD in eager or path in eager


def eager_below(eager: Eager, name: str) -> Eager:
    """The eager set seen from the objects that relationship `name` leads to."""
    below = {p[1:] for p in eager if len(p) > 1 and p[0] in (name, "*")}
    if WILDCARD in eager:
        below.add(WILDCARD)
    return frozenset(below)


@dataclass(frozen=True)
class SessionT:
    """A session. `received` when the code got it from its caller or shares it."""

    kind: Kind
    received: bool = True
    scoped: bool = False


@dataclass(frozen=True)
class SessionFactoryT:
    """A `sessionmaker`/`async_sessionmaker`/`scoped_session` registry to call."""

    kind: Kind


@dataclass(frozen=True)
class EngineT:
    kind: Kind


@dataclass(frozen=True)
class SavepointT:
    """What `begin_nested()` returns."""


@dataclass(frozen=True)
class FlaskDBT:
    """Flask-SQLAlchemy's extension object (`db = SQLAlchemy()`)."""


@dataclass(frozen=True)
class BackgroundTasksT:
    """FastAPI/Starlette `BackgroundTasks`."""


@dataclass(frozen=True)
class ModelClassT:
    """A mapped class itself (`Person`)."""

    model: str


@dataclass(frozen=True)
class StmtT:
    """A `select(Model)` statement under construction."""

    model: str
    eager: Eager = NO_EAGER
    joined: Eager = NO_EAGER


@dataclass(frozen=True)
class QueryT:
    """A legacy `session.query(Model)` (or Flask `Model.query`)."""

    model: str
    kind: Kind
    eager: Eager = NO_EAGER


@dataclass(frozen=True)
class ResultT:
    """What `execute`/`scalars` give: a Result, or a ScalarResult when `scalars`."""

    model: str
    kind: Kind
    eager: Eager = NO_EAGER
    scalars: bool = False
    origin: tuple[str, str] | None = None


@dataclass(frozen=True)
class RowsT:
    """A list of model instances: fetched rows or a relationship collection."""

    model: str
    kind: Kind
    eager: Eager = NO_EAGER
    per_row: bool = False
    origin: tuple[str, str] | None = None
    from_query: bool = True


@dataclass(frozen=True)
class InstanceT:
    """One model instance loaded through a session (not a new, transient one)."""

    model: str
    kind: Kind
    eager: Eager = NO_EAGER
    per_row: bool = False
    origin: tuple[str, str] | None = None


@dataclass(frozen=True)
class ObjT:
    """An instance of a project class (a repository, a service, a unit of work)."""

    cls: str


@dataclass(frozen=True)
class ClassT:
    """A project class that is not a model."""

    cls: str


@dataclass(frozen=True)
class FuncT:
    """A project function or method, referred to without calling it."""

    key: str
    self_cls: str | None = None


@dataclass(frozen=True)
class TupleT:
    items: tuple[object, ...]


@dataclass(frozen=True)
class ModuleT:
    name: str


T = Union[  # noqa: UP007 - a runtime alias, kept readable on 3.10
    SessionT,
    SessionFactoryT,
    EngineT,
    SavepointT,
    FlaskDBT,
    BackgroundTasksT,
    ModelClassT,
    StmtT,
    QueryT,
    ResultT,
    RowsT,
    InstanceT,
    ObjT,
    ClassT,
    FuncT,
    TupleT,
    ModuleT,
]

ROW_SOURCES = (RowsT, ResultT, QueryT)


def merge(a: object | None, b: object | None) -> object | None:
    """Join of two branches: eager sets add up (precision first), else unknown."""
    if a is None:
        return b
    if b is None:
        return a
    if a == b:
        return a
    if (
        type(a) is type(b)
        and hasattr(a, "eager")
        and getattr(a, "model", None) == getattr(b, "model", None)
    ):
        return replace(a, eager=a.eager | b.eager)  # type: ignore[arg-type]
    if isinstance(a, SessionT) and isinstance(b, SessionT) and a.kind == b.kind:
        return SessionT(a.kind, a.received or b.received, a.scoped or b.scoped)
    return None
