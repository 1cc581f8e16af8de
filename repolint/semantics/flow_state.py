"""What the parts of `FunctionFlow` share: the state one walk keeps (set in
`FunctionFlow.__init__`) and the methods its mixins call on one another."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from repolint.semantics.index import ProjectIndex
    from repolint.semantics.module import ModuleInfo
    from repolint.semantics.refs import FunctionRef
    from repolint.semantics.summaries import FunctionFacts, TypedModule
    from repolint.semantics.types import InstanceT


class FlowState:
    """The attributes of one walk; see `FunctionFlow.__init__` for what each holds."""

    index: ProjectIndex
    ref: FunctionRef
    module: ModuleInfo
    qualify: Callable[[ast.AST], str | None]
    self_cls: str | None
    bound: dict[str, object]
    typed: TypedModule | None
    is_async: bool
    facts: FunctionFacts
    env: dict[str, object]
    row_loop: bool
    offloaded: int
    scope_async: bool
    is_module: bool
    local_types: dict[int, object]
    consts: dict[str, object]
    _call_types: dict[int, object | None] | None
    conditions: list[frozenset[str]]
    fixed_loops: list[bool]
    empty_literals: set[str]

    if TYPE_CHECKING:
        # flow.py: the statement walk
        def exec_block(self, stmts: list[ast.stmt]) -> None: ...
        def eval(self, expr: ast.AST | None) -> object | None: ...
        def index_type(self, node: ast.AST) -> object | None: ...
        def _note(self, node: ast.AST, t: object | None) -> None: ...

        # flow_binding.py
        def _lambda(self, expr: ast.Lambda, offloaded: bool) -> None: ...
        def _filled_by_code(self, name: ast.Name) -> None: ...

        # flow_reads.py
        def _instance_method(
            self, ref: FunctionRef, row: InstanceT, at: ast.AST
        ) -> object | None: ...

        # flow_calls.py
        def _record_call(self, qual: str, self_cls: str | None, node: ast.AST) -> None: ...
        def _call_value(self, call: ast.Call, callee: object | None) -> object | None: ...
        def _callee_facts(
            self, ref: FunctionRef, self_cls: str | None, call: ast.Call
        ) -> FunctionFacts: ...

        # flow_methods.py
        def _method(
            self,
            call: ast.Call,
            receiver: object | None,
            name: str,
            types: dict[int, object | None],
        ) -> object | None: ...
        def _final(self, stmt: object, how: str) -> None: ...
        def _io(self, call: ast.Call, label: str, engine: bool = False) -> None: ...
