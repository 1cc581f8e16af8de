"""Checklist items `async-base` and `async-session-init`.

- `async-base`: pass when a project ancestor is an async base: one of the
  `async-bases` (default `AsyncBaseRepository`), or any generic class of the
  project (`Generic[T]`, `Base[ModelT]`) whose own methods are `async def` over
  an `AsyncSession` (held or taken per call); n/a for an async base itself, for
  a module of functions, and for a repository without a model. The fix names the
  project's own async base when it has one.
- `async-session-init`: pass when `__init__` (own or inherited) takes an
  `AsyncSession`; fail when it takes a sync one or none; n/a for a module of
  functions (they take the session per call, which the summary counts).
"""

from __future__ import annotations

import ast

from repolint.audit.context import AuditContext, origin, verdict
from repolint.audit.model import FAIL, NA, PASS, Check
from repolint.audit.units import Unit, is_generic, is_interface
from repolint.semantics.module import function_params
from repolint.semantics.types import SessionT


def _named(qual: str, names: tuple[str, ...]) -> bool:
    return qual in names or qual.rsplit(".", 1)[-1] in names


def is_async_base(ctx: AuditContext, qual: str) -> bool:
    """One of the `async-bases`, or a generic project class whose own methods are
    `async def` over an async session."""
    if _named(qual, ctx.settings.async_bases):
        return True
    index = ctx.index
    if qual not in index.classes or not is_generic(index, qual):
        return False
    if index.repository_model(qual) is not None or is_interface(index, qual):
        return False  # `UserRepository(Base[User])` is bound to a model; a Protocol declares
    node = index.classes[qual][1]
    if not any(isinstance(s, ast.AsyncFunctionDef) for s in node.body):
        return False
    return index.facts.class_session_kind(qual) == "async"


def _project_async_base(ctx: AuditContext) -> str | None:
    """The short name of the project's own async base (one with subclasses), if any."""
    if "async-base" not in ctx.memo:
        ctx.memo["async-base"] = next(
            (
                qual.rsplit(".", 1)[-1]
                for qual, (module, _) in ctx.index.classes.items()
                if not module.is_test and ctx.index.subclasses(qual) and is_async_base(ctx, qual)
            ),
            None,
        )
    found = ctx.memo["async-base"]
    return found if isinstance(found, str) else None


def async_base(ctx: AuditContext, unit: Unit) -> Check:
    item = "async-base"
    bases = ctx.settings.async_bases
    wanted = _project_async_base(ctx) or (bases[0] if bases else "AsyncBaseRepository")
    if unit.kind == "module":
        return verdict(item, NA, unit, "module functions have no base class")
    index = ctx.index
    for cls in index.mro(unit.qual):
        for base, expr, _ in index.bases(cls):
            if base and (_named(base, bases) or is_async_base(ctx, base)):
                via = "" if cls == unit.qual else f" through {cls.rsplit('.', 1)[-1]}"
                line = index.classes[cls][1].lineno
                path = index.classes[cls][0].display
                return verdict(
                    item, PASS, unit, f"inherits {ast.unparse(expr)}{via}", path=path, line=line
                )
    if is_async_base(ctx, unit.qual):
        return verdict(item, NA, unit, f"{unit.name} is an async base itself")
    if unit.modelless:
        return verdict(item, NA, unit, f"no model: {wanted}[Model] does not fit a query-only class")
    own = [ast.unparse(b) for b in index.classes[unit.qual][1].bases]
    found = f"inherits {', '.join(own)}" if own else "no base class"
    model = unit.model_name or "Model"
    return verdict(
        item,
        FAIL,
        unit,
        f"{found}, not an async base ({wanted})",
        fix=f"inherit from `{wanted}[{model}]`",
    )


def async_session_init(ctx: AuditContext, unit: Unit) -> Check:
    item = "async-session-init"
    if unit.kind == "module":
        kind = {"sync": "a sync Session", "async": "an AsyncSession"}.get(unit.session or "", "?")
        return verdict(item, NA, unit, f"module functions take the session per call ({kind})")
    fix = "take the session in `__init__(self, db: AsyncSession)`"
    init = ctx.index.method(unit.qual, "__init__")
    if init is None:
        message = f"no __init__ taking a session{_per_call(ctx, unit)}"
        return verdict(item, FAIL, unit, message, fix=fix)
    params = ctx.index.facts.facts(init, unit.qual).params
    sessions = {name: t.kind for name, t in params.items() if isinstance(t, SessionT)}
    shown = _param_text(init.node, sessions)  # type: ignore[arg-type]
    where = origin(unit, init).replace("__init__()", f"__init__({shown})")
    if "async" in sessions.values():
        return verdict(item, PASS, unit, where, at=init)
    if "sync" in sessions.values():
        return verdict(item, FAIL, unit, f"{where}: a sync session", at=init, fix=fix)
    return verdict(
        item, FAIL, unit, f"__init__ takes no session{_per_call(ctx, unit)}", at=init, fix=fix
    )


def _per_call(ctx: AuditContext, unit: Unit) -> str:
    """`; get() takes one per call` when the methods receive the session instead."""
    for name, ref in sorted(unit.functions.items()):
        params = ctx.index.facts.facts(ref, unit.qual).params.values()
        if not name.startswith("_") and any(isinstance(t, SessionT) for t in params):
            return f"; {name}() takes one per call"
    return ""


def _param_text(node: ast.FunctionDef | ast.AsyncFunctionDef, sessions: dict[str, str]) -> str:
    for arg, _ in function_params(node):
        if arg.arg in sessions:
            note = f": {ast.unparse(arg.annotation)}" if arg.annotation else ""
            return f"{arg.arg}{note}"
    return "..."
