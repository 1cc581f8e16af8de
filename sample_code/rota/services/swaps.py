"""Swap workflow (sync)."""

import logging
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rota.db.session import SessionLocal
from rota.models import SwapRecord
from rota.repositories.exceptions import RecordNotFoundError
from rota.repositories.swap import SwapRepository
from rota.repositories.unit_of_work import UnitOfWork

logger = logging.getLogger(__name__)


def request_swap_legacy(db: Session, requester_id: int, target_id: int, assignment_id: int) -> SwapRecord:
    """Looks atomic, is not: SwapRepository.create() commits inside the unit of
    work, so when the second step fails the swap row is already stored."""
    with UnitOfWork(db) as uow:
        swap = uow.swaps.create(requester_id=requester_id, target_id=target_id, assignment_id=assignment_id)
        uow.assignments.mark_swap_pending(assignment_id)
    return swap


def request_swap(db: Session, requester_id: int, target_id: int, assignment_id: int) -> SwapRecord:
    """Right: both steps only flush; the unit of work commits or rolls back both."""
    with UnitOfWork(db) as uow:
        swap = uow.swaps.add(
            SwapRecord(requester_id=requester_id, target_id=target_id, assignment_id=assignment_id)
        )
        uow.assignments.mark_swap_pending(assignment_id)
    return swap


def approve_swap(db: Session, swap_id: int) -> SwapRecord:
    """Hand the assignment over. A service owns its transaction and commits it."""
    swap = SwapRepository(db).get_by_id(swap_id)
    if swap is None:
        raise RecordNotFoundError("SwapRecord", swap_id)
    swap.status = "approved"
    swap.assignment.person_id = swap.target_id
    swap.assignment.swap_pending = False
    db.commit()  # ok: RPL201
    return swap


def count_open_swaps(session: Session) -> int:
    """Pending swaps. Sync: async callers run it with AsyncSession.run_sync."""
    stmt = select(func.count(SwapRecord.id)).where(SwapRecord.status == "pending")
    return session.scalar(stmt) or 0


def pending_swap_rows(db: Session) -> list[dict[str, Any]]:
    """Not N+1: SwapRecord.assignment is lazy="selectin", loaded with the swaps."""
    stmt = select(SwapRecord).where(SwapRecord.status == "pending").order_by(SwapRecord.id)
    return [{"swap_id": s.id, "hours": s.assignment.hours} for s in db.scalars(stmt)]  # ok: RPL301


def send_swap_notification(swap_id: int) -> None:
    """Tell both people about a swap request. Runs after the response
    (BackgroundTasks), in the threadpool, with its own session."""
    with SessionLocal() as db:
        swap = db.get(SwapRecord, swap_id)
        if swap is None:
            return
        logger.info("swap %s: %s asks %s", swap.id, swap.requester.email, swap.target.email)
