"""Syntax newer than the running Python: read by the downgrade, or one clear RPL000."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from repolint import integrations
from repolint.semantics.downgrade import downgrade
from repolint.semantics.source import Parsed, Unparsable, parse_source

REFERENCE_PYTHON = Path("/root/.pyenv/versions/3.13.0/bin/python")
"""A Python that parses PEP 695 and PEP 696 itself, for the reference positions."""

POSITIONS = """
import ast, json, sys

PARAMS = ("TypeVar", "ParamSpec", "TypeVarTuple")

def positions(tree):
    out, seen, stack = [], set(), [tree]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.extend(ast.iter_child_nodes(node))
        stack.extend(getattr(node, "type_params", None) or [])
        for attr in ("bound", "default_value"):
            if isinstance(getattr(node, attr, None), ast.AST):
                stack.append(getattr(node, attr))
        kind = type(node).__name__
        if isinstance(node, (ast.stmt, ast.expr)) or kind in PARAMS:
            if kind == "TypeAlias":  # read as an assignment by the downgrade
                kind = "Assign"
            label = getattr(node, "id", None) or getattr(node, "name", None)
            label = label if isinstance(label, str) else None
            start, end = [node.lineno, node.col_offset], [node.end_lineno, node.end_col_offset]
            out.append([kind, label, *start, *end])
    return sorted(out, key=json.dumps)

if __name__ == "__main__":
    print(json.dumps(positions(ast.parse(sys.stdin.read()))))
"""
"""Every statement, expression and type parameter with its position, on any Python."""

_namespace: dict[str, object] = {}
exec(compile(POSITIONS, "positions", "exec"), _namespace)  # the same code on both sides


def positions(tree: ast.AST) -> list[list[object]]:
    return _namespace["positions"](tree)  # type: ignore[operator,no-any-return]


def reference_positions(source: str) -> list[list[object]]:
    """What Python 3.13 gives for `source` itself."""
    if not REFERENCE_PYTHON.exists():
        pytest.skip("Python 3.13 is not installed")
    done = subprocess.run(
        [str(REFERENCE_PYTHON), "-c", POSITIONS],
        input=source,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def downgraded_tree(source: str) -> ast.Module:
    """Parse `source` on the running Python through the downgrade, as repolint does."""
    rewritten = downgrade(source)
    assert rewritten is not None, "a newer form is found"
    assert rewritten.text.count("\n") == source.count("\n"), "no line added or removed"
    tree = ast.parse(rewritten.text)
    rewritten.restore(tree)
    return tree


# -- the downgrade, form by form ------------------------------------------------

PEP_695_AND_696 = {
    "generic class": """\
        class Repository[T: Base, *Ts, **P](Parent, metaclass=Meta):
            model: type[T]

            def get(self, id: int) -> T | None:
                return self.session.get(self.model, id)
        """,
    "generic functions": """\
        def first[T](rows: list[T]) -> T:
            return rows[0]

        async def fetch[K: (int, str), V](key: K, table: dict[K, V]) -> V:
            return await load(table[key])
        """,
    "type aliases": """\
        type SessionDep = Annotated[Session, Depends(get_db)]
        type Pair[T] = tuple[T, T]

        class Holder:
            type Rows = list[Row]

        after = SessionDep
        """,
    "defaults (PEP 696)": """\
        class Page[T = User, *Ts = *tuple[int, ...], **P = [int]]:
            items: list[T]

        def page[T: Base = User](rows: list[T]) -> Page[T]:
            return Page(rows)
        """,
    "a list over several lines, decorators, non-ASCII": """\
        @dataclass
        class Répertoire[
            T: Modèle,  # the model

            U = None,
        ](Base):
            nom: str = "é"
        x = f(Répertoire, "ü")
        """,
}


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the running Python parses these")
@pytest.mark.parametrize("source", PEP_695_AND_696.values(), ids=PEP_695_AND_696.keys())
def test_pep_695_and_696_keep_every_position_of_python_3_13(source: str) -> None:
    source = textwrap.dedent(source)
    with pytest.raises(SyntaxError):
        ast.parse(source)
    assert positions(downgraded_tree(source)) == reference_positions(source)


PEP_701 = {
    "quotes of the f-string's own kind": """\
        rows = [f"{row["name"]}: {row['id']}" for row in data]; after = load(rows)
        """,
    "a backslash in a field": """\
        label = f"{'\\n'.join(names)}" + suffix(x)
        """,
    "a single-quoted f-string over several lines": """\
        url = (
            f"{
                get_url(hass, allow=True)
            }"
            f"/api/{hook}"
        )
        done = url
        """,
    "a comment in a field": """\
        text = f\"\"\"{
            value  # the value
        }\"\"\"; tail = g(1)
        """,
    "an f-string in a format spec": """\
        x = f"{v:{f"{w}"}>10}" + g(y); é = f"{d["é"]}"; z = é
        """,
    "with PEP 695 in the same file": """\
        def run[T](x: T) -> str:
            return f"{x["k"]}" + "{#" + f"{{" + f"{a!r:>{width}}"
        """,
}


def outside_fstrings(found: list[list[object]], spans: list[list[object]]) -> list[list[object]]:
    """The positions of `found` that lie outside every span (an f-string of the reference)."""

    def inside(entry: list[object], span: list[object]) -> bool:
        return span[2:4] <= entry[2:4] and entry[4:6] <= span[4:6]  # type: ignore[operator]

    return [e for e in found if not any(inside(e, span) for span in spans)]


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the running Python parses PEP 701")
@pytest.mark.parametrize("source", PEP_701.values(), ids=PEP_701.keys())
def test_pep_701_fstrings_are_read_and_keep_every_other_position(source: str) -> None:
    source = textwrap.dedent(source)
    with pytest.raises(SyntaxError):
        ast.parse(source)
    reference = reference_positions(source)
    spans = [e for e in reference if e[0] == "JoinedStr"]
    assert spans
    ours = outside_fstrings(positions(downgraded_tree(source)), spans)
    assert ours == outside_fstrings(reference, spans)
    assert len(ours) > 3  # what surrounds the f-strings is there


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the running Python parses these")
def test_type_params_are_kept_on_the_node() -> None:
    tree = downgraded_tree(textwrap.dedent(PEP_695_AND_696["generic class"]))
    [cls] = tree.body
    assert isinstance(cls, ast.ClassDef)
    params = cls.type_params  # type: ignore[attr-defined]
    assert [(type(p).__name__, p.name) for p in params] == [
        ("TypeVar", "T"),
        ("TypeVarTuple", "Ts"),
        ("ParamSpec", "P"),
    ]
    assert ast.unparse(params[0].bound) == "Base"
    assert [ast.unparse(b) for b in cls.bases] == ["Parent"]


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the running Python parses these")
def test_type_alias_is_an_assignment_of_the_alias_name() -> None:
    tree = downgraded_tree("type SessionDep = Annotated[Session, Depends(get_db)]\n")
    [assign] = tree.body
    assert isinstance(assign, ast.Assign)
    assert [ast.unparse(t) for t in assign.targets] == ["SessionDep"]
    assert ast.unparse(assign.value) == "Annotated[Session, Depends(get_db)]"


PEP_758 = """\
try:
    run()
except ValueError, TypeError:
    pass
except (KeyError), errors.Missing :
    pass
try:
    run()
except* OSError, TimeoutError: handle(1)
"""


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="the running Python parses these")
def test_pep_758_except_without_parentheses() -> None:
    # No Python here parses PEP 758: compare with the source parenthesised by hand,
    # in the blank after `except` and before the colon, as the downgrade does.
    # (3.10 has no except* at all: it is read as a plain except, `*` turned into `(`)
    star = "except*(" if sys.version_info >= (3, 11) else "except( "
    by_hand = (
        PEP_758.replace("except ValueError, TypeError:", "except(ValueError, TypeError):")
        .replace("except (KeyError), errors.Missing :", "except((KeyError), errors.Missing):")
        .replace("except* OSError, TimeoutError: handle", f"{star}OSError, TimeoutError):handle")
    )
    assert positions(downgraded_tree(PEP_758)) == positions(ast.parse(by_hand))
    lines = PEP_758.splitlines()
    tree = downgraded_tree(PEP_758)
    for node in ast.walk(tree):  # the names sit where the original has them
        if isinstance(node, ast.Name):
            line = lines[node.lineno - 1]
            assert line[node.col_offset : node.end_col_offset] == node.id


def test_only_the_forms_the_running_python_lacks_are_rewritten() -> None:
    source = "class A[T = int]:\n    pass\ntry:\n    pass\nexcept A, B:\n    pass\n"
    on_3_12 = downgrade(source, (3, 12))
    assert on_3_12 is not None
    assert on_3_12.text.splitlines()[0] == "class A[T      ]:"
    assert on_3_12.forms == [
        "PEP 696 type parameter defaults",
        "PEP 758 except without parentheses",
    ]
    on_3_13 = downgrade(source, (3, 13))
    assert on_3_13 is not None and on_3_13.text.splitlines()[0] == "class A[T = int]:"
    assert downgrade(source, (3, 14)) is None
    assert downgrade("try:\n    pass\nexcept* A:\n    pass\n", (3, 10)) is not None


def test_code_without_newer_forms_is_not_rewritten() -> None:
    assert downgrade("def broken(:\n    pass\n") is None
    assert downgrade("type(x)\ntype = 1\nclass A(B[T]): pass\nexcept_ = 1\n") is None
    assert downgrade("try:\n    pass\nexcept (A, B) as error:\n    pass\n") is None
    assert downgrade("try:\n    pass\nexcept A, B as error:\n    pass\n") is None  # 3.14 too


# -- parse_source: the RPL000 message --------------------------------------------


def unparsable(source: str) -> Unparsable:
    parsed = parse_source(source.encode("utf-8"))
    assert isinstance(parsed, Unparsable)
    return parsed


def test_a_plain_syntax_error_does_not_blame_the_python_version() -> None:
    assert unparsable("def broken(:\n    pass\n").message == "cannot parse: invalid syntax"


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the running Python parses PEP 701")
def test_syntax_a_newer_python_accepts_names_the_version() -> None:
    version = f"newer Python than {sys.version_info.major}.{sys.version_info.minor}"
    both = unparsable('type Rows = list[Row]\nname = f"{row["name"]}" +\n')
    assert version in both.message and both.line == 2


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the running Python parses these")
def test_parse_source_reads_the_newer_forms_and_keeps_the_original_text() -> None:
    source = textwrap.dedent(PEP_695_AND_696["type aliases"])
    parsed = parse_source(source.encode("utf-8"))
    assert isinstance(parsed, Parsed)
    assert parsed.text == source


# -- end to end: a project as a user has it ---------------------------------------

DEPS = """\
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy.exc import OperationalError, TimeoutError
from sqlalchemy.orm import Session, sessionmaker

SessionLocal = sessionmaker()


def get_db() -> Iterator[Session]:
    db = SessionLocal()
    try:
        yield db
    except OperationalError, TimeoutError:
        db.rollback()
        raise
    finally:
        db.close()


type SessionDep = Annotated[Session, Depends(get_db)]
"""
ROUTES = """\
from fastapi import APIRouter
from sqlalchemy import text

from app.deps import SessionDep

router = APIRouter()


@router.get("/health")
async def health(db: SessionDep) -> dict[str, bool]:
    db.execute(text("select 1"))  # expect: RPL101
    return {"ok": True}
"""
MODELS = """\
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "user"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
"""
GENERIC_BASE = """\
from sqlalchemy.orm import Session

from app.models import Base


class Repository[T: Base]:
    model: type[T]

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, id: int) -> T | None:
        return self.session.get(self.model, id)
"""
TYPEVAR_BASE = """\
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from app.models import Base

T = TypeVar("T", bound=Base)


class Repository(Generic[T]):
    model: type[T]

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, id: int) -> T | None:
        return self.session.get(self.model, id)
"""
USERS = """\
from app.base import Repository
from app.models import User


class UserRepository(Repository[User]):
    def rename(self, id: int, name: str) -> None:
        user = self.get(id)
        user.name = name
        self.session.commit()  # expect: RPL201
"""


def write_project(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[project]\nname = "newer"\n', encoding="utf-8")
    for rel, text in {"app/__init__.py": "", **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def check(root: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`repolint check` as a user runs it, in `root`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPOLINT_")}
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "repolint", "check", "--no-cache", *args],
        cwd=root,
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def found(proc: subprocess.CompletedProcess[str]) -> list[tuple[str, int, str]]:
    assert "Traceback" not in proc.stderr, proc.stderr
    return [(f["path"], f["line"], f["code"]) for f in json.loads(proc.stdout)]


def test_a_type_alias_and_except_in_deps_reach_the_route(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"app/deps.py": DEPS, "app/routes.py": ROUTES})
    proc = check(root, "--output-format", "json", ".")
    assert found(proc) == [("app/routes.py", 11, "RPL101")]
    assert proc.returncode == 1 and proc.stderr == ""
    # Standard input, with the project as context: the same finding, and the
    # newer file itself reads without RPL000.
    routes = check(
        root, "--output-format", "json", "--stdin-filename", "app/routes.py", stdin=ROUTES
    )
    assert found(routes) == [("app/routes.py", 11, "RPL101")]
    deps = check(root, "--output-format", "json", "--stdin-filename", "app/deps.py", stdin=DEPS)
    assert found(deps) == []


def test_a_pep_695_repository_base_is_read_like_a_generic_one(tmp_path: Path) -> None:
    results = []
    for name, base in (("pep695", GENERIC_BASE), ("typevar", TYPEVAR_BASE)):
        files = {"app/models.py": MODELS, "app/base.py": base, "app/users.py": USERS}
        root = write_project(tmp_path / name, files)
        proc = check(root, "--output-format", "json", ".")
        results.append(json.loads(proc.stdout))
    assert [(f["path"], f["line"], f["code"]) for f in results[0]] == [
        ("app/users.py", 9, "RPL201")
    ]
    assert results[0] == results[1]


def test_flake8_plugin_sees_the_declarations_of_a_newer_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("flake8")
    from repolint.integrations.flake8 import Plugin

    root = write_project(tmp_path, {"app/deps.py": DEPS, "app/routes.py": ROUTES})
    monkeypatch.chdir(root)
    monkeypatch.setenv("REPOLINT_NO_CACHE", "1")
    integrations.reset()
    try:
        routes = str(root / "app" / "routes.py")
        plugin = Plugin(ast.parse(ROUTES), routes, ROUTES.splitlines(keepends=True))
        assert [(line, text.split()[0]) for line, _, text, _ in plugin.run()] == [(11, "RPL101")]
    finally:
        integrations.reset()


def test_a_plain_syntax_error_is_rpl000_and_a_warning_says_what_is_missing(
    tmp_path: Path,
) -> None:
    root = write_project(tmp_path, {"app/broken.py": "def broken(:\n    pass\n"})
    proc = check(root, "--output-format", "json", ".")
    [finding] = json.loads(proc.stdout)
    assert (finding["path"], finding["code"]) == ("app/broken.py", "RPL000")
    assert finding["message"] == "cannot parse: invalid syntax"
    assert "newer Python" not in finding["message"]
    assert proc.stderr == (
        "warning: 1 file could not be parsed (RPL000): its models, sessions and "
        "repositories are missing from the project, so findings that depend on them "
        "may be missing\n"
    )
    assert check(root, "-q", "--output-format", "json", ".").stderr == ""
