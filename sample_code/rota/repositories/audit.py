"""Audit log writer: its own session, its own transaction."""

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
