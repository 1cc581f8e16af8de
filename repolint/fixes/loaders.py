"""Which loader option a fix writes for a relationship, and the imports it needs.

`joinedload(Model.rel)` for a many-to-one (one row per row: no duplicates, no
`.unique()` needed) that the project already loads with `joinedload` somewhere
(`joinedload(Loan.book)`, `selectinload(Member.loans).joinedload(Loan.book)`);
`selectinload(Model.rel)` for anything else.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from repolint.fixes.edits import Edit
from repolint.fixes.locate import InModule, import_edits, local_name_of
from repolint.semantics.models import Relationship

if TYPE_CHECKING:
    from repolint.semantics.index import ProjectIndex
    from repolint.semantics.module import ModuleInfo

SELECTINLOAD = "sqlalchemy.orm.selectinload"
JOINEDLOAD = "sqlalchemy.orm.joinedload"

_JOINED: WeakKeyDictionary[ProjectIndex, frozenset[tuple[str, str]]] = WeakKeyDictionary()


def loader_for(where: InModule, model: str, rel: Relationship) -> str:
    """The qualified loader function a fix uses for `rel` read on rows of `model`."""
    if rel.collection is False:
        joined = joined_relationships(where.index)
        if (model, rel.name) in joined or (rel.owner, rel.name) in joined:
            return JOINEDLOAD
    return SELECTINLOAD


def loader_name(where: InModule, qual: str) -> str:
    """The name the module has (or will have once imported) for the loader `qual`."""
    return local_name_of(where, qual) or qual.rsplit(".", 1)[-1]


def load_options(
    where: InModule, entity: str, model: str, rels: Sequence[Relationship]
) -> tuple[str, list[str]]:
    """`selectinload(Entity.a), joinedload(Entity.b)` for `rels`, and the qualified loaders
    it uses."""
    used: list[str] = []
    parts: list[str] = []
    for rel in rels:
        qual = loader_for(where, model, rel)
        if qual not in used:
            used.append(qual)
        parts.append(f"{loader_name(where, qual)}({entity}.{rel.name})")
    return ", ".join(parts), used


def loader_imports(where: InModule, loaders: Sequence[str]) -> list[Edit] | None:
    """The edits importing the loaders of `loaders` the module lacks (none when it has
    them all); None when they cannot be written."""
    missing = [q.rsplit(".", 1)[-1] for q in loaders if local_name_of(where, q) is None]
    if not missing:
        return []
    return import_edits(where, "sqlalchemy.orm", missing)


def loaders_named(used: Sequence[str]) -> str:
    """`selectinload` / `joinedload` / `selectinload` and `joinedload`, for a fix's message."""
    return " and ".join(f"`{q.rsplit('.', 1)[-1]}`" for q in used)


def joined_relationships(index: ProjectIndex) -> frozenset[tuple[str, str]]:
    """(model, relationship) pairs the project's code loads with `joinedload(Model.rel)`
    (test modules left out); computed once per analysis."""
    found = _JOINED.get(index)
    if found is None:
        pairs: set[tuple[str, str]] = set()
        for module in index.modules.values():
            if not module.is_test:
                pairs.update(_joined_in(module, index))
        found = _JOINED[index] = frozenset(pairs)
    return found


def _joined_in(module: ModuleInfo, index: ProjectIndex) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    if "joinedload" not in "\n".join(module.lines):
        return pairs
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.Call) or len(node.args) != 1:
            continue
        func, arg = node.func, node.args[0]
        if isinstance(func, ast.Attribute):
            joined = func.attr == "joinedload"  # chained: `selectinload(A.b).joinedload(B.c)`
        else:
            joined = module.imports.qualify(func) == JOINEDLOAD
        if not joined or not isinstance(arg, ast.Attribute) or not isinstance(arg.value, ast.Name):
            continue
        model = index.canonical(module.imports.qualify(arg.value))
        if model is not None:
            pairs.add((model, arg.attr))
    return pairs
