"""How the modules are shared between worker processes, and the work done once for all.

The findings do not depend on any of this (`tests/test_parallel.py` checks that);
these tests check that the work is shared the way it is meant to be: groups of
modules that import each other, of about equal size; each worker on its own group
first; the tables read from every module built before the fork; the callers of a
function read only until one passes something unknown."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from repolint import parallel
from repolint.semantics.imports import ImportTable
from repolint.semantics.index import ProjectIndex
from repolint.semantics.module import ModuleInfo
from repolint.semantics.order import dependency_order
from repolint.semantics.partition import SLACK, partition
from tests.test_index import build_index


def module(name: str, imports: list[str], lines: int = 10) -> ModuleInfo:
    """A module of `lines` lines importing `imports` (no source is parsed)."""
    table = ImportTable(name, False)
    for target in imports:
        table.aliases[target.rsplit(".", 1)[-1]] = target
    return ModuleInfo(name, Path(name), name, ast.Module([], []), ["pass"] * lines, table)


def two_packages(size: int = 6) -> list[ModuleInfo]:
    """Packages `a` and `b`, each a chain of modules importing the previous one, and
    each importing the other package's first module once; listed interleaved."""
    mods: list[ModuleInfo] = []
    for i in range(size):
        for pkg, other in (("a", "b"), ("b", "a")):
            imports = [f"{pkg}.m{i - 1}"] if i else [f"{other}.m0"]
            mods.append(module(f"{pkg}.m{i}", imports))
    return mods


def test_modules_that_import_each_other_go_together() -> None:
    mods = two_packages()
    groups = partition(mods, dependency_order(mods), 2)
    packages = [{mods[i].name.split(".")[0] for i in group} for group in groups]
    assert sorted(map(sorted, packages)) == [["a"], ["b"]]


def test_imports_win_over_names() -> None:
    # cut by name, `b.m00` would go with package `a`, and `b_util0`, `b_util1` (which
    # only package `a` imports) with package `b`
    mods = [
        *(module(f"a.m{i:02}", [f"a.m{i - 1:02}", f"b_util{i % 2}"]) for i in range(30)),
        *(module(f"b.m{i:02}", [f"b.m{i - 1:02}"] if i else []) for i in range(30)),
        module("b_util0", []),
        module("b_util1", []),
    ]
    groups = partition(mods, dependency_order(mods), 2)
    names = sorted(sorted({mods[i].name.split(".")[0] for i in group}) for group in groups)
    assert names == [["a", "b_util0", "b_util1"], ["b"]]


def test_every_module_once_each_group_in_the_given_order() -> None:
    mods = two_packages(9)
    order = dependency_order(mods)
    for parts in (1, 2, 3, 5):
        groups = partition(mods, order, parts)
        assert sorted(i for g in groups for i in g) == list(range(len(mods)))
        for group in groups:
            assert group == [i for i in order if i in group]


def test_groups_stay_within_the_slack_of_an_equal_share() -> None:
    # one module is linked to everything: pulling all towards it must stop at the bound
    hub = module("hub", [])
    mods = [hub, *(module(f"leaf{i:02}", ["hub"], lines=10 + i) for i in range(40))]
    total = sum(len(m.lines) for m in mods)
    groups = partition(mods, list(range(len(mods))), 2)
    assert len(groups) == 2
    for group in groups:
        size = sum(len(mods[i].lines) for i in group)
        assert total / 2 * (1 - SLACK) <= size <= total / 2 * (1 + SLACK)


def test_the_same_modules_give_the_same_groups() -> None:
    mods = two_packages(7)
    order = dependency_order(mods)
    assert partition(mods, order, 3) == partition(list(mods), list(order), 3)


def test_queues_cover_every_module_once() -> None:
    for count in (0, 1, 5, 64, 1000):
        groups = [list(range(0, count, 2)), list(range(1, count, 2))]
        for jobs in (1, 2, 8):
            chunked = parallel.queues(groups, jobs)
            assert [[i for chunk in q for i in chunk] for q in chunked] == groups
            assert all(0 < len(chunk) <= parallel.MAX_CHUNK for q in chunked for chunk in q)


def test_a_worker_takes_its_own_queue_then_the_end_of_the_longest() -> None:
    # queues are stacks: the next chunk is last
    pending = [[[2], [1]], [[6], [5], [4], [3]], [[8], [7]]]
    assert parallel._next_chunk(pending, 0) == [1]
    assert parallel._next_chunk(pending, 0) == [2]
    assert parallel._next_chunk(pending, 0) == [6]  # the last chunk of queue 1
    assert parallel._next_chunk(pending, 2) == [7]
    assert parallel._next_chunk(pending, 2) == [8]
    assert parallel._next_chunk(pending, 2) == [5]
    assert [parallel._next_chunk(pending, 1) for _ in range(3)] == [[3], [4], None]


@pytest.mark.skipif(not parallel.can_fork(), reason="needs fork")
def test_tables_read_from_every_module_are_built_before_the_fork(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from repolint import engine

    built: list[tuple[bool, bool]] = []
    real_fork = parallel._fork

    def fork(siblings: list[parallel.Worker]) -> parallel.Worker:
        facts = checkers[0].project.index.facts
        built.append((facts._callers is not None, facts._startup is not None))
        return real_fork(siblings)

    checkers: list[engine.Checker] = []
    real_init = engine.Checker.__init__

    def init(self: engine.Checker, *args: object, **kwargs: object) -> None:
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]
        checkers.append(self)

    monkeypatch.setattr(engine.Checker, "__init__", init)
    monkeypatch.setattr(parallel, "_fork", fork)
    for i in range(4):
        (tmp_path / f"m{i}.py").write_text(f"def f{i}(x):\n    return x\n", encoding="utf-8")
    from tests.test_parallel import check

    check(tmp_path, 2)
    assert built == [(True, True), (True, True)]


CALLERS = {
    "app/__init__.py": "",
    "app/helpers.py": """
        def save(session, obj):
            session.add(obj)
            session.commit()
    """,
    "app/a.py": """
        from app.helpers import save

        def first(made, obj):
            save(made, obj)
    """,
    "app/b.py": """
        from sqlalchemy.orm import Session
        from app.helpers import save

        def second(db: Session, obj):
            save(db, obj)
    """,
}


def test_callers_are_read_until_one_passes_something_unknown(tmp_path: Path) -> None:
    index: ProjectIndex = build_index(tmp_path, CALLERS)
    facts = index.facts
    assert facts.facts(index.functions["app.helpers.save"]).params["session"] is None
    plain = {key[0] for key in facts._facts if key[3]}
    # `first` passes what it is given, unknown: `second`, the later caller, is not read
    assert "app.a.first" in plain
    assert "app.b.second" not in plain


def test_callers_that_agree_are_all_read(tmp_path: Path) -> None:
    files = dict(CALLERS)
    files["app/a.py"] = textwrap.dedent(
        """
        from sqlalchemy.orm import Session
        from app.helpers import save

        def first(db: Session, obj):
            save(db, obj)
        """
    )
    index = build_index(tmp_path, files)
    facts = index.facts
    assert facts.facts(index.functions["app.helpers.save"]).params["session"] is not None
    plain = {key[0] for key in facts._facts if key[3]}
    assert {"app.a.first", "app.b.second"} <= plain
