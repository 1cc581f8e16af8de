"""Qualified names of the third-party APIs repolint knows without parsing them."""

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
