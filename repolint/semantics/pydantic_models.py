"""Pydantic response models that read attributes (`from_attributes`), for RPL308."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from repolint.semantics.imports import dotted
from repolint.semantics.module import parse_annotation
from repolint.semantics.names import SQLMODEL_BASE

if TYPE_CHECKING:
    from repolint.semantics.index import ProjectIndex
    from repolint.semantics.module import ModuleInfo

WRAPPERS = frozenset(
    {"list", "List", "Sequence", "Optional", "set", "Set", "tuple", "Tuple", "Iterable"}
)
CONFIG_KEYS = frozenset({"from_attributes", "orm_mode"})


def model_class(
    index: ProjectIndex, module: ModuleInfo, ann: ast.AST | None, depth: int = 0
) -> tuple[str | None, bool]:
    """(project class an annotation names, is it a list?): `list[PersonOut]`, `PersonOut | None`."""
    if ann is None or depth > 5:
        return None, False
    if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
        try:
            ann = parse_annotation(ann.value)
        except SyntaxError:
            return None, False
    if isinstance(ann, ast.BinOp) and isinstance(ann.op, ast.BitOr):
        for side in (ann.left, ann.right):
            if not (isinstance(side, ast.Constant) and side.value is None):
                return model_class(index, module, side, depth + 1)
        return None, False
    if isinstance(ann, ast.Subscript):
        head = (dotted(ann.value) or "").rsplit(".", 1)[-1]
        inner = ann.slice.elts[0] if isinstance(ann.slice, ast.Tuple) else ann.slice
        if head in WRAPPERS:
            cls, _ = model_class(index, module, inner, depth + 1)
            return cls, head not in ("Optional",)
        return None, False
    qual = module.imports.qualify(ann)
    sym = index.lookup(qual) if qual else None
    if sym is not None and sym.kind == "class":
        return sym.qual, False
    return None, False


def reads_attributes(index: ProjectIndex, cls: str) -> bool:
    """A Pydantic model configured `from_attributes=True` (or v1 `orm_mode`), or a SQLModel."""
    for c in index.mro(cls):
        _, node = index.classes[c]
        for base, _, _ in index.bases(c):
            if base in SQLMODEL_BASE:
                return True
        for stmt in node.body:
            if _config_sets(stmt):
                return True
    return False


PYDANTIC_BASES = frozenset({"pydantic.BaseModel", "pydantic.main.BaseModel"})


def is_pydantic_model(index: ProjectIndex, cls: str) -> bool:
    """A Pydantic model (or a SQLModel): its fields are read from the returned object."""
    bases = index.all_base_names(cls)
    return bool(bases & (PYDANTIC_BASES | SQLMODEL_BASE)) or reads_attributes(index, cls)


def _config_sets(stmt: ast.stmt) -> bool:
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        if any(isinstance(t, ast.Name) and t.id == "model_config" for t in targets):
            return _truthy_key(stmt.value)
    if isinstance(stmt, ast.ClassDef) and stmt.name == "Config":
        for sub in stmt.body:
            if isinstance(sub, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id in CONFIG_KEYS for t in sub.targets
            ):
                return isinstance(sub.value, ast.Constant) and sub.value.value is True
    return False


def _truthy_key(value: ast.AST | None) -> bool:
    if isinstance(value, ast.Call):
        return any(
            kw.arg in CONFIG_KEYS and isinstance(kw.value, ast.Constant) and kw.value.value is True
            for kw in value.keywords
        )
    if isinstance(value, ast.Dict):
        return any(
            isinstance(k, ast.Constant)
            and k.value in CONFIG_KEYS
            and isinstance(v, ast.Constant)
            and v.value is True
            for k, v in zip(value.keys, value.values, strict=True)
        )
    return False


def _is_relationship_value(value: ast.expr | None) -> bool:
    """SQLModel `Relationship(...)` attributes are not Pydantic fields: never serialized."""
    if not isinstance(value, ast.Call):
        return False
    name = (dotted(value.func) or "").rsplit(".", 1)[-1]
    return name in ("Relationship", "relationship")


def fields(index: ProjectIndex, cls: str) -> dict[str, tuple[ModuleInfo, ast.expr]]:
    """Annotated fields of a model class and its project bases (nearest wins)."""
    out: dict[str, tuple[ModuleInfo, ast.expr]] = {}
    for c in reversed(index.mro(cls)):
        module, node = index.classes[c]
        for stmt in node.body:
            if (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and not stmt.target.id.startswith("_")
                and stmt.target.id != "model_config"
                and not _is_relationship_value(stmt.value)
            ):
                out[stmt.target.id] = (module, stmt.annotation)
    return out
