"""A service test: it replaces SwapRepository, so it tests none of the repository's code."""

from pytest_mock import MockerFixture

from rota.models import Assignment, SwapRecord
from rota.repositories.swap import SwapRepository
from rota.services.swaps import approve_swap


def test_approve_swap_hands_the_assignment_over(mocker: MockerFixture) -> None:
    """The target gets the assignment and the service commits."""
    swap = SwapRecord(id=1, requester_id=1, target_id=2, assignment_id=3, status="pending")
    swap.assignment = Assignment(
        id=3, person_id=1, block_id=1, rotation_template_id=1, swap_pending=True
    )
    mocker.patch.object(SwapRepository, "get_by_id", return_value=swap)
    db = mocker.MagicMock()

    approve_swap(db, 1)

    assert swap.assignment.person_id == 2
    db.commit.assert_called_once()
