"""Swap routes: sync writes, async reads."""

from typing import Any

from fastapi import APIRouter, BackgroundTasks, HTTPException
from pydantic import BaseModel

from rota.db.session import SessionLocal
from rota.deps import AsyncSessionDep, SessionDep
from rota.models import AuditEvent, SwapRecord
from rota.repositories.audit import AuditLogRepository
from rota.services.swaps import (
    approve_swap,
    count_open_swaps,
    pending_swap_rows,
    request_swap,
    send_swap_notification,
)

router = APIRouter(prefix="/swaps", tags=["swaps"])
audit = AuditLogRepository()


class SwapRequest(BaseModel):
    requester_id: int
    target_id: int
    assignment_id: int


@router.post("")
def create_swap(body: SwapRequest, db: SessionDep) -> dict[str, Any]:
    """Request a swap (one unit of work)."""
    swap = request_swap(db, body.requester_id, body.target_id, body.assignment_id)
    return {"id": swap.id, "status": swap.status}


@router.get("/pending")
def pending(db: SessionDep) -> list[dict[str, Any]]:
    """Pending swaps with their hours."""
    return pending_swap_rows(db)


@router.get("/open-count")
async def open_swap_count(db: AsyncSessionDep) -> dict[str, int]:
    """Right: sync counting code run through AsyncSession.run_sync."""
    return {"open": await db.run_sync(count_open_swaps)}  # ok: RPL102


@router.get("/{swap_id}")
async def get_swap(swap_id: int, db: AsyncSessionDep) -> dict[str, Any]:
    """Half right: the assignment comes with the swap (lazy="selectin");
    the requester does not (MissingGreenlet)."""
    swap = await db.get(SwapRecord, swap_id)
    if swap is None:
        raise HTTPException(status_code=404, detail="swap not found")
    hours = swap.assignment.hours  # ok: RPL302
    requester = swap.requester.name  # expect: RPL302
    return {"id": swap.id, "hours": hours, "requester": requester}


@router.post("/{swap_id}/approve")
def approve(swap_id: int, db: SessionDep) -> dict[str, Any]:
    """Approve a swap (the service commits)."""
    swap = approve_swap(db, swap_id)
    return {"id": swap.id, "status": swap.status}


@router.post("/{swap_id}/notify")
async def notify_swap(swap_id: int, background_tasks: BackgroundTasks) -> dict[str, bool]:
    """Right: the sync work runs after the response, in the threadpool."""
    background_tasks.add_task(send_swap_notification, swap_id)  # ok: RPL102
    background_tasks.add_task(audit.record, "system", f"swap {swap_id} notified")  # ok: RPL102
    return {"queued": True}


@router.post("/{swap_id}/seen")
async def mark_seen(swap_id: int) -> dict[str, bool]:
    """Wrong: a sync session opened and committed on the event loop thread."""
    with SessionLocal() as db:
        db.add(AuditEvent(actor="web", action=f"swap {swap_id} seen"))  # ok: RPL101
        db.commit()  # expect: RPL101
    return {"seen": True}
