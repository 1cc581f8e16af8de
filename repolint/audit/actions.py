"""Fix first: the few actions that close the most failing verdicts, riskiest first.

One action per checklist item that fails somewhere: its fix (the verdicts' own
fix when they all give the same one, else the item's general one), where to
make it (the generic base when every failing verdict's evidence lies in it, so
one change fixes them all; else the repositories), and how many repositories it
closes. Actions are ordered by the risk of the summary area the item belongs to
(the tests, docstrings and lookup items count as LOW; the async items MEDIUM
when some repository is already async, else LOW: the blocking calls that make
the area CRITICAL are the summary's action), then by how many repositories they
close.
"""

from __future__ import annotations

from collections.abc import Sequence

from repolint.audit.model import FAIL, ITEM_IDS, Action, RepositoryAudit, Risk, SummaryRow
from repolint.audit.summary import where

AREAS: dict[str, str] = {
    "async-base": "Async support",
    "async-session-init": "Async support",
    "get-by-id-with-relations": "N+1 prevention",
    "selectinload": "N+1 prevention",
    "not-found-error": "Error handling",
    "pagination-tests": "Pagination",
}
"""The summary area whose risk an item's action takes."""

GENERAL: dict[str, str] = {
    "async-base": "inherit from an async base repository",
    "async-session-init": "take an `AsyncSession` in `__init__`",
    "get-by-id": "add `get_by_id(id)`",
    "get-by-id-with-relations": "add `get_by_id_with_relations()` that eager-loads",
    "list-method": "add `list_all()` or a `list_*` method",
    "selectinload": "load the lazy relationships with `selectinload()`",
    "unit-tests": "write unit tests with a mocked session",
    "integration-tests": "write integration tests on a test database",
    "docstrings": "document the public methods",
    "not-found-error": "raise a not-found error from the one-row lookups",
    "pagination-tests": "test pagination across two pages",
}

RISK_ORDER: dict[str, int] = {"CRITICAL": 0, "HIGH": 1, "MEDIUM": 2, "LOW": 3}


TEST_ITEMS = ("unit-tests", "integration-tests", "pagination-tests")


def fix_first(
    repos: Sequence[RepositoryAudit],
    bases: Sequence[RepositoryAudit],
    summary: Sequence[SummaryRow],
    tests_found: int = 1,
) -> list[Action]:
    """Every item's action, riskiest and widest first. With no test among the paths,
    the three test items make one action."""
    risks: dict[str, Risk] = {row.area: row.risk for row in summary}
    actions = []
    untested: set[str] = set()
    for item in ITEM_IDS:
        failing = [r for r in repos if r.check(item).status == FAIL]
        if not failing:
            continue
        if not tests_found and item in TEST_ITEMS:
            untested |= {r.qual for r in failing}
            continue
        fixes = {r.check(item).fix for r in failing}
        text = fixes.pop() if len(fixes) == 1 and "" not in fixes else GENERAL[item]
        risk = risks.get(AREAS.get(item, ""), "LOW")
        if AREAS.get(item) == "Async support":
            risk = "MEDIUM" if any(r.session == "async" for r in repos) else "LOW"
        actions.append(Action(item, text, where(failing, item, bases), len(failing), risk))
    if untested:
        text = "no test found among the paths: add the tests folder to them, or write tests"
        actions.append(Action("tests", text, "", len(untested), "LOW"))
    return sorted(actions, key=lambda a: (RISK_ORDER[a.risk], -a.repositories, a.item))
