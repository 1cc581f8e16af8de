"""Which tests are unit, integration or pagination tests of a repository.

The definitions are in `testsuite`'s docstring. A *pagination test* is one test
that calls a paginating method of the repository (one with an `offset`, `skip`,
`page`, `cursor`... parameter, else one that feeds a parameter other than a
page size to `.offset()`) with two or
more different values of that parameter: two calls (`offset=0` then `offset=2`,
no cursor then `cursor=page.next`), a loop over a literal or `range()`, or a
`@pytest.mark.parametrize` with several values.
"""

from __future__ import annotations

import ast

from repolint.audit.testsuite import (
    DB_URL,
    REAL_DB_CALLS,
    SESSION_ATTRS,
    TestCase,
    TestSuite,
    Where,
    is_mock_call,
    is_session_name,
    mock_factory,
    mock_names,
)
from repolint.audit.units import Unit
from repolint.semantics.imports import dotted
from repolint.semantics.index import FunctionRef
from repolint.semantics.module import ModuleInfo, function_params

PAGE_PARAMS = frozenset(
    {
        "offset",
        "skip",
        "page",
        "page_number",
        "page_no",
        "cursor",
        "page_token",
        "next_token",
        "marker",
    }
)
SIZE_PARAMS = frozenset({"limit", "size", "page_size", "per_page", "count", "n"})
"""Names in an `.offset()` expression that size a page rather than pick one."""
PAGING_CALLS = frozenset({"offset", "slice"})


def exercises(suite: TestSuite, case: TestCase, unit: Unit) -> bool:
    return bool(suite.references(case) & unit.covers)


def unit_evidence(suite: TestSuite, case: TestCase, unit: Unit) -> Where | None:
    """Where the test mocks the session of `unit`, if it does."""
    for scoped in case.scope:
        module = scoped.module
        mocked = mock_names(scoped.node, module) | {
            a.arg for a, _ in function_params(scoped.node) if id(a) in case.fixture_mocks
        }

        def is_mock(expr: ast.AST, module: ModuleInfo = module, mocked: set[str] = mocked) -> bool:
            return is_mock_call(expr, module) or (isinstance(expr, ast.Name) and expr.id in mocked)

        for node in ast.walk(scoped.node):
            if isinstance(node, ast.Call):
                factory = mock_factory(node, module)
                if factory is not None:
                    found = _session_mock(node, factory, module, unit)
                    if found:
                        return Where(module, node.lineno, found)
                    continue
                qual = module.imports.qualify(node.func)
                target = suite.index.canonical(qual) if qual else None
                values = [*node.args, *(kw.value for kw in node.keywords)]
                if target in unit.covers and any(is_mock(v) for v in values):
                    name = target.rsplit(".", 1)[-1]
                    return Where(module, node.lineno, f"{name}() gets a mocked session")
            elif isinstance(node, ast.Assign) and is_mock(node.value):
                for t in node.targets:
                    if isinstance(t, ast.Attribute) and t.attr in SESSION_ATTRS:
                        return Where(module, node.lineno, f"`.{t.attr}` set to a mock")
    return None


def _session_mock(call: ast.Call, factory: str, module: ModuleInfo, unit: Unit) -> str | None:
    if factory == "create_autospec" and call.args and is_session_name(call.args[0], module):
        return f"create_autospec({dotted(call.args[0])})"
    for kw in call.keywords:
        if kw.arg in ("spec", "spec_set") and is_session_name(kw.value, module):
            return f"{factory}({kw.arg}={dotted(kw.value)})"
    if factory == "patch" and call.args and isinstance(call.args[0], ast.Constant):
        target = str(call.args[0].value)
        prefix = unit.module.name + "."
        rest = target[len(prefix) :].lower()
        if target.startswith(prefix) and any(w in rest for w in ("session", "db", "engine")):
            return f"patch({target!r})"
    return None


def integration_evidence(suite: TestSuite, case: TestCase) -> Where | None:
    """Where the test (or a fixture it uses) builds a real database, if it does."""
    nodes = [(s.module, n) for s in case.scope for n in ast.walk(s.node)]
    nodes += [(case.module, n) for v in case.module_values for n in ast.walk(v)]
    for module, node in nodes:
        text = _real_db(suite, module, node)
        if text:
            return Where(module, getattr(node, "lineno", case.node.lineno), text)
    return None


def _real_db(suite: TestSuite, module: ModuleInfo, node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        qual = module.imports.qualify(node.func)
        target = suite.resolve(qual) if qual else None
        if target and (target in REAL_DB_CALLS or suite.is_session_factory(target)):
            return f"{dotted(node.func)}(...)"
        if target and suite.builds_database(target):
            return f"{dotted(node.func)}(...), the project's own factory"
        if target and target.startswith("testcontainers."):
            return f"{dotted(node.func)}(...)"
    elif isinstance(node, ast.Attribute) and node.attr == "create_all":
        return f"{dotted(node) or 'metadata.create_all'}"
    elif (
        isinstance(node, ast.Constant) and isinstance(node.value, str) and DB_URL.match(node.value)
    ):
        return f"database URL {node.value!r}"
    return None


# -- pagination ------------------------------------------------------------------------


def page_params(ref: FunctionRef) -> dict[str, int | None]:
    """The paging parameters of a function: name -> positional index (self excluded)."""
    node = ref.node
    if isinstance(node, ast.Lambda):
        return {}
    params = function_params(node)
    positional = [*node.args.posonlyargs, *node.args.args]
    if ref.owner is not None and positional and not _is_static(node):
        params = params[1:]
        positional = positional[1:]
    names = {a.arg for a, _ in params}
    used: set[str] = set()
    for sub in ast.walk(node):
        if (
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Attribute)
            and sub.func.attr in PAGING_CALLS
        ):
            used |= {n.id for a in sub.args for n in ast.walk(a) if isinstance(n, ast.Name)}
    wanted = sorted(names & PAGE_PARAMS) or sorted((names & used) - SIZE_PARAMS)
    index = {a.arg: i for i, a in enumerate(positional)}
    return {name: index.get(name) for name in wanted}


def _is_static(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(dotted(d) == "staticmethod" for d in node.decorator_list)


def pages_asked(case: TestCase, method: str, params: dict[str, int | None]) -> int:
    """How many different pages of `method` the test asks for."""
    values: set[str] = set()
    for node in ast.walk(case.node):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name != method:
            continue
        arg = _page_arg(node, params)
        if arg is None:
            values.add("<default>")
        elif several := _varies(arg, node, case):
            return several
        else:
            values.add(ast.dump(arg))
    return len(values)


def _page_arg(call: ast.Call, params: dict[str, int | None]) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg in params:
            return kw.value
    for index in params.values():
        if index is not None and index < len(call.args):
            return call.args[index]
    return None


def _varies(arg: ast.expr, call: ast.Call, case: TestCase) -> int:
    """How many values a loop variable or a parametrized parameter takes (0: not one)."""
    if not isinstance(arg, ast.Name):
        return 0
    parent = case.module.parent(call)
    while parent is not None and parent is not case.node:
        if isinstance(parent, (ast.For, ast.AsyncFor)) and _binds(parent.target, arg.id):
            return _several(parent.iter)
        for gen in getattr(parent, "generators", ()):  # comprehensions
            if _binds(gen.target, arg.id):
                return _several(gen.iter)
        parent = case.module.parent(parent)
    for dec in case.node.decorator_list:
        if (
            isinstance(dec, ast.Call)
            and (dotted(dec.func) or "").endswith("parametrize")
            and len(dec.args) >= 2
            and isinstance(dec.args[0], ast.Constant)
            and arg.id in str(dec.args[0].value).replace(" ", "").split(",")
        ):
            return _several(dec.args[1])
    return 0


def _binds(target: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(target))


def _several(expr: ast.expr) -> int:
    """The number of values of a literal, 2 for a `range()` (at least two, as a rule)."""
    if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
        return len(expr.elts) if len(expr.elts) >= 2 else 0
    if isinstance(expr, ast.Call) and dotted(expr.func) == "range":
        return 2
    return 0
