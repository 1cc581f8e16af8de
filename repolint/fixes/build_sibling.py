"""RPL301's fix for rows of a repository method that has no eager-loading sibling and that
RPL304 asks none for (it is not a `get_*`/`list_*`): write `<method>_with_relations()`
after the method (as RPL304's fix writes one, loading every relationship callers
traverse on its rows) and call it instead, in one fix."""

from __future__ import annotations

import ast
from collections.abc import Sequence

from repolint.fixes.build_variant import traversed_relationships, twin
from repolint.fixes.edits import Applicability, Fix, end_of, fix, replace
from repolint.fixes.loaders import loader_imports
from repolint.fixes.locate import ModuleView
from repolint.semantics.context import Context
from repolint.semantics.models import Relationship
from repolint.semantics.types import InstanceT

RPL304_NAMES = ("get_", "list_")
"""Methods RPL304 writes twins for (with `get_by_id`): its fix, not this one, does."""


def write_and_call_sibling(
    call: ast.Call,
    func: ast.Attribute,
    instance: InstanceT,
    rels: Sequence[Relationship],
    ctx: Context,
) -> Fix | None:
    """`NoteRepo(db).notes()` -> `NoteRepo(db).notes_with_relations()`, the method written
    after `notes()` in its class (its own text, the loading added to its statement)."""
    suffixes = ctx.settings.with_relations_suffixes
    project_call = ctx.project_call(call)
    if not suffixes or project_call is None:
        return None
    index = ctx.index
    ref = index.functions.get(project_call.qual)
    name = func.attr
    if ref is None or ref.owner is None or getattr(ref.node, "name", None) != name:
        return None
    method = ref.node
    if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) or method.decorator_list:
        return None
    owner = project_call.self_cls or ref.owner
    if name.startswith(RPL304_NAMES) or not index.is_repository(ref.owner):
        return None
    new_name = f"{name}{suffixes[0]}"
    if index.method(owner, new_name) is not None or index.method(ref.owner, new_name):
        return None  # a sibling that does not load enough: left to a person
    cls = index.classes[ref.owner][1]
    if any(getattr(s, "name", None) == new_name for s in cls.body):
        return None
    wanted = list(traversed_relationships(ref.owner, instance.model, name, ctx))
    if not wanted:
        return None
    wanted += [r for r in rels if all(w.name != r.name for w in wanted)]
    home = ModuleView(ref.module, index)
    made = twin(method, new_name, instance.model, wanted, ctx, 1, home=home)
    end = end_of(func, ctx.module.lines)
    if made is None or end is None:
        return None
    imported = loader_imports(home, made[1])
    if imported is None:
        return None
    switch = replace(ctx.module.display, (end[0], end[1] - len(name)), end, new_name)
    return fix(
        Applicability.UNSAFE,
        f"Add `{new_name}()`, which eager-loads what is read, and call it",
        [made[0], *imported, switch],
    )
