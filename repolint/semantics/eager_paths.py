"""Does a repository method have a way to eager-load? (RPL304)"""

from __future__ import annotations

import ast

from repolint.semantics.index import FunctionRef, ProjectIndex
from repolint.semantics.module import function_params, walk
from repolint.semantics.summaries import module_origin
from repolint.semantics.types import InstanceT, QueryT, ResultT, RowsT
from repolint.settings import Settings

LOADER_PARAM_NAMES = frozenset(
    {"options", "load", "loader_options", "load_options", "eager", "eager_load", "loads"}
)


def has_eager_path(index: ProjectIndex, cls: str, name: str, settings: Settings) -> bool:
    """True when `cls.name` can return its rows with relationships eager-loaded."""
    methods = index.methods(cls)
    if any(f"{name}{suffix}" in methods for suffix in settings.with_relations_suffixes):
        return True
    ref = methods.get(name)
    if ref is None:
        return True
    if takes_loader_options(ref):
        return True
    if _uses_hook(index, cls, ref, settings):
        return True
    returned = index.facts.facts(ref, cls).returns
    return isinstance(returned, (InstanceT, RowsT, ResultT, QueryT)) and bool(returned.eager)


def takes_loader_options(ref: FunctionRef) -> bool:
    node = ref.node
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    params = {arg.arg for arg, _ in function_params(node)[1:]}
    for sub in walk(node):
        if not isinstance(sub, ast.Call):
            continue
        if isinstance(sub.func, ast.Attribute) and sub.func.attr == "options":
            used = {n.id for a in sub.args for n in walk(a) if isinstance(n, ast.Name)}
            if used & params:
                return True
        for kw in sub.keywords:
            if kw.arg in LOADER_PARAM_NAMES and any(
                isinstance(n, ast.Name) and n.id in params for n in walk(kw.value)
            ):
                return True
    return False


def _uses_hook(index: ProjectIndex, cls: str, ref: FunctionRef, settings: Settings) -> bool:
    hooks = set(settings.eager_hooks)
    if not any(index.method(cls, h) is not None or index.class_attr_value(cls, h) for h in hooks):
        return False
    for method in [ref, *index.methods(cls).values()]:
        for sub in walk(method.node):
            if (
                isinstance(sub, ast.Call)
                and isinstance(sub.func, ast.Attribute)
                and sub.func.attr == "options"
            ):
                for arg in sub.args:
                    for n in walk(arg):
                        if isinstance(n, ast.Attribute) and n.attr in hooks:
                            return True
    return False


def function_lacking_twin(
    index: ProjectIndex, ref: FunctionRef, suffixes: tuple[str, ...]
) -> tuple[str, list[tuple[str, int, str]]] | None:
    """(model, callers' lazy reads) when the module-level `get_*`/`list_*` function `ref`
    returns rows whose relationships its callers read lazily, with no `_with_relations`
    function beside it and no eager path of its own: RPL304's finding, whose twin is the
    repair (so RPL301's fix does not load more in the plain function). In a data-layer
    module any such function; elsewhere one that runs its query itself and returns many
    rows."""
    module, name = ref.module, ref.node.name if hasattr(ref.node, "name") else ""
    if ref.owner is not None or module.is_test or not name.startswith(("get_", "list_")):
        return None
    if name.endswith(suffixes) or any(f"{name}{s}" in module.functions for s in suffixes):
        return None
    reads = index.facts.traversals.get((module_origin(module.name), name))
    if not reads:
        return None
    facts = index.facts.facts(ref)
    data_layer = index.in_repository_module(module)
    if not data_layer and not any(kind == "query" for _, _, kind in facts.db_sites):
        return None
    returned = facts.returns
    if not isinstance(returned, (InstanceT, RowsT, ResultT, QueryT)) or not returned.model:
        return None
    if returned.eager or takes_loader_options(ref):
        return None
    if not data_layer and isinstance(returned, InstanceT):
        return None  # elsewhere, one row read lazily costs one query, not N
    return returned.model, reads
