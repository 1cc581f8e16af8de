"""The executive summary: the guide's five areas, each with a status, a risk and an action.

Computed from the audit's verdicts and from the findings `repolint check` gives
on the same files (with the same configuration: rules turned off there count
zero here). Status is `good`, `inconsistent` or `missing`; risk is CRITICAL,
HIGH, MEDIUM or LOW. The thresholds:

Async support (repositories by session kind; RPL101 + RPL102 = blocking calls)
- status: good when no repository is sync and nothing blocks; missing when no
  repository is async; inconsistent otherwise.
- risk: CRITICAL when a call blocks the event loop; MEDIUM when a repository is
  sync and the code has `async def` functions; LOW otherwise.

N+1 prevention (lazy loads: RPL301, RPL302, RPL303, RPL308; structure: RPL304,
RPL305; the `get-by-id-with-relations` and `selectinload` verdicts)
- status: good when there is no finding and every applicable verdict passes;
  missing when verdicts apply and none passes; inconsistent otherwise.
- risk: CRITICAL with an RPL302 (MissingGreenlet crashes); HIGH with another
  lazy load; MEDIUM with a structural finding or a failed verdict; LOW otherwise.

Transaction management (RPL201 commits in the data layer; RPL202 unclosed sessions)
- status: good when there is neither; missing when every repository commits;
  inconsistent otherwise.
- risk: HIGH when every repository commits; MEDIUM with any finding; LOW otherwise.

Error handling (the `not-found-error` verdicts)
- status: good when every applicable verdict passes (or none applies); missing
  when none passes; inconsistent otherwise.
- risk: MEDIUM unless good, then LOW.

Pagination (the `pagination-tests` verdicts; RPL401 unordered offsets)
- status: missing when nothing paginates; good when every paginating
  repository has a pagination test and no offset is unordered; inconsistent
  otherwise.
- risk: MEDIUM with an RPL401 or when no paginating repository is tested;
  LOW otherwise.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Sequence
from fnmatch import fnmatchcase

from repolint.audit.model import FAIL, NA, PASS, Level, RepositoryAudit, Risk, SummaryRow
from repolint.audit.units import Unit
from repolint.findings import Finding
from repolint.semantics.index import ProjectIndex
from repolint.semantics.module import ModuleInfo
from repolint.settings import Settings

BLOCKING = ("RPL101", "RPL102")
LAZY_LOADS = ("RPL301", "RPL302", "RPL303", "RPL308")
EAGER_STRUCTURE = ("RPL304", "RPL305")
COMMITS = ("RPL201",)
UNCLOSED = ("RPL202",)
UNORDERED = ("RPL401",)


def _names(audits: Sequence[RepositoryAudit], limit: int = 3) -> str:
    names = [a.name for a in audits]
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _count(counts: Counter[str], codes: Sequence[str]) -> int:
    return sum(counts[c] for c in codes)


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {plural or word + 's'}"


def summarize(
    units: Sequence[Unit],
    audits: Sequence[RepositoryAudit],
    findings: Sequence[Finding],
    index: ProjectIndex,
    targets: Sequence[ModuleInfo],
    settings: Settings,
) -> list[SummaryRow]:
    """The five rows, in the guide's order."""
    counts = Counter(f.code for f in findings)
    production = [m for m in targets if not m.is_test]
    return [
        _async_support(units, audits, counts, production, settings),
        _n_plus_one(audits, counts),
        _transactions(units, audits, findings, counts, production),
        _errors(audits, index, production, settings),
        _pagination(audits, counts),
    ]


def _async_support(
    units: Sequence[Unit],
    audits: Sequence[RepositoryAudit],
    counts: Counter[str],
    production: Sequence[ModuleInfo],
    settings: Settings,
) -> SummaryRow:
    sync = [a for u, a in zip(units, audits, strict=True) if u.session == "sync"]
    asynchronous = [u for u in units if u.session == "async"]
    blocking = _count(counts, BLOCKING)
    base = settings.async_bases[0] if settings.async_bases else "AsyncBaseRepository"
    detail = f"{len(sync)} of {_plural(len(units), 'repository', 'repositories')} sync-only"
    detail += f"; {_plural(blocking, 'sync call')} in async code"
    has_async = any(
        isinstance(n, ast.AsyncFunctionDef) for m in production for n in ast.walk(m.tree)
    )
    status: Level = (
        "good"
        if not sync and not blocking and units
        else "missing"
        if not asynchronous
        else "inconsistent"
    )
    if blocking:
        risk: Risk = "CRITICAL"
        verb = "blocks" if blocking == 1 else "block"
        action = (
            f"Migrate to AsyncSession: {_plural(blocking, 'sync call')} {verb} the event loop "
            "(RPL101/RPL102)"
        )
        if sync:
            action += f"; start with {_names(sync)}"
    elif sync and has_async:
        risk = "MEDIUM"
        action = f"Migrate {_names(sync)} to {base} with AsyncSession"
    elif sync:
        risk = "LOW"
        action = "No async code: keep the sync repositories until routes become async"
    else:
        risk = "LOW"
        action = "Maintain: every repository is async" if units else "No repository found"
    return SummaryRow("Async support", status, risk, action, detail)


def _verdicts(audits: Sequence[RepositoryAudit], item: str) -> tuple[list, list]:
    checks = [(a, a.check(item)) for a in audits]
    applicable = [a for a, c in checks if c.status != NA]
    passed = [a for a, c in checks if c.status == PASS]
    return applicable, passed


def _n_plus_one(audits: Sequence[RepositoryAudit], counts: Counter[str]) -> SummaryRow:
    lazy = _count(counts, LAZY_LOADS)
    structure = _count(counts, EAGER_STRUCTURE)
    items = ("get-by-id-with-relations", "selectinload")
    checks = [a.check(i) for a in audits for i in items]
    applicable = [c for c in checks if c.status != NA]
    passed = [c for c in applicable if c.status == PASS]
    failing = [a for a in audits if any(a.check(i).status == FAIL for i in items)]
    detail = (
        f"{_plural(lazy, 'lazy load')} per row or in async code; "
        f"{_plural(structure, 'repository finding')} (RPL304/RPL305); "
        f"{len(passed)} of {len(applicable)} eager-loading checks pass"
    )
    if not lazy and not structure and len(passed) == len(applicable):
        status: Level = "good"
    elif applicable and not passed:
        status = "missing"
    else:
        status = "inconsistent"
    if counts["RPL302"]:
        risk: Risk = "CRITICAL"
    elif lazy:
        risk = "HIGH"
    elif structure or failing:
        risk = "MEDIUM"
    else:
        risk = "LOW"
    steps = []
    if lazy:
        steps.append(f"fix {_plural(lazy, 'lazy load')} (RPL301/302/303/308)")
    if failing:
        steps.append(f"add *_with_relations + selectinload() to {_names(failing)}")
    action = (
        "Standardize eager loading: " + "; ".join(steps)
        if steps
        else "Maintain: eager loading is in place"
        if status == "good"
        else "Standardize eager loading (RPL304/RPL305)"
    )
    return SummaryRow("N+1 prevention", status, risk, action, detail)


def _transactions(
    units: Sequence[Unit],
    audits: Sequence[RepositoryAudit],
    findings: Sequence[Finding],
    counts: Counter[str],
    production: Sequence[ModuleInfo],
) -> SummaryRow:
    commits = [f for f in findings if f.code in COMMITS]
    committing = [
        a
        for u, a in zip(units, audits, strict=True)
        if any(f.path == u.module.display and u.line <= f.line <= u.end_line for f in commits)
    ]
    unclosed = _count(counts, UNCLOSED)
    detail = (
        f"{_plural(len(commits), 'commit/rollback', 'commits/rollbacks')} in the data layer "
        f"(RPL201) in {len(committing)} of {len(audits)} repositories; "
        f"{_plural(unclosed, 'unclosed session')} (RPL202)"
    )
    uow = _unit_of_work(production)
    if not commits and not unclosed:
        return SummaryRow(
            "Transaction management",
            "good",
            "LOW",
            "Maintain: callers own the transactions",
            detail,
        )
    every = bool(audits) and len(committing) == len(audits)
    status: Level = "missing" if every else "inconsistent"
    risk: Risk = "HIGH" if every else "MEDIUM"
    steps = []
    if commits:
        where = f"route commits through {uow}" if uow else "Implement Unit of Work"
        steps.append(
            f"{where}: remove {_plural(len(commits), 'commit()/rollback() call')} from "
            f"{_names(committing) or 'the data layer'}"
        )
    if unclosed:
        steps.append(f"close {_plural(unclosed, 'session')} (RPL202)")
    action = "; ".join(steps)
    return SummaryRow(
        "Transaction management", status, risk, action[0].upper() + action[1:], detail
    )


def _unit_of_work(production: Sequence[ModuleInfo]) -> str | None:
    """A class that owns transactions: named *UnitOfWork*/*UoW*, or committing the
    session it holds in `__exit__`/`__aexit__`."""
    for module in production:
        for name, node in module.classes.items():
            if "unitofwork" in name.lower() or name.endswith("UoW"):
                return f"{name} ({module.display}:{node.lineno})"
            exits = [
                s
                for s in node.body
                if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                and s.name in ("__exit__", "__aexit__")
            ]
            if any(_commits_a_held_session(n) for s in exits for n in ast.walk(s)):
                return f"{name} ({module.display}:{node.lineno})"
    return None


def _commits_a_held_session(node: ast.AST) -> bool:
    """`self.db.commit()` (not `self.commit()`: that is the class's own method)."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
        and isinstance(node.func.value, ast.Attribute)
        and isinstance(node.func.value.value, ast.Name)
        and node.func.value.value.id == "self"
    )


def _errors(
    audits: Sequence[RepositoryAudit],
    index: ProjectIndex,
    production: Sequence[ModuleInfo],
    settings: Settings,
) -> SummaryRow:
    applicable, passed = _verdicts(audits, "not-found-error")
    name = settings.not_found_errors[0] if settings.not_found_errors else "RecordNotFoundError"
    names = " or ".join(settings.not_found_errors[:3]) or name
    detail = f"{len(passed)} of {len(applicable)} repositories raise or handle {names}"
    failing = [a for a in applicable if a not in passed]
    if not audits:
        return SummaryRow("Error handling", "missing", "LOW", "No repository found", detail)
    if not failing:
        action = "Maintain: repositories raise a not-found error"
        return SummaryRow("Error handling", "good", "LOW", action, detail)
    status: Level = "missing" if not passed else "inconsistent"
    defined = next(
        (
            (n, f"{m.display}:{m.classes[n].lineno}")
            for m in production
            for n in m.classes
            if any(fnmatchcase(n, pattern) for pattern in settings.not_found_errors)
        ),
        None,
    )
    if defined:
        action = f"Raise {defined[0]} (defined at {defined[1]}) from {_names(failing)}"
    else:
        action = f"Add repository exceptions ({name}) and get_or_raise() to {_names(failing)}"
    return SummaryRow("Error handling", status, "MEDIUM", action, detail)


def _pagination(audits: Sequence[RepositoryAudit], counts: Counter[str]) -> SummaryRow:
    applicable, passed = _verdicts(audits, "pagination-tests")
    unordered = _count(counts, UNORDERED)
    detail = (
        f"{len(applicable)} repositories paginate, {len(passed)} tested across pages; "
        f"{_plural(unordered, 'unordered offset')} (RPL401)"
    )
    if not applicable and not unordered:
        action = "Nothing paginates: add limit/offset or cursor pagination to lists that grow"
        return SummaryRow("Pagination", "missing", "LOW", action, detail)
    failing = [a for a in applicable if a not in passed]
    if not failing and not unordered:
        return SummaryRow("Pagination", "good", "LOW", "Maintain current approach", detail)
    risk: Risk = "MEDIUM" if unordered or not passed else "LOW"
    steps = []
    if unordered:
        steps.append(f"order {_plural(unordered, 'paginated query', 'paginated queries')} (RPL401)")
    if failing:
        steps.append(f"test pagination across several pages for {_names(failing)}")
    action = "; ".join(steps)
    return SummaryRow("Pagination", "inconsistent", risk, action[0].upper() + action[1:], detail)
