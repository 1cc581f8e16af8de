"""The analysis takes shortcuts where an answer cannot matter or can be read more
cheaply; each must give exactly what the long way gives."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from repolint.config import load_settings
from repolint.engine import build_project
from repolint.runner import run
from repolint.semantics.call_sites import call_constants, not_none_args
from repolint.semantics.not_none import branch_names, if_tested, none_compared
from repolint.semantics.summaries import FunctionFacts
from repolint.settings import Settings
from tests.sample_oracle import SAMPLES

FUNCTIONS = {
    "plain body": """
        def f(a, b=1):
            return a + b
    """,
    "compares in the body": """
        def f(a, flag=False):
            if a is None:
                a = []
            return a if flag else None
    """,
    "None only in the signature": """
        def f(a: int | None = None) -> None:
            print(a)
    """,
    "a comparison in a default": """
        def f(a, b=(x is None), c=(1 if y else 2)):
            return a
    """,
    "a decorator that tests": """
        @register(when=(mode == "a") if mode else None)
        def f(a):
            return a
    """,
    "one line": """
        def f(a): return a is None
    """,
    "the words in a string only": '''
        def f(a):
            """None of this, if any, else nothing."""
            return a
    ''',
    "a nested function tests": """
        def f(a):
            def g(b):
                if b:
                    return b is None
            return g(a)
    """,
    "if in a comprehension only": """
        def f(rows):
            return [r for r in rows if r]
    """,
}


@pytest.mark.parametrize("source", FUNCTIONS.values(), ids=FUNCTIONS.keys())
def test_names_read_from_the_signature_alone_are_the_walked_ones(source: str) -> None:
    text = textwrap.dedent(source)
    func = ast.parse(text).body[0]
    lines = text.splitlines()
    decidable, compared = branch_names(func)
    quick_compared = none_compared(func, lines)
    quick_decidable = if_tested(func, lines)
    assert quick_compared is None or quick_compared == compared
    assert quick_decidable is None or quick_decidable == decidable


def test_the_quick_reads_apply_where_the_body_cannot_test() -> None:
    text = textwrap.dedent(FUNCTIONS["a comparison in a default"])
    func = ast.parse(text).body[0]
    assert none_compared(func, text.splitlines()) == {"x"}
    assert if_tested(func, text.splitlines()) == {"y"}
    body_tests = textwrap.dedent(FUNCTIONS["compares in the body"])
    func = ast.parse(body_tests).body[0]
    assert none_compared(func, body_tests.splitlines()) is None  # walked
    assert if_tested(func, body_tests.splitlines()) is None


def _project(tmp_path: Path, source: str) -> tuple[object, ast.Module]:
    path = tmp_path / "app.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    project = build_project([path], Settings(project_root=str(tmp_path)), roots=[tmp_path])
    return project, project.modules[0].tree


def _calls(tree: ast.Module) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)]


def test_calls_that_pass_no_candidate_skip_the_callees_tests(tmp_path: Path) -> None:
    project, tree = _project(
        tmp_path,
        """
        def fill(items=None, limit=None):
            if items is None:
                items = load()
            return items

        def caller(obj):
            fill(obj.items, 3)
            fill([1, 2])
            fill(limit=len(obj))
        """,
    )
    index = project.index  # type: ignore[attr-defined]
    ref = index.functions["app.fill"]
    by_line = {call.lineno: call for call in _calls(tree) if getattr(call.func, "id", "") == "fill"}
    caller = index.functions["app.caller"].node
    # an attribute and a constant: neither can be certainly a value, so nothing is read
    assert not_none_args(ref, by_line[8], caller) == ()
    assert "app.fill" not in ref.module.branch_names
    # a list literal is certainly a value, and `items` is compared with None
    assert [name for name, _ in not_none_args(ref, by_line[9], caller)] == ["items"]
    # `limit` gets a value but no test of `fill` reads it
    assert not_none_args(ref, by_line[10], caller) == ()


def test_calls_that_bind_no_constant_skip_the_callees_tests(tmp_path: Path) -> None:
    project, tree = _project(
        tmp_path,
        """
        def page(query, *, ordered, size):
            if ordered:
                return query
            return size

        def caller(q, flag):
            page(q, ordered=flag, size=q)
            page(q, ordered=True, size=10)
        """,
    )
    index = project.index  # type: ignore[attr-defined]
    ref = index.functions["app.page"]
    first, second = [c for c in _calls(tree) if getattr(c.func, "id", "") == "page"]
    assert call_constants(ref, first) == ()
    assert "app.page" not in ref.module.branch_names  # nothing constant: not walked
    assert [(name, c.value) for name, c in call_constants(ref, second)] == [("ordered", True)]


def test_subclasses_are_every_descendant_in_index_order(tmp_path: Path) -> None:
    project, _ = _project(
        tmp_path,
        """
        class Base: ...
        class Left(Base): ...
        class Right(Base): ...
        class Deep(Left): ...
        class Apart: ...
        """,
    )
    index = project.index  # type: ignore[attr-defined]
    assert index.subclasses("app.Base") == ("app.Left", "app.Right", "app.Deep")
    assert index.subclasses("app.Left") == ("app.Deep",)
    assert index.subclasses("app.Apart") == ()
    assert index.subclasses("app.Missing") == ()


SHARED = """
from sqlalchemy import select
from sqlalchemy.orm import Session

def count(db: Session):
    return db.scalars(select(1)).all()

def _commit(session, obj):
    session.add(obj)
    session.commit()

def with_closure(db: Session):
    def inner():
        return db.scalar(select(1))
    return inner()

class RunsDB:
    def store(self, session: Session, run):
        _commit(session, run)
"""


def test_plain_and_full_analyses_share_facts_only_where_they_cannot_differ(
    tmp_path: Path,
) -> None:
    project, _ = _project(tmp_path, SHARED)
    index = project.index  # type: ignore[attr-defined]
    store, functions = index.facts, index.functions
    # a closure defined by a plain analysis is named apart: it cannot serve a full one
    with store.plainly():
        plain = store.facts(functions["app.with_closure"])
    assert not plain.mode_free
    assert store.facts(functions["app.with_closure"]) is not plain
    store.analyse_module(project.modules[0])  # type: ignore[attr-defined]
    # no parameter left to the callers, no closure: the home analysis serves both kinds
    full = store.facts(functions["app.count"])
    assert full.mode_free
    with store.plainly():
        assert store.facts(functions["app.count"]) is full
        # a caller whose arguments are read is analysed plainly, recording them
        plain_caller = store.facts(functions["app.count"], with_call_args=True)
    assert plain_caller is not full
    # `session` is typed from what `RunsDB.store` passes: the plain analysis differs
    full = store.facts(functions["app._commit"])
    assert full.caller_typed == {"session"} and not full.mode_free
    with store.plainly():
        plain = store.facts(functions["app._commit"])
    assert plain is not full and plain.params["session"] is None and not plain.mode_free


def test_shared_analyses_give_the_findings_of_separate_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings, _ = load_settings([str(SAMPLES)])
    shared = run([str(SAMPLES)], settings)
    assert shared.findings
    # never shared: every plain analysis runs on its own, as before the shortcut
    monkeypatch.setattr(FunctionFacts, "mode_free", property(lambda _: False, lambda *_: None))
    separate = run([str(SAMPLES)], settings)
    assert separate.findings == shared.findings
