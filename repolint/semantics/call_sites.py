"""What one call passes to its callee: the type and the constant each parameter gets."""

from __future__ import annotations

import ast
import weakref
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from repolint.semantics.module import function_params
from repolint.semantics.not_none import (
    MAYBE_VALUE,
    CallCheck,
    branch_names,
    certainly_a_value,
    if_tested,
    none_compared,
)
from repolint.semantics.refs import FunctionRef
from repolint.semantics.summaries import ProjectCall
from repolint.semantics.types import ConstT, SomeValueT

if TYPE_CHECKING:
    from repolint.semantics.index import ProjectIndex


Constants = tuple[tuple[str, ConstT], ...]
_CONSTANTS: weakref.WeakKeyDictionary[ast.Call, dict[str, Constants]] = weakref.WeakKeyDictionary()


def call_constants(ref: FunctionRef, call: ast.Call) -> Constants:
    """The constants a call passes to the callee's parameters, and the constant defaults
    of those it does not pass: what decides the callee's `if flag:` branches for it.
    Read from the syntax alone, so worked out once a call and callee."""
    by_callee = _CONSTANTS.get(call)
    if by_callee is None:
        by_callee = _CONSTANTS[call] = {}
    found = by_callee.get(ref.qual)
    if found is None:
        found = by_callee[ref.qual] = _call_constants(ref, call)
    return found


def _call_constants(ref: FunctionRef, call: ast.Call) -> Constants:
    node = ref.node
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return ()
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return ()  # `f(*args)`, `f(**options)`: what each parameter gets is unknown
    params = function_params(node)
    if ref.takes_self and params:
        params = params[1:]
    passed: dict[str, ast.expr] = {}
    positional = [a for a, _ in params if a not in node.args.kwonlyargs]
    for arg, given in zip(positional, call.args, strict=False):
        passed[arg.arg] = given
    passed.update({k.arg: k.value for k in call.keywords if k.arg})
    if not any(_constant(passed.get(arg.arg, default)) for arg, default in params):
        return ()  # no parameter gets a constant: the callee's tests do not matter
    out: list[tuple[str, ConstT]] = []
    decided = _decidable(ref)
    for arg, default in params:
        if arg.arg not in decided:
            continue  # a constant no test of the callee reads cannot change its paths
        value = passed.get(arg.arg, default)
        if _constant(value):
            out.append((arg.arg, ConstT(value.value)))  # type: ignore[union-attr]
    return tuple(sorted(out, key=lambda p: p[0]))


def _constant(value: ast.expr | None) -> bool:
    """A constant a call can bind (not bytes)."""
    return isinstance(value, ast.Constant) and not isinstance(value.value, bytes)


def not_none_args(
    ref: FunctionRef, call: ast.Call, caller: ast.AST | None, calls: CallCheck | None = None
) -> tuple[tuple[str, SomeValueT], ...]:
    """Parameters this call passes a value that is certainly not None (not a constant:
    those are `call_constants`)."""
    node = ref.node
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return ()
    if any(isinstance(a, ast.Starred) for a in call.args):
        return ()
    passed_values = (*call.args, *(k.value for k in call.keywords if k.arg))
    if not any(isinstance(value, MAYBE_VALUE) for value in passed_values):
        return ()  # nothing passed can be certainly a value: the callee's tests do not matter
    tested = _none_tested(ref)
    if not tested:
        return ()
    params = function_params(node)
    if ref.takes_self and params:
        params = params[1:]
    positional = [a for a, _ in params if a not in node.args.kwonlyargs]
    passed: dict[str, ast.expr] = {}
    for arg, given in zip(positional, call.args, strict=False):
        passed[arg.arg] = given
    passed.update({k.arg: k.value for k in call.keywords if k.arg})
    return tuple(
        sorted(
            (name, SomeValueT())
            for name, expr in passed.items()
            if name in tested
            and not isinstance(expr, ast.Constant)
            and certainly_a_value(expr, caller, call, calls)
        )
    )


def _decidable(ref: FunctionRef) -> frozenset[str]:
    """Names the `if` tests of a function read (`branch_names`), read from its signature
    alone when its body's text holds no word `if` (`if_tested`)."""
    return _tested(ref, 0, ref.module.if_tested, if_tested)


def _none_tested(ref: FunctionRef) -> frozenset[str]:
    """Names a function compares with None (`branch_names`), read from its signature
    alone when its body's text holds no `None` (`none_compared`)."""
    return _tested(ref, 1, ref.module.none_compared, none_compared)


def _tested(
    ref: FunctionRef,
    which: int,
    memo: dict[str, frozenset[str]],
    quick: Callable[[ast.AST, Sequence[str]], frozenset[str] | None],
) -> frozenset[str]:
    """Part `which` of `branch_names(ref)`: from the walk if it was done, else from the
    `quick` read (remembered in `memo`) when it can answer, else from the walk."""
    walked = ref.module.branch_names.get(ref.qual)
    if walked is not None:
        return walked[which]
    found = memo.get(ref.qual)
    if found is None:
        found = quick(ref.node, ref.module.lines)
        if found is None:
            return _branch_names(ref)[which]
        memo[ref.qual] = found
    return found


def _branch_names(ref: FunctionRef) -> tuple[frozenset[str], frozenset[str]]:
    """`branch_names` of a function, once per run."""
    memo = ref.module.branch_names
    found = memo.get(ref.qual)
    if found is None:
        found = memo[ref.qual] = branch_names(ref.node)
    return found


def db_path_at_call(
    index: ProjectIndex, call: ast.Call, project_call: ProjectCall, kind: str
) -> list[str] | None:
    """The path from a project call to a statement (`kind` 'query') or a commit
    ('commit') it runs, the callee analysed with the constants this call passes."""
    bound = index.facts.call_given(project_call)
    return index.facts.db_path(project_call.qual, project_call.self_cls, kind, bound=bound)


def call_site_args(
    ref: FunctionRef, call: ast.Call, types: dict[int, object | None]
) -> dict[str, object | None]:
    """Parameter name -> the type this call passes (None: unknown or not passed)."""
    node = ref.node
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return {}
    params = [a.arg for a, _ in function_params(node) if a is not node.args.vararg]
    if node.args.kwarg is not None:
        params = params[:-1]
    if ref.takes_self and params:
        params = params[1:]
    out: dict[str, object | None] = dict.fromkeys(params)
    positional = len(node.args.posonlyargs) + len(node.args.args)
    if ref.takes_self:
        positional -= 1
    for i, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            return dict.fromkeys(params)  # `f(*args)`: positions unknown
        if i < min(positional, len(params)):
            out[params[i]] = types.get(id(arg))
    for kw in call.keywords:
        if kw.arg is not None and kw.arg in out:
            out[kw.arg] = types.get(id(kw.value))
    return out


def _bind_args(
    init: FunctionRef, call: ast.Call, types: dict[int, object | None]
) -> tuple[tuple[str, object], ...]:
    node = init.node
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return ()
    names = [a.arg for a, _ in function_params(node)][1:]
    bound: list[tuple[str, object]] = []
    for name, arg in zip(names, call.args, strict=False):
        t = types.get(id(arg))
        if t is not None and not isinstance(arg, ast.Starred):
            bound.append((name, t))
    for kw in call.keywords:
        t = types.get(id(kw.value))
        if kw.arg and t is not None:
            bound.append((kw.arg, t))
    return tuple(sorted(bound, key=lambda p: p[0]))
