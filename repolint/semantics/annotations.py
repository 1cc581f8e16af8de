"""Annotations and `Depends(...)`: the type a parameter or a return annotation promises.

A name in an annotation that is a module-level value (`db: SessionLocal`) is
evaluated by the fact store (`FactStore.eval_in_module`), with a flow.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from repolint.semantics.flow_helpers import _is_generator, _kw, _last
from repolint.semantics.module import ModuleInfo, parse_annotation
from repolint.semantics.names import (
    ANNOTATED,
    ASYNC_ENGINE_CLASSES,
    ASYNC_SESSION_CLASSES,
    ASYNC_SESSIONMAKERS,
    BACKGROUND_TASKS,
    DEPENDS,
    ITERATOR_WRAPPERS,
    SCOPED_SESSION_CLASSES,
    SYNC_ENGINE_CLASSES,
    SYNC_SESSION_CLASSES,
    SYNC_SESSIONMAKERS,
)
from repolint.semantics.refs import FunctionRef
from repolint.semantics.types import (
    BackgroundTasksT,
    ClassT,
    EngineT,
    FuncT,
    ObjT,
    SessionFactoryT,
    SessionT,
    merge,
)

if TYPE_CHECKING:
    from repolint.semantics.index import ProjectIndex

TypeArguments = dict[str, tuple[ModuleInfo, ast.expr]]
"""Type variable -> the module and expression a generic subclass gives it."""


def annotation_type(
    index: ProjectIndex,
    module: ModuleInfo,
    ann: ast.AST | None,
    depth: int = 0,
    subst: TypeArguments | None = None,
) -> object | None:
    """The type a parameter annotation promises: sessions, project classes, aliases; a
    type variable stands for what `subst` (the subclass's generic arguments) gives it."""
    if ann is None or depth > 8:
        return None
    if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
        try:
            ann = parse_annotation(ann.value)
        except SyntaxError:
            return None
    if isinstance(ann, ast.BinOp) and isinstance(ann.op, ast.BitOr):
        sides = [annotation_type(index, module, s, depth + 1, subst) for s in (ann.left, ann.right)]
        return _one_of(sides)
    if isinstance(ann, ast.Subscript):
        head = module.imports.qualify(ann.value) or ""
        inner = ann.slice
        elts = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        if head in ANNOTATED or _last(head) in ("Annotated", "ClassVar"):
            return annotation_type(index, module, elts[0], depth + 1, subst)
        if _last(head) in ("Optional", "Union"):
            return _one_of([annotation_type(index, module, e, depth + 1, subst) for e in elts])
        return None
    if not isinstance(ann, (ast.Name, ast.Attribute)):
        return None
    qual = module.imports.qualify(ann)
    if qual is None:
        return None
    if qual in SYNC_SESSION_CLASSES:
        return SessionT("sync", received=True, scoped=qual in SCOPED_SESSION_CLASSES)
    if qual in ASYNC_SESSION_CLASSES:
        return SessionT("async", received=True, scoped=qual in SCOPED_SESSION_CLASSES)
    if qual in BACKGROUND_TASKS:
        return BackgroundTasksT()
    if qual in SYNC_SESSIONMAKERS or qual in ASYNC_SESSIONMAKERS:  # `factory: sessionmaker`
        return SessionFactoryT("async" if qual in ASYNC_SESSIONMAKERS else "sync")
    if qual in SYNC_ENGINE_CLASSES:
        return EngineT("sync")
    if qual in ASYNC_ENGINE_CLASSES:
        return EngineT("async")
    sym = index.lookup(qual)
    if sym is None:
        return None
    if sym.kind == "class":
        if index.is_model(sym.qual):
            return None
        return ObjT(sym.qual)
    if subst and sym.qual in subst:  # `-> EngineT` in a base, `Base[Engine]` in the subclass
        arg_module, arg = subst[sym.qual]
        return annotation_type(index, arg_module, arg, depth + 1)
    if sym.kind == "var" and sym.node is not None:
        if isinstance(sym.node, ast.Call):  # `db: SessionLocal` names a sessionmaker instance
            called = _last(sym.module.imports.qualify(sym.node.func) or "")
            if called == "NewType" and len(sym.node.args) == 2:  # `NewType("Ro", AsyncSession)`
                return annotation_type(index, sym.module, sym.node.args[1], depth + 1)
            value = index.facts.eval_in_module(sym.module, sym.node)
            if isinstance(value, SessionFactoryT):
                return SessionT(value.kind, received=True)
            return None
        return annotation_type(index, sym.module, sym.node, depth + 1)
    return None


def _one_of(options: list[object | None]) -> object | None:
    """A union's type: what its known members agree on (`Session | None` is a Session).
    `AsyncSession | Session` (or the two sessionmakers) is either: typed sync, so that no
    call is taken for a coroutine never awaited, while `await s.execute()` and `async
    with` still show the async one where the code uses it so."""
    known = [t for t in options if t is not None]
    joined = known[0] if known else None
    for t in known[1:]:
        joined = merge(joined, t)
    if joined is None and known and all(isinstance(t, (SessionT, SessionFactoryT)) for t in known):
        kinds = {type(t) for t in known}
        if len(kinds) == 1:
            return next(t for t in known if t.kind == "sync")  # type: ignore[attr-defined]
    return joined


def declared_return(
    index: ProjectIndex, ref: FunctionRef, self_cls: str | None = None
) -> object | None:
    """What a function's return annotation promises, for bodies the flow cannot type:
    `-> Session`, `-> Iterator[Session]` (a generator provider), `-> Repo`."""
    node = ref.node
    returns = getattr(node, "returns", None)
    if returns is None:
        return None
    if isinstance(returns, ast.Subscript):
        head = _last(ref.module.imports.qualify(returns.value) or "")
        if head in ITERATOR_WRAPPERS:
            inner = returns.slice
            returns = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
    subst = index.type_arguments(self_cls) if self_cls else None
    found = annotation_type(index, ref.module, returns, subst=subst)
    return found if isinstance(found, (SessionT, ObjT, EngineT, SessionFactoryT)) else None


def depends_target(module: ModuleInfo, expr: ast.AST | None) -> ast.AST | bool | None:
    """The callable inside `Depends(x)`; True for a bare `Depends()`; None when not Depends."""
    if not isinstance(expr, ast.Call):
        return None
    qual = module.imports.qualify(expr.func) or ""
    if qual not in DEPENDS and _last(qual) not in ("Depends", "Security"):
        return None
    if expr.args:
        return expr.args[0]
    dep = _kw(expr, "dependency")
    return dep if dep is not None else True


def _annotated_depends(
    index: ProjectIndex, module: ModuleInfo, ann: ast.AST | None, depth: int = 0
) -> tuple[ModuleInfo, ast.AST | bool | None] | None:
    if ann is None or depth > 8:
        return None
    if isinstance(ann, ast.Subscript):
        head = module.imports.qualify(ann.value) or ""
        if head in ANNOTATED or _last(head) == "Annotated":
            elts = ann.slice.elts if isinstance(ann.slice, ast.Tuple) else []
            for meta in elts[1:]:
                target = depends_target(module, meta)
                if target is not None:
                    return module, target
        return None
    if isinstance(ann, (ast.Name, ast.Attribute)):
        qual = module.imports.qualify(ann)
        sym = index.lookup(qual) if qual else None
        if sym is not None and sym.kind == "var" and sym.node is not None:
            return _annotated_depends(index, sym.module, sym.node, depth + 1)
    return None


def param_type(
    index: ProjectIndex,
    module: ModuleInfo,
    ann: ast.AST | None,
    default: ast.AST | None,
    subst: TypeArguments | None = None,
) -> object | None:
    """A parameter's type from its annotation and its `Depends(...)`."""
    declared = annotation_type(index, module, ann, subst=subst)
    if isinstance(declared, SessionT):
        return declared
    dep_module, target = module, depends_target(module, default)
    if target is None:
        found = _annotated_depends(index, module, ann)
        if found is not None:
            dep_module, target = found
    if target is None:
        return declared
    if target is True:
        return declared
    value = index.facts.eval_in_module(dep_module, target)  # type: ignore[arg-type]
    if isinstance(value, FuncT):
        ref = index.functions.get(value.key)
        if ref is None:
            return declared
        facts = index.facts.facts(ref)
        produced = facts.yields if _is_generator(ref.node) else facts.returns
        if produced is None:
            produced = declared_return(index, ref)
        if isinstance(produced, SessionT):
            return SessionT(produced.kind, received=True, scoped=produced.scoped)
        return produced if produced is not None else declared
    if isinstance(value, ClassT):
        return ObjT(value.cls)
    if isinstance(value, SessionFactoryT):
        return SessionT(value.kind, received=True)
    return declared


def dependency_function(
    index: ProjectIndex, module: ModuleInfo, arg: ast.arg, default: ast.expr | None
) -> FunctionRef | None:
    """The project function whose result FastAPI passes for a parameter: `Depends(f)` as
    its default or in its `Annotated[..., Depends(f)]` (also through a type alias)."""
    dep_module, target = module, depends_target(module, default)
    if target is None:
        found = _annotated_depends(index, module, arg.annotation)
        if found is not None:
            dep_module, target = found
    if target is None or target is True:
        return None
    value = index.facts.eval_in_module(dep_module, target)  # type: ignore[arg-type]
    return index.functions.get(value.key) if isinstance(value, FuncT) else None
