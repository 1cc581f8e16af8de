"""Dashboard routes: async routes over legacy sync statistics."""

import asyncio
import datetime as dt
from typing import Any

import anyio
from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from rota.services.digest import compose_digest, week_label
from rota.services.stats import active_member_count, dashboard_numbers, record_visit

router = APIRouter(prefix="/dashboard", tags=["dashboard"])


@router.get("")
async def dashboard() -> dict[str, int]:
    """Wrong: dashboard_numbers() -> active_member_count() opens a sync session
    and queries on the event loop thread."""
    return dashboard_numbers()  # expect: RPL102


@router.get("/offloaded")
async def dashboard_offloaded() -> dict[str, int]:
    """Right: the same function, run in the threadpool."""
    return await run_in_threadpool(dashboard_numbers)  # ok: RPL102


@router.get("/executor")
async def dashboard_executor() -> dict[str, int]:
    """Right: the same function, run in the loop's default executor."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, dashboard_numbers)  # ok: RPL102


@router.get("/headcount")
async def headcount() -> dict[str, int]:
    """Right: anyio's worker thread."""
    active = await anyio.to_thread.run_sync(active_member_count)  # ok: RPL102
    return {"active_members": active}


@router.get("/digest")
async def weekly_digest(week_start: dt.date) -> dict[str, Any]:
    """Wrong, three calls deep: compose_digest() -> dashboard_numbers() ->
    active_member_count() queries on the event loop thread."""
    label = week_label(week_start)  # ok: RPL102
    text = compose_digest(week_start)  # expect: RPL102
    return {"week": label, "text": text}


@router.get("/digest/offloaded")
async def weekly_digest_offloaded(week_start: dt.date) -> dict[str, Any]:
    """Right: the lambda, and the database work under it, run in a worker thread."""
    label = week_label(week_start)  # ok: RPL102
    text = await anyio.to_thread.run_sync(lambda: compose_digest(week_start))  # ok: RPL102
    return {"week": label, "text": text}


@router.post("/visits")
async def visit(page: str) -> None:
    """Wrong: record_visit() commits on the event loop thread (the path names the commit
    that runs on every call)."""
    record_visit(page)  # expect: RPL102
