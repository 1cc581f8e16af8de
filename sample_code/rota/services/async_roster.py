"""Roster views on the async stack."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from rota.repositories.async_assignment import AsyncAssignmentRepository


async def block_sheet(db: AsyncSession, block_id: int) -> list[dict[str, Any]]:
    """MissingGreenlet: list_for_block() loads no people, and a.person is lazy."""
    assignments = await AsyncAssignmentRepository(db).list_for_block(block_id)
    return [{"assignment": a.id, "person": a.person.name} for a in assignments]  # expect: RPL302


async def block_sheet_eager(db: AsyncSession, block_id: int) -> list[dict[str, Any]]:
    """Right: the `_with_relations` twin loads block, person and template."""
    assignments = await AsyncAssignmentRepository(db).list_for_block_with_relations(block_id)
    return [
        {
            "assignment": a.id,
            "person": a.person.name,  # ok: RPL302
            "date": a.block.date,  # ok: RPL302
            "rotation": a.rotation_template.abbreviation,  # ok: RPL302
        }
        for a in assignments
    ]
