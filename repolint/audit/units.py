"""The repositories an audit scores: repository classes, and modules of data functions.

Interfaces are not repositories: a `typing.Protocol` class, or a class whose
methods are all abstract or stubs (`...`, `pass`, `raise NotImplementedError`);
their implementations are. A generic class (no model) that other scored classes
derive from is a *base*: its role is `base`, shown once above its subclasses and
left out of the totals. A module whose data functions only hand the session on
to a constructor (a factory: `get_repository(cls, session)`) does no I/O and is
not the data layer, nor is a module of web routes (`@router.get(...)`) that
happens to match `repository-modules`.

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
    role: Literal["repository", "base"] = "repository"
    """`base`: a generic class that scored repositories derive from."""

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
            if (
                index.classes.get(qual, (None,))[0] is module
                and index.is_repository(qual)
                and not is_interface(index, qual)
            ):
                units.append(_class_unit(index, qual, module, node))
        unit = _module_unit(index, module)
        if unit is not None:
            units.append(unit)
    subclasses = _subclasses(index, [u.qual for u in units if u.kind == "class"])
    for unit in units:
        if unit.kind == "class":
            unit.covers = frozenset(subclasses.get(unit.qual, {unit.qual}))
            if unit.model is None and unit.generic and len(unit.covers) > 1:
                unit.role = "base"
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
        generic=is_generic(index, qual),
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
    data = [r for r in refs if index.is_data_layer_function(r) and not _is_route(r)]
    if not any(not r.node.name.startswith("_") for r in data):  # type: ignore[union-attr]
        return None  # private helpers (`_count(session)`) are not a data layer of their own
    if not any(_uses_session(index, r) for r in data):
        return None  # factories: `get_repository(cls, session)` only hands the session on
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


def is_generic(index: ProjectIndex, cls: str) -> bool:
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


STUB_CALLS = frozenset({"NotImplementedError", "NotImplemented"})
ROUTE_DECORATORS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "route", "api_route", "websocket"}
)


def _is_route(ref: FunctionRef) -> bool:
    """A web route (`@router.get("/")`, `@app.route(...)`, `@bp.post(...)`): it takes a
    session to serve a request; the data layer is what it calls."""
    node = ref.node
    if isinstance(node, ast.Lambda):
        return False
    return any(
        isinstance(d, ast.Call)
        and isinstance(d.func, ast.Attribute)
        and d.func.attr in ROUTE_DECORATORS
        and isinstance(d.func.value, (ast.Name, ast.Attribute))
        for d in node.decorator_list
    )


def is_interface(index: ProjectIndex, qual: str) -> bool:
    """A `typing.Protocol` class, or one whose methods are all abstract or stubs."""
    module, node = index.classes[qual]
    for base, _, _ in index.bases(qual):
        if base in ("typing.Protocol", "typing_extensions.Protocol"):
            return True
    methods = [s for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return bool(methods) and all(_is_abstract(m, module) or _is_stub(m) for m in methods)


def _is_abstract(node: ast.FunctionDef | ast.AsyncFunctionDef, module: ModuleInfo) -> bool:
    return any(
        (module.imports.qualify(d) or "").rsplit(".", 1)[-1] == "abstractmethod"
        for d in node.decorator_list
    )


def _is_stub(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A body of a docstring, `...`, `pass` or `raise NotImplementedError`, nothing else."""
    body = list(node.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring, or `...`
    for stmt in body:
        if isinstance(stmt, ast.Pass):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue
        if isinstance(stmt, ast.Raise) and stmt.exc is not None:
            exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
            if isinstance(exc, ast.Name) and exc.id in STUB_CALLS:
                continue
        return False
    return True


def _uses_session(index: ProjectIndex, ref: FunctionRef) -> bool:
    """The function reads through its session (`session.execute`, `db.query`), or hands it
    to anything but a project class's constructor."""
    names = {n for n, t in index.facts.facts(ref).params.items() if isinstance(t, SessionT)}
    module = ref.module
    for node in ast.walk(ref.node):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id in names:
                return True
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if isinstance(item.context_expr, ast.Name) and item.context_expr.id in names:
                    return True
        elif isinstance(node, ast.Call):
            passed = [*node.args, *(k.value for k in node.keywords)]
            if not any(isinstance(a, ast.Name) and a.id in names for a in passed):
                continue
            qual = module.imports.qualify(node.func)
            target = index.canonical(qual) if qual else None
            if target is not None and target in index.classes:
                continue  # a project class built with the session: a factory's work
            if isinstance(node.func, ast.Name) and _is_class_param(ref, node.func.id):
                continue  # `repository_class(session)`: a constructor passed in
            return True
    return False


def _is_class_param(ref: FunctionRef, name: str) -> bool:
    """`name` is a parameter annotated `type[...]`/`Type[...]`."""
    node = ref.node
    if isinstance(node, ast.Lambda):
        return False
    for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
        ann = arg.annotation
        if arg.arg == name and isinstance(ann, ast.Subscript):
            return ast.unparse(ann.value).rsplit(".", 1)[-1] in ("type", "Type")
    return False
