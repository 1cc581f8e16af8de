"""Data flow inside one function: which names hold sessions, statements, rows.

A single forward walk over the statements keeps an environment of abstract
types (`semantics.types`). Branches are analysed separately and joined;
loop bodies once. Calls of project functions use their facts (computed on
demand, memoized in the FactStore), so what a repository method returns in
another file reaches the caller here.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import TYPE_CHECKING

from repolint.semantics.annotations import annotation_type, param_type
from repolint.semantics.fixed import code_literal
from repolint.semantics.flow_binding import BindingMixin
from repolint.semantics.flow_calls import CallsMixin
from repolint.semantics.flow_conditions import ConditionsMixin
from repolint.semantics.flow_helpers import (
    Env,
    _ends_path,
    _entered,
    _last,
    _merge_env,
    _names,
    element_of,
)
from repolint.semantics.flow_methods import MethodsMixin
from repolint.semantics.flow_reads import ReadsMixin
from repolint.semantics.module import ModuleInfo, child_nodes, function_params
from repolint.semantics.not_none import NOT_NONE
from repolint.semantics.refs import FunctionRef
from repolint.semantics.summaries import FunctionFacts, Scope, TypedModule
from repolint.semantics.types import (
    ClassT,
    ConstT,
    FixedT,
    FuncT,
    InstanceT,
    ModelClassT,
    ObjT,
    RowMapT,
    RowsT,
    SessionT,
    SomeValueT,
    TupleT,
    merge,
)

if TYPE_CHECKING:
    from repolint.semantics.index import ProjectIndex


def module_ref(module: ModuleInfo) -> FunctionRef:
    """A pseudo-function for the module body (sync code), made once per module."""
    found = module.body_ref
    if not isinstance(found, FunctionRef):
        found = module.body_ref = _module_ref(module)
    return found


def _module_ref(module: ModuleInfo) -> FunctionRef:
    func = ast.FunctionDef(
        name="<module>",
        args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]),
        body=module.tree.body,
        decorator_list=[],
        returns=None,
    )
    setattr(func, "type_params", [])  # noqa: B010 - a field only from Python 3.12 on
    return FunctionRef(f"{module.name}.<module>", module, func, None)


SCOPED_NODES = (ast.Call, ast.Attribute, ast.Subscript, ast.Return)
"""Nodes whose scope the home walk records (`TypedModule.scopes`)."""

PLAIN_CLOSURE = "[plain]"
"""Suffix of a closure registered by a plain analysis (`FactStore.caller_param_type`)."""


class FunctionFlow(ConditionsMixin, BindingMixin, ReadsMixin, CallsMixin, MethodsMixin):
    """One walk over one function body: the environment and the statements; the
    mixins evaluate conditions, bindings, attribute reads, calls and method calls."""

    def __init__(
        self,
        index: ProjectIndex,
        ref: FunctionRef,
        self_cls: str | None,
        bound: dict[str, object],
        typed: TypedModule | None,
    ) -> None:
        self.index = index
        self.ref = ref
        self.module = ref.module
        self.qualify = ref.module.imports.qualify
        self.self_cls = self_cls
        self.bound = bound
        self.typed = typed
        self.is_async = isinstance(ref.node, ast.AsyncFunctionDef)
        self.facts = FunctionFacts(ref.qual, self.is_async)
        self.env: Env = dict(ref.closure) if isinstance(ref.closure, dict) else {}
        self.row_loop = False
        self.offloaded = 0
        self.scope_async = self.is_async
        self.is_module = ref.qual.endswith(".<module>")
        self.local_types: dict[int, object] = {}
        self.consts: dict[str, object] = {}
        """Parameters bound to the constants one call passes (`ConstT`), not reassigned."""
        self._call_types: dict[int, object | None] | None = None
        """Argument types of the call being dispatched (for `FunctionFacts.call_args`)."""
        self.conditions: list[frozenset[str]] = []
        """Names tested by the enclosing `if`/`while` statements."""
        self.fixed_loops: list[bool] = []
        """For each enclosing `for`: whether it iterates a value written in code."""
        self._scopes: dict[tuple[bool, bool], Scope] = {}
        self.empty_literals: set[str] = set()
        """Local names last bound to an empty `{}`/`[]`: filled by the code that follows."""

    # -- entry --------------------------------------------------------------------

    def run(self) -> FunctionFacts:
        node = self.ref.node
        if isinstance(node, ast.Lambda):
            self.facts.returns = self.eval(node.body)
            return self.facts
        self._bind_params(node)
        self.exec_block(node.body)
        return self.facts

    def _bind_params(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if self.is_module:
            return
        params = function_params(node)
        decorators = self.ref.decorators
        has_self = self.ref.takes_self and params
        for i, (arg, default) in enumerate(params):
            if i == 0 and has_self:
                cls = self.self_cls or self.ref.owner
                if arg.arg in self.bound:  # a model method called on a row
                    self.env[arg.arg] = self.bound[arg.arg]
                elif "classmethod" not in decorators and self.index.is_model(cls):
                    # a model's own method: `self.rel` is a relationship of a loaded row
                    self.env[arg.arg] = InstanceT(cls, "sync")  # type: ignore[arg-type]
                elif "classmethod" not in decorators:
                    self.env[arg.arg] = ObjT(cls)  # type: ignore[arg-type]
                elif self.index.is_model(cls):  # a model's (or its mixin's) classmethod
                    self.env[arg.arg] = ModelClassT(cls)  # type: ignore[arg-type]
                else:
                    self.env[arg.arg] = ClassT(cls)  # type: ignore[arg-type]
                continue
            const = self.bound.get(arg.arg)
            if isinstance(const, ConstT):
                self.consts[arg.arg] = const.value
                self.env[arg.arg] = None
                continue
            if isinstance(const, SomeValueT):
                self.consts[arg.arg] = NOT_NONE
                self.env[arg.arg] = None
                continue
            if arg.arg in self.bound:
                t = self.bound[arg.arg]
            else:
                subst = self.index.type_arguments(self.self_cls) if self.self_cls else None
                t = param_type(self.index, self.module, arg.annotation, default, subst)
                if t is None and self._typed_by_callers(arg):
                    store = self.index.facts
                    if store.plain:  # its callers would type it in a full analysis
                        store.note_mode_dependent()
                    else:
                        t = store.caller_param_type(self.ref, arg.arg)
                        if t is not None:
                            self.facts.caller_typed.add(arg.arg)
                            store.note_mode_dependent()
            self.env[arg.arg] = t
            self.facts.params[arg.arg] = t
            if self.typed is not None and t is not None:
                self.typed.types[id(arg)] = t

    def _typed_by_callers(self, arg: ast.arg) -> bool:
        """An unannotated (or `Any`) named parameter of a project function, outside test
        code: its callers decide its type (but in plain analyses)."""
        if self.module.is_test or self.ref.closure is not None:
            return False
        node = self.ref.node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return False
        if arg is node.args.vararg or arg is node.args.kwarg:
            return False
        ann = arg.annotation
        if ann is not None and not self._open_annotation(ann):
            return False
        # only a parameter the body uses (`session.commit()`, `row.owner`, `for x in rows`):
        # one only passed along costs its callers' analyses for nothing (a cheap text test)
        body = self.module.lines[node.lineno - 1 : node.end_lineno or node.lineno]
        # (or stores it: `self.person = person`, read by the other methods)
        name = arg.arg
        return any(
            f"{name}." in line
            or f"{name}(" in line
            or f"in {name}" in line
            or line.rstrip().endswith(f"= {name}")
            for line in body
        )

    def _open_annotation(self, ann: ast.expr) -> bool:
        """An annotation that leaves the value to the callers: `Any`, `object`, or a model
        class (a new object or a loaded row, sync or async: only the callers know)."""
        qual = self.qualify(ann) or ""
        if _last(qual) in ("Any", "object"):
            return True
        return self.index.is_model(self.index.canonical(qual) or qual)

    # -- recording ----------------------------------------------------------------

    def _scope(self) -> Scope:
        """The scope of the node being typed: one shared record per state (frozen)."""
        key = (self.scope_async, self.row_loop)
        found = self._scopes.get(key)
        if found is None:
            found = Scope(
                self.ref.qual, self.scope_async, self.row_loop, self.ref.owner, self.ref.node
            )
            self._scopes[key] = found
        return found

    def _note(self, node: ast.AST, t: object | None) -> None:
        if t is not None:
            self.local_types[id(node)] = t
        if self.typed is not None:
            if t is not None:
                self.typed.types[id(node)] = t
            if isinstance(node, SCOPED_NODES):
                self.typed.scopes[id(node)] = self._scope()

    # -- statements ---------------------------------------------------------------

    def exec_block(self, stmts: list[ast.stmt]) -> None:
        for stmt in stmts:
            self.exec_stmt(stmt)
            if (self.consts or isinstance(stmt, ast.If)) and _ends_path(stmt, self._decided):
                return  # `if light: return ...` decided by this call: the rest never runs

    def exec_stmt(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, ast.Assign):
            value = self.eval(stmt.value)
            for target in stmt.targets:
                self.assign(target, value, stmt.value)
        elif isinstance(stmt, ast.AnnAssign):
            value = self.eval(stmt.value) if stmt.value is not None else None
            if value is None and not self.is_module:
                value = annotation_type(self.index, self.module, stmt.annotation)
            self.assign(stmt.target, value, stmt.value)
        elif isinstance(stmt, ast.AugAssign):
            self.eval(stmt.value)
            self.eval(stmt.target)
        elif isinstance(stmt, ast.Expr):
            self.eval(stmt.value)
        elif isinstance(stmt, ast.Return):
            value = self.eval(stmt.value) if stmt.value is not None else None
            self._note(stmt, value)
            self._final(value, "return")
            self.facts.returns = merge(self.facts.returns, value)
        elif isinstance(stmt, ast.If) and self._decides(stmt.test) is not None:
            self.exec_block(stmt.body if self._decided(stmt.test) else stmt.orelse)
        elif isinstance(stmt, (ast.If, ast.While)):
            if isinstance(stmt, ast.While):
                self.eval(stmt.test)
            self.conditions.append(_names(stmt.test))
            self._branches(stmt.body, stmt.orelse)
            self.conditions.pop()
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            self._for(stmt)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                value = _entered(self.eval(item.context_expr))
                if isinstance(stmt, ast.AsyncWith) and isinstance(value, SessionT):
                    value = replace(value, kind="async")  # only an AsyncSession does `async with`
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, value, None)
            self.exec_block(stmt.body)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            self.exec_block(stmt.body)  # type: ignore[attr-defined]
            before = dict(self.env)
            for handler in stmt.handlers:  # type: ignore[attr-defined]
                self.exec_block(handler.body)
            self.env = _merge_env(before, self.env)
            self.exec_block(stmt.orelse)  # type: ignore[attr-defined]
            self.exec_block(stmt.finalbody)  # type: ignore[attr-defined]
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._nested_def(stmt)
        elif isinstance(stmt, ast.ClassDef):
            return
        elif isinstance(stmt, ast.Match):
            self.eval(stmt.subject)
            before = dict(self.env)
            out: Env | None = None
            for case in stmt.cases:
                self.env = dict(before)
                self.exec_block(case.body)
                out = self.env if out is None else _merge_env(out, self.env)
            self.env = _merge_env(before, out or {})
        elif isinstance(stmt, (ast.Raise, ast.Assert, ast.Delete)):
            for child in child_nodes(stmt):
                if isinstance(child, ast.expr):
                    self.eval(child)

    def _branches(self, body: list[ast.stmt], orelse: list[ast.stmt]) -> None:
        before = dict(self.env)
        self.exec_block(body)
        after_body = self.env
        self.env = dict(before)
        self.exec_block(orelse)
        self.env = _merge_env(after_body, self.env)

    def _nested_def(self, stmt: ast.FunctionDef | ast.AsyncFunctionDef) -> None:

        if self.is_module:
            top = self.index.functions.get(f"{self.module.name}.{stmt.name}")
            if top is not None and top.node is stmt:
                # a top-level function: typed by its own (home) analysis, not as a closure
                self.env[stmt.name] = FuncT(top.qual)
                return
        qual = f"{self.ref.qual}.<locals>.{stmt.name}"
        if self.index.facts.plain:
            # a caller analysed plainly: its closure lacks the callers' types, so it is
            # a function of its own, never the one the home analysis registers
            qual += PLAIN_CLOSURE
            self.index.facts.note_mode_dependent()  # named so, it cannot serve a full one
        ref = self.index.functions.get(qual)
        if ref is None:
            ref = FunctionRef(qual, self.module, stmt, None, dict(self.env))
            self.index.functions[qual] = ref
        self.env[stmt.name] = FuncT(qual)
        if self.typed is not None:
            FunctionFlow(self.index, ref, None, {}, self.typed).run()

    # -- expressions --------------------------------------------------------------

    def eval(self, expr: ast.AST | None) -> object | None:
        if expr is None:
            return None
        t = self._eval(expr)
        # `_note`, inlined: this runs for every expression
        key = id(expr)
        if t is not None:
            self.local_types[key] = t
        typed = self.typed
        if typed is not None:
            if t is not None:
                typed.types[key] = t
            if isinstance(expr, SCOPED_NODES):
                typed.scopes[key] = self._scope()
        return t

    def _eval(self, expr: ast.AST) -> object | None:
        if isinstance(expr, ast.Name):
            if expr.id in self.env:
                return self.env[expr.id]
            found = self.index.facts.symbol_type(self.module.imports.qualify_name(expr.id))
            if isinstance(found, SessionT) and found.scoped:
                self.facts.shared_session = found.kind
            return found
        if isinstance(expr, ast.Attribute):
            return self._attribute(expr)
        if isinstance(expr, ast.Call):
            return self._call(expr)
        if isinstance(expr, ast.Constant):
            return None
        if isinstance(expr, ast.Await):
            return self.eval(expr.value)
        if isinstance(expr, ast.YieldFrom):  # `yield from query`: its rows, one by one
            self.facts.yields = merge(
                self.facts.yields, element_of(expr.value, self.eval(expr.value), self)
            )
            return None
        if isinstance(expr, ast.Yield):
            value = self.eval(expr.value) if expr.value is not None else None
            self.facts.yields = merge(self.facts.yields, value)
            return None
        if isinstance(expr, ast.Subscript):
            base = self.eval(expr.value)
            self.eval(expr.slice)
            if isinstance(base, FixedT):
                return base
            if isinstance(base, RowMapT):
                base = base.rows
                return InstanceT(base.model, base.kind, base.eager, False, base.origin)
            if isinstance(base, RowsT):
                if isinstance(expr.slice, ast.Slice):
                    return base
                return InstanceT(base.model, base.kind, base.eager, False, base.origin)
            if (
                isinstance(base, TupleT)
                and isinstance(expr.slice, ast.Constant)
                and isinstance(expr.slice.value, int)
            ):
                idx = expr.slice.value
                return base.items[idx] if -len(base.items) <= idx < len(base.items) else None
            return None
        if isinstance(expr, ast.IfExp):
            self.eval(expr.test)
            decided = self._decided(expr.test)
            if decided is not None:
                return self.eval(expr.body if decided else expr.orelse)
            return merge(self.eval(expr.body), self.eval(expr.orelse))
        if isinstance(expr, ast.BoolOp):
            result: object | None = None
            for value in expr.values:
                result = merge(result, self.eval(value))
            return result
        if isinstance(expr, ast.NamedExpr):
            value = self.eval(expr.value)
            self.assign(expr.target, value, expr.value)
            return value
        if isinstance(expr, ast.Tuple):
            return TupleT(tuple(self.eval(e) for e in expr.elts))
        if isinstance(expr, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            return self._comprehension(expr)
        if isinstance(expr, ast.Lambda):
            self._lambda(expr, offloaded=False)
            return None
        for child in child_nodes(expr):
            if isinstance(child, ast.expr):
                self.eval(child)
            elif isinstance(child, ast.keyword):
                self.eval(child.value)
            elif isinstance(child, ast.comprehension):
                self.eval(child.iter)
        return None

    def index_type(self, node: ast.AST) -> object | None:
        return self.local_types.get(id(node))


def eval_in_module(index: ProjectIndex, module: ModuleInfo, expr: ast.AST) -> object | None:
    """The type of an expression evaluated at module level (no local names)."""
    flow = FunctionFlow(index, module_ref(module), None, {}, None)
    return flow.eval(expr)


def symbol_type(index: ProjectIndex, qual: str) -> object | None:
    """The type of a project-level name: model class, class, function or variable."""
    sym = index.lookup(qual)
    if sym is None:
        return None
    if sym.kind == "class":
        return ModelClassT(sym.qual) if index.is_model(sym.qual) else ClassT(sym.qual)
    if sym.kind == "function":
        return FuncT(sym.qual)
    if sym.kind == "var":
        module = sym.module
        name = sym.qual.rsplit(".", 1)[-1]
        value = module.assigns.get(name)
        if code_literal(value):
            return FixedT()
        if value is not None:
            found = eval_in_module(index, module, value)
            if found is not None:
                return found
        annotation = module.annotations.get(name)
        return annotation_type(index, module, annotation)
    return None


__all__ = ["FunctionFlow", "eval_in_module", "module_ref", "symbol_type"]
