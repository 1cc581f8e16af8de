"""One parsed module and its top-level declarations (pure syntax, no cross-file facts)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from repolint.semantics.imports import ImportTable

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass
class ModuleInfo:
    """A module of the analysed project, as written."""

    name: str
    path: Path
    display: str
    tree: ast.Module
    lines: list[str]
    imports: ImportTable
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    functions: dict[str, FunctionNode] = field(default_factory=dict)
    assigns: dict[str, ast.expr] = field(default_factory=dict)
    annotations: dict[str, ast.expr] = field(default_factory=dict)
    parents: dict[int, ast.AST] = field(default_factory=dict)
    nodes: list[ast.AST] = field(default_factory=list)
    """Every node of the tree, walked once (rules iterate this list)."""
    is_test: bool = False
    """Test code: its traversals are no evidence of what production callers need."""

    def parent(self, node: ast.AST) -> ast.AST | None:
        return self.parents.get(id(node))


def build_module(
    name: str, path: Path, display: str, tree: ast.Module, text: str, is_package: bool
) -> ModuleInfo:
    """Collect imports (at any depth), top-level classes, functions and assignments."""
    info = ModuleInfo(name, path, display, tree, text.splitlines(), ImportTable(name, is_package))
    info.is_test = is_test_path(path)
    parents = info.parents
    nodes = info.nodes
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        nodes.append(node)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            info.imports.add(node)
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
            stack.append(child)
    for stmt in _top_level(tree.body):
        if isinstance(stmt, ast.ClassDef):
            info.classes[stmt.name] = stmt
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            info.functions[stmt.name] = stmt
        elif isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    info.assigns[target.id] = stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            info.annotations[stmt.target.id] = stmt.annotation
            if stmt.value is not None:
                info.assigns[stmt.target.id] = stmt.value
        elif type(stmt).__name__ == "TypeAlias":  # `type X = ...` (3.12+)
            alias_name = getattr(stmt, "name", None)
            if isinstance(alias_name, ast.Name):
                info.assigns[alias_name.id] = stmt.value  # type: ignore[attr-defined]
    return info


def is_test_path(path: Path) -> bool:
    """`tests/`, `test_*.py`, `*_test.py` and `conftest.py`, as pytest finds them."""
    name = path.name
    if name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py":
        return True
    return any(part in ("tests", "test") for part in path.parts[:-1])


def _top_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """Top-level statements, looking inside `if TYPE_CHECKING:`/`try:` blocks."""
    out: list[ast.stmt] = []
    for stmt in body:
        if isinstance(stmt, ast.If):
            out.extend(_top_level(stmt.body))
            out.extend(_top_level(stmt.orelse))
        elif isinstance(stmt, ast.Try):
            out.extend(_top_level(stmt.body))
            for handler in stmt.handlers:
                out.extend(_top_level(handler.body))
            out.extend(_top_level(stmt.orelse))
        else:
            out.append(stmt)
    return out


def function_params(func: FunctionNode | ast.Lambda) -> list[tuple[ast.arg, ast.expr | None]]:
    """Each parameter with its default (None when it has none)."""
    args = func.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(
        args.defaults
    )
    out = list(zip(positional, defaults, strict=True))
    if args.vararg:
        out.append((args.vararg, None))
    out.extend(zip(args.kwonlyargs, args.kw_defaults, strict=True))
    if args.kwarg:
        out.append((args.kwarg, None))
    return out


def is_async(func: ast.AST) -> bool:
    return isinstance(func, ast.AsyncFunctionDef)


def decorator_names(node: ast.ClassDef | FunctionNode, imports: ImportTable) -> list[str]:
    """Qualified names of the decorators (calls included: `@x(...)` gives x)."""
    names: list[str] = []
    for dec in node.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        qual = imports.qualify(target)
        if qual:
            names.append(qual)
    return names
