"""Checklist items `unit-tests`, `integration-tests` and `pagination-tests`.

Tests are found and classified by `testsuite` and `classify`. A tests item is
n/a for a class that defines no method besides `__init__` (it only binds a
model to its base, whose own tests cover the code); `pagination-tests` is also
n/a when no public method paginates.
"""

from __future__ import annotations

import ast

from repolint.audit.classify import (
    exercises,
    integration_evidence,
    page_params,
    pages_asked,
    unit_evidence,
)
from repolint.audit.context import AuditContext, origin, verdict
from repolint.audit.model import FAIL, NA, PASS, Check
from repolint.audit.testsuite import TestCase, Where
from repolint.audit.units import Unit
from repolint.semantics.index import FunctionRef


def _only_binds_a_model(ctx: AuditContext, unit: Unit) -> str | None:
    if unit.kind != "class":
        return None
    node = ctx.index.classes[unit.qual][1]
    defs = [s for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if any(d.name != "__init__" for d in defs):
        return None
    bases = ", ".join(ast.unparse(b) for b in node.bases) or "object"
    return f"defines no method of its own (all from {bases})"


def _covering(ctx: AuditContext, unit: Unit) -> list[TestCase]:
    return [case for case in ctx.suite.tests if exercises(ctx.suite, case, unit)]


def _found(item: str, unit: Unit, case: TestCase, where: Where) -> Check:
    text = f"{case.name}: {where.text}"
    if where.module is not case.module or where.line != case.node.lineno:
        text += f" ({where.module.display}:{where.line})"
    return verdict(item, PASS, unit, text, path=case.module.display, line=case.node.lineno)


def _missing(
    item: str,
    unit: Unit,
    cases: list[TestCase],
    what: str,
    fix: str,
    at: FunctionRef | None = None,
) -> Check:
    if cases:
        names = ", ".join(c.name for c in cases[:3]) + (", ..." if len(cases) > 3 else "")
        message = f"{len(cases)} test(s) exercise it ({names}) but none {what}"
    else:
        message = "no test exercises it"
    return verdict(item, FAIL, unit, message, fix=fix, at=at)


def unit_tests(ctx: AuditContext, unit: Unit) -> Check:
    item = "unit-tests"
    why = _only_binds_a_model(ctx, unit)
    if why:
        return verdict(item, NA, unit, why)
    cases = _covering(ctx, unit)
    for case in cases:
        where = unit_evidence(ctx.suite, case, unit)
        if where is not None:
            return _found(item, unit, case, where)
    mock = "create_autospec(AsyncSession)" if unit.session == "async" else "MagicMock(spec=Session)"
    return _missing(
        item, unit, cases, "mocks its session", f"write unit tests with a mocked session (`{mock}`)"
    )


def integration_tests(ctx: AuditContext, unit: Unit) -> Check:
    item = "integration-tests"
    why = _only_binds_a_model(ctx, unit)
    if why:
        return verdict(item, NA, unit, why)
    cases = _covering(ctx, unit)
    for case in cases:
        where = integration_evidence(ctx.suite, case)
        if where is not None:
            return _found(item, unit, case, where)
    url = "sqlite+aiosqlite:///:memory:" if unit.session == "async" else "sqlite://"
    return _missing(
        item,
        unit,
        cases,
        "uses a real database",
        f"write integration tests on a test database (`{url}`, `metadata.create_all`)",
    )


def pagination_tests(ctx: AuditContext, unit: Unit) -> Check:
    item = "pagination-tests"
    why = _only_binds_a_model(ctx, unit)
    if why:
        return verdict(item, NA, unit, why)
    paging = {
        name: (ref, params)
        for name, ref in sorted(unit.functions.items())
        if not name.startswith("_") and (params := page_params(ref))
    }
    if not paging:
        return verdict(item, NA, unit, "nothing paginates")
    cases = _covering(ctx, unit)
    for case in cases:
        for name, (_, params) in paging.items():
            pages = pages_asked(case, name, params)
            if pages >= 2:
                where = Where(case.module, case.node.lineno, f"asks {name}() for {pages} pages")
                return _found(item, unit, case, where)
    name, (ref, params) = next(iter(paging.items()))
    param = next(iter(params))
    fix = f"test {name}() across several pages (`{param}=` for a first and a second page)"
    what = f"asks {origin(unit, ref)} for two different pages"
    return _missing(item, unit, cases, what, fix, at=ref)
