"""## What it does
Flags `commit()` or `rollback()` on a session the data layer *received*
(a constructor or method parameter, a `Depends(...)`, a shared
`scoped_session` or Flask-SQLAlchemy's `db.session`) inside a repository
class or a function of a repository module. The data layer goes by the
names real projects give it: classes named `*Repository`, `*Repo`, `*DAO`,
`*CRUD`, `*Table`, `*Store` or `Repository*`, subclasses of fastapi-users'
`BaseUserDatabase`, and module functions in `repositories/`, `repos/`,
`crud/`, `dao/`, `dal/`, `models/` packages and `repository.py`,
`repository_*.py`, `crud.py`, `dao.py`, `models.py` modules, as long as they
hold or receive a session. A helper that takes an unannotated session is
typed from its callers (`_save(session, obj)`). Test code is never the data
layer.

Not flagged: a repository method itself named `commit`/`rollback` that
delegates; a commit guarded by a caller-controlled flag whose default is
false (`if auto_commit:`, also `... if auto_commit else ...`, or a required
`auto_commit: bool` the caller must pass); the rollback of a savepoint from
`begin_nested()`; a session the repository opened itself; unit-of-work
classes, services, routes, dependencies and middleware.

## Why is this bad?
The caller owns the transaction. A repository that commits ends it in the
middle of the caller's unit of work: when a later step fails, the caller's
rollback can no longer undo what the repository already committed, and the
database is left half-written.

## Example
```python
from sqlalchemy.orm import Session
from app.models import Absence

class AbsenceRepository:
    def __init__(self, db: Session):
        self.db = db

    def add(self, absence: Absence) -> Absence:
        self.db.add(absence)
        self.db.commit()  # ends the caller's transaction
        return absence
```

## Use instead
```python
from sqlalchemy.orm import Session
from app.models import Absence

class AbsenceRepository:
    def __init__(self, db: Session):
        self.db = db

    def add(self, absence: Absence) -> Absence:
        self.db.add(absence)
        self.db.flush()  # ids and constraints now; the caller commits
        return absence

def record_absence(db: Session, absence: Absence) -> None:
    AbsenceRepository(db).add(absence)
    db.commit()  # the service owns the unit of work
```

## Fix safety
`--fix --unsafe-fixes` replaces the repository's `commit()` by `flush()`:
ids and constraints are still checked at that point, and the caller's unit
of work commits or rolls back the whole. The fix is unsafe: a caller that
relied on the repository to commit (a route that calls `repo.add(x)` and
returns) now has to commit itself, or its writes are rolled back when the
session closes. Review the callers. A `rollback()` that is, with a `raise`
after it, the whole body of an `except` (`except IntegrityError:
self.db.rollback(); raise ...`) is removed: the error still reaches the
caller, which owns the transaction and rolls it back, or only its savepoint
(`with session.begin_nested():`), keeping the work it did before. Unsafe: a
caller that went on using the session after catching the error now has to
roll back first. Any other `rollback()` (one that swallows the error, or
with more statements in its handler) gets no fix and stays reported: dropping
it would leave the failed transaction to a caller that is not told, so it is
left to a person. Nor does a commit under an `if` on a parameter (`if commit:`: the
caller chooses) or next to a comment about committing (the comment would no
longer be true) get a fix.

## Options
`repository-suffixes`, `repository-bases`, `repository-modules` define the
data layer.

## References
- [SQLAlchemy: when do I construct a Session, when do I commit it](https://docs.sqlalchemy.org/en/20/orm/session_basics.html#when-do-i-construct-a-session-when-do-i-commit-it-and-when-do-i-close-it)
- [Martin Fowler: Unit of Work](https://martinfowler.com/eaaCatalog/unitOfWork.html)
"""

from __future__ import annotations

import ast

from repolint.fixes.build_session import commit_to_flush, drop_rollback_before_raise
from repolint.rules.base import Rule
from repolint.semantics.context import Context
from repolint.semantics.module import function_params
from repolint.semantics.types import SessionT

TRANSACTION_METHODS = frozenset({"commit", "rollback"})
HINTS = {
    "commit": "use `flush()` here and let the service or unit of work commit",
    "rollback": "let the error reach the caller, whose unit of work rolls back; to undo "
    "only this method's writes, run them in `with session.begin_nested():` (a savepoint)",
}


class CommitInRepository(Rule):
    code = "RPL201"
    name = "commit-in-repository"
    summary = "A repository commits or rolls back the caller's transaction"

    def visit_Call(self, node: ast.Call, ctx: Context) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in TRANSACTION_METHODS:
            return
        session = ctx.type_of(func.value)
        if not isinstance(session, SessionT) or not session.received:
            return
        function = ctx.enclosing_function(node)
        if function is None or function.name in TRANSACTION_METHODS:
            return
        ref = ctx.function_ref(function)
        if ref is None or not _in_data_layer(ctx, ref):
            return
        if _guarded_by_flag(node, function, ctx):
            return
        where = ref.owner.rsplit(".", 1)[-1] if ref.owner else ctx.module.name
        self.report(
            ctx,
            node,
            f"`{func.attr}()` inside the data layer ({where}.{function.name}) "
            "ends the caller's transaction",
            hint=HINTS[func.attr],
            fix=commit_to_flush(node, ctx)
            if func.attr == "commit"
            else drop_rollback_before_raise(node, ctx),
        )


def _in_data_layer(ctx: Context, ref: object) -> bool:
    owner = getattr(ref, "owner", None)
    if owner is not None:
        return ctx.index.is_repository(owner)
    return ctx.index.is_data_layer_function(ref)  # type: ignore[arg-type]


def _false_default_params(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Flags the caller controls: default False/None, or a required `bool` parameter."""
    flags: set[str] = set()
    for arg, default in function_params(function):
        false_default = isinstance(default, ast.Constant) and default.value in (False, None)
        if false_default or (default is None and _is_bool_annotation(arg.annotation)):
            flags.add(arg.arg)
    return flags


def _is_bool_annotation(annotation: ast.expr | None) -> bool:
    if annotation is None:
        return False
    text = ast.unparse(annotation).replace(" ", "")
    return text in ("bool", "Optional[bool]", "bool|None", "None|bool", "typing.Optional[bool]")


def _guarded_by_flag(
    node: ast.AST, function: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context
) -> bool:
    """True when `node` sits under `if <flag>:` with `flag` a false-by-default parameter."""
    flags = _false_default_params(function)
    owner_init = None
    ref = ctx.function_ref(function)
    if ref is not None and ref.owner is not None:
        init = ctx.index.method(ref.owner, "__init__")
        owner_init = init.node if init is not None else None
    init_flags = (
        _false_default_params(owner_init)
        if isinstance(owner_init, (ast.FunctionDef, ast.AsyncFunctionDef))
        else set()
    )
    child = node
    for anc in ctx.ancestors(node):
        if anc is function:
            return False
        guarded = (isinstance(anc, ast.If) and any(child is s for s in anc.body)) or (
            isinstance(anc, ast.IfExp) and child is anc.body
        )
        if guarded and isinstance(anc, (ast.If, ast.IfExp)):
            test = anc.test
            if isinstance(test, ast.Name) and test.id in flags:
                return True
            if (
                isinstance(test, ast.Attribute)
                and isinstance(test.value, ast.Name)
                and test.value.id == "self"
                and test.attr.lstrip("_") in init_flags
            ):
                return True
        child = anc
    return False
