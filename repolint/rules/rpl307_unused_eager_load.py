"""## What it does
Flags a relationship eager-loaded by a query's `.options(...)` when the rows
never leave the function (not returned, yielded, passed to another function
or stored) and that relationship is never read on them.

## Why is this bad?
Each eager load costs work: an extra `SELECT ... IN` per `selectinload`, a
JOIN per `joinedload`. Loading a relationship nobody reads is pure waste,
often left over after a refactoring removed the code that needed it.

## Example
```python
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from app.models import Person

def resident_names(db: Session) -> list[str]:
    stmt = select(Person).options(selectinload(Person.assignments))
    return [person.name for person in db.scalars(stmt)]
```

## Use instead
```python
from sqlalchemy import select
from sqlalchemy.orm import Session
from app.models import Person

def resident_names(db: Session) -> list[str]:
    return [person.name for person in db.scalars(select(Person))]
```

## References
- [SQLAlchemy: relationship loading techniques](https://docs.sqlalchemy.org/en/20/orm/queryguide/relationships.html)
"""

from __future__ import annotations

import ast

from repolint.rules.base import Rule
from repolint.semantics.context import Context
from repolint.semantics.loading import read_options
from repolint.semantics.module import walk
from repolint.semantics.types import InstanceT, QueryT, ResultT, RowsT, SessionT, StmtT

CARRIERS = (InstanceT, RowsT, ResultT, StmtT, QueryT)
QUERY_API = (SessionT, ResultT, StmtT, QueryT)


class UnusedEagerLoad(Rule):
    code = "RPL307"
    name = "unused-eager-load"
    summary = "A relationship is eager-loaded but never read"

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr != "options":
            return
        stmt = ctx.type_of(func.value)
        if not isinstance(stmt, (StmtT, QueryT)) or stmt.model is None:
            return
        scope = ctx.enclosing_function(node) or ctx.module.tree
        for arg in node.args:
            loads = read_options([arg], ctx.module.imports.qualify)
            if loads.unknown:
                continue
            for name in sorted({p[0] for p in loads.loaders if p and p[0] != "*"}):
                if not _needed(scope, stmt.model, name, ctx):
                    model = stmt.model.rsplit(".", 1)[-1]
                    self.report(
                        ctx,
                        arg,
                        f"`{model}.{name}` is eager-loaded but never read, and the rows do not "
                        "leave this function: a wasted query or join",
                        hint="drop the loader option, or read the relationship",
                    )


def _needed(scope: ast.AST, model: str, name: str, ctx: Context) -> bool:
    """The relationship is read in `scope`, or rows carrying it escape `scope`.

    Rows are followed by type and, where a branch merge loses the type, by the
    names they were bound to.
    """
    bound: set[str] = set()
    for node in walk(scope):
        access = ctx.relationship_access(node)
        if access is not None:
            base, rel = access
            if getattr(base, "model", None) == model and rel.name == name:
                return True
        t = ctx.type_of(node)
        if not (isinstance(t, CARRIERS) and t.model == model and (name,) in t.eager):
            continue
        if _escapes(node, name, ctx):
            return True
        bound |= _bound_names(node, ctx)
    for node in walk(scope):
        loaded = isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
        if loaded and node.id in bound and _escapes(node, name, ctx):  # type: ignore[attr-defined]
            return True
    return False


def _bound_names(node: ast.AST, ctx: Context) -> set[str]:
    """Names the rows are bound to: `rows = ...`, `for row in ...`, comprehension targets."""
    parent = ctx.parent(node)
    while isinstance(parent, ast.Await):
        node, parent = parent, ctx.parent(parent)
    targets: list[ast.AST] = []
    if isinstance(parent, ast.Assign) and parent.value is node:
        targets = list(parent.targets)
    elif (isinstance(parent, (ast.AnnAssign, ast.NamedExpr)) and parent.value is node) or (
        isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is node
    ):
        targets = [parent.target]
    return {n.id for t in targets for n in walk(t) if isinstance(n, ast.Name)}


def _escapes(node: ast.AST, name: str, ctx: Context) -> bool:
    """Rows leave the function, or something may read any of their attributes."""
    parent = ctx.parent(node)
    while isinstance(parent, ast.Await):
        node, parent = parent, ctx.parent(parent)
    if isinstance(parent, (ast.Return, ast.Yield, ast.YieldFrom)):
        return True
    if isinstance(parent, (ast.List, ast.Tuple, ast.Set, ast.Dict, ast.Starred, ast.keyword)):
        return True
    if isinstance(parent, (ast.ListComp, ast.SetComp, ast.GeneratorExp)) and parent.elt is node:
        return True
    if isinstance(parent, ast.DictComp) and node in (parent.key, parent.value):
        return True
    if isinstance(parent, ast.Attribute) and parent.value is node:
        if parent.attr in (name, "__dict__"):
            return True
        call = ctx.parent(parent)
        # a method of the row (`person.present(relations=True)`) may read anything
        return isinstance(call, ast.Call) and call.func is parent and not _query_api(node, ctx)
    if isinstance(parent, ast.Call) and node is not parent.func:
        receiver = parent.func.value if isinstance(parent.func, ast.Attribute) else None
        if receiver is not None and isinstance(ctx.type_of(receiver), QUERY_API):
            return False
        return not (isinstance(parent.func, ast.Name) and parent.func.id in ("len", "bool"))
    if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is node:
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        return any(isinstance(t, (ast.Attribute, ast.Subscript)) for t in targets)
    return False


def _query_api(node: ast.AST, ctx: Context) -> bool:
    """Methods of statements and results (`stmt.where`, `result.scalars`) are not row methods."""
    return isinstance(ctx.type_of(node), (StmtT, QueryT, ResultT))
