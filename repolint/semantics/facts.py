"""FactStore: per-function facts (memoized) and the per-module typed views rules read."""

from __future__ import annotations

import ast
import contextlib
import re
from collections.abc import Iterator
from itertools import pairwise
from typing import TYPE_CHECKING

from repolint.semantics.annotations import annotation_type
from repolint.semantics.call_sites import call_constants
from repolint.semantics.early_home import may_type_early, merge_records
from repolint.semantics.flow import FunctionFlow, eval_in_module, module_ref, symbol_type
from repolint.semantics.imports import dotted
from repolint.semantics.memo import cache_is_local, memo_guard
from repolint.semantics.module import ModuleInfo, own_nodes, walk, walk_tree
from repolint.semantics.refs import FunctionRef
from repolint.semantics.summaries import FunctionFacts, ProjectCall, TypedModule, function_label
from repolint.semantics.types import (
    FuncT,
    ModelClassT,
    QueryT,
    SessionFactoryT,
    SessionT,
    Shape,
    SomeModelClassT,
    StmtT,
)

if TYPE_CHECKING:
    from repolint.semantics.index import ProjectIndex


MAX_PATH_CALLS = 3
"""Project calls a per-item path may go through (`f() -> g() -> h()` does the I/O)."""

MAX_CALLERS = 8
"""Functions calling a name, above which its parameters are not typed from callers."""

MAX_CALLERS_UNIQUE = 24
"""The same limit for a name only one project function is defined with (`sort_and_page`):
its callers are all real callers, so reading more of them is worth it."""

Key = tuple[str, "str | None", tuple[tuple[str, object], ...], bool]


class FactStore:
    """Computes facts on demand and remembers them for the run."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self._facts: dict[Key, FunctionFacts] = {}
        self._in_progress: set[Key] = set()
        self._symbols: dict[str, object | None] = {}
        self._symbols_in_progress: set[str] = set()
        self._io_paths: dict[tuple[object, ...], list[str] | None] = {}
        self._db_paths: dict[tuple[object, ...], list[str] | None] = {}
        self.typed: dict[str, TypedModule] = {}
        self.traversals: dict[tuple[str, str], list[tuple[str, int, str]]] = {}
        self.property_names: dict[str, frozenset[str]] = {}
        """Memo of `FunctionFlow._property_names` by class."""
        self._plain_depth = 0
        self._callers: dict[str, list[FunctionRef]] | None = None
        self._defined: dict[str, int] = {}
        self._caller_types: dict[tuple[str, str], object | None] = {}
        self._caller_types_pending: set[tuple[str, str]] = set()
        self._startup: set[str] | None = None
        self._hooks: dict[str, dict[str, list[tuple[ModuleInfo, ast.expr]]]] = {}
        self._method_assigns: dict[str, list[tuple[str, ast.expr]]] = {}
        self._self_attrs: dict[tuple[str, str, bool], tuple[object | None, bool]] = {}
        """Memo of `self_attr_type` by class, attribute and plainness: the type, and
        whether the callers' types may have decided it (see `mode_free`)."""
        self._cuts = 0
        """Provisional answers given so far to break a cycle (see `semantics.early_home`)."""
        self._mode_marks = 0
        """Answers a plain analysis could not share with a full one, or back (`mode_free`)."""
        self._waiting: dict[int, FunctionRef] = {}
        """Functions of the module being typed whose home walk has not run yet, by id."""
        self._early: dict[int, TypedModule] = {}
        """Records of the functions of that module typed early, by id of their ref."""

    # -- functions ----------------------------------------------------------

    def facts(
        self,
        ref: FunctionRef,
        self_cls: str | None = None,
        bound: tuple[tuple[str, object], ...] = (),
        *,
        with_call_args: bool = False,
    ) -> FunctionFacts:
        """Facts of `ref` analysed with `self` an instance of `self_cls` (default: its owner);
        `with_call_args`: a plain analysis that records what it passes (`call_args`)."""
        self_cls = self_cls or ref.owner
        plain = self._plain_depth > 0
        key: Key = (ref.qual, self_cls, bound, plain)
        found = self._facts.get(key)
        if found is None and not (plain and with_call_args):
            # the other kind of analysis, when it cannot differ (full analyses record
            # no `call_args`: the callers whose arguments are read are analysed plainly)
            other = self._facts.get((ref.qual, self_cls, bound, not plain))
            if other is not None and other.mode_free:
                found = other
        if found is not None:
            if not found.mode_free:
                self._mode_marks += 1
            return found
        if key in self._in_progress:
            self._cuts += 1
            return FunctionFacts(ref.qual, isinstance(ref.node, ast.AsyncFunctionDef))
        self._in_progress.add(key)
        early = (
            TypedModule(ref.module)
            if not bound and not plain and self_cls == ref.owner and self._waits(ref)
            else None
        )
        cuts, marks = self._cuts, self._mode_marks
        try:
            facts = FunctionFlow(self.index, ref, self_cls, dict(bound), early).run()
            facts.bound = bound
            if self._cuts == cuts:
                facts.mode_free = self._mode_marks == marks
                if early is not None:
                    self._early[id(ref)] = early
        except RecursionError:
            # nested too deeply to analyse: callers see a function that does nothing
            # known; its own module reports the error when it is typed
            facts = FunctionFacts(ref.qual, isinstance(ref.node, ast.AsyncFunctionDef))
        finally:
            self._in_progress.discard(key)
        self._facts[key] = facts
        return facts

    def _waits(self, ref: FunctionRef) -> bool:
        """`ref` belongs to the module being typed, its turn has not come, and its home
        walk may run now (`early_home.may_type_early`)."""
        return self._waiting.get(id(ref)) is ref and may_type_early(ref)

    @property
    def plain(self) -> bool:
        """True while computing facts that type parameters from annotations only."""
        return self._plain_depth > 0

    @contextlib.contextmanager
    def plainly(self) -> Iterator[None]:
        """Analyse plainly within: parameters typed from annotations only."""
        self._plain_depth += 1
        try:
            yield
        finally:
            self._plain_depth -= 1

    def note_mode_dependent(self) -> None:
        """The analysis running now may differ between a plain and a full one: a
        parameter typed (or, plainly, typeable) from its callers, a closure that a plain
        analysis names apart."""
        self._mode_marks += 1

    def caller_param_type(self, ref: FunctionRef, name: str) -> object | None:
        """The type every production call site of `ref` in the project passes for its
        parameter `name`, when they all agree; None when one passes something unknown.

        Callers are analysed *plainly* (their own parameters typed from annotations
        only), so the answer does not depend on the order functions are analysed in:
        one bounded round, as the design asks, not a fixed point."""
        key = (ref.qual, name)
        if key in self._caller_types:
            if key in self._caller_types_pending:
                self._cuts += 1
            return self._caller_types[key]
        self._caller_types[key] = None  # cycle guard
        self._caller_types_pending.add(key)
        marks = self._mode_marks
        try:
            result = self._callers_agree(ref, name)
        finally:
            self._caller_types_pending.discard(key)
            self._mode_marks = marks  # the callers' analyses are remembered on their own
        self._caller_types[key] = result
        return result

    def _callers_agree(self, ref: FunctionRef, name: str) -> object | None:
        """`caller_param_type` without its memo: the production callers' analyses."""
        sites: list[object | None] = []
        short = ref.qual.rsplit(".", 1)[-1]
        if short == "__init__" and ref.owner is not None:
            short = ref.owner.rsplit(".", 1)[-1]  # `Exporter(user)` calls `Exporter.__init__`
        callers = self._callers_named(short)
        limit = MAX_CALLERS_UNIQUE if self._defined.get(short, 0) == 1 else MAX_CALLERS
        if len(callers) > limit and ref.owner is not None:
            # a method name defined in several classes: its own class's methods call it
            callers = [c for c in callers if c.owner and self._related(c.owner, ref.owner)]
            limit = MAX_CALLERS_UNIQUE
        if len(callers) > limit or short.startswith("__"):
            return None  # a name called all over (`get`, `update`): not worth the analyses
        with self.plainly():
            for caller in callers:
                facts = self.facts(caller, caller.owner, with_call_args=True)
                passed = [site.get(name) for site in facts.call_args.get(ref.qual, ())]
                if None in passed:
                    return None  # one site passes something unknown: no need to read on
                sites.extend(passed)
        return _agreed(sites, self.index)

    def _related(self, a: str, b: str) -> bool:
        """One class derives from the other (or they are the same)."""
        return a == b or b in self.index.mro(a) or a in self.index.mro(b)

    def _callers_table(self) -> dict[str, list[FunctionRef]]:
        """Called name -> the functions and methods whose lines hold `name(`: read from
        the text, which is far cheaper than walking every body; a candidate that does not
        really call it records no arguments for it, so being generous costs little."""
        table: dict[str, list[FunctionRef]] = {}
        for module in self.index.modules.values():
            if module.is_test:
                continue
            spans = sorted(
                (
                    (r.node.lineno, getattr(r.node, "end_lineno", r.node.lineno) or 0, r)
                    for r in self.index.functions_of(module)
                    if isinstance(r.node, (ast.FunctionDef, ast.AsyncFunctionDef))
                ),
                key=lambda span: (span[0], span[1]),
            )
            for _start, _end, ref in spans:
                self._defined[ref.node.name] = self._defined.get(ref.node.name, 0) + 1  # type: ignore[union-attr]
            if not spans:
                continue
            owners: list[FunctionRef | None] = [None] * (len(module.lines) + 2)
            for start, end, ref in spans:  # by start: a nested span overwrites its outer one
                owners[start : end + 1] = [ref] * (end + 1 - start)
            for number, line in enumerate(module.lines, start=1):
                owner = owners[number] if number < len(owners) else None
                if owner is None or "(" not in line:
                    continue
                for name in _CALLED.findall(line):
                    entries = table.setdefault(name, [])
                    if not entries or entries[-1] is not owner:
                        entries.append(owner)
        return table

    def build_project_tables(self) -> None:
        """Build now the tables read from every module (who calls what, the start-up
        code) that are otherwise built when first asked for. Forked workers call this
        in their parent: each worker then shares them instead of building its own,
        which copies each page of the syntax trees and lines it reads (copy-on-write)."""
        self._callers_named("")
        self.is_startup("")

    def is_startup(self, qual: str) -> bool:
        """Whether the function runs only at start-up or shutdown: a FastAPI/Starlette
        `lifespan=`, `on_startup=`/`on_shutdown=`, `@app.on_event("startup")`,
        `add_event_handler("startup", f)`, Quart's `@app.before_serving`, or a function
        that only such code calls (by name, two rounds)."""
        if self._startup is None:
            self._startup = _startup_functions(self.index)
            for _ in range(2):
                called = {
                    name
                    for qual in self._startup
                    if (ref := self.index.functions.get(qual)) is not None
                    for name in _called_names(ref.node)
                }
                grown = {
                    ref.qual
                    for ref in self.index.functions.values()
                    if ref.owner is None
                    and ref.qual.rsplit(".", 1)[-1] in called
                    and ref.qual not in self._startup
                    and all(c.qual in self._startup for c in self._callers_named(ref.node.name))  # type: ignore[union-attr]
                }
                if not grown:
                    break
                self._startup |= grown
        base = qual.split(".<locals>.", 1)[0]
        return qual in self._startup or base in self._startup

    def callers_named(self, name: str) -> list[FunctionRef]:
        """Production functions and methods whose lines call something named `name`
        (a generous list: read their calls to know)."""
        return self._callers_named(name)

    def _callers_named(self, name: str) -> list[FunctionRef]:
        """Production functions and methods whose body calls something named `name`."""
        if self._callers is None:
            self._callers = self._callers_table()
        return self._callers.get(name, [])

    def analyse_module(self, module: ModuleInfo) -> TypedModule:
        """Type every function of `module` as written (its home analysis), recording nodes."""
        typed = TypedModule(module)
        self.typed[module.name] = typed
        refs = self.index.functions_of(module)
        self._waiting = {id(ref): ref for ref in refs}
        try:
            FunctionFlow(self.index, module_ref(module), None, {}, typed).run()
            for ref in refs:
                self._waiting.pop(id(ref), None)
                early = self._early.pop(id(ref), None)
                if early is not None:  # typed when a caller first asked for its facts
                    merge_records(typed, early)
                    continue
                cuts, marks = self._cuts, self._mode_marks
                facts = FunctionFlow(self.index, ref, ref.owner, {}, typed).run()
                facts.mode_free = self._cuts == cuts and self._mode_marks == marks
                self._facts.setdefault((ref.qual, ref.owner, (), False), facts)
        finally:
            self._waiting, self._early = {}, {}
        return typed

    def io_path(
        self, qual: str, self_cls: str | None, bound: tuple[tuple[str, object], ...] = ()
    ) -> list[str] | None:
        """['f()', 'g()', 'db.scalar(...)'] when sync `qual` reaches sync DB I/O, else None;
        `bound`: what the call gives that decides the callee's branches (`call_given`)."""
        key = (qual, self_cls, bound)
        if key in self._io_paths:
            return self._io_paths[key]
        self._io_paths[key] = None  # cycle guard
        ref = self.index.functions.get(qual)
        result: list[str] | None = None
        if ref is not None and not isinstance(ref.node, ast.AsyncFunctionDef):
            facts = self.facts(ref, self_cls, bound)
            label = f"{_short(qual)}()"
            # the I/O that runs on every call first: not a `rollback()` in an `except`,
            # nor a commit under an `if` the caller rarely takes
            best: tuple[int, list[str]] | None = None
            for node, io in facts.io_sites:
                rank = site_rank(node, ref)
                if best is None or rank < best[0]:
                    best = (rank, [label, io])
            if best is None or best[0] > 0:
                for call in facts.calls:
                    rank = site_rank(call.node, ref)
                    if best is not None and rank >= best[0]:
                        continue
                    sub = self.io_path(call.qual, call.self_cls, self.call_given(call))
                    if sub is not None:
                        best = (rank, [label, *sub])
            result = best[1] if best is not None else None
        self._io_paths[key] = result
        return result

    def db_path(
        self,
        qual: str,
        self_cls: str | None,
        kind: str,
        depth: int = MAX_PATH_CALLS,
        bound: tuple[tuple[str, object], ...] = (),
    ) -> list[str] | None:
        """['f()', 'g()', 'db.scalar(...)'] when calling `qual` runs a statement
        (`kind` 'query') or ends a transaction ('commit') on a session, through at most
        `depth` project calls: deeper, the statement is too likely conditional to say it
        runs on every call."""
        if depth <= 0:
            return None
        key = (qual, self_cls, kind, depth, bound)
        if key in self._db_paths:
            return self._db_paths[key]
        self._db_paths[key] = None  # cycle guard
        ref = self.index.functions.get(qual)
        result: list[str] | None = None
        if ref is not None and not _memoized(ref):
            facts = self.facts(ref, self_cls, bound)
            label = _short(qual)
            if self_cls and ref.owner and self_cls != ref.owner:  # `Book.get()`, not the mixin's
                label = function_label(qual, self_cls)
            label += "" if _is_property(ref) else "()"  # a property is read, not called
            site = next(
                (s for s in facts.db_sites if s[2] == kind and not _memoized_site(s[0], ref)),
                None,
            )
            if site is not None:
                result = [label, site[1]]
            else:
                for call in facts.calls:
                    if _memoized_site(call.node, ref):
                        continue
                    given = self.call_given(call)
                    sub = self.db_path(call.qual, call.self_cls, kind, depth - 1, given)
                    if sub is not None:
                        result = [label, *sub]
                        break
        self._db_paths[key] = result
        return result

    def call_given(self, call: ProjectCall) -> tuple[tuple[str, object], ...]:
        """What a call gives its callee that decides the callee's branches: the constants
        it passes (and the defaults it leaves) and the loaded rows it passes."""
        ref = self.index.functions.get(call.qual)
        given: dict[str, object] = dict(call.rows)
        if ref is not None and isinstance(call.node, ast.Call):  # not a property read
            given.update(call_constants(ref, call.node))
        return tuple(sorted(given.items(), key=lambda item: item[0]))

    # -- classes ------------------------------------------------------------

    def self_attr_type(self, cls: str, attr: str) -> object | None:
        """Type of `self.<attr>` for an instance of `cls`; remembered unless a cycle was
        cut while working it out (a provisional answer must not outlive the cycle)."""
        plain = self._plain_depth > 0
        known = self._self_attrs.get((cls, attr, plain))
        if known is None:
            other = self._self_attrs.get((cls, attr, not plain))
            if other is not None and not other[1]:
                known = other
        if known is not None:
            if known[1]:
                self._mode_marks += 1
            return known[0]
        cuts, marks = self._cuts, self._mode_marks
        found = self._self_attr_type(cls, attr)
        if self._cuts == cuts:
            self._self_attrs[(cls, attr, plain)] = (found, self._mode_marks != marks)
        return found

    def _self_attr_type(self, cls: str, attr: str) -> object | None:
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
            module = index.classes[owner][0]
            found = annotation_type(index, module, annotation, subst=index.type_arguments(cls))
            if found is not None:
                return found
        value = index.class_attr_value(cls, attr)
        if value is not None:
            owner, expr = value
            return eval_in_module(index, index.classes[owner][0], expr)
        assigned = self._hook_assigns(cls).get(attr, [])
        types = [eval_in_module(index, module, expr) for module, expr in assigned]
        return _agreed(types, index) if types else None

    def _hook_assigns(self, cls: str) -> dict[str, list[tuple[ModuleInfo, ast.expr]]]:
        """`self.x = <expr>` in the methods other than `__init__` (set-up hooks such as
        `_process_args`, `setUp`, `prepare`), by attribute, over the whole MRO."""
        found = self._hooks.get(cls)
        if found is None:
            found = {}
            for ref in self.index.methods(cls).values():
                for attr, value in self._self_assigns(ref):
                    found.setdefault(attr, []).append((ref.module, value))
            self._hooks[cls] = found
        return found

    def _self_assigns(self, ref: FunctionRef) -> list[tuple[str, ast.expr]]:
        """`self.x = value` statements of a method other than `__init__` (memoized)."""
        found = self._method_assigns.get(ref.qual)
        if found is not None:
            return found
        found = []
        node = ref.node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name != "__init__":
            params = node.args.posonlyargs + node.args.args
            me = params[0].arg if params else None
            for sub in own_nodes(node, statements_only=True):
                if isinstance(sub, ast.Assign) and len(sub.targets) == 1:
                    target = sub.targets[0]
                    if (
                        isinstance(target, ast.Attribute)
                        and isinstance(target.value, ast.Name)
                        and target.value.id == me
                    ):
                        found.append((target.attr, sub.value))
        self._method_assigns[ref.qual] = found
        return found

    def class_session_kind(self, cls: str) -> str | None:
        """'sync'/'async' when instances hold a session or methods receive one."""
        index = self.index
        hooks = [a for a in self._hook_assigns(cls) if a not in _self_attr_names(index, cls)]
        for attr in [*_self_attr_names(index, cls), *sorted(hooks)]:
            t = self.self_attr_type(cls, attr)
            if isinstance(t, (SessionT, SessionFactoryT)):
                return t.kind
            made = self._made_session(t)
            if made is not None:
                return made
        for ref in index.methods(cls).values():
            facts = self.facts(ref, cls)
            for t in facts.params.values():
                if isinstance(t, SessionT):
                    return t.kind
            if facts.shared_session is not None:
                return facts.shared_session
        return None

    def _made_session(self, t: object | None) -> str | None:
        """'sync'/'async' when `t` is a project function that makes a session: a
        `self.session_scope` context manager the class keeps (mlflow's stores)."""
        if not isinstance(t, FuncT):
            return None
        ref = self.index.functions.get(t.key)
        if ref is None:
            return None
        facts = self.facts(ref, t.self_cls)
        made = facts.yields if facts.returns is None else facts.returns
        return made.kind if isinstance(made, SessionT) else None

    def takes_session(self, ref: FunctionRef) -> bool:
        return any(isinstance(t, SessionT) for t in self.facts(ref).params.values())

    # -- module-level symbols ----------------------------------------------

    def eval_in_module(self, module: ModuleInfo, expr: ast.AST) -> object | None:
        """The type of an expression evaluated at module level (`flow.eval_in_module`):
        how the annotations (`semantics.annotations`) reach the flow they sit below."""
        return eval_in_module(self.index, module, expr)

    def symbol_type(self, qual: str) -> object | None:
        """The type of a module-level project name (class, function or variable)."""
        if qual in self._symbols:
            return self._symbols[qual]
        if qual in self._symbols_in_progress:
            self._cuts += 1
            return None
        self._symbols_in_progress.add(qual)
        try:
            result = symbol_type(self.index, qual)
        except RecursionError:  # a module-level value nested too deeply: unknown
            result = None
        finally:
            self._symbols_in_progress.discard(qual)
        self._symbols[qual] = result
        return result


STARTUP_EVENTS = frozenset({"startup", "shutdown"})
STARTUP_DECORATORS = frozenset({"before_serving", "after_serving", "while_serving"})
STARTUP_KEYWORDS = frozenset({"lifespan", "on_startup", "on_shutdown"})
STARTUP_MARKERS = ("lifespan", "on_startup", "on_shutdown", "on_event", "_serving", "event_handler")
"""Text a module must hold to register start-up code (a cheap filter before the walk)."""


def _startup_functions(index: ProjectIndex) -> set[str]:
    """Functions registered as start-up or shutdown code, found by syntax."""
    found: set[str] = set()

    def add(expr: ast.AST, module: ModuleInfo) -> None:
        for item in expr.elts if isinstance(expr, (ast.List, ast.Tuple)) else [expr]:
            if isinstance(item, (ast.Name, ast.Attribute)):
                qual = index.canonical(module.imports.qualify(item))
                if qual:
                    found.add(qual)

    for module in index.modules.values():
        if module.is_test:
            continue
        text = "\n".join(module.lines)
        if not any(marker in text for marker in STARTUP_MARKERS):
            continue
        for node in module.nodes:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for dec in node.decorator_list:
                    target = dec.func if isinstance(dec, ast.Call) else dec
                    name = target.attr if isinstance(target, ast.Attribute) else None
                    event = dec.args[0] if isinstance(dec, ast.Call) and dec.args else None
                    if name in STARTUP_DECORATORS or (
                        name == "on_event"
                        and isinstance(event, ast.Constant)
                        and event.value in STARTUP_EVENTS
                    ):
                        ref = next((r for r in index.functions_of(module) if r.node is node), None)
                        if ref is not None:
                            found.add(ref.qual)
            elif isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg in STARTUP_KEYWORDS:
                        add(kw.value, module)
                func = node.func
                if (
                    isinstance(func, ast.Attribute)
                    and func.attr == "add_event_handler"
                    and len(node.args) == 2
                    and isinstance(node.args[0], ast.Constant)
                    and node.args[0].value in STARTUP_EVENTS
                ):
                    add(node.args[1], module)
    return found


def _agreed(sites: list[object | None], index: ProjectIndex) -> object | None:
    """The join of what the call sites pass, when every one passes a known value of
    one kind (a session passed in is one the function received)."""
    from repolint.semantics.types import InstanceT, merge

    if not sites or any(t is None for t in sites):
        return None
    joined: object | None = sites[0]
    for t in sites[1:]:
        joined = merge(joined, t)
        if joined is None:
            return _statements_of_any_model(sites, index)
    if isinstance(joined, InstanceT):
        from dataclasses import replace

        # the function does not loop: a row it is given per row is its caller's N+1,
        # reported at the call (`semantics.lazy.per_row_call_reads`)
        joined = replace(joined, per_row=False)
    if isinstance(joined, SessionT):
        joined = SessionT(joined.kind, received=True, scoped=joined.scoped)
    return joined


CONDITIONAL = (ast.If, ast.IfExp, ast.While, ast.For, ast.AsyncFor, ast.BoolOp, ast.match_case)


def site_rank(node: ast.AST, ref: FunctionRef) -> int:
    """0: `node` runs on every call of `ref`; 1: under an `if`, a loop or a `match`; 2: in
    an `except` handler (only when something failed)."""
    path = _path_to(ref.node, node)
    if path is None:
        return 0
    rank = 0
    for parent, child in pairwise(path):
        if isinstance(parent, ast.ExceptHandler):
            return 2
        always = (
            getattr(parent, "test", None) is child
            or getattr(parent, "iter", None) is child
            or (isinstance(parent, ast.BoolOp) and parent.values[0] is child)
        )
        if parent is not path[0] and isinstance(parent, CONDITIONAL) and not always:
            rank = 1
    return rank


def _memoized_site(node: ast.AST, ref: FunctionRef) -> bool:
    """The statement sits in the body of a memo guard on a cache that outlives the call
    (a closure's dict, `self._cache`, app state): once per distinct key over all calls."""
    path = _path_to(ref.node, node)
    if path is None:
        return False
    for parent, child in pairwise(path):
        if isinstance(parent, ast.If) and child in parent.body:
            guard = memo_guard(parent, ref.node)
            if guard is not None and not cache_is_local(guard[1], ref.node):
                return True
    return False


_PARENTS: dict[int, tuple[ast.AST, dict[ast.AST, ast.AST]]] = {}


def _path_to(root: ast.AST, target: ast.AST) -> list[ast.AST] | None:
    """The nodes from `root` down to `target`, climbing a parent table of `root`'s
    subtree (built once per function: its sites are ranked one after the other)."""
    memo = _PARENTS.get(id(root))
    if memo is None or memo[0] is not root:
        if len(_PARENTS) > 256:
            _PARENTS.clear()
        memo = _PARENTS[id(root)] = (root, walk_tree(root)[1])
    parents = memo[1]
    path = [target]
    while path[-1] is not root:
        parent = parents.get(path[-1])
        if parent is None:
            return None
        path.append(parent)
    return path[::-1]


def _statements_of_any_model(sites: list[object | None], index: ProjectIndex) -> object | None:
    """Every call site passes a statement, of different models (a helper that pages or
    counts what its callers built): a statement of no one model, its FROM list unknown,
    ordered as the callers' are ('maybe' when some are and some are not). Model classes
    that differ join into one of several (`SomeModelClassT`)."""

    if all(isinstance(t, QueryT) for t in sites):
        kinds = {t.kind for t in sites}  # type: ignore[union-attr]
        if len(kinds) != 1:
            return None
        return QueryT(None, kinds.pop(), shape=_joined_shape(sites))
    if all(isinstance(t, StmtT) for t in sites):
        return StmtT(None, shape=_joined_shape(sites))
    if all(isinstance(t, ModelClassT) for t in sites):
        return SomeModelClassT(flask=all(index.is_flask_model(t.model) for t in sites))  # type: ignore[union-attr]
    return None


def _joined_shape(sites: list[object | None]) -> Shape:
    orders = {t.shape.ordered for t in sites}  # type: ignore[union-attr]
    ordered = orders.pop() if len(orders) == 1 else "maybe"
    return Shape(ordered=ordered, opaque=True)


_CALLED = re.compile(r"(?<![A-Za-z_])([A-Za-z_][A-Za-z0-9_]*)\s*\(")
"""`name(`; a match never starts after a letter (where it could only fail again): the
same matches as without the look-behind, twice as fast."""


def _called_names(func: ast.AST) -> set[str]:
    """Names called in a function body (`f(...)`, `x.f(...)`), not in nested scopes."""
    called: set[str] = set()
    for node in own_nodes(func):
        if isinstance(node, ast.Call):
            target = node.func
            if isinstance(target, ast.Name):
                called.add(target.id)
            elif isinstance(target, ast.Attribute):
                called.add(target.attr)
    return called


def _memoized(ref: FunctionRef) -> bool:
    """`@lru_cache`, `@cache.memoize(...)`, `@cached`: its queries do not run on every call."""
    for dec in getattr(ref.node, "decorator_list", ()):
        target = dec.func if isinstance(dec, ast.Call) else dec
        words = ast.unparse(target).lower()
        if "cache" in words or "memoize" in words:
            return True
    return False


def _short(qual: str) -> str:
    parts = [p for p in qual.split(".") if p != "<locals>"]
    if parts[-1] == "__init__" and len(parts) >= 2:
        return parts[-2]  # `Exporter()`: a constructor is called by its class's name
    if len(parts) >= 2 and parts[-2][:1].isupper():
        return ".".join(parts[-2:])
    return parts[-1]


def _is_property(ref: FunctionRef) -> bool:
    """A `@property` / `@cached_property` method: read as an attribute."""
    decorators = getattr(ref.node, "decorator_list", [])
    names = {(dotted(d) or "").rsplit(".", 1)[-1] for d in decorators}
    return bool(names & {"property", "cached_property"})


def _self_attr_names(index: ProjectIndex, cls: str) -> list[str]:
    names: list[str] = []
    for c in index.mro(cls):
        _, node = index.classes[c]
        for stmt in node.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                names.append(stmt.target.id)
        init = index.functions.get(f"{c}.__init__")
        if init is not None:
            for sub in walk(init.node):
                if (
                    isinstance(sub, ast.Attribute)
                    and isinstance(sub.ctx, ast.Store)
                    and isinstance(sub.value, ast.Name)
                    and sub.value.id == "self"
                ):
                    names.append(sub.attr)
    return list(dict.fromkeys(names))
