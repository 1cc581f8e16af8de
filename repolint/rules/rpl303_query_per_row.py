"""## What it does
Flags a statement executed (`execute`, `scalars`, `scalar`, `get`,
`query`) once per item of a `for` loop or comprehension, when the statement
depends on the loop's item. A batch is fine: criteria that use the loop's
items through `in_()`, or a loop that walks chunks. So is `session.delete(obj)`
per row (deletes cascade at flush), a loop over a literal or an UPPER_CASE
constant (a fixed handful, not rows), and a loop over tables or models
(`delete(model)` for each model: one statement per table is the only way).

## Why is this bad?
One round trip per item: N items cost N queries, and the cost grows with the
data. A single query with `in_()` (or a join) fetches the same rows at once.

## Example
```python
from sqlalchemy.orm import Session
from app.models import Person

def names(db: Session, ids: list[int]) -> list[str]:
    return [db.get(Person, person_id).name for person_id in ids]
```

## Use instead
```python
from sqlalchemy import select
from sqlalchemy.orm import Session
from app.models import Person

def names(db: Session, ids: list[int]) -> list[str]:
    return list(db.scalars(select(Person.name).where(Person.id.in_(ids))))
```

## References
- [SQLAlchemy: ColumnOperators.in_](https://docs.sqlalchemy.org/en/20/core/sqlelement.html#sqlalchemy.sql.expression.ColumnOperators.in_)
"""

from __future__ import annotations

import ast

from repolint.rules.base import Rule
from repolint.semantics.context import Context
from repolint.semantics.names import QUERY_EXECUTING_METHODS
from repolint.semantics.types import SessionT

LOOPS = (ast.For, ast.AsyncFor, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
CHUNK_WORDS = ("chunk", "batch", "partition", "page", "window", "slice")


class QueryPerRow(Rule):
    code = "RPL303"
    name = "query-per-row"
    summary = "A statement is executed once per item of a loop"

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in QUERY_EXECUTING_METHODS:
            return
        session = ctx.type_of(func.value)
        if not isinstance(session, SessionT):
            return
        statement = _whole_chain(node, ctx)
        for loop in _enclosing_loops(node, ctx):
            if _is_batch_loop(loop) or _walks_a_constant(loop):
                return
            tainted = _loop_names(loop)
            if not _mentions_any(statement, tainted):
                continue
            if _uses_in(loop, tainted) or _only_names_the_table(loop, statement, ctx):
                return
            self.report(
                ctx,
                node,
                f"`{func.attr}()` runs one statement per item of the loop: N round trips",
                hint="fetch all items at once with `.where(Model.id.in_(ids))` or a join",
            )
            return


def _whole_chain(node: ast.Call, ctx: Context) -> ast.AST:
    """`db.query(A).filter(...).first()` seen from its `query(...)` call."""
    top: ast.AST = node
    while True:
        parent = ctx.parent(top)
        if isinstance(parent, ast.Attribute) and parent.value is top:
            top = parent
        elif (isinstance(parent, ast.Call) and parent.func is top) or isinstance(parent, ast.Await):
            top = parent  # type: ignore[assignment]
        else:
            return top


def _enclosing_loops(node: ast.AST, ctx: Context) -> list[ast.AST]:
    loops: list[ast.AST] = []
    child = node
    for anc in ctx.ancestors(node):
        if isinstance(anc, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            break
        if (
            isinstance(anc, (ast.For, ast.AsyncFor))
            and child is not anc.iter
            and child not in anc.orelse
        ) or (isinstance(anc, LOOPS[2:]) and not any(child is g.iter for g in anc.generators)):
            loops.append(anc)
        child = anc
    return loops


def _targets(loop: ast.AST) -> list[ast.AST]:
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        return [loop.target]
    return [g.target for g in loop.generators]  # type: ignore[attr-defined]


def _iters(loop: ast.AST) -> list[ast.AST]:
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        return [loop.iter]
    return [g.iter for g in loop.generators]  # type: ignore[attr-defined]


def _loop_names(loop: ast.AST) -> set[str]:
    """The loop's targets and the names the body derives from them."""
    names = {n.id for t in _targets(loop) for n in ast.walk(t) if isinstance(n, ast.Name)}
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        assigns = [
            n for n in ast.walk(loop) if isinstance(n, (ast.Assign, ast.AnnAssign, ast.NamedExpr))
        ]
        changed = True
        while changed:
            changed = False
            for assign in assigns:
                value = assign.value
                if value is None or not _mentions_any(value, names):
                    continue
                targets = assign.targets if isinstance(assign, ast.Assign) else [assign.target]
                for target in targets:
                    for n in ast.walk(target):
                        if isinstance(n, ast.Name) and n.id not in names:
                            names.add(n.id)
                            changed = True
    return names


def _is_batch_loop(loop: ast.AST) -> bool:
    """A loop over chunks: `for chunk in batched(ids, 500)`, `range(0, n, size)`."""
    for target in _targets(loop):
        if isinstance(target, ast.Name) and any(w in target.id.lower() for w in CHUNK_WORDS):
            return True
    for iterable in _iters(loop):
        if isinstance(iterable, ast.Call):
            name = ast.unparse(iterable.func).lower()
            if any(w in name for w in CHUNK_WORDS) or name.endswith("batched"):
                return True
            if name == "range" and len(iterable.args) == 3:
                return True
    return False


ENTITY_CALLS = frozenset(
    {"delete", "update", "insert", "select", "query", "text", "Table", "select_from", "join"}
)


def _only_names_the_table(loop: ast.AST, statement: ast.AST, ctx: Context) -> bool:
    """The loop walks tables or models (`delete(model)`, `text(f"DROP TABLE {t}")`), not rows."""
    targets = {n.id for t in _targets(loop) for n in ast.walk(t) if isinstance(n, ast.Name)}
    trees = [statement]
    used = {n.id for n in ast.walk(statement) if isinstance(n, ast.Name)}
    for node in ast.walk(loop):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in used for t in node.targets
        ):
            trees.append(node.value)
    uses = [
        n for tree in trees for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id in targets
    ]
    return bool(uses) and all(_in_entity_position(n, ctx) for n in uses)


def _in_entity_position(node: ast.AST, ctx: Context) -> bool:
    child = node
    for anc in ctx.ancestors(node):
        if isinstance(anc, ast.Call):
            func = anc.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first_arg = bool(anc.args) and child is anc.args[0]
            return name == "text" or (name in ENTITY_CALLS and first_arg)
        if not isinstance(anc, (ast.Attribute, ast.JoinedStr, ast.FormattedValue)):
            return False
        child = anc
    return False


def _walks_a_constant(loop: ast.AST) -> bool:
    """`for name in ("a", "b")`, `for kind in KINDS`: a fixed handful, not rows."""
    for iterable in _iters(loop):
        func = iterable.func if isinstance(iterable, ast.Call) else None
        if isinstance(func, ast.Attribute) and func.attr in ("items", "keys", "values"):
            iterable = func.value
        if isinstance(iterable, (ast.List, ast.Tuple, ast.Set)):
            return True
        name = iterable.attr if isinstance(iterable, ast.Attribute) else getattr(iterable, "id", "")
        if name and name.isupper():
            return True
    return False


def _mentions_any(expr: ast.AST, names: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(expr))


def _uses_in(expr: ast.AST, names: set[str]) -> bool:
    for n in ast.walk(expr):
        if (
            isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr in ("in_", "any_")
            and any(_mentions_any(a, names) for a in n.args)
        ):
            return True
    return False
