"""Attribute reads: relationships of loaded rows, properties, class attributes."""

from __future__ import annotations

import ast
from dataclasses import replace

from repolint.semantics.flow_helpers import _attribute_path, _head_name, _last, _with_origin
from repolint.semantics.flow_state import FlowState
from repolint.semantics.names import PROPERTY_DECORATORS
from repolint.semantics.refs import FunctionRef
from repolint.semantics.summaries import ARG_ORIGIN
from repolint.semantics.types import (
    ClassT,
    ColumnT,
    FixedT,
    FlaskDBT,
    FuncT,
    InstanceT,
    ModelClassT,
    ObjT,
    PageT,
    QueryT,
    RowsT,
    SessionT,
    Shape,
    SomeModelClassT,
    eager_below,
    eager_covers,
)


class ReadsMixin(FlowState):
    """`x.attr`: what reading an attribute gives, and the lazy loads it records."""

    def _attribute(self, expr: ast.Attribute) -> object | None:
        base_node = expr.value
        base = self.eval(base_node)
        if (
            base is None
            and isinstance(base_node, (ast.Name, ast.Attribute))
            and _head_name(base_node) not in self.env
        ):
            qual = self.qualify(expr)
            return self.index.facts.symbol_type(qual) if qual else None
        name = expr.attr
        if isinstance(base, InstanceT):
            if name in self._property_names(base.model) and isinstance(expr.ctx, ast.Load):
                ref = self.index.method(base.model, name)
                if ref is not None:  # `row.display_name`: a property of the model
                    self._record_call(ref.qual, base.model, expr)
                    return self._instance_method(ref, base, expr)
            return self._relationship(expr, base, name)
        if isinstance(base, ObjT):
            if name in self._property_names(base.cls):
                ref = self.index.method(base.cls, name)
                if ref is not None:
                    self._record_call(ref.qual, base.cls, expr)
                    return _with_origin(
                        self.index.facts.facts(ref, base.cls).returns, base.cls, name
                    )
            if self.index.method(base.cls, name) is not None:
                ref = self.index.method(base.cls, name)
                return FuncT(ref.qual, base.cls)  # type: ignore[union-attr]
            return self.index.facts.self_attr_type(base.cls, name)
        if isinstance(base, ClassT):
            if name in ("model", "model_type", "__model__"):
                model = self.index.repository_model(base.cls)
                return ModelClassT(model) if model else None
            value = self.index.class_attr_value(base.cls, name)
            if value is not None:
                return self.index.facts.eval_in_module(self.index.classes[value[0]][0], value[1])
            ref = self.index.method(base.cls, name)
            return FuncT(ref.qual, base.cls) if ref else None
        if isinstance(base, FlaskDBT):
            if name == "session":
                self.facts.shared_session = "sync"
                return SessionT("sync", received=True, scoped=True)
            return None
        if isinstance(base, SomeModelClassT):  # one of several models its callers pass
            if name == "query" and base.flask:
                return QueryT(None, "sync", shape=Shape(origin=id(expr)))
            return None
        if isinstance(base, ModelClassT):
            if name == "query" and self.index.is_flask_model(base.model):
                return QueryT(
                    base.model, "sync", shape=Shape(origin=id(expr), froms=frozenset({base.model}))
                )
            rels = self.index.relationships(base.model)
            return ColumnT(base.model, name, name in rels)
        if isinstance(base, SessionT) and name == "session" and base.scoped:
            return base
        if isinstance(base, PageT) and name == "items":
            return base.rows
        if isinstance(base, FixedT) or (
            base is None and name.isupper() and isinstance(expr.ctx, ast.Load)
        ):
            return FixedT()  # `module.SETTINGS`, `fixtures.groups`: written in code
        return None

    def _instance_method(self, ref: FunctionRef, row: InstanceT, at: ast.AST) -> object | None:
        """What a model's method returns; on a row this function was given, the lazy
        relationships the method reads on `self` count as read on that argument."""
        if row.origin is None or (row.origin[0] != ARG_ORIGIN and self.module.is_test):
            return self.index.facts.facts(ref, row.model).returns
        as_self = replace(row, origin=(ARG_ORIGIN, "self"))
        facts = self.index.facts.facts(ref, row.model, (("self", as_self),))
        for param, model, rel in facts.arg_lazy_reads:
            if param != "self":
                continue
            if row.origin[0] != ARG_ORIGIN:  # `repo.get(id).to_dict()`: a read of its rows
                where = (self.module.display, getattr(at, "lineno", 0), rel)
                self.index.facts.traversals.setdefault(row.origin, []).append(where)
                continue
            read = (row.origin[1], model, rel)
            if read not in self.facts.arg_lazy_reads:
                self.facts.arg_lazy_reads.append(read)
        return facts.returns

    def _property_names(self, cls: str) -> frozenset[str]:
        memo = self.index.facts.property_names
        found = memo.get(cls)
        if found is not None:
            return found
        names: set[str] = set()
        for ref in self.index.methods(cls).values():
            node = ref.node
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for dec in node.decorator_list:
                    if _last(self.index.dotted(dec) or "") in PROPERTY_DECORATORS:
                        names.add(node.name)
        memo[cls] = found = frozenset(names)
        return found

    def _relationship(self, expr: ast.Attribute, base: InstanceT, name: str) -> object | None:
        rel = self.index.relationships(base.model).get(name)
        if rel is None or (rel.target_name is None and rel.strategy != "lazy"):
            return None
        if self.typed is not None and isinstance(expr.ctx, ast.Load):
            self.typed.rel_access[id(expr)] = (base, rel)
        if (
            isinstance(expr.ctx, ast.Load)
            and base.origin is not None
            and rel.strategy == "lazy"
            and not eager_covers(base.eager, (name,))
        ):
            if base.origin[0] == ARG_ORIGIN:
                read = (base.origin[1], base.model, name)
                if read not in self.facts.arg_lazy_reads:
                    self.facts.arg_lazy_reads.append(read)
            elif not self.module.is_test:
                self.index.facts.traversals.setdefault(base.origin, []).append(
                    (self.module.display, expr.lineno, name)
                )
        head, path = _attribute_path(expr)
        holder = self.env.get(head) if head is not None else None
        if isinstance(expr.ctx, ast.Load) and isinstance(holder, InstanceT):
            # loaded now: later reads of the same relationship (`row.a.b` again) issue no SQL
            self.env[head] = replace(holder, eager=holder.eager | {path})  # type: ignore[index]
        target = rel.target_name
        if target is None:
            return None
        if rel.dynamic:  # a query: each `.all()`/`.filter(...).first()` on it is a round trip
            return QueryT(
                target, base.kind, shape=Shape(origin=id(expr), froms=frozenset({target}))
            )
        eager = eager_below(base.eager, name)
        if rel.reverse and rel.collection:
            # each element's many-to-one back to `base` is in the identity map: no SQL
            eager = eager | {(rel.reverse,)}
        if rel.collection:
            return RowsT(target, base.kind, eager, base.per_row, None, from_query=False)
        return InstanceT(target, base.kind, eager, base.per_row, None)
