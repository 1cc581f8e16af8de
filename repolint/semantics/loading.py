"""Loader options (`.options(selectinload(A.b).selectinload(B.c))`) and `lazy=` strategies."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

from repolint.semantics.names import EAGER_LOADERS, OTHER_LOADERS
from repolint.semantics.types import ALL_EAGER, WILDCARD, Eager, Path

LAZY_STRATEGIES = frozenset({"select", "True", None})
EAGER_STRATEGIES = frozenset({"selectin", "joined", "subquery", "immediate", "False"})
SILENT_LOADERS = frozenset({"raiseload", "noload"})
"""Loaders after which an access never lazy-loads (it raises or gives nothing)."""


def strategy_of(value: ast.AST | None) -> str:
    """'lazy', 'eager' or 'other' for the value of a `lazy=` keyword."""
    if value is None:
        return "lazy"
    if isinstance(value, ast.Constant):
        text = str(value.value) if isinstance(value.value, bool) else value.value
        if text in LAZY_STRATEGIES:
            return "lazy"
        if text in EAGER_STRATEGIES:
            return "eager"
        return "other"
    return "other"


@dataclass(frozen=True)
class LoadSet:
    """What a list of loader options loads: eager paths and joined-eager paths.

    `eager` also holds paths made silent by `raiseload`/`noload`, which never lazy-load;
    `loaders` holds only the paths of real eager loaders (for "eager-loads nothing").
    """

    eager: Eager
    joined: Eager
    loaders: Eager
    unknown: bool = False


Qualify = Callable[[ast.AST], "str | None"]


def loader_name(func: ast.AST, qualify: Qualify) -> str | None:
    """`selectinload` when `func` names one of SQLAlchemy's loader functions."""
    if isinstance(func, ast.Attribute) and not isinstance(func.value, (ast.Name, ast.Attribute)):
        return None
    qual = qualify(func)
    if qual is None:
        return None
    last = qual.rsplit(".", 1)[-1]
    if last not in EAGER_LOADERS | OTHER_LOADERS:
        return None
    head = qual.rsplit(".", 1)[0] if "." in qual else ""
    if head.startswith("sqlalchemy") or head in ("", "orm", "sa.orm") or head.endswith(".orm"):
        return last
    return None


def _attr_name(arg: ast.AST) -> str | None:
    """`b` for `A.b`, `A.b.of_type(X)`, `A.b.and_(...)` or the string `"b"`."""
    if (
        isinstance(arg, ast.Call)
        and isinstance(arg.func, ast.Attribute)
        and arg.func.attr in ("of_type", "and_")
    ):
        arg = arg.func.value
    if isinstance(arg, ast.Attribute):
        return arg.attr
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value.rsplit(".", 1)[-1]
    return None


def _chain(expr: ast.AST, qualify: Qualify) -> list[tuple[str, list[ast.expr]]] | None:
    """[(loader, args), ...] from the outermost loader call to the innermost."""
    steps: list[tuple[str, list[ast.expr]]] = []
    while isinstance(expr, ast.Call):
        func = expr.func
        name = loader_name(func, qualify)
        if name is not None:
            steps.append((name, list(expr.args)))
            steps.reverse()
            return steps
        if isinstance(func, ast.Attribute) and func.attr in EAGER_LOADERS | OTHER_LOADERS:
            steps.append((func.attr, list(expr.args)))
            expr = func.value
            continue
        if isinstance(func, ast.Attribute) and func.attr == "options":
            # joinedload(A.b).options(selectinload(B.c), ...): handled by the caller
            return None
        return None
    return None


def read_options(args: list[ast.expr], qualify: Qualify) -> LoadSet:
    """What `.options(*args)` loads. Unknown arguments load everything (precision first)."""
    eager: set[Path] = set()
    joined: set[Path] = set()
    loaders: set[Path] = set()
    unknown = False
    for arg in args:
        if isinstance(arg, ast.Starred) or not _read_one(arg, qualify, (), eager, joined, loaders):
            unknown = True
    if unknown:
        eager |= ALL_EAGER
        loaders |= ALL_EAGER
    return LoadSet(frozenset(eager), frozenset(joined), frozenset(loaders), unknown)


def _read_one(
    arg: ast.expr,
    qualify: Qualify,
    prefix: Path,
    eager: set[Path],
    joined: set[Path],
    loaders: set[Path],
) -> bool:
    sub_options: list[ast.expr] = []
    if (
        isinstance(arg, ast.Call)
        and isinstance(arg.func, ast.Attribute)
        and arg.func.attr == "options"
    ):
        sub_options = list(arg.args)
        arg = arg.func.value
    steps = _chain(arg, qualify)
    if steps is None:
        return False
    path = prefix
    for loader, loader_args in steps:
        if loader in (
            "Load",
            "load_only",
            "defer",
            "undefer",
            "with_expression",
            "undefer_group",
            "selectin_polymorphic",
        ):
            continue
        names = [n for a in loader_args if not isinstance(a, ast.Starred) and (n := _attr_name(a))]
        if not names:
            if loader_args and all(
                isinstance(a, ast.Constant) and a.value == "*" for a in loader_args
            ):
                if loader in EAGER_LOADERS or loader in SILENT_LOADERS:
                    eager.add(path + WILDCARD)
                continue
            if loader_args:
                return False
            continue
        for name in names:
            path = (*path, name)
            if loader in EAGER_LOADERS:
                eager.add(path)
                loaders.add(path)
                if loader == "joinedload":
                    joined.add(path)
            elif loader in SILENT_LOADERS:
                eager.add(path)
    for sub in sub_options:
        if not _read_one(sub, qualify, path, eager, joined, loaders):
            eager.add(path + WILDCARD)
    return True
