"""Memo guards: an `if` that runs its body once per distinct key of a cache it fills.

Two shapes, both storing `cache[key] = ...` in the body:

- `if key not in cache:`
- `found = cache.get(key)` earlier in the function, then `if found is None:` (or
  `if not found:`)
"""

from __future__ import annotations

import ast


def memo_guard(test_if: ast.If, func: ast.AST | None) -> tuple[str, str] | None:
    """`(key, cache)` (as `ast.dump`s) when `test_if` is a memo guard, else None."""
    test = test_if.test
    key: ast.expr | None = None
    cache: ast.expr | None = None
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.NotIn):
        key, cache = test.left, test.comparators[0]
    else:
        name = _tested_for_none(test)
        if name is not None and func is not None:
            key, cache = _got_from_cache(name, func, test_if.lineno)
    if key is None or cache is None:
        return None
    key_dump, cache_dump = ast.dump(key), ast.dump(cache)
    for stmt in ast.walk(test_if):
        if isinstance(stmt, ast.Assign) and any(
            isinstance(t, ast.Subscript)
            and ast.dump(t.value) == cache_dump
            and ast.dump(t.slice) == key_dump
            for t in stmt.targets
        ):
            return key_dump, cache_dump
    return None


def cache_is_local(cache_dump: str, func: ast.AST) -> bool:
    """The cache is a plain name the function itself binds: it lives for one call."""
    for node in ast.walk(func):
        if (
            isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Store)
            and ast.dump(ast.Name(id=node.id, ctx=ast.Load())) == cache_dump
        ):
            return True
    return False


def _tested_for_none(test: ast.expr) -> str | None:
    """`x is None` or `not x`: the name `x`."""
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Is)
        and isinstance(test.left, ast.Name)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        return test.left.id
    if (
        isinstance(test, ast.UnaryOp)
        and isinstance(test.op, ast.Not)
        and isinstance(test.operand, ast.Name)
    ):
        return test.operand.id
    return None


def _got_from_cache(
    name: str, func: ast.AST, before: int
) -> tuple[ast.expr | None, ast.expr | None]:
    """`name = cache.get(key[, default])`, the last such assignment before line `before`."""
    found: tuple[ast.expr | None, ast.expr | None] = (None, None)
    for node in ast.walk(func):
        if (
            isinstance(node, ast.Assign)
            and node.lineno < before
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == name
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr == "get"
            and node.value.args
        ):
            found = (node.value.args[0], node.value.func.value)
    return found
