"""The SQLite reproductions of benchmark POS labels (benchmarks/realworld/repro/):
each one runs and measures exactly what benchmarks/realworld/README.md reports."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from types import ModuleType

import pytest

REALWORLD = Path(__file__).resolve().parent.parent / "benchmarks" / "realworld"
sys.path.insert(0, str(REALWORLD))

from repro import (  # noqa: E402
    REPRODUCTIONS,
    fittrackee_workout_refresh,
    flaskbb_user_topics,
)
from repro._common import SLOW_SECONDS, memory_engine  # noqa: E402

EXACT = {
    "airflow_asset_events": (12, 2),  # 1 + the asset once + 10 collections vs 2
    "fittrackee_comment_authors": (11, 2),  # 1 + 10 authors vs 2
    "lemur_cert_destinations": (11, 2),  # 1 + 10 collections vs 2
    "zou_comment_acks": (11, 2),  # 1 + 10 collections vs 2
    "fab_role_permissions": (11, 2),  # 1 + 5 roles + 2 actions + 3 resources vs 2
    "flaskbb_post_counts": (8, 1),  # a COUNT per user vs one grouped COUNT
    "sqladmin_bulk_delete": (6, 1),  # a SELECT per pk vs one IN
    "prefect_stale_collections": (6, 2),  # 1 + a SELECT per stale row vs 2
    "mlflow_merge_tags": (8, 1),  # a merge SELECT per tag vs one
    "lemur_pending_rotation": (13, 3),  # 1 + 2 per endpoint vs 3
    "flaskbb_report_deletes": (6, 1),  # COMMITs
    "openwebui_folder_tree": (10, 1),
    "indico_suggestions": (7, 1),
    "fittrackee_workout_refresh": (8, 1),
    "fastapi_users_adapter_commit": (2, 0),  # rows the caller's rollback could not undo
    "fastcrud_create_commit": (1, 0),
    "advanced_alchemy_delete_where": (0, 1),  # caller rows surviving the data layer
    "flaskbb_user_topics": (2, 0),  # topics repeated + skipped
}
STALLS = {"airflow_backfill_guard", "sqladmin_sync_query"}


def _short(module: ModuleType) -> str:
    return module.__name__.rsplit(".", 1)[-1]


def _pos_labels() -> set[tuple[str, str]]:
    found = set()
    for path in (REALWORLD / "labels").glob("*.tsv"):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                if row["verdict"] == "POS":
                    found.add((f"{path.stem} {row['path']}:{row['line']}", row["code"]))
    return found


def test_twenty_reproductions_each_measured() -> None:
    assert len(REPRODUCTIONS) == 20
    assert {_short(m) for m in REPRODUCTIONS} == set(EXACT) | STALLS


@pytest.mark.parametrize("module", REPRODUCTIONS, ids=_short)
def test_reproduction_confirms_its_label(module: ModuleType) -> None:
    result = module.run()
    assert (result.label, result.rule) in _pos_labels()
    name = _short(module)
    if name in STALLS:
        assert result.bad >= 0.8 * SLOW_SECONDS
        assert result.good < 0.3 * SLOW_SECONDS
    else:
        assert (result.bad, result.good) == EXACT[name]
    assert result.confirmed


def test_commit_per_row_reloads_every_later_row() -> None:
    # (COMMITs, SELECTs): each commit expires the rows still to refresh
    assert fittrackee_workout_refresh.measure(commit_each=True) == (8, 8)
    assert fittrackee_workout_refresh.measure(commit_each=False) == (1, 1)


def test_unordered_pages_follow_the_activity_index() -> None:
    engine = memory_engine()
    flaskbb_user_topics.Base.metadata.create_all(engine)
    assert "USING INDEX ix_thread_author_activity" in flaskbb_user_topics.plan(engine)
