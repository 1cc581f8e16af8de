"""Mapped classes and their relationships, read from class bodies."""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace

from repolint.semantics.imports import dotted
from repolint.semantics.loading import strategy_of
from repolint.semantics.module import parse_annotation, walk
from repolint.semantics.names import BACKREF_FUNCS, RELATIONSHIP_FUNCS

COLLECTION_HINTS = frozenset(
    {
        "list",
        "List",
        "set",
        "Set",
        "typing.List",
        "typing.Set",
        "frozenset",
        "Sequence",
        "typing.Sequence",
        "collections.abc.Sequence",
        "WriteOnlyMapped",
        "DynamicMapped",
    }
)


@dataclass(frozen=True)
class Relationship:
    """One relationship attribute of a model."""

    owner: str
    name: str
    target_name: str | None
    strategy: str
    """'lazy', 'eager' or 'other' (dynamic, write_only, raise, noload, viewonly)."""
    collection: bool | None
    line: int
    backref_of: str | None = None
    reverse: str | None = None
    """The relationship on the target that points back (back_populates/backref)."""
    remote_side: bool = False
    """`remote_side=` given: a self-referential many-to-one."""
    dynamic: bool = False
    """`lazy="dynamic"` / `DynamicMapped`: reading it gives a query, run by each consumer."""


@dataclass(frozen=True)
class BackrefSpec:
    name: str
    strategy: str
    collection: bool | None
    """None: the opposite of the forward side, once that is decided."""
    explicit: bool = False
    """`backref("x", uselist=...)` said so itself."""
    dynamic: bool = False


def _kw(call: ast.Call, name: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def _string_or_name(expr: ast.AST | None) -> str | None:
    if expr is None:
        return None
    if isinstance(expr, ast.Lambda):
        expr = expr.body
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value.strip()
    return dotted(expr)


def _unwrap_annotation(ann: ast.AST | None) -> tuple[str | None, bool | None]:
    """(target name, collection?) from `Mapped[list["X"]]`, `Optional["X"]`, `"X" | None`."""
    if ann is None:
        return None, None
    if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
        text = ann.value
        try:
            ann = parse_annotation(text)
        except SyntaxError:
            return text, None
    if isinstance(ann, ast.BinOp) and isinstance(ann.op, ast.BitOr):
        for side in (ann.left, ann.right):
            if not (isinstance(side, ast.Constant) and side.value is None):
                return _unwrap_annotation(side)
        return None, None
    if isinstance(ann, ast.Subscript):
        head = dotted(ann.value) or ""
        last = head.rsplit(".", 1)[-1]
        inner = ann.slice
        if last in ("Mapped", "Optional", "Annotated"):
            if isinstance(inner, ast.Tuple):
                inner = inner.elts[0]
            return _unwrap_annotation(inner)
        if last in ("Union",) and isinstance(inner, ast.Tuple):
            for elt in inner.elts:
                if not (isinstance(elt, ast.Constant) and elt.value is None):
                    return _unwrap_annotation(elt)
        if head in COLLECTION_HINTS or last in COLLECTION_HINTS:
            if isinstance(inner, ast.Tuple):
                inner = inner.elts[-1]
            name, _ = _unwrap_annotation(inner)
            return name, True
        return None, None
    name = dotted(ann)
    return name, False if name else None


class RelationshipReader:
    """Reads `relationship(...)` attributes from a class body."""

    def __init__(self, qualify, is_flask_db) -> None:
        self.qualify = qualify
        self.is_flask_db = is_flask_db

    def is_relationship_call(self, value: ast.AST | None) -> bool:
        if not isinstance(value, ast.Call):
            return False
        func = value.func
        qual = self.qualify(func)
        if qual in RELATIONSHIP_FUNCS:
            return True
        return (
            isinstance(func, ast.Attribute)
            and func.attr == "relationship"
            and self.is_flask_db(func.value)
        )

    def read(
        self, owner: str, cls: ast.ClassDef
    ) -> tuple[list[Relationship], list[tuple[str | None, BackrefSpec, int, str]]]:
        """Relationships declared in `cls` and the backrefs they create elsewhere."""
        rels: list[Relationship] = []
        backrefs: list[tuple[str | None, BackrefSpec, int, str]] = []
        for stmt in cls.body:
            name: str | None = None
            value: ast.AST | None = None
            annotation: ast.AST | None = None
            if (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
            ):
                name, value = stmt.targets[0].id, stmt.value
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                name, value, annotation = stmt.target.id, stmt.value, stmt.annotation
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                (dotted(d) or "").endswith("declared_attr") for d in stmt.decorator_list
            ):
                returns = [
                    n.value for n in walk(stmt) if isinstance(n, ast.Return) and n.value is not None
                ]
                if returns:
                    name, value, annotation = stmt.name, returns[0], stmt.returns
            if name is None or not self.is_relationship_call(value):
                continue
            assert isinstance(value, ast.Call)
            rel, backref = self._one(owner, name, value, annotation, stmt.lineno)
            rels.append(rel)
            if backref is not None:
                backrefs.append((rel.target_name, backref, stmt.lineno, name))
        return rels, backrefs

    def _one(
        self, owner: str, name: str, call: ast.Call, annotation: ast.AST | None, line: int
    ) -> tuple[Relationship, BackrefSpec | None]:
        target = (
            _string_or_name(call.args[0]) if call.args else _string_or_name(_kw(call, "argument"))
        )
        ann_target, collection = _unwrap_annotation(annotation)
        if annotation is not None and isinstance(annotation, ast.Subscript):
            head = (dotted(annotation.value) or "").rsplit(".", 1)[-1]
            if head in ("WriteOnlyMapped", "DynamicMapped"):
                dynamic = head == "DynamicMapped"
                rel = Relationship(owner, name, target or ann_target, "other", True, line)
                return replace(rel, dynamic=dynamic), None
        target = target or ann_target
        lazy = _kw(call, "lazy")
        kwargs = _kw(call, "sa_relationship_kwargs")
        if lazy is None and isinstance(kwargs, ast.Dict):
            for k, v in zip(kwargs.keys, kwargs.values, strict=True):
                if isinstance(k, ast.Constant) and k.value == "lazy":
                    lazy = v
        sa_rel = _kw(call, "sa_relationship")
        if lazy is None and isinstance(sa_rel, ast.Call):
            lazy = _kw(sa_rel, "lazy")
        strategy = strategy_of(lazy)
        uselist = _kw(call, "uselist")
        if isinstance(uselist, ast.Constant) and isinstance(uselist.value, bool):
            collection = uselist.value
        elif collection is None and _kw(call, "secondary") is not None:
            collection = True  # many-to-many through an association table
        backref = self._backref(_kw(call, "backref"), collection)
        back = _kw(call, "back_populates")
        reverse = (
            back.value if isinstance(back, ast.Constant) and isinstance(back.value, str) else None
        )
        reverse = reverse or (backref.name if backref else None)
        remote = _kw(call, "remote_side") is not None
        dynamic = isinstance(lazy, ast.Constant) and lazy.value == "dynamic"
        return Relationship(
            owner,
            name,
            target,
            strategy,
            True if dynamic else collection,
            line,
            reverse=reverse,
            remote_side=remote,
            dynamic=dynamic,
        ), backref

    def _backref(
        self, value: ast.AST | None, forward_collection: bool | None
    ) -> BackrefSpec | None:
        if value is None:
            return None
        other_collection = None if forward_collection is None else not forward_collection
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return BackrefSpec(value.value, "lazy", other_collection)
        if isinstance(value, ast.Call) and value.args:
            qual = self.qualify(value.func) or ""
            if qual in BACKREF_FUNCS or qual.endswith(".backref") or qual == "backref":
                first = value.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    lazy = _kw(value, "lazy")
                    dynamic = isinstance(lazy, ast.Constant) and lazy.value == "dynamic"
                    uselist = _kw(value, "uselist")
                    if isinstance(uselist, ast.Constant) and isinstance(uselist.value, bool):
                        return BackrefSpec(
                            first.value, strategy_of(lazy), uselist.value, True, dynamic
                        )
                    return BackrefSpec(
                        first.value, strategy_of(lazy), other_collection, dynamic=dynamic
                    )
        return None


def foreign_key_refs(cls: ast.ClassDef) -> list[tuple[str | None, ast.expr]]:
    """The foreign keys declared in a class body: (the column attribute, or None in
    `__table_args__`; what it points at). `ForeignKey("t.id")`, `ForeignKey(Model.id)`,
    SQLModel's `Field(foreign_key="t.id")`, the targets of a `ForeignKeyConstraint`."""
    refs: list[tuple[str | None, ast.expr]] = []
    for stmt in cls.body:
        if not isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            continue
        value = stmt.value
        if not isinstance(value, (ast.Call, ast.Tuple, ast.List, ast.Dict)):
            continue
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target
        column = (
            target.id if isinstance(target, ast.Name) and target.id != "__table_args__" else None
        )
        for node in walk(value):
            if not isinstance(node, ast.Call):
                continue
            last = (dotted(node.func) or "").rsplit(".", 1)[-1]
            if last == "ForeignKey" and node.args:
                refs.append((column, node.args[0]))
            elif last == "ForeignKeyConstraint" and len(node.args) > 1:
                targets = node.args[1]
                if isinstance(targets, (ast.List, ast.Tuple)):
                    refs.extend((None, t) for t in targets.elts)
            elif last == "Field":
                found = _kw(node, "foreign_key")
                if found is not None:
                    refs.append((column, found))
    return refs
