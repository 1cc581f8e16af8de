"""Calls: of known third-party APIs, of project functions and classes, and the
bookkeeping of project calls (`ProjectCall`) for the call summaries."""

from __future__ import annotations

import ast
from dataclasses import replace

from repolint.semantics import statements
from repolint.semantics.annotations import declared_return
from repolint.semantics.call_sites import _bind_args, call_site_args, not_none_args
from repolint.semantics.fixed import DYNAMIC_IMPORTS
from repolint.semantics.flow_helpers import (
    _arg,
    _head_name,
    _is_context_manager,
    _is_super_call,
    _kw,
    _last,
    _produced,
    _rows_of,
    _src,
    _with_origin,
)
from repolint.semantics.flow_state import FlowState
from repolint.semantics.names import (
    ASYNC_ENGINE_FACTORIES,
    ASYNC_SESSION_CLASSES,
    ASYNC_SESSIONMAKERS,
    BACKGROUND_TASKS,
    COLLECTING_METHODS,
    CONTEXT_MANAGER_WRAPPERS,
    FLASK_SQLALCHEMY,
    LIST_WRAPPERS,
    OFFLOAD_FUNCTIONS,
    OFFLOAD_METHODS,
    PARTIAL,
    SCOPED_SESSION_CLASSES,
    SELECT_FUNCS,
    SYNC_ENGINE_FACTORIES,
    SYNC_SESSION_CLASSES,
    SYNC_SESSIONMAKERS,
)
from repolint.semantics.not_none import returns_a_value
from repolint.semantics.refs import FunctionRef
from repolint.semantics.summaries import ARG_ORIGIN, FunctionFacts, ProjectCall, module_origin
from repolint.semantics.types import (
    BackgroundTasksT,
    ClassT,
    EngineT,
    FixedT,
    FlaskDBT,
    FuncT,
    InstanceT,
    ModelClassT,
    ObjT,
    QueryT,
    ResultT,
    RowsT,
    SessionFactoryT,
    SessionT,
    StmtT,
    merge,
)

BINDABLE = (StmtT, QueryT, ModelClassT)
"""Argument types a callee is analysed with, per call, when it cannot type them itself."""


def _runs_statement_given(facts: FunctionFacts) -> bool:
    """The facts are those of a callee analysed with a statement its caller passes."""
    return any(isinstance(value, (StmtT, QueryT)) for _, value in facts.bound)


class _Unknown:
    pass


_UNKNOWN = _Unknown()


class CallsMixin(FlowState):
    """`f(...)`, `obj.method(...)`, `super().method(...)`: what a call gives."""

    def _call(self, call: ast.Call) -> object | None:
        func = call.func
        qual = None
        if isinstance(func, (ast.Name, ast.Attribute)) and _head_name(func) not in self.env:
            qual = self.qualify(func)
        receiver: object | None = None
        callee: object | None = None
        super_call = isinstance(func, ast.Attribute) and _is_super_call(func.value)
        if isinstance(func, ast.Attribute) and not super_call:
            receiver = self.eval(func.value)
        elif not isinstance(func, ast.Attribute):
            callee = self.eval(func)
        offload = self._is_offload(call, qual)
        if offload and self.typed is not None:
            self.typed.offload_calls.add(id(call))
        types = self._eval_args(call, offload)
        self._call_types = types
        if not isinstance(receiver, SessionT):
            for value in types.values():
                if isinstance(value, (StmtT, QueryT)):
                    self._final(value, "pass")
        if qual is not None:
            if _last(qual) in DYNAMIC_IMPORTS:
                return FixedT()
            known = self._known_call(call, qual, types)
            if known is not _UNKNOWN:
                return known
        if (
            isinstance(func, ast.Name)
            and func.id in LIST_WRAPPERS
            and func.id not in self.env
            and call.args
        ):
            return _rows_of(types.get(id(call.args[0])))
        if isinstance(func, ast.Attribute):
            if super_call:
                if func.attr == "__init__":
                    return self._super_init(call, types)
                return self._super_method(call, func.attr)
            if receiver is None and qual is not None:
                symbol = self.index.facts.symbol_type(qual)
                if symbol is not None:
                    return self._call_value(call, symbol)
            self._collect(call, receiver, types)
            return self._method(call, receiver, func.attr, types)
        return self._call_value(call, callee)

    def _eval_args(self, call: ast.Call, offload: bool) -> dict[int, object | None]:
        types: dict[int, object | None] = {}
        for arg in call.args:
            inner = arg.value if isinstance(arg, ast.Starred) else arg
            if isinstance(inner, ast.Lambda):
                self._lambda(inner, offloaded=offload)
                continue
            types[id(arg)] = self.eval(inner)
        for kw in call.keywords:
            if isinstance(kw.value, ast.Lambda):
                self._lambda(kw.value, offloaded=offload)
                continue
            types[id(kw.value)] = self.eval(kw.value)
        return types

    def _is_offload(self, call: ast.Call, qual: str | None) -> bool:
        extra = self.index.settings.offload_functions
        if qual is not None and (
            qual in OFFLOAD_FUNCTIONS or (extra and (qual in extra or _last(qual) in extra))
        ):
            return True
        func = call.func
        return isinstance(func, ast.Attribute) and func.attr in OFFLOAD_METHODS

    def _known_call(
        self, call: ast.Call, qual: str, types: dict[int, object | None]
    ) -> object | None:
        """Calls of third-party APIs repolint knows, by qualified name."""
        if qual in SELECT_FUNCS:
            return statements.new_select(call, self)
        if qual in SYNC_SESSIONMAKERS:
            cls = _kw(call, "class_")
            cls_q = self.qualify(cls) if cls is not None else None
            return SessionFactoryT("async" if cls_q in ASYNC_SESSION_CLASSES else "sync")
        if qual in ASYNC_SESSIONMAKERS:
            return SessionFactoryT("async")
        if qual in SCOPED_SESSION_CLASSES:
            factory = _arg(call, 0, types) or types.get(id(_kw(call, "session_factory")))
            kind = (
                factory.kind
                if isinstance(factory, SessionFactoryT)
                else ("async" if "async" in qual else "sync")
            )
            return SessionT(kind, received=True, scoped=True)
        if qual in SYNC_SESSION_CLASSES:
            return SessionT("sync", received=False)
        if qual in ASYNC_SESSION_CLASSES:
            return SessionT("async", received=False)
        if qual in SYNC_ENGINE_FACTORIES:
            return EngineT("sync")
        if qual in ASYNC_ENGINE_FACTORIES:
            return EngineT("async")
        if qual in FLASK_SQLALCHEMY:
            return FlaskDBT()
        if qual in CONTEXT_MANAGER_WRAPPERS:
            wrapped = _arg(call, 0, types)
            return replace(wrapped, context_manager=True) if isinstance(wrapped, FuncT) else None
        if qual in PARTIAL and call.args:
            first = call.args[0]
            first_qual = (
                self.qualify(first) if isinstance(first, (ast.Name, ast.Attribute)) else None
            )
            if first_qual in SYNC_SESSION_CLASSES:
                return SessionFactoryT("sync")
            if first_qual in ASYNC_SESSION_CLASSES:
                return SessionFactoryT("async")
            wrapped = _arg(call, 0, types)
            return wrapped if isinstance(wrapped, (FuncT, SessionFactoryT, ClassT)) else None
        if qual in BACKGROUND_TASKS:
            return BackgroundTasksT()
        if qual in ("sqlalchemy.inspect",) and call.args:
            engine = _arg(call, 0, types)
            if isinstance(engine, EngineT) and engine.kind == "sync":
                self._io(call, f"inspect({_src(call.args[0])})", engine=True)
            return None
        providers = self.index.settings.session_providers
        for provider in providers:
            name, _, provider_kind = provider.partition(":")
            if qual == name or _last(qual) == name:
                return SessionT("async" if provider_kind == "async" else "sync", received=True)
        return _UNKNOWN

    def _call_value(self, call: ast.Call, callee: object | None) -> object | None:
        if isinstance(callee, SessionFactoryT):
            return SessionT(callee.kind, received=False)
        if isinstance(callee, SessionT) and callee.scoped:
            return callee
        if isinstance(callee, FuncT):
            ref = self.index.functions.get(callee.key)
            if ref is None:
                return None
            self._record_call(ref.qual, callee.self_cls, call)
            facts = self._callee_facts(ref, callee.self_cls, call)
            value = _produced(ref, facts, callee.context_manager or _is_context_manager(ref))
            if value is None:
                value = declared_return(self.index, ref, callee.self_cls)
            if callee.self_cls:
                return _with_origin(value, callee.self_cls, ref.node.name)  # type: ignore[union-attr]
            if ref.owner is None and ref.closure is None and not _runs_statement_given(facts):
                # a module-level helper; one that runs the statement its caller built
                # (`windowed_query(q)`) leaves the rows to the function that built it
                return _with_origin(value, module_origin(ref.module.name), ref.node.name)  # type: ignore[union-attr]
            return value
        if isinstance(callee, ClassT):
            if self.index.is_flask_sqlalchemy_class(callee.cls):
                return FlaskDBT()
            init = self.index.method(callee.cls, "__init__")
            if init is not None:  # what the constructor does, and what it is given
                self._record_call(init.qual, callee.cls, call)
            return ObjT(callee.cls)
        return None

    def _callee_facts(
        self, ref: FunctionRef, self_cls: str | None, call: ast.Call
    ) -> FunctionFacts:
        """The callee's facts; when it returns nothing known by itself and this call
        passes a statement or a model class to a parameter it cannot type, the facts of
        the callee with those arguments bound (`self.list(select(User))` returns users)."""
        facts = self.index.facts.facts(ref, self_cls)
        types = self._call_types
        if types is None or not any(isinstance(t, BINDABLE) for t in types.values()):
            return facts  # nothing passed could be bound (most calls)
        passed = call_site_args(ref, call, types)
        bound = tuple(
            sorted(
                (name, value)
                for name, value in passed.items()
                if isinstance(value, BINDABLE)
                and (facts.params.get(name) is None or name in facts.caller_typed)
            )
        )
        produced = facts.yields if facts.returns is None else facts.returns
        # a statement "of unknown entities" (`select(model)`) is worth analysing per call
        known = produced is not None and getattr(produced, "model", "") is not None
        if not bound or (known and not any(n in facts.caller_typed for n, _ in bound)):
            return facts
        return self.index.facts.facts(ref, self_cls, bound)

    def _record_call(self, qual: str, self_cls: str | None, node: ast.AST) -> None:
        if self.offloaded or not isinstance(node, ast.Call):
            if isinstance(node, ast.Attribute) and not self.offloaded:
                call = ProjectCall(qual, self_cls, node)  # type: ignore[arg-type]
                self.facts.calls.append(call)
            return
        call = ProjectCall(qual, self_cls, node, self._given_rows(qual, node))
        ref = self.index.functions.get(qual)
        if ref is not None:
            values = not_none_args(ref, node, self.ref.node, self._returns_a_value)
            if values:
                given: dict[str, object] = dict(values)
                given.update(call.rows)
                call = replace(call, rows=tuple(sorted(given.items(), key=lambda p: p[0])))
        self.facts.calls.append(call)
        if self.typed is not None:
            self.typed.calls[id(node)] = call
            if ref is not None and not self.module.is_test:
                self._traversed_by_callee(ref, self_cls, node)
        if self.index.facts.plain and self._call_types is not None:
            ref = self.index.functions.get(qual)
            if ref is not None:
                site = call_site_args(ref, node, self._call_types)
                self.facts.call_args.setdefault(qual, []).append(site)

    def _returns_a_value(self, call: ast.Call) -> bool:
        """`call` is of a project function whose every return is a value (not None)."""
        qual = self.index.canonical(self.qualify(call.func))
        ref = self.index.functions.get(qual) if qual else None
        return ref is not None and returns_a_value(ref.node)

    def _traversed_by_callee(self, ref: FunctionRef, self_cls: str | None, node: ast.Call) -> None:
        """Rows a project function returned, handed to one that reads their lazy
        relationships (`remove_source(cert)` reads `cert.sources`): traversals of that
        function's rows, as if read here (RPL304 asks what callers read)."""
        types = self._call_types
        if not types or not any(
            isinstance(t, InstanceT) and t.origin is not None and t.origin[0] != ARG_ORIGIN
            for t in types.values()
        ):
            return  # no loaded row is passed (most calls): nothing to map to parameters
        for name, value in call_site_args(ref, node, types).items():
            if not (
                isinstance(value, InstanceT)
                and value.origin is not None
                and value.origin[0] != ARG_ORIGIN
            ):
                continue
            marked = replace(value, per_row=False, origin=(ARG_ORIGIN, name))
            facts = self.index.facts.facts(ref, self_cls, ((name, marked),))
            for param, _model, rel in facts.arg_lazy_reads:
                if param == name:
                    self.index.facts.traversals.setdefault(value.origin, []).append(
                        (self.module.display, node.lineno, rel)
                    )

    def _given_rows(self, qual: str, node: ast.Call) -> tuple[tuple[str, object], ...]:
        """The loaded rows this call passes, by parameter (see `ProjectCall.rows`)."""
        types = self._call_types
        if not types or not any(isinstance(t, InstanceT) for t in types.values()):
            return ()
        ref = self.index.functions.get(qual)
        if ref is None:
            return ()
        return tuple(
            sorted(
                (name, replace(value, per_row=False, origin=None))
                for name, value in call_site_args(ref, node, types).items()
                if isinstance(value, InstanceT)
            )
        )

    def _collect(
        self, call: ast.Call, receiver: object | None, types: dict[int, object | None]
    ) -> None:
        """`found.append(row)`, `users.add(user)`, `out.extend(rows)` on a local name: the
        name now holds rows (a list or set the function builds from loaded rows)."""
        func = call.func
        assert isinstance(func, ast.Attribute)
        if (
            func.attr not in COLLECTING_METHODS
            or not isinstance(func.value, ast.Name)
            or len(call.args) != 1
            or not (receiver is None or isinstance(receiver, (RowsT, FixedT)))
        ):
            return
        item = types.get(id(call.args[0]))
        if func.attr != "extend" and not isinstance(item, InstanceT):
            self._filled_by_code(func.value)
            return
        if func.attr == "extend":
            rows = _rows_of(item) if isinstance(item, (RowsT, ResultT, QueryT)) else None
        elif isinstance(item, InstanceT):
            rows = RowsT(item.model, item.kind, item.eager, False, item.origin)
        else:
            rows = None
        if rows is not None:
            merged = rows if isinstance(receiver, FixedT) else merge(receiver, rows)
            self.env[func.value.id] = merged
            self._note(func.value, merged)

    def _super_init(self, call: ast.Call, types: dict[int, object | None]) -> object | None:
        owner = self.ref.owner
        if owner is None:
            return None
        mro = self.index.mro(self.self_cls or owner)
        try:
            start = mro.index(owner) + 1
        except ValueError:
            return None
        for c in mro[start:]:
            init = self.index.functions.get(f"{c}.__init__")
            if init is None:
                continue
            bound = _bind_args(init, call, types)
            facts = self.index.facts.facts(init, self.self_cls or owner, bound)
            for attr, value in facts.self_attrs.items():
                self.facts.self_attrs.setdefault(attr, value)
            return None
        return None

    def _super_method(self, call: ast.Call, name: str) -> object | None:
        owner = self.ref.owner
        if owner is None:
            return None
        mro = self.index.mro(self.self_cls or owner)
        if owner not in mro:
            return None
        for c in mro[mro.index(owner) + 1 :]:
            ref = self.index.functions.get(f"{c}.{name}")
            if ref is not None:
                self._record_call(ref.qual, self.self_cls or owner, call)
                return self.index.facts.facts(ref, self.self_cls or owner).returns
        return None
