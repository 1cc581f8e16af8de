"""Does a repository method have a way to eager-load? (RPL304)"""

from __future__ import annotations

import ast

from repolint.semantics.index import FunctionRef, ProjectIndex
from repolint.semantics.module import function_params, walk
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
