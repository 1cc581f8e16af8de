"""Context: what a rule may ask about the module it is checking."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import TYPE_CHECKING

from repolint.findings import Finding
from repolint.semantics.module import ModuleInfo
from repolint.semantics.summaries import ProjectCall, Scope, TypedModule
from repolint.settings import Settings

if TYPE_CHECKING:
    from repolint.fixes.edits import Fix
    from repolint.rules.base import Rule
    from repolint.semantics.index import FunctionRef, ProjectIndex
    from repolint.semantics.models import Relationship


def _chars(lines: list[str], line: int, byte_col: int) -> int:
    """ast columns count UTF-8 bytes; output counts characters."""
    if 0 < line <= len(lines):
        text = lines[line - 1]
        if not text.isascii():
            return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))
    return byte_col


def name_position(node: ast.AST, lines: list[str]) -> tuple[int, int, int, int]:
    """(line, col, end_line, end_col), 0-based character columns, of the name RULES.md reports."""
    line, col, end_line, end_col = _byte_position(node, lines)
    return line, _chars(lines, line, col), end_line, _chars(lines, end_line, end_col)


def _byte_position(node: ast.AST, lines: list[str]) -> tuple[int, int, int, int]:
    """(line, col, end_line, end_col) in ast's byte columns.

    A call: its called attribute's (or function's) name. An attribute: its name.
    A class or function: its name on the `class`/`def` line.
    """
    if isinstance(node, ast.Call):
        node = node.func
    if (
        isinstance(node, ast.Attribute)
        and node.end_lineno is not None
        and node.end_col_offset is not None
    ):
        end = node.end_col_offset
        return node.end_lineno, end - len(node.attr.encode("utf-8")), node.end_lineno, end
    if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
        text = lines[node.lineno - 1] if node.lineno - 1 < len(lines) else ""
        raw = text.encode("utf-8")
        col = raw.find(node.name.encode("utf-8"), node.col_offset)
        col = col if col >= 0 else node.col_offset
        return node.lineno, col, node.lineno, col + len(node.name.encode("utf-8"))
    line = getattr(node, "lineno", 1)
    col = getattr(node, "col_offset", 0)
    end_line = getattr(node, "end_lineno", None) or line
    end_col = getattr(node, "end_col_offset", None)
    if end_col is None or end_line != line:
        end_line, end_col = line, col + 1
    return line, col, end_line, end_col


PER_ROW_CODES = frozenset({"RPL301", "RPL303", "RPL309", "RPL402"})
"""Rules whose cost grows with the rows: silent in migration scripts (`migrations`)."""


class Context:
    """The module under check, its types, the project index and the settings."""

    def __init__(
        self,
        index: ProjectIndex,
        module: ModuleInfo,
        typed: TypedModule,
        settings: Settings,
        sink: Callable[[Finding], None],
    ) -> None:
        self.index = index
        self.module = module
        self.typed = typed
        self.settings = settings
        self._sink = sink
        self._refs: dict[int, FunctionRef] | None = None

    # -- questions ------------------------------------------------------------

    def type_of(self, node: ast.AST | None) -> object | None:
        return None if node is None else self.typed.types.get(id(node))

    def scope_of(self, node: ast.AST) -> Scope | None:
        return self.typed.scopes.get(id(node))

    def in_async_def(self, node: ast.AST) -> bool:
        scope = self.scope_of(node)
        return scope is not None and scope.is_async

    def per_row(self, node: ast.AST) -> bool:
        scope = self.scope_of(node)
        return scope is not None and scope.row_loop

    def project_call(self, node: ast.AST) -> ProjectCall | None:
        return self.typed.calls.get(id(node))

    def relationship_access(self, node: ast.AST) -> tuple[object, Relationship] | None:
        return self.typed.rel_access.get(id(node))

    def engine_io_label(self, node: ast.AST) -> str | None:
        """`engine.connect()`, `conn.execute()`: the sync engine-level I/O a call does."""
        return self.typed.engine_io_calls.get(id(node))

    def in_startup(self, node: ast.AST) -> bool:
        """Inside code that runs only at start-up or shutdown (a lifespan, a startup hook)."""
        scope = self.scope_of(node)
        return scope is not None and self.index.facts.is_startup(scope.function)

    def is_offload_call(self, node: ast.AST) -> bool:
        return id(node) in self.typed.offload_calls

    def parent(self, node: ast.AST) -> ast.AST | None:
        return self.module.parent(node)

    def ancestors(self, node: ast.AST) -> list[ast.AST]:
        out: list[ast.AST] = []
        parents = self.module.parents
        current = parents.get(node)
        while current is not None:
            out.append(current)
            current = parents.get(current)
        return out

    def enclosing_function(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        parents = self.module.parents
        current = parents.get(node)
        while current is not None:
            if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return current
            current = parents.get(current)
        return None

    def qualname_of_class(self, node: ast.ClassDef) -> str:
        return f"{self.module.name}.{node.name}" if self.module.name else node.name

    def function_ref(self, node: ast.AST) -> FunctionRef | None:
        """The index's record of a function or method node of this module."""
        if self._refs is None:
            self._refs = {
                id(r.node): r for r in self.index.functions.values() if r.module is self.module
            }
        return self._refs.get(id(node))

    # -- reporting --------------------------------------------------------------

    def report(
        self, rule: Rule, node: ast.AST, message: str, *, hint: str = "", fix: Fix | None = None
    ) -> None:
        if rule.code in PER_ROW_CODES and self.index.is_migration(self.module):
            return  # a revision script runs once: its per-row costs are paid already
        if self.module.is_test and not rule.code.startswith(self.settings.test_rules):
            return  # test code: only what fails the test itself (`test-rules`)
        line, col, end_line, end_col = name_position(node, self.module.lines)
        self._sink(
            Finding(
                path=self.module.display,
                line=line,
                column=col + 1,
                code=rule.code,
                message=message,
                name=rule.name,
                severity=rule.severity,
                end_line=end_line,
                end_column=end_col + 1,
                hint=hint,
                fix=fix,
            )
        )
