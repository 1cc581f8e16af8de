"""Async block repository: everything comes from the generic base."""

from sqlalchemy.ext.asyncio import AsyncSession

from rota.models import Block
from rota.repositories.async_base import AsyncBaseRepository


class AsyncBlockRepository(AsyncBaseRepository[Block]):  # expect: RPL304
    """Wrong for RPL304: binds Block (whose assignments are lazy) to the base
    and adds nothing, so the inherited get_by_id() has no eager-loading path."""

    def __init__(self, db: AsyncSession):
        super().__init__(Block, db)
