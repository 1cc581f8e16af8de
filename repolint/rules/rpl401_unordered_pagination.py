"""## What it does
Flags `.offset(...)` on a `select()` or `Query` that, on some path from where
it is built, gets no `.order_by(...)` (or gets `order_by(None)`). When the
ordering is only conditional, the message names the condition (`if sort: stmt =
stmt.order_by(sort)` gives "ordered only when `sort`"), or says that only some
callers order a statement the function receives.
`offset(0)` (a planner fence, not a page) is not flagged. Flask-SQLAlchemy's
`query.paginate(...)` and `db.paginate(select(...))` are offsets too: an
unordered query given to them is flagged at the `paginate` call, and so is a
statement given to fastapi-pagination's `paginate(session, stmt)` or
`apaginate(...)`.
When the `offset` sits under an `if` that tests a name the ordering's `if`
also tests (`if page: ... order_by` / `if page: ... offset`), the two are
taken to go together and nothing is reported. A helper that pages the
statement its callers pass (`def page_of(db, stmt, page)`, no annotation) is
judged by what they pass: flagged when one of them passes an unordered one.

## Why is this bad?
Without ORDER BY the database may return rows in any order, and a different
one for each query. Page 2 can then repeat rows of page 1 and skip others:
users see duplicates and never see some records.

## Example
```python
from sqlalchemy import select
from sqlalchemy.orm import Session
from app.models import Person

def page(db: Session, number: int, size: int = 50):
    stmt = select(Person).offset((number - 1) * size).limit(size)
    return db.scalars(stmt).all()
```

## Use instead
```python
from sqlalchemy import select
from sqlalchemy.orm import Session
from app.models import Person

def page(db: Session, number: int, size: int = 50):
    stmt = select(Person).order_by(Person.id).offset((number - 1) * size).limit(size)
    return db.scalars(stmt).all()
```

## Fix safety
`--fix --unsafe-fixes` adds `.order_by(<Model>.<primary key>)` before the
`.offset(...)` of a statement that no path orders, when the selected model
has one primary-key column this module can name. A statement given to
fastapi-pagination's `paginate(session, stmt)` gets the same `.order_by(...)`
where it is built: inline (`paginate(db, select(Note))`) or in the one
assignment of the name in the same function (`stmt = select(Note).where(...)`),
when it selects the whole model and its chain only filters, joins or sets
options (`.distinct()`, `.group_by()`, a column select or a name assigned
twice get none).

A statement ordered on some paths only gets an order on the others, when
that is certain:
- ordered only under one `if` (`if order_by is not None: stmt =
  stmt.order_by(order_by)`, no `else`), the statement built in the same
  function as `select(E)...` and ordered nowhere else: the `if` gets `else:
  stmt = stmt.order_by(<key>)`, the key being `Model.<primary key>` for a
  model with one primary-key column, and `*inspect(E).primary_key` for the
  entity of a generic base (`select(self.model)`): the mapper's own key,
  unique whatever model a subclass binds (`inspect` imported from
  `sqlalchemy` when the module has no other `inspect`);
- ordered by only some callers (a helper paging the statement it is given):
  each call of the helper that passes an inline `select(Model)` with no
  `.order_by(...)` gets `.order_by(Model.<primary key>)`, in the caller's
  file; a caller passing anything else (a name, a column select, a
  `.distinct()`) means no fix at all, since the helper would still page it
  unordered.
Other shapes (ordered in an `elif`, under two conditions, a parameter the
function reassigns) get no fix.

The fix is unsafe: it fixes the row order, which the pages then follow.
Flask-SQLAlchemy's `paginate()` and models with composite keys get no fix.

## References
- [PostgreSQL: LIMIT and OFFSET](https://www.postgresql.org/docs/current/queries-limit.html)
"""

from __future__ import annotations

import ast

from repolint.fixes.build_order_paths import order_callers_statements, order_the_other_branch
from repolint.fixes.build_query import order_by_primary_key, order_paginated
from repolint.rules.base import Rule
from repolint.semantics.context import Context
from repolint.semantics.module import walk
from repolint.semantics.types import FlaskDBT, QueryT, StmtT

PAGINATION_PACKAGES = ("fastapi_pagination",)
PAGINATORS = frozenset({"paginate", "apaginate"})
"""fastapi-pagination's SQLAlchemy and SQLModel paginators: LIMIT/OFFSET over a statement."""


class UnorderedPagination(Rule):
    code = "RPL401"
    name = "unordered-pagination"
    summary = "offset() on a statement that is not (always) ordered"

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "paginate":
            self._paginate(node, func, ctx)
            return
        qual = (
            ctx.module.imports.qualify(func)
            if isinstance(func, ast.Name)
            or (isinstance(func, ast.Attribute) and func.attr in PAGINATORS)
            else None
        )
        if qual and qual.startswith(PAGINATION_PACKAGES) and qual.rsplit(".", 1)[-1] in PAGINATORS:
            self._paginator(node, ctx)
            return
        if not isinstance(func, ast.Attribute) or func.attr != "offset":
            return
        stmt = ctx.type_of(func.value)
        if not isinstance(stmt, (StmtT, QueryT)):
            return
        first = node.args[0] if node.args else None
        if isinstance(first, ast.Constant) and first.value in (0, None):
            return  # `offset(0)`: an optimisation fence, not a page
        ordered = _ordering(node, stmt, ctx)
        if ordered in ("yes", None):
            return
        if ordered == "maybe" and _same_condition(node, stmt.shape.order_guards, ctx):
            return  # `if page: order_by(...)` ... `if page: offset(...)`: correlated branches
        if ordered == "maybe":
            message = (
                f"`offset()` on a statement that is {_only_some_paths(node, ctx)}: "
                "pages can overlap"
            )
        else:
            message = (
                "`offset()` without `order_by()`: the row order is undefined, pages can overlap"
            )
        if ordered == "no":
            fix = order_by_primary_key(node, stmt.model, ctx)
        else:
            fix = order_the_other_branch(node, ctx) or order_callers_statements(node, ctx)
        self.report(
            ctx, node, message, hint="add `.order_by(<unique key>)` before paginating", fix=fix
        )

    def _paginator(self, node: ast.Call, ctx: Context) -> None:
        """fastapi-pagination: `paginate(session, stmt)` / `await apaginate(session, stmt)`."""
        args = [*node.args, *(k.value for k in node.keywords if k.arg in ("query", "stmt"))]
        typed = [(a, t) for a in args if isinstance(t := ctx.type_of(a), (StmtT, QueryT))]
        if not typed:
            return
        arg, stmt = typed[0]
        if stmt.shape.ordered == "yes":
            return
        fix = None
        if stmt.shape.ordered == "no" and isinstance(stmt, StmtT):
            fix = order_paginated(arg, stmt.model, ctx.enclosing_function(node), ctx)
        how = "ordered only on some paths" if stmt.shape.ordered == "maybe" else "not ordered"
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "paginate")
        self.report(
            ctx,
            node,
            f"`{name}()` pages a statement that is {how}: pages can overlap or skip rows",
            hint="add `.order_by(<unique key>)` to the statement before paginating",
            fix=fix,
        )

    def _paginate(self, node: ast.Call, func: ast.Attribute, ctx: Context) -> None:
        """Flask-SQLAlchemy: `Model.query....paginate(...)`, `db.paginate(select(...))`."""
        receiver = ctx.type_of(func.value)
        stmt: object | None = receiver if isinstance(receiver, QueryT) else None
        if isinstance(receiver, FlaskDBT) and node.args:
            stmt = ctx.type_of(node.args[0])
        if not isinstance(stmt, (StmtT, QueryT)) or stmt.shape.ordered == "yes":
            return
        how = "ordered only on some paths" if stmt.shape.ordered == "maybe" else "not ordered"
        self.report(
            ctx,
            node,
            f"`paginate()` of a query that is {how}: pages can overlap or skip rows",
            hint="add `.order_by(<unique key>)` before paginating",
        )


def _only_some_paths(node: ast.Call, ctx: Context) -> str:
    """'ordered only when `sort_by and sort_dir`' when one `if` of the function orders
    the paged name in one branch; 'ordered only on some paths' otherwise."""
    func = ctx.enclosing_function(node)
    base = _chain_base(node)
    tests: list[str] = []
    if func is not None and base is not None:
        for stmt in walk(func):
            if not isinstance(stmt, ast.If) or stmt.lineno >= node.lineno:
                continue
            for branch, when in ((stmt.body, "when"), (stmt.orelse, "unless")):
                if any(_orders_name(inner, base, ctx) for s in branch for inner in walk(s)):
                    tests.append(f"{when} `{_short(ast.unparse(stmt.test))}`")
    if len(tests) == 1:
        return f"ordered only {tests[0]}"
    if not tests and func is not None and base in {a.arg for a in func.args.args}:
        return f"ordered by only some callers (parameter `{base}`)"
    return "ordered only on some paths"


def _chain_base(node: ast.Call) -> str | None:
    """`query` in `query.offset(n).limit(m)`."""
    current: ast.AST = node.func
    while isinstance(current, (ast.Attribute, ast.Call)):
        current = current.value if isinstance(current, ast.Attribute) else current.func
    return current.id if isinstance(current, ast.Name) else None


def _orders_name(node: ast.AST, name: str, ctx: Context) -> bool:
    """`name = <an ordered statement>`."""
    if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
        return False
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    if not any(isinstance(t, ast.Name) and t.id == name for t in targets):
        return False
    value = ctx.type_of(node.value)
    return isinstance(value, (StmtT, QueryT)) and value.shape.ordered == "yes"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _ordering(node: ast.Call, stmt: StmtT | QueryT, ctx: Context) -> str | None:
    """'yes', 'no' or 'maybe' for the statement as executed or returned; None when unknown.

    `order_by` may come after `offset` (SQLAlchemy puts ORDER BY in place either way), so
    the statement is judged where it is executed or returned. A statement only handed to
    project code that may order it is not judged.
    """
    finals = [
        (how, s)
        for states in ctx.typed.final_statements.values()
        for how, s in states
        if id(node) in s.shape.offsets  # type: ignore[attr-defined]
    ]
    judged = [s for how, s in finals if how != "pass"]
    if finals and not judged:
        return None
    if not finals:
        return "yes" if _ordered_later_in_chain(node, ctx) else stmt.shape.ordered
    states = {s.shape.ordered for s in judged}  # type: ignore[attr-defined]
    if states == {"yes"}:
        return "yes"
    if states == {"no"}:
        return "no"
    return "maybe"


def _same_condition(node: ast.AST, guards: frozenset[str], ctx: Context) -> bool:
    """The offset sits under an `if` testing a name that also guards the ordering."""
    for anc in ctx.ancestors(node):
        if isinstance(anc, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return False
        if isinstance(anc, (ast.If, ast.While)):
            tested = {n.id for n in walk(anc.test) if isinstance(n, ast.Name)}
            if tested & guards:
                return True
    return False


def _ordered_later_in_chain(node: ast.AST, ctx: Context) -> bool:
    """`select(A).offset(10).order_by(A.id)`: ordered in the same expression."""
    current = node
    while True:
        parent = ctx.parent(current)
        if isinstance(parent, ast.Attribute) and parent.value is current:
            if parent.attr == "order_by":
                call = ctx.parent(parent)
                return isinstance(call, ast.Call) and not all(
                    isinstance(a, ast.Constant) and a.value is None for a in call.args
                )
            current = parent
        elif isinstance(parent, ast.Call) and parent.func is current:
            current = parent
        else:
            return False
