"""Run an audit: check the files, find the repositories and tests, score, summarise."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from repolint.audit.checks_async import async_base, async_session_init
from repolint.audit.checks_quality import docstrings, not_found_error
from repolint.audit.checks_reads import (
    get_by_id,
    get_by_id_with_relations,
    list_method,
    selectinload,
)
from repolint.audit.checks_tests import integration_tests, pagination_tests, unit_tests
from repolint.audit.context import AuditContext
from repolint.audit.model import ITEM_IDS, NA, AuditReport, Check, RepositoryAudit
from repolint.audit.summary import summarize
from repolint.audit.testsuite import TestSuite
from repolint.audit.units import Unit, find_units, is_test_module
from repolint.findings import FileError, Finding
from repolint.runner import run
from repolint.settings import Settings

CHECKS: tuple[Callable[[AuditContext, Unit], Check], ...] = (
    async_base,
    async_session_init,
    get_by_id,
    get_by_id_with_relations,
    list_method,
    selectinload,
    unit_tests,
    integration_tests,
    docstrings,
    not_found_error,
    pagination_tests,
)
"""One function per checklist item, in the order of `model.ITEMS`."""


@dataclass
class AuditRun:
    """An audit and the run behind it."""

    report: AuditReport
    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    files_checked: int = 0


def run_audit(paths: Sequence[str], settings: Settings) -> AuditRun:
    """Check `paths` as `repolint check` does, then audit their repositories."""
    result = run(paths, settings)
    project = result.project
    if project is None:
        return AuditRun(AuditReport([], []), result.findings, result.errors, result.files_checked)
    index = project.index
    target_ids = {id(m) for m in project.targets}
    tests = [m for m in project.targets if is_test_module(m)]
    conftests = [
        m for m in project.modules if m.path.name == "conftest.py" and id(m) not in target_ids
    ]
    suite = TestSuite(index, tests + conftests)
    units = find_units(index, project.targets, settings)
    ctx = AuditContext(index, settings, suite)
    audits = [
        RepositoryAudit(
            name=unit.name,
            kind=unit.kind,
            path=unit.module.display,
            line=unit.line,
            model=unit.model_name,
            session=unit.session,
            checks=[_safely(check, ctx, unit) for check in CHECKS],
        )
        for unit in units
    ]
    summary = summarize(units, audits, result.findings, index, project.targets, settings)
    report = AuditReport(audits, summary, tests_found=len(suite.tests))
    elsewhere = [
        m
        for m in project.modules
        if id(m) not in target_ids and is_test_module(m) and m.path.name != "conftest.py"
    ]
    if not suite.tests and elsewhere and units:
        report.notes.append(
            f"no test among the paths given, but the project has {len(elsewhere)} test "
            "file(s) elsewhere: add their folder to the paths (repolint audit app tests)"
        )
    return AuditRun(report, result.findings, result.errors, result.files_checked)


def _safely(check: Callable[[AuditContext, Unit], Check], ctx: AuditContext, unit: Unit) -> Check:
    """The check's verdict; n/a when the code is too deeply nested to analyse."""
    try:
        return check(ctx, unit)
    except RecursionError:
        item = ITEM_IDS[CHECKS.index(check)]
        return Check(item, NA, unit.module.display, unit.line, "too deeply nested to analyse")
