"""The collector settings an analysis changes are its own: a host (flake8, pylint, an
editor) gets its threshold, its enabled state and its frozen objects back."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from repolint import engine
from repolint.engine import ANALYSIS_GC_THRESHOLD, trees_kept_out_of_gc


@pytest.fixture
def host_gc() -> Iterator[None]:
    saved = gc.get_threshold(), gc.isenabled()
    yield
    gc.set_threshold(*saved[0])
    (gc.enable if saved[1] else gc.disable)()


@pytest.mark.usefixtures("host_gc")
def test_the_analysis_freezes_the_trees_collects_less_often_and_gives_both_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # objects frozen before repolint's import, as Python 3.12 starts with, and none since
    gc.freeze()
    monkeypatch.setattr(engine, "FROZEN_AT_IMPORT", gc.get_freeze_count())
    gc.set_threshold(700, 10, 10)
    gc.enable()
    before = gc.get_freeze_count()
    with trees_kept_out_of_gc() as parsed:
        assert not gc.isenabled()  # parsing: no collections at all
        parsed()
        assert gc.isenabled()
        assert gc.get_threshold() == (ANALYSIS_GC_THRESHOLD, 10, 10)
        assert gc.get_freeze_count() > before
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


@pytest.mark.usefixtures("host_gc")
def test_objects_a_host_froze_stay_frozen_and_its_threshold_and_state_are_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the host froze objects after importing repolint: the analysis leaves them frozen
    monkeypatch.setattr(engine, "FROZEN_AT_IMPORT", gc.get_freeze_count() - 1)
    frozen = gc.get_freeze_count()
    gc.set_threshold(ANALYSIS_GC_THRESHOLD * 2, 5, 5)
    gc.disable()
    with trees_kept_out_of_gc() as parsed:
        parsed()
        assert gc.get_threshold() == (ANALYSIS_GC_THRESHOLD * 2, 5, 5)
        assert not gc.isenabled()
        assert gc.get_freeze_count() == frozen
    assert gc.get_threshold() == (ANALYSIS_GC_THRESHOLD * 2, 5, 5)
    assert not gc.isenabled()
    assert gc.get_freeze_count() == frozen
