"""ProjectIndex: what the whole project declares, and the facts derived from it.

Built from every module's syntax; it answers questions across files: what a
name stands for, which classes are models and what their relationships are,
which classes are repositories and of which model, and (through `flow`) what
each function does and returns.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from functools import cache

from repolint.pathmatch import in_settings_globs
from repolint.semantics.imports import dotted
from repolint.semantics.models import Relationship, RelationshipReader, foreign_key_refs
from repolint.semantics.module import ModuleInfo, decorator_names, walk
from repolint.semantics.names import (
    AS_DECLARATIVE,
    DECLARATIVE_BASE_FACTORIES,
    DECLARATIVE_BASES,
    FLASK_SQLALCHEMY,
    SQLMODEL_BASE,
)
from repolint.semantics.refs import FunctionRef
from repolint.settings import Settings

MODEL_ATTRS = ("model", "model_type", "model_class", "__model__", "_model", "model_cls", "entity")


@dataclass(frozen=True)
class Symbol:
    """What a qualified name of the project stands for."""

    kind: str  # "class", "function", "var", "module"
    qual: str
    module: ModuleInfo
    node: ast.AST | None = None


def _exports(module: ModuleInfo, name: str) -> bool:
    """Whether `from module import *` binds `name`: listed in `__all__`, else public."""
    listed = module.assigns.get("__all__")
    if isinstance(listed, (ast.List, ast.Tuple)):
        return any(isinstance(e, ast.Constant) and e.value == name for e in listed.elts)
    return not name.startswith("_")


class ProjectIndex:
    """Declarations of every analysed module, and lazily computed facts."""

    def __init__(self, modules: list[ModuleInfo], settings: Settings) -> None:
        self.settings = settings
        self.modules: dict[str, ModuleInfo] = {}
        for module in modules:
            self.modules.setdefault(module.name, module)
        self.classes: dict[str, tuple[ModuleInfo, ast.ClassDef]] = {}
        self.functions: dict[str, FunctionRef] = {}
        for module in self.modules.values():
            for name, cls in module.classes.items():
                qual = f"{module.name}.{name}" if module.name else name
                self.classes[qual] = (module, cls)
                for stmt in cls.body:
                    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        self.functions[f"{qual}.{stmt.name}"] = FunctionRef(
                            f"{qual}.{stmt.name}", module, stmt, qual
                        )
            for name, func in module.functions.items():
                qual = f"{module.name}.{name}" if module.name else name
                self.functions[qual] = FunctionRef(qual, module, func, None)
        self._by_module: dict[str, list[FunctionRef]] = {}
        for ref in self.functions.values():
            self._by_module.setdefault(ref.module.name, []).append(ref)
        self._by_last: dict[str, list[str]] = {}
        for name in self.modules:
            parts = name.split(".")
            for i in range(1, len(parts)):
                self._by_last.setdefault(".".join(parts[i:]), []).append(name)
        self._migrations: dict[str, bool] = {}
        self._relationships: dict[str, dict[str, Relationship]] = {}
        self._backrefs: dict[str, list[Relationship]] | None = None
        self._models_by_name: dict[str, list[str]] | None = None
        self._subclasses: dict[str, tuple[str, ...]] | None = None
        self._class_bodies: dict[str, tuple[dict[str, ast.expr], dict[str, ast.expr]]] = {}
        from repolint.semantics.facts import FactStore

        self.facts = FactStore(self)

    def functions_of(self, module: ModuleInfo) -> list[FunctionRef]:
        """Top-level functions and methods of `module` (not nested ones)."""
        return [r for r in self._by_module.get(module.name, []) if r.module is module]

    # -- names ------------------------------------------------------------

    def find_module(self, name: str) -> ModuleInfo | None:
        """The project module `name`, or the one module whose name ends with it."""
        found = self.modules.get(name)
        if found is not None:
            return found
        if "." in name:
            candidates = self._by_last.get(name, [])
            if len(candidates) == 1:
                return self.modules[candidates[0]]
        return None

    def lookup(self, qual: str, depth: int = 0) -> Symbol | None:
        """The project symbol a qualified name stands for, following imports."""
        return self._lookup(qual, depth)

    @cache  # noqa: B019 - the index lives for one run
    def _lookup(self, qual: str, depth: int) -> Symbol | None:
        if depth > 12 or not qual:
            return None
        parts = qual.split(".")
        for i in range(len(parts), 0, -1):
            module = self.find_module(".".join(parts[:i]))
            if module is None:
                continue
            rest = parts[i:]
            if not rest:
                return Symbol("module", module.name, module)
            return self._in_module(module, rest, depth)
        return None

    def _in_module(self, module: ModuleInfo, rest: list[str], depth: int) -> Symbol | None:
        head = rest[0]
        base = f"{module.name}.{head}" if module.name else head
        if head in module.classes:
            if len(rest) == 1:
                return Symbol("class", base, module, module.classes[head])
            ref = self.functions.get(f"{base}.{rest[1]}")
            if ref is not None and len(rest) == 2:
                return Symbol("function", ref.qual, module, ref.node)
            return None
        if head in module.functions:
            return (
                Symbol("function", base, module, module.functions[head]) if len(rest) == 1 else None
            )
        if head in module.imports.aliases:
            target = module.imports.aliases[head]
            if target != base:
                return self._lookup(".".join([target, *rest[1:]]), depth + 1)
        if head in module.assigns or head in module.annotations:
            return Symbol("var", base, module, module.assigns.get(head)) if len(rest) == 1 else None
        for star in module.imports.star_modules:  # `from .models import *` re-exports
            source = self.find_module(star)
            if source is not None and source is not module and _exports(source, head):
                found = self._lookup(".".join([source.name, *rest]), depth + 1)
                if found is not None:
                    return found
        return None

    def canonical(self, qual: str | None) -> str | None:
        """The defining qualified name of a project class or function, else `qual`."""
        if qual is None:
            return None
        sym = self.lookup(qual)
        if sym is not None and sym.kind in ("class", "function"):
            return sym.qual
        return qual

    # -- classes ----------------------------------------------------------

    @cache  # noqa: B019
    def bases(self, cls: str) -> tuple[tuple[str | None, ast.expr, tuple[ast.expr, ...]], ...]:
        """(qualified base name, base expression, generic arguments) of a project class."""
        entry = self.classes.get(cls)
        if entry is None:
            return ()
        module, node = entry
        out = []
        for base in node.bases:
            args: tuple[ast.expr, ...] = ()
            expr = base
            if isinstance(base, ast.Subscript):
                expr = base.value
                sl = base.slice
                args = tuple(sl.elts) if isinstance(sl, ast.Tuple) else (sl,)
            out.append((self.canonical(module.imports.qualify(expr)), base, args))
        return tuple(out)

    def type_parameters(self, cls: str) -> tuple[str, ...]:
        """The type variables of a generic project class, in order (qualified names):
        its `Generic[...]` (or `Protocol[...]`) arguments, else those its bases' arguments
        name (`class Repo(Base[ModelT])`)."""
        module = self.classes[cls][0]
        found: list[str] = []
        for base, _, args in self.bases(cls):
            variables = [v for v in (self._type_variable(a, module) for a in args) if v]
            if base and base.rsplit(".", 1)[-1] in ("Generic", "Protocol"):
                return tuple(variables)
            found += [v for v in variables if v not in found]
        return tuple(found)

    def _type_variable(self, expr: ast.expr, module: ModuleInfo) -> str | None:
        """The qualified name of the `TypeVar(...)` that `expr` names, if it names one."""
        if not isinstance(expr, (ast.Name, ast.Attribute)):
            return None
        qual = module.imports.qualify(expr)
        sym = self.lookup(qual) if qual else None
        if sym is None or sym.kind != "var" or not isinstance(sym.node, ast.Call):
            return None
        called = sym.module.imports.qualify(sym.node.func) or ""
        return sym.qual if called.rsplit(".", 1)[-1] == "TypeVar" else None

    @cache  # noqa: B019
    def type_arguments(self, cls: str) -> dict[str, tuple[ModuleInfo, ast.expr]]:
        """Type variable -> the argument `cls` (or a class between it and the generic base)
        gives it: `class SyncConfig(Config[Engine, Session])` over `class Config(Generic[
        EngineT, SessionT])` maps `EngineT` to `Engine`."""
        out: dict[str, tuple[ModuleInfo, ast.expr]] = {}
        for c in self.mro(cls):
            module = self.classes[c][0]
            for base, _, args in self.bases(c):
                if not base or base not in self.classes:
                    continue
                for variable, arg in zip(self.type_parameters(base), args, strict=False):
                    passed = self._type_variable(arg, module)
                    if passed is None:
                        out.setdefault(variable, (module, arg))
                    elif passed in out:  # `class Mid(Base[T])`: what the subclass gave T
                        out.setdefault(variable, out[passed])
        return out

    def subclasses(self, cls: str) -> tuple[str, ...]:
        """The project classes that derive from `cls`, directly or not, in index order;
        the table of every class's subclasses is built on the first question."""
        if self._subclasses is None:
            found: dict[str, list[str]] = {}
            for c in self.classes:
                for ancestor in self.mro(c):
                    if ancestor != c:
                        found.setdefault(ancestor, []).append(c)
            self._subclasses = {a: tuple(subs) for a, subs in found.items()}
        return self._subclasses.get(cls, ())

    @cache  # noqa: B019
    def mro(self, cls: str) -> tuple[str, ...]:
        """The class and its project ancestors, nearest first (depth-first, deduplicated)."""
        seen: list[str] = []
        stack = [cls]
        while stack:
            current = stack.pop(0)
            if current in seen or current not in self.classes:
                continue
            seen.append(current)
            stack[0:0] = [b for b, _, _ in self.bases(current) if b]
            module = self.classes[current][0]
            for _, expr, _ in self.bases(current):
                if self.is_flask_model_base(expr, module):
                    mixin = self.flask_model_mixin(expr, module)
                    if mixin:
                        stack.append(mixin)
        return tuple(seen)

    def all_base_names(self, cls: str) -> set[str]:
        """Qualified names of every ancestor, the third-party ones included."""
        names: set[str] = set()
        for c in self.mro(cls):
            for base, _, _ in self.bases(c):
                if base:
                    names.add(base)
        return names

    def class_keyword(self, cls: str, name: str) -> ast.expr | None:
        entry = self.classes.get(cls)
        if entry is None:
            return None
        for kw in entry[1].keywords:
            if kw.arg == name:
                return kw.value
        return None

    def class_attr_value(self, cls: str, name: str) -> tuple[str, ast.expr] | None:
        """The class-level `name = value` nearest in the MRO: (defining class, value)."""
        for c in self.mro(cls):
            value = self._class_body(c)[0].get(name)
            if value is not None:
                return c, value
        return None

    def class_annotation(self, cls: str, name: str) -> tuple[str, ast.expr] | None:
        """The class-level `name: annotation` nearest in the MRO: (defining class, it)."""
        for c in self.mro(cls):
            annotation = self._class_body(c)[1].get(name)
            if annotation is not None:
                return c, annotation
        return None

    def _class_body(self, cls: str) -> tuple[dict[str, ast.expr], dict[str, ast.expr]]:
        """A class's own `name = value` values and `name: annotation` annotations by name
        (the first statement for each), read once."""
        found = self._class_bodies.get(cls)
        if found is None:
            values: dict[str, ast.expr] = {}
            annotations: dict[str, ast.expr] = {}
            for stmt in self.classes[cls][1].body:
                if isinstance(stmt, ast.Assign):
                    for target in stmt.targets:
                        if isinstance(target, ast.Name):
                            values.setdefault(target.id, stmt.value)
                elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                    annotations.setdefault(stmt.target.id, stmt.annotation)
                    if stmt.value is not None:
                        values.setdefault(stmt.target.id, stmt.value)
            found = self._class_bodies[cls] = (values, annotations)
        return found

    def method(self, cls: str, name: str) -> FunctionRef | None:
        """The method `name` as `cls` resolves it (own or inherited)."""
        for c in self.mro(cls):
            ref = self.functions.get(f"{c}.{name}")
            if ref is not None:
                return ref
        return None

    @cache  # noqa: B019
    def implementation(self, cls: str, name: str) -> tuple[str, FunctionRef] | None:
        """For an abstract method (`raise NotImplementedError`, `...`, `@abstractmethod`)
        of `cls`: (the subclass, its method) when exactly one project subclass implements
        it, the class the object must then be."""
        ref = self.method(cls, name)
        if ref is None or not _is_abstract(ref):
            return None
        found = {
            impl.qual: impl
            for sub in self.subclasses(cls)
            if (impl := self.method(sub, name)) is not None
            and impl is not ref
            and not _is_abstract(impl)
        }
        if len(found) != 1:
            return None
        impl = next(iter(found.values()))
        return impl.owner or cls, impl

    def methods(self, cls: str) -> dict[str, FunctionRef]:
        """Every method `cls` has, own or inherited, by name."""
        out: dict[str, FunctionRef] = {}
        for c in reversed(self.mro(cls)):
            _, node = self.classes[c]
            for stmt in node.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    out[stmt.name] = self.functions[f"{c}.{stmt.name}"]
        return out

    # -- models -----------------------------------------------------------

    def is_flask_sqlalchemy_class(self, qual: str | None) -> bool:
        """Flask-SQLAlchemy's `SQLAlchemy`, or a project subclass of it (in any module)."""
        if qual is None:
            return False
        if qual in FLASK_SQLALCHEMY:
            return True
        seen: set[str] = set()
        stack = [self.canonical(qual)]
        while stack:  # plain base walk: `mro` itself asks about Flask-SQLAlchemy objects
            current = stack.pop()
            if current in FLASK_SQLALCHEMY:
                return True
            if current is None or current in seen or current not in self.classes:
                continue
            seen.add(current)
            stack.extend(base for base, _, _ in self.bases(current))
        return False

    def is_flask_model(self, model: str) -> bool:
        """A model mapped through Flask-SQLAlchemy's `db.Model` (it has `Model.query`)."""
        for c in self.mro(model):
            module, node = self.classes[c]
            if any(self.is_flask_model_base(base, module) for base in node.bases):
                return True
        return False

    def flask_db_call(
        self, expr: ast.AST, module: ModuleInfo
    ) -> tuple[ModuleInfo, ast.Call] | None:
        """The `SQLAlchemy(...)` call a name such as `db` is bound to (through imports)."""
        qual = module.imports.qualify(expr)
        if qual is None:
            return None
        sym = self.lookup(qual)
        if sym is None or sym.kind != "var" or not isinstance(sym.node, ast.Call):
            return None
        if self.is_flask_sqlalchemy_class(sym.module.imports.qualify(sym.node.func)):
            return sym.module, sym.node
        return None

    def is_flask_db(self, expr: ast.AST, module: ModuleInfo) -> bool:
        """True when `expr` names a Flask-SQLAlchemy `SQLAlchemy()` object (or a subclass's)."""
        return self.flask_db_call(expr, module) is not None

    def is_flask_model_base(self, expr: ast.AST, module: ModuleInfo, depth: int = 0) -> bool:
        """`db.Model`, or a name bound to it (`BaseModel = db.Model`, imported or not)."""
        if (
            isinstance(expr, ast.Attribute)
            and expr.attr == "Model"
            and self.is_flask_db(expr.value, module)
        ):
            return True
        if depth > 4 or not isinstance(expr, (ast.Name, ast.Attribute)):
            return False
        qual = module.imports.qualify(expr)
        sym = self.lookup(qual) if qual else None
        if sym is None or sym.kind != "var" or sym.node is None:
            return False
        return self.is_flask_model_base(sym.node, sym.module, depth + 1)

    def flask_model_mixin(self, expr: ast.AST, module: ModuleInfo) -> str | None:
        """The project class given as `model_class=` (directly or through
        `declarative_base(cls=Mixin)`) to the db whose `Model` `expr` names."""
        while not (isinstance(expr, ast.Attribute) and expr.attr == "Model"):
            qual = (
                module.imports.qualify(expr)
                if isinstance(expr, (ast.Name, ast.Attribute))
                else None
            )
            sym = self.lookup(qual) if qual else None
            if sym is None or sym.kind != "var" or sym.node is None:
                return None
            expr, module = sym.node, sym.module
        found = self.flask_db_call(expr.value, module)
        if found is None:
            return None
        db_module, call = found
        value = next((kw.value for kw in call.keywords if kw.arg == "model_class"), None)
        if isinstance(value, ast.Call):
            if db_module.imports.qualify(value.func) not in DECLARATIVE_BASE_FACTORIES:
                return None
            value = next((kw.value for kw in value.keywords if kw.arg == "cls"), None)
        if value is None:
            return None
        qual = self.canonical(db_module.imports.qualify(value))
        return qual if qual in self.classes else None

    def _is_base_factory_var(self, qual: str | None) -> bool:
        if qual is None:
            return False
        sym = self.lookup(qual)
        if sym is None or sym.kind != "var" or not isinstance(sym.node, ast.Call):
            return False
        func = sym.node.func
        fq = sym.module.imports.qualify(func)
        if fq in DECLARATIVE_BASE_FACTORIES:
            return True
        return isinstance(func, ast.Attribute) and func.attr == "generate_base"

    @cache  # noqa: B019
    def model_status(self, cls: str) -> str | None:
        """'model', 'base' (declarative base or abstract), 'sqlmodel' (no table) or None."""
        entry = self.classes.get(cls)
        if entry is None:
            return None
        module, node = entry
        abstract = any(
            isinstance(s, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__abstract__" for t in s.targets)
            and isinstance(s.value, ast.Constant)
            and s.value.value is True
            for s in node.body
        )
        decorators = decorator_names(node, module.imports)
        if any(d in AS_DECLARATIVE or d.endswith(".as_declarative_base") for d in decorators):
            return "base"
        if any(d.endswith((".mapped", ".mapped_as_dataclass")) for d in decorators):
            return "model"
        table = self.class_keyword(cls, "table")
        is_table = isinstance(table, ast.Constant) and table.value is True
        status: str | None = None
        for base, expr, _ in self.bases(cls):
            if base in DECLARATIVE_BASES:
                return "base"
            if base in SQLMODEL_BASE:
                status = "model" if is_table else (status or "sqlmodel")
                continue
            if self._is_base_factory_var(base) or self.is_flask_model_base(expr, module):
                status = "model"
                continue
            if base in self.classes and base != cls:
                inherited = self.model_status(base)
                if inherited in ("model", "base"):
                    status = "model"
                elif inherited == "sqlmodel":
                    status = "model" if is_table else (status or "sqlmodel")
        if status == "model" and abstract:
            return "base"
        return status

    def is_model(self, cls: str | None) -> bool:
        return cls is not None and self.model_status(cls) == "model"

    def models_named(self, name: str) -> list[str]:
        if self._models_by_name is None:
            table: dict[str, list[str]] = {}
            for qual in self.classes:
                if self.is_model(qual):
                    table.setdefault(qual.rsplit(".", 1)[-1], []).append(qual)
            self._models_by_name = table
        return self._models_by_name.get(name, [])

    def resolve_model(self, name: str | None, module: ModuleInfo) -> str | None:
        """The model a relationship target (`"Person"`, `Person`, `"app.models.Person"`) names."""
        if not name:
            return None
        qual = self.canonical(module.imports.qualify_name(name))
        if qual and self.is_model(qual):
            return qual
        if "." in name:
            qual = self.canonical(name)
            if qual and self.is_model(qual):
                return qual
        candidates = self.models_named(name.rsplit(".", 1)[-1])
        if len(candidates) == 1:
            return candidates[0]
        top = module.name.split(".")[0]
        same = [c for c in candidates if c.split(".")[0] == top]
        found = same or candidates
        return found[0] if found else None

    def relationships(self, model: str) -> dict[str, Relationship]:
        """Relationships of a model: declared in it or its bases and mixins, plus backrefs."""
        cached = self._relationships.get(model)
        if cached is not None:
            return cached
        rels: dict[str, Relationship] = {}
        for c in reversed(self.mro(model)):
            module, node = self.classes[c]
            reader = RelationshipReader(
                module.imports.qualify, lambda e, m=module: self.is_flask_db(e, m)
            )
            for rel in reader.read(model, node)[0]:
                target = self.resolve_model(rel.target_name, module)
                collection = rel.collection
                if collection is None and target is not None:
                    collection = self.is_collection(model, target, rel.remote_side)
                rels[rel.name] = replace(
                    rel, owner=model, target_name=target, collection=collection
                )
        for rel in self._all_backrefs().get(model, []):
            rels.setdefault(rel.name, rel)
        self._relationships[model] = rels
        return rels

    def _all_backrefs(self) -> dict[str, list[Relationship]]:
        if self._backrefs is None:
            self._backrefs = {}
            for qual, (module, node) in self.classes.items():
                if not self.is_model(qual):
                    continue
                reader = RelationshipReader(
                    module.imports.qualify, lambda e, m=module: self.is_flask_db(e, m)
                )
                for target_name, spec, line, forward in reader.read(qual, node)[1]:
                    target = self.resolve_model(target_name, module)
                    if target:
                        collection = spec.collection
                        if collection is None and not spec.explicit:
                            forward_collection = self.is_collection(qual, target, False)
                            if forward_collection is not None:
                                collection = not forward_collection
                        rel = Relationship(
                            target,
                            spec.name,
                            qual,
                            spec.strategy,
                            collection,
                            line,
                            backref_of=qual,
                            reverse=forward,
                            dynamic=spec.dynamic,
                        )
                        self._backrefs.setdefault(target, []).append(rel)
        return self._backrefs

    def table_name(self, model: str) -> str | None:
        """`__tablename__`, or the name Flask-SQLAlchemy (snake_case) or SQLModel (lower
        case) gives a model that declares none."""
        found = self.class_attr_value(model, "__tablename__")
        if found is not None:
            value = found[1]
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                return value.value.lower()
            return None
        name = model.rsplit(".", 1)[-1]
        if self.is_flask_model(model):
            return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()
        if any(b in SQLMODEL_BASE for b in self.all_base_names(model)):
            return name.lower()
        return None

    @cache  # noqa: B019
    def foreign_keys(self, model: str) -> tuple[tuple[str | None, frozenset[str]], ...]:
        """Each foreign key of the model: (its column attribute, or None; the tables
        `t:name` and models `m:qual` it points at)."""
        out: list[tuple[str | None, frozenset[str]]] = []
        for c in self.mro(model):
            module, node = self.classes[c]
            for column, ref in foreign_key_refs(node):
                found: set[str] = set()
                if isinstance(ref, ast.Constant) and isinstance(ref.value, str):
                    parts = ref.value.split(".")
                    if len(parts) >= 2:
                        found.add(f"t:{parts[-2].strip().lower()}")
                    out.append((column, frozenset(found)))
                    continue
                while isinstance(ref, ast.Attribute) and ref.attr in ("c", "columns", "id"):
                    ref = ref.value
                if isinstance(ref, ast.Attribute):
                    ref = ref.value  # Model.some_column
                qual = self.canonical(module.imports.qualify(ref))
                if qual and self.is_model(qual):
                    found.add(f"m:{qual}")
                    table = self.table_name(qual)
                    if table:
                        found.add(f"t:{table}")
                out.append((column, frozenset(found)))
        return tuple(out)

    def _fk_points_at(self, targets: frozenset[str], target: str) -> bool:
        if f"m:{target}" in targets:
            return True
        table = self.table_name(target)
        return table is not None and f"t:{table}" in targets

    def _points_at(self, source: str, target: str) -> bool:
        return any(self._fk_points_at(t, target) for _, t in self.foreign_keys(source))

    def local_fk_columns(self, model: str, target: str) -> frozenset[str]:
        """The model's column attributes whose foreign keys point at `target`."""
        return frozenset(
            column
            for column, targets in self.foreign_keys(model)
            if column and self._fk_points_at(targets, target)
        )

    def pinned_relationships(self, model: str, columns: frozenset[str]) -> frozenset[str]:
        """Many-to-one relationships whose foreign key columns a query pins to one value:
        one object for every row, loaded once and then served by the identity map."""
        out: set[str] = set()
        for rel in self.relationships(model).values():
            if rel.collection is not False or rel.target_name is None:
                continue
            local = self.local_fk_columns(model, rel.target_name)
            if local and local <= columns and len(local) == 1:
                out.add(rel.name)
        return frozenset(out)

    def is_collection(self, owner: str, target: str, remote_side: bool) -> bool | None:
        """Whether `owner.rel -> target` is a collection, decided as SQLAlchemy does when
        neither `uselist=` nor the annotation says: the foreign key on the target's table
        makes it one-to-many, on the owner's many-to-one. None when it cannot be told."""
        if owner == target:
            return not remote_side if self._points_at(owner, owner) else None
        on_owner = self._points_at(owner, target)
        on_target = self._points_at(target, owner)
        if on_owner and not on_target:
            return False
        if on_target and not on_owner:
            return True
        return None

    def lazy_relationships(self, model: str) -> list[Relationship]:
        return [r for r in self.relationships(model).values() if r.strategy == "lazy"]

    # -- repositories -----------------------------------------------------

    def is_migration(self, module: ModuleInfo) -> bool:
        """An Alembic revision script: it matches `migrations`, or (with the default
        setting) it sets `revision = "..."` and defines `upgrade()`."""
        found = self._migrations.get(module.name)
        if found is None:
            settings = self.settings
            found = in_settings_globs(module.path, settings.migrations, settings.project_root) or (
                bool(self.settings.migrations)
                and "revision" in module.assigns
                and "upgrade" in module.functions
            )
            self._migrations[module.name] = found
        return found

    def in_repository_module(self, module: ModuleInfo) -> bool:
        settings = self.settings
        return in_settings_globs(module.path, settings.repository_modules, settings.project_root)

    def _name_is_repository(self, name: str) -> bool:
        last = name.rsplit(".", 1)[-1]
        prefixed = last.startswith("Repository") and last[10:11].isupper()  # RepositoryRecipes
        return (
            prefixed
            or last.endswith(tuple(self.settings.repository_suffixes))
            or name in self.settings.repository_bases
            or last in self.settings.repository_bases
        )

    @cache  # noqa: B019
    def is_repository(self, cls: str) -> bool:
        """Named like a repository (or inheriting from one) and holding or receiving a session."""
        if cls not in self.classes:
            return False
        if self.is_model(cls) or self.classes[cls][0].is_test:
            return False  # test code is never the data layer
        named = self._name_is_repository(cls) or any(
            self._name_is_repository(b) for b in self.all_base_names(cls)
        )
        named = named or any(self._name_is_repository(c) for c in self.mro(cls))
        return named and self.facts.class_session_kind(cls) is not None

    @cache  # noqa: B019
    def repository_model(self, cls: str) -> str | None:
        """The model a repository serves: generic argument, `model = X`, `super().__init__(X)`."""
        for attr in MODEL_ATTRS:
            found = self.class_attr_value(cls, attr)
            if found is not None:
                owner, value = found
                model = self._model_of_expr(value, self.classes[owner][0])
                if model:
                    return model
        for c in self.mro(cls):
            module = self.classes[c][0]
            for _, _, args in self.bases(c):
                for arg in args:
                    model = self._model_of_expr(arg, module)
                    if model:
                        return model
            init = self.functions.get(f"{c}.__init__")
            if init is not None:
                model = self._model_from_super_init(init)
                if model:
                    return model
        return self._model_by_class_name(cls)

    def _model_by_class_name(self, cls: str) -> str | None:
        """`PersonRepository` / `AsyncPersonRepo` serve `Person` when such a model exists."""
        name = cls.rsplit(".", 1)[-1]
        for suffix in sorted(self.settings.repository_suffixes, key=len, reverse=True):
            if name.endswith(suffix) and len(name) > len(suffix):
                name = name[: -len(suffix)]
                break
        else:
            return None
        top = cls.split(".")[0]
        module = self.classes[cls][0] if cls in self.classes else None
        imported = set(module.imports.aliases.values()) if module is not None else set()
        for candidate in (name, name.removeprefix("Async"), name.removeprefix("Sync")):
            # a model of the repository's own package, or one its module imports: never
            # a namesake in an unrelated package (`AccountStore` and a script's `Account`)
            found = [
                f
                for f in self.models_named(candidate)
                if f.split(".")[0] == top or f in imported or f.rsplit(".", 1)[0] in imported
            ]
            if len(found) > 1:  # the same name in another package: prefer the repository's own
                found = [f for f in found if f.split(".")[0] == top]
            if len(found) == 1:
                return found[0]
        return None

    def _model_of_expr(self, expr: ast.AST, module: ModuleInfo) -> str | None:
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return self.resolve_model(expr.value, module)
        qual = self.canonical(module.imports.qualify(expr))
        return qual if self.is_model(qual) else None

    def _model_from_super_init(self, init: FunctionRef) -> str | None:
        for node in walk(init.node):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "__init__"
            ):
                continue
            candidates = list(node.args) + [
                kw.value for kw in node.keywords if kw.arg in MODEL_ATTRS
            ]
            for arg in candidates:
                model = self._model_of_expr(arg, init.module)
                if model:
                    return model
        return None

    def is_data_layer_function(self, ref: FunctionRef) -> bool:
        """A module-level function taking a session, in a `repository-modules` module."""
        return (
            ref.owner is None
            and not ref.module.is_test
            and self.in_repository_module(ref.module)
            and self.facts.takes_session(ref)
        )

    def dotted(self, expr: ast.AST) -> str | None:
        return dotted(expr)


def _is_abstract(ref: FunctionRef) -> bool:
    """A method with no body of its own: `@abstractmethod`, or only a docstring and
    `raise NotImplementedError`, `pass` or `...`."""
    node = ref.node
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    for dec in node.decorator_list:
        if (dotted(dec) or "").rsplit(".", 1)[-1] == "abstractmethod":
            return True
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    if len(body) != 1:
        return False
    stmt = body[0]
    if isinstance(stmt, ast.Pass):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        return stmt.value.value is Ellipsis
    if isinstance(stmt, ast.Raise) and stmt.exc is not None:
        exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
        return (dotted(exc) or "").rsplit(".", 1)[-1] == "NotImplementedError"
    return False
