"""## What it does
Flags a repository whose model has at least one lazy relationship and that
defines or inherits `get_by_id` (or a `get_*`/`list_*` method whose results
callers traverse relationships on) with no eager-loading path for it; and,
in a data-layer module (`repository-modules`: `crud/`, `repos/`, `dao/`,
`models.py`, ...), a module-level `get_*`/`list_*` function that returns rows
whose relationships its callers read lazily, with no `<name>_with_relations`
function beside it, no loader-options parameter and no eager load of its own
(reported at its `def`, naming the callers' reads). Outside those modules, a
`get_*`/`list_*` function is held to the same only when it runs the query
itself and returns many rows (lemur's `certificates/service.py`): one row read
lazily there costs one query, not N.

An eager path is any of:
- a `<name>_with_relations` sibling method (suffixes configurable);
- a loader-options parameter of the method that flows into `.options(...)`
  (`options=`, `load=`, `*options`);
- a class or base hook whose options every query applies
  (`get_eager_options()`, `loader_options()`);
- the method's own query already eager-loads.

## Why is this bad?
Without an eager variant, every caller that needs related objects either
lazy-loads them (N+1 queries in sync code, `MissingGreenlet` under
`AsyncSession`) or writes its own query outside the repository. The rule has
no execution test of its own: the run-time cost it prevents is the one
RPL301 and RPL302 prove against SQLite.

## Example
```python
from app.models import Team
from app.repositories.base import BaseRepository

class TeamRepository(BaseRepository[Team]):  # Team.members is lazy
    def get_by_id(self, team_id: int) -> Team | None:
        return self.db.get(Team, team_id)
```

## Use instead
```python
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from app.models import Team
from app.repositories.base import BaseRepository

class TeamRepository(BaseRepository[Team]):
    def get_by_id(self, team_id: int) -> Team | None:
        return self.db.get(Team, team_id)

    def get_by_id_with_relations(self, team_id: int) -> Team | None:
        stmt = select(Team).options(selectinload(Team.members)).where(Team.id == team_id)
        return self.db.scalars(stmt).one_or_none()
```

## Fix safety
`--fix --unsafe-fixes` writes each missing `<method>_with_relations()` right
after the method: a copy of the method's own text (so `async def` and `await`,
`select()` or the legacy `session.query()`, its parameters and its session
attribute stay as they are), renamed, with a one-line docstring, and with
`selectinload(Model.rel)` added where its statement is built (`.options(...)`
created or extended; `options=[...]` for `session.get(Model, id)`), laid out
as ruff format lays it out where repolint knows the layout; `selectinload` is
imported when the module lacks it. It loads the relationships callers
traverse on the method's rows, or, for a `get_by_id` nobody traverses, every
lazy relationship of the model. Nested reads are not recorded: only the first
level is loaded.

A method the repository inherits from a generic base (`get_by_id` of
`AsyncBaseRepository[ModelType]`, whose `select(self.model)` selects what
the subclass binds) gets its twin at the end of the repository: the base
method's text, its type variables spelt as the repository binds them
(`-> Block | None`), the loader added to `select(self.model)`, and the
imports the copy needs in the repository's module (`select`). A module-level
`get_*`/`list_*` function of the data layer gets its
`<name>_with_relations()` twin right after it, the same way, loading what
its callers read (a comment on the `def` line stays with the original).

No fix when one of the methods has a decorator other than `@staticmethod`
or `@classmethod` (those are copied with it) or several returns, when its
statement comes from elsewhere than the method's body (a base class helper
that runs the statement the method builds and passes it, as in
`return self._all(select(Note))`, counts as the body), or when an inherited
method reads a type variable in its body or a name the repository's module
binds to something else: the hint stays. A module function that hands its
one statement to a project helper whose rows the data flow types as that
statement's (`return in_windows(db, select(Note), Note.id)`) gets its twin
with the loader on the statement it hands over: options change what is
loaded, never which rows. A store of several models gets one twin per
reported method, for that method's model. Unsafe: the new method is API the
project then owns, and it loads what today's callers read (one `SELECT ...
IN` per relationship); once it exists, RPL301's and RPL302's fixes make the
callers call it (`list_users(db)` -> `list_users_with_relations(db)`,
imported beside `list_users`).

## Options
`with-relations-suffixes` (default `["_with_relations"]`), `repository-suffixes`,
`repository-bases`.

## References
- [SQLAlchemy: relationship loading techniques](https://docs.sqlalchemy.org/en/20/orm/queryguide/relationships.html)
"""

from __future__ import annotations

import ast

from repolint.fixes.build_variant import with_relations_function, with_relations_variants
from repolint.rules.base import Rule
from repolint.semantics.context import Context
from repolint.semantics.eager_paths import function_lacking_twin, has_eager_path
from repolint.semantics.types import InstanceT, QueryT, ResultT, RowsT

ALWAYS_CHECKED = ("get_by_id",)


class MissingWithRelationsVariant(Rule):
    code = "RPL304"
    name = "missing-with-relations-variant"
    summary = "A repository has no eager-loading variant of get_by_id / traversed get_*/list_*"
    needs_whole_project = True  # reads the traversals of every module

    def visit_Module(self, node: ast.Module, ctx: Context) -> None:
        """A data-layer module's `get_*`/`list_*` functions that fetch rows themselves."""
        index = ctx.index
        module = ctx.module
        suffixes = tuple(ctx.settings.with_relations_suffixes)
        for name, func in sorted(module.functions.items()):
            ref = index.functions.get(f"{module.name}.{name}")
            lacking = function_lacking_twin(index, ref, suffixes) if ref is not None else None
            if lacking is None:
                continue
            model, reads = lacking
            rels = sorted({rel for _, _, rel in reads})
            model_name = model.rsplit(".", 1)[-1]
            where = ", ".join(sorted({f"{path}:{line}" for path, line, _ in reads})[:3])
            self.report(
                ctx,
                func,
                f"`{name}()` returns `{model_name}` rows whose callers read lazy "
                f"{', '.join(f'`{model_name}.{r}`' for r in rels)} ({where}), and it has no "
                "eager-loading variant",
                hint=f"add `{name}{suffixes[0] if suffixes else '_with_relations'}()` using "
                f"`.options(selectinload({model_name}.{rels[0]}))`, or accept loader options",
                fix=with_relations_function(func, model, rels, ctx),
            )

    def visit_ClassDef(self, node: ast.ClassDef, ctx: Context) -> None:
        index = ctx.index
        cls = ctx.qualname_of_class(node)
        if not index.is_repository(cls):
            return
        model = index.repository_model(cls)
        if model is None:
            self._store_of_many_models(node, cls, ctx)
            return
        lazy = index.lazy_relationships(model)
        if not lazy:
            return
        methods = index.methods(cls)
        suffixes = tuple(ctx.settings.with_relations_suffixes)
        missing: list[str] = []
        for name in sorted(methods):
            if name.endswith(suffixes):
                continue
            wanted = name in ALWAYS_CHECKED or (
                _fetches_rows(name) and (cls, name) in index.facts.traversals
            )
            if wanted and not has_eager_path(index, cls, name, ctx.settings):
                missing.append(f"{name}()")
        if not missing:
            return
        rels = ", ".join(sorted(r.name for r in lazy))
        model_name = model.rsplit(".", 1)[-1]
        first = missing[0].rstrip("()")
        self.report(
            ctx,
            node,
            f"repository of `{model_name}` (lazy: {rels}) has no eager-loading path "
            f"for {', '.join(missing)}",
            hint=f"add `{first}{suffixes[0] if suffixes else '_with_relations'}()` using "
            f"`.options(selectinload({model_name}.<relationship>))`, or accept loader options",
            fix=with_relations_variants(node, cls, model, [m.rstrip("()") for m in missing], ctx),
        )

    def _store_of_many_models(self, node: ast.ClassDef, cls: str, ctx: Context) -> None:
        """A data-layer class serving several models (mlflow's `SqlAlchemyStore`): each
        `get_*`/`list_*` method (private ones too) whose rows callers read lazily."""
        index = ctx.index
        suffixes = tuple(ctx.settings.with_relations_suffixes)
        methods = index.methods(cls)
        for name in sorted(methods):
            reads = index.facts.traversals.get((cls, name))
            if not reads or not _fetches_rows(name) or name.endswith(suffixes):
                continue
            if any(f"{name}{s}" in methods for s in suffixes):
                continue
            returned = index.facts.facts(methods[name], cls).returns
            if not isinstance(returned, (InstanceT, RowsT, ResultT, QueryT)) or not returned.model:
                continue
            if returned.eager or has_eager_path(index, cls, name, ctx.settings):
                continue
            rels = sorted({rel for _, _, rel in reads})
            model_name = returned.model.rsplit(".", 1)[-1]
            where = ", ".join(sorted({f"{path}:{line}" for path, line, _ in reads})[:3])
            variant = f"{name}{suffixes[0] if suffixes else '_with_relations'}"
            self.report(
                ctx,
                node,
                f"`{name}()` returns `{model_name}` rows whose callers read lazy "
                f"{', '.join(f'`{model_name}.{r}`' for r in rels)} ({where}), and the "
                "class has no eager-loading variant",
                hint=f"add `{variant}()` using `.options(selectinload({model_name}.{rels[0]}))`, "
                "or accept loader options",
                fix=with_relations_variants(node, cls, returned.model, [name], ctx),
            )


def _fetches_rows(name: str) -> bool:
    """`get_*`/`list_*`, private ones (`_get_user`) included."""
    return name.lstrip("_").startswith(("get_", "list_"))
