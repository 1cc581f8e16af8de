"""What the flow analysis records about functions and modules: the call summaries
(`FunctionFacts`), the typed view of a module rules read (`TypedModule`), and the
small records they hold. Plain data: the flow writes them, `FactStore` caches them."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from repolint.semantics.module import ModuleInfo

if TYPE_CHECKING:
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
    rows: tuple[tuple[str, object], ...] = ()
    """Parameters this call gives a loaded row (`can_view(equipment, ...)`): with the
    call's constants they decide the callee's branches on a path through it."""


@dataclass
class FunctionFacts:
    """What one function does, as far as the data layer is concerned."""

    qual: str
    is_async: bool
    returns: object | None = None
    yields: object | None = None
    io_sites: list[tuple[ast.AST, str]] = field(default_factory=list)
    db_sites: list[tuple[ast.AST, str, str]] = field(default_factory=list)
    """Round trips on a session, sync or async, not offloaded: (call, label, 'query'|'commit')."""
    calls: list[ProjectCall] = field(default_factory=list)
    self_attrs: dict[str, object] = field(default_factory=dict)
    params: dict[str, object] = field(default_factory=dict)
    shared_session: str | None = None
    """'sync'/'async' when the body uses a shared session (`db.session`, a scoped_session)."""
    arg_lazy_reads: list[tuple[str, str, str]] = field(default_factory=list)
    """(parameter, model, relationship): lazy relationships read on an instance the
    function was given (bound with `ARG_ORIGIN`), once each."""
    caller_typed: set[str] = field(default_factory=set)
    """Parameters typed from what the callers pass (a join), not from an annotation."""
    bound: tuple[tuple[str, object], ...] = ()
    """What one call gave the parameters of this analysis (`FactStore.facts`)."""
    call_args: dict[str, list[dict[str, object | None]]] = field(default_factory=dict)
    """Per project callee: the types this function passes to its parameters, per call site
    (recorded in plain analyses only, for `FactStore.caller_param_type`)."""
    mode_free: bool = False
    """A plain analysis and a full one give the same facts (but `call_args`): no
    parameter typed, or plainly typeable, from its callers, no closure that a plain
    analysis names apart, no cycle cut, here or in the facts read. `FactStore.facts`
    then shares them."""


@dataclass
class TypedModule:
    """Types and scopes the flow analysis gave to one module's nodes."""

    module: ModuleInfo
    types: dict[int, object] = field(default_factory=dict)
    scopes: dict[int, Scope] = field(default_factory=dict)
    calls: dict[int, ProjectCall] = field(default_factory=dict)
    rel_access: dict[int, tuple[object, Relationship]] = field(default_factory=dict)
    offload_calls: set[int] = field(default_factory=set)
    engine_io_calls: dict[int, str] = field(default_factory=dict)
    """Sync engine-level I/O calls (engine, connection, DDL), not offloaded: id -> label."""
    final_statements: dict[int, list[tuple[str, object]]] = field(default_factory=dict)
    """Statements as executed, returned or passed on, by the id of their select()/query()."""


ARG_ORIGIN = "<argument>"
"""`InstanceT.origin[0]` of an instance bound to a parameter to see what the function reads."""
MODULE_ORIGIN = ".<module>"
"""`InstanceT.origin[0]` ends so for rows a module-level function returned."""


def module_origin(module: str) -> str:
    """The `origin[0]` of rows from a function of `module` (not a method)."""
    return module + MODULE_ORIGIN


def function_label(qual: str, cls: str | None) -> str:
    """How a message names a method called on (an instance of) `cls`: `Book.get`, and a
    constructor by its class, `Exporter`."""
    name = qual.rsplit(".", 1)[-1]
    if cls is None:
        return name
    short_cls = cls.rsplit(".", 1)[-1]
    return short_cls if name == "__init__" else f"{short_cls}.{name}"
