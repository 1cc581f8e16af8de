"""The names a method copied into another module needs there: the imports to add, and its
type variables spelt as the class that copies it binds them (`ModelType` -> `Block`)."""

from __future__ import annotations

import ast
import builtins
from collections.abc import Mapping

from repolint.fixes.edits import Edit, end_of, start_of
from repolint.fixes.locate import InModule
from repolint.semantics.module import ModuleInfo

Needed = dict[str, list[str]]
"""Module -> the names to import from it, in the order first read."""


def names_for_copy(
    method: ast.FunctionDef | ast.AsyncFunctionDef,
    base: InModule,
    target: InModule,
    type_args: Mapping[str, tuple[ModuleInfo, ast.expr]],
) -> tuple[list[Edit], Needed] | None:
    """Edits of `method`'s text (positions of `base`'s lines) that spell each type variable
    of its annotations as the argument the copying class gives it (written in `target`),
    and the `from module import name` lines `target` lacks for the other global names it
    reads. None when one cannot be had: a type variable read in the body, a name that
    `target` binds to something else, an import under another name, a global of `base`
    that is not imported."""
    local = _bound_in(method)
    edits: list[Edit] = []
    needed: Needed = {}
    annotations = _annotation_names(method)
    for node in ast.walk(method):
        if not isinstance(node, ast.Name) or not isinstance(node.ctx, ast.Load):
            continue
        name = node.id
        if name in local:
            continue
        qual = _global_in(base.module, name)
        if qual is not None and qual in type_args:
            home, expr = type_args[qual]
            end = end_of(node, base.module.lines)
            if home is not target.module or id(node) not in annotations or end is None:
                return None
            start = start_of(node, base.module.lines)
            edits.append(Edit("", start[0], start[1], end[0], end[1], ast.unparse(expr)))
            continue
        if qual is None:
            if hasattr(builtins, name) and _global_in(target.module, name) is None:
                continue
            return None
        have = _global_in(target.module, name)
        if have == qual:
            continue
        module, _, attr = qual.rpartition(".")
        if have is not None or attr != name or not module:
            return None
        if name not in needed.setdefault(module, []):
            needed[module].append(name)
    return edits, needed


def _global_in(module: ModuleInfo, name: str) -> str | None:
    """What a module-level `name` of `module` is: the import's target, or the module's own
    definition (`pkg.mod.name`); None when the module does not bind it."""
    if name in module.imports.aliases:
        return module.imports.aliases[name]
    own = f"{module.name}.{name}" if module.name else name
    for stmt in module.tree.body:
        if getattr(stmt, "name", None) == name:  # a `def` or a `class`
            return own
        targets: list[ast.expr] = []
        if isinstance(stmt, ast.Assign):
            targets = list(stmt.targets)
        elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
            targets = [stmt.target]
        if any(isinstance(n, ast.Name) and n.id == name for t in targets for n in ast.walk(t)):
            return own
    return None


def _bound_in(method: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Parameters and every name the method assigns (its locals)."""
    args = method.args
    params = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    bound = {a.arg for a in params if a is not None}
    for node in ast.walk(method):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return bound


def _annotation_names(method: ast.FunctionDef | ast.AsyncFunctionDef) -> set[int]:
    """The ids of the name nodes inside the method's parameter and return annotations."""
    args = method.args
    params = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    roots = [a.annotation for a in params if a is not None and a.annotation is not None]
    if method.returns is not None:
        roots.append(method.returns)
    return {id(n) for root in roots for n in ast.walk(root) if isinstance(n, ast.Name)}
