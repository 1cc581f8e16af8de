"""## What it does
Flags `async_sessionmaker(...)`, `sessionmaker(class_=AsyncSession)` and
`AsyncSession(...)` created without `expire_on_commit=False`.
A factory bound to a name is not flagged when the project overrides the
default where it matters: every call of that name either passes
`expire_on_commit=False` (`Maker(expire_on_commit=False)`) or opens a
`with` session in a function that, after committing, reads no object it
loaded or added (one it deleted is gone, not expired).

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
from repolint.semantics.module import ModuleInfo, walk
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
        if isinstance(func, ast.Attribute) and func.attr not in _FACTORY_NAMES:
            return  # `x.y(...)` whose name is no factory's (a local name may be an alias)
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
        if _every_call_keeps_its_objects(node, ctx):
            return
        self.report(
            ctx,
            node,
            f"`{ast.unparse(func)}(...)` expires objects on commit: reading one afterwards "
            "raises MissingGreenlet",
            hint="pass `expire_on_commit=False`",
            fix=expire_on_commit_false(node, ctx),
        )


def _every_call_keeps_its_objects(node: ast.Call, ctx: Context) -> bool:
    """The factory is bound to a name (`self.session_maker = async_sessionmaker(...)`)
    and every project call of that name either passes `expire_on_commit=False` or opens
    a `with` session whose function reads no object it loaded or added after committing
    (an object it deleted is gone from the session, not expired)."""
    parent = ctx.parent(node)
    if not isinstance(parent, ast.Assign) or len(parent.targets) != 1:
        return False
    target = parent.targets[0]
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
    if name is None:
        return False
    sites = [
        (module, call)
        for module in ctx.index.modules.values()
        if not module.is_test and any(f"{name}(" in line for line in module.lines)
        for call in walk(module.tree)
        if isinstance(call, ast.Call) and _called_name(call.func) == name
    ]
    if not sites or not any(_keeps(call) for _, call in sites):
        return False  # nobody overrides the default: it is what the sessions get
    return all(_keeps(call) or _reads_nothing_stale(call, module) for module, call in sites)


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def _keeps(call: ast.Call) -> bool:
    return any(
        kw.arg == "expire_on_commit"
        and isinstance(kw.value, ast.Constant)
        and kw.value.value is False
        for kw in call.keywords
    )


def _reads_nothing_stale(call: ast.Call, module: ModuleInfo) -> bool:
    """`with maker() as s:` in a function that, after its last commit, reads no name it
    bound or handed to the session before it."""
    if not isinstance(module.parent(call), ast.withitem):
        return False  # the session leaves the call: its users may commit and read
    func = next(
        (
            a
            for a in _ancestors(call, module)
            if isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef))
        ),
        None,
    )
    if func is None:
        return False
    commits = [
        n
        for n in walk(func)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "commit"
    ]
    held: set[str] = set()
    deleted: set[str] = set()
    for n in walk(func):
        if isinstance(n, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = n.targets if isinstance(n, ast.Assign) else [n.target]
            held |= {x.id for t in targets for x in walk(t) if isinstance(x, ast.Name)}
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute):
            names = {a.id for a in n.args if isinstance(a, ast.Name)}
            if n.func.attr in ("add", "add_all", "merge", "refresh"):
                held |= names
            elif n.func.attr == "delete":
                deleted |= names
    stale = held - deleted
    return not any(
        isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in stale
        for commit in commits
        for later in _runs_after(commit, func, module)
        for n in walk(later)
    )


def _runs_after(node: ast.AST, func: ast.AST, module: ModuleInfo) -> list[ast.stmt]:
    """The statements of `func` that run after `node` on its path: the later siblings of
    each block holding it (the other branch of an `if` is not one of them)."""
    out: list[ast.stmt] = []
    current = node
    for parent in _ancestors(node, module):
        for field in ("body", "orelse", "finalbody", "handlers"):
            block = getattr(parent, field, None)
            if isinstance(block, list) and current in block:
                out.extend(block[block.index(current) + 1 :])
                if field == "body" and isinstance(parent, ast.Try):
                    out.extend(parent.orelse + parent.finalbody)
        if parent is func:
            break
        current = parent
    return out


def _ancestors(node: ast.AST, module: ModuleInfo) -> list[ast.AST]:
    out: list[ast.AST] = []
    current = module.parent(node)
    while current is not None:
        out.append(current)
        current = module.parent(current)
    return out


_FACTORY_NAMES = frozenset(
    q.rsplit(".", 1)[-1]
    for q in (*ASYNC_SESSIONMAKERS, *ASYNC_SESSION_CLASSES, *SYNC_SESSIONMAKERS)
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
