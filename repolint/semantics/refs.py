"""A reference to one of the project's functions: what the index, the flow analysis
and the call summaries share (kept apart so that none of them imports another for it)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cached_property

from repolint.semantics.module import FunctionNode, ModuleInfo


@dataclass(frozen=True)
class FunctionRef:
    """A function or method of the project: its node, module and owning class."""

    qual: str
    module: ModuleInfo
    node: FunctionNode | ast.Lambda
    owner: str | None
    closure: object | None = None

    @cached_property
    def decorators(self) -> frozenset[str]:
        """The last part of each decorator's qualified name (`@x(...)` gives `x`)."""
        node = self.node
        if isinstance(node, ast.Lambda):
            return frozenset()
        qualify = self.module.imports.qualify
        return frozenset(
            (qualify(d.func if isinstance(d, ast.Call) else d) or "").rsplit(".", 1)[-1]
            for d in node.decorator_list
        )

    @cached_property
    def takes_self(self) -> bool:
        """A method whose first parameter is the instance or class (not a staticmethod)."""
        return self.owner is not None and "staticmethod" not in self.decorators
