"""## What it does
Flags a repository whose model has at least one lazy relationship and that
defines or inherits `get_by_id` (or a `get_*`/`list_*` method whose results
callers traverse relationships on) with no eager-loading path for it.

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

## Options
`with-relations-suffixes` (default `["_with_relations"]`), `repository-suffixes`,
`repository-bases`.

## References
- [SQLAlchemy: relationship loading techniques](https://docs.sqlalchemy.org/en/20/orm/queryguide/relationships.html)
"""

from __future__ import annotations

import ast

from repolint.rules.base import Rule
from repolint.semantics.context import Context
from repolint.semantics.eager_paths import has_eager_path

ALWAYS_CHECKED = ("get_by_id",)


class MissingWithRelationsVariant(Rule):
    code = "RPL304"
    name = "missing-with-relations-variant"
    summary = "A repository has no eager-loading variant of get_by_id / traversed get_*/list_*"
    needs_whole_project = True  # reads the traversals of every module

    def visit_ClassDef(self, node: ast.ClassDef, ctx: Context) -> None:
        index = ctx.index
        cls = ctx.qualname_of_class(node)
        if not index.is_repository(cls):
            return
        model = index.repository_model(cls)
        if model is None:
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
                name.startswith(("get_", "list_")) and (cls, name) in index.facts.traversals
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
        )
