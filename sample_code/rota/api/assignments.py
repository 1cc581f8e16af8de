"""Assignment routes on the async stack."""

from typing import Any

from fastapi import APIRouter, HTTPException

from rota.deps import AsyncSessionDep
from rota.repositories.async_assignment import AsyncAssignmentRepository
from rota.services.async_roster import block_sheet_eager
from rota.services.roster import total_hours_by_person

router = APIRouter(prefix="/assignments", tags=["assignments"])


@router.get("/hours")
async def hours_by_person(db: AsyncSessionDep) -> dict[int, float]:
    """Right: sync report code run through AsyncSession.run_sync."""
    return await db.run_sync(total_hours_by_person)  # ok: RPL102


@router.get("/blocks/{block_id}")
async def block_sheet_route(block_id: int, db: AsyncSessionDep) -> list[dict[str, Any]]:
    """The sheet of one block (eager variant)."""
    return await block_sheet_eager(db, block_id)


@router.get("/{assignment_id}")
async def get_assignment(assignment_id: int, db: AsyncSessionDep) -> dict[str, Any]:
    """MissingGreenlet: get_by_id() loads no relationships and .person is lazy."""
    assignment = await AsyncAssignmentRepository(db).get_by_id(assignment_id)
    if assignment is None:
        raise HTTPException(status_code=404, detail="assignment not found")
    return {"id": assignment.id, "person": assignment.person.name}  # expect: RPL302


@router.get("/{assignment_id}/detail")
async def get_assignment_detail(assignment_id: int, db: AsyncSessionDep) -> dict[str, Any]:
    """Right: the `_with_relations` twin loads what the response reads."""
    assignment = await AsyncAssignmentRepository(db).get_by_id_with_relations(assignment_id)
    if assignment is None:
        raise HTTPException(status_code=404, detail="assignment not found")
    return {
        "id": assignment.id,
        "person": assignment.person.name,  # ok: RPL302
        "date": assignment.block.date,  # ok: RPL302
        "rotation": assignment.rotation_template.name,  # ok: RPL302
    }
