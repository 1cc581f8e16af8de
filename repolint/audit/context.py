"""What every checklist item reads: the project index, the settings, the tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from repolint.audit.model import Check, Status
from repolint.audit.testsuite import TestSuite
from repolint.audit.units import Unit
from repolint.semantics.index import FunctionRef, ProjectIndex
from repolint.settings import Settings


@dataclass
class AuditContext:
    index: ProjectIndex
    settings: Settings
    suite: TestSuite
    memo: dict[str, object] = field(default_factory=dict)
    """Answers computed once per audit (the project's async base)."""


def verdict(
    item: str,
    status: Status,
    unit: Unit,
    message: str,
    *,
    at: FunctionRef | None = None,
    path: str | None = None,
    line: int | None = None,
    fix: str = "",
) -> Check:
    """A check whose evidence is `at` (a method), an explicit place, or the unit itself."""
    if at is not None:
        path, line = at.module.display, at.node.lineno
    return Check(item, status, path or unit.module.display, line or unit.line, message, fix)


def origin(unit: Unit, ref: FunctionRef) -> str:
    """`get_by_id()` or `get_by_id() (inherited from Base)` for messages."""
    name = f"{ref.node.name}()"  # type: ignore[union-attr]
    if unit.kind == "class" and ref.owner and ref.owner != unit.qual:
        return f"{name} (inherited from {ref.owner.rsplit('.', 1)[-1]})"
    return name
