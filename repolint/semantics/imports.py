"""Import tables: which qualified name each local name of a module stands for."""

from __future__ import annotations

import ast


def dotted(expr: ast.AST) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if isinstance(expr, ast.Name):
        parts.append(expr.id)
        return ".".join(reversed(parts))
    return None


def resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute module named by `from <level dots><target> import ...`."""
    parts = module.split(".")
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
    if target:
        parts.append(target)
    return ".".join(p for p in parts if p)


class ImportTable:
    """Local name -> qualified name, for one module."""

    def __init__(self, module: str, is_package: bool) -> None:
        self.module = module
        self.is_package = is_package
        self.aliases: dict[str, str] = {}
        self.star_modules: list[str] = []
        """Modules imported with `from m import *`, in order (their public names are ours)."""
        self._qualified: dict[int, tuple[ast.AST, str | None]] = {}
        """`qualify` of attribute chains by node id (with the node: an id is only unique
        while it lives)."""
        self._names: dict[str, str] = {}
        """`qualify_name` by name."""

    def add(self, node: ast.Import | ast.ImportFrom) -> None:
        """Record one import statement (at any depth of the module)."""
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self.aliases[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    self.aliases[top] = top
            return
        base = node.module or ""
        if node.level:
            base = resolve_relative(self.module, self.is_package, node.level, node.module)
        for alias in node.names:
            if alias.name == "*":
                if base and base not in self.star_modules:
                    self.star_modules.append(base)
                continue
            self.aliases[alias.asname or alias.name] = (
                f"{base}.{alias.name}" if base else alias.name
            )

    def qualify(self, expr: ast.AST) -> str | None:
        """Qualified name of a Name/Attribute chain: imported, else module-local
        (worked out once a name or node: the analyses ask again for the same calls)."""
        if expr.__class__ is ast.Name:
            return self.qualify_name(expr.id)
        found = self._qualified.get(id(expr))
        if found is not None and found[0] is expr:
            return found[1]
        name = dotted(expr)
        qual = None if name is None else self.qualify_name(name)
        self._qualified[id(expr)] = (expr, qual)
        return qual

    def qualify_name(self, name: str) -> str:
        found = self._names.get(name)
        if found is None:
            found = self._names[name] = self._qualify_name(name)
        return found

    def _qualify_name(self, name: str) -> str:
        head, _, rest = name.partition(".")
        if head in self.aliases:
            base = self.aliases[head]
        else:
            base = f"{self.module}.{head}" if self.module else head
        return f"{base}.{rest}" if rest else base
