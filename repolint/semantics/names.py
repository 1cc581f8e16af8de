"""Qualified names of the third-party APIs repolint knows without parsing them, and the
names of the methods of the objects they give (sessions, queries, results, engines)."""

from __future__ import annotations

SYNC_SESSION_CLASSES = frozenset(
    {
        "sqlalchemy.orm.Session",
        "sqlalchemy.orm.session.Session",
        "sqlalchemy.orm.scoped_session",
        "sqlalchemy.orm.scoping.scoped_session",
        "sqlmodel.Session",
        "sqlmodel.orm.session.Session",
    }
)
ASYNC_SESSION_CLASSES = frozenset(
    {
        "sqlalchemy.ext.asyncio.AsyncSession",
        "sqlalchemy.ext.asyncio.session.AsyncSession",
        "sqlalchemy.ext.asyncio.async_scoped_session",
        "sqlalchemy.ext.asyncio.scoping.async_scoped_session",
        "sqlmodel.ext.asyncio.session.AsyncSession",
    }
)
SCOPED_SESSION_CLASSES = frozenset(
    {
        "sqlalchemy.orm.scoped_session",
        "sqlalchemy.orm.scoping.scoped_session",
        "sqlalchemy.ext.asyncio.async_scoped_session",
        "sqlalchemy.ext.asyncio.scoping.async_scoped_session",
    }
)
SYNC_SESSIONMAKERS = frozenset(
    {"sqlalchemy.orm.sessionmaker", "sqlalchemy.orm.session.sessionmaker"}
)
ASYNC_SESSIONMAKERS = frozenset(
    {
        "sqlalchemy.ext.asyncio.async_sessionmaker",
        "sqlalchemy.ext.asyncio.session.async_sessionmaker",
    }
)
SYNC_ENGINE_FACTORIES = frozenset(
    {"sqlalchemy.create_engine", "sqlalchemy.engine.create_engine", "sqlmodel.create_engine"}
)
ASYNC_ENGINE_FACTORIES = frozenset(
    {
        "sqlalchemy.ext.asyncio.create_async_engine",
        "sqlalchemy.ext.asyncio.engine.create_async_engine",
    }
)
SYNC_ENGINE_CLASSES = frozenset(
    {"sqlalchemy.Engine", "sqlalchemy.engine.Engine", "sqlalchemy.engine.base.Engine"}
)
ASYNC_ENGINE_CLASSES = frozenset(
    {"sqlalchemy.ext.asyncio.AsyncEngine", "sqlalchemy.ext.asyncio.engine.AsyncEngine"}
)

FLASK_SQLALCHEMY = frozenset(
    {"flask_sqlalchemy.SQLAlchemy", "flask_sqlalchemy.extension.SQLAlchemy"}
)

DECLARATIVE_BASES = frozenset(
    {
        "sqlalchemy.orm.DeclarativeBase",
        "sqlalchemy.orm.DeclarativeBaseNoMeta",
        "sqlalchemy.orm.decl_api.DeclarativeBase",
        "sqlalchemy.orm.decl_api.DeclarativeBaseNoMeta",
        "sqlalchemy.orm.MappedAsDataclass",
    }
)
DECLARATIVE_BASE_FACTORIES = frozenset(
    {
        "sqlalchemy.orm.declarative_base",
        "sqlalchemy.ext.declarative.declarative_base",
        "sqlalchemy.orm.decl_api.declarative_base",
    }
)
AS_DECLARATIVE = frozenset(
    {"sqlalchemy.orm.as_declarative", "sqlalchemy.ext.declarative.as_declarative"}
)
REGISTRY = frozenset({"sqlalchemy.orm.registry", "sqlalchemy.orm.decl_api.registry"})
SQLMODEL_BASE = frozenset({"sqlmodel.SQLModel", "sqlmodel.main.SQLModel"})

RELATIONSHIP_FUNCS = frozenset(
    {
        "sqlalchemy.orm.relationship",
        "sqlalchemy.orm.relation",
        "sqlalchemy.orm.relationships.relationship",
        "sqlmodel.Relationship",
        "sqlmodel.main.Relationship",
    }
)
BACKREF_FUNCS = frozenset({"sqlalchemy.orm.backref"})

SELECT_FUNCS = frozenset(
    {
        "sqlalchemy.select",
        "sqlalchemy.sql.select",
        "sqlalchemy.future.select",
        "sqlalchemy.sql.expression.select",
        "sqlmodel.select",
        "sqlmodel.sql.expression.select",
    }
)
EAGER_LOADERS = frozenset(
    {"selectinload", "joinedload", "subqueryload", "immediateload", "contains_eager"}
)
OTHER_LOADERS = frozenset(
    {
        "lazyload",
        "noload",
        "raiseload",
        "defaultload",
        "load_only",
        "defer",
        "undefer",
        "selectin_polymorphic",
        "with_expression",
        "undefer_group",
        "Load",
    }
)
LOADER_MODULES = ("sqlalchemy.orm", "sqlalchemy.orm.strategy_options")

MAPPED = frozenset({"sqlalchemy.orm.Mapped", "sqlalchemy.orm.base.Mapped"})
ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
DEPENDS = frozenset({"fastapi.Depends", "fastapi.params.Depends", "fastapi.Security"})
BACKGROUND_TASKS = frozenset({"fastapi.BackgroundTasks", "starlette.background.BackgroundTasks"})

OFFLOAD_FUNCTIONS = frozenset(
    {
        "starlette.concurrency.run_in_threadpool",
        "fastapi.concurrency.run_in_threadpool",
        "asyncio.to_thread",
        "anyio.to_thread.run_sync",
        "starlette.background.BackgroundTask",
        "fastapi.BackgroundTasks.add_task",
        "greenlet_spawn",
        "sqlalchemy.util.greenlet_spawn",
        "sqlalchemy.util._concurrency_py3k.greenlet_spawn",
        "sqlalchemy.util.concurrency.greenlet_spawn",
        "asgiref.sync.sync_to_async",
    }
)
OFFLOAD_METHODS = frozenset(
    {"run_in_executor", "run_sync", "add_task", "to_thread", "run_in_threadpool", "submit"}
)

SYNC_IO_METHODS = frozenset(
    {
        "execute",
        "scalars",
        "scalar",
        "exec",
        "get",
        "query",
        "commit",
        "flush",
        "refresh",
        "merge",
        "rollback",
        "delete",
        "connection",
    }
)
ASYNC_COROUTINE_METHODS = frozenset(
    {
        "execute",
        "scalars",
        "scalar",
        "get",
        "commit",
        "flush",
        "refresh",
        "delete",
        "rollback",
        "close",
        "merge",
        "stream",
        "exec",
    }
)
QUERY_EXECUTING_METHODS = frozenset({"execute", "scalars", "scalar", "get", "query", "exec"})

CONTEXT_MANAGER_WRAPPERS = frozenset(
    {"contextlib.contextmanager", "contextlib.asynccontextmanager"}
)
PARTIAL = frozenset({"functools.partial"})
ITERATOR_WRAPPERS = frozenset(
    {
        "Iterator",
        "Generator",
        "AsyncIterator",
        "AsyncGenerator",
        "Iterable",
        "ContextManager",
        "AsyncContextManager",
        "AbstractContextManager",
        "AbstractAsyncContextManager",
    }
)
"""Return annotations whose first argument is what a generator provider yields."""

ROUTE_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "api_route", "route"}
)
"""Decorators that make a function a route: `@router.get(...)`, `@app.route(...)`."""


# -- method names: what SQLAlchemy objects' methods do ----------------------------

STMT_BUILDERS = frozenset(
    {
        "where",
        "filter",
        "filter_by",
        "join",
        "outerjoin",
        "join_from",
        "outerjoin_from",
        "order_by",
        "limit",
        "offset",
        "group_by",
        "having",
        "distinct",
        "execution_options",
        "with_for_update",
        "select_from",
        "params",
        "correlate",
        "prefix_with",
        "suffix_with",
        "with_only_columns",
        "populate_existing",
        "enable_eagerloads",
        "autoflush",
        "yield_per",
        "slice",
        "add_columns",
        "union",
        "with_entities",
        "reset_joinpoint",
        "fetch",
        "with_hint",
        "set_label_style",
        "with_statement_hint",
        "apply_labels",
    }
)

ENGINE_IO_METHODS = frozenset(
    {"connect", "begin", "execute", "exec_driver_sql", "scalar", "scalars", "commit", "rollback"}
)
"""Blocking methods of a sync `Engine` or of the `Connection` it gives."""

METADATA_IO_METHODS = frozenset({"create_all", "drop_all", "reflect"})
"""`metadata.create_all(engine)`: DDL over a sync engine."""

QUERY_ONE = frozenset(
    {"first", "one", "one_or_none", "scalar", "get", "get_or_404", "first_or_404", "one_or_404"}
)

QUERY_MANY = frozenset({"all"})

QUERY_OTHER_CONSUMERS = frozenset({"count", "exists", "paginate", "delete", "update", "__iter__"})

RESULT_SAME = frozenset({"unique", "yield_per", "execution_options"})

RESULT_MANY = frozenset({"all", "fetchall", "fetchmany"})

RESULT_ONE_SCALARS = frozenset(
    {"first", "one", "one_or_none", "scalar_one", "scalar_one_or_none", "scalar"}
)

RESULT_ONE_ROWS = frozenset({"scalar_one", "scalar_one_or_none", "scalar"})

LIST_WRAPPERS = frozenset({"list", "sorted", "tuple", "reversed", "set", "frozenset"})

DUCK_STATEMENT_METHODS = frozenset({"execute", "exec", "scalars", "scalar", "stream"})
"""Methods that run a statement: an unknown receiver calling one with a statement is a session."""

COLLECTING_METHODS = frozenset({"append", "add", "extend"})
"""Methods of a list or set that put rows in it (`found.append(row)`)."""

CONTEXT_MANAGER_DECORATORS = ("contextmanager", "asynccontextmanager")

PROPERTY_DECORATORS = ("property", "cached_property")

NOT_MODEL_ATTRS = frozenset({"__class__", "__dict__"})
