"""Data flow inside one function: which names hold sessions, statements, rows.

A single forward walk over the statements keeps an environment of abstract
types (`semantics.types`). Branches are analysed separately and joined;
loop bodies once. Calls of project functions use their facts (computed on
demand, memoized in the FactStore), so what a repository method returns in
another file reaches the caller here.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from repolint.semantics import statements
from repolint.semantics.fixed import DYNAMIC_IMPORTS, FIXED_METHODS, code_literal
from repolint.semantics.loading import read_options
from repolint.semantics.module import ModuleInfo, function_params, own_nodes
from repolint.semantics.names import (
    ANNOTATED,
    ASYNC_ENGINE_CLASSES,
    ASYNC_ENGINE_FACTORIES,
    ASYNC_SESSION_CLASSES,
    ASYNC_SESSIONMAKERS,
    BACKGROUND_TASKS,
    CONTEXT_MANAGER_WRAPPERS,
    DEPENDS,
    FLASK_SQLALCHEMY,
    ITERATOR_WRAPPERS,
    OFFLOAD_FUNCTIONS,
    OFFLOAD_METHODS,
    PARTIAL,
    QUERY_EXECUTING_METHODS,
    SCOPED_SESSION_CLASSES,
    SELECT_FUNCS,
    SYNC_ENGINE_CLASSES,
    SYNC_ENGINE_FACTORIES,
    SYNC_IO_METHODS,
    SYNC_SESSION_CLASSES,
    SYNC_SESSIONMAKERS,
)
from repolint.semantics.refs import FunctionRef
from repolint.semantics.summaries import (
    ARG_ORIGIN,
    FunctionFacts,
    ProjectCall,
    Scope,
    TypedModule,
    module_origin,
)
from repolint.semantics.types import (
    NO_EAGER,
    ROW_SOURCES,
    BackgroundTasksT,
    ClassT,
    ColumnT,
    ConstT,
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
    Shape,
    StmtT,
    TupleT,
    eager_below,
    eager_covers,
    merge,
)

if TYPE_CHECKING:
    from repolint.semantics.index import ProjectIndex

Env = dict[str, object]
TypeArguments = dict[str, tuple[ModuleInfo, ast.expr]]
"""Type variable -> the module and expression a generic subclass gives it."""

STMT_BUILDERS = frozenset(
    {
        "where",
        "filter",
        "filter_by",
        "join",
        "outerjoin",
        "join_from",
        "outerjoin_from",
        "order_by",
        "limit",
        "offset",
        "group_by",
        "having",
        "distinct",
        "execution_options",
        "with_for_update",
        "select_from",
        "params",
        "correlate",
        "prefix_with",
        "suffix_with",
        "with_only_columns",
        "populate_existing",
        "enable_eagerloads",
        "autoflush",
        "yield_per",
        "slice",
        "add_columns",
        "union",
        "with_entities",
        "reset_joinpoint",
        "fetch",
        "with_hint",
        "set_label_style",
        "with_statement_hint",
        "apply_labels",
    }
)
ENGINE_IO_METHODS = frozenset(
    {"connect", "begin", "execute", "exec_driver_sql", "scalar", "scalars", "commit", "rollback"}
)
"""Blocking methods of a sync `Engine` or of the `Connection` it gives."""
METADATA_IO_METHODS = frozenset({"create_all", "drop_all", "reflect"})
"""`metadata.create_all(engine)`: DDL over a sync engine."""
QUERY_ONE = frozenset(
    {"first", "one", "one_or_none", "scalar", "get", "get_or_404", "first_or_404", "one_or_404"}
)
QUERY_MANY = frozenset({"all"})
QUERY_OTHER_CONSUMERS = frozenset({"count", "exists", "paginate", "delete", "update", "__iter__"})
RESULT_SAME = frozenset({"unique", "yield_per", "execution_options"})
RESULT_MANY = frozenset({"all", "fetchall", "fetchmany"})
RESULT_ONE_SCALARS = frozenset(
    {"first", "one", "one_or_none", "scalar_one", "scalar_one_or_none", "scalar"}
)
RESULT_ONE_ROWS = frozenset({"scalar_one", "scalar_one_or_none", "scalar"})
LIST_WRAPPERS = frozenset({"list", "sorted", "tuple", "reversed", "set", "frozenset"})
DUCK_STATEMENT_METHODS = frozenset({"execute", "exec", "scalars", "scalar", "stream"})
"""Methods that run a statement: an unknown receiver calling one with a statement is a session."""
COLLECTING_METHODS = frozenset({"append", "add", "extend"})
"""Methods of a list or set that put rows in it (`found.append(row)`)."""
CONTEXT_MANAGER_DECORATORS = ("contextmanager", "asynccontextmanager")
PROPERTY_DECORATORS = ("property", "cached_property")
NOT_MODEL_ATTRS = frozenset({"__class__", "__dict__"})
BINDABLE = (StmtT, QueryT, ModelClassT)
"""Argument types a callee is analysed with, per call, when it cannot type them itself."""


def module_ref(module: ModuleInfo) -> FunctionRef:
    """A pseudo-function for the module body (sync code)."""

    func = ast.FunctionDef(
        name="<module>",
        args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]),
        body=module.tree.body,
        decorator_list=[],
        returns=None,
    )
    setattr(func, "type_params", [])  # noqa: B010 - a field only from Python 3.12 on
    return FunctionRef(f"{module.name}.<module>", module, func, None)


class FunctionFlow:
    """One walk over one function body."""

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
        self.empty_literals: set[str] = set()
        """Local names last bound to an empty `{}`/`[]`: filled by the code that follows."""

    # -- entry ----------------------------------------------------------------

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
        decorators = {
            (_last(self.qualify(d.func if isinstance(d, ast.Call) else d) or ""))
            for d in node.decorator_list
        }
        has_self = self.ref.owner is not None and "staticmethod" not in decorators and params
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
            if arg.arg in self.bound:
                t = self.bound[arg.arg]
            else:
                subst = self.index.type_arguments(self.self_cls) if self.self_cls else None
                t = param_type(self.index, self.module, arg.annotation, default, subst)
                if t is None and self._typed_by_callers(arg):
                    t = self.index.facts.caller_param_type(self.ref, arg.arg)
                    if t is not None:
                        self.facts.caller_typed.add(arg.arg)
            self.env[arg.arg] = t
            self.facts.params[arg.arg] = t
            if self.typed is not None and t is not None:
                self.typed.types[id(arg)] = t

    def _typed_by_callers(self, arg: ast.arg) -> bool:
        """An unannotated (or `Any`) named parameter of a project function, outside plain
        analyses and test code: its callers decide its type."""
        if self.index.facts.plain or self.module.is_test or self.ref.closure is not None:
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

    # -- recording --------------------------------------------------------------

    def _scope(self) -> Scope:
        return Scope(self.ref.qual, self.scope_async, self.row_loop, self.ref.owner, self.ref.node)

    def _note(self, node: ast.AST, t: object | None) -> None:
        if t is not None:
            self.local_types[id(node)] = t
        if self.typed is not None:
            if t is not None:
                self.typed.types[id(node)] = t
            if isinstance(node, (ast.Call, ast.Attribute, ast.Subscript, ast.Return)):
                self.typed.scopes[id(node)] = self._scope()

    # -- statements -------------------------------------------------------------

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
            for child in ast.iter_child_nodes(stmt):
                if isinstance(child, ast.expr):
                    self.eval(child)

    def _branches(self, body: list[ast.stmt], orelse: list[ast.stmt]) -> None:
        before = dict(self.env)
        self.exec_block(body)
        after_body = self.env
        self.env = dict(before)
        self.exec_block(orelse)
        self.env = _merge_env(after_body, self.env)

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

    def _nested_def(self, stmt: ast.FunctionDef | ast.AsyncFunctionDef) -> None:

        if self.is_module:
            top = self.index.functions.get(f"{self.module.name}.{stmt.name}")
            if top is not None and top.node is stmt:
                # a top-level function: typed by its own (home) analysis, not as a closure
                self.env[stmt.name] = FuncT(top.qual)
                return
        qual = f"{self.ref.qual}.<locals>.{stmt.name}"
        ref = self.index.functions.get(qual)
        if ref is None:
            ref = FunctionRef(qual, self.module, stmt, None, dict(self.env))
            if self.index.facts.plain:
                return  # a caller analysed plainly: its closure would lack the callers' types
            self.index.functions[qual] = ref
        self.env[stmt.name] = FuncT(qual)
        if self.typed is not None:
            FunctionFlow(self.index, ref, None, {}, self.typed).run()

    def _decides(self, test: ast.expr) -> bool | None:
        """Evaluate an `if` test, then whether this analysis knows its outcome."""
        self.eval(test)
        return self._decided(test)

    def _decided(self, test: ast.AST) -> bool | None:
        """The truth of a test on constants this call passed (`light`, `not full`,
        `user is None`) or on the class of a known row (`isinstance(target, Workout)`),
        or None when the test depends on anything else."""
        if isinstance(test, ast.Call) and isinstance(test.func, ast.Name):
            return self._isinstance(test) if test.func.id == "isinstance" else None
        if (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and isinstance(test.ops[0], (ast.Is, ast.IsNot))
            and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value is None
            and isinstance(self.local_types.get(id(test.left)), ColumnT)
        ):
            return isinstance(test.ops[0], ast.IsNot)  # `Model.column is not None`: always
        named = self._class_name_test(test)
        if named is not None:
            return named
        if not self.consts:
            return None
        if isinstance(test, ast.Name) and test.id in self.consts:
            return bool(self.consts[test.id])
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            inner = self._decided(test.operand)
            return None if inner is None else not inner
        if (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and isinstance(test.left, ast.Name)
            and test.left.id in self.consts
            and isinstance(test.comparators[0], ast.Constant)
        ):
            left, right, op = self.consts[test.left.id], test.comparators[0].value, test.ops[0]
            if isinstance(op, (ast.Is, ast.Eq)):
                return left == right
            if isinstance(op, (ast.IsNot, ast.NotEq)):
                return left != right
        if isinstance(test, ast.BoolOp):
            parts = [self._decided(v) for v in test.values]
            if isinstance(test.op, ast.And):
                return False if False in parts else (True if all(parts) else None)
            return True if True in parts else (False if all(p is False for p in parts) else None)
        return None

    def _class_name_test(self, test: ast.AST) -> bool | None:
        """`row.__class__.__name__ == "Workout"` (or `!=`) on a row of a known model that
        no project class derives from: decided by the model's own name."""
        if not (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and isinstance(test.ops[0], (ast.Eq, ast.NotEq))
            and isinstance(test.comparators[0], ast.Constant)
            and isinstance(test.comparators[0].value, str)
        ):
            return None
        left = test.left
        if not (
            isinstance(left, ast.Attribute)
            and left.attr == "__name__"
            and isinstance(left.value, ast.Attribute)
            and left.value.attr == "__class__"
            and isinstance(left.value.value, ast.Name)
        ):
            return None
        row = self.env.get(left.value.value.id)
        if not isinstance(row, InstanceT) or self.index.subclasses(row.model):
            return None
        same = row.model.rsplit(".", 1)[-1] == test.comparators[0].value
        return same if isinstance(test.ops[0], ast.Eq) else not same

    def _isinstance(self, test: ast.Call) -> bool | None:
        """`isinstance(x, C)` for `x` a row of a known model (or a known project object)."""
        if len(test.args) != 2 or not isinstance(test.args[0], ast.Name):
            return None
        if "isinstance" in self.env or test.func.id != "isinstance":  # type: ignore[attr-defined]
            return None
        value = self.env.get(test.args[0].id)
        cls = value.model if isinstance(value, InstanceT) else getattr(value, "cls", None)
        if not isinstance(value, (InstanceT, ObjT)) or cls is None:
            return None
        second = test.args[1]
        options = second.elts if isinstance(second, ast.Tuple) else [second]
        mro = self.index.mro(cls)
        undecided = False
        for option in options:
            qual = self.index.canonical(self.qualify(option))
            if qual is None or qual not in self.index.classes:
                return None  # a class repolint cannot see
            if qual in mro:
                return True
            if cls in self.index.mro(qual):
                undecided = True  # the row may be of that subclass
        return None if undecided else False

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

    # -- expressions ------------------------------------------------------------

    def eval(self, expr: ast.AST | None) -> object | None:
        if expr is None:
            return None
        t = self._eval(expr)
        self._note(expr, t)
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
        for child in ast.iter_child_nodes(expr):
            if isinstance(child, ast.expr):
                self.eval(child)
            elif isinstance(child, ast.keyword):
                self.eval(child.value)
            elif isinstance(child, ast.comprehension):
                self.eval(child.iter)
        return None

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
                    return self._instance_method(ref, base)
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
                return eval_in_module(self.index, self.index.classes[value[0]][0], value[1])
            ref = self.index.method(base.cls, name)
            return FuncT(ref.qual, base.cls) if ref else None
        if isinstance(base, FlaskDBT):
            if name == "session":
                self.facts.shared_session = "sync"
                return SessionT("sync", received=True, scoped=True)
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

    def _callee_facts(
        self, ref: FunctionRef, self_cls: str | None, call: ast.Call
    ) -> FunctionFacts:
        """The callee's facts; when it returns nothing known by itself and this call
        passes a statement or a model class to a parameter it cannot type, the facts of
        the callee with those arguments bound (`self.list(select(User))` returns users)."""
        facts = self.index.facts.facts(ref, self_cls)
        if self._call_types is None:
            return facts
        passed = call_site_args(ref, call, self._call_types)
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

    def _instance_method(self, ref: FunctionRef, row: InstanceT) -> object | None:
        """What a model's method returns; on a row this function was given, the lazy
        relationships the method reads on `self` count as read on that argument."""
        if row.origin is None or row.origin[0] != ARG_ORIGIN:
            return self.index.facts.facts(ref, row.model).returns
        as_self = replace(row, origin=(ARG_ORIGIN, "self"))
        facts = self.index.facts.facts(ref, row.model, (("self", as_self),))
        for param, model, rel in facts.arg_lazy_reads:
            read = (row.origin[1], model, rel)
            if param == "self" and read not in self.facts.arg_lazy_reads:
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

    # -- calls ------------------------------------------------------------------

    def _record_call(self, qual: str, self_cls: str | None, node: ast.AST) -> None:
        if self.offloaded or not isinstance(node, ast.Call):
            if isinstance(node, ast.Attribute) and not self.offloaded:
                call = ProjectCall(qual, self_cls, node)  # type: ignore[arg-type]
                self.facts.calls.append(call)
            return
        call = ProjectCall(qual, self_cls, node, self._given_rows(qual, node))
        self.facts.calls.append(call)
        if self.typed is not None:
            self.typed.calls[id(node)] = call
        if self.index.facts.plain and self._call_types is not None:
            ref = self.index.functions.get(qual)
            if ref is not None:
                site = call_site_args(ref, node, self._call_types)
                self.facts.call_args.setdefault(qual, []).append(site)

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

    def index_type(self, node: ast.AST) -> object | None:
        return self.local_types.get(id(node))

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
        extra = set(self.index.settings.offload_functions)
        if qual is not None and (
            qual in OFFLOAD_FUNCTIONS or qual in extra or _last(qual) in extra
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
            return self._instance_method(ref, receiver)
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
            if ref.owner is None and ref.closure is None:  # a module-level helper
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


class _Unknown:
    pass


_UNKNOWN = _Unknown()


# -- helpers shared with the index --------------------------------------------------


def _last(qual: str) -> str:
    return qual.rsplit(".", 1)[-1]


def _names(expr: ast.AST) -> frozenset[str]:
    return frozenset(n.id for n in ast.walk(expr) if isinstance(n, ast.Name))


def _arg(call: ast.Call, i: int, types: dict[int, object | None]) -> object | None:
    return types.get(id(call.args[i])) if i < len(call.args) else None


def _head_name(expr: ast.AST) -> str | None:
    while isinstance(expr, ast.Attribute):
        expr = expr.value
    return expr.id if isinstance(expr, ast.Name) else None


def _attribute_path(expr: ast.Attribute) -> tuple[str | None, tuple[str, ...]]:
    """`row.a.b` -> ("row", ("a", "b")); (None, ()) when the chain has no name at its head."""
    path: list[str] = []
    node: ast.AST = expr
    while isinstance(node, ast.Attribute):
        path.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None, ()
    return node.id, tuple(reversed(path))


def _is_super_call(expr: ast.AST) -> bool:
    return (
        isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "super"
    )


def _kw(call: ast.Call, name: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def _src(node: ast.AST) -> str:
    try:
        text = ast.unparse(node)
    except Exception:
        return "..."
    return text if len(text) <= 60 else text[:57] + "..."


def _call_label(call: ast.Call) -> str:
    """`db.scalars(...)`, `query.first()`: a call as paths show it."""
    return f"{_src(call.func)}({'...' if call.args or call.keywords else ''})"


def _select_args(call: ast.Call) -> list[ast.expr]:
    if call.args and isinstance(call.args[0], ast.Call):
        return list(call.args[0].args)
    return []


def _rows_of(source: object) -> RowsT | None:
    if isinstance(source, QueryT) and source.model is not None:
        return RowsT(source.model, source.kind, source.eager)
    if isinstance(source, ResultT) and source.model is not None:
        return RowsT(source.model, source.kind, source.eager, False, source.origin)
    if isinstance(source, RowsT):
        return source
    return None


def _is_row_source(value: object | None) -> bool:
    if isinstance(value, PageT):
        return True
    if isinstance(value, ResultT):
        return value.scalars
    return isinstance(value, ROW_SOURCES) or (
        isinstance(value, InstanceT) and value.per_row is False and False
    )


def _is_enumerate_of_rows(node: ast.AST, flow: FunctionFlow) -> bool:
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "enumerate"
        and node.args
    ):
        return _is_row_source(flow.index_type(node.args[0]))
    return False


def _empty_literal(node: ast.AST | None) -> bool:
    """`{}` or `[]`."""
    return (isinstance(node, ast.Dict) and not node.keys) or (
        isinstance(node, ast.List) and not node.elts
    )


def element_of(node: ast.AST, iterable: object | None, flow: FunctionFlow) -> object | None:
    """The type of one element when iterating `iterable`."""
    if _is_enumerate_of_rows(node, flow):
        assert isinstance(node, ast.Call)
        inner = element_of(node.args[0], flow.index_type(node.args[0]), flow)
        return TupleT((None, inner))
    if isinstance(iterable, PageT):
        iterable = iterable.rows
    if isinstance(iterable, FixedT):
        return iterable
    if isinstance(iterable, RowMapT):  # `for key, row in by_id.items()`; keys otherwise
        items = isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "items"
        inner = element_of(node, iterable.rows, flow) if items else None
        return TupleT((None, inner)) if inner is not None else None
    if isinstance(iterable, ResultT) and not iterable.scalars:
        return None
    if isinstance(iterable, (RowsT, QueryT, ResultT)) and iterable.model is not None:
        origin = getattr(iterable, "origin", None)
        return InstanceT(iterable.model, iterable.kind, iterable.eager, True, origin)
    return None


def _with_origin(value: object | None, cls: str | None, method: str) -> object | None:
    if cls is None:
        return value
    if isinstance(value, (RowsT, InstanceT, ResultT)) and (
        value.origin is None or (value.origin[0] == cls and value.origin[0] != ARG_ORIGIN)
    ):
        # the method the caller called, not the helper of the same object it delegated to
        return replace(value, origin=(cls, method))
    if isinstance(value, TupleT):
        return TupleT(tuple(_with_origin(v, cls, method) for v in value.items))
    return value


def _entered(value: object | None) -> object | None:
    """What `with value as x` binds x to."""
    if isinstance(value, (SessionT, EngineT)):
        return value
    return None


def _merge_env(a: Env, b: Env) -> Env:
    out: Env = {}
    for key in a.keys() | b.keys():
        out[key] = merge(a.get(key), b.get(key))
    return out


_GENERATORS: dict[int, tuple[ast.AST, bool]] = {}


def _is_generator(func: ast.AST) -> bool:
    """Whether the function's own body yields (memoized per node)."""
    found = _GENERATORS.get(id(func))
    if found is not None and found[0] is func:
        return found[1]
    result = any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in own_nodes(func))
    _GENERATORS[id(func)] = (func, result)
    return result


def _produced(ref: FunctionRef, facts: FunctionFacts, context_manager: bool) -> object | None:
    """What calling `ref` gives: what it yields for a context manager, rows for a
    generator of rows (`for row in windowed(q)`), else what it returns."""
    if context_manager:
        return facts.yields
    if isinstance(facts.yields, InstanceT) and _is_generator(ref.node):
        row = facts.yields
        return RowsT(row.model, row.kind, row.eager, False, row.origin)
    return facts.returns


def _is_context_manager(ref: FunctionRef) -> bool:
    node = ref.node
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    for dec in node.decorator_list:
        qual = ref.module.imports.qualify(dec) or ""
        if _last(qual) in CONTEXT_MANAGER_DECORATORS:
            return True
    return False


def _ends_path(stmt: ast.stmt, decided: Callable[[ast.AST], bool | None]) -> bool:
    """`return`/`raise`, or an `if` whose branch taken for this call ends that way."""
    if isinstance(stmt, (ast.Return, ast.Raise)):
        return True
    if isinstance(stmt, ast.If):
        taken = decided(stmt.test)
        if taken is not None:
            branch = stmt.body if taken else stmt.orelse
            return bool(branch) and _ends_path(branch[-1], decided)
    return False


def call_constants(ref: FunctionRef, call: ast.Call) -> tuple[tuple[str, ConstT], ...]:
    """The constants a call passes to the callee's parameters, and the constant defaults
    of those it does not pass: what decides the callee's `if flag:` branches for it."""
    node = ref.node
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return ()
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return ()  # `f(*args)`, `f(**options)`: what each parameter gets is unknown
    params = function_params(node)
    decorators = {_last(ref.module.imports.qualify(d) or "") for d in node.decorator_list}
    if ref.owner is not None and "staticmethod" not in decorators and params:
        params = params[1:]
    passed: dict[str, ast.expr] = {}
    positional = [a for a, _ in params if a not in node.args.kwonlyargs]
    for arg, given in zip(positional, call.args, strict=False):
        passed[arg.arg] = given
    passed.update({k.arg: k.value for k in call.keywords if k.arg})
    out: list[tuple[str, ConstT]] = []
    for arg, default in params:
        value = passed.get(arg.arg, default)
        if isinstance(value, ast.Constant) and not isinstance(value.value, bytes):
            out.append((arg.arg, ConstT(value.value)))  # type: ignore[arg-type]
    return tuple(sorted(out, key=lambda p: p[0]))


def db_path_at_call(
    index: ProjectIndex, call: ast.Call, project_call: ProjectCall, kind: str
) -> list[str] | None:
    """The path from a project call to a statement (`kind` 'query') or a commit
    ('commit') it runs, the callee analysed with the constants this call passes."""
    bound = index.facts.call_given(project_call)
    return index.facts.db_path(project_call.qual, project_call.self_cls, kind, bound=bound)


def call_site_args(
    ref: FunctionRef, call: ast.Call, types: dict[int, object | None]
) -> dict[str, object | None]:
    """Parameter name -> the type this call passes (None: unknown or not passed)."""
    node = ref.node
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return {}
    params = [a.arg for a, _ in function_params(node) if a is not node.args.vararg]
    if node.args.kwarg is not None:
        params = params[:-1]
    decorators = {_last(ref.module.imports.qualify(d) or "") for d in node.decorator_list}
    if ref.owner is not None and "staticmethod" not in decorators and params:
        params = params[1:]
    out: dict[str, object | None] = dict.fromkeys(params)
    positional = len(node.args.posonlyargs) + len(node.args.args)
    if ref.owner is not None and "staticmethod" not in decorators:
        positional -= 1
    for i, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            return dict.fromkeys(params)  # `f(*args)`: positions unknown
        if i < min(positional, len(params)):
            out[params[i]] = types.get(id(arg))
    for kw in call.keywords:
        if kw.arg is not None and kw.arg in out:
            out[kw.arg] = types.get(id(kw.value))
    return out


def _bind_args(
    init: FunctionRef, call: ast.Call, types: dict[int, object | None]
) -> tuple[tuple[str, object], ...]:
    node = init.node
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return ()
    names = [a.arg for a, _ in function_params(node)][1:]
    bound: list[tuple[str, object]] = []
    for name, arg in zip(names, call.args, strict=False):
        t = types.get(id(arg))
        if t is not None and not isinstance(arg, ast.Starred):
            bound.append((name, t))
    for kw in call.keywords:
        t = types.get(id(kw.value))
        if kw.arg and t is not None:
            bound.append((kw.arg, t))
    return tuple(sorted(bound, key=lambda p: p[0]))


# -- annotations and module-level symbols ----------------------------------------------


def annotation_type(
    index: ProjectIndex,
    module: ModuleInfo,
    ann: ast.AST | None,
    depth: int = 0,
    subst: TypeArguments | None = None,
) -> object | None:
    """The type a parameter annotation promises: sessions, project classes, aliases; a
    type variable stands for what `subst` (the subclass's generic arguments) gives it."""
    if ann is None or depth > 8:
        return None
    if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
        try:
            ann = ast.parse(ann.value, mode="eval").body
        except SyntaxError:
            return None
    if isinstance(ann, ast.BinOp) and isinstance(ann.op, ast.BitOr):
        sides = [annotation_type(index, module, s, depth + 1, subst) for s in (ann.left, ann.right)]
        return _one_of(sides)
    if isinstance(ann, ast.Subscript):
        head = module.imports.qualify(ann.value) or ""
        inner = ann.slice
        elts = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        if head in ANNOTATED or _last(head) in ("Annotated", "ClassVar"):
            return annotation_type(index, module, elts[0], depth + 1, subst)
        if _last(head) in ("Optional", "Union"):
            return _one_of([annotation_type(index, module, e, depth + 1, subst) for e in elts])
        return None
    if not isinstance(ann, (ast.Name, ast.Attribute)):
        return None
    qual = module.imports.qualify(ann)
    if qual is None:
        return None
    if qual in SYNC_SESSION_CLASSES:
        return SessionT("sync", received=True, scoped=qual in SCOPED_SESSION_CLASSES)
    if qual in ASYNC_SESSION_CLASSES:
        return SessionT("async", received=True, scoped=qual in SCOPED_SESSION_CLASSES)
    if qual in BACKGROUND_TASKS:
        return BackgroundTasksT()
    if qual in SYNC_SESSIONMAKERS or qual in ASYNC_SESSIONMAKERS:  # `factory: sessionmaker`
        return SessionFactoryT("async" if qual in ASYNC_SESSIONMAKERS else "sync")
    if qual in SYNC_ENGINE_CLASSES:
        return EngineT("sync")
    if qual in ASYNC_ENGINE_CLASSES:
        return EngineT("async")
    sym = index.lookup(qual)
    if sym is None:
        return None
    if sym.kind == "class":
        if index.is_model(sym.qual):
            return None
        return ObjT(sym.qual)
    if subst and sym.qual in subst:  # `-> EngineT` in a base, `Base[Engine]` in the subclass
        arg_module, arg = subst[sym.qual]
        return annotation_type(index, arg_module, arg, depth + 1)
    if sym.kind == "var" and sym.node is not None:
        if isinstance(sym.node, ast.Call):  # `db: SessionLocal` names a sessionmaker instance
            called = _last(sym.module.imports.qualify(sym.node.func) or "")
            if called == "NewType" and len(sym.node.args) == 2:  # `NewType("Ro", AsyncSession)`
                return annotation_type(index, sym.module, sym.node.args[1], depth + 1)
            value = eval_in_module(index, sym.module, sym.node)
            if isinstance(value, SessionFactoryT):
                return SessionT(value.kind, received=True)
            return None
        return annotation_type(index, sym.module, sym.node, depth + 1)
    return None


def _one_of(options: list[object | None]) -> object | None:
    """A union's type: what its known members agree on (`Session | None` is a Session).
    `AsyncSession | Session` (or the two sessionmakers) is either: typed sync, so that no
    call is taken for a coroutine never awaited, while `await s.execute()` and `async
    with` still show the async one where the code uses it so."""
    known = [t for t in options if t is not None]
    joined = known[0] if known else None
    for t in known[1:]:
        joined = merge(joined, t)
    if joined is None and known and all(isinstance(t, (SessionT, SessionFactoryT)) for t in known):
        kinds = {type(t) for t in known}
        if len(kinds) == 1:
            return next(t for t in known if t.kind == "sync")  # type: ignore[attr-defined]
    return joined


def declared_return(
    index: ProjectIndex, ref: FunctionRef, self_cls: str | None = None
) -> object | None:
    """What a function's return annotation promises, for bodies the flow cannot type:
    `-> Session`, `-> Iterator[Session]` (a generator provider), `-> Repo`."""
    node = ref.node
    returns = getattr(node, "returns", None)
    if returns is None:
        return None
    if isinstance(returns, ast.Subscript):
        head = _last(ref.module.imports.qualify(returns.value) or "")
        if head in ITERATOR_WRAPPERS:
            inner = returns.slice
            returns = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
    subst = index.type_arguments(self_cls) if self_cls else None
    found = annotation_type(index, ref.module, returns, subst=subst)
    return found if isinstance(found, (SessionT, ObjT, EngineT, SessionFactoryT)) else None


def depends_target(module: ModuleInfo, expr: ast.AST | None) -> ast.AST | bool | None:
    """The callable inside `Depends(x)`; True for a bare `Depends()`; None when not Depends."""
    if not isinstance(expr, ast.Call):
        return None
    qual = module.imports.qualify(expr.func) or ""
    if qual not in DEPENDS and _last(qual) not in ("Depends", "Security"):
        return None
    if expr.args:
        return expr.args[0]
    dep = _kw(expr, "dependency")
    return dep if dep is not None else True


def _annotated_depends(
    index: ProjectIndex, module: ModuleInfo, ann: ast.AST | None, depth: int = 0
) -> tuple[ModuleInfo, ast.AST | bool | None] | None:
    if ann is None or depth > 8:
        return None
    if isinstance(ann, ast.Subscript):
        head = module.imports.qualify(ann.value) or ""
        if head in ANNOTATED or _last(head) == "Annotated":
            elts = ann.slice.elts if isinstance(ann.slice, ast.Tuple) else []
            for meta in elts[1:]:
                target = depends_target(module, meta)
                if target is not None:
                    return module, target
        return None
    if isinstance(ann, (ast.Name, ast.Attribute)):
        qual = module.imports.qualify(ann)
        sym = index.lookup(qual) if qual else None
        if sym is not None and sym.kind == "var" and sym.node is not None:
            return _annotated_depends(index, sym.module, sym.node, depth + 1)
    return None


def param_type(
    index: ProjectIndex,
    module: ModuleInfo,
    ann: ast.AST | None,
    default: ast.AST | None,
    subst: TypeArguments | None = None,
) -> object | None:
    """A parameter's type from its annotation and its `Depends(...)`."""
    declared = annotation_type(index, module, ann, subst=subst)
    if isinstance(declared, SessionT):
        return declared
    dep_module, target = module, depends_target(module, default)
    if target is None:
        found = _annotated_depends(index, module, ann)
        if found is not None:
            dep_module, target = found
    if target is None:
        return declared
    if target is True:
        return declared
    value = eval_in_module(index, dep_module, target)  # type: ignore[arg-type]
    if isinstance(value, FuncT):
        ref = index.functions.get(value.key)
        if ref is None:
            return declared
        facts = index.facts.facts(ref)
        produced = facts.yields if _is_generator(ref.node) else facts.returns
        if produced is None:
            produced = declared_return(index, ref)
        if isinstance(produced, SessionT):
            return SessionT(produced.kind, received=True, scoped=produced.scoped)
        return produced if produced is not None else declared
    if isinstance(value, ClassT):
        return ObjT(value.cls)
    if isinstance(value, SessionFactoryT):
        return SessionT(value.kind, received=True)
    return declared


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


def _kind_of(value: object | None) -> str | None:
    return getattr(value, "kind", None)


__all__ = [
    "FunctionFlow",
    "annotation_type",
    "db_path_at_call",
    "eval_in_module",
    "module_ref",
    "param_type",
    "symbol_type",
]
