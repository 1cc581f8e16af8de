"""Arguments that are certainly not None: they decide a callee's `if x is None:` test.

A callee that fills a missing argument itself (`if user_group_ids is None:
user_group_ids = <query>`) runs that query only for callers that pass nothing; a
caller that passes a set it built does not run it. Read from the caller's syntax only.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Sequence

from repolint.semantics.module import own_nodes, walk

VALUE_NODES = (
    ast.Set,
    ast.List,
    ast.Dict,
    ast.Tuple,
    ast.SetComp,
    ast.ListComp,
    ast.DictComp,
    ast.GeneratorExp,
    ast.JoinedStr,
    ast.Lambda,
)
VALUE_BUILTINS = frozenset({"set", "list", "dict", "tuple", "frozenset", "str", "int", "len"})
MAYBE_VALUE = (ast.Name, ast.Call, *VALUE_NODES)
"""The only expressions `certainly_a_value` may find certainly a value."""


class _NotNone:
    """What a parameter holds when its call passes a value that is not None."""

    def __repr__(self) -> str:
        return "NOT_NONE"


NOT_NONE = _NotNone()


def branch_names(func: ast.AST) -> tuple[frozenset[str], frozenset[str]]:
    """From one walk of `func`: the names its `if` tests (statements and expressions)
    read in a shape a constant decides (`flag`, `not flag`, `mode == "a"`, and/or of
    those), and the names it compares with None (`x is None`, `x == None`). Only such
    parameters can have their paths through `func` decided by what a caller passes."""
    decidable: set[str] = set()
    compared: set[str] = set()
    for node in walk(func):
        if isinstance(node, (ast.If, ast.IfExp)):
            _tested_names(node.test, decidable)
        elif _compared_with_none(node):
            compared.add(node.left.id)  # type: ignore[attr-defined]
    return frozenset(decidable), frozenset(compared)


def none_compared(func: ast.AST, lines: Sequence[str]) -> frozenset[str] | None:
    """`branch_names(func)[1]` without walking the body, when the body's text (in its
    module's `lines`) holds no `None`: then only the signature can compare a name with
    None. None when the body must be walked."""
    body = _body_text(func, lines)
    if body is None or "None" in body:
        return None
    return frozenset(
        node.left.id  # type: ignore[attr-defined]
        for node in _signature_nodes(func)
        if _compared_with_none(node)
    )


def if_tested(func: ast.AST, lines: Sequence[str]) -> frozenset[str] | None:
    """`branch_names(func)[0]` without walking the body, when the body's text holds no
    word `if` (so no `if` statement nor `a if c else b`): then only the signature can
    test a name. None when the body must be walked."""
    body = _body_text(func, lines)
    if body is None or _IF.search(body) is not None:
        return None
    decidable: set[str] = set()
    for node in _signature_nodes(func):
        if isinstance(node, (ast.If, ast.IfExp)):
            _tested_names(node.test, decidable)
    return frozenset(decidable)


_IF = re.compile(r"\bif\b")


def _body_text(func: ast.AST, lines: Sequence[str]) -> str | None:
    """The text of a function's body (from its first statement's line), if known."""
    if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)) or not func.body:
        return None
    start = getattr(func.body[0], "lineno", None)
    end = getattr(func, "end_lineno", None)
    if start is None or end is None:
        return None
    return "\n".join(lines[start - 1 : end])


def _signature_nodes(func: ast.AST) -> list[ast.AST]:
    """Every node of the decorators, parameters (defaults, annotations) and return
    annotation: what `walk(func)` meets outside the body."""
    if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return []
    parts = [func.args, *func.decorator_list, *getattr(func, "type_params", ())]
    if func.returns is not None:
        parts.append(func.returns)
    return [node for part in parts for node in walk(part)]


def _compared_with_none(node: ast.AST) -> bool:
    """`name is None`, `name == None` (one comparison, a plain name on the left)."""
    return (
        isinstance(node, ast.Compare)
        and isinstance(node.left, ast.Name)
        and len(node.comparators) == 1
        and isinstance(node.comparators[0], ast.Constant)
        and node.comparators[0].value is None
    )


def _tested_names(test: ast.expr, names: set[str]) -> None:
    if isinstance(test, ast.Name):
        names.add(test.id)
    elif isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        _tested_names(test.operand, names)
    elif isinstance(test, ast.BoolOp):
        for value in test.values:
            _tested_names(value, names)
    elif isinstance(test, ast.Compare) and isinstance(test.left, ast.Name):
        names.add(test.left.id)


CallCheck = Callable[[ast.Call], bool]
"""Whether a call is of a project function that always returns a value (`returns_a_value`)."""


def returns_a_value(func: ast.AST) -> bool:
    """Every `return` of `func` gives a value that is not None (a literal, a
    comprehension, a name bound only to such), and its body ends in one: no implicit
    None."""
    if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)) or not func.body:
        return False
    if not isinstance(func.body[-1], ast.Return):
        return False
    returns = [n for n in own_nodes(func) if isinstance(n, ast.Return)]
    return all(
        r.value is not None and (_is_value(r.value) or certainly_a_value(r.value, func, r))
        for r in returns
    )


def certainly_a_value(
    expr: ast.expr, func: ast.AST | None, at: ast.AST, calls: CallCheck | None = None
) -> bool:
    """`expr`, passed at `at` inside `func`, is not None: a literal container, a
    comprehension, an f-string, a builtin constructor call, or a local name every binding
    of which is one (a parameter counts when `if name is None: name = <one>` fills it
    before `at`)."""
    if _is_value(expr, calls):
        return True
    if not isinstance(expr, ast.Name) or not isinstance(
        func, (ast.FunctionDef, ast.AsyncFunctionDef)
    ):
        return False
    name = expr.id
    stores, values = _bindings(func).get(name, (0, []))
    if not stores or len(values) != stores or not all(_is_value(v, calls) for v in values):
        return False
    params = {a.arg for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs)}
    if name not in params:
        return True
    return any(
        _fills_when_none(stmt, name) and stmt.lineno < getattr(at, "lineno", 0)
        for stmt in func.body
    )


_BINDINGS: dict[int, tuple[ast.AST, dict[str, tuple[int, list[ast.expr]]]]] = {}


def _bindings(func: ast.AST) -> dict[str, tuple[int, list[ast.expr]]]:
    """Name -> (how many times `func` stores it, the values of its plain `name = value`
    assignments), for every name, from one walk (memoized: callers ask per argument)."""
    memo = _BINDINGS.get(id(func))
    if memo is not None and memo[0] is func:
        return memo[1]
    stores: dict[str, int] = {}
    values: dict[str, list[ast.expr]] = {}
    for n in walk(func):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            stores[n.id] = stores.get(n.id, 0) + 1
        elif isinstance(n, ast.Assign) and len(n.targets) == 1:
            target = n.targets[0]
            if isinstance(target, ast.Name):
                values.setdefault(target.id, []).append(n.value)
    table = {name: (count, values.get(name, [])) for name, count in stores.items()}
    if len(_BINDINGS) > 4096:
        _BINDINGS.clear()
    _BINDINGS[id(func)] = (func, table)
    return table


def _is_value(expr: ast.expr, calls: CallCheck | None = None) -> bool:
    if isinstance(expr, VALUE_NODES):
        return True
    if isinstance(expr, ast.Constant):
        return expr.value is not None
    if not isinstance(expr, ast.Call):
        return False
    if isinstance(expr.func, ast.Name) and expr.func.id in VALUE_BUILTINS:
        return True
    return calls is not None and calls(expr)


def _fills_when_none(stmt: ast.stmt, name: str) -> bool:
    """`if name is None: name = ...` (the assigned value is checked with the others)."""
    if not isinstance(stmt, ast.If):
        return False
    test = stmt.test
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == name
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Is)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
        and not stmt.orelse
    )
