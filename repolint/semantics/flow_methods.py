"""Method calls on what SQLAlchemy gives: sessions, statements, queries, results,
engines; the I/O and database round trips they record."""

from __future__ import annotations

import ast
from dataclasses import replace

from repolint.semantics import statements
from repolint.semantics.annotations import declared_return
from repolint.semantics.fixed import FIXED_METHODS
from repolint.semantics.flow_helpers import (
    _arg,
    _call_label,
    _is_context_manager,
    _kw,
    _produced,
    _rows_of,
    _select_args,
    _src,
    _with_origin,
)
from repolint.semantics.flow_state import FlowState
from repolint.semantics.loading import read_options
from repolint.semantics.names import (
    DUCK_STATEMENT_METHODS,
    ENGINE_IO_METHODS,
    METADATA_IO_METHODS,
    QUERY_EXECUTING_METHODS,
    QUERY_MANY,
    QUERY_ONE,
    QUERY_OTHER_CONSUMERS,
    RESULT_MANY,
    RESULT_ONE_ROWS,
    RESULT_ONE_SCALARS,
    RESULT_SAME,
    STMT_BUILDERS,
    SYNC_IO_METHODS,
)
from repolint.semantics.types import (
    NO_EAGER,
    ClassT,
    EngineT,
    FixedT,
    FlaskDBT,
    FuncT,
    InstanceT,
    ModelClassT,
    ObjT,
    PageT,
    QueryT,
    ResultT,
    RowMapT,
    RowsT,
    SavepointT,
    SessionFactoryT,
    SessionT,
    StmtT,
)


class MethodsMixin(FlowState):
    """`receiver.name(...)` for a receiver of a known type (`FunctionFlow._method`)."""

    def _method(
        self, call: ast.Call, receiver: object | None, name: str, types: dict[int, object | None]
    ) -> object | None:
        if name in METADATA_IO_METHODS:
            bind = _arg(call, 0, types) or types.get(id(_kw(call, "bind")))
            if isinstance(bind, EngineT) and bind.kind == "sync":
                label = f"{_src(call.func)}({_src(call.args[0]) if call.args else ''})"
                self._io(call, label, engine=True)
            return None
        if isinstance(receiver, FixedT):
            return receiver if name in FIXED_METHODS else None
        if isinstance(receiver, RowMapT):
            mapped = receiver.rows
            if name == "values":
                return mapped
            if name == "items":
                return receiver  # iterated as (key, row) pairs: see `element_of`
            if name in ("get", "pop"):
                return InstanceT(mapped.model, mapped.kind, mapped.eager, False, mapped.origin)
            return None
        if receiver is None:
            receiver = self._duck_session(call, name, types)
        if isinstance(receiver, SessionT):
            return self._session_method(call, receiver, name, types)
        if isinstance(receiver, StmtT):
            if name == "options" or name in STMT_BUILDERS:
                return statements.apply_builder(receiver, name, call, self)
            return None
        if isinstance(receiver, QueryT):
            if name == "options" or name in STMT_BUILDERS:
                return statements.apply_builder(receiver, name, call, self)
            if name in QUERY_ONE | QUERY_MANY | QUERY_OTHER_CONSUMERS:
                self._final(receiver, "exec")
            if receiver.kind == "sync" and name in QUERY_ONE | QUERY_MANY | {"count"}:
                self._io(call, f"{_src(call.func)}(...)")
                if not self.offloaded:
                    self.facts.db_sites.append((call, _call_label(call), "query"))
            if receiver.model is None:
                return None
            if name in QUERY_MANY:
                return _rows_of(receiver)
            if name == "paginate":
                rows = _rows_of(receiver)
                return PageT(rows) if rows is not None else None
            if name in QUERY_ONE:
                return InstanceT(receiver.model, receiver.kind, receiver.eager)
            return None
        if isinstance(receiver, ResultT):
            if name == "scalars":
                return replace(receiver, scalars=True)
            if name == "unique":
                return replace(receiver, unique=True)
            if name in RESULT_SAME:
                return receiver
            if receiver.model is None:
                return None
            if name in RESULT_MANY:
                return _rows_of(receiver) if receiver.scalars else None
            if (receiver.scalars and name in RESULT_ONE_SCALARS) or (
                not receiver.scalars and name in RESULT_ONE_ROWS
            ):
                return InstanceT(
                    receiver.model, receiver.kind, receiver.eager, False, receiver.origin
                )
            return None
        if isinstance(receiver, SessionFactoryT):
            if name == "begin":
                return SessionT(receiver.kind, received=False)
            return None
        if isinstance(receiver, EngineT):
            if receiver.kind == "sync" and name in ENGINE_IO_METHODS:
                self._io(call, f"{_src(call.func)}()", engine=True)
            if name in ("connect", "begin", "execution_options"):
                return receiver  # a Connection: its execute() is I/O the same way
            return None
        if isinstance(receiver, FuncT):
            return None
        if isinstance(receiver, (ObjT, ClassT)):
            ref = self.index.method(receiver.cls, name)
            concrete = self.index.implementation(receiver.cls, name) if ref else None
            if concrete is not None:  # an abstract method with one implementation
                receiver = replace(receiver, cls=concrete[0])
                ref = concrete[1]
            if ref is None:
                if isinstance(receiver, ObjT):  # `self._session_maker()`: a stored callable
                    return self._call_value(
                        call, self.index.facts.self_attr_type(receiver.cls, name)
                    )
                return None
            self._record_call(ref.qual, receiver.cls, call)
            facts = self._callee_facts(ref, receiver.cls, call)
            value = _produced(ref, facts, _is_context_manager(ref))
            if value is None:
                value = declared_return(self.index, ref, receiver.cls)
            return _with_origin(value, receiver.cls, name)
        if isinstance(receiver, InstanceT):
            ref = self.index.method(receiver.model, name)
            if ref is None:
                return None
            self._record_call(ref.qual, receiver.model, call)  # `row.to_dict()`
            return self._instance_method(ref, receiver, call)
        if isinstance(receiver, ModelClassT):
            ref = self.index.method(receiver.model, name)
            if ref is None or name in ("__init__", "__new__"):
                return None
            # `Event.get(id)`: a classmethod of the model or of its `model_class=` mixin
            self._record_call(ref.qual, receiver.model, call)
            return self.index.facts.facts(ref, receiver.model).returns
        if isinstance(receiver, FlaskDBT) and name == "select" and call.args:
            return statements.new_select(call, self)
        if isinstance(receiver, FlaskDBT) and name == "paginate":
            stmt = _arg(call, 0, types)
            if isinstance(stmt, StmtT) and stmt.model is not None:
                self._final(stmt, "exec")
                return PageT(RowsT(stmt.model, "sync", stmt.eager))
            return None
        return None

    def _duck_session(
        self, call: ast.Call, name: str, types: dict[int, object | None]
    ) -> SessionT | None:
        """A receiver of unknown type that runs a SQLAlchemy statement is a session (or a
        connection): `session.exec(select(User))`, `db.query(User)`, `s.get(User, pk)`
        on a session from a third-party helper. Awaited: async; otherwise sync."""
        first = _arg(call, 0, types)
        runs = (name in DUCK_STATEMENT_METHODS and isinstance(first, StmtT)) or (
            isinstance(first, ModelClassT)
            and (name == "query" or (name == "get" and len(call.args) == 2))
        )
        if not runs:
            return None
        func = call.func
        assert isinstance(func, ast.Attribute)
        session = SessionT(
            "async" if isinstance(self.module.parent(call), ast.Await) else "sync", received=True
        )
        self._note(func.value, session)
        if isinstance(func.value, ast.Name) and self.env.get(func.value.id) is None:
            self.env[func.value.id] = session  # later `session.commit()` is the same session
        return session

    def _session_method(
        self, call: ast.Call, session: SessionT, name: str, types: dict[int, object | None]
    ) -> object | None:
        if session.kind == "sync" and isinstance(self.module.parent(call), ast.Await):
            # awaiting it proves an AsyncSession whatever the annotation says
            session = SessionT("async", session.received, session.scoped)
        if session.kind == "sync" and name in SYNC_IO_METHODS:
            self._io(call, f"{_src(call.func)}(...)")
        round_trip = "commit" if name in ("commit", "flush") else None
        if name in QUERY_EXECUTING_METHODS or name in ("merge", "refresh", "stream"):
            round_trip = "query"
        if round_trip is not None and not self.offloaded:
            self.facts.db_sites.append((call, _call_label(call), round_trip))
        stmt = _arg(call, 0, types)
        if name == "query":
            return statements.new_query(call, self, session.kind)
        if isinstance(stmt, StmtT):
            self._final(stmt, "exec")
        if name in ("execute", "exec", "scalars", "stream", "stream_scalars"):
            if isinstance(stmt, StmtT):
                scalars = name in ("scalars", "stream_scalars") or (
                    name == "exec" and len(_select_args(call)) <= 1
                )
                joined = statements.joins_collection(stmt.model, stmt.joined, self)
                return ResultT(
                    stmt.model, session.kind, stmt.eager, scalars, joined_collection=joined
                )
            return None
        if name == "scalar":
            if isinstance(stmt, StmtT) and stmt.model is not None:
                return InstanceT(stmt.model, session.kind, stmt.eager)
            return None
        if name == "get":
            if isinstance(stmt, ModelClassT):
                options = _kw(call, "options")
                eager = NO_EAGER
                if isinstance(options, (ast.List, ast.Tuple)):
                    eager = read_options(list(options.elts), self.qualify).eager
                elif options is not None:
                    eager = read_options([ast.Starred(options)], self.qualify).eager
                return InstanceT(stmt.model, session.kind, eager)
            return None
        if name == "begin_nested":
            return SavepointT()
        if name == "refresh" and call.args and isinstance(call.args[0], ast.Name):
            self._refresh(call)
        return None

    def _refresh(self, call: ast.Call) -> None:
        """`refresh(obj, ["rel"])` loads those attributes; refresh(obj) loads none."""
        target = call.args[0]
        assert isinstance(target, ast.Name)
        current = self.env.get(target.id)
        if not isinstance(current, InstanceT):
            return
        names = call.args[1] if len(call.args) > 1 else _kw(call, "attribute_names")
        if isinstance(names, (ast.List, ast.Tuple)):
            loaded = {
                (e.value,)
                for e in names.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            }
            self.env[target.id] = replace(current, eager=current.eager | frozenset(loaded))

    def _final(self, stmt: object, how: str) -> None:
        """Record a statement as it is executed ('exec'), returned or passed on ('pass')."""
        shape = getattr(stmt, "shape", None)
        if self.typed is not None and shape is not None and shape.origin:
            self.typed.final_statements.setdefault(shape.origin, []).append((how, stmt))

    def _io(self, call: ast.Call, label: str, engine: bool = False) -> None:
        if not self.offloaded:
            self.facts.io_sites.append((call, label))
            if engine and self.typed is not None:
                self.typed.engine_io_calls[id(call)] = label
