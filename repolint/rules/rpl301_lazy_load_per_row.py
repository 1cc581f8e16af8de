"""## What it does
Flags a lazy relationship read once per row in sync code, on objects whose
query did not eager-load it: the N+1 query pattern. Where the rows come from
(a repository method, a helper, a `Depends(...)` dependency in another file,
an attribute a set-up hook assigns) is followed through the project; rows of
unknown origin are not flagged. A project function called once per row that
reads a lazy relationship of the row it is given (`describe(book)`,
`row.to_dict()`, `Resp.from_model(row)`) is reported at that call, naming the
relationships it reads.

Models are recognised as real projects declare them: `db.Model` of any
subclass of Flask-SQLAlchemy's `SQLAlchemy`, reached through aliases
(`BaseModel = db.Model`) and star re-exports. A relationship with neither
`uselist=` nor a `Mapped[list[...]]` annotation is a collection or a single
object as SQLAlchemy decides: from where its foreign key is, or `secondary=`.

Not flagged: a relationship already read on the same row earlier in the
iteration (one load, one finding); a child's back-populated parent reached
through that parent's collection; a many-to-one whose foreign key the query
pins to one value (`filter_by(shelf_id=x)`: the identity map serves every row
after the first load); a read in the loop's `except` handler (only the rows
that failed pay it); migration scripts and test code (see `migrations` and
`test-rules`).

## Why is this bad?
Each access issues its own `SELECT`: one query for the list, then one per
row. A page of 50 rows costs 51 round trips, and it grows with the data. A
many-to-one (`book.author`) is looked up by primary key in the identity map
first, so rows that share a parent share its `SELECT`: the message says "up
to one query per distinct `Author`", still one per author where one query
would do.

## Example
```python
from sqlalchemy.orm import Session
from app.repositories.people import PersonRepository

def hours_report(db: Session) -> dict[str, float]:
    people = PersonRepository(db).list_active()  # nothing eager-loaded
    return {p.name: sum(a.hours for a in p.assignments) for p in people}  # a query per person
```

## Use instead
```python
from sqlalchemy.orm import Session
from app.repositories.people import PersonRepository

def hours_report(db: Session) -> dict[str, float]:
    people = PersonRepository(db).list_active_with_relations()  # assignments selectin-loaded
    return {p.name: sum(a.hours for a in p.assignments) for p in people}  # no query per person
```
or eager-load it in the query:
`select(Person).options(selectinload(Person.assignments))`.

## Fix safety
`--fix --unsafe-fixes` makes the query that produced the rows load the
relationship, where that query is certain. The rows are followed back by
the syntax of the function that reads them (the loop's iterable, a name
assigned once, the values of a dict built once as `{p.email: p for p in rows}`
or filled in one loop, `for p in rows: by_id[p.id] = p`, and walked by
`.values()` or `.items()`):

- rows of `session.scalars(stmt)` / `session.execute(stmt)` of a
  `select(Model)` built in the same function (the statement name assigned
  once, or only extended as `stmt = stmt.where(...)`), or of a legacy
  `Model.query...` / `session.query(Model)...` chain: `selectinload(Model.rel)`
  is added to its `.options(...)` (created after `select(...)` or `.query`
  when there is none), and `selectinload` is imported (sorted into the
  module's `from sqlalchemy.orm import ...` when it has one, else on a line
  of its own beside its other `sqlalchemy` imports);
- a row of `session.get(Model, id)`: `options=[selectinload(Model.rel)]`;
- rows of a repository method, or of a module-level function of the data
  layer (`list_users(db)`), whose `<name>_with_relations` sibling takes the
  same parameters and eager-loads the relationship: the sibling is called
  instead (the plain one keeps its plain query), and imported beside the
  plain one when the module imports that by name. RPL304's fix writes such a
  sibling for a `get_*`/`list_*` function callers read lazily; the next round
  of `--fix` calls it. A repository method that RPL304 asks no sibling for
  (`notes()`, not a `get_*`/`list_*`) gets it from this fix: its text, named
  `notes_with_relations()`, written after it with the relationships its
  callers traverse loaded (also where the method passes the statement it
  builds to a helper of its class that runs it, `self._all(select(Note))`),
  and the call switched to it;
- rows that a project function which is not the data layer (a helper, a
  service) returns from its one `return`, or a generator yields from its one
  `yield from`, or returns in a tuple unpacked by the caller
  (`people, total = page_of(db, n)` of `return people, len(people)`, its
  other returns giving `[]` there): the loading is added to the statement it
  builds there, in its own file; so is the loading of rows a route receives
  from FastAPI's `Depends(get_rows)` (as the parameter's default or in its
  `Annotated[...]`);
- rows of a relationship (`for book in shelf.books: book.author`) whose
  parent rows' statement already has `selectinload(Shelf.books)`: the next
  level is chained onto it, `selectinload(Shelf.books).selectinload(Book.author)`
  (the rounds of `--fix` add the first level, then the second); when the
  parent rows come from a repository method (`person = repo.get_by_id(id)`,
  `for a in person.assignments: a.block`), its `<method>_with_relations`
  sibling that loads both levels is called instead;
- rows of a relationship of one row (`for loan in member.loans: loan.book`,
  `member` a single row) that no option loads yet: the whole path is loaded
  where that row is fetched, `selectinload(Member.loans).joinedload(Loan.book)`.
  The row is followed back to a name assigned once; to `self.shelf` assigned
  once in the whole class, in any method (`self.shelf = Shelf.get(...)` in a
  set-up hook such as `_process_args`, read in `_process`); or to a parameter
  (`self.person = person` in `__init__`) that the one call of the function or
  class in the project's production code passes (`ScheduleSheet(person)`), in
  that caller. It must be fetched by `session.get(Model, id)` (`options=[...]`
  added), a `select()` / `Query` chain built there, or a model class method
  whose body is one `return cls.query....first()` on one line (a mixin's
  `Member.get(id)`): that call is replaced by the chain the method returns,
  with the model and the call's arguments in place of `cls` and the
  parameters and the options added
  (`Member.query.options(...).filter_by(id=member_id).first()`); the child
  model is imported when the module lacks it, from a module it already
  imports from (a new import of another module could close an import cycle).

`joinedload(Model.rel)` is written instead of `selectinload` for a
many-to-one relationship that the project already loads with `joinedload`
somewhere (`joinedload(Loan.book)`, or chained after another loader): one
statement, and no duplicate rows for it to cause. Collections always get
`selectinload` (a joined collection needs `.unique()` under `.scalars()`).

Anything else gets no fix, because no one edit is certainly right: rows
passed in as a parameter by several callers (each caller's query would need
the option), an attribute assigned in more than one place, several entities,
a statement built elsewhere, a class method whose body is more than its one
`return` (or uses names of its own module, or a default the call leaves), and
an argument the inlined chain would evaluate twice. The fix is unsafe: it changes what
the query loads (one `SELECT ... IN` per relationship instead of one per
row), and a helper's or a dependency's other callers load the relationship
too.

## References
- [SQLAlchemy: relationship loading techniques](https://docs.sqlalchemy.org/en/20/orm/queryguide/relationships.html)
- [SQLAlchemy: the N+1 problem](https://docs.sqlalchemy.org/en/20/glossary.html#term-N-plus-one-problem)
"""

from __future__ import annotations

import ast

from repolint.fixes.build_loading import load_for_call, load_relationships
from repolint.rules.base import Rule
from repolint.semantics.context import Context
from repolint.semantics.lazy import (
    cost_text,
    lazy_access,
    loader_hint,
    origin_text,
    per_row_call_reads,
    relationship_text,
)
from repolint.semantics.loops import on_error_path


class LazyLoadPerRow(Rule):
    code = "RPL301"
    name = "lazy-load-per-row"
    summary = "A lazy relationship is loaded once per row (N+1 queries)"

    def visit_Attribute(self, node: ast.Attribute, ctx: Context) -> None:
        found = lazy_access(node, ctx)
        if found is None:
            return
        instance, rel = found
        if instance.kind != "sync" or not instance.per_row or ctx.in_async_def(node):
            return
        if on_error_path(node, ctx):
            return  # the `except` of a loop: only the rows that failed
        self.report(
            ctx,
            node,
            f"lazy relationship {relationship_text(rel, instance.model)} is loaded once per row"
            f"{origin_text(instance)}: {cost_text([rel])}",
            hint=loader_hint(instance, rel),
            fix=load_relationships(node.value, instance, [rel], ctx),
        )

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        if ctx.in_async_def(node):
            return
        reads = [r for r in per_row_call_reads(node, ctx) if r[0].kind == "sync"]
        if not reads:
            return
        row, callee, first = reads[0]
        names = [relationship_text(r) for _, _, r in reads]
        listed = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        noun = "relationship" if len(names) == 1 else "relationships"
        self.report(
            ctx,
            node,
            f"`{callee}()` reads lazy {noun} {listed} of each row it is given"
            f"{origin_text(row)}: {cost_text([r for _, _, r in reads])}",
            hint=loader_hint(row, first),
            fix=load_for_call(node, reads, ctx),
        )
