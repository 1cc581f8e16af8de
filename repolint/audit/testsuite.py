"""The project's tests, read statically: which repository each exercises, and how.

Tests are never imported. A *test* is a `test*` function of a test module (the
`tests` globs: `tests/`, `test/`, `test_*.py`, `*_test.py`), or a `test*` method of a
`Test*` class or a `unittest.TestCase`. Its *scope* is its own code (decorators
included), its class's setup methods and fixtures, and every fixture it
requests, transitively: by parameter name or `@pytest.mark.usefixtures`,
looked up as pytest does (the class, the module and the names it imports,
the modules it star-imports (`from tests.fixtures import *`), `pytest_plugins`,
then each `conftest.py` from the test's folder upwards).

A test *exercises* a repository when its scope names the repository class or
one of its subclasses (or, for a module of data functions, the module or one
of its functions), as imported: `from app.repositories import UserRepository`.

It is a *unit test* of it when its scope mocks a session: a mock specced as a
session (`create_autospec(AsyncSession)`, `MagicMock(spec=Session)`), a mock
(`AsyncMock()`, `MagicMock()`, `mocker.AsyncMock()`, a fixture returning one)
passed to the repository's constructor or function or set as its `db`/`session`,
or a `patch("app.repositories.x.SessionLocal")` of its module's session.

It is an *integration test* of it when its scope builds a real database:
`create_engine`/`create_async_engine`, `sessionmaker`/`async_sessionmaker`,
`Session(engine)`, `metadata.create_all`, a database URL (`sqlite+aiosqlite://`,
`postgresql://`, ...), a testcontainers database, or the project's own
session factory or engine: a project name bound to one (`SessionLocal`), a
project function that builds one (`make_engine()`), or SQLAlchemy's classes
re-exported by a project module (`from app.db import AsyncSession`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from repolint.semantics.imports import dotted
from repolint.semantics.index import ProjectIndex
from repolint.semantics.module import FunctionNode, ModuleInfo, function_params
from repolint.semantics.names import (
    ASYNC_ENGINE_FACTORIES,
    ASYNC_SESSION_CLASSES,
    ASYNC_SESSIONMAKERS,
    SYNC_ENGINE_FACTORIES,
    SYNC_SESSION_CLASSES,
    SYNC_SESSIONMAKERS,
)
from repolint.semantics.types import EngineT, SessionFactoryT

MOCK_FACTORIES = frozenset(
    {
        "Mock",
        "MagicMock",
        "AsyncMock",
        "NonCallableMock",
        "NonCallableMagicMock",
        "create_autospec",
        "patch",
        "patch.object",
        "patch.multiple",
    }
)
MOCK_MODULES = ("unittest.mock.", "mock.", "asynctest.", "pytest_mock.", "mocker.")
SESSION_NAMES = frozenset({"Session", "AsyncSession", "scoped_session", "async_scoped_session"})
SESSION_ATTRS = frozenset({"db", "_db", "session", "_session", "async_session", "sess", "conn"})
REAL_DB_CALLS = (
    SYNC_ENGINE_FACTORIES
    | ASYNC_ENGINE_FACTORIES
    | SYNC_SESSIONMAKERS
    | ASYNC_SESSIONMAKERS
    | SYNC_SESSION_CLASSES
    | ASYNC_SESSION_CLASSES
)
DB_URL = re.compile(
    r"^(sqlite|postgresql|postgres|mysql|mariadb|mssql|oracle|cockroachdb)(\+\w+)?://"
)
SETUP_METHODS = frozenset(
    {"setup_method", "setup", "setup_class", "setUp", "asyncSetUp", "setUpClass"}
)


@dataclass(frozen=True)
class Where:
    """A place in a test module: for evidence."""

    module: ModuleInfo
    line: int
    text: str


@dataclass(frozen=True)
class Scoped:
    """A function of a test's scope, with the module whose imports qualify it."""

    module: ModuleInfo
    node: FunctionNode


@dataclass
class TestCase:
    """One test function and what it reaches."""

    name: str
    module: ModuleInfo
    node: FunctionNode
    scope: list[Scoped] = field(default_factory=list)
    fixture_mocks: set[int] = field(default_factory=set)
    """ids of scope functions' parameters that receive a mock from a fixture."""
    module_values: list[ast.expr] = field(default_factory=list)
    """Module-level values of the test module that the test names."""


class TestSuite:
    """The tests among the analysed files, with their fixture scopes resolved."""

    def __init__(self, index: ProjectIndex, test_modules: list[ModuleInfo]) -> None:
        self.index = index
        self.modules = [m for m in test_modules if m.path.name != "conftest.py"]
        self.conftests = {
            Path(m.path).absolute().parent: m for m in test_modules if m.path.name == "conftest.py"
        }
        self._refs: dict[int, frozenset[str]] = {}
        self._returns_mock: dict[int, bool] = {}
        self._factories: dict[str, bool] = {}
        self._builders: dict[str, bool] = {}
        self.tests: list[TestCase] = []
        for module in self.modules:
            self.tests.extend(self._collect(module))

    # -- collection -----------------------------------------------------------

    def _collect(self, module: ModuleInfo) -> Iterator[TestCase]:
        for stmt in module.tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and _is_test(stmt.name):
                yield self._case(module, stmt, None)
            elif isinstance(stmt, ast.ClassDef) and self._is_test_class(stmt, module):
                for sub in stmt.body:
                    if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)) and _is_test(
                        sub.name
                    ):
                        yield self._case(module, sub, stmt)

    @staticmethod
    def _is_test_class(node: ast.ClassDef, module: ModuleInfo) -> bool:
        if node.name.startswith("Test"):
            return True
        return any((module.imports.qualify(b) or "").endswith("TestCase") for b in node.bases)

    def _case(self, module: ModuleInfo, node: FunctionNode, cls: ast.ClassDef | None) -> TestCase:
        name = f"{cls.name}.{node.name}" if cls else node.name
        case = TestCase(name, module, node, [Scoped(module, node)])
        chain = self._chain(module, cls)
        wanted = [(n, node) for n in _requested(node, module)]
        if cls is not None:
            for sub in cls.body:
                if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                    sub.name in SETUP_METHODS
                ):
                    case.scope.append(Scoped(module, sub))
                    wanted.extend((n, sub) for n in _requested(sub, module))
            wanted.extend((n, node) for n in _usefixtures(cls.decorator_list, module))
        seen: set[int] = {id(node)}
        while wanted:
            name, requester = wanted.pop()
            fixture = next((f for f in chain(name) if f.node is not requester), None)
            if fixture is None:
                continue
            if self.returns_mock(fixture, chain):
                case.fixture_mocks |= _param_ids(requester, name)
            if id(fixture.node) in seen:
                continue
            seen.add(id(fixture.node))
            case.scope.append(fixture)
            wanted.extend((n, fixture.node) for n in _requested(fixture.node, fixture.module))
        case.module_values = self._module_values(case)
        return case

    def _chain(self, module: ModuleInfo, cls: ast.ClassDef | None):
        """name -> fixtures visible from a test of `module` (and `cls`), nearest first."""
        sources: list[ModuleInfo] = [module, *self._plugins(module)]
        folder = Path(module.path).absolute().parent
        for parent in (folder, *folder.parents):
            conftest = self.conftests.get(parent)
            if conftest is not None:
                sources.extend([conftest, *self._plugins(conftest)])
        class_fixtures = _fixtures_in(cls.body, module) if cls is not None else {}

        def lookup(name: str) -> list[Scoped]:
            found: list[Scoped] = []
            if name in class_fixtures:
                found.append(class_fixtures[name])
            for source in sources:
                for holder in [source, *self._star_modules(source)]:
                    table = _fixtures_in(holder.tree.body, holder)
                    if name in table:
                        found.append(table[name])
                    imported = self._imported_fixture(holder, name)
                    if imported is not None:
                        found.append(imported)
            return found

        return lookup

    def _plugins(self, module: ModuleInfo) -> list[ModuleInfo]:
        value = module.assigns.get("pytest_plugins")
        names: list[str] = []
        if isinstance(value, (ast.List, ast.Tuple)):
            names = [
                e.value
                for e in value.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            ]
        elif isinstance(value, ast.Constant) and isinstance(value.value, str):
            names = [value.value]
        found = [self.index.find_module(n) for n in names if isinstance(n, str)]
        return [m for m in found if m is not None]

    def _star_modules(self, module: ModuleInfo, depth: int = 0) -> list[ModuleInfo]:
        """The project modules `module` pulls in with `from m import *`, transitively."""
        found: list[ModuleInfo] = []
        for name in module.imports.star_modules:
            star = self.index.find_module(name)
            if star is not None and star is not module and depth < 4:
                found += [star, *self._star_modules(star, depth + 1)]
        return found

    def _imported_fixture(self, module: ModuleInfo, name: str) -> Scoped | None:
        target = module.imports.aliases.get(name)
        symbol = self.index.lookup(target) if target else None
        if symbol is None or symbol.kind != "function":
            return None
        node = symbol.node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _fixture_name(
            node, symbol.module
        ):
            return Scoped(symbol.module, node)
        return None

    def _module_values(self, case: TestCase) -> list[ast.expr]:
        names = {
            n.id
            for scoped in case.scope
            if scoped.module is case.module
            for n in ast.walk(scoped.node)
            if isinstance(n, ast.Name)
        }
        return [v for name, v in case.module.assigns.items() if name in names]

    # -- facts about scopes ---------------------------------------------------------

    def references(self, case: TestCase) -> frozenset[str]:
        """Canonical qualified names the test's scope names."""
        key = id(case)
        if key not in self._refs:
            refs: set[str] = set()
            for scoped in case.scope:
                for node in ast.walk(scoped.node):
                    if isinstance(node, (ast.Name, ast.Attribute)):
                        qual = scoped.module.imports.qualify(node)
                        if qual:
                            refs.add(self.index.canonical(qual) or qual)
            self._refs[key] = frozenset(refs)
        return self._refs[key]

    def returns_mock(self, fixture: Scoped, chain) -> bool:
        """The fixture returns or yields a mock (directly, or a fixture's mock)."""
        key = id(fixture.node)
        if key in self._returns_mock:
            return self._returns_mock[key]
        self._returns_mock[key] = False  # cycle guard
        mocks = mock_names(fixture.node, fixture.module)
        params = {a.arg for a, _ in function_params(fixture.node)}
        result = False
        for node in _own_nodes(fixture.node):
            value = node.value if isinstance(node, (ast.Return, ast.Yield)) else None
            if value is None:
                continue
            if is_mock_call(value, fixture.module) or (
                isinstance(value, ast.Name) and value.id in mocks
            ):
                result = True
            elif isinstance(value, ast.Name) and value.id in params:
                upstream = next((f for f in chain(value.id) if f.node is not fixture.node), None)
                result = upstream is not None and self.returns_mock(upstream, chain)
            if result:
                break
        self._returns_mock[key] = result
        return result

    def resolve(self, qual: str) -> str:
        """`qual` through the project's re-exports: `app.db.AsyncSession`, when app/db.py
        imports it from sqlalchemy, is `sqlalchemy.ext.asyncio.AsyncSession`."""
        for _ in range(6):
            module_name, _, name = qual.rpartition(".")
            module = self.index.find_module(module_name) if module_name else None
            if module is None or name not in module.imports.aliases:
                break
            qual = module.imports.aliases[name]
        return self.index.canonical(qual) or qual

    def builds_database(self, qual: str, depth: int = 0) -> bool:
        """A project function that builds an engine, a session factory or a session
        (`create_async_engine(...)`, `sessionmaker(...)`), itself or through another
        project function it calls: the project's own factory."""
        if qual in self._builders:
            return self._builders[qual]
        self._builders[qual] = False  # cycle guard
        symbol = self.index.lookup(qual)
        node = symbol.node if symbol is not None and symbol.kind == "function" else None
        found = False
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and symbol is not None:
            for sub in _own_nodes(node):
                if not isinstance(sub, ast.Call):
                    continue
                called = symbol.module.imports.qualify(sub.func)
                target = self.resolve(called) if called else None
                if target and (
                    target in REAL_DB_CALLS
                    or (depth < 3 and target != qual and self.builds_database(target, depth + 1))
                ):
                    found = True
                    break
        self._builders[qual] = found
        return found

    def is_session_factory(self, qual: str) -> bool:
        """A project name bound to a session factory or an engine (`SessionLocal`, `engine`)."""
        if qual not in self._factories:
            symbol = self.index.lookup(qual)
            self._factories[qual] = (
                symbol is not None
                and symbol.kind == "var"
                and isinstance(
                    self.index.facts.symbol_type(symbol.qual), (SessionFactoryT, EngineT)
                )
            )
        return self._factories[qual]


# -- syntax helpers ---------------------------------------------------------------


def _is_test(name: str) -> bool:
    return name.startswith("test")


def _fixture_name(node: FunctionNode, module: ModuleInfo) -> str | None:
    """The name a function is requested by, when it is a pytest fixture."""
    for dec in node.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        qual = module.imports.qualify(target) or ""
        if qual.rsplit(".", 1)[-1] != "fixture":
            continue
        if isinstance(dec, ast.Call):
            for kw in dec.keywords:
                if kw.arg == "name" and isinstance(kw.value, ast.Constant):
                    return str(kw.value.value)
        return node.name
    return None


def _fixtures_in(body: list[ast.stmt], module: ModuleInfo) -> dict[str, Scoped]:
    table: dict[str, Scoped] = {}
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            name = _fixture_name(stmt, module)
            if name:
                table[name] = Scoped(module, stmt)
    return table


def _requested(node: FunctionNode, module: ModuleInfo) -> list[str]:
    names = [a.arg for a, _ in function_params(node) if a.arg not in ("self", "cls", "request")]
    return names + _usefixtures(node.decorator_list, module)


def _usefixtures(decorators: list[ast.expr], module: ModuleInfo) -> list[str]:
    names: list[str] = []
    for dec in decorators:
        if isinstance(dec, ast.Call) and (dotted(dec.func) or "").endswith("usefixtures"):
            names.extend(
                a.value
                for a in dec.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            )
    return names


def _param_ids(func: FunctionNode, name: str) -> set[int]:
    return {id(a) for a, _ in function_params(func) if a.arg == name}


def _own_nodes(func: FunctionNode) -> Iterator[ast.AST]:
    """The nodes of `func`'s body, not those of nested functions or classes."""
    stack: list[ast.AST] = list(func.body)
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                stack.append(child)


def mock_factory(call: ast.AST, module: ModuleInfo) -> str | None:
    """`MagicMock`, `create_autospec`, `patch.object`... when `call` creates a mock."""
    if not isinstance(call, ast.Call):
        return None
    raw = dotted(call.func) or ""
    qual = module.imports.qualify(call.func) or ""
    for name in (qual, raw):
        for prefix in MOCK_MODULES:
            if name.startswith(prefix) and name[len(prefix) :] in MOCK_FACTORIES:
                return name[len(prefix) :]
    return None


def is_mock_call(expr: ast.AST, module: ModuleInfo) -> bool:
    return mock_factory(expr, module) is not None


def mock_names(func: FunctionNode, module: ModuleInfo) -> set[str]:
    """Local names bound to a mock: `db = AsyncMock()`, `with patch(...) as m`."""
    names: set[str] = set()
    for node in ast.walk(func):
        if (
            isinstance(node, (ast.Assign, ast.AnnAssign))
            and node.value is not None
            and is_mock_call(node.value, module)
        ):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if is_mock_call(item.context_expr, module) and isinstance(
                    item.optional_vars, ast.Name
                ):
                    names.add(item.optional_vars.id)
    return names


def is_session_name(expr: ast.AST | None, module: ModuleInfo) -> bool:
    if expr is None:
        return False
    qual = module.imports.qualify(expr) or ""
    return qual in SYNC_SESSION_CLASSES | ASYNC_SESSION_CLASSES or (
        qual.rsplit(".", 1)[-1] in SESSION_NAMES
    )
