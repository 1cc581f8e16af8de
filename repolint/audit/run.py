"""Run an audit: check the files, find the repositories and tests, score, summarise."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from repolint.audit.actions import fix_first
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
from repolint.config import PARSE_ERROR_CODE
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
            qual=unit.qual,
            role=unit.role,
            end_line=unit.end_line,
            subclasses=sorted(
                u.name for u in units if u.role == "repository" and u.qual in _below(unit)
            ),
        )
        for unit in units
    ]
    scored = [(u, a) for u, a in zip(units, audits, strict=True) if a.role == "repository"]
    repos = [a for _, a in scored]
    bases = [a for a in audits if a.role == "base"]
    summary = summarize(
        [u for u, _ in scored], repos, result.findings, project.targets, settings, bases
    )
    report = AuditReport(repos, summary, tests_found=len(suite.tests), bases=bases)
    report.actions = fix_first(repos, bases, summary, len(suite.tests))
    elsewhere = [
        m
        for m in project.modules
        if id(m) not in target_ids and is_test_module(m) and m.path.name != "conftest.py"
    ]
    report.notes += notes(report, result.findings, settings, len(elsewhere))
    return AuditRun(report, result.findings, result.errors, result.files_checked)


def notes(
    report: AuditReport, findings: Sequence[Finding], settings: Settings, elsewhere: int
) -> list[str]:
    """What the report could not read: unparsed files, no tests, no repository."""
    out = []
    unparsed = sorted({f.path for f in findings if f.code == PARSE_ERROR_CODE})
    if unparsed:
        shown = ", ".join(unparsed[:3]) + (
            f" and {len(unparsed) - 3} more" if len(unparsed) > 3 else ""
        )
        out.append(
            f"{len(unparsed)} file(s) did not parse (RPL000): {shown}; "
            "what they define is not scored"
        )
    if not report.repositories and not report.bases:
        suffixes = ", ".join(f"*{s}" for s in settings.repository_suffixes)
        out.append(
            f"no repository found: looked for classes named {suffixes} (or deriving from "
            "`repository-bases`) that hold or receive a session, and modules of functions "
            "taking a session in `repository-modules`"
        )
    elif not report.tests_found:
        if elsewhere:
            out.append(
                f"no test among the paths given, but the project has {elsewhere} test "
                "file(s) elsewhere: add their folder to the paths (repolint audit app tests)"
            )
        else:
            out.append(
                "no test found among the paths given: the unit-tests, integration-tests and "
                "pagination-tests items fail for want of tests (give the tests folder too)"
            )
    return out


def _below(unit: Unit) -> frozenset[str]:
    """The scored classes deriving from a base (its `covers` less itself)."""
    return unit.covers - {unit.qual} if unit.role == "base" else frozenset()


def _safely(check: Callable[[AuditContext, Unit], Check], ctx: AuditContext, unit: Unit) -> Check:
    """The check's verdict; n/a when the code is too deeply nested to analyse."""
    try:
        return check(ctx, unit)
    except RecursionError:
        item = ITEM_IDS[CHECKS.index(check)]
        return Check(item, NA, unit.module.display, unit.line, "too deeply nested to analyse")
