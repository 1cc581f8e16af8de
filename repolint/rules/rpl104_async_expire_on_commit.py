"""## What it does
Flags `async_sessionmaker(...)`, `sessionmaker(class_=AsyncSession)` and
`AsyncSession(...)` created without `expire_on_commit=False`.

## Why is this bad?
By default a commit expires every loaded object. Reading an attribute
afterwards reloads it, which under asyncio is implicit I/O: SQLAlchemy
raises `MissingGreenlet`. The typical victim is a route that commits and
then returns the object it just saved.

## Example
```python
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

engine = create_async_engine("sqlite+aiosqlite:///app.db")
AsyncSessionLocal = async_sessionmaker(engine)
```

## Use instead
```python
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

engine = create_async_engine("sqlite+aiosqlite:///app.db")
AsyncSessionLocal = async_sessionmaker(engine, expire_on_commit=False)
```

## Fix safety
`--fix` passes `expire_on_commit=False` to the factory call (or turns a
literal `expire_on_commit=True` into `False`). The fix is safe: objects keep
the values they had at commit instead of raising on the next read. Code that
relied on reading fresh values after a commit must `await session.refresh(obj)`
explicitly, which is what it needed under asyncio anyway.

## References
- [SQLAlchemy: preventing implicit IO when using AsyncSession](https://docs.sqlalchemy.org/en/20/orm/extensions/asyncio.html#preventing-implicit-io-when-using-asyncsession)
"""

from __future__ import annotations

import ast

from repolint.fixes.build_session import expire_on_commit_false
from repolint.rules.base import Rule
from repolint.semantics.context import Context
from repolint.semantics.names import (
    ASYNC_SESSION_CLASSES,
    ASYNC_SESSIONMAKERS,
    SCOPED_SESSION_CLASSES,
    SYNC_SESSIONMAKERS,
)


class AsyncExpireOnCommit(Rule):
    code = "RPL104"
    name = "async-expire-on-commit"
    summary = "An async session factory keeps expire_on_commit=True"

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        func = node.func.value if isinstance(node.func, ast.Subscript) else node.func
        qual = ctx.module.imports.qualify(func)
        if qual is None or not _is_async_factory(qual, node, ctx):
            return
        if any(kw.arg is None for kw in node.keywords):
            return  # **kwargs: cannot tell
        setting = next((kw.value for kw in node.keywords if kw.arg == "expire_on_commit"), None)
        if setting is not None and not (
            isinstance(setting, ast.Constant) and setting.value is True
        ):
            return
        self.report(
            ctx,
            node,
            f"`{ast.unparse(func)}(...)` expires objects on commit: reading one afterwards "
            "raises MissingGreenlet",
            hint="pass `expire_on_commit=False`",
            fix=expire_on_commit_false(node, ctx),
        )


def _is_async_factory(qual: str, node: ast.Call, ctx: Context) -> bool:
    if qual in ASYNC_SESSIONMAKERS:
        return True
    if qual in ASYNC_SESSION_CLASSES and qual not in SCOPED_SESSION_CLASSES:
        return True
    if qual in SYNC_SESSIONMAKERS:
        cls = next((kw.value for kw in node.keywords if kw.arg == "class_"), None)
        return cls is not None and ctx.module.imports.qualify(cls) in ASYNC_SESSION_CLASSES
    return False
