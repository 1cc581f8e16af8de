"""The repositories an audit scores: repository classes, and modules of data functions.

A module of data-layer functions (RULES.md: functions taking a session in a
`repository-modules` module; at least one of them public) is scored as one
repository, named by its dotted module name: its public functions play the
methods, and its model is the one its name names (`crud/user.py` and
`user/crud.py` serve `User`), else the one its functions return most often.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from repolint.semantics.index import FunctionRef, ProjectIndex, Symbol
from repolint.semantics.module import ModuleInfo
from repolint.semantics.types import InstanceT, QueryT, ResultT, RowsT, SessionT
from repolint.settings import Settings

ROW_TYPES = (InstanceT, RowsT, ResultT, QueryT)
GENERIC_BASES = frozenset({"typing.Generic", "typing_extensions.Generic"})


@dataclass
class Unit:
    """One scored repository and what the checks read about it."""

    name: str
    qual: str
    kind: Literal["class", "module"]
    module: ModuleInfo
    line: int
    end_line: int
    model: str | None
    generic: bool
    session: str | None
    functions: dict[str, FunctionRef]
    """Methods (own and inherited), or every function of the module."""
    public: list[FunctionRef]
    """Own public methods, or the module's public functions."""
    covers: frozenset[str] = field(default_factory=frozenset)
    """Qualified names whose use in a test exercises this unit."""

    @property
    def self_cls(self) -> str | None:
        return self.qual if self.kind == "class" else None

    @property
    def model_name(self) -> str | None:
        return self.model.rsplit(".", 1)[-1] if self.model else None

    @property
    def modelless(self) -> bool:
        """No model and not a generic base: a query-only (report) repository."""
        return self.model is None and not self.generic


def is_test_module(module: ModuleInfo) -> bool:
    """A test file: it matches the `tests` globs (or is a `conftest.py`)."""
    return module.is_test


def find_units(index: ProjectIndex, targets: list[ModuleInfo], settings: Settings) -> list[Unit]:
    """Every repository class and data-function module among `targets` (tests excluded)."""
    units: list[Unit] = []
    for module in targets:
        if is_test_module(module):
            continue
        for name, node in module.classes.items():
            qual = f"{module.name}.{name}" if module.name else name
            if index.classes.get(qual, (None,))[0] is module and index.is_repository(qual):
                units.append(_class_unit(index, qual, module, node))
        unit = _module_unit(index, module)
        if unit is not None:
            units.append(unit)
    subclasses = _subclasses(index, [u.qual for u in units if u.kind == "class"])
    for unit in units:
        if unit.kind == "class":
            unit.covers = frozenset(subclasses.get(unit.qual, {unit.qual}))
    units.sort(key=lambda u: (u.module.display, u.line))
    return units


def _class_unit(index: ProjectIndex, qual: str, module: ModuleInfo, node: ast.ClassDef) -> Unit:
    own = [
        index.functions[f"{qual}.{stmt.name}"]
        for stmt in node.body
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
        and not stmt.name.startswith("_")
        and not _is_overload(stmt, module)
    ]
    return Unit(
        name=node.name,
        qual=qual,
        kind="class",
        module=module,
        line=node.lineno,
        end_line=node.end_lineno or node.lineno,
        model=_class_model(index, qual),
        generic=_is_generic(index, qual),
        session=index.facts.class_session_kind(qual),
        functions=index.methods(qual),
        public=own,
    )


def _class_model(index: ProjectIndex, qual: str) -> str | None:
    """The index's answer, else the singular of the name (`UsersTable` serves `User`),
    else the model its own methods return most often."""
    model = index.repository_model(qual)
    if model is not None:
        return model
    name = qual.rsplit(".", 1)[-1]
    for suffix in sorted(index.settings.repository_suffixes, key=len, reverse=True):
        if name.endswith(suffix) and len(name) > len(suffix):
            model = _named_model(index, name[: -len(suffix)].removeprefix("Async"), qual)
            break
    if model is None:
        node = index.classes[qual][1]
        own = [
            index.functions[f"{qual}.{s.name}"]
            for s in node.body
            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
        ]
        model = _most_returned(index, own, qual)
    return model


def _most_returned(
    index: ProjectIndex, refs: list[FunctionRef], self_cls: str | None
) -> str | None:
    returned = Counter(
        t.model for r in refs if isinstance(t := index.facts.facts(r, self_cls).returns, ROW_TYPES)
    )
    return returned.most_common(1)[0][0] if returned else None


def _named_model(index: ProjectIndex, camel: str, near: str) -> str | None:
    """The one model named `camel` or its singular, preferring `near`'s top package."""
    top = near.split(".")[0]
    for candidate in (camel, camel.removesuffix("s"), camel.removesuffix("es")):
        found = index.models_named(candidate)
        same = [f for f in found if f.split(".")[0] == top]
        if len(same or found) == 1:
            return (same or found)[0]
    return None


def _module_unit(index: ProjectIndex, module: ModuleInfo) -> Unit | None:
    refs = [r for r in index.functions_of(module) if r.owner is None]
    data = [r for r in refs if index.is_data_layer_function(r)]
    if not any(not r.node.name.startswith("_") for r in data):  # type: ignore[union-attr]
        return None  # private helpers (`_count(session)`) are not a data layer of their own
    kinds = {
        t.kind
        for r in data
        for t in index.facts.facts(r).params.values()
        if isinstance(t, SessionT)
    }
    lines = [r.node.lineno for r in data]
    return Unit(
        name=module.name,
        qual=module.name,
        kind="module",
        module=module,
        line=min(lines),
        end_line=max(r.node.end_lineno or r.node.lineno for r in data),
        model=_module_model(index, module, data),
        generic=False,
        session="sync" if "sync" in kinds else ("async" if kinds else None),
        functions={r.node.name: r for r in refs},  # type: ignore[union-attr]
        public=[r for r in refs if not r.node.name.startswith("_")],  # type: ignore[union-attr]
        covers=frozenset({module.name, *(r.qual for r in data)}),
    )


GENERIC_STEMS = frozenset(
    {"crud", "repository", "repositories", "repo", "dal", "dao", "queries", "models", "db"}
)


def _module_model(index: ProjectIndex, module: ModuleInfo, data: list[FunctionRef]) -> str | None:
    """The model the module's name names (`crud/user.py`, `user/crud.py`: `User`), else
    the one its public functions (then all of them) return most often."""
    parts = module.name.split(".")
    stems = [p for p in reversed(parts[1:]) if p not in GENERIC_STEMS and p != "__init__"][:1]
    for stem in stems:
        model = _named_model(index, "".join(p.capitalize() for p in stem.split("_")), module.name)
        if model is not None:
            return model
    public = [r for r in data if not r.node.name.startswith("_")]  # type: ignore[union-attr]
    return _most_returned(index, public, None) or _most_returned(index, data, None)


def _is_generic(index: ProjectIndex, cls: str) -> bool:
    """Parameterised by a type variable: `Generic[T]`, `Base[ModelT]`, `class R[T]`."""
    for c in index.mro(cls):
        module, node = index.classes[c]
        if getattr(node, "type_params", None):
            return True
        for base, _, args in index.bases(c):
            if base in GENERIC_BASES:
                return True
            for arg in args:
                qual = module.imports.qualify(arg)
                value = index.lookup(qual) if qual else None
                if value is not None and value.kind == "var" and _is_typevar(value):
                    return True
    return False


def _is_typevar(symbol: Symbol) -> bool:
    node = symbol.node
    if not isinstance(node, ast.Call):
        return False
    qual = symbol.module.imports.qualify(node.func) or ""
    return qual.rsplit(".", 1)[-1] == "TypeVar"


def _is_overload(node: ast.FunctionDef | ast.AsyncFunctionDef, module: ModuleInfo) -> bool:
    return any(
        (module.imports.qualify(d) or "").rsplit(".", 1)[-1] == "overload"
        for d in node.decorator_list
    )


def _subclasses(index: ProjectIndex, repos: list[str]) -> dict[str, set[str]]:
    """Each repository class with its project subclasses (itself included)."""
    wanted = set(repos)
    out: dict[str, set[str]] = {r: {r} for r in repos}
    for cls in index.classes:
        for ancestor in index.mro(cls)[1:]:
            if ancestor in wanted:
                out[ancestor].add(cls)
    return out
