"""Home analyses done early: a function of the module being typed whose facts a caller
asks for before its turn is typed then, once, instead of twice.

`FactStore.analyse_module` types the functions of a module in order. When one of them
calls a function defined further down, the callee's facts are computed at once, and
its home analysis used to run again when its turn came: the same walk, only recording.
The walk asked for the facts is now also the home walk, into records of its own kept
until the function's turn, when they join the module's records: the module's records
are then the ones its in-order analysis writes, in the same order.

That holds only when the early walk saw what the in-order one would: no cycle was cut
while it ran (a function asked for while its own facts were being computed gets
provisional empty facts, which the later walk would not), and the function defines no
closures (the home walk types closures at once, which would compute their callees'
facts earlier than before). Otherwise the home analysis runs in its turn, as before.
"""

from __future__ import annotations

import ast

from repolint.semantics.module import child_nodes
from repolint.semantics.refs import FunctionRef
from repolint.semantics.summaries import TypedModule


def may_type_early(ref: FunctionRef) -> bool:
    """A function whose home walk may run when its facts are first asked for: one that
    defines no function or class inside it."""
    node = ref.node
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    stack: list[ast.AST] = list(node.body)
    while stack:
        current = stack.pop()
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return False
        if isinstance(current, ast.expr):
            continue  # lambdas are typed where they are called, not as closures
        stack.extend(child_nodes(current))
    return True


def merge_records(into: TypedModule, part: TypedModule) -> None:
    """Add one function's records (`part`) to its module's, as its home walk would."""
    into.types.update(part.types)
    into.scopes.update(part.scopes)
    into.calls.update(part.calls)
    into.rel_access.update(part.rel_access)
    into.offload_calls |= part.offload_calls
    into.engine_io_calls.update(part.engine_io_calls)
    for origin, states in part.final_statements.items():
        into.final_statements.setdefault(origin, []).extend(states)
