"""The executive summary: the guide's five areas, each with a status, a risk and an action.

Computed from the audit's verdicts and from the findings `repolint check` gives
on the same files (with the same configuration: rules turned off there count
zero here). Findings in test code are left out: they never set the data
layer's risk. Generic bases are not counted; what a repository inherits from
one (methods, commits) counts for it.

One rule sets every status (README, "The executive summary"): **Good** when
every repository passes the area's test and repolint reports none of the
area's findings; **Missing** when no repository passes it; **Partial**
otherwise. The area's test:

- Async support: the repository is async (it takes an `AsyncSession`);
  findings RPL101/RPL102 (sync calls blocking the event loop). The action moves
  the blocking calls off the event loop, and tells to migrate the repositories
  only when none is async; a sync code base is never told to migrate.
- N+1 prevention: its `get-by-id-with-relations` and `selectinload` verdicts
  pass (where they apply); findings RPL301/302/303/308 (lazy loads) and
  RPL304/RPL305.
- Transaction management: it does not commit (own or inherited code, RPL201);
  findings RPL201/RPL202.
- Error handling: its `not-found-error` verdict passes (where it applies).
- Pagination: its `pagination-tests` verdict passes (where it applies);
  findings RPL401. When no repository paginates the area is Good if routes or
  services paginate (named), else Missing at LOW risk.

Risk: Async CRITICAL with an RPL101/RPL102, else LOW; N+1 CRITICAL with an
RPL302, HIGH with another lazy load, MEDIUM with RPL304/RPL305 or a failed
verdict, else LOW; transactions HIGH when every repository commits, MEDIUM with
any finding, else LOW; error handling MEDIUM unless Good; pagination MEDIUM
with an RPL401 or when no paginating repository is tested, else LOW.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Sequence
from fnmatch import fnmatchcase

from repolint.audit.model import FAIL, NA, PASS, Level, RepositoryAudit, Risk, SummaryRow
from repolint.audit.units import Unit
from repolint.findings import Finding
from repolint.semantics.module import ModuleInfo
from repolint.settings import Settings

BLOCKING = ("RPL101", "RPL102")
LAZY_LOADS = ("RPL301", "RPL302", "RPL303", "RPL308")
EAGER_STRUCTURE = ("RPL304", "RPL305")
COMMITS = ("RPL201",)
UNCLOSED = ("RPL202",)
UNORDERED = ("RPL401",)
PAGING_CALLS = frozenset({"offset", "paginate", "slice"})


def names(audits: Sequence[RepositoryAudit], limit: int = 3) -> str:
    """`A, B, C and 4 more`."""
    shown = [a.name for a in audits]
    more = f" and {len(shown) - limit} more" if len(shown) > limit else ""
    return ", ".join(shown[:limit]) + more


def _count(counts: Counter[str], codes: Sequence[str]) -> int:
    return sum(counts[c] for c in codes)


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {many or word + 's'}"


def level(passing: int, total: int, findings: int) -> Level:
    """The one status rule: Good, Missing (none passes), else Partial."""
    if total and not passing:
        return "missing"
    return "good" if passing == total and not findings else "partial"


def _places(findings: Sequence[Finding], limit: int = 2) -> str:
    """`app/cli.py:129, app/jobs.py:40 and 5 more`."""
    spots = [f"{f.path}:{f.line}" for f in findings]
    more = f" and {len(spots) - limit} more" if len(spots) > limit else ""
    return ", ".join(spots[:limit]) + more


def summarize(
    units: Sequence[Unit],
    audits: Sequence[RepositoryAudit],
    findings: Sequence[Finding],
    targets: Sequence[ModuleInfo],
    settings: Settings,
    bases: Sequence[RepositoryAudit] = (),
) -> list[SummaryRow]:
    """The five rows, in the guide's order (`units` and `audits` pair up, bases excluded)."""
    production = [m for m in targets if not m.is_test]
    shown = {m.display for m in production}
    kept = [f for f in findings if f.path in shown]
    counts = Counter(f.code for f in kept)
    return [
        _async_support(units, audits, kept, counts, settings, bases),
        _n_plus_one(audits, counts),
        _transactions(units, audits, kept, counts, production, bases),
        _errors(audits, production, settings, bases),
        _pagination(audits, counts, production, bases),
    ]


def _async_support(
    units: Sequence[Unit],
    audits: Sequence[RepositoryAudit],
    findings: Sequence[Finding],
    counts: Counter[str],
    settings: Settings,
    bases: Sequence[RepositoryAudit],
) -> SummaryRow:
    sync = [a for u, a in zip(units, audits, strict=True) if u.session == "sync"]
    asynchronous = [u for u in units if u.session == "async"]
    blocking = [f for f in findings if f.code in BLOCKING]
    detail = (
        f"{len(asynchronous)} of {plural(len(units), 'repository', 'repositories')} async; "
        f"{plural(len(blocking), 'sync call')} in async code (RPL101/RPL102)"
    )
    status = level(len(asynchronous), len(units), len(blocking)) if units else "missing"
    async_base = next((b.name for b in bases if b.session == "async"), None)
    target = async_base or (settings.async_bases[0] if settings.async_bases else "")
    target = target or "AsyncBaseRepository"
    if blocking:
        risk: Risk = "CRITICAL"
        action = (
            f"Move {plural(len(blocking), 'sync call')} out of async code (a thread or an "
            f"async engine): {_places(blocking)}"
        )
        if sync and not asynchronous:
            action += f"; the repositories are sync: migrate {names(sync)} to AsyncSession"
    elif sync:
        risk = "LOW"
        action = (
            "Keep the sync repositories: no async code reaches them"
            if not asynchronous
            else f"Move {names(sync)} to {target} when their callers become async"
        )
    else:
        risk = "LOW"
        action = "Maintain: every repository is async" if units else "No repository found"
    return SummaryRow("Async support", status, risk, action, detail)


def _verdicts(
    audits: Sequence[RepositoryAudit], item: str
) -> tuple[list[RepositoryAudit], list[RepositoryAudit]]:
    checks = [(a, a.check(item)) for a in audits]
    applicable = [a for a, c in checks if c.status != NA]
    passed = [a for a, c in checks if c.status == PASS]
    return applicable, passed


def _n_plus_one(audits: Sequence[RepositoryAudit], counts: Counter[str]) -> SummaryRow:
    lazy = _count(counts, LAZY_LOADS)
    structure = _count(counts, EAGER_STRUCTURE)
    items = ("get-by-id-with-relations", "selectinload")
    applicable = [a for a in audits if any(a.check(i).status != NA for i in items)]
    passing = [a for a in applicable if all(a.check(i).status != FAIL for i in items)]
    detail = (
        f"{len(passing)} of {plural(len(applicable), 'repository', 'repositories')} with lazy "
        f"relationships eager-load them; {plural(lazy, 'lazy load')} per row or in async code; "
        f"{plural(structure, 'repository finding')} (RPL304/RPL305)"
    )
    status = level(len(passing), len(applicable), lazy + structure)
    if counts["RPL302"]:
        risk: Risk = "CRITICAL"
    elif lazy:
        risk = "HIGH"
    elif structure or len(passing) < len(applicable):
        risk = "MEDIUM"
    else:
        risk = "LOW"
    steps = []
    if lazy:
        steps.append(f"fix {plural(lazy, 'lazy load')} (RPL301/302/303/308)")
    twins = [a for a in audits if a.check("get-by-id-with-relations").status == FAIL]
    loads = [a for a in audits if a.check("selectinload").status == FAIL]
    if twins:
        steps.append(f"add get_by_id_with_relations() to {names(twins)}")
    if loads:
        steps.append(f"load lazy relationships with selectinload() in {names(loads)}")
    if structure and not steps:
        steps.append(f"give get_by_id() an eager path ({plural(structure, 'finding')}, RPL304/305)")
    if steps:
        action = "Standardize eager loading: " + "; ".join(steps)
    elif applicable:
        action = "Maintain: eager loading is in place"
    else:
        action = "Nothing to eager-load: no repository's model has a lazy relationship"
    return SummaryRow("N+1 prevention", status, risk, action, detail)


def committing(units: Sequence[Unit], findings: Sequence[Finding]) -> dict[str, list[Finding]]:
    """Unit qualified name -> the commits (RPL201) in its own or inherited code."""
    commits = [f for f in findings if f.code in COMMITS]
    out: dict[str, list[Finding]] = {}
    for unit in units:
        spans = [
            (ref.module.display, ref.node.lineno, ref.node.end_lineno or ref.node.lineno)
            for ref in unit.functions.values()
        ]
        if unit.kind == "class":
            spans.append((unit.module.display, unit.line, unit.end_line))
        hits = [f for f in commits if any(p == f.path and a <= f.line <= b for p, a, b in spans)]
        if hits:
            out[unit.qual] = hits
    return out


def _transactions(
    units: Sequence[Unit],
    audits: Sequence[RepositoryAudit],
    findings: Sequence[Finding],
    counts: Counter[str],
    production: Sequence[ModuleInfo],
    bases: Sequence[RepositoryAudit],
) -> SummaryRow:
    commits = [f for f in findings if f.code in COMMITS]
    by_unit = committing(units, findings)
    doing = [a for a in audits if a.qual in by_unit]
    unclosed = _count(counts, UNCLOSED)
    detail = (
        f"{len(doing)} of {plural(len(audits), 'repository', 'repositories')} commit, in their "
        f"own or inherited code ({plural(len(commits), 'commit/rollback', 'commits/rollbacks')}, "
        f"RPL201); {plural(unclosed, 'unclosed session')} (RPL202)"
    )
    status = level(len(audits) - len(doing), len(audits), len(commits) + unclosed)
    if not commits and not unclosed:
        return SummaryRow(
            "Transaction management",
            status,
            "LOW",
            "Maintain: callers own the transactions",
            detail,
        )
    every = bool(audits) and len(doing) == len(audits)
    risk: Risk = "HIGH" if every else "MEDIUM"
    steps = []
    if commits:
        uow = _unit_of_work(production)
        how = f"route commits through {uow}" if uow else "Implement Unit of Work"
        shared = [b for b in bases if any(b.path == f.path for f in commits)]
        through = plural(len(doing), "repository", "repositories")
        them = "it" if len(shared) == 1 else "them"
        where = (
            f"{', '.join(b.name for b in shared)} ({through} commit through {them})"
            if shared
            else names(doing) or "the data layer"
        )
        steps.append(
            f"{how}: remove {plural(len(commits), 'commit()/rollback() call')} from {where}"
        )
    if unclosed:
        steps.append(f"close {plural(unclosed, 'session')} (RPL202)")
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


def shared_place(
    failing: Sequence[RepositoryAudit], item: str, bases: Sequence[RepositoryAudit]
) -> RepositoryAudit | None:
    """The base every failing verdict's evidence lies in, if they all share one."""
    for base in bases:
        if all(
            a.check(item).path == base.path
            and base.line <= a.check(item).line <= max(base.end_line, base.line)
            for a in failing
        ):
            return base
    return None


def where(failing: Sequence[RepositoryAudit], item: str, bases: Sequence[RepositoryAudit]) -> str:
    """Where one change fixes the failing verdicts: their shared base, their shared
    evidence (a mixin's method), else the repositories by name."""
    base = shared_place(failing, item, bases)
    if base is not None:
        return f"{base.name} ({base.path}:{base.line}), which they inherit"
    spots = {a.check(item).evidence for a in failing}
    if len(failing) > 1 and len(spots) == 1:
        return f"{spots.pop()}, the code all {len(failing)} share"
    return names(failing)


def _errors(
    audits: Sequence[RepositoryAudit],
    production: Sequence[ModuleInfo],
    settings: Settings,
    bases: Sequence[RepositoryAudit],
) -> SummaryRow:
    applicable, passed = _verdicts(audits, "not-found-error")
    name = settings.not_found_errors[0] if settings.not_found_errors else "RecordNotFoundError"
    shown = " or ".join(settings.not_found_errors[:3]) or name
    detail = (
        f"{len(passed)} of {len(applicable)} repositories that look up one row raise or "
        f"handle {shown}"
    )
    failing = [a for a in applicable if a not in passed]
    if not audits:
        return SummaryRow("Error handling", "missing", "LOW", "No repository found", detail)
    status = level(len(passed), len(applicable), 0)
    if not failing:
        action = "Maintain: repositories raise a not-found error"
        return SummaryRow("Error handling", status, "LOW", action, detail)
    defined = next(
        (
            (n, f"{m.display}:{m.classes[n].lineno}")
            for m in production
            for n in m.classes
            if any(fnmatchcase(n, pattern) for pattern in settings.not_found_errors)
        ),
        None,
    )
    place = where(failing, "not-found-error", bases)
    if defined:
        action = f"Raise {defined[0]} (defined at {defined[1]}) from {place}"
    else:
        action = f"Add get_or_raise() raising a not-found error ({name}) to {place}"
    return SummaryRow("Error handling", status, "MEDIUM", action, detail)


def paginating_elsewhere(production: Sequence[ModuleInfo]) -> list[str]:
    """`path:line` of the `.offset()`/`.paginate()`/`.slice()` calls of the code: when
    no repository method takes a page, routes and services paginate."""
    spots = []
    for module in production:
        for node in ast.walk(module.tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in PAGING_CALLS
                and node.args
            ):
                spots.append(f"{module.display}:{node.lineno}")
    return spots


def _pagination(
    audits: Sequence[RepositoryAudit],
    counts: Counter[str],
    production: Sequence[ModuleInfo],
    bases: Sequence[RepositoryAudit],
) -> SummaryRow:
    applicable, passed = _verdicts(audits, "pagination-tests")
    unordered = _count(counts, UNORDERED)
    detail = (
        f"{len(applicable)} repositories paginate, {len(passed)} tested across pages; "
        f"{plural(unordered, 'unordered offset')} (RPL401)"
    )
    if not applicable and not unordered:
        elsewhere = paginating_elsewhere(production)
        if elsewhere:
            more = f" and {len(elsewhere) - 2} more" if len(elsewhere) > 2 else ""
            action = (
                f"Maintain: queries paginate ({', '.join(elsewhere[:2])}{more}), though no "
                "repository method takes a page to test"
            )
            return SummaryRow("Pagination", "good", "LOW", action, detail)
        action = "Nothing paginates: add limit/offset or cursor pagination to lists that grow"
        return SummaryRow("Pagination", "missing", "LOW", action, detail)
    failing = [a for a in applicable if a not in passed]
    status = level(len(passed), len(applicable), unordered)
    if not failing and not unordered:
        return SummaryRow("Pagination", status, "LOW", "Maintain current approach", detail)
    risk: Risk = "MEDIUM" if unordered or not passed else "LOW"
    steps = []
    if unordered:
        steps.append(f"order {plural(unordered, 'paginated query', 'paginated queries')} (RPL401)")
    if failing:
        steps.append(
            f"test pagination across several pages for {where(failing, 'pagination-tests', bases)}"
        )
    action = "; ".join(steps)
    return SummaryRow("Pagination", status, risk, action[0].upper() + action[1:], detail)
