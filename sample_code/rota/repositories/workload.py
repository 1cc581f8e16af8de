"""Workload figures: aggregate queries over assignments, no model of their own."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from rota.models import Assignment, Block, Person


class WorkloadReportRepository:
    """Read-only report queries (a query-only repository: no model, no get_by_id)."""

    def __init__(self, db: AsyncSession):
        self.db = db

    async def hours_by_person(self, start: dt.date, end: dt.date) -> Sequence[Row[Any]]:
        """Total hours per person id for the blocks between two dates."""
        stmt = (
            select(Assignment.person_id, func.sum(Assignment.hours))
            .join(Block, Assignment.block_id == Block.id)
            .where(Block.date.between(start, end))
            .group_by(Assignment.person_id)
            .order_by(Assignment.person_id)
        )
        return (await self.db.execute(stmt)).all()

    async def busiest_people(self, limit: int = 10, offset: int = 0) -> Sequence[Row[Any]]:
        n = func.count(Assignment.id)
        stmt = (
            select(Person.name, n.label("assignments"))
            .join(Assignment, Assignment.person_id == Person.id)
            .group_by(Person.id, Person.name)
            .order_by(n.desc(), Person.id)
            .offset(offset)
            .limit(limit)
        )
        return (await self.db.execute(stmt)).all()
