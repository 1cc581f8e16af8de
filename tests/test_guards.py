"""Every false-positive guard is needed: with any one of them switched off, the
sample code's exact findings change (a `# ok:` line fires, or an `# expect:` is
lost). A guard no sample depends on could be removed without a test noticing."""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import FunctionType

import pytest

from repolint.engine import analyse
from repolint.rules import ALL_RULES
from repolint.settings import Settings
from tests.sample_oracle import SAMPLES, annotations, themes

ALL_CODES = frozenset(rule.code for rule in ALL_RULES)

GUARDS: dict[str, object] = {
    # loops: what a loop iterates, and how the statement in it runs
    "repolint.semantics.loops:is_batch_loop": False,
    "repolint.semantics.loops:walks_a_constant": False,
    "repolint.semantics.loops:walks_model_attributes": False,
    "repolint.semantics.loops:streams": False,
    "repolint.semantics.loops:uses_in_batch": False,
    "repolint.semantics.loops:walks_tables": False,
    "repolint.semantics.loops:exits_loop_after": False,
    "repolint.semantics.loops:batch_guarded": False,
    "repolint.semantics.loops:in_except_handler": False,
    "repolint.semantics.loops:on_error_path": False,
    "repolint.semantics.loops:memoized_per_key": False,
    "repolint.semantics.loops:_fixed_literal": False,
    "repolint.semantics.loops:_class_literal": False,
    "repolint.semantics.fixed:code_literal": False,
    # where code runs: start-up, migrations, memoized functions
    "repolint.semantics.facts:FactStore.is_startup": False,
    "repolint.semantics.facts:_memoized": False,
    "repolint.semantics.index:ProjectIndex.is_migration": False,
    # rule-specific guards
    "repolint.rules.rpl201_commit_in_repository:_guarded_by_flag": False,
    "repolint.rules.rpl202_session_not_closed:_released": False,
    "repolint.rules.rpl202_session_not_closed:_hands_over": False,
    "repolint.rules.rpl303_query_per_row:_loads": True,
    "repolint.rules.rpl401_unordered_pagination:_same_condition": False,
    "repolint.rules.rpl401_unordered_pagination:_ordered_later_in_chain": False,
    "repolint.rules.rpl103_async_session_not_awaited:_handed_on": False,
    "repolint.rules.rpl308_lazy_load_in_serialization:_validated_in_route": False,
    "repolint.rules.rpl104_async_expire_on_commit:_every_call_keeps_its_objects": False,
    "repolint.semantics.not_none:certainly_a_value": False,
    "repolint.semantics.facts:_memoized_site": False,
    "repolint.semantics.memo:_lazily_filled": None,
    "repolint.semantics.not_none:returns_a_value": False,
    "repolint.rules.rpl104_async_expire_on_commit:_reads_nothing_stale": False,
}
"""`module:function` (or `module:Class.method`) -> what it returns switched off (None for
a guard that answers "which" rather than "whether")."""


def _returns_false(*args: object, **kwargs: object) -> bool:
    return False


def _returns_true(*args: object, **kwargs: object) -> bool:
    return True


def _returns_none(*args: object, **kwargs: object) -> None:
    return None


def _resolve(spec: str) -> FunctionType:
    module_name, path = spec.split(":")
    target: object = importlib.import_module(module_name)
    for part in path.split("."):
        target = getattr(target, part)
    assert isinstance(target, FunctionType), spec
    return target


@pytest.fixture
def switched_off(request: pytest.FixtureRequest) -> Iterator[str]:
    """The guard of the test's parameter, made to return its neutral value everywhere
    it is referenced (its code object is swapped, so imported names follow)."""
    spec: str = request.param
    function = _resolve(spec)
    original = function.__code__
    neutral = {True: _returns_true, False: _returns_false, None: _returns_none}[GUARDS[spec]]
    function.__code__ = neutral.__code__
    try:
        yield spec
    finally:
        function.__code__ = original


def _sample_mismatches() -> list[str]:
    """What differs from the annotations, over every sample app."""
    out: list[str] = []
    for theme in themes():
        files = sorted(theme.rglob("*.py"))
        result = analyse(files, Settings(project_root=str(SAMPLES)), ALL_CODES)
        found = Counter((Path(f.path), f.line, f.code) for f in result.findings)
        expected: Counter[tuple[Path, int, str]] = Counter()
        near: set[tuple[Path, int, str]] = set()
        for path in files:
            exp, ok = annotations(path)
            for (line, code), n in exp.items():
                expected[(path, line, code)] += n
            near |= {(path, line, code) for line, code in ok}
        out += [f"missing {k}" for k in (expected - found)]
        out += [f"extra {k}" for k in (found - expected)]
        out += [f"ok line fired {k}" for k in near & set(found)]
    return out


def test_the_samples_match_with_every_guard_on() -> None:
    assert _sample_mismatches() == []


@pytest.mark.parametrize("switched_off", sorted(GUARDS), indirect=True)
def test_each_guard_is_needed_by_a_sample(switched_off: str) -> None:
    assert _sample_mismatches(), f"no sample needs {switched_off}"
