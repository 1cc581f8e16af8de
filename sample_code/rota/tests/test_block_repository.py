"""BlockRepository: a unit test only (no integration test yet)."""

from unittest.mock import create_autospec

from sqlalchemy.orm import Session, selectinload

from rota.models import Block
from rota.repositories.block import BlockRepository


def test_get_by_id_runs_one_statement() -> None:
    """Unit: the loader options go with the one statement the session runs."""
    db = create_autospec(Session, instance=True)
    repo = BlockRepository(db)

    repo.get_by_id(1, options=[selectinload(Block.assignments)])

    db.scalars.assert_called_once()
