"""Minimal reproductions, on SQLite, of POS labels of the real-code benchmark.

Each module mirrors the shape of one labelled site with invented models and names
(no third-party code is copied or imported) and has `run() -> Result`: what the
labelled shape measured (bad) against the fix (good). `reproduce.py` runs them all.
"""

from __future__ import annotations

from types import ModuleType

from . import (
    advanced_alchemy_delete_where,
    airflow_asset_events,
    airflow_backfill_guard,
    fab_role_permissions,
    fastapi_users_adapter_commit,
    fastcrud_create_commit,
    fittrackee_comment_authors,
    fittrackee_workout_refresh,
    flaskbb_post_counts,
    flaskbb_report_deletes,
    flaskbb_user_topics,
    indico_suggestions,
    lemur_cert_destinations,
    lemur_pending_rotation,
    mlflow_merge_tags,
    openwebui_folder_tree,
    prefect_stale_collections,
    sqladmin_bulk_delete,
    sqladmin_sync_query,
    zou_comment_acks,
)
from ._common import Result

REPRODUCTIONS: tuple[ModuleType, ...] = (
    # N+1: RPL301, RPL303, RPL304
    airflow_asset_events,
    fittrackee_comment_authors,
    lemur_cert_destinations,
    zou_comment_acks,
    fab_role_permissions,
    flaskbb_post_counts,
    sqladmin_bulk_delete,
    prefect_stale_collections,
    mlflow_merge_tags,
    lemur_pending_rotation,
    # a commit per row: RPL309
    flaskbb_report_deletes,
    openwebui_folder_tree,
    indico_suggestions,
    fittrackee_workout_refresh,
    # the data layer ends the caller's transaction: RPL201
    fastapi_users_adapter_commit,
    fastcrud_create_commit,
    advanced_alchemy_delete_where,
    # sync database I/O in async def: RPL101, RPL102
    airflow_backfill_guard,
    sqladmin_sync_query,
    # offset without order_by: RPL401
    flaskbb_user_topics,
)

__all__ = ["REPRODUCTIONS", "Result"]
