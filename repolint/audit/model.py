"""What an audit produces: checks per repository, the executive summary, the score."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

Status = Literal["pass", "fail", "n/a"]
PASS: Status = "pass"
FAIL: Status = "fail"
NA: Status = "n/a"

ITEMS: tuple[tuple[str, str], ...] = (
    ("async-base", "inherits from AsyncBaseRepository[Model]"),
    ("async-session-init", "__init__(self, db: AsyncSession), own or inherited"),
    ("get-by-id", "has get_by_id(), own or inherited"),
    ("get-by-id-with-relations", "has get_by_id_with_relations() that eager-loads"),
    ("list-method", "has list_all() or a domain list_* method"),
    ("selectinload", "uses selectinload() for relationships"),
    ("unit-tests", "unit tests with mocks exist for it"),
    ("integration-tests", "integration tests against a real test database exist for it"),
    ("docstrings", "its public methods have docstrings"),
    ("not-found-error", "raises/handles RecordNotFoundError"),
    ("pagination-tests", "pagination is tested across several pages"),
)
"""The checklist of RULES.md, in its order: (id, what it asks)."""

ITEM_IDS: tuple[str, ...] = tuple(item for item, _ in ITEMS)


@dataclass(frozen=True)
class Check:
    """One verdict: the item, pass/fail/n/a, where the evidence is, what it says, the fix."""

    item: str
    status: Status
    path: str
    line: int
    message: str
    fix: str = ""

    @property
    def evidence(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class RepositoryAudit:
    """A repository (a class, or a module of data-layer functions) and its verdicts."""

    name: str
    kind: Literal["class", "module"]
    path: str
    line: int
    model: str | None
    session: str | None
    checks: list[Check] = field(default_factory=list)
    qual: str = ""
    """The dotted name (`app.repositories.user.UserRepository`, `app.crud.user`)."""
    role: Literal["repository", "base"] = "repository"
    """`base`: a generic class the scored repositories derive from (`BaseRepository[T]`),
    shown once above them and left out of the totals."""
    end_line: int = 0
    subclasses: list[str] = field(default_factory=list)
    """For a base: the names of the scored repositories deriving from it."""

    def check(self, item: str) -> Check:
        return next(c for c in self.checks if c.item == item)

    @property
    def passed(self) -> int:
        return sum(c.status == PASS for c in self.checks)

    @property
    def applicable(self) -> int:
        return sum(c.status != NA for c in self.checks)


Level = Literal["good", "partial", "missing"]
Risk = Literal["CRITICAL", "HIGH", "MEDIUM", "LOW"]


@dataclass(frozen=True)
class SummaryRow:
    """One area of the executive summary."""

    area: str
    status: Level
    risk: Risk
    action: str
    detail: str


@dataclass(frozen=True)
class Action:
    """One "fix first" step: what to do, where, and how many failing verdicts it closes."""

    item: str
    text: str
    where: str
    repositories: int
    risk: Risk


@dataclass
class AuditReport:
    """The whole audit of one run: the scored repositories, the generic bases they
    share (not scored), the executive summary and the fix-first actions."""

    repositories: list[RepositoryAudit]
    summary: list[SummaryRow]
    tests_found: int = 0
    notes: list[str] = field(default_factory=list)
    bases: list[RepositoryAudit] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.repositories)

    @property
    def applicable(self) -> int:
        return sum(r.applicable for r in self.repositories)

    @property
    def percent(self) -> float | None:
        """Share of applicable items that pass, 0-100; None when nothing applies."""
        return 100.0 * self.passed / self.applicable if self.applicable else None


def shown_percent(value: float) -> float:
    """A score as every report gives it: one decimal, rounded down, so that a score
    shown as 80% is never one that `--fail-under 80` finds below 80."""
    return math.floor(value * 10 + 1e-9) / 10


def percent_text(value: float) -> str:
    """`12.5%`, `80%`: `shown_percent` without a trailing `.0`."""
    return f"{shown_percent(value):.1f}".removesuffix(".0") + "%"


SHORT_LABELS: dict[str, str] = {
    "async-base": "async\nbase",
    "async-session-init": "async\ninit",
    "get-by-id": "get\nby id",
    "get-by-id-with-relations": "with\nrels",
    "list-method": "list\nmethod",
    "selectinload": "select\ninload",
    "unit-tests": "unit\ntests",
    "integration-tests": "integ\ntests",
    "docstrings": "doc\nstrings",
    "not-found-error": "not\nfound",
    "pagination-tests": "page\ntests",
}
"""Two-line column headings for the checklist tables."""

LEVEL_LABELS: dict[str, str] = {
    "good": "Good",
    "partial": "Partial",
    "missing": "Missing",
}
