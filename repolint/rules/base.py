"""The shape every rule has: metadata plus `visit_<Node>` methods."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, ClassVar

from repolint.findings import Severity

if TYPE_CHECKING:
    from repolint.fixes.edits import Fix
    from repolint.semantics.context import Context


class Rule:
    """Base class of a rule. Subclasses set the metadata and define
    `visit_Call`, `visit_Attribute`, `visit_FunctionDef`, ... methods that
    receive the node and the `Context` and call `ctx.report(...)`.

    The module docstring of the rule's module is its documentation.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    severity: ClassVar[Severity] = Severity.WARNING
    default_enabled: ClassVar[bool] = True
    needs_whole_project: ClassVar[bool] = False
    """True when the rule reads facts gathered while typing every module (such as
    `FactStore.traversals`): the engine runs it after all modules are typed, in a
    second walk, and its `ctx.type_of`-style answers are then computed again on demand."""

    def report(
        self,
        ctx: Context,
        node: ast.AST,
        message: str,
        *,
        hint: str = "",
        position: ast.AST | None = None,
        fix: Fix | None = None,
    ) -> None:
        """Report `message` at `node` (or at `position` when given), with the `fix` that
        repairs it when the rule is sure of one."""
        ctx.report(self, position or node, message, hint=hint, fix=fix)
