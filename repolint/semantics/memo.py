"""Memo guards: an `if` that runs its body once per distinct key of a cache it fills.

Two shapes, both storing `cache[key] = ...` in the body:

- `if key not in cache:`
- `found = cache.get(key)` earlier in the function, then `if found is None:` (or
  `if not found:`)

and lazy initialisation, which runs its body once per holder: `if self.lookup is None:`
(or `if not self.lookup:`) whose body assigns `self.lookup = ...`.
"""

from __future__ import annotations

import ast

from repolint.semantics.module import walk


def memo_guard(test_if: ast.If, func: ast.AST | None) -> tuple[str, str] | None:
    """`(key, cache)` (as `ast.dump`s) when `test_if` is a memo guard, else None."""
    test = test_if.test
    key: ast.expr | None = None
    cache: ast.expr | None = None
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.NotIn):
        key, cache = test.left, test.comparators[0]
    else:
        filled = _lazily_filled(test_if, func)
        if filled is not None:
            return filled, filled
        name = _tested_for_none(test)
        if name is not None and func is not None:
            key, cache = _got_from_cache(name, func, test_if.lineno)
    if key is None or cache is None:
        return None
    key_dump, cache_dump = ast.dump(key), ast.dump(cache)
    for stmt in walk(test_if):
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
    for node in walk(func):
        if (
            isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Store)
            and ast.dump(ast.Name(id=node.id, ctx=ast.Load())) == cache_dump
        ):
            return True
    return False


def _lazily_filled(test_if: ast.If, func: ast.AST | None) -> str | None:
    """`if holder is None: holder = ...` (or `if not holder:`): the holder's dump. A
    local name must be bound nowhere else but to None or an empty literal (`n =
    lookup(i)` then `if not n:` in a loop is a fresh value each time, not a memo)."""
    test = test_if.test
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        held = test.operand
    elif (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Is)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        held = test.left
    else:
        return None
    if not isinstance(held, (ast.Name, ast.Attribute)):
        return None
    if isinstance(held, ast.Name) and not _only_emptied(held.id, test_if, func):
        return None
    text = ast.unparse(held)
    for stmt in test_if.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(ast.unparse(t) == text for t in targets):
                return ast.dump(held)
    return None


def _only_emptied(name: str, test_if: ast.If, func: ast.AST | None) -> bool:
    """Outside `test_if`'s body, `func` binds `name` only to None or an empty literal."""
    if func is None:
        return False
    inside = {id(n) for stmt in test_if.body for n in walk(stmt)}
    for node in walk(func):
        if id(node) in inside or not isinstance(node, (ast.Assign, ast.AnnAssign)):
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            value = node.value
            empty = isinstance(value, ast.Constant) and value.value is None
            empty = empty or (
                isinstance(value, (ast.Dict, ast.List, ast.Set)) and not _items(value)
            )
            if not empty:
                return False
    return True


def _items(value: ast.Dict | ast.List | ast.Set) -> list[ast.AST]:
    return list(value.keys) if isinstance(value, ast.Dict) else list(value.elts)  # type: ignore[arg-type]


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
    for node in walk(func):
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
