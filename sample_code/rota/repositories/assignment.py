"""Legacy sync repository for assignments (writes only; reads moved to the async one)."""

from sqlalchemy.orm import Session

from rota.models import Assignment
from rota.repositories.exceptions import RecordNotFoundError


class AssignmentRepository:
    """Writes that take part in the caller's transaction."""

    def __init__(self, db: Session):
        self.db = db

    def create(
        self,
        *,
        person_id: int,
        block_id: int,
        rotation_template_id: int,
        hours: float = 4.0,
        auto_commit: bool = False,
    ) -> Assignment:
        """Stage an assignment; commits only when the caller asks for it."""
        assignment = Assignment(
            person_id=person_id,
            block_id=block_id,
            rotation_template_id=rotation_template_id,
            hours=hours,
        )
        self.db.add(assignment)
        self.db.flush()
        if auto_commit:
            self.db.commit()  # ok: RPL201
        return assignment

    def mark_swap_pending(self, assignment_id: int) -> Assignment:
        """Flag an assignment as offered for swap; raises if it is gone."""
        assignment = self.db.get(Assignment, assignment_id)
        if assignment is None:
            raise RecordNotFoundError("Assignment", assignment_id)
        assignment.swap_pending = True
        self.db.flush()
        return assignment
