"""Checklist items `docstrings` and `not-found-error`.

- `docstrings`: every public method defined in the class itself (no leading
  underscore, `@overload` stubs aside), or every public data function of the
  module, has a docstring; n/a when there is none.
- `not-found-error`: a method (own or inherited) raises or catches one of the
  `not-found-errors` (names or globs, default `RecordNotFoundError` and
  `*NotFoundError`) or a project subclass of one (the fix names the project's own
  such exception when it has one); n/a when nothing looks up a single row (no
  `get_by_id()`, `get()`, `get_one()`, `get_<model>_by_*()`..., no method
  returning one loaded instance).
"""

from __future__ import annotations

import ast
from fnmatch import fnmatchcase

from repolint.audit.checks_reads import find, get_by_id_names, snake
from repolint.audit.context import AuditContext, origin, verdict
from repolint.audit.model import FAIL, NA, PASS, Check
from repolint.audit.units import Unit
from repolint.semantics.index import FunctionRef
from repolint.semantics.module import ModuleInfo
from repolint.semantics.types import InstanceT


def docstrings(ctx: AuditContext, unit: Unit) -> Check:
    item = "docstrings"
    what = "methods" if unit.kind == "class" else "functions"
    if not unit.public:
        return verdict(item, NA, unit, f"no public {what} of its own")
    missing = [r for r in unit.public if ast.get_docstring(r.node) is None]  # type: ignore[arg-type]
    if not missing:
        count = len(unit.public)
        what = what if count > 1 else what[:-1]
        return verdict(item, PASS, unit, f"{count} public {what} documented")
    names = ", ".join(f"{r.node.name}()" for r in missing)  # type: ignore[union-attr]
    return verdict(
        item,
        FAIL,
        unit,
        f"no docstring: {names}",
        at=missing[0],
        fix=f"document {names}: what each queries and loads",
    )


def not_found_error(ctx: AuditContext, unit: Unit) -> Check:
    item = "not-found-error"
    lookup = _single_row_lookup(ctx, unit)
    if lookup is None:
        return verdict(item, NA, unit, "nothing looks up a single row")
    names = ctx.settings.not_found_errors
    wanted = project_error(ctx) or (names[0] if names else "RecordNotFoundError")
    refs = sorted(unit.functions.values(), key=lambda r: (r.module.display, r.node.lineno))
    for ref in refs:
        for node in ast.walk(ref.node):
            found = _raised_or_caught(ctx, node, ref.module)
            if found:
                how, name = found
                return verdict(
                    item,
                    PASS,
                    unit,
                    f"{origin(unit, ref)} {how} {name}",
                    path=ref.module.display,
                    line=node.lineno,  # type: ignore[attr-defined]
                )
    return verdict(
        item,
        FAIL,
        unit,
        f"{origin(unit, lookup)} looks up one row; nothing raises or handles {wanted}",
        at=lookup,
        fix=f"add `get_or_raise(id)` raising `{wanted}`",
    )


def project_error(ctx: AuditContext) -> str | None:
    """The project's own not-found exception (a class matching `not-found-errors`
    outside the tests), for fixes that raise what the code base already has."""
    if "not-found" not in ctx.memo:
        ctx.memo["not-found"] = next(
            (
                qual.rsplit(".", 1)[-1]
                for qual, (module, _) in ctx.index.classes.items()
                if not module.is_test and _listed(qual, ctx.settings.not_found_errors)
            ),
            None,
        )
    found = ctx.memo["not-found"]
    return found if isinstance(found, str) else None


LOOKUP_NAMES = ("get", "get_one", "get_one_or_none", "get_or_raise", "get_or_404", "find_one")


def _single_row_lookup(ctx: AuditContext, unit: Unit) -> FunctionRef | None:
    """A method that fetches one row: `get_by_id()`, `get()`..., or one returning an instance."""
    if unit.modelless:
        return None
    ref = find(unit, [*get_by_id_names(unit), *LOOKUP_NAMES])
    if ref is not None:
        return ref
    by = ("get_by_", f"get_{snake(unit.model_name)}_by_" if unit.model_name else "get_by_")
    readers = ("get_", "read_", "find_", "fetch_", "load_")
    public = sorted(
        ((n, r) for n, r in unit.functions.items() if not n.startswith("_")),
        key=lambda item: (not item[0].startswith(readers), item[0]),
    )
    for name, ref in public:
        if name.startswith(by) or isinstance(
            ctx.index.facts.facts(ref, unit.self_cls).returns, InstanceT
        ):
            return ref
    return None


def _raised_or_caught(
    ctx: AuditContext, node: ast.AST, module: ModuleInfo
) -> tuple[str, str] | None:
    if isinstance(node, ast.Raise) and node.exc is not None:
        exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        name = _not_found_name(ctx, exc, module)
        return ("raises", name) if name else None
    if isinstance(node, ast.ExceptHandler) and node.type is not None:
        types = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
        for t in types:
            name = _not_found_name(ctx, t, module)
            if name:
                return ("handles", name)
    return None


def _not_found_name(ctx: AuditContext, expr: ast.AST, module: ModuleInfo) -> str | None:
    """The exception's name when it is a configured not-found error or a subclass of one."""
    qual = module.imports.qualify(expr)
    if qual is None:
        return None
    qual = ctx.index.canonical(qual) or qual
    short = qual.rsplit(".", 1)[-1]
    if _listed(qual, ctx.settings.not_found_errors):
        return short
    if qual in ctx.index.classes:
        ancestors = set(ctx.index.mro(qual)) | ctx.index.all_base_names(qual)
        if any(_listed(a, ctx.settings.not_found_errors) for a in ancestors):
            return short
    return None


def _listed(qual: str, patterns: tuple[str, ...]) -> bool:
    """`qual` or its last name matches one of the names or globs (`*NotFound*`)."""
    short = qual.rsplit(".", 1)[-1]
    return any(fnmatchcase(qual, p) or fnmatchcase(short, p) for p in patterns)
