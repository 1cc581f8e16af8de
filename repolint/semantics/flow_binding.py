"""Binding names: assignments, `for` targets, comprehensions and lambdas."""

from __future__ import annotations

import ast

from repolint.semantics.flow_helpers import (
    _empty_literal,
    _is_enumerate_of_rows,
    _is_row_source,
    _merge_env,
    element_of,
)
from repolint.semantics.flow_state import FlowState
from repolint.semantics.module import function_params
from repolint.semantics.types import FixedT, InstanceT, ObjT, RowMapT, RowsT, TupleT, merge


class BindingMixin(FlowState):
    """What a name holds after it is bound."""

    def _for(self, stmt: ast.For | ast.AsyncFor) -> None:
        iterable = self.eval(stmt.iter)
        element = element_of(stmt.iter, iterable, self)
        before = dict(self.env)
        saved = self.row_loop
        if _is_row_source(iterable) or _is_enumerate_of_rows(stmt.iter, self):
            self.row_loop = True
        self.assign(stmt.target, element, None)
        self.fixed_loops.append(isinstance(iterable, FixedT))
        self.exec_block(stmt.body)
        self.fixed_loops.pop()
        self.row_loop = saved
        self.env = _merge_env(before, self.env)
        self.exec_block(stmt.orelse)

    def assign(self, target: ast.AST, value: object | None, value_node: ast.AST | None) -> None:
        if isinstance(target, ast.Name):
            self.consts.pop(target.id, None)
            self.env[target.id] = value
            self._note(target, value)
            if _empty_literal(value_node):
                self.empty_literals.add(target.id)
            else:
                self.empty_literals.discard(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = (
                value.items
                if isinstance(value, TupleT) and len(value.items) == len(target.elts)
                else None
            )
            for i, elt in enumerate(target.elts):
                self.assign(elt, items[i] if items else None, None)
        elif isinstance(target, ast.Attribute):
            self.eval(target.value)
            if (
                isinstance(target.value, ast.Name)
                and isinstance(self.env.get(target.value.id), ObjT)
                and target.value.id == "self"
                and value is not None
            ):
                self.facts.self_attrs[target.attr] = value
        elif isinstance(target, ast.Starred):
            self.assign(target.value, None, None)
        else:
            self.eval(target)
            if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                self._filled_by_code(target.value)
                self._mapped_row(target.value, value)

    def _mapped_row(self, name: ast.Name, value: object | None) -> None:
        """`by_id[row.id] = row` on a local `{}` (or a dict of rows): a dict of rows."""
        if not isinstance(value, InstanceT):
            return
        current = self.env.get(name.id)
        if not (isinstance(current, RowMapT) or name.id in self.empty_literals):
            return
        rows = RowsT(value.model, value.kind, value.eager, False, value.origin)
        if isinstance(current, RowMapT):
            merged = merge(current.rows, rows)
            self.env[name.id] = RowMapT(merged) if isinstance(merged, RowsT) else None
        elif current is None or isinstance(current, FixedT):
            self.env[name.id] = RowMapT(rows)

    def _filled_by_code(self, name: ast.Name) -> None:
        """`records[kind] = ...` / `kinds.append(...)` on a local `{}`/`[]` only in loops
        over values written in code: as many items as the code says (`FixedT`)."""
        if (
            name.id in self.empty_literals
            and self.fixed_loops
            and all(self.fixed_loops)
            and self.env.get(name.id) in (None, FixedT())
        ):
            self.env[name.id] = FixedT()

    def _lambda(self, expr: ast.Lambda, offloaded: bool) -> None:
        saved_env, saved_async, saved_loop = dict(self.env), self.scope_async, self.row_loop
        for arg, _ in function_params(expr):
            self.env[arg.arg] = None
        if offloaded:
            self.scope_async = False
            self.offloaded += 1
            self.row_loop = False
        self.eval(expr.body)
        if offloaded:
            self.offloaded -= 1
        self.env, self.scope_async, self.row_loop = saved_env, saved_async, saved_loop

    def _comprehension(
        self, expr: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp
    ) -> object | None:
        saved_env, saved_loop = dict(self.env), self.row_loop
        for gen in expr.generators:
            iterable = self.eval(gen.iter)
            if _is_row_source(iterable) or _is_enumerate_of_rows(gen.iter, self):
                self.row_loop = True
            self.assign(gen.target, element_of(gen.iter, iterable, self), None)
            for cond in gen.ifs:
                self.eval(cond)
        element: object | None
        if isinstance(expr, ast.DictComp):
            self.eval(expr.key)
            element = self.eval(expr.value)
        else:
            element = self.eval(expr.elt)
        self.env, self.row_loop = saved_env, saved_loop
        if isinstance(element, InstanceT):
            rows = RowsT(element.model, element.kind, element.eager, False, element.origin)
            return RowMapT(rows) if isinstance(expr, ast.DictComp) else rows
        return None
