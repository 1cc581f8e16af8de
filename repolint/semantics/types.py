"""The abstract values the data-flow analysis gives to expressions.

Every type is a small frozen record. `None` stands for "unknown": a rule
never reports on a value it does not know.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields, is_dataclass, replace
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
class ColumnT:
    """`Model.attr` on the class: a column, or a relationship when `relationship`."""

    model: str
    name: str
    relationship: bool = False


@dataclass(frozen=True)
class Shape:
    """How a statement is built: for pagination order and FROM linting (RPL401, RPL402)."""

    origin: int = 0
    """id() of the `select(...)`/`query(...)` call that started it."""
    ordered: str = "no"
    """'yes', 'no' or 'maybe' (ordered on some paths only)."""
    froms: frozenset[str] = frozenset()
    """Models selected, joined or named in `select_from`."""
    filtered: frozenset[str] = frozenset()
    """Models whose columns the criteria use."""
    links: frozenset[tuple[str, str]] = frozenset()
    """Pairs of models a criterion compares with each other."""
    offsets: frozenset[int] = frozenset()
    """id() of the `.offset(...)` calls applied to it."""
    order_guards: frozenset[str] = frozenset()
    """Names tested by the `if`s an `order_by` sits under."""
    opaque: bool = False
    """Selects or joins something of unknown type: its FROM list is not fully known."""


@dataclass(frozen=True)
class StmtT:
    """A `select(Model)` statement under construction."""

    model: str | None
    eager: Eager = NO_EAGER
    joined: Eager = NO_EAGER
    loaders: Eager = NO_EAGER
    shape: Shape = Shape()


@dataclass(frozen=True)
class QueryT:
    """A legacy `session.query(Model)` (or Flask `Model.query`)."""

    model: str | None
    kind: Kind
    eager: Eager = NO_EAGER
    loaders: Eager = NO_EAGER
    shape: Shape = Shape()


@dataclass(frozen=True)
class ResultT:
    """What `execute`/`scalars` give: a Result, or a ScalarResult when `scalars`."""

    model: str | None
    kind: Kind
    eager: Eager = NO_EAGER
    scalars: bool = False
    origin: tuple[str, str] | None = None
    joined_collection: bool = False
    unique: bool = False


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
class RowMapT:
    """A dict whose values are loaded rows: `{r.id: r for r in rows}`, `by_id[r.id] = r`.
    Its `.values()` are the rows; `.items()` pairs a key with a row."""

    rows: RowsT


@dataclass(frozen=True)
class PageT:
    """Flask-SQLAlchemy's `Pagination`: `query.paginate(...)`, `db.paginate(stmt)`."""

    rows: RowsT


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
    context_manager: bool = False
    """Wrapped by `contextmanager(...)`/`asynccontextmanager(...)` in a call, not a decorator."""


@dataclass(frozen=True)
class ConstT:
    """A constant one call passes to a parameter (or the parameter's default when the call
    passes nothing): the callee analysed for that call takes only the branches it
    decides (`if not light:`)."""

    value: bool | int | float | str | None


@dataclass(frozen=True)
class SomeValueT:
    """A value one call passes that is certainly not None (a set it built, a list
    literal; see `semantics.not_none`): decides the callee's `if x is None:` tests only."""


@dataclass(frozen=True)
class FixedT:
    """A value written in the code, not loaded: a literal collection of constants, a
    module constant, an UPPER_CASE attribute, a dynamically imported module (and
    what is taken from one). Iterating it is a fixed handful of rounds."""


@dataclass(frozen=True)
class TupleT:
    items: tuple[object, ...]


@dataclass(frozen=True)
class ModuleT:
    name: str


@dataclass(frozen=True)
class SomeModelClassT:
    """A mapped class, one of several: what callers pass a generic helper's parameter
    (`set_links(ids, LinkTable, ...)` called with a different link model each time).
    `SomeModelClassT().query` is a query of no one model; nothing else is known of it."""

    flask: bool = False
    """Every model passed is a Flask-SQLAlchemy model (it has `.query`)."""


T = Union[  # noqa: UP007 - a runtime alias, kept readable on 3.10
    SessionT,
    SessionFactoryT,
    EngineT,
    SavepointT,
    FlaskDBT,
    BackgroundTasksT,
    ModelClassT,
    ColumnT,
    StmtT,
    QueryT,
    ResultT,
    RowsT,
    RowMapT,
    PageT,
    InstanceT,
    ObjT,
    ClassT,
    FuncT,
    TupleT,
    ModuleT,
    SomeModelClassT,
    FixedT,
]

ROW_SOURCES = (RowsT, ResultT, QueryT)


IDENTITY_FIELDS = frozenset({"model", "kind", "cls", "key", "self_cls", "name", "items"})


def merge(a: object | None, b: object | None) -> object | None:
    """Join of two branches, field by field, so that no rule reports on a maybe:
    eager sets add up, `ordered` becomes 'maybe', `unique` holds if either
    branch has it, `joined_collection` only if both do."""
    if a is None:
        return b
    if b is None or a == b:
        return a
    if type(a) is not type(b) or not is_dataclass(a):
        return None
    if isinstance(a, TupleT) and isinstance(b, TupleT):
        # `return [], 0` on one path, `return rows, total` on another: item by item
        if len(a.items) != len(b.items):
            return None
        return TupleT(tuple(merge(x, y) for x, y in zip(a.items, b.items, strict=True)))
    changes: dict[str, object] = {}
    for f in fields(a):
        va, vb = getattr(a, f.name), getattr(b, f.name)
        if va == vb:
            continue
        if f.name in IDENTITY_FIELDS:
            return None
        if isinstance(va, frozenset):
            changes[f.name] = va | vb
        elif f.name == "ordered":
            changes[f.name] = "maybe"
        elif f.name == "joined_collection":
            changes[f.name] = va and vb
        elif isinstance(va, bool):
            changes[f.name] = va or vb
        elif is_dataclass(va):
            changes[f.name] = merge(va, vb) or type(va)()  # type: ignore[misc]
        else:
            changes[f.name] = f.default if f.default is not MISSING else None
    return replace(a, **changes)  # type: ignore[type-var]
