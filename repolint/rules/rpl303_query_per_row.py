"""## What it does
Flags a statement executed (`execute`, `scalars`, `scalar`, `get`, `merge`, a
`session.query(...)` chain, a Flask-SQLAlchemy `Model.query...` or a
`lazy="dynamic"` relationship consumed by `.all()`, `.first()`, `.get()`,
`.count()`, ...) once per item of a `for` loop, a comprehension or a work
list (`while pending: item = pending.pop()`, `.popleft()`: a breadth-first
walk, a job queue), when the statement depends on the loop's item; iterating a `lazy="dynamic"`
relationship of each row is one such statement per row. It is reported where the statement
runs (`.first()`, `execute`), not where it is built. A project function or
method called once per item that runs a statement (`Book.get(book_id)`,
`get_members(db, g.id)`, `row.serialize()`) is reported at that call, with
the path to the statement, through at most three calls; the constants and the
loaded rows each call on the path passes decide which branches of the callee count
(`if item.__class__.__name__ == "Person":` for a template row is never taken), and
so does a value that is certainly not None (a set the caller built, a literal, what
a project function returns when its every `return` is such a value):
a helper's `if certified is None:` lookup does not run for a call that passes one.
A batch is fine: criteria that use the loop's items through `in_()` (the item
itself, a slice of it or a comprehension over it: `in_(record.emails)`, one
item's values, is still a query per item), or a loop
that walks chunks (`batched(ids, 500)`, `range(0, n, size)`, an item named
`chunk`, `batch`, `page`, `segment`...). So is `session.delete(obj)`
per row (deletes cascade at flush), `session.merge(obj, load=False)` (no SELECT),
a loop over a literal, a name bound to a
literal or an UPPER_CASE constant (a fixed handful, not rows), a loop over
tables or models (`delete(model)` for each model: one statement per table is
the only way), a loop over a model's attribute names (the body looks each up in the
mapper, `mapper.relationships.get(key)`: one lookup per field of a form, bounded by
the schema), a `query()` that only builds a subquery, a call after
which the loop body always returns, raises or breaks (it runs once), a call
under `if key not in cache:` that stores `cache[key]` (once per distinct key; also
`found = cache.get(key)` then `if found is None:`; and lazy initialisation, `if
self.lookup is None: self.lookup = ...`, once per holder), a project function whose
statement sits under such a guard on a cache that outlives the call (a closure's
dict, `self._cache`, app state), a
memoized function (`@lru_cache`, `@cache.memoize()`), an `async for` over a
stream that is not rows, and migration scripts (see `migrations`).

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
from repolint.semantics.call_sites import db_path_at_call
from repolint.semantics.context import Context
from repolint.semantics.loops import (
    enclosing_loops,
    exits_loop_after,
    is_batch_loop,
    loop_names,
    memoized_per_key,
    mentions_any,
    statement_trees,
    streams,
    uses_in_batch,
    walks_a_constant,
    walks_tables,
    whole_chain,
)
from repolint.semantics.module import walk
from repolint.semantics.names import QUERY_EXECUTING_METHODS
from repolint.semantics.summaries import ProjectCall
from repolint.semantics.types import QueryT, SessionT

QUERY_ROUND_TRIPS = frozenset(
    {"all", "first", "one", "one_or_none", "scalar", "get", "count", "get_or_404", "first_or_404"}
)
"""Consumers of a Flask-SQLAlchemy `Model.query` that run it."""


class QueryPerRow(Rule):
    code = "RPL303"
    name = "query-per-row"
    summary = "A statement is executed once per item of a loop"

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        func = node.func
        project_call = ctx.project_call(node)
        if project_call is not None:
            self._project_call(node, project_call, ctx)
            return
        if not isinstance(func, ast.Attribute):
            return
        receiver = ctx.type_of(func.value)
        if func.attr == "merge" and isinstance(receiver, SessionT):
            if not _loads(node) or not _per_item(node, node, ctx):
                return
            self.report(
                ctx,
                node,
                "`merge()` looks each object up by primary key first: one SELECT per item "
                "of the loop",
                hint="load the existing rows at once with `.where(Model.id.in_(ids))`, then "
                "`add()` the new ones; `merge(obj, load=False)` for unchanged detached objects",
            )
            return
        if func.attr in QUERY_EXECUTING_METHODS and isinstance(receiver, SessionT):
            statement = whole_chain(node, ctx)
            if func.attr == "query":
                consumer = _round_trip(node, ctx)
                if consumer is None:
                    return  # built here, run elsewhere: reported where it runs
                node = consumer
                assert isinstance(consumer.func, ast.Attribute)
                func = consumer.func
        elif (
            func.attr in QUERY_ROUND_TRIPS
            and isinstance(receiver, QueryT)
            and not _from_session_query(func.value, ctx)
        ):
            statement = node  # `Model.query.filter_by(...).first()`: the round trip
        else:
            return
        if _per_item(node, statement, ctx):
            self.report(
                ctx,
                node,
                f"`{func.attr}()` runs one statement per item of the loop: N round trips",
                hint=BATCH_HINTS[_verb(node, statement, ctx)],
            )

    def visit_Attribute(self, node: ast.Attribute, ctx: Context) -> None:
        """Iterating a `lazy="dynamic"` relationship of each row: a query per row."""
        found = ctx.relationship_access(node)
        if found is None or not found[1].dynamic:
            return
        row, rel = found
        parent = ctx.parent(node)
        iterated = (isinstance(parent, (ast.For, ast.AsyncFor)) and parent.iter is node) or (
            isinstance(parent, ast.comprehension) and parent.iter is node
        )
        if not iterated or not getattr(row, "per_row", False):
            return
        model = rel.owner.rsplit(".", 1)[-1]
        self.report(
            ctx,
            node,
            f'iterating `{model}.{rel.name}` (a `lazy="dynamic"` query) runs one statement '
            "per row of the loop: N round trips",
            hint="load the collection with the rows (a `selectin` relationship or a join), "
            "or query it once for all rows with `in_()`",
        )

    def _project_call(self, node: ast.Call, project_call: ProjectCall, ctx: Context) -> None:
        """A project function that runs a statement, called once per item."""
        if not enclosing_loops(node, ctx):
            return
        # the path first: most calls in loops run no statement, and it is remembered
        path = db_path_at_call(ctx.index, node, project_call, "query")
        if path is None or not _per_item(node, node, ctx):
            return
        self.report(
            ctx,
            node,
            f"`{' -> '.join(path[:-1])}` runs `{path[-1]}` once per item of the loop: "
            "N round trips",
            hint="give it all the items at once (`.where(Model.id.in_(ids))`) or a join",
        )


BATCH_HINTS = {
    "select": "fetch all items at once with `.where(Model.id.in_(ids))` or a join",
    "update": "run one `execute(update(Model), [{...}, ...])` with every item's values "
    "(an executemany by primary key), or one UPDATE with `.where(Model.id.in_(ids))` "
    "when the values are the same",
    "insert": "run one `execute(insert(Model), [{...}, ...])` with every item's values "
    "(an executemany), or `add_all()` the new objects",
    "delete": "delete them at once: `execute(delete(Model).where(Model.id.in_(ids)))`",
}
"""The fix hint for a statement per item, by what the statement does."""
WRITE_VERBS = ("update", "insert", "delete")


def _verb(node: ast.Call, statement: ast.AST, ctx: Context) -> str:
    """What the statement run by `node` does: `update`, `insert`, `delete` (Core
    `update(Model)`/`insert(...)`/`delete(...)` or a legacy `query(...).update({...})`,
    directly or through the names it is built in), else `select`."""
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in WRITE_VERBS:
        return func.attr  # `query(...).filter(...).update({...})`
    trees = [*node.args, *(k.value for k in node.keywords)] if node.args else [statement]
    for tree in trees:
        for part in statement_trees(tree, ctx) if isinstance(tree, ast.Name) else [tree]:
            for inner in walk(part):
                if isinstance(inner, ast.Call):
                    name = inner.func
                    last = name.id if isinstance(name, ast.Name) else getattr(name, "attr", "")
                    if last in WRITE_VERBS and not isinstance(name, ast.Attribute):
                        return last
                    if last.startswith(("insert_", "upsert")) or last == "on_conflict_do_update":
                        return "insert"
    return "select"


def _per_item(node: ast.Call, statement: ast.AST, ctx: Context) -> bool:
    """The innermost loop whose item `statement` uses runs it once per item (not a batch,
    a fixed handful, a walk over tables, nor a loop the call leaves)."""
    for loop in enclosing_loops(node, ctx):
        if is_batch_loop(loop):
            return False
        names = loop_names(loop)
        if not mentions_any(statement, names):
            continue  # a loop the statement does not depend on (checked first: cheap)
        if walks_a_constant(loop, ctx) or streams(loop, ctx):
            return False
        if uses_in_batch(statement, names, ctx) or walks_tables(loop, statement, ctx):
            return False
        return not (exits_loop_after(node, loop, ctx) or memoized_per_key(node, loop, ctx))
    return False


def _loads(merge: ast.Call) -> bool:
    """`session.merge(obj)` selects the row first, unless `load=False` is passed."""
    return not any(
        kw.arg == "load" and isinstance(kw.value, ast.Constant) and kw.value.value is False
        for kw in merge.keywords
    )


def _round_trip(query: ast.Call, ctx: Context) -> ast.Call | None:
    """The call that runs a `session.query(...)` chain: `.all()`, `.first()`, ..."""
    node: ast.AST = query
    while True:
        attribute = ctx.parent(node)
        call = ctx.parent(attribute) if isinstance(attribute, ast.Attribute) else None
        if not isinstance(call, ast.Call) or call.func is not attribute:
            return None
        assert isinstance(attribute, ast.Attribute)
        if attribute.attr in QUERY_ROUND_TRIPS:
            return call
        node = call


def _from_session_query(expr: ast.AST, ctx: Context) -> bool:
    """The chain starts at `session.query(...)`: reported there, not at its consumer."""
    while isinstance(expr, (ast.Call, ast.Attribute)):
        if (
            isinstance(expr, ast.Call)
            and isinstance(expr.func, ast.Attribute)
            and expr.func.attr == "query"
            and isinstance(ctx.type_of(expr.func.value), SessionT)
        ):
            return True
        expr = expr.func if isinstance(expr, ast.Call) else expr.value
    return False
