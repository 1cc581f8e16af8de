"""A reference to one of the project's functions: what the index, the flow analysis
and the call summaries share (kept apart so that none of them imports another for it)."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from repolint.semantics.module import FunctionNode, ModuleInfo


@dataclass(frozen=True)
class FunctionRef:
    """A function or method of the project: its node, module and owning class."""

    qual: str
    module: ModuleInfo
    node: FunctionNode | ast.Lambda
    owner: str | None
    closure: object | None = None
