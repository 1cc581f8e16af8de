"""Legacy sync repository for swap requests."""

from sqlalchemy.orm import Session

from rota.models import SwapRecord


class SwapRepository:  # expect: RPL304
    """Wrong twice: get_by_id() has no eager-loading path although SwapRecord's
    requester and target are lazy, and create() commits the caller's transaction."""

    model = SwapRecord

    def __init__(self, db: Session):
        self.db = db

    def get_by_id(self, id: int) -> SwapRecord | None:
        """Fetch by primary key (requester and target stay unloaded)."""
        return self.db.get(SwapRecord, id)

    def create(self, **fields: object) -> SwapRecord:
        """Wrong: the commit ends whatever unit of work the caller is in."""
        swap = SwapRecord(**fields)
        self.db.add(swap)
        self.db.commit()  # expect: RPL201
        return swap

    def add(self, swap: SwapRecord) -> SwapRecord:
        """Right: stage and flush; the caller commits or rolls back."""
        self.db.add(swap)
        self.db.flush()
        return swap
