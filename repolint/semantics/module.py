"""One parsed module and its top-level declarations (pure syntax, no cross-file facts)."""

from __future__ import annotations

import ast
import weakref
from dataclasses import dataclass, field
from functools import lru_cache
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
    is_test: bool = False
    """Test code: its traversals are no evidence of what production callers need."""
    branch_names: dict[str, tuple[frozenset[str], frozenset[str]]] = field(
        default_factory=dict, repr=False
    )
    """Function -> the names its tests read (`semantics.not_none.branch_names`), memoized."""
    none_compared: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    """Function -> the names it compares with None, read without walking its body
    (`semantics.not_none.none_compared`), memoized."""
    body_ref: object | None = field(default=None, repr=False, compare=False)
    """The pseudo-function of the module's body (`semantics.flow.module_ref`), made once."""
    if_tested: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    """Function -> the names its `if` tests read, read without walking its body
    (`semantics.not_none.if_tested`), memoized."""
    _walk: tuple[list[ast.AST], dict[ast.AST, ast.AST]] | None = field(default=None, repr=False)

    @property
    def nodes(self) -> list[ast.AST]:
        """Every node of the tree, walked once on first use (rules iterate this list)."""
        return self._walked()[0]

    @property
    def parents(self) -> dict[ast.AST, ast.AST]:
        """Node -> its parent node, built with `nodes`."""
        return self._walked()[1]

    def parent(self, node: ast.AST) -> ast.AST | None:
        return self._walked()[1].get(node)

    def release_walk(self) -> None:
        """Forget `nodes` and `parents` (rebuilt on demand): they cost more than the tree."""
        self._walk = None

    def _walked(self) -> tuple[list[ast.AST], dict[ast.AST, ast.AST]]:
        if self._walk is None:
            self._walk = walk_tree(self.tree)
        return self._walk


def build_module(
    name: str,
    path: Path,
    display: str,
    tree: ast.Module,
    text: str,
    is_package: bool,
    is_test: bool = False,
) -> ModuleInfo:
    """Collect imports (at any depth), top-level classes, functions and assignments."""
    info = ModuleInfo(name, path, display, tree, text.splitlines(), ImportTable(name, is_package))
    info.is_test = is_test
    for node in import_statements(tree):
        info.imports.add(node)
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


_SCALAR_FIELDS = frozenset(
    {"ctx", "id", "attr", "arg", "asname", "module", "level", "is_async", "conversion"}
    | {"kind", "type_comment", "simple"}
)
"""Fields that never hold a node (`ctx` holds a shared `Load`/`Store`/`Del` marker)."""
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {ast.Constant: (), ast.MatchSingleton: ()}


def child_fields(cls: type) -> tuple[str, ...]:
    """The fields of a node class that may hold child nodes, in field order; walking
    only these skips a getattr and two tests for each name, constant and marker."""
    fields = _CHILD_FIELDS.get(cls)
    if fields is None:
        fields = tuple(f for f in getattr(cls, "_fields", ()) if f not in _SCALAR_FIELDS)
        _CHILD_FIELDS[cls] = fields
    return fields


def child_nodes(node: ast.AST) -> list[ast.AST]:
    """`ast.iter_child_nodes` as a list, without the `ctx` markers: the same children in
    the same order, over `child_fields`."""
    out: list[ast.AST] = []
    node_type = ast.AST
    for name in child_fields(node.__class__):
        value = getattr(node, name, None)
        if value.__class__ is list:
            out.extend(item for item in value if isinstance(item, node_type))
        elif isinstance(value, node_type):
            out.append(value)
    return out


@lru_cache(maxsize=4096)
def parse_annotation(text: str) -> ast.expr:
    """The expression a string annotation (`"Session"`) holds, parsed once a text
    (callers share the node and never change it); raises SyntaxError as `ast.parse`."""
    return ast.parse(text, mode="eval").body


def walk_tree(tree: ast.AST) -> tuple[list[ast.AST], dict[ast.AST, ast.AST]]:
    """Every node (in the order of a stack walk pushing children in field order) and
    each child's parent, by `id`. `ast.iter_child_nodes` inlined over `child_fields`:
    three times as fast. The `ctx` markers (`Load`, `Store`, `Del`: one shared object
    each, a third of all nodes) are left out: read them on their node (`name.ctx`)."""
    nodes: list[ast.AST] = []
    parents: dict[ast.AST, ast.AST] = {}  # by the node itself: nodes hash by identity
    stack: list[ast.AST] = [tree]
    pop, push, add = stack.pop, stack.append, nodes.append
    node_type = ast.AST
    plan = _CHILD_FIELDS.get
    while stack:
        node = pop()
        add(node)
        fields = plan(node.__class__)
        if fields is None:
            fields = child_fields(node.__class__)
        for name in fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, node_type):
                        parents[item] = node
                        push(item)
            elif isinstance(value, node_type):
                parents[value] = node
                push(value)
    return nodes, parents


def walk(node: ast.AST) -> list[ast.AST]:
    """`ast.walk` as a list, in the same (breadth-first) order, three times as fast:
    `ast.iter_child_nodes` inlined over `child_fields`, and the `ctx` markers (`Load`,
    `Store`, `Del`) left out, as `walk_tree` leaves them."""
    out: list[ast.AST] = [node]
    add = out.append
    node_type = ast.AST
    plan = _CHILD_FIELDS.get
    i = 0
    while i < len(out):
        current = out[i]
        i += 1
        fields = plan(current.__class__)
        if fields is None:
            fields = child_fields(current.__class__)
        for name in fields:
            value = getattr(current, name, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, node_type):
                        add(item)
            elif isinstance(value, node_type):
                add(value)
    return out


_STATEMENT_LISTS = frozenset({"body", "handlers", "orelse", "finalbody", "cases"})


def import_statements(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """The import statements at any depth, in the order `walk_tree` meets them;
    only statement lists are entered (imports are never inside expressions)."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
            continue
        for name in node._fields:
            if name in _STATEMENT_LISTS:
                value = getattr(node, name, None)
                if value.__class__ is list:
                    stack.extend(value)
    return found


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


Params = tuple[tuple[ast.arg, ast.expr | None], ...]
_PARAMS: weakref.WeakKeyDictionary[ast.AST, Params] = weakref.WeakKeyDictionary()


def function_params(func: FunctionNode | ast.Lambda) -> Params:
    """Each parameter with its default (None when it has none); worked out once a node."""
    found = _PARAMS.get(func)
    if found is None:
        found = _PARAMS[func] = _params(func.args)
    return found


def _params(args: ast.arguments) -> Params:
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
    return tuple(out)


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def own_nodes(func: ast.AST, statements_only: bool = False) -> list[ast.AST]:
    """Nodes of a function body, not descending into nested functions or classes
    (`ast.iter_child_nodes` inlined, as in `walk_tree`). With `statements_only`, only
    statements are visited: enough to find assignments, and much cheaper."""
    out: list[ast.AST] = []
    stack: list[ast.AST] = [func]
    node_type = ast.AST
    first = True
    while stack:
        node = stack.pop()
        if not first:
            out.append(node)
            if isinstance(node, _SCOPES):
                continue
        first = False
        for name in child_fields(node.__class__):
            if statements_only and name not in _STATEMENT_LISTS:
                continue
            value = getattr(node, name, None)
            if isinstance(value, node_type):
                stack.append(value)
            elif value.__class__ is list:
                stack.extend(item for item in value if isinstance(item, node_type))
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
