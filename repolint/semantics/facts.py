"""FactStore: per-function facts (memoized) and the per-module typed views rules read."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from repolint.semantics.module import ModuleInfo
from repolint.semantics.types import SessionT

if TYPE_CHECKING:
    from repolint.semantics.index import FunctionRef, ProjectIndex
    from repolint.semantics.models import Relationship


@dataclass(frozen=True)
class Scope:
    """Where a node sits: its innermost function and whether that runs on the event loop."""

    function: str
    is_async: bool
    row_loop: bool
    owner: str | None
    node: ast.AST | None


@dataclass(frozen=True)
class ProjectCall:
    """A call of a project function or method, not offloaded."""

    qual: str
    self_cls: str | None
    node: ast.Call


@dataclass
class FunctionFacts:
    """What one function does, as far as the data layer is concerned."""

    qual: str
    is_async: bool
    returns: object | None = None
    yields: object | None = None
    io_sites: list[tuple[ast.AST, str]] = field(default_factory=list)
    calls: list[ProjectCall] = field(default_factory=list)
    self_attrs: dict[str, object] = field(default_factory=dict)
    params: dict[str, object] = field(default_factory=dict)
    shared_session: str | None = None
    """'sync'/'async' when the body uses a shared session (`db.session`, a scoped_session)."""


@dataclass
class TypedModule:
    """Types and scopes the flow analysis gave to one module's nodes."""

    module: ModuleInfo
    types: dict[int, object] = field(default_factory=dict)
    scopes: dict[int, Scope] = field(default_factory=dict)
    calls: dict[int, ProjectCall] = field(default_factory=dict)
    rel_access: dict[int, tuple[object, Relationship]] = field(default_factory=dict)
    offload_calls: set[int] = field(default_factory=set)
    final_statements: dict[int, list[tuple[str, object]]] = field(default_factory=dict)
    """Statements as executed, returned or passed on, by the id of their select()/query()."""


Key = tuple[str, "str | None", tuple[tuple[str, object], ...]]


class FactStore:
    """Computes facts on demand and remembers them for the run."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self._facts: dict[Key, FunctionFacts] = {}
        self._in_progress: set[Key] = set()
        self._symbols: dict[str, object | None] = {}
        self._symbols_in_progress: set[str] = set()
        self._io_paths: dict[tuple[str, str | None], list[str] | None] = {}
        self.typed: dict[str, TypedModule] = {}
        self.traversals: dict[tuple[str, str], list[tuple[str, int, str]]] = {}
        self.property_names: dict[str, frozenset[str]] = {}
        """Memo of `FunctionFlow._property_names` by class."""

    # -- functions ----------------------------------------------------------

    def facts(
        self,
        ref: FunctionRef,
        self_cls: str | None = None,
        bound: tuple[tuple[str, object], ...] = (),
    ) -> FunctionFacts:
        """Facts of `ref` analysed with `self` an instance of `self_cls` (default: its owner)."""
        self_cls = self_cls or ref.owner
        key: Key = (ref.qual, self_cls, bound)
        found = self._facts.get(key)
        if found is not None:
            return found
        if key in self._in_progress:
            return FunctionFacts(ref.qual, isinstance(ref.node, ast.AsyncFunctionDef))
        self._in_progress.add(key)
        try:
            from repolint.semantics.flow import FunctionFlow

            facts = FunctionFlow(self.index, ref, self_cls, dict(bound), None).run()
        except RecursionError:
            # nested too deeply to analyse: callers see a function that does nothing
            # known; its own module reports the error when it is typed
            facts = FunctionFacts(ref.qual, isinstance(ref.node, ast.AsyncFunctionDef))
        finally:
            self._in_progress.discard(key)
        self._facts[key] = facts
        return facts

    def analyse_module(self, module: ModuleInfo) -> TypedModule:
        """Type every function of `module` as written (its home analysis), recording nodes."""
        from repolint.semantics.flow import FunctionFlow, module_ref

        typed = TypedModule(module)
        self.typed[module.name] = typed
        FunctionFlow(self.index, module_ref(module), None, {}, typed).run()
        for ref in self.index.functions_of(module):
            facts = FunctionFlow(self.index, ref, ref.owner, {}, typed).run()
            self._facts.setdefault((ref.qual, ref.owner, ()), facts)
        return typed

    def io_path(self, qual: str, self_cls: str | None) -> list[str] | None:
        """['f()', 'g()', 'db.scalar(...)'] when sync `qual` reaches sync DB I/O, else None."""
        key = (qual, self_cls)
        if key in self._io_paths:
            return self._io_paths[key]
        self._io_paths[key] = None  # cycle guard
        ref = self.index.functions.get(qual)
        result: list[str] | None = None
        if ref is not None and not isinstance(ref.node, ast.AsyncFunctionDef):
            facts = self.facts(ref, self_cls)
            label = f"{_short(qual)}()"
            if facts.io_sites:
                result = [label, facts.io_sites[0][1]]
            else:
                for call in facts.calls:
                    sub = self.io_path(call.qual, call.self_cls)
                    if sub is not None:
                        result = [label, *sub]
                        break
        self._io_paths[key] = result
        return result

    # -- classes ------------------------------------------------------------

    def self_attr_type(self, cls: str, attr: str) -> object | None:
        """Type of `self.<attr>` for an instance of `cls`."""
        index = self.index
        for c in index.mro(cls):
            init = index.functions.get(f"{c}.__init__")
            if init is not None:
                found = self.facts(init, cls).self_attrs.get(attr)
                if found is not None:
                    return found
                break
        annotated = index.class_annotation(cls, attr)
        if annotated is not None:
            owner, annotation = annotated
            from repolint.semantics.flow import annotation_type

            found = annotation_type(index, index.classes[owner][0], annotation)
            if found is not None:
                return found
        value = index.class_attr_value(cls, attr)
        if value is not None:
            owner, expr = value
            from repolint.semantics.flow import eval_in_module

            return eval_in_module(index, index.classes[owner][0], expr)
        return None

    def class_session_kind(self, cls: str) -> str | None:
        """'sync'/'async' when instances hold a session or methods receive one."""
        index = self.index
        for attr in _self_attr_names(index, cls):
            t = self.self_attr_type(cls, attr)
            if isinstance(t, SessionT):
                return t.kind
        for ref in index.methods(cls).values():
            facts = self.facts(ref, cls)
            for t in facts.params.values():
                if isinstance(t, SessionT):
                    return t.kind
            if facts.shared_session is not None:
                return facts.shared_session
        return None

    def takes_session(self, ref: FunctionRef) -> bool:
        return any(isinstance(t, SessionT) for t in self.facts(ref).params.values())

    # -- module-level symbols ----------------------------------------------

    def symbol_type(self, qual: str) -> object | None:
        """The type of a module-level project name (class, function or variable)."""
        if qual in self._symbols:
            return self._symbols[qual]
        if qual in self._symbols_in_progress:
            return None
        self._symbols_in_progress.add(qual)
        try:
            from repolint.semantics.flow import symbol_type

            result = symbol_type(self.index, qual)
        except RecursionError:  # a module-level value nested too deeply: unknown
            result = None
        finally:
            self._symbols_in_progress.discard(qual)
        self._symbols[qual] = result
        return result


def _short(qual: str) -> str:
    parts = [p for p in qual.split(".") if p != "<locals>"]
    if len(parts) >= 2 and parts[-2][:1].isupper():
        return ".".join(parts[-2:])
    return parts[-1]


def _self_attr_names(index: ProjectIndex, cls: str) -> list[str]:
    names: list[str] = []
    for c in index.mro(cls):
        _, node = index.classes[c]
        for stmt in node.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                names.append(stmt.target.id)
        init = index.functions.get(f"{c}.__init__")
        if init is not None:
            for sub in ast.walk(init.node):
                if (
                    isinstance(sub, ast.Attribute)
                    and isinstance(sub.ctx, ast.Store)
                    and isinstance(sub.value, ast.Name)
                    and sub.value.id == "self"
                ):
                    names.append(sub.attr)
    return list(dict.fromkeys(names))
