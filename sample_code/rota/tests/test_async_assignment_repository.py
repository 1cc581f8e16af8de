"""AsyncAssignmentRepository: covered by unit, integration and pagination tests."""

import datetime as dt
from unittest.mock import MagicMock, NonCallableMagicMock

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from rota.models import Assignment, Block, Person, RotationTemplate
from rota.repositories.async_assignment import AsyncAssignmentRepository
from rota.repositories.exceptions import RecordNotFoundError


async def add_assignments(session: AsyncSession, count: int) -> list[int]:
    """`count` assignments of one person, one block a day; their ids in order."""
    person = Person(name="Ada", email="ada@example.org", type="resident")
    template = RotationTemplate(name="Clinic", abbreviation="CL")
    blocks = [Block(date=dt.date(2025, 1, 6 + i), period="AM") for i in range(count)]
    session.add_all([person, template, *blocks])
    await session.flush()
    assignments = [
        Assignment(person_id=person.id, block_id=b.id, rotation_template_id=template.id)
        for b in blocks
    ]
    session.add_all(assignments)
    await session.flush()
    return [a.id for a in assignments]


@pytest.mark.asyncio
async def test_get_by_id_returns_the_row(mock_async_session: NonCallableMagicMock) -> None:
    """Unit: one awaited execute(), and the row its result holds."""
    row = Assignment(id=3, person_id=1, block_id=1, rotation_template_id=1)
    result = MagicMock()
    result.scalar_one_or_none.return_value = row
    mock_async_session.execute.return_value = result
    repo = AsyncAssignmentRepository(mock_async_session)

    assert await repo.get_by_id(3) is row
    mock_async_session.execute.assert_awaited_once()


@pytest.mark.asyncio
async def test_get_by_id_with_relations_loads_person_and_block(async_session: AsyncSession) -> None:
    """Integration: the eager variant is readable after the await (no MissingGreenlet)."""
    (assignment_id,) = await add_assignments(async_session, 1)
    async_session.expunge_all()

    found = await AsyncAssignmentRepository(async_session).get_by_id_with_relations(assignment_id)

    assert found is not None
    assert found.person.name == "Ada"
    assert found.block.period == "AM"


@pytest.mark.asyncio
async def test_get_or_raise_raises_for_a_missing_row(async_session: AsyncSession) -> None:
    """Integration: a missing id is a RecordNotFoundError, not a None."""
    with pytest.raises(RecordNotFoundError):
        await AsyncAssignmentRepository(async_session).get_or_raise(404)


@pytest.mark.asyncio
async def test_get_all_pages_do_not_overlap(async_session: AsyncSession) -> None:
    """Pagination: the second page starts where the first one ended."""
    ids = await add_assignments(async_session, 5)
    repo = AsyncAssignmentRepository(async_session)

    first = await repo.get_all(limit=2)
    second = await repo.get_all(limit=2, offset=2)

    assert [a.id for a in first] == ids[:2]
    assert [a.id for a in second] == ids[2:4]
