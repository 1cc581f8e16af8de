"""Audit log writer: its own session, its own transaction."""

from sqlalchemy import select

from rota.db.session import SessionLocal
from rota.models import AuditEvent


class AuditLogRepository:
    """Opens (and owns) a session per event, so the trail survives a request
    whose own transaction rolls back."""

    def record(self, actor: str, action: str) -> None:
        """Write one audit event and commit it."""
        with SessionLocal() as s:
            s.add(AuditEvent(actor=actor, action=action))
            s.commit()  # ok: RPL201

    def recent(self, page: int, size: int = 50) -> list[AuditEvent]:
        """Wrong: no ORDER BY, so which events land on which page is up to the
        query plan of the moment; pages can repeat or skip events."""
        with SessionLocal() as s:
            stmt = select(AuditEvent).where(AuditEvent.actor != "system")
            stmt = stmt.offset((page - 1) * size).limit(size)  # expect: RPL401
            return list(s.scalars(stmt))
